from datetime import date

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ReportExtCommon

STATEMENT = "report_ext.report_customer_statement"


@tagged("post_install", "-at_install")
class TestCustomerStatement(ReportExtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.user_id = cls.salesman
        cls.customer2 = cls.env["res.partner"].create({"name": "苏州第二客户", "lang": "zh_CN"})
        # before the period: 1000 invoiced, 400 paid → opening 600
        old = cls._invoice(cls.customer, 1000.0, date(2026, 1, 10))
        cls._pay(old, 400.0, date(2026, 1, 20))
        # in the period (March 2026)
        cls.inv1 = cls._invoice(cls.customer, 2000.0, date(2026, 3, 5), due_days=10)
        cls.refund = cls._invoice(cls.customer, 300.0, date(2026, 3, 12), "out_refund")
        cls._pay(cls.inv1, 500.0, date(2026, 3, 20))
        # after the period: not in the statement
        cls._invoice(cls.customer, 99.0, date(2026, 4, 2))
        cls._invoice(cls.customer2, 50.0, date(2026, 3, 15))
        cls.data = {
            "company_id": cls.company.id,
            "date_from": "2026-03-01",
            "date_to": "2026-03-31",
            "statement_type": "invoice",
        }

    def _values(self, partners, **data):
        report = self.env[f"report.{STATEMENT}"].with_user(self.billing)
        return report._get_report_values(partners.ids, {**self.data, **data})

    def test_statement_values(self):
        values = self._values(self.customer | self.customer2)
        statement = values["statements"][self.customer.id]
        self.assertAlmostEqual(statement["opening"], 600.0)
        self.assertEqual(len(statement["lines"]), 3)
        amounts = [line["amount"] for line in statement["lines"]]
        self.assertEqual(amounts, [2000.0, -300.0, -500.0])
        self.assertEqual([line["balance"] for line in statement["lines"]], [2600.0, 2300.0, 1800.0])
        self.assertAlmostEqual(statement["closing"], 1800.0)
        self.assertEqual(statement["closing_cn"], "人民币壹仟捌佰元整")
        # open items on 03-31: 600 (due 02-09: 50 days), 1500 (due 03-15: 16 days) and the
        # unreconciled credit note -300 (due 04-11: not due)
        aging = statement["aging"]
        self.assertAlmostEqual(sum(aging), 1800.0)
        self.assertEqual([round(a, 2) for a in aging], [-300.0, 1500.0, 600.0, 0.0, 0.0])
        second = values["statements"][self.customer2.id]
        self.assertEqual((second["opening"], second["closing"]), (0.0, 50.0))

    def test_statement_closing_is_amount_due(self):
        values = self._values(self.customer, date_to="2026-12-31")
        due = sum(
            self.env["account.move.line"]
            .search(
                [
                    ("partner_id", "=", self.customer.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                ]
            )
            .mapped("amount_residual")
        )
        self.assertAlmostEqual(values["statements"][self.customer.id]["closing"], due)

    def test_statement_queries_do_not_grow_with_documents(self):
        report = self.env[f"report.{STATEMENT}"].with_user(self.billing)
        report._get_report_values(self.customer.ids, self.data)  # warm up caches
        self.env.invalidate_all()
        count = self.cr.sql_log_count
        report._get_report_values(self.customer.ids, self.data)
        few = self.cr.sql_log_count - count
        for day in range(1, 21):
            self._invoice(self.customer, 10.0 * day, date(2026, 3, day))
        self.env.invalidate_all()
        count = self.cr.sql_log_count
        values = report._get_report_values(self.customer.ids, self.data)
        self.assertEqual(len(values["statements"][self.customer.id]["lines"]), 23)
        self.assertEqual(self.cr.sql_log_count - count, few)

    def test_statement_html(self):
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.billing)
            ._render_qweb_html(STATEMENT, self.customer.ids, data=self.data)
        )
        html = html.decode()
        for text in ("对账单", "期初余额", "人民币壹仟捌佰元整", self.inv1.name, "31-60"):
            self.assertIn(text, html)

    def test_statement_wizard(self):
        wizard = (
            self.env["customer.statement.wizard"]
            .with_user(self.billing)
            .with_context(active_model="res.partner", active_ids=self.customer.ids)
            .create({"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)})
        )
        self.assertEqual(wizard.partner_ids, self.customer)
        action = wizard.action_print()
        self.assertEqual(action["report_name"], STATEMENT)
        self.assertEqual(action["data"]["date_to"], "2026-03-31")

    def test_statement_period_end_before_start(self):
        with self.assertRaisesRegex(UserError, "结束.*早于"):
            self.env["customer.statement.wizard"].with_user(self.billing).create(
                {
                    "partner_ids": self.customer.ids,
                    "date_from": date(2026, 3, 31),
                    "date_to": date(2026, 3, 1),
                }
            )
        with self.assertRaisesRegex(UserError, "结束.*早于"):
            self._values(self.customer, date_from="2026-03-31", date_to="2026-03-01")

    def test_statement_customer_of_another_company(self):
        other = self.env["res.company"].create({"name": "上海另一家公司"})
        foreign = self.env["res.partner"].create({"name": "外公司客户", "company_id": other.id})
        with self.assertRaisesRegex(UserError, "外公司客户"):
            self.env[f"report.{STATEMENT}"].sudo()._get_report_values(foreign.ids, self.data)
        wizard = self.env["customer.statement.wizard"].create(
            {
                "partner_ids": foreign.ids,
                "date_from": date(2026, 3, 1),
                "date_to": date(2026, 3, 31),
            }
        )
        with self.assertRaisesRegex(UserError, "属于其他公司"):
            wizard.with_context(lang="zh_CN").action_print()

    def test_statement_deliveries(self):
        self._approve(self.order)
        picking = self._deliver(self.order)
        today = picking.date_done.date()
        values = self._values(
            self.customer,
            statement_type="delivery",
            date_from=str(today),
            date_to=str(today),
        )
        statement = values["statements"][self.customer.id]
        deliveries = [line for line in statement["lines"] if line["name"] == picking.name]
        self.assertEqual(len(deliveries), 1)
        self.assertAlmostEqual(deliveries[0]["amount"], 3990.03)
        html, __ = self.env["ir.actions.report"]._render_qweb_html(
            STATEMENT,
            self.customer.ids,
            data={**self.data, "statement_type": "delivery", "date_to": str(today)},
        )
        self.assertIn("送货对账单", html.decode())

    # ------------------------------------------------------------------ web client
    def test_statement_from_data_without_ids(self):
        """The web client prints the wizard's action as /report/pdf/<name>?options=<data>:
        no document ids, the customers travel in the data."""
        wizard = (
            self.env["customer.statement.wizard"]
            .with_user(self.billing)
            .create(
                {
                    "partner_ids": (self.customer | self.customer2).ids,
                    "date_from": date(2026, 3, 1),
                    "date_to": date(2026, 3, 31),
                }
            )
        )
        action = wizard.action_print()
        self.assertEqual(action["data"]["partner_ids"], (self.customer | self.customer2).ids)
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.billing)
            ._render_qweb_html(STATEMENT, None, data=action["data"])
        )
        html = html.decode()
        self.assertIn(self.customer.name, html)
        self.assertIn(self.customer2.name, html)

    # ------------------------------------------------------------------ privacy
    def test_salesman_prints_own_customer_whole_account(self):
        mine = self._values_as(self.salesman, self.customer)
        theirs = self._values(self.customer)
        self.assertEqual(
            [line["amount"] for line in mine["statements"][self.customer.id]["lines"]],
            [2000.0, -300.0, -500.0],
            "the payment too, not only his invoices",
        )
        self.assertEqual(
            mine["statements"][self.customer.id]["closing"],
            theirs["statements"][self.customer.id]["closing"],
        )

    def test_salesman_refused_for_other_customers(self):
        self.customer2.user_id = self.salesman2
        with self.assertRaisesRegex(AccessError, "苏州第二客户"):
            self._values_as(self.salesman, self.customer2)
        with self.assertRaises(AccessError):
            self._values_as(self.salesman2, self.customer)
        nobody = self.env["res.partner"].create({"name": "无销售员客户"})
        with self.assertRaisesRegex(AccessError, "只能打印"):
            self._values_as(self.salesman.with_context(lang="zh_CN"), nobody)
        # the wizard refuses at once
        wizard = (
            self.env["customer.statement.wizard"]
            .with_user(self.salesman)
            .create({"partner_ids": self.customer2.ids})
        )
        with self.assertRaises(AccessError):
            wizard.action_print()

    def test_company_is_not_taken_from_the_request(self):
        other = self.env["res.company"].create({"name": "上海另一家公司"})
        with self.assertRaisesRegex(AccessError, "公司"):
            self._values_as(self.billing, self.customer, company_id=other.id)

    def test_unreadable_customer(self):
        other = self.env["res.company"].create({"name": "深圳别家公司"})
        hidden = self.env["res.partner"].create({"name": "别家客户", "company_id": other.id})
        with self.assertRaises(UserError):  # AccessError is a UserError
            self._values_as(self.billing, hidden, company_id=self.company.id)

    def test_bad_input(self):
        for data, message in (
            ({"partner_ids": []}, "至少选择一个客户"),
            ({"partner_ids": [self.customer.id], "date_from": "not a date"}, "参数无效"),
            ({"partner_ids": ["x"]}, "参数无效"),
            ({"partner_ids": [self.customer.id], "statement_type": "evil"}, "参数无效"),
            ({"partner_ids": [999999999]}, "不存在"),
        ):
            with self.assertRaisesRegex(UserError, message):
                self.env[f"report.{STATEMENT}"].with_user(self.billing).with_context(
                    lang="zh_CN"
                )._get_report_values(None, {**self.data, **data})

    def test_amount_beyond_chinese_capitals(self):
        big = self.env["res.partner"].create({"name": "巨额客户"})
        for day in range(1, 11):  # 10 x 1,000,000,000,000: beyond 9,999,999,999,999.99
            self._invoice(big, 1e12, date(2026, 3, day))
        with self.assertRaisesRegex(UserError, "太大|too large"):
            self._values(big)

    def _values_as(self, user, partners, **data):
        report = self.env[f"report.{STATEMENT}"].with_user(user)
        return report._get_report_values(partners.ids, {**self.data, **data})

    # ------------------------------------------------------------------ order and aging
    def test_delivery_then_payment_same_day_never_negative(self):
        customer = self.env["res.partner"].create(
            {"name": "当日付款客户", "user_id": self.salesman.id}
        )
        order = self._create_order(customer, self.salesman)
        self._approve(order)
        picking = self._deliver(order)
        today = picking.date_done.date()
        invoice = self._invoice(customer, 3990.03, today)
        self._pay(invoice, 3990.03, today)
        values = self._values_as(
            self.salesman,
            customer,
            statement_type="delivery",
            date_from=str(today),
            date_to=str(today),
        )
        lines = values["statements"][customer.id]["lines"]
        self.assertEqual([line["amount"] for line in lines], [3990.03, -3990.03])
        self.assertEqual([round(line["balance"], 2) for line in lines], [3990.03, 0.0])

    def test_same_aging_as_receivables_analysis(self):
        """应收分析 (as of today) and the 对账单 ending today age the same items alike."""
        today = fields.Date.context_today(self.env.user)
        self.env.flush_all()
        values = self._values(self.customer, date_from="2000-01-01", date_to=str(today))
        statement = values["statements"][self.customer.id]
        [row] = (
            self.env["receivable.analysis.report"]
            .with_user(self.billing)
            .search([("partner_id", "=", self.customer.id)])
        )
        analysis = [
            row.aging_not_due,
            row.aging_0_30,
            row.aging_31_60,
            row.aging_61_90,
            row.aging_over_90,
        ]
        for ours, theirs in zip(statement["aging"], analysis, strict=True):
            self.assertAlmostEqual(ours, theirs)
        self.assertAlmostEqual(row.amount_due, statement["closing"])
        self.assertAlmostEqual(sum(analysis), row.amount_due)
        self.assertTrue(any(analysis), "some figures to compare")
        # the salesperson of the customer sees the same row (payments included)
        [own] = (
            self.env["receivable.analysis.report"]
            .with_user(self.salesman)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertAlmostEqual(own.amount_due, row.amount_due)
        self.assertFalse(
            self.env["receivable.analysis.report"]
            .with_user(self.salesman2)
            .search([("partner_id", "=", self.customer.id)])
        )

    def test_open_amount_on_the_end_date(self):
        """An invoice paid after the end date is open on the end date."""
        values = self._values(self.customer, date_to="2026-03-19")
        self.assertAlmostEqual(values["statements"][self.customer.id]["aging"][1], 2000.0)
