from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ReportExtCommon

STATEMENT = "report_ext.report_customer_statement"


@tagged("post_install", "-at_install")
class TestCustomerStatement(ReportExtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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
        # open items at 03-31: 600 (due 02-09, 50 days) and 1500 - 300 (not reconciled refund)
        aging = statement["aging"]
        self.assertAlmostEqual(sum(aging), 1800.0)
        self.assertAlmostEqual(aging[1], 600.0)  # 31-60 days
        self.assertAlmostEqual(aging[0], 1200.0)  # 0-30 days: 1500 open - 300 credit note
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
