from odoo import api, models
from odoo.tools import SQL, float_compare


class StockLockRoom:
    """What the moves of one ``_action_assign`` call may still reserve next to the active locks:
    {(product_id, lock location id): room}, read once per call and lowered as they reserve.
    It travels in the context as an object, which no client's context can forge."""

    __slots__ = ("locked", "paths", "room")

    def __init__(self, room, locked, paths):
        self.room, self.locked, self.paths = room, locked, paths


# the moves created while a sales order's confirmation runs (see sale.order._action_confirm),
# kept in the transaction's data: set by the server, not by any field or context a client sends
NEW_MOVES = "stock_lock_ext.new_moves"


class StockMoveCollector:
    """Collects the ids of the moves created until ``stop()``; nests (an outer one gets them too)."""

    __slots__ = ("data", "ids", "outer")

    def __init__(self, env):
        self.data, self.ids = env.cr.precommit.data, []
        self.outer = self.data.get(NEW_MOVES)
        self.data[NEW_MOVES] = self

    def add(self, ids):
        self.ids.extend(ids)
        if self.outer:
            self.outer.add(ids)

    def stop(self):
        if self.outer:
            self.data[NEW_MOVES] = self.outer
        else:
            self.data.pop(NEW_MOVES, None)


class StockMove(models.Model):
    _inherit = "stock.move"

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        collector = self.env.cr.precommit.data.get(NEW_MOVES)
        if collector:
            collector.add(moves.ids)
        return moves

    def _action_assign(self, force_qty=False):
        # Reserving must leave other orders' locked units alone: cap _update_reserved_quantity by
        # the room next to the locks, read in one query for all the moves. (The guard is taken,
        # and the result verified, by stock.lock._check_stock_locks before commit.)
        # receipts and other moves from locations without reservation spend no free stock
        moves = self.filtered(
            lambda m: (
                (
                    force_qty
                    or (m.state in ("confirmed", "waiting", "partially_available") and not m.picked)
                )
                and m.state not in ("draft", "done", "cancel")
                and not m._should_bypass_reservation()
            )
        )
        room = moves._stock_lock_room() if moves else None
        # always set: a caller's context can't pretend there are no locks
        return super(StockMove, self.with_context(stock_lock_room=room))._action_assign(
            force_qty=force_qty
        )

    def _compute_forecast_information(self):
        """The forecast a delivery shows per move (the picking's availability widget) counts
        units other orders locked as not there: a waiting move is forecast only what is free
        next to the locks, shared by the moves in the order they would reserve."""
        res = super()._compute_forecast_information()
        moves = self.filtered(
            lambda m: (
                m.state in ("waiting", "confirmed", "partially_available")
                and m.product_id.is_storable
                and m.location_id.warehouse_id
                and m._is_consuming()
            )
        )
        if not moves:
            return res
        Lock = self.env["stock.lock"].sudo()
        warehouses = moves.location_id.warehouse_id
        locked = Lock._read_group(
            [
                ("state", "=", "active"),
                ("product_id", "in", moves.product_id.ids),
                ("warehouse_id", "in", warehouses.ids),
            ],
            ["product_id"],
        )
        if not locked:
            return res  # core's forecast stands: one query
        figures = Lock._get_stock_figures(
            self.env["product.product"].union(*(product for (product,) in locked)), warehouses
        )
        room = {
            key: max(values["on_hand"] - values["reserved"] - values["locked"], 0.0)
            for key, values in figures.items()
            if values["locked"]
        }
        for move in moves.sorted(lambda m: (-int(m.priority or 0), m.date, m.id)):
            key = (move.product_id.id, move.location_id.warehouse_id.id)
            if key not in room:
                continue
            reserved = move.product_uom._compute_quantity(
                move.quantity, move.product_id.uom_id, rounding_method="HALF-UP"
            )
            forecast = min(move.forecast_availability or 0.0, reserved + room[key])
            room[key] -= max(forecast - reserved, 0.0)
            move.forecast_availability = forecast
        return res

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        # check now (same check again before commit for what comes later): the user who
        # validates reads the refusal right away, and tests see it without committing
        self.env["stock.lock"]._check_stock_locks()
        return moves

    def _update_reserved_quantity(
        self, need, location_id, lot_id=None, package_id=None, owner_id=None, strict=True
    ):
        rounding = self.product_id.uom_id.rounding
        cap = self._stock_lock_cap(location_id)
        if cap is not None and float_compare(need, cap, precision_rounding=rounding) > 0:
            need = cap
            if float_compare(need, 0.0, precision_rounding=rounding) <= 0:
                return 0
        taken = super()._update_reserved_quantity(
            need,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
        )
        room = self.env.context.get("stock_lock_room")
        if taken and isinstance(room, StockLockRoom):
            for key in room.room:
                if key[0] == self.product_id.id and self._stock_lock_related(
                    room, key, location_id
                ):
                    room.room[key] -= taken
        return taken

    def _stock_lock_room(self):
        """One query: per product and lock location, the units free there minus the locks."""
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "quantity", "reserved_quantity"]
        )
        self.env["stock.lock"].flush_model(["product_id", "location_id", "quantity", "state"])
        self.env["stock.location"].flush_model(["parent_path"])
        self.env.cr.execute(
            SQL(
                """
                WITH locked AS (
                    SELECT product_id, location_id, SUM(quantity) AS quantity
                      FROM stock_lock
                     WHERE state = 'active' AND product_id = ANY(%(products)s)
                     GROUP BY product_id, location_id
                )
                SELECT locked.product_id, locked.location_id, lock_loc.parent_path, locked.quantity,
                       GREATEST(COALESCE(
                           (SELECT SUM(quant.quantity) - SUM(quant.reserved_quantity)
                              FROM stock_quant quant
                              JOIN stock_location loc ON loc.id = quant.location_id
                             WHERE quant.product_id = locked.product_id
                               AND loc.parent_path LIKE lock_loc.parent_path || %(any)s), 0), 0)
                       - locked.quantity
                  FROM locked JOIN stock_location lock_loc ON lock_loc.id = locked.location_id
                """,
                products=self.product_id.ids,
                any="%",
            )
        )
        room, locked, paths = {}, {}, {}
        for product_id, location_id, path, quantity, free in self.env.cr.fetchall():
            room[product_id, location_id] = free
            locked[product_id, location_id] = quantity
            paths[location_id] = path
        return StockLockRoom(room, locked, paths)

    @api.model
    def _stock_lock_related(self, room, key, location):
        """Whether reserving from `location` may take units of the lock location of `key`."""
        lock_path = room.paths[key[1]]
        return location.parent_path.startswith(lock_path) or lock_path.startswith(
            location.parent_path
        )

    def _stock_lock_cap(self, location):
        """How much this move may reserve from `location` without taking locked units."""
        self.ensure_one()
        room = self.env.context.get("stock_lock_room")
        if not isinstance(room, StockLockRoom):
            return None
        cap = None
        for (product_id, lock_location_id), free in room.room.items():
            if product_id != self.product_id.id:
                continue
            lock_path = room.paths[lock_location_id]
            if location.parent_path.startswith(lock_path):
                # reserving inside the locked stock: what is free there minus the locks
                limit = free
            elif lock_path.startswith(location.parent_path):
                # reserving from a parent: the locked units stay where they are (rare: a query)
                limit = (
                    self.env["stock.quant"]._get_available_quantity(self.product_id, location)
                    - room.locked[product_id, lock_location_id]
                )
            else:
                continue
            limit = max(limit, 0.0)
            cap = limit if cap is None else min(cap, limit)
        return cap
