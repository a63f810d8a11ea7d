from datetime import date

from odoo.tests import tagged

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
        self._approve(self.order)
        self._deliver(self.order)
        self.env.flush_all()
        row = self._row(self.product)
        self.assertEqual(row.qty_on_hand, 990.0)
        self.assertEqual(row.qty_sold, 10.0)
        self.assertAlmostEqual(row.cogs, 10 * 30.0)
        # start 1000 (the initial quant is not a move), end 990 → average 995 x cost 30
        self.assertAlmostEqual(row.avg_inventory_value, 995 * 30.0)
        self.assertAlmostEqual(row.turnover_rate, 300.0 / (995 * 30.0), places=6)
        self.assertAlmostEqual(row.days_of_inventory, 365 * 995 * 30.0 / 300.0, places=2)
        self.assertFalse(row.is_slow_mover)
        self.assertTrue(row.last_sale_date)
        [group] = self.env["stock.analysis.report"].read_group(
            [("warehouse_id", "=", self.warehouse.id)],
            ["cogs", "avg_inventory_value", "turnover_rate"],
            ["warehouse_id"],
        )
        self.assertAlmostEqual(
            group["turnover_rate"], group["cogs"] / group["avg_inventory_value"], places=6
        )


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

    def test_receivables_per_customer(self):
        self.env.flush_all()
        [group] = self.env["receivable.analysis.report"].read_group(
            [("partner_id", "=", self.customer.id)],
            [
                "amount_invoiced",
                "amount_paid",
                "amount_due",
                "amount_overdue",
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
        self.assertAlmostEqual(group["aging_0_30"], 500.0)
        self.assertAlmostEqual(group["dso"], 1100.0 / 500.0 * 90)

    def test_salesman_sees_own_receivables(self):
        self.env.flush_all()
        rows = (
            self.env["receivable.analysis.report"]
            .with_user(self.salesman)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(rows.user_id, self.salesman)
        self.assertAlmostEqual(sum(rows.mapped("amount_due")), 500.0)
