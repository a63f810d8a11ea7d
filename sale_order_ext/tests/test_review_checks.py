from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestReviewChecks(SaleOrderExtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_severity("blocking")  # the strict setup of the Chinese demo company

    def test_every_check_warns_by_default(self):
        defaults = self.env["sale.order"]._review_check_definitions()
        self.assertEqual({severity for __, __, severity in defaults}, {"warning"})
        other = self.env["res.company"].create({"name": "默认设置公司"})
        seeded = self.env["sale.review.check"].search([("company_id", "=", other.id)])
        self.assertEqual(set(seeded.mapped("severity")), {"warning"})
        self.assertEqual(len(seeded), len(defaults))

    def test_partner_warning_stays_a_warning(self):
        """Odoo's 'warning' on a customer warns even where the check's failures block."""
        self.customer.write({"sale_warn": "warning", "sale_warn_msg": "请先电话确认"})
        order = self._create_order()
        check = self._checks(order)["partner_blocked"]
        self.assertEqual(check["severity"], "warning")
        self.assertIn("请先电话确认", check["message"])
        order.action_submit_review()
        self.assertEqual((order.approval_state, order.state), ("approved", "sale"))

    def _checks(self, order):
        return {c["code"]: c for c in order._get_review_results()[order.id]}

    def test_clean_order_passes_every_check(self):
        checks = self._checks(self._create_order())
        self.assertEqual({c["severity"] for c in checks.values()}, {"pass"}, checks)
        self.assertIn("o_sale_review_checks", self._create_order().review_check_html)

    def test_quantity_and_price(self):
        order = self._create_order(lines=[(self.product, 0, 59.0), (self.product_b, 1, 20.0)])
        checks = self._checks(order)
        self.assertEqual(checks["line_quantity"]["severity"], "blocking")
        self.assertEqual(checks["line_price"]["severity"], "blocking")
        self.assertIn("无线鼠标", checks["line_price"]["message"])
        self.company.sale_max_discount = 10
        order = self._create_order()
        order.order_line.discount = 15
        self.assertIn("15", self._checks(order)["line_price"]["message"])

    def test_partner_details_and_dates(self):
        bare = self.env["res.partner"].create({"name": "西安长安文化用品店"})
        order = self._create_order(
            partner=bare, commitment_date=fields.Datetime.now() - timedelta(days=2)
        )
        checks = self._checks(order)
        self.assertEqual(checks["partner_delivery"]["severity"], "blocking")
        self.assertEqual(checks["commitment_date"]["severity"], "blocking")

    def test_duplicate_names_the_order(self):
        first = self._create_order()
        second = self._create_order()
        self.assertIn(first.name, self._checks(second)["duplicate"]["message"])
        third = self._create_order(lines=[(self.product_b, 1, 79.0)], client_order_ref="PO-88")
        fourth = self._create_order(lines=[(self.product, 9, 59.0)], client_order_ref="PO-88")
        self.assertIn(third.name, self._checks(fourth)["duplicate"]["message"])

    def test_blocked_customer_and_credit(self):
        self.customer.write({"sale_warn": "block", "sale_warn_msg": "欠款未清"})
        checks = self._checks(self._create_order())
        self.assertEqual(checks["partner_blocked"]["severity"], "blocking")
        self.assertIn("欠款未清", checks["partner_blocked"]["message"])
        self.customer.sale_warn = "no-message"
        self.company.account_use_credit_limit = True
        self.customer.write({"credit_limit": 100, "use_partner_credit_limit": True})
        checks = self._checks(self._create_order(lines=[(self.product, 5, 59.0)]))
        self.assertEqual(checks["credit_limit"]["severity"], "blocking")

    def test_overdue_invoices(self):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": fields.Date.today() - timedelta(days=90),
                "invoice_date_due": fields.Date.today() - timedelta(days=60),
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.product.id, "price_unit": 100, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        self.company.sale_overdue_days = 30
        checks = self._checks(self._create_order())
        self.assertEqual(checks["overdue"]["severity"], "blocking")
        self.assertIn("100", checks["overdue"]["message"])

    def test_company_settings_disable_and_soften_checks(self):
        configs = self.env["sale.review.check"]._get_configs(self.company)
        configs[(self.company.id, "line_price")].severity = "warning"
        configs[(self.company.id, "line_quantity")].active = False
        order = self._create_order(lines=[(self.product, 0, 1.0)])
        checks = self._checks(order)
        self.assertNotIn("line_quantity", checks)
        self.assertEqual(checks["line_price"]["severity"], "warning")

    def test_checks_are_batched(self):
        """The checklist of an order costs the same number of queries for 1 and 50 lines."""
        self._create_order()._get_review_results()  # warm the caches of the checks
        counts = []
        for n in (1, 1, 10, 50):  # the first run warms the per-transaction caches
            order = self._create_order(lines=[(self.product, 1, 59.0)] * n)
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            order._get_review_results()
            counts.append(self.cr.sql_log_count - start)
        self.assertEqual(len(set(counts[1:])), 1, counts)
