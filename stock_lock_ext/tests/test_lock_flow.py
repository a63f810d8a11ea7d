from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import StockLockCommon


@tagged("post_install", "-at_install")
class TestLockFlow(StockLockCommon):
    def test_submit_locks_stock(self):
        order = self._create_order([(self.product, 4), (self.product_b, 3)])
        self.company.sale_review_required = True
        order.action_submit_review()
        self.assertEqual(order.approval_state, "to_review")
        self.assertEqual(self._locked(self.product, order), 4)
        self.assertEqual(self._locked(self.product_b, order), 3)
        lock = order.stock_lock_ids.filtered(lambda lk: lk.product_id == self.product)
        self.assertEqual(lock.user_id, self.salesman)
        self.assertEqual(lock.warehouse_id, self.warehouse)
        self.assertTrue(lock.date_expiry)
        # the line shows it; the salesman (no stock rights) reads it
        line = order.with_user(self.salesman).order_line[0]
        self.assertEqual(line.stock_locked, 4)
        self.assertEqual(line.stock_on_hand, 10)
        self.assertEqual(line.stock_free, 10)
        self.assertFalse(line.stock_short)
        self.assertEqual(self.product.with_user(self.salesman).stock_locked_qty, 4)

    def test_other_order_sees_less_and_gets_blocking_check(self):
        self.company.sale_review_required = True
        first = self._create_order([(self.product, 8)])
        first.action_submit_review()
        second = self._create_order([(self.product, 5)], user=self.salesman_2)
        line = second.order_line
        self.assertEqual(line.stock_locked_others, 8)
        self.assertEqual(line.stock_free, 2)
        self.assertTrue(line.stock_short)
        second.with_user(self.salesman_2).action_submit_review()
        self.assertEqual(self._locked(self.product, second), 0, "all or nothing by default")
        results = second._get_review_results()[second.id]
        shortage = next(c for c in results if c["code"] == "stock_shortage")
        self.assertEqual(shortage["severity"], "blocking")
        self.assertIn(
            "需要 5",
            second.with_context(lang="zh_CN")._get_review_results()[second.id][-1]["message"],
        )
        self.assertTrue(second.review_has_blocking)
        # the shortage is an override step in the approval: no auto-approval
        self.assertTrue(second.approval_ids.filtered(lambda a: a.check_code == "stock_shortage"))

    def test_shortage_message_in_chinese(self):
        self.company.stock_lock_shortage_policy = "refuse"
        blocker = self._create_order([(self.product, 8)])
        self.company.sale_review_required = True
        blocker.action_submit_review()
        order = self._create_order([(self.product, 5)])
        with self.assertRaises(UserError) as error:
            order.with_user(self.salesman).with_context(lang="zh_CN").action_submit_review()
        self.assertIn("库存不足", str(error.exception))
        self.assertIn("需要 5", str(error.exception))
        self.assertIn("可用 2", str(error.exception))
        # nothing half-written: the order was not submitted and holds no lock
        self.assertEqual(order.approval_state, "draft")
        self.assertEqual(self._locked(self.product, order), 0)

    def test_partial_policy_locks_what_is_free(self):
        self.company.write({"stock_lock_shortage_policy": "partial", "sale_review_required": True})
        self._create_order([(self.product, 8)]).action_submit_review()
        order = self._create_order([(self.product, 5)])
        order.action_submit_review()
        self.assertEqual(self._locked(self.product, order), 2)
        self.assertTrue(order.review_has_blocking)

    def test_approval_turns_lock_into_reservation(self):
        self.company.sale_review_required = True
        order = self._create_order([(self.product, 6)])
        order.action_submit_review()
        self.assertEqual(self._locked(self.product), 6)
        order.with_user(self.approver).action_approve()
        self.assertEqual(order.state, "sale")
        self.assertEqual(self._locked(self.product), 0)
        self.assertEqual(self._reserved(self.product), 6)
        self.assertEqual(order.picking_ids.move_ids.quantity, 6)
        self.assertEqual(
            self.env["stock.lock"].search([("order_id", "=", order.id)]).state, "consumed"
        )

    def test_auto_approval_consumes_lock_in_same_call(self):
        order = self._create_order([(self.product, 3)])
        order.action_submit_review()  # nothing to review: approved and confirmed at once
        self.assertEqual(order.state, "sale")
        self.assertEqual(self._locked(self.product), 0)
        self.assertEqual(self._reserved(self.product), 3)

    def test_reject_and_cancel_release(self):
        self.company.sale_review_required = True
        order = self._create_order([(self.product, 4)])
        order.action_submit_review()
        order.with_user(self.approver).action_reject_with_reason("价格太低")
        self.assertEqual(self._locked(self.product), 0)
        self.assertEqual(order.stock_lock_ids.state, "released")
        order.with_user(self.salesman).action_submit_review()
        self.assertEqual(self._locked(self.product), 4)
        order.with_user(self.salesman)._action_cancel()
        self.assertEqual(self._locked(self.product), 0)

    def test_quantity_decrease_and_line_deletion_release(self):
        self.company.sale_review_required = True
        order = self._create_order([(self.product, 6), (self.product_b, 2)])
        order.action_submit_review()
        order.with_user(self.salesman).order_line[0].product_uom_qty = 2
        self.assertEqual(self._locked(self.product), 2)
        order.with_user(self.salesman).order_line[0].product_uom_qty = 5
        self.assertEqual(self._locked(self.product), 5, "an increase locks more when free")
        order.with_user(self.salesman).order_line[1].unlink()
        self.assertEqual(self._locked(self.product_b), 0)
        self.assertEqual(self._locked(self.product), 5)

    def test_services_and_consumables_are_not_locked(self):
        service = self.env["product.product"].create({"name": "安装服务", "type": "service"})
        consumable = self.env["product.product"].create({"name": "包装袋", "type": "consu"})
        self.company.sale_review_required = True
        order = self._create_order([(service, 1), (consumable, 5), (self.product, 1)])
        order.action_submit_review()
        self.assertEqual(order.stock_lock_ids.product_id, self.product)

    def test_lock_at_approval_option(self):
        self.company.write({"stock_lock_trigger": "approve", "sale_review_required": True})
        order = self._create_order([(self.product, 4)])
        order.action_submit_review()
        self.assertFalse(order.stock_lock_ids)
        order.with_user(self.approver).action_approve()
        self.assertEqual(self._reserved(self.product), 4)

    def test_locks_are_read_only_over_rpc(self):
        self.company.sale_review_required = True
        order = self._create_order([(self.product, 4)])
        order.action_submit_review()
        lock = order.stock_lock_ids.with_user(self.salesman)
        with self.assertRaises(AccessError):
            lock.write({"quantity": 10})
        with self.assertRaises(AccessError):
            self.env["stock.lock"].with_user(self.salesman).create(
                {
                    "order_id": order.id,
                    "product_id": self.product.id,
                    "warehouse_id": self.warehouse.id,
                    "location_id": self.stock_location.id,
                    "company_id": self.company.id,
                    "quantity": 10,
                }
            )
