from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import StockLockCommon


@tagged("post_install", "-at_install")
class TestPhysicalTruthShrinksLocks(StockLockCommon):
    """Inventory counts and scrap are not refused: when they leave less than is locked, the
    locks shrink, newest first, logged on lock and order, with a to-do for the salesperson."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sale_review_required = True
        cls.older = cls._create_order([(cls.product, 5)])
        cls.older.action_submit_review()
        cls.newer = cls._create_order([(cls.product, 3)], user=cls.salesman_2)
        cls.newer.with_user(cls.salesman_2).action_submit_review()
        cls._commit_checks()

    def _count(self, quantity):
        quant = (
            self.env["stock.quant"]
            .with_user(self.stock_user)
            .with_context(inventory_mode=True)
            .search(
                [("product_id", "=", self.product.id), ("location_id", "=", self.stock_location.id)]
            )
        )
        quant.inventory_quantity = quantity
        quant.action_apply_inventory()
        self._commit_checks()

    def _todo(self, order, user):
        return order.activity_ids.filtered(
            lambda a: (
                a.user_id == user
                and a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
            )
        )

    def test_inventory_count_below_the_locks_shrinks_newest_first(self):
        self._count(4)  # 8 locked on 10, 4 counted: 4 must go, the newer lock's 3 first
        self.assertEqual(self._locked(self.product, self.newer), 0)
        self.assertEqual(self._locked(self.product, self.older), 4)
        self.assertEqual(
            self.product.with_context(location=self.stock_location.id).qty_available, 4
        )
        for order, user, old, new in (
            (self.newer, self.salesman_2, 3, 0),
            (self.older, self.salesman, 5, 4),
        ):
            lock = order.stock_lock_ids
            self.assertIn(f"{old:g}", lock.message_ids[0].body)
            self.assertIn(f"{new:g}", lock.message_ids[0].body)
            self.assertIn(lock.message_ids[0].body, order.message_ids.mapped("body"))
            self.assertEqual(len(self._todo(order, user)), 1, "the salesperson gets a to-do")
        # the shrunk order's stock check fails now
        shortage = next(
            c
            for c in self.older._get_review_results()[self.older.id]
            if c["code"] == "stock_shortage"
        )
        self.assertEqual(shortage["severity"], "blocking")

    def test_a_pending_order_whose_lock_shrank_is_routed_again(self):
        """Its approvers judged a locked order: the shortage now needs its override."""
        self.assertFalse(self.older.approval_ids.filtered("check_code"))
        self._count(4)
        steps = self.older.approval_ids
        cancelled = steps.filtered(lambda a: not a.check_code and a.state == "cancelled")
        self.assertTrue(cancelled, "the step routed on the full lock is cancelled")
        override = steps.filtered(lambda a: a.check_code == "stock_shortage")
        self.assertEqual(override.state, "pending", "the shortage now needs its override")
        with self.assertRaises(UserError):
            self.older.with_user(self.approver).action_approve_with_reason(" ")
        self.older.with_user(self.approver).action_approve_with_reason("客户同意先发 4 个")
        self.assertEqual(override.state, "approved")

    def test_inventory_count_within_the_free_units_keeps_the_locks(self):
        self._count(8)
        self.assertEqual(self._locked(self.product), 8)
        self.assertFalse(self._todo(self.older, self.salesman))

    def test_scrap_below_the_locks_shrinks(self):
        scrap = (
            self.env["stock.scrap"]
            .with_user(self.stock_user)
            .create(
                {
                    "product_id": self.product.id,
                    "product_uom_id": self.product.uom_id.id,
                    "scrap_qty": 7,
                    "location_id": self.stock_location.id,
                }
            )
        )
        scrap.action_validate()
        self._commit_checks()
        self.assertEqual(scrap.state, "done")
        # 3 left for 8 locked: 5 must go
        self.assertEqual(self._locked(self.product, self.newer), 0)
        self.assertEqual(self._locked(self.product, self.older), 3)
        self.assertEqual(len(self._todo(self.newer, self.salesman_2)), 1)

    def test_raised_quantity_tops_up_a_shrunk_lock_from_free_stock(self):
        self._count(4)
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock_location, 3)
        self.older.with_user(self.salesman).order_line.product_uom_qty = 6
        self.assertEqual(self._locked(self.product, self.older), 6, "4 held + 3 free, 6 needed")
