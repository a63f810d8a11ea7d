"""整单折扣 and 抹零: the order discount spread over the lines' net prices, the rounding-off taken
off the total, both carried to the invoice, seen by the review and covered by the approval.

Prices are tax-included (13 %), as in a Chinese company; everything is done as the salesperson.
"""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestOrderDiscount(SaleOrderExtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))  # messages asserted
        cls.finance = new_test_user(
            cls.env, login="jxc_finance", groups="account.group_account_invoice"
        )
        cls.stock_user = new_test_user(cls.env, login="jxc_stock", groups="stock.group_stock_user")
        cls.tax_13 = cls.env["account.tax"].create(
            {
                "name": "增值税 13% (含税)",
                "amount": 13,
                "price_include_override": "tax_included",
                "company_id": cls.company.id,
            }
        )
        (cls.product | cls.product_b).write(
            {"taxes_id": [Command.set(cls.tax_13.ids)], "invoice_policy": "order"}
        )

    def _order(self, lines=None, **vals):
        order = self._create_order(lines=lines, **vals)
        self.assertEqual(order.order_line.tax_id, self.tax_13)
        return order.with_user(self.salesman)

    def _validate_delivery(self, order, quantities=None):
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        picking = picking.with_user(self.stock_user)
        for move in picking.move_ids:
            move.quantity = (quantities or {}).get(move.product_id, move.product_uom_qty)
        picking.move_ids.picked = True
        picking.with_context(skip_backorder=True).button_validate()
        return picking

    # ------------------------------------------------------------------ totals
    def test_no_discount_no_change(self):
        order = self._order([(self.product, 2, 59.0)])
        self.assertEqual(order.order_line.order_discount, 0.0)
        self.assertEqual((order.amount_total, order.amount_rounding), (118.0, 0.0))
        self.assertNotIn("cash_rounding_base_amount_currency", order.tax_totals)

    def test_percent_discount_after_the_line_discount(self):
        order = self._order([(self.product, 2, 59.0), (self.product_b, 1, 79.0)])
        order.order_line[1].discount = 10
        order.write({"sale_discount_type": "percent", "sale_discount": 10})
        line_a, line_b = order.order_line
        self.assertEqual(line_a.order_discount, 10.0)
        self.assertAlmostEqual(line_a.price_total, 106.2)
        self.assertAlmostEqual(line_b.price_total, 63.99)  # 79 x 0.9 x 0.9
        self.assertAlmostEqual(line_b._sale_combined_discount(), 19.0)
        self.assertAlmostEqual(order.amount_total, 170.19)
        self.assertAlmostEqual(order.amount_order_discount, 18.91)  # 118 + 71.10 - 170.19
        self.assertAlmostEqual(order.amount_untaxed + order.amount_tax, order.amount_total)
        self.assertAlmostEqual(order.tax_totals["total_amount_currency"], 170.19)
        self.assertAlmostEqual(order.analysis_amount_total, 170.19, msg="销售分析 sees it")
        self.assertAlmostEqual(line_a.margin, line_a.price_subtotal - 30.0 * 2)
        order.sale_discount = 0
        self.assertEqual(order.amount_total, 189.1)

    def test_amount_discount_lowers_the_total_by_exactly_that_amount(self):
        order = self._order([(self.product, 3, 33.33), (self.product_b, 7, 12.99)])
        before = order.amount_total
        self.assertAlmostEqual(before, 190.92)
        order.write({"sale_discount_type": "amount", "sale_discount": 50})
        self.assertAlmostEqual(order.amount_total, before - 50, places=2)
        self.assertAlmostEqual(order.amount_order_discount, 50.0)
        self.assertAlmostEqual(sum(order.order_line.mapped("price_total")), before - 50, places=2)
        # spread in proportion to the lines' totals (99.99 and 90.93)
        self.assertAlmostEqual(order.order_line[0].order_discount, 26.19 / 99.99 * 100, places=6)
        # a line added later takes its share
        order.order_line = [
            Command.create(
                {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 9.08}
            )
        ]
        self.assertAlmostEqual(order.amount_total, before + 9.08 - 50, places=2)

    def test_rounding_off(self):
        order = self._order([(self.product, 1, 123.45)])
        expected = {"fen": 0.05, "jiao": 0.45, "yuan": 0.45, "ten": 3.45}
        for method, rounding in expected.items():
            order.sale_rounding_method = method
            self.assertAlmostEqual(order.amount_rounding, rounding, msg=method)
            self.assertAlmostEqual(order.amount_total, 123.45 - rounding, msg=method)
        order.write({"sale_rounding_method": "manual", "sale_rounding_input": 3.45})
        self.assertAlmostEqual(order.amount_total, 120.0)
        totals = order.tax_totals
        self.assertAlmostEqual(totals["cash_rounding_base_amount_currency"], -3.45)
        self.assertAlmostEqual(totals["total_amount_currency"], 120.0)
        self.assertAlmostEqual(order.amount_untaxed + order.amount_tax, 120.0)
        # rounding up to ¥1 adds what is missing
        order.write({"sale_rounding_method": "yuan", "sale_rounding_input": 0})
        order.order_line.price_unit = 123.65
        self.assertAlmostEqual(order.amount_rounding, -0.35)
        self.assertAlmostEqual(order.amount_total, 124.0)

    def test_form_as_salesperson(self):
        with Form(self.env["sale.order"].with_user(self.salesman)) as form:
            form.partner_id = self.customer
            with form.order_line.new() as line:
                line.product_id = self.product
                line.product_uom_qty = 2
            form.sale_discount = 10
            form.sale_rounding_method = "jiao"
            # 118 x 0.9 = 106.20, 抹零 0.20
            self.assertAlmostEqual(form.tax_totals["total_amount_currency"], 106.0)
        order = form.save()
        self.assertAlmostEqual(order.amount_total, 106.0)
        self.assertAlmostEqual(order.amount_rounding, 0.2)

    # ------------------------------------------------------------------ invoice
    def test_invoice_matches_the_order(self):
        order = self._order([(self.product, 2, 59.0), (self.product_b, 3, 79.0)])
        order.order_line[0].discount = 5
        order.write(
            {"sale_discount_type": "amount", "sale_discount": 30, "sale_rounding_method": "jiao"}
        )
        order.action_submit_review()
        self.assertEqual(order.state, "sale")
        invoice = order._create_invoices()
        self.assertAlmostEqual(invoice.amount_total, order.amount_total)
        self.assertAlmostEqual(invoice.amount_untaxed, order.amount_untaxed)
        self.assertAlmostEqual(invoice.amount_tax, order.amount_tax)
        rounding_line = invoice.invoice_line_ids.filtered("sale_rounding_order_id")
        self.assertEqual(len(rounding_line), 1)
        self.assertFalse(rounding_line.tax_ids)
        self.assertAlmostEqual(rounding_line.price_total, -order.amount_rounding)
        product_lines = invoice.invoice_line_ids - rounding_line
        self.assertEqual(product_lines.mapped("discount"), [5.0, 0.0], "the lines' own discounts")
        for inv_line, sale_line in zip(product_lines, order.order_line, strict=True):
            self.assertAlmostEqual(inv_line.price_total, sale_line.price_total)
        invoice.with_user(self.finance).action_post()
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertAlmostEqual(sum(order.order_line.mapped("untaxed_amount_to_invoice")), 0.0)

    def test_partial_delivery_invoices_its_share(self):
        (self.product | self.product_b).invoice_policy = "delivery"
        order = self._order([(self.product, 10, 59.0), (self.product_b, 4, 79.0)])
        order.write({"sale_discount_type": "percent", "sale_discount": 20})
        order.sale_rounding_method = "jiao"
        order.action_submit_review()
        self._validate_delivery(order, {self.product: 4, self.product_b: 0})
        line = order.order_line[0]
        self.assertAlmostEqual(line.untaxed_amount_to_invoice, 4 * 59 * 0.8 / 1.13, places=2)
        first = order._create_invoices()
        self.assertAlmostEqual(first.invoice_line_ids.filtered("sale_line_ids").price_total, 188.8)
        # the 抹零 goes on the first invoice, once
        self.assertAlmostEqual(first.amount_total, 188.8 - order.amount_rounding)
        first.with_user(self.finance).action_post()
        self._validate_delivery(order)
        second = order._create_invoices()
        self.assertFalse(second.invoice_line_ids.filtered("sale_rounding_order_id"))
        self.assertAlmostEqual(
            first.amount_total + second.amount_total, order.amount_total, places=2
        )

    # ------------------------------------------------------------------ review and approval
    def test_review_check_sees_the_order_discount(self):
        self.company.sale_max_discount = 15
        order = self._order([(self.product, 2, 59.0)])
        order.order_line.discount = 10
        checks = {c["code"]: c for c in order._get_review_results()[order.id]}
        self.assertEqual(checks["line_price"]["severity"], "pass")
        order.sale_discount = 10  # 10 % then 10 % = 19 %
        checks = {c["code"]: c for c in order._get_review_results()[order.id]}
        self.assertEqual(checks["line_price"]["severity"], "warning")
        self.assertIn("19.0%", checks["line_price"]["message"])
        # the floor (cost 30) judges the net price after the order discount
        self.company.sale_max_discount = 0
        order.write({"sale_discount_type": "amount", "sale_discount": 60})
        checks = {c["code"]: c for c in order._get_review_results()[order.id]}
        self.assertIn("below its floor", checks["line_price"]["message"])
        # an order discount within the margin is not a price problem (no discount line)
        order.sale_discount = 5
        checks = {c["code"]: c for c in order._get_review_results()[order.id]}
        self.assertEqual(checks["line_price"]["severity"], "pass")

    def test_approval_rule_sees_the_order_discount(self):
        self.env["sale.approval.rule"].create(
            {
                "name": "折扣超过 15%",
                "min_discount": 15,
                "group_id": self.env.ref("sale_order_ext.group_sale_approver").id,
            }
        )
        order = self._order([(self.product, 2, 59.0)])
        order.sale_discount = 20
        order.action_submit_review()
        self.assertEqual(order.approval_state, "to_review")

    def test_approval_covers_discount_and_rounding(self):
        self.company.sale_review_required = True
        order = self._order([(self.product, 2, 59.0)])
        order.write({"sale_discount": 10, "sale_rounding_method": "jiao"})
        order.action_submit_review()
        order.with_user(self.approver).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
        self.assertTrue(order._terms_approved())
        order.sale_discount = 15
        self.assertEqual(order.approval_state, "to_review", "back to 待审核")
        self.assertIn("Order Discount", order.terms_changes)
        order.with_user(self.approver).action_approve()
        self.assertEqual(order.approval_state, "approved")
        order.sale_rounding_method = "yuan"
        self.assertEqual(order.approval_state, "to_review")
        # the approved terms again: the approval holds again
        order.sale_rounding_method = "jiao"
        self.assertEqual(order.approval_state, "approved")

    # ------------------------------------------------------------------ bad input
    def test_bad_input(self):
        self.company.sale_max_rounding = 5
        order = self._order([(self.product, 2, 59.0)])
        order.write({"sale_discount": 10, "sale_rounding_method": "jiao"})
        self.env.flush_all()
        bad = [
            ({"sale_discount": 101}, "more than 100%|不能超过 100%"),
            ({"sale_discount": -1}, "can't be negative|不能为负数"),
            (
                {"sale_discount_type": "amount", "sale_discount": 118.01},
                "more than the order total|超过订单总额",
            ),
            (
                {"sale_rounding_method": "manual", "sale_rounding_input": 6},
                "company's limit|公司上限",
            ),
            (
                {"sale_rounding_method": "manual", "sale_rounding_input": -1},
                "can't be negative|不能为负数",
            ),
        ]
        for vals, message in bad:
            # Odoo's assertRaises flushes in a savepoint: the constraints of the recomputed
            # totals run, as at the end of a request
            with self.subTest(vals=vals), self.assertRaises(ValidationError) as caught:
                order.write(vals)
            self.assertRegex(str(caught.exception), message)
            # what the database holds (a request's failed transaction leaves no cache behind)
            self.env.transaction.clear()
            self.assertEqual(
                (order.sale_discount, order.sale_rounding_method, order.amount_total),
                (10.0, "jiao", 106.0),
                "nothing written",
            )
        self.company.sale_max_rounding = 0
        with self.assertRaises(ValidationError) as caught:
            order.write({"sale_rounding_method": "manual", "sale_rounding_input": 200})
        self.assertRegex(str(caught.exception), "more than the order total|超过订单总额")
        with self.assertRaises(ValidationError) as caught:
            self._create_order(sale_discount=150)
        self.assertIn("more than 100%", str(caught.exception))
        # the message is translated
        with self.assertRaises(ValidationError) as caught:
            order.with_context(lang="zh_CN").write({"sale_discount": 101})
        self.assertIn("整单折扣", str(caught.exception))
