from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import StockLockCommon


@tagged("post_install", "-at_install")
class TestOverReservedBeforeInstall(StockLockCommon):
    """A product Odoo itself over-reserved before the install (reserved > on hand) doesn't block
    later moves: the invariant refuses making a shortage worse, not the shortage it found."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sale_review_required = True
        cls.picking_type = cls.warehouse.out_type_id
        cls.customer_location = cls.env.ref("stock.stock_location_customers")

    def _outgoing(self, product, quantity):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.picking_type.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.customer_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": self.stock_location.id,
                            "location_dest_id": self.customer_location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        return picking

    def _set_on_hand_behind_the_orm(self, product, quantity):
        """What some databases hold: the quant's quantity below what its move lines reserve."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE stock_quant SET quantity = %s WHERE product_id = %s AND location_id = %s",
                quantity,
                product.id,
                self.stock_location.id,
            )
        )
        self.env.invalidate_all()

    def _receive(self, product, quantity):
        self.env["stock.quant"]._update_available_quantity(product, self.stock_location, quantity)
        self._commit_checks()

    def test_over_reserved_product_without_locks_moves_on(self):
        picking = self._outgoing(self.product, 10)  # all 10 reserved
        self._commit_checks()
        self._set_on_hand_behind_the_orm(self.product, 6)  # reserved 10 on 6
        self._receive(self.product, 2)
        # an order of it waits in review, short, without raising
        order = self._create_order([(self.product, 1)])
        order.action_submit_review()
        self._commit_checks()
        self.assertEqual(order.approval_state, "to_review")
        self.assertEqual(self._locked(self.product, order), 0)
        # another product's order is locked and delivered as usual
        other = self._create_order([(self.product_b, 2)])
        other.action_submit_review()
        other.with_user(self.approver).action_approve()
        self._commit_checks()
        other.picking_ids.move_ids.quantity = 2
        other.picking_ids.button_validate()
        self._commit_checks()
        self.assertEqual(other.picking_ids.state, "done")
        # the over-reserved delivery ships what is there
        picking.move_ids.quantity = 8
        picking.move_ids.picked = True
        picking.with_context(
            skip_backorder=True, picking_ids_not_to_backorder=picking.ids
        ).button_validate()
        self._commit_checks()
        self.assertEqual(picking.state, "done")

    def test_over_reserved_product_with_locks_may_not_get_worse(self):
        self._receive(self.product, 2)  # 12 on hand
        order = self._create_order([(self.product, 2)])
        order.action_submit_review()
        self._commit_checks()
        self.assertEqual(self._locked(self.product, order), 2)
        self._outgoing(self.product, 10)  # 10 reserved + 2 locked = 12
        self._commit_checks()
        self._set_on_hand_behind_the_orm(self.product, 9)  # short by 3
        self._receive(self.product, 1)  # better: allowed
        # Check Availability leaves the locked units alone (nothing is free)
        picking = self._outgoing(self.product, 1)
        self._commit_checks()
        self.assertEqual(picking.move_ids.quantity, 0)
        # worse: taking one of the locked units by hand is refused, naming the order
        with self.assertRaisesRegex(UserError, order.name):
            picking.move_ids.quantity = 1
            self._commit_checks()
