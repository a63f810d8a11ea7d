from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.modules.migration import load_script
from odoo.tests import tagged

from odoo.addons.report_ext.hooks import pre_init_hook
from odoo.addons.report_ext.report.sale_analysis_mixin import fixed_utc_offset

from .common import ReportExtCommon


@tagged("post_install", "-at_install")
class TestSaleAnalysis(ReportExtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order2 = cls._create_order(cls.customer, cls.salesman2, qty=20)
        cls._approve(cls.order | cls.order2)
        cls.env.flush_all()

    def test_totals_match_orders(self):
        orders = self.order | self.order2
        [(amount, total, margin, cost, count)] = self.env["sale.analysis.report"]._read_group(
            [("order_id", "in", orders.ids)],
            [],
            [
                "amount_untaxed:sum",
                "amount_total:sum",
                "margin:sum",
                "cost:sum",
                "order_count:count_distinct",
            ],
        )
        self.assertAlmostEqual(amount, sum(orders.mapped("amount_untaxed")))
        self.assertAlmostEqual(total, sum(orders.mapped("amount_total")))
        self.assertAlmostEqual(margin, sum(orders.mapped("margin")))
        self.assertAlmostEqual(cost, amount - margin)
        self.assertEqual(count, 2)

    def test_margin_percent_of_group_is_ratio_of_sums(self):
        orders = self.order | self.order2
        groups = self.env["sale.analysis.report"].read_group(
            [("order_id", "in", orders.ids)],
            ["margin_percent", "margin", "amount_untaxed"],
            ["partner_id"],
        )
        self.assertEqual(len(groups), 1)
        group = groups[0]
        expected = group["margin"] / group["amount_untaxed"] * 100
        self.assertAlmostEqual(group["margin_percent"], expected, places=6)
        lines = self.env["sale.analysis.report"].search([("order_id", "in", orders.ids)])
        average = sum(lines.mapped("margin_percent")) / len(lines)
        self.assertNotAlmostEqual(group["margin_percent"], average, places=2)

    def test_group_by_month_and_customer_is_one_query(self):
        model = self.env["sale.analysis.report"].with_user(self.salesman)
        model._read_group([], ["date:month", "partner_id"], ["amount_untaxed:sum"])  # warm up
        with self.assertQueryCount(1):
            model._read_group([], ["date:month", "partner_id"], ["amount_untaxed:sum", "__count"])

    def test_dimensions(self):
        [line] = self.env["sale.analysis.report"].search(
            [("order_id", "=", self.order.id), ("product_id", "=", self.product.id)]
        )
        self.assertEqual(line.user_id, self.salesman)
        self.assertEqual(line.warehouse_id, self.order.warehouse_id)
        self.assertEqual(line.categ_id, self.product.categ_id)
        self.assertEqual(line.commercial_partner_id, self.customer)
        self.assertEqual(line.state, "sale")
        self.assertEqual(line.flow_state, "approved")
        self.assertEqual(line.flow_state, self.order.flow_state)

    def test_salesman_sees_own_figures_only(self):
        model = self.env["sale.analysis.report"].with_user(self.salesman)
        lines = model.search([("order_id", "in", (self.order | self.order2).ids)])
        self.assertEqual(lines.order_id, self.order)
        manager = self.env["res.users"].create(
            {
                "name": "销售经理",
                "login": "jxc_sale_manager",
                "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_manager").id])],
            }
        )
        lines = (
            self.env["sale.analysis.report"]
            .with_user(manager)
            .search([("order_id", "in", (self.order | self.order2).ids)])
        )
        self.assertEqual(lines.order_id, self.order | self.order2)

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "上海另一家公司"})
        self.salesman.write({"company_ids": [(4, other.id)]})
        model = self.env["sale.analysis.report"].with_user(self.salesman)
        self.assertTrue(model.search_count([("order_id", "=", self.order.id)]))
        model = model.with_context(allowed_company_ids=[other.id])
        self.assertFalse(model.search_count([("order_id", "=", self.order.id)]))


