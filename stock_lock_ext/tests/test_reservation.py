from odoo import Command
from odoo.tests import tagged

from .common import StockLockCommon


@tagged("post_install", "-at_install")
class TestReservationRespectsLocks(StockLockCommon):
    """Locked units are not available to other pickings: Check Availability, scheduler, other orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sale_review_required = True
        cls.locking_order = cls._create_order([(cls.product, 8)])
        cls.locking_order.action_submit_review()

    def _delivery(self, quantity):
        picking_type = self.warehouse.out_type_id
        picking = (
            self.env["stock.picking"]
            .with_user(self.stock_user)
            .create(
                {
                    "picking_type_id": picking_type.id,
                    "location_id": self.stock_location.id,
                    "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": self.product.name,
                                "product_id": self.product.id,
                                "product_uom_qty": quantity,
                                "product_uom": self.product.uom_id.id,
                                "location_id": self.stock_location.id,
                                "location_dest_id": self.env.ref(
                                    "stock.stock_location_customers"
                                ).id,
                            }
                        )
                    ],
                }
            )
        )
        picking.action_confirm()
        return picking

    def test_check_availability_leaves_locked_units(self):
        picking = self._delivery(5)
        picking.action_assign()
        self.assertEqual(picking.move_ids.quantity, 2, "only the 2 units nobody locked")
        self.assertEqual(self._locked(self.product), 8)

    def test_scheduler_leaves_locked_units(self):
        picking = self._delivery(5)
        self.env["procurement.group"].run_scheduler()
        self.assertEqual(picking.move_ids.quantity, 2)

    def test_forged_context_does_not_lift_the_cap(self):
        picking = self._delivery(5)
        picking.with_context(stock_lock_active=()).action_assign()
        self.assertEqual(picking.move_ids.quantity, 2)

    def test_lock_holder_gets_its_units_after_others_reserved(self):
        picking = self._delivery(5)
        picking.action_assign()
        self.locking_order.with_user(self.approver).action_approve()
        self.assertEqual(self.locking_order.picking_ids.move_ids.quantity, 8)
        self.assertEqual(self._reserved(self.product), 10)

    def test_overridden_shortage_reserves_only_free_units(self):
        other = self._create_order([(self.product, 5)], user=self.salesman_2)
        other.with_user(self.salesman_2).action_submit_review()
        self.assertTrue(other.review_has_blocking)
        other.with_user(self.approver).action_approve_with_reason("客户同意分批发货")
        self.assertEqual(other.state, "sale")
        self.assertEqual(other.picking_ids.move_ids.quantity, 2)
        self.assertEqual(self._locked(self.product, self.locking_order), 8)

    def test_released_lock_frees_units(self):
        picking = self._delivery(5)
        self.locking_order.with_user(self.approver).action_reject_with_reason("客户取消")
        picking.action_assign()
        self.assertEqual(picking.move_ids.quantity, 5)

    def test_backorder_leaves_locked_units(self):
        picking = self._delivery(5)
        picking.action_assign()
        self.assertEqual(picking.move_ids.quantity, 2)
        picking.move_ids.picked = True
        picking.with_context(cancel_backorder=False)._action_done()
        backorder = self.env["stock.picking"].search([("backorder_id", "=", picking.id)])
        self.assertEqual(backorder.move_ids.product_uom_qty, 3)
        backorder.action_assign()
        self.assertEqual(backorder.move_ids.quantity, 0, "the 8 left are locked for the order")
        self.assertEqual(self._locked(self.product), 8)
