from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import StockLockCommon


@tagged("post_install", "-at_install")
class TestReleasedMeansReleased(StockLockCommon):
    """A lock released by a person, or expired, is not taken again by editing the order; the
    order shows it, its stock check fails, and only a new submission locks again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sale_review_required = True
        cls.order = cls._create_order([(cls.product, 4)])
        cls.order.action_submit_review()

    def _stock_check(self):
        return next(
            c
            for c in self.order._get_review_results()[self.order.id]
            if c["code"] == "stock_shortage"
        )

    def _assert_not_retaken(self):
        line = self.order.with_user(self.salesman).order_line
        line.product_uom_qty = 5
        self.assertEqual(self._locked(self.product, self.order), 0, "editing took nothing")
        self.order.with_user(self.salesman).order_line = [
            (0, 0, {"product_id": self.product_b.id, "product_uom_qty": 1, "price_unit": 5})
        ]
        self.assertEqual(self._locked(self.product_b, self.order), 0, "nor does a new line")
        self.assertTrue(self.order.with_user(self.salesman).stock_lock_revoked)
        check = self._stock_check()
        self.assertEqual(check["severity"], "blocking")
        self.assertIn(self.order.name, check["message"])

    def test_manager_release_is_not_retaken_by_editing(self):
        lock = self.order.stock_lock_ids
        lock.with_user(self.lock_manager).action_release("调拨给大客户")
        # logged on lock and order, the salesperson notified with a to-do
        self.assertIn("调拨给大客户", lock.message_ids[0].body)
        self.assertIn("调拨给大客户", self.order.message_ids[0].body)
        todo = self.order.activity_ids.filtered(lambda a: a.user_id == self.salesman)
        self.assertEqual(len(todo), 1)
        self.assertIn(self.lock_manager.name, todo.summary)
        self._assert_not_retaken()
        # withdraw (reject) + submit again: locks again, from free stock
        self.order.with_user(self.approver).action_reject_with_reason("重新提交")
        self.order.with_user(self.salesman).action_submit_review()
        self.assertEqual(self._locked(self.product, self.order), 5)
        self.assertEqual(self._locked(self.product_b, self.order), 1)
        self.assertFalse(self.order.stock_lock_revoked)
        self.assertEqual(self._stock_check()["severity"], "pass")

    def test_expired_lock_is_not_retaken_by_editing(self):
        with freeze_time(self.order.stock_lock_ids.date_expiry + timedelta(minutes=1)):
            self.env.ref("stock_lock_ext.ir_cron_expire_stock_locks").method_direct_trigger()
        self.assertEqual(self.order.stock_lock_ids.state, "expired")
        self._assert_not_retaken()

    def test_quantity_change_releases_are_not_revocations(self):
        # the order's own edits (a lower quantity, a deleted line) do not block later top-ups
        self.order.with_user(self.salesman).order_line.product_uom_qty = 0
        self.order.with_user(self.salesman).order_line.product_uom_qty = 3
        self.assertEqual(self._locked(self.product, self.order), 3)
        self.assertFalse(self.order.stock_lock_revoked)

    def test_new_order_form_computes_without_locks(self):
        form = Form(self.env["sale.order"].with_user(self.salesman))
        form.partner_id = self.customer
        with form.order_line.new() as line:
            line.product_id = self.product
            line.product_uom_qty = 3
        self.assertFalse(form.stock_lock_revoked)
        self.assertEqual(form.stock_lock_count, 0)
        order = form.save()
        self.assertFalse(order.stock_lock_revoked)
