from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import StockLockCommon


@tagged("post_install", "-at_install")
class TestBadInput(StockLockCommon):
    """Bad input gets a clear translated error and leaves nothing half-written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sale_review_required = True
        cls.order = cls._create_order([(cls.product, 4)])
        cls.order.action_submit_review()
        cls.lock = cls.order.stock_lock_ids
        cls.other_company = cls.env["res.company"].create({"name": "苏州分公司"})
        cls.other_warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.other_company.id)], limit=1
        )
        cls._commit_checks()

    def _lock_count(self):
        return self.env["stock.lock"].search_count([])

    def test_negative_lock(self):
        before = self._lock_count()
        with self.assertRaises(ValidationError) as error:
            self.env["stock.lock"].with_context(lang="zh_CN").create(
                {
                    "order_id": self.order.id,
                    "product_id": self.product.id,
                    "warehouse_id": self.warehouse.id,
                    "location_id": self.stock_location.id,
                    "company_id": self.company.id,
                    "quantity": -1,
                }
            )
        self.assertIn("负数", str(error.exception))
        self.assertEqual(self._lock_count(), before)
        with self.assertRaises(ValidationError):
            self.lock.sudo().write({"quantity": -3})
        self.assertEqual(self.lock.quantity, 4)

    def test_lock_above_free(self):
        self.company.stock_lock_shortage_policy = "refuse"
        order = self._create_order([(self.product, 7), (self.product_b, 2)])
        with self.assertRaises(UserError) as error:
            order.with_user(self.salesman).with_context(lang="zh_CN").action_submit_review()
        self.assertIn("可用 6", str(error.exception))
        self.assertEqual(order.approval_state, "draft")
        self.assertFalse(order.stock_lock_ids, "not even the line that fitted")
        # raising a pending order's line above free keeps what it holds
        self.company.stock_lock_shortage_policy = "review"
        self.order.with_user(self.salesman).order_line.product_uom_qty = 20
        self.assertEqual(self.lock.quantity, 4)
        self.assertTrue(self.order.order_line.stock_short)

    def test_release_or_extend_without_reason(self):
        for reason in (False, "", "   "):
            with self.assertRaises(UserError) as error:
                self.lock.with_user(self.salesman).action_release(reason)
            with self.assertRaises(UserError):
                self.lock.with_user(self.lock_manager).action_extend(2, reason)
        self.assertIn("理由", str(error.exception))
        self.assertEqual(self.lock.state, "active")
        self.assertFalse(self.lock.revoked)

    def test_move_from_another_companys_warehouse(self):
        customers = self.env.ref("stock.stock_location_customers")
        values = {
            "picking_type_id": self.warehouse.out_type_id.id,
            "location_id": self.other_warehouse.lot_stock_id.id,
            "location_dest_id": customers.id,
            "move_ids": [
                Command.create(
                    {
                        "name": self.product.name,
                        "product_id": self.product.id,
                        "product_uom_qty": 1,
                        "location_id": self.other_warehouse.lot_stock_id.id,
                        "location_dest_id": customers.id,
                    }
                )
            ],
        }
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.other_warehouse.lot_stock_id, 5
        )
        self._commit_checks()
        # a warehouse user of this company validating a move from the other company's stock
        picking = self.env["stock.picking"].with_user(self.stock_user).create(values)
        with self.assertRaises(UserError) as error:
            picking.with_context(lang="zh_CN").move_ids.write({"quantity": 1, "picked": True})
            picking.with_context(lang="zh_CN").button_validate()
            self._commit_checks()
        self.assertIn("公司", str(error.exception))
        other_stock = self.product.with_context(location=self.other_warehouse.lot_stock_id.id)
        self.assertEqual(other_stock.qty_available, 5, "nothing moved")
        self.assertEqual(self._locked(self.product, self.order), 4)
        self.assertEqual(
            self.product.with_context(location=self.stock_location.id).qty_available, 10
        )
        # an order of this company cannot lock in the other company's warehouse
        with self.assertRaises(UserError):
            self.order.warehouse_id = self.other_warehouse
        self.assertEqual(self.lock.warehouse_id, self.warehouse)