@tagged("post_install", "-at_install")
class TestStockAnalysis(ReportExtCommon):
    def _row(self, product):
        return self.env["stock.analysis.report"].search(
            [("product_id", "=", product.id), ("warehouse_id", "=", self.warehouse.id)]
        )

    def test_on_hand_reserved_available(self):
        self._approve(self.order)
        self.env.flush_all()
        row = self._row(self.product)
        self.assertEqual(row.qty_on_hand, 1000.0)
        self.assertEqual(row.qty_reserved, 10.0)
        self.assertEqual(row.qty_available, 1000.0 - 10.0 - row.qty_locked)
        self.assertAlmostEqual(row.stock_value, 1000.0 * row.unit_cost)
        self.assertTrue(row.is_slow_mover, "never delivered")

    def test_locked_stock_from_stock_lock_ext(self):
        """库存分析 reads stock_lock_ext's active locks: locked units are not available."""
        self.company.sale_review_required = True
        waiting = self._create_order(self.customer, self.salesman, qty=7.0)
        waiting.with_user(self.salesman).action_submit_review()
        self.assertEqual(waiting.approval_state, "to_review")
        self.env.flush_all()
        row = self._row(self.product)
        self.assertEqual((row.qty_on_hand, row.qty_reserved, row.qty_locked), (1000.0, 0.0, 7.0))
        self.assertEqual(row.qty_available, 993.0)
        # approval turns the lock into the delivery's reservation: still not available
        waiting.with_user(self.approver).action_approve()
        self.env.flush_all()
        self.env.invalidate_all()
        row = self._row(self.product)
        self.assertEqual((row.qty_reserved, row.qty_locked, row.qty_available), (7.0, 0.0, 993.0))

    def test_turnover_after_delivery(self):
        """Values from stock valuation: 1000 counted in at 30 (a valued inventory
        adjustment), 10 delivered in the period."""
        product = self.env["product.product"].create(
            {"name": "保温壶", "is_storable": True, "type": "consu", "standard_price": 30.0}
        )
        self.env["stock.quant"].with_context(inventory_mode=True).create(
            {
                "product_id": product.id,
                "location_id": self.warehouse.lot_stock_id.id,
                "inventory_quantity": 1000.0,
            }
        )._apply_inventory()
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_uom_qty": 10, "price_unit": 50}
                    )
                ],
            }
        )
        self._approve(order)
        self._deliver(order)
        self.env.flush_all()
        row = self._row(product)
        self.assertEqual(row.qty_on_hand, 990.0)
        self.assertEqual(row.qty_sold, 10.0)
        self.assertAlmostEqual(row.cogs, 10 * 30.0)
        # the stock came in during the period: opening 0, closing 990 x 30
        self.assertAlmostEqual(row.opening_value, 0.0)
        self.assertAlmostEqual(row.stock_value, 990 * 30.0)
        self.assertAlmostEqual(row.avg_inventory_value, 990 * 30.0 / 2)
        self.assertAlmostEqual(row.turnover_rate, 300.0 / (990 * 30.0 / 2), places=6)
        self.assertAlmostEqual(row.turnover_days, 365 / (300.0 / (990 * 30.0 / 2)), places=2)
        self.assertFalse(row.is_slow_mover)
        self.assertTrue(row.last_sale_date)
        [group] = self.env["stock.analysis.report"].read_group(
            [("warehouse_id", "=", self.warehouse.id), ("product_id", "=", product.id)],
            ["cogs", "avg_inventory_value", "turnover_rate", "turnover_days"],
            ["warehouse_id"],
        )
        self.assertAlmostEqual(
            group["turnover_rate"], group["cogs"] / group["avg_inventory_value"], places=6
        )
        # a period that ends before the delivery: nothing sold, opening = closing = 0
        yesterday = date.today() - timedelta(days=1)
        self.env.invalidate_all()  # rows are numbered per query: no cached figures
        model = self.env["stock.analysis.report"].with_context(
            turnover_date_from=str(yesterday - timedelta(days=29)),
            turnover_date_to=str(yesterday),
        )
        rows = model.search([("product_id", "=", product.id)])
        self.assertFalse(any(rows.mapped("cogs")))
        # slow movers: no sale for 0 days before today is everything in stock
        self.env.invalidate_all()
        slow = self.env["stock.analysis.report"].with_context(slow_mover_days=0)
        self.assertTrue(slow.search([("product_id", "=", product.id)]).is_slow_mover)

    def test_turnover_wizard_periods(self):
        wizard = self.env["stock.turnover.wizard"].create({"period": "last_30"})
        action = wizard.action_open()
        today = date.today()
        self.assertEqual(action["context"]["turnover_date_to"], str(today))
        self.assertEqual(action["context"]["turnover_date_from"], str(today - timedelta(days=29)))
        wizard.write({"period": "custom", "date_from": today, "date_to": today - timedelta(1)})
        with self.assertRaisesRegex(UserError, "before it starts|早于"):
            wizard.action_open()
        with self.assertRaises(UserError):
            self.env["stock.analysis.report"].with_context(
                turnover_date_from=str(today), turnover_date_to=str(today - timedelta(1))
            ).search([])

    def test_other_company_stock_not_shown(self):
        other = self.env["res.company"].create({"name": "上海另一家公司"})
        user = self.env["res.users"].create(
            {
                "name": "仓管",
                "login": "jxc_stock_user",
                "company_id": other.id,
                "company_ids": [(6, 0, other.ids)],
                "groups_id": [(6, 0, [self.env.ref("stock.group_stock_user").id])],
            }
        )
        rows = self.env["stock.analysis.report"].with_user(user).search([])
        self.assertFalse(rows.filtered(lambda r: r.company_id != other))
        self.assertFalse(rows.filtered(lambda r: r.product_id == self.product))


