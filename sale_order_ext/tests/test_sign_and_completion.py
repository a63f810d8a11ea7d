from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestSignAndCompletion(SaleOrderExtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse_user = new_test_user(cls.env, login="jxc_wh", groups="stock.group_stock_user")
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.env.ref("stock.warehouse0").lot_stock_id, 100
        )

    def _shipped_order(self):
        order = self._create_order()
        order.action_submit_review()
        picking = order.picking_ids
        picking.action_assign()
        picking.move_ids.quantity = 2
        picking.with_user(self.warehouse_user).button_validate()
        return order, picking

    def test_shipped_signed_completed(self):
        self.company.write(
            {"sale_done_requires_invoice": False, "sale_done_requires_payment": False}
        )
        order, picking = self._shipped_order()
        self.assertEqual(order.flow_state, "shipped")
        self.assertFalse(order.is_signed)
        with self.assertRaises(UserError):
            picking.with_user(self.warehouse_user).action_sign("  ")
        picking.with_user(self.warehouse_user).action_sign(
            "周建国", receipt=b"dGVzdA==", filename="回单.txt"
        )
        self.assertEqual(picking.signed_by, "周建国")
        self.assertTrue(picking.signed_on)
        self.assertTrue(order.is_signed)
        self.assertEqual(order.flow_state, "done")

    def test_completion_waits_for_invoice_and_payment(self):
        order, picking = self._shipped_order()
        self.assertEqual(order.flow_state, "shipped", "not signed for yet")
        picking.action_sign("周建国")
        self.assertEqual(order.flow_state, "signed", "not invoiced nor paid yet")
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(order.flow_state, "signed", "invoiced but not paid")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(order.flow_state, "done")

    def test_sign_before_delivery_and_in_the_future_are_refused(self):
        order = self._create_order()
        order.action_submit_review()
        with self.assertRaises(UserError):
            order.picking_ids.action_sign("周建国")
        __, picking = self._shipped_order()
        with self.assertRaises(UserError):
            picking.action_sign("周建国", signed_on=fields.Datetime.now() + timedelta(days=2))
        employee = new_test_user(self.env, login="jxc_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            picking.with_user(employee).action_sign("周建国")

    def test_unsigned_deliveries_list(self):
        __, picking = self._shipped_order()
        picking.date_done = fields.Datetime.now() - timedelta(days=10)
        action = self.env["stock.picking"].action_open_unsigned_deliveries()
        self.assertIn(picking, self.env["stock.picking"].search(action["domain"]))
        picking.action_sign("周建国")
        self.assertNotIn(picking, self.env["stock.picking"].search(action["domain"]))


@tagged("post_install", "-at_install")
class TestReviewReminder(SaleOrderExtCommon):
    def test_reminder_cron_notifies_once(self):
        self.company.sale_review_required = True
        order = self._create_order()
        order.action_submit_review()
        order.activity_ids.unlink()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order_approval SET date_pending = now() - interval '3 days'"
            " WHERE order_id = %s",
            [order.id],
        )
        order.approval_ids.invalidate_recordset(["date_pending"])
        cron = self.env.ref("sale_order_ext.ir_cron_sale_review_reminder")
        cron.method_direct_trigger()
        first = order.activity_ids.filtered(lambda a: a.user_id == self.approver)
        self.assertEqual(len(first), 1)
        cron.method_direct_trigger()
        self.assertEqual(order.activity_ids.filtered(lambda a: a.user_id == self.approver), first)
