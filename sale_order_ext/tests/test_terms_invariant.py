"""A confirmed order stays deliverable and invoiceable only under an approval of its current terms.

Each test changes an approved order through a different path as the salesperson (most of them
paths no code of this addon names), then walks the gates: confirmation, the delivery, invoicing.
"""

from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.sale_order_ext.models.sale_order import SaleOrder

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestTermsInvariant(SaleOrderExtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))  # messages asserted
        cls.company.sale_review_required = True
        cls.stock_user = new_test_user(cls.env, login="jxc_stock", groups="stock.group_stock_user")
        cls.finance = new_test_user(
            cls.env, login="jxc_finance", groups="account.group_account_invoice"
        )
        cls.tax_13 = cls.env["account.tax"].create(
            {"name": "增值税 13%", "amount": 13, "company_id": cls.company.id}
        )
        cls.tax_9 = cls.env["account.tax"].create(
            {"name": "增值税 9%", "amount": 9, "company_id": cls.company.id}
        )
        cls.product.invoice_policy = "order"

    def _approved_order(self, **kwargs):
        order = self._create_order(**kwargs)
        order.action_submit_review()
        order.with_user(self.approver).action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
        return order

    def _validate_delivery(self, order, user=None):
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        picking = picking.with_user(user or self.stock_user)
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        return picking.with_context(skip_backorder=True).button_validate()

    def assertBlocked(self, order, message="changed after its approval"):
        """Neither delivered nor invoiced, and the order says why."""
        with self.assertRaisesRegex(UserError, message):
            self._validate_delivery(order)
        with self.assertRaisesRegex(UserError, message):
            order.with_user(self.finance)._create_invoices()
        self.assertFalse(order.invoice_ids)
        self.assertNotEqual(order.picking_ids.mapped("state"), ["done"])

    # ------------------------------------------------------------------ recomputed terms
    def test_unit_of_measure_recomputes_the_price(self):
        order = self._approved_order()
        line = order.order_line.with_user(self.salesman)
        line.product_uom = self.env.ref("uom.product_uom_dozen")
        self.assertAlmostEqual(order.order_line.price_unit, 59.0 * 12)
        self.assertEqual(order.approval_state, "to_review")
        self.assertBlocked(order, "not approved|changed after")

    def test_packaging_recomputes_the_quantity(self):
        packaging = self.env["product.packaging"].create(
            {"name": "箱 (500 个)", "product_id": self.product.id, "qty": 500}
        )
        order = self._approved_order()
        order.order_line.with_user(self.salesman).write(
            {"product_packaging_id": packaging.id, "product_packaging_qty": 2}
        )
        self.assertEqual(order.order_line.product_uom_qty, 1000)
        self.assertEqual(order.approval_state, "to_review")
        self.assertBlocked(order, "not approved|changed after")

    def test_taxes_and_fiscal_position(self):
        self.product.taxes_id = self.tax_13
        order = self._approved_order()
        self.assertEqual(order.order_line.tax_id, self.tax_13)
        order.order_line.with_user(self.salesman).tax_id = [Command.clear()]
        self.assertEqual(order.approval_state, "to_review")
        order.with_user(self.approver).action_approve()
        position = self.env["account.fiscal.position"].create(
            {
                "name": "小规模纳税人",
                "tax_ids": [
                    Command.create({"tax_src_id": self.tax_13.id, "tax_dest_id": self.tax_9.id})
                ],
            }
        )
        order.order_line.tax_id = self.tax_13
        order.with_user(self.approver).action_approve()
        as_salesman = order.with_user(self.salesman)
        as_salesman.fiscal_position_id = position
        as_salesman.action_update_taxes()
        self.assertEqual(order.order_line.tax_id, self.tax_9)
        self.assertEqual(order.approval_state, "to_review")
        self.assertIn("9%", order.with_user(self.approver).terms_changes or "9%")

    def test_currency_and_addresses(self):
        other = self.env["res.partner"].create({"name": "另一家公司", "street": "x", "city": "y"})
        order = self._approved_order()
        as_salesman = order.with_user(self.salesman)
        as_salesman.partner_invoice_id = other
        self.assertEqual(order.approval_state, "to_review")
        order.with_user(self.approver).action_approve()
        other_currency = self.env.ref("base.EUR")
        other_currency.active = True
        as_salesman.currency_id = other_currency
        self.assertEqual(order.approval_state, "to_review")
        self.assertBlocked(order, "not approved|changed after")

    def test_stored_totals_and_rate_are_not_writable(self):
        order = self._approved_order()
        as_salesman = order.with_user(self.salesman)
        for vals in ({"amount_total": 1}, {"amount_untaxed": 1}, {"currency_rate": 100}):
            with self.assertRaises(AccessError):
                as_salesman.write(vals)
        with self.assertRaises(AccessError):
            order.order_line.with_user(self.salesman).write({"price_subtotal": 1})
        self.assertEqual(order.amount_untaxed, 118)
        self.assertTrue(order._terms_approved())

    def test_lines_cannot_move_between_orders(self):
        order = self._approved_order()
        other = self._approved_order(lines=[(self.product_b, 1, 79.0)])
        with self.assertRaises(AccessError):
            other.order_line.with_user(self.salesman).order_id = order
        with self.assertRaises(AccessError):
            order.order_line.with_user(self.salesman).write({"order_id": other.id})
        self.assertTrue(order._terms_approved() and other._terms_approved())

    def test_delivery_stays_linked_to_its_order(self):
        """Re-pointing the delivery (picking's order, move's group or line) would take it out of
        the order's gate: refused for the salesperson and the warehouse alike."""
        order = self._approved_order()
        other = self._approved_order(lines=[(self.product_b, 1, 79.0)])
        order.order_line.with_user(self.salesman).product_uom_qty = 7  # back in review
        picking = order.picking_ids
        for user in (self.salesman, self.stock_user):
            with self.assertRaises(AccessError):
                picking.with_user(user).sale_id = other
            with self.assertRaises(AccessError):
                picking.move_ids.with_user(user).write({"group_id": False})
            with self.assertRaises(AccessError):
                picking.move_ids.with_user(user).write({"sale_line_id": other.order_line.id})
        self.assertEqual(picking.sale_id, order)
        self.assertBlocked(order, "changed after its approval")

    def test_path_nobody_watches_is_caught_at_the_gates(self):
        """A price changed behind the ORM's back (SQL, another module's _write): no hook saw
        it, the gates still compare the terms with the approved ones."""
        order = self._approved_order()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order_line SET price_unit = 1 WHERE order_id = %s", [order.id]
        )
        self.env.invalidate_all()
        self.assertEqual(order.approval_state, "approved", "nothing rewrote the review")
        self.assertTrue(order.terms_changed)
        self.assertIn("1.000000", order.terms_changes)
        self.assertBlocked(order)
        # the salesperson submits it again; once approved it goes out
        order.with_user(self.salesman).action_submit_review()
        self.assertEqual(order.approval_state, "to_review")
        order.with_user(self.approver).action_approve()
        self._validate_delivery(order)
        self.assertEqual(order.picking_ids.state, "done")

    def test_teeth_without_the_comparison_the_changed_order_ships(self):
        """The same path with the terms comparison replaced by the state alone: it ships."""
        order = self._approved_order()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order_line SET product_uom_qty = 900 WHERE order_id = %s", [order.id]
        )
        self.env.invalidate_all()
        with patch.object(
            SaleOrder, "_terms_approved", lambda self: self.approval_state == "approved"
        ):
            self._validate_delivery(order)
        self.assertEqual(order.picking_ids.state, "done", "without the guard nothing stops it")

    # ------------------------------------------------------------------ lifecycle
    def test_cancel_edit_set_to_quotation_confirm(self):
        order = self._approved_order()
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual((order.state, order.approval_state), ("cancel", "draft"))
        self.assertFalse(order.approved_by_id or order.sudo().approved_terms)
        order.with_user(self.salesman).action_draft()
        order.order_line.with_user(self.salesman).product_uom_qty = 20
        self.assertEqual(order.flow_state, "draft")
        order.with_user(self.salesman).action_confirm()
        self.assertEqual((order.state, order.approval_state), ("draft", "to_review"))
        order.with_user(self.approver).action_approve()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.sudo().approved_terms["amount_untaxed"], "1180.000000")

    def test_cancelled_pending_order_cannot_be_approved(self):
        order = self._create_order()
        order.action_submit_review()
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(order.approval_ids.state, "cancelled")
        self.assertFalse(order.with_user(self.approver).can_approve)
        with self.assertRaisesRegex(UserError, "not waiting for review"):
            order.with_user(self.approver).action_approve()
        self.assertEqual(order.state, "cancel")

    def test_withdraw(self):
        order = self._create_order()
        order.with_user(self.salesman).action_submit_review()
        order.with_user(self.salesman).action_withdraw_review()
        self.assertEqual((order.approval_state, order.state), ("draft", "draft"))
        self.assertEqual(order.approval_ids.state, "cancelled")
        self.assertFalse(order.activity_ids.filtered(lambda a: a.user_id == self.approver))
        with self.assertRaisesRegex(UserError, "nothing to withdraw"):
            order.with_user(self.salesman).action_withdraw_review()
        order.with_user(self.salesman).action_submit_review()
        self.assertEqual(order.approval_state, "to_review")

    # ------------------------------------------------------------------ changes while pending
    def test_change_while_pending_routes_again(self):
        self.env["sale.approval.rule"].create(
            {
                "name": "大额订单",
                "sequence": 20,
                "min_amount": 1000,
                "group_id": self.env.ref("sales_team.group_sale_manager").id,
            }
        )
        order = self._create_order()
        order.with_user(self.salesman).action_submit_review()
        self.assertEqual(order.approval_ids.mapped("name"), ["Sales review"])
        order.order_line.with_user(self.salesman).product_uom_qty = 100
        pending = order.approval_ids.filtered(lambda a: a.state == "pending")
        self.assertEqual(pending.mapped("name"), ["大额订单"], "the new level appears")
        with self.assertRaises(AccessError):
            order.with_user(self.approver).action_approve()
        order.with_user(self.manager).action_approve()
        self.assertEqual(order.state, "sale")

    def test_price_cut_while_pending_needs_the_override(self):
        self._set_severity("blocking", "line_price")
        order = self._create_order()
        order.with_user(self.salesman).action_submit_review()
        order.order_line.with_user(self.salesman).price_unit = 10  # below cost 30
        self.assertTrue(order.approval_ids.filtered(lambda a: a.check_code == "line_price"))
        with self.assertRaisesRegex(UserError, "reason"):
            order.with_user(self.approver).action_approve_with_reason(" ")
        order.with_user(self.approver).action_approve_with_reason("清仓")
        self.assertEqual(order.state, "sale")

    def test_approval_of_terms_the_approver_did_not_see(self):
        order = self._create_order()
        order.action_submit_review()
        seen = order.with_user(self.approver).review_fingerprint
        order.order_line.with_user(self.salesman).price_unit = 58
        stale = order.with_user(self.approver).with_context(review_fingerprint=seen)
        with self.assertRaisesRegex(UserError, "changed while you were reviewing"):
            stale.action_approve()
        self.assertEqual(order.approval_state, "to_review")
        wizard = (
            self.env["sale.order.review.wizard"]
            .with_user(self.approver)
            .create(
                {
                    "order_id": order.id,
                    "action": "approve",
                    "reason": "ok",
                    "review_fingerprint": seen,
                }
            )
        )
        with self.assertRaisesRegex(UserError, "changed while you were reviewing"):
            wizard.action_done()
        fresh = order.with_user(self.approver)
        fresh.with_context(review_fingerprint=fresh.review_fingerprint).action_approve()
        self.assertEqual(order.state, "sale")

    # ------------------------------------------------------------------ re-review of a confirmed order
    def test_rereview_holds_delivery_and_invoice_rejection_keeps_it(self):
        order = self._approved_order()
        order.order_line.with_user(self.salesman).product_uom_qty = 8
        self.assertEqual((order.state, order.approval_state), ("sale", "to_review"))
        self.assertBlocked(order, "changed after its approval")
        order.with_user(self.approver).action_reject_with_reason("数量太多")
        self.assertEqual(order.flow_state, "rejected")
        self.assertBlocked(order, "changed after its approval")
        # restoring the approved quantity makes the old approval hold again
        order.order_line.with_user(self.salesman).product_uom_qty = 2
        self.assertEqual(order.approval_state, "approved")
        self._validate_delivery(order)
        self.assertEqual(order.delivery_status, "full")
        invoice = order.with_user(self.finance)._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_invoice_posting_is_a_gate_too(self):
        order = self._approved_order()
        invoice = order.with_user(self.finance)._create_invoices()
        order.order_line.with_user(self.salesman).product_uom_qty = 3
        with self.assertRaisesRegex(UserError, "can't be invoiced"):
            invoice.with_user(self.finance).action_post()
        order.with_user(self.approver).action_approve()
        invoice.with_user(self.finance).action_post()
        self.assertEqual(invoice.state, "posted")

    def test_down_payment_is_not_a_term_change(self):
        order = self._approved_order()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_user(self.salesman)
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "percentage", "amount": 30})
        )
        wizard.create_invoices()
        self.assertTrue(order.order_line.filtered("is_downpayment"))
        self.assertEqual(order.approval_state, "approved")
        self.assertFalse(order.terms_changed)
        order.invoice_ids.with_user(self.finance).action_post()
        self.assertEqual(order.invoice_ids.state, "posted")
        with self.assertRaises(AccessError):
            self.env["sale.order.line"].with_user(self.salesman).create(
                {
                    "order_id": order.id,
                    "product_id": self.product.id,
                    "product_uom_qty": 50,
                    "price_unit": 0,
                    "is_downpayment": True,
                }
            )
        with self.assertRaises(AccessError):
            order.order_line.filtered(lambda ln: not ln.is_downpayment).with_user(
                self.salesman
            ).is_downpayment = True

    # ------------------------------------------------------------------ bad input
    def test_bad_input(self):
        order = self._approved_order()
        with self.assertRaisesRegex(UserError, "nothing to withdraw"):
            order.with_user(self.salesman).action_withdraw_review()
        with self.assertRaisesRegex(UserError, "not waiting for review"):
            order.with_user(self.approver).action_approve()
        pending = self._create_order()
        pending.action_submit_review()
        with self.assertRaisesRegex(UserError, "reason"):
            pending.with_user(self.approver).action_reject_with_reason("   ")
        self.assertEqual(pending.approval_state, "to_review")
        self.assertEqual(pending.approval_ids.state, "pending")
        with self.assertRaises(MissingError):
            self.env["sale.order"].browse(987654321).with_user(self.approver).action_approve()