@tagged("post_install", "-at_install")
class TestReceivableAnalysis(ReportExtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = date.today()
        cls.inv_old = cls._invoice(cls.customer, 1000.0, date(2020, 1, 1))
        cls._pay(cls.inv_old, 400.0, date(2020, 2, 1))
        cls.inv_new = cls._invoice(cls.customer, 500.0, today)
        cls.inv_new.invoice_user_id = cls.salesman
        cls.inv_old.invoice_user_id = cls.salesman2
        cls.customer.user_id = cls.salesman

    def test_receivables_per_customer(self):
        self.env.flush_all()
        [group] = self.env["receivable.analysis.report"].read_group(
            [("partner_id", "=", self.customer.id)],
            [
                "amount_invoiced",
                "amount_paid",
                "amount_due",
                "amount_overdue",
                "aging_not_due",
                "aging_0_30",
                "aging_over_90",
                "dso",
            ],
            ["partner_id"],
        )
        self.assertAlmostEqual(group["amount_invoiced"], 1500.0)
        self.assertAlmostEqual(group["amount_paid"], 400.0)
        self.assertAlmostEqual(group["amount_due"], 1100.0)
        self.assertAlmostEqual(group["amount_overdue"], 600.0)
        self.assertAlmostEqual(group["aging_over_90"], 600.0)
        self.assertAlmostEqual(group["aging_not_due"], 500.0, "due in 30 days")
        self.assertAlmostEqual(group["aging_0_30"], 0.0)
        self.assertAlmostEqual(group["dso"], 1100.0 / 500.0 * 90)

    def test_salesman_sees_own_receivables(self):
        self.env.flush_all()
        rows = (
            self.env["receivable.analysis.report"]
            .with_user(self.salesman)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(rows.user_id, self.salesman)
        # the customer's whole account, whoever invoiced and the payments included
        self.assertAlmostEqual(sum(rows.mapped("amount_due")), 1100.0)
        self.assertAlmostEqual(sum(rows.mapped("amount_paid")), 400.0)
        others = self.env["receivable.analysis.report"].with_user(self.salesman2)
        self.assertFalse(others.search([("partner_id", "=", self.customer.id)]))
        # payments of a customer without salesperson are no salesperson's
        nobody = self.env["res.partner"].create({"name": "无销售员客户"})
        self._pay(self._invoice(nobody, 80.0, date(2026, 1, 1)), 30.0, date(2026, 1, 5))
        self.env.flush_all()
        self.assertFalse(
            self.env["receivable.analysis.report"]
            .with_user(self.salesman)
            .search([("partner_id", "=", nobody.id)])
        )


@tagged("post_install", "-at_install")
class TestSaleAnalysisOrderLevel(ReportExtCommon):
    """Groupings by order fields are answered from the orders' stored line totals: the
    same figures as aggregating every line, live, under the same record rules."""

    AGGREGATES = [
        "__count",
        "amount_untaxed:sum",
        "amount_total:sum",
        "cost:sum",
        "margin:sum",
        "margin_percent:avg",
        "order_count:count_distinct",
    ]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer2 = cls.env["res.partner"].create(
            {"name": "杭州乙方贸易有限公司", "customer_grade": "b"}
        )
        cls.order2 = cls._create_order(cls.customer2, cls.salesman2, qty=20)
        cls.order3 = cls._create_order(cls.customer, cls.salesman2, qty=5)
        # a section and a note are no lines of the analysis
        cls.order3.order_line = [
            Command.create({"display_type": "line_section", "name": "赠品"}),
            Command.create({"display_type": "line_note", "name": "包装另计"}),
        ]
        cls.orders = cls.order | cls.order2 | cls.order3
        cls._approve(cls.order | cls.order2)
        cls.order2.date_order = "2026-01-15 10:00:00"
        cls.order3.date_order = "2026-02-28 20:00:00"  # 2026-03-01 04:00 in Shanghai
        cls.env.flush_all()
        cls.model = cls.env["sale.analysis.report"].with_context(tz="Asia/Shanghai")

    def _both(self, model, domain, groupby, aggregates=None, order=None):
        aggregates = aggregates or self.AGGREGATES
        self.assertIsNotNone(
            model._order_level_view(domain, groupby, aggregates, (), order),
            f"{groupby} should be answered per order",
        )
        per_order = model._read_group(domain, groupby, aggregates, order=order)
        per_line = model.with_context(sale_analysis_lines=True)._read_group(
            domain, groupby, aggregates, order=order
        )
        self.assertEqual(len(per_order), len(per_line))
        for row_order, row_line in zip(per_order, per_line, strict=True):
            for value_order, value_line in zip(row_order, row_line, strict=True):
                if isinstance(value_line, float):
                    self.assertAlmostEqual(value_order, value_line, places=6)
                else:
                    self.assertEqual(value_order, value_line)
        return per_order

    def test_same_figures_as_lines(self):
        domain = [("order_id", "in", self.orders.ids)]
        rows = self._both(self.model, domain, ["date:month", "partner_id"])
        self.assertEqual(len(rows), 3, "order3 falls in March in Shanghai, order2 in January")
        for groupby in (
            [],
            ["user_id"],
            ["flow_state", "customer_grade"],
            ["date:day", "team_id", "warehouse_id"],
            ["commercial_partner_id", "state", "company_id", "currency_id"],
            ["order_id"],
        ):
            self._both(self.model, domain, groupby)
        [(count, amount, orders)] = self._both(
            self.model, domain, [], ["__count", "amount_untaxed:sum", "order_count:count_distinct"]
        )
        self.assertEqual(count, 6, "2 product lines per order; the section and note are no lines")
        self.assertEqual(orders, 3)
        self.assertAlmostEqual(amount, sum(self.orders.mapped("amount_untaxed")))

    def test_domains_orders_and_empty_selection(self):
        domain = [
            "|",
            ("partner_id.name", "ilike", "杭州"),
            ("date", ">=", "2026-02-01"),
            ("order_id", "in", self.orders.ids),
        ]
        rows = self._both(self.model, domain, ["partner_id"], order="__count desc, partner_id")
        self.assertEqual([row[1] for row in rows], [4, 2])
        self._both(self.model, domain, ["date:month"], order="amount_untaxed:sum desc")
        [(count, amount, *__)] = self._both(self.model, [("order_id", "=", 0)], [])
        self.assertEqual((count, amount), (0, False), "no line: core's empty figures")

    def test_line_fields_are_grouped_per_line(self):
        for domain, groupby, aggregates, having in (
            ([], ["product_id"], ["__count"], ()),
            ([("product_id", "=", self.product.id)], ["partner_id"], ["__count"], ()),
            ([], ["partner_id"], ["product_uom_qty:sum"], ()),
            ([], ["partner_id"], ["__count"], [("__count", ">", 1)]),
            ([("amount_untaxed", ">", 100)], ["partner_id"], ["__count"], ()),
            ([("id", "in", [1, 2])], [], ["__count"], ()),
        ):
            self.assertIsNone(
                self.model._order_level_view(domain, groupby, aggregates, having, None)
            )
        self.assertIsNone(
            self.model._order_level_view([], ["partner_id"], ["__count"], (), "product_id")
        )
        [(count,)] = self.model._read_group(
            [("order_id", "in", self.orders.ids), ("product_id", "=", self.product2.id)],
            [],
            ["__count"],
        )
        self.assertEqual(count, 3)

    def test_groups_sorted_after_the_query(self):
        """Grouped by product or category (line by line), the groups are sorted like the
        comodels order them without an ORDER BY on their names: same rows, same order."""
        product3 = self.env["product.product"].create({"name": "阿胶", "default_code": "AA-1"})
        self.order3.order_line = [
            Command.create({"product_id": product3.id, "product_uom_qty": 1, "price_unit": 5})
        ]
        domain = [("order_id", "in", self.orders.ids)]
        for groupby, order in (
            (["product_id"], "product_id"),
            (["categ_id", "product_id"], "categ_id, product_id DESC"),
            (["product_id", "date:month"], "date:month DESC, product_id"),
        ):
            aggregates = ["__count", "amount_untaxed:sum"]
            self.assertIsNotNone(self.model._python_group_order(groupby, order, 0, None))
            fast = self.model._read_group(domain, groupby, aggregates, order=order)
            # with a limit the order is PostgreSQL's
            slow = self.model._read_group(domain, groupby, aggregates, order=order, limit=1000)
            self.assertEqual(fast, slow, (groupby, order))
        self.assertIsNone(self.model._python_group_order(["product_id"], "__count", 0, None))
        groups = self.model.read_group(domain, ["amount_untaxed"], ["product_id"])
        self.assertEqual(groups[0]["product_id"][0], product3.id, "AA-1 sorts first")

    def test_totals_are_live(self):
        domain = [("order_id", "=", self.order3.id)]
        [(count, amount)] = self.model._read_group(domain, [], ["__count", "amount_untaxed:sum"])
        self.assertEqual(count, 2)
        self.order3.order_line = [
            Command.create({"product_id": self.product.id, "product_uom_qty": 2, "price_unit": 50})
        ]
        line = self.order3.order_line.filtered(lambda line: line.product_id == self.product2)
        line.product_uom_qty = 1
        self.order3.order_line.filtered(lambda line: line.display_type == "line_note").unlink()
        [(count2, amount2)] = self.model._read_group(domain, [], ["__count", "amount_untaxed:sum"])
        self.assertEqual(count2, 3)
        self.assertAlmostEqual(amount2, amount + 100 - 2 * 1000)
        self.assertAlmostEqual(amount2, self.order3.amount_untaxed)
        self._both(self.model, domain, ["partner_id"])

    def test_foreign_currency_in_company_currency(self):
        self.order2.currency_rate = 2.0
        self.env.flush_all()
        domain = [("order_id", "=", self.order2.id)]
        [(amount, margin)] = self._both(
            self.model, domain, [], ["amount_untaxed:sum", "margin:sum"]
        )
        self.assertAlmostEqual(amount, self.order2.amount_untaxed / 2)
        self.assertAlmostEqual(margin, self.order2.margin / 2)

    def test_salesman_own_orders_and_other_rules(self):
        model = self.model.with_user(self.salesman)
        domain = [("order_id", "in", self.orders.ids)]
        rows = self._both(model, domain, ["order_id"], ["__count"])
        self.assertEqual([row[0] for row in rows], [self.order])
        # a rule only the line view has (a product): answered line by line, rule applied
        self.env["ir.rule"].create(
            {
                "name": "no lunch boxes",
                "model_id": self.env["ir.model"]._get_id("sale.analysis.report"),
                "domain_force": f"[('product_id', '!=', {self.product2.id})]",
            }
        )
        self.assertIsNone(model._order_level_view(domain, ["order_id"], ["__count"], (), None))
        [(count,)] = model._read_group(domain, [], ["__count"])
        self.assertEqual(count, 1)

    def test_pre_init_fills_existing_orders(self):
        self.env.cr.execute(
            "UPDATE sale_order SET analysis_line_count = NULL, analysis_amount_untaxed = NULL,"
            " analysis_margin = NULL WHERE id IN %s",
            [tuple(self.orders.ids)],
        )
        pre_init_hook(self.env)
        self.env.invalidate_all()
        for order in self.orders:
            lines = order.order_line.filtered(lambda line: not line.display_type)
            self.assertEqual(order.analysis_line_count, len(lines))
            self.assertAlmostEqual(order.analysis_amount_untaxed, order.amount_untaxed)
            self.assertAlmostEqual(order.analysis_margin, order.margin)

    def test_month_of_an_order_in_the_users_zone(self):
        """China's +8 without DST is added, not converted per row; where the zone's offset
        changed (Shanghai had DST until 1991) or changes (Paris), the exact conversion.
        Checked against Odoo's own sale.report grouping of the same order."""
        self.assertEqual(fixed_utc_offset("Asia/Shanghai")[1], timedelta(hours=8))
        self.assertIsNone(fixed_utc_offset("Europe/Paris"))
        cases = [
            ("Asia/Shanghai", "2026-02-28 16:30:00", "date:month", datetime(2026, 3, 1)),
            ("Asia/Shanghai", "2026-02-28 15:59:59", "date:month", datetime(2026, 2, 1)),
            ("Asia/Shanghai", "1988-07-31 15:30:00", "date:month", datetime(1988, 8, 1)),
            ("Asia/Shanghai", "2026-12-31 17:00:00", "date:year", datetime(2027, 1, 1)),
            ("Asia/Shanghai", "2026-09-30 15:00:00", "date:quarter", datetime(2026, 7, 1)),
            ("Europe/Paris", "2026-03-31 22:30:00", "date:month", datetime(2026, 4, 1)),
            ("Europe/Paris", "2026-01-31 22:30:00", "date:month", datetime(2026, 1, 1)),
            ("UTC", "2026-01-31 23:59:59", "date:day", datetime(2026, 1, 31)),
        ]
        for tz, date_order, groupby, expected in cases:
            self.order3.date_order = date_order
            self.env.flush_all()
            [(ours, __)] = self.model.with_context(tz=tz)._read_group(
                [("order_id", "=", self.order3.id)], [groupby], ["__count"]
            )
            [(core, __)] = (
                self.env["sale.report"]
                .with_context(tz=tz)
                ._read_group(
                    [("order_reference", "=", f"sale.order,{self.order3.id}")],
                    [groupby],
                    ["__count"],
                )
            )
            [(lines, __)] = self.model.with_context(tz=tz, sale_analysis_lines=True)._read_group(
                [("order_id", "=", self.order3.id)], [groupby], ["__count"]
            )
            self.assertEqual((ours, lines, core), (expected,) * 3, f"{date_order} UTC in {tz}")

    def test_upgrade_fills_existing_orders(self):
        """The 18.0.1.1.0 pre-migration (stored totals added) fills them like the install."""
        script = load_script(
            "report_ext/migrations/18.0.1.1.0/pre-migrate.py",
            "report_ext_pre_migrate_18_0_1_1_0",
        )
        self.env.cr.execute(
            "UPDATE sale_order SET analysis_line_count = 0, analysis_amount_total = 0,"
            " analysis_cost = 0 WHERE id IN %s",
            [tuple(self.orders.ids)],
        )
        script.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        for order in self.orders:
            self.assertEqual(order.analysis_line_count, 2)
            self.assertAlmostEqual(order.analysis_amount_total, order.amount_total)
            self.assertAlmostEqual(order.analysis_cost, order.amount_untaxed - order.margin)
