from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import StockLockCommon


@tagged("post_install", "-at_install")
class TestLockManagement(StockLockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sale_review_required = True
        cls.order = cls._create_order([(cls.product, 4)])
        cls.order.action_submit_review()
        cls.lock = cls.order.stock_lock_ids

    def test_salesperson_releases_own_lock_with_reason(self):
        with self.assertRaises(UserError):
            self.lock.with_user(self.salesman).action_release("  ")
        self.lock.with_user(self.salesman).action_release("客户暂缓")
        self.assertEqual(self.lock.state, "released")
        self.assertEqual(self.lock.release_reason, "客户暂缓")
        self.assertIn("客户暂缓", self.order.message_ids[0].body)

    def test_other_salesperson_cannot_release_or_extend(self):
        with self.assertRaises(AccessError):
            self.lock.with_user(self.salesman_2).action_release("抢库存")
        with self.assertRaises(AccessError):
            self.lock.with_user(self.salesman).action_extend(3, "再等等")
        self.assertEqual(self.lock.state, "active")

    def test_manager_extends_and_releases_through_wizard(self):
        before = self.lock.date_expiry
        wizard = (
            self.env["stock.lock.wizard"]
            .with_user(self.lock_manager)
            .create(
                {
                    "lock_ids": [(6, 0, self.lock.ids)],
                    "action": "extend",
                    "days": 3,
                    "reason": "客户周五付款",
                }
            )
        )
        wizard.action_apply()
        self.assertEqual(self.lock.date_expiry, before + timedelta(days=3))
        self.assertIn("客户周五付款", self.lock.message_ids[0].body)
        wizard = (
            self.env["stock.lock.wizard"]
            .with_user(self.lock_manager)
            .create(
                {"lock_ids": [(6, 0, self.lock.ids)], "action": "release", "reason": "调拨给大客户"}
            )
        )
        wizard.action_apply()
        self.assertEqual(self.lock.state, "released")

    def test_bad_extensions(self):
        manager_lock = self.lock.with_user(self.lock_manager)
        for days in (0, -2, "abc", True):
            with self.assertRaises(UserError):
                manager_lock.action_extend(days, "原因")
        with freeze_time(fields.Datetime.now() + timedelta(days=8)):
            with self.assertRaises(UserError):
                manager_lock.action_extend(3, "原因")
        self.lock.sudo()._release("expired", "test")
        with self.assertRaises(UserError):
            manager_lock.action_extend(3, "原因")

    def test_lock_days_must_be_positive(self):
        for days in (0, -1):
            with self.assertRaises(ValidationError):
                self.company.stock_lock_days = days

    def test_service_product_cannot_be_locked(self):
        service = self.env["product.product"].create({"name": "上门安装", "type": "service"})
        with self.assertRaises(ValidationError):
            self.env["stock.lock"].create(
                {
                    "order_id": self.order.id,
                    "product_id": service.id,
                    "warehouse_id": self.warehouse.id,
                    "location_id": self.stock_location.id,
                    "company_id": self.company.id,
                    "quantity": 1,
                }
            )

    def test_expiry_cron_warns_then_expires(self):
        cron = self.env.ref("stock_lock_ext.ir_cron_expire_stock_locks")
        expiry = self.lock.date_expiry
        with freeze_time(expiry - timedelta(hours=5)):
            cron.method_direct_trigger()
        self.assertTrue(self.lock.expiry_warned)
        self.assertEqual(self.lock.state, "active")
        activity = self.order.activity_ids.filtered(lambda a: a.user_id == self.salesman)
        self.assertEqual(len(activity), 1)
        with freeze_time(expiry - timedelta(hours=4)):
            cron.method_direct_trigger()
        self.assertEqual(
            len(self.order.activity_ids.filtered(lambda a: a.user_id == self.salesman)), 1
        )
        with freeze_time(expiry + timedelta(minutes=1)):
            cron.method_direct_trigger()
        self.assertEqual(self.lock.state, "expired")
        self.assertEqual(self._locked(self.product), 0)
        # the order is still waiting, and its checklist now shows the stock as not locked
        self.assertEqual(self.order.approval_state, "to_review")
