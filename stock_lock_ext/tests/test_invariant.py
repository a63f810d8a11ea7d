from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.stock_lock_ext.models.stock_lock import StockLock

from .common import StockLockCommon


@tagged("post_install", "-at_install")
class TestLockedStockCannotLeave(StockLockCommon):
    """10 on hand, 8 locked by a pending order: no path reserves or consumes the 8, only the 2.

    Each path is checked where it converges: the quants the transaction changed, verified at
    the end of stock.move._action_done and before commit (``_commit_checks`` runs the
    precommit hooks, which a TransactionCase never reaches by itself)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sale_review_required = True
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.locking_order = cls._create_order([(cls.product, 8)])
        cls.locking_order.action_submit_review()
        cls._commit_checks()

    def _picking(self, quantity, user=None, confirm=True, product=None, **move_vals):
        product = product or self.product
        picking = (
            self.env["stock.picking"]
            .with_user(user or self.stock_user)
            .create(
                {
                    "picking_type_id": self.warehouse.out_type_id.id,
                    "location_id": self.stock_location.id,
                    "location_dest_id": self.customers.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": product.name,
                                "product_id": product.id,
                                "product_uom_qty": quantity,
                                "product_uom": product.uom_id.id,
                                "location_id": self.stock_location.id,
                                "location_dest_id": self.customers.id,
                                **move_vals,
                            }
                        )
                    ],
                }
            )
        )
        if confirm:
            picking.action_confirm()
        return picking

    def _on_hand(self, product=None):
        return (product or self.product).with_context(location=self.stock_location.id).qty_available

    def _assert_refused(self, call):
        with self.assertRaises(UserError) as error:
            call()
            self._commit_checks()
        self.assertIn(self.locking_order.name, str(error.exception), "names the lock holder")
        return str(error.exception)

    def _assert_untouched(self):
        self.assertEqual(self._on_hand(), 10)
        self.assertEqual(self._locked(self.product, self.locking_order), 8)
        self.assertLessEqual(self._reserved(self.product), 2)

    def _validate(self, picking, quantity):
        picking.move_ids.quantity = quantity
        picking.move_ids.picked = True
        picking.button_validate()

    # ------------------------------------------------------------------ paths that spend stock
    def test_manual_delivery_validated_from_draft_by_warehouse_user(self):
        picking = self._picking(5, confirm=False)
        message = self._assert_refused(lambda: self._validate(picking, 5))
        self.assertIn("8", message)
        self._assert_untouched()

    def test_manual_delivery_of_the_free_units_passes(self):
        picking = self._picking(2, confirm=False)
        self._validate(picking, 2)
        self._commit_checks()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._on_hand(), 8)
        self.assertEqual(self._locked(self.product, self.locking_order), 8)

    def test_manual_delivery_by_the_salesperson(self):
        # sale_stock gives salespeople create/write on pickings and moves
        picking = self._picking(5, user=self.salesman, confirm=False)

        def validate():
            self._validate(picking.with_user(self.salesman), 5)

        self._assert_refused(validate)
        self._assert_untouched()

    def test_message_in_chinese(self):
        picking = self._picking(5, confirm=False)
        with self.assertRaises(UserError) as error:
            self._validate(picking.with_context(lang="zh_CN"), 5)
        self.assertIn("锁定", str(error.exception))
        self.assertIn(self.locking_order.name, str(error.exception))

    def test_writing_quantity_on_confirmed_delivery(self):
        picking = self._picking(5)
        picking.action_assign()
        self.assertEqual(picking.move_ids.quantity, 2, "Check Availability: the free 2")
        self._commit_checks()  # Check Availability itself is fine
        self._assert_refused(lambda: picking.move_ids.write({"quantity": 5}))
        self._assert_untouched()

    def test_creating_a_move_line_with_quantity(self):
        picking = self._picking(5)

        def create_line():
            self.env["stock.move.line"].with_user(self.stock_user).create(
                {
                    "move_id": picking.move_ids.id,
                    "picking_id": picking.id,
                    "product_id": self.product.id,
                    "product_uom_id": self.product.uom_id.id,
                    "location_id": self.stock_location.id,
                    "location_dest_id": self.customers.id,
                    "quantity": 5,
                }
            )

        self._assert_refused(create_line)
        self._assert_untouched()

    def test_manual_move_carrying_the_locking_orders_sale_line(self):
        # the cap never asks a move whose order it serves: sale_line_id is writable
        picking = self._picking(5, sale_line_id=self.locking_order.order_line.id)
        picking.action_assign()
        self.assertEqual(picking.move_ids.quantity, 2)
        self._assert_refused(lambda: self._validate(picking, 5))
        self._assert_untouched()

    def test_salesperson_sets_quantities_after_a_shortage_override(self):
        other = self._create_order([(self.product, 5)], user=self.salesman_2)
        other.with_user(self.salesman_2).action_submit_review()
        other.with_user(self.approver).action_approve_with_reason("客户同意分批发货")
        self._commit_checks()
        move = other.picking_ids.move_ids
        self.assertEqual(move.quantity, 2, "the override reserves only free units")
        self._assert_refused(lambda: move.with_user(self.salesman_2).write({"quantity": 5}))
        self._assert_untouched()

    def test_check_availability_and_scheduler_stay_below_the_locks(self):
        pickings = self._picking(3) | self._picking(3)
        pickings.action_assign()
        self.env["procurement.group"].run_scheduler()
        self._commit_checks()
        self.assertEqual(sum(pickings.move_ids.mapped("quantity")), 2)
        self._assert_untouched()

    # ------------------------------------------------------------------ what stays possible
    def test_lock_holder_confirms_with_its_units(self):
        self.locking_order.with_user(self.approver).action_approve()
        self._commit_checks()
        self.assertEqual(self.locking_order.state, "sale")
        self.assertEqual(self.locking_order.picking_ids.move_ids.quantity, 8)
        self.assertEqual(self._locked(self.product), 0)

    def test_released_lock_lets_the_delivery_through(self):
        self.locking_order.stock_lock_ids.with_user(self.lock_manager).action_release("调拨")
        picking = self._picking(5, confirm=False)
        self._validate(picking, 5)
        self._commit_checks()
        self.assertEqual(self._on_hand(), 5)

    def test_unlocked_products_may_still_go_negative(self):
        """Odoo lets a delivery take more than on hand; that stays so where nothing is locked."""
        picking = self._picking(15, confirm=False, product=self.product_b)
        self._validate(picking, 15)
        self._commit_checks()
        self.assertEqual(self._on_hand(self.product_b), -5)

    def test_a_lock_raised_above_the_free_stock_is_refused(self):
        """A lock is taken without the guard; the check before commit verifies it: raised
        past what is free by any path, it is refused, naming the order."""
        self.locking_order.stock_lock_ids.sudo().write({"quantity": 12})
        with self.assertRaisesRegex(UserError, self.locking_order.name):
            self._commit_checks()

    def test_receipt_when_already_short_is_not_refused(self):
        # short before (data from before the check): a receipt does not make it worse
        lock = self.locking_order.stock_lock_ids
        self.env.cr.execute(SQL("UPDATE stock_lock SET quantity = 12 WHERE id = %s", lock.id))
        lock.invalidate_recordset(["quantity"])
        self._commit_checks()
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.stock_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.product.name,
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "location_id": self.env.ref("stock.stock_location_suppliers").id,
                            "location_dest_id": self.stock_location.id,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        self._validate(receipt, 1)
        self._commit_checks()
        self.assertEqual(self._on_hand(), 11)

    # ------------------------------------------------------------------ teeth
    def test_without_the_check_the_units_leave(self):
        """The same delivery with the check switched off takes the locked units: the check is
        what holds, not some other refusal on the way."""
        with patch.object(StockLock, "_check_stock_locks", lambda self: None):
            picking = self._picking(5, confirm=False)
            self._validate(picking, 5)
            self._commit_checks()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._on_hand(), 5)
        self.assertEqual(self._locked(self.product), 8, "8 locked on 5 on hand: oversold")
