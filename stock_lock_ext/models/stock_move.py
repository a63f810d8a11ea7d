from odoo import models
from odoo.tools import float_compare


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_assign(self, force_qty=False):
        # Reserving spends free stock: take the products' guard like a lock does, and tell
        # _update_reserved_quantity which units other orders have locked.
        # receipts and other moves from locations without reservation spend no free stock
        moves = self.filtered(
            lambda m: (
                m.state not in ("draft", "done", "cancel") and not m._should_bypass_reservation()
            )
        )
        active = ()
        if moves:
            Lock = self.env["stock.lock"].sudo()
            Lock._take_guard(moves.product_id)
            active = tuple(
                (product.id, location.id, order.id, quantity)
                for product, location, order, quantity in Lock._read_group(
                    [("state", "=", "active"), ("product_id", "in", moves.product_id.ids)],
                    ["product_id", "location_id", "order_id"],
                    ["quantity:sum"],
                )
            )
        # always set: a caller's context can't pretend there are no locks
        return super(StockMove, self.with_context(stock_lock_active=active))._action_assign(
            force_qty=force_qty
        )

    def _update_reserved_quantity(
        self, need, location_id, lot_id=None, package_id=None, owner_id=None, strict=True
    ):
        cap = self._stock_lock_cap(location_id)
        if (
            cap is not None
            and float_compare(need, cap, precision_rounding=self.product_id.uom_id.rounding) > 0
        ):
            need = cap
            if float_compare(need, 0.0, precision_rounding=self.product_id.uom_id.rounding) <= 0:
                return 0
        return super()._update_reserved_quantity(
            need,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
        )

    def _stock_lock_cap(self, location):
        """How much this move may reserve from `location` without taking units other orders locked."""
        self.ensure_one()
        active = self.env.context.get("stock_lock_active")
        if not active:
            return None
        order = self.sale_line_id.order_id or self.group_id.sale_id
        locked = {}
        for product_id, location_id, order_id, quantity in active:
            if product_id == self.product_id.id and order_id != order.id:
                locked[location_id] = locked.get(location_id, 0.0) + quantity
        if not locked:
            return None
        Quant = self.env["stock.quant"]
        cap = None
        for lock_location in self.env["stock.location"].browse(list(locked)):
            if location.parent_path.startswith(lock_location.parent_path):
                # reserving inside the locked stock: what is free there minus the locks
                free = Quant._get_available_quantity(self.product_id, lock_location)
            elif lock_location.parent_path.startswith(location.parent_path):
                # reserving from a parent: the locked units stay where they are
                free = Quant._get_available_quantity(self.product_id, location)
            else:
                continue
            room = max(free - locked[lock_location.id], 0.0)
            cap = room if cap is None else min(cap, room)
        return cap
