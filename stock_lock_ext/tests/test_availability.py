from odoo import Command
from odoo.tests import tagged

from .common import StockLockCommon


@tagged("post_install", "-at_install")
class TestOdooSeesLocks(StockLockCommon):
    """Odoo's own availability figures count units locked by other orders as not free."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sale_review_required = True
        cls.locking_order = cls._create_order([(cls.product, 8)])
        cls.locking_order.action_submit_review()

    def test_product_free_and_forecast_quantities(self):
        product = self.product.with_user(self.salesman)
        for context in (
            {},
            {"warehouse_id": self.warehouse.id},
            {"location": self.stock_location.id},
        ):
            figures = product.with_context(**context)
            self.assertEqual(figures.qty_available, 10, context)
            self.assertEqual(figures.free_qty, 2, context)
            self.assertEqual(figures.virtual_available, 2, context)
        elsewhere = product.with_context(location=self.env.ref("stock.stock_location_customers").id)
        self.assertEqual(elsewhere.free_qty, 0, "nothing locked (nor stocked) there")
        self.assertEqual(self.product_b.free_qty, 10, "other products untouched")

    def test_order_line_availability_widget(self):
        other = self._create_order([(self.product, 5)], user=self.salesman_2)
        line = other.with_user(self.salesman_2).order_line
        self.assertEqual(line.free_qty_today, 2, "the other order's 8 are not free")
        self.assertEqual(line.virtual_available_at_date, 2)
        own = self.locking_order.with_user(self.salesman).order_line
        self.assertEqual(own.free_qty_today, 10, "its own lock is its own")
        self.assertEqual(own.virtual_available_at_date, 10)

    def test_released_lock_is_free_again(self):
        self.locking_order.stock_lock_ids.with_user(self.lock_manager).action_release("调拨")
        self.assertEqual(self.product.free_qty, 10)

    def test_delivery_forecast_and_check_availability(self):
        """A warehouse user's deliveries of 5 and 1: their moves' forecast (the picking's
        availability widget) and Check Availability see 2, not the 8 locked for the order."""
        customers = self.env.ref("stock.stock_location_customers")
        pickings = (
            self.env["stock.picking"]
            .with_user(self.stock_user)
            .create(
                [
                    {
                        "picking_type_id": self.warehouse.out_type_id.id,
                        "location_id": self.stock_location.id,
                        "location_dest_id": customers.id,
                        "move_ids": [
                            Command.create(
                                {
                                    "name": self.product.name,
                                    "product_id": self.product.id,
                                    "product_uom_qty": qty,
                                    "location_id": self.stock_location.id,
                                    "location_dest_id": customers.id,
                                }
                            )
                        ],
                    }
                    for qty in (5, 1)
                ]
            )
        )
        pickings.action_confirm()
        pickings.action_assign()
        moves = pickings.move_ids
        self.assertEqual(moves.mapped("quantity"), [2, 0], "2 reserved, no more")
        moves.invalidate_recordset(["forecast_availability"])
        self.assertEqual(moves.mapped("forecast_availability"), [2, 0], "2 free, not 2 each")
        self.assertEqual(pickings[1].move_ids.forecast_availability, 0, "on its own picking too")
        other = self.product_b.with_user(self.stock_user)
        self.assertEqual(other.free_qty, 10, "products without locks keep core's figures")
