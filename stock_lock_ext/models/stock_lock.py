import threading
from datetime import timedelta

import psycopg2
from psycopg2 import errorcodes, errors

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare, float_is_zero, float_round

# What a transaction changed, collected for the invariant check (``_check_stock_locks``):
# {(product_id, location_id): [on hand change, reserved change, physical loss]} from the quants,
# {(product_id, warehouse_id): active locked quantity change} from the locks
QUANT_CHANGES = "stock_lock_ext.quant_changes"
LOCK_CHANGES = "stock_lock_ext.lock_changes"
# the quants ("q") and locks ("l") a transaction deleted, {(kind, id)}: kept with the post-commit
# data, which a rolled-back savepoint doesn't clear (a row that came back is read again anyway)
DELETED_ROWS = "stock_lock_ext.deleted_rows"
# set once the transaction's check before commit is registered
CHECK_REGISTERED = "stock_lock_ext.check_registered"
# the advisory locks of the guard: pg_advisory_xact_lock(GUARD_LOCK_SPACE, product id)
GUARD_LOCK_SPACE = 0x4A58434C

LOCK_STATE = [
    ("active", "Active"),
    ("consumed", "Reserved on Delivery"),
    ("released", "Released"),
    ("expired", "Expired"),
]


# one autocommit cursor per database and process reads what is committed now (each statement
# sees a fresh snapshot): at most one connection more per process, however many threads spend
_COMMITTED_CURSORS = {}
_COMMITTED_LOCK = threading.Lock()


def _read_committed(registry, read, *args):
    """``read(cr, *args, own=False)`` on a cursor that sees every transaction committed so far."""
    with _COMMITTED_LOCK:
        for attempt in (1, 2):
            cr = _COMMITTED_CURSORS.get(registry.db_name)
            if cr is None or cr.closed:
                cr = _COMMITTED_CURSORS[registry.db_name] = registry.cursor()
                cr._cnx.autocommit = True
            try:
                return read(cr, *args, own=False)
            except (psycopg2.InterfaceError, psycopg2.OperationalError):
                # the connection was closed (database restarted or dropped): open another once
                _COMMITTED_CURSORS.pop(registry.db_name, None)
                if attempt == 2:
                    raise
    return None


class StaleStockSnapshot(errors.SerializationFailure):
    """This transaction spent stock on a snapshot older than what others committed: Odoo's
    request layer retries it as it retries a serialization failure (same code)."""

    pgcode = errorcodes.SERIALIZATION_FAILURE


class StockLock(models.Model):
    """库存锁定: units of a product kept in a warehouse for one sales order line.

    Everything that lowers how much stock is free (locking here, reserving or consuming
    anywhere) is checked once per transaction before it commits (``_check_stock_locks``),
    under the product's guard (``_take_guard``), so two transactions never both spend the
    same units.
    """

    _name = "stock.lock"
    _description = "Stock Lock"
    _inherit = ["mail.thread"]
    _order = "date_expiry, id"
    _rec_names_search = ["order_id", "product_id"]

    order_id = fields.Many2one(
        "sale.order", string="Order", required=True, index=True, ondelete="cascade", readonly=True
    )
    order_line_id = fields.Many2one(
        "sale.order.line",
        string="Order Line",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    product_id = fields.Many2one(
        "product.product", required=True, index=True, ondelete="restrict", readonly=True
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    warehouse_id = fields.Many2one(
        "stock.warehouse", required=True, index=True, ondelete="restrict", readonly=True
    )
    location_id = fields.Many2one(
        "stock.location", required=True, ondelete="restrict", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", required=True, readonly=True)
    state = fields.Selection(
        LOCK_STATE, required=True, default="active", index=True, readonly=True, tracking=True
    )
    date_expiry = fields.Datetime(string="Expires On", readonly=True, tracking=True)
    expiry_warned = fields.Boolean(readonly=True, copy=False)
    date_done = fields.Datetime(string="Ended On", readonly=True)
    release_reason = fields.Char(readonly=True)
    revoked = fields.Boolean(
        readonly=True,
        copy=False,
        help="Released by a person or expired: the order locks again only when submitted again.",
    )

    # ------------------------------------------------------------------ computes
    @api.depends("order_id.name", "product_id")
    def _compute_display_name(self):
        for lock in self:
            lock.display_name = f"{lock.order_id.name} / {lock.product_id.display_name}"

    # ------------------------------------------------------------------ constraints
    @api.constrains("product_id", "quantity")
    def _check_lockable(self):
        for lock in self:
            if not lock.product_id.is_storable:
                raise ValidationError(
                    _(
                        "%(product)s is not tracked in stock (a service or consumable): it cannot be locked.",
                        product=lock.product_id.display_name,
                    )
                )
            if (
                float_compare(
                    lock.quantity, 0.0, precision_rounding=lock.product_id.uom_id.rounding
                )
                < 0
            ):
                raise ValidationError(_("A stock lock cannot have a negative quantity."))

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        locks = super().create(vals_list)
        locks._note_lock_change(1)
        return locks

    def unlink(self):
        self._note_deleted_rows("l", self.ids)
        return super().unlink()

    def write(self, vals):
        tracked = {"quantity", "state", "product_id", "warehouse_id"} & vals.keys()
        if tracked:
            self._note_lock_change(-1)
        res = super().write(vals)
        if tracked:
            self._note_lock_change(1)
        return res

    # ------------------------------------------------------------------ guard
    @api.model
    def _take_guard(self, products):
        """Serialize the checks before commit of the transactions spending free stock of these
        products, until they end.

        A transaction-level advisory lock per product (ids sorted: orders [A, B] and [B, A]
        never deadlock), taken only by the check before commit, so it is held for the commit
        alone. It only makes the checks wait for each other: what they read after it comes
        from ``_final_stock_figures``, which sees what the transactions before them committed.
        """
        ids = sorted(set(products.ids))
        if not ids:
            return
        self.env.cr.execute(
            SQL(
                "SELECT pg_advisory_xact_lock(%s, id) FROM (SELECT unnest(%s::int[]) AS id ORDER BY 1) ids",
                GUARD_LOCK_SPACE,
                ids,
            )
        )

    # ------------------------------------------------------------------ figures
    @api.model
    def _note_deleted_rows(self, kind, ids):
        """Quants ("q") or locks ("l") this transaction deletes (see ``_final_stock_figures``)."""
        if ids:
            deleted = self.env.cr.postcommit.data.setdefault(DELETED_ROWS, set())
            deleted.update((kind, row_id) for row_id in ids)

    @api.model
    def _stock_rows(self, cr, products, own):
        """The quants under a warehouse's stock location and the locks of `products`, as `cr`
        sees them: [(kind, id, product_id, warehouse_id, order_id, quantity, reserved, active,
        mine, warehouse stock location's parent_path)], kind "q" (quant) or "l" (lock).

        ``own``: `cr` is this transaction's; ``mine`` flags the rows it wrote (their xmin is
        not older than its snapshot's xmax: every transaction id of ours, sub-transactions
        included, was assigned after the snapshot was taken), which are read in any state.
        Otherwise only active locks are read.
        """
        # xmin and xmax compared modulo 2^32: a row of ours is at most a few ids ahead
        mine = SQL(
            "mod(rows.xid - snap.ref + 4294967296, 4294967296) < 2147483648" if own else "FALSE"
        )
        cr.execute(
            SQL(
                """
                WITH snap AS (
                    SELECT mod(pg_snapshot_xmax(pg_current_snapshot())::text::bigint, 4294967296) AS ref
                ), rows AS (
                    SELECT 'q' AS kind, quant.id, quant.product_id, wh.id AS warehouse_id,
                           NULL::int AS order_id, COALESCE(quant.quantity, 0) AS quantity,
                           COALESCE(quant.reserved_quantity, 0) AS reserved,
                           TRUE AS active, quant.xmin::text::bigint AS xid,
                           stock_loc.parent_path AS path
                      FROM stock_quant quant
                      JOIN stock_location loc ON loc.id = quant.location_id
                      JOIN stock_location stock_loc ON loc.parent_path LIKE stock_loc.parent_path || %s
                      JOIN stock_warehouse wh ON wh.lot_stock_id = stock_loc.id
                     WHERE quant.product_id = ANY(%s)
                     UNION ALL
                    SELECT 'l', lock.id, lock.product_id, lock.warehouse_id, lock.order_id,
                           lock.quantity, 0, lock.state = 'active', lock.xmin::text::bigint,
                           stock_loc.parent_path
                      FROM stock_lock lock
                      JOIN stock_warehouse wh ON wh.id = lock.warehouse_id
                      JOIN stock_location stock_loc ON stock_loc.id = wh.lot_stock_id
                     WHERE lock.product_id = ANY(%s)
                )
                SELECT rows.kind, rows.id, rows.product_id, rows.warehouse_id, rows.order_id,
                       rows.quantity, rows.reserved, rows.active, %s, rows.path
                  FROM rows, snap
                 WHERE rows.active OR %s
                """,
                "%",
                products.ids,
                products.ids,
                mine,
                mine,
            )
        )
        return cr.fetchall()

    @api.model
    def _sum_stock_rows(self, rows):
        figures = {}
        for row in rows:
            kind, __, product_id, warehouse_id, order_id, quantity, reserved, active, __, path = row
            if not active:
                continue
            values = figures.setdefault(
                (product_id, warehouse_id),
                {"path": path, "on_hand": 0.0, "reserved": 0.0, "locked": 0.0, "locked_by": {}},
            )
            if kind == "q":
                values["on_hand"] += quantity
                values["reserved"] += reserved
            else:
                values["locked"] += quantity
                values["locked_by"][order_id] = values["locked_by"].get(order_id, 0.0) + quantity
        return figures

    @api.model
    def _own_view_is_final(self):
        """Inside Odoo's test runner (or a test-mode registry) a transaction is the test's:
        never committed, nothing runs next to it, and a second cursor would not see its data."""
        return self.env.registry.test_cr is not None or getattr(
            threading.current_thread(), "testing", False
        )

    @api.model
    def _final_stock_figures(self, products):
        """(final, own): per (product_id, warehouse_id), {"path", "on_hand", "reserved", "locked",
        "locked_by": {order_id: qty}} as the database will hold them when this transaction
        commits, and as this transaction sees them now. Call it under the guard.

        The final figures take this transaction's own rows, and the others' rows as committed
        now, read on a second cursor: a spender whose snapshot predates the commit of the one
        it waited for reads what that one left, instead of failing to serialize and being
        retried after a random wait (which is what an updated guard row cost). Rows the other
        transactions change can't be ours: writing the same row would have failed.
        """
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "quantity", "reserved_quantity"]
        )
        self.flush_model(["product_id", "warehouse_id", "order_id", "quantity", "state"])
        self.env["stock.location"].flush_model(["parent_path"])
        own_rows = self._stock_rows(self.env.cr, products, own=True)
        own = self._sum_stock_rows(own_rows)
        if self._own_view_is_final():
            return own, own
        committed = _read_committed(self.env.registry, self._stock_rows, products)
        seen = {(row[0], row[1]) for row in own_rows}
        mine = {(row[0], row[1]) for row in own_rows if row[8]}
        deleted = self.env.cr.postcommit.data.get(DELETED_ROWS, set())
        final_rows = [
            row
            for row in committed
            if (row[0], row[1]) not in mine
            and ((row[0], row[1]) not in deleted or (row[0], row[1]) in seen)
        ]
        final_rows += [row for row in own_rows if row[8]]
        return self._sum_stock_rows(final_rows), own

    @api.model
    def _get_stock_figures(self, products, warehouses):
        """{(product_id, warehouse_id): {"on_hand", "reserved", "locked", "locked_by": {order_id: qty}}}

        On hand and reserved count the quants under the warehouse's stock location, the
        one deliveries take from; locked is the sum of active locks. Two queries for any
        number of products.
        """
        figures = {}
        if not products or not warehouses:
            return figures

        def entry(key):
            return figures.setdefault(
                key, {"on_hand": 0.0, "reserved": 0.0, "locked": 0.0, "locked_by": {}}
            )

        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "quantity", "reserved_quantity"]
        )
        self.env["stock.location"].flush_model(["parent_path"])
        self.env.cr.execute(
            SQL(
                """
                SELECT quant.product_id, wh.id, SUM(quant.quantity), SUM(quant.reserved_quantity)
                  FROM stock_warehouse wh
                  JOIN stock_location stock_loc ON stock_loc.id = wh.lot_stock_id
                  JOIN stock_location loc ON loc.parent_path LIKE stock_loc.parent_path || %(any)s
                  JOIN stock_quant quant ON quant.location_id = loc.id
                 WHERE wh.id = ANY(%(warehouses)s) AND quant.product_id = ANY(%(products)s)
                 GROUP BY quant.product_id, wh.id
                """,
                warehouses=warehouses.ids,
                products=products.ids,
                any="%",
            )
        )
        for product_id, warehouse_id, on_hand, reserved in self.env.cr.fetchall():
            values = entry((product_id, warehouse_id))
            values["on_hand"], values["reserved"] = on_hand or 0.0, reserved or 0.0
        for product, warehouse, order, quantity in self.sudo()._read_group(
            [
                ("state", "=", "active"),
                ("product_id", "in", products.ids),
                ("warehouse_id", "in", warehouses.ids),
            ],
            ["product_id", "warehouse_id", "order_id"],
            ["quantity:sum"],
        ):
            values = entry((product.id, warehouse.id))
            values["locked"] += quantity
            values["locked_by"][order.id] = quantity
        return figures

    @api.model
    def _free_quantity(self, figures, product, warehouse, order=None):
        """What `order` (or anyone, without it) may still lock or reserve."""
        values = figures.get((product.id, warehouse.id))
        if not values:
            return 0.0
        others = values["locked"] - values["locked_by"].get(order.id if order else 0, 0.0)
        return max(values["on_hand"] - values["reserved"] - others, 0.0)

    # ------------------------------------------------------------------ actions
    def action_release(self, reason):
        """Give the units back (a manager, or the order's salesperson for their own order)."""
        self._check_can_manage(release=True)
        if not (reason or "").strip():
            raise UserError(_("Give the reason for releasing the stock lock."))
        active = self.filtered(lambda lock: lock.state == "active")
        if active != self:
            raise UserError(
                _(
                    "Only active locks can be released: %(locks)s",
                    locks=", ".join((self - active).mapped("display_name")),
                )
            )
        self.sudo()._release("released", reason, revoked=True)
        self.sudo()._notify_released(reason)
        return True

    def action_extend(self, days, reason):
        """Keep the units longer (Stock Lock Manager only)."""
        self._check_can_manage(release=False)
        if not isinstance(days, (int, float)) or isinstance(days, bool) or days <= 0:
            raise UserError(_("Extend a stock lock by a positive number of days."))
        if not (reason or "").strip():
            raise UserError(_("Give the reason for extending the stock lock."))
        now = fields.Datetime.now()
        for lock in self:
            if lock.state != "active" or (lock.date_expiry and lock.date_expiry < now):
                raise UserError(
                    _(
                        "The stock lock %(lock)s has expired or ended: submit the order again to lock stock.",
                        lock=lock.display_name,
                    )
                )
        for lock in self.sudo():
            new_date = max(lock.date_expiry or now, now) + timedelta(days=days)
            lock.write({"date_expiry": new_date, "expiry_warned": False})
            body = _(
                "%(user)s extended the stock lock of %(product)s to %(date)s: %(reason)s",
                user=self.env.user.name,
                product=lock.product_id.display_name,
                date=fields.Datetime.to_string(new_date),
                reason=reason,
            )
            lock._message_log(body=body)
            lock.order_id._message_log(body=body)
        return True

    def action_open_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.lock.wizard",
            "view_mode": "form",
            "target": "new",
            "name": _("Release or Extend"),
            "context": {"default_lock_ids": self.ids},
        }

    # ------------------------------------------------------------------ business methods
    def _check_can_manage(self, release):
        self.check_access("read")
        if self.env.su or self.env.user.has_group("stock_lock_ext.group_stock_lock_manager"):
            return
        own = self.filtered(lambda lock: self.env.user in (lock.user_id | lock.order_id.user_id))
        if release and own == self:
            return
        raise AccessError(
            _(
                "Only a Stock Lock Manager may %(action)s stock locks of other people's orders.",
                action=_("release") if release else _("extend"),
            )
        )

    def _release(self, state, reason=False, revoked=False):
        """End the locks (released / expired / consumed) and log it on their orders.

        ``revoked``: a person released them, or they expired; their order is not locked again
        until it is submitted again (editing its lines does not re-take the units).
        """
        if not self:
            return
        self.write(
            {
                "state": state,
                "date_done": fields.Datetime.now(),
                "release_reason": reason or False,
                "revoked": revoked,
            }
        )
        if state == "consumed":
            return
        labels = dict(self._fields["state"]._description_selection(self.env))
        for order in self.order_id:
            locks = self.filtered(lambda lock, o=order: lock.order_id == o)
            body = _(
                "Stock lock %(state)s: %(products)s",
                state=labels[state],
                products=", ".join(
                    f"{lock.product_id.display_name}: {lock.quantity:g}" for lock in locks
                ),
            )
            if reason:
                body += " — " + reason
            order._message_log(body=body)

    def _notify_released(self, reason):
        """Log a release on each lock; the salesperson gets a to-do when someone else released it."""
        for lock in self:
            quantity = f"{lock.quantity:g}"
            body = _(
                "%(user)s released the stock lock of %(product)s (%(quantity)s): %(reason)s",
                user=self.env.user.name,
                product=lock.product_id.display_name,
                quantity=quantity,
                reason=reason,
            )
            lock._message_log(body=body)
            user = lock.user_id or lock.order_id.user_id
            if user and user != self.env.user and user.active and not user.share:
                lock.order_id.with_context(mail_activity_quick_update=True).activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=_(
                        "Stock lock of %(order)s released by %(user)s",
                        order=lock.order_id.name,
                        user=self.env.user.name,
                    ),
                    note=body,
                )

    @api.model
    def _cron_expire_locks(self, batch_size=1000):
        """Warn salespeople of locks about to expire, then release the expired ones."""
        now = fields.Datetime.now()
        expired = self.search(
            [("state", "=", "active"), ("date_expiry", "<", now)], limit=batch_size
        )
        expired._release("expired", _("The lock expired."), revoked=True)
        companies = self.env["res.company"].search([])
        to_warn = self.browse()
        for company in companies:
            hours = company.stock_lock_warn_hours
            if hours <= 0:
                continue
            to_warn |= self.search(
                [
                    ("state", "=", "active"),
                    ("expiry_warned", "=", False),
                    ("company_id", "=", company.id),
                    ("date_expiry", "<", now + timedelta(hours=hours)),
                ],
                limit=batch_size,
            )
        for order in to_warn.order_id:
            locks = to_warn.filtered(lambda lock, o=order: lock.order_id == o)
            user = order.user_id or order.create_uid
            if user and user.active and not user.share:
                order.with_context(mail_activity_quick_update=True).activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=_(
                        "Stock lock of %(order)s expires on %(date)s",
                        order=order.name,
                        date=fields.Datetime.to_string(min(locks.mapped("date_expiry"))),
                    ),
                )
        to_warn.write({"expiry_warned": True})
        remaining = self.search_count([("state", "=", "active"), ("date_expiry", "<", now)])
        self.env["ir.cron"]._notify_progress(done=len(expired) + len(to_warn), remaining=remaining)

    @api.model
    def _is_zero(self, quantity, product):
        return float_is_zero(quantity, precision_rounding=product.uom_id.rounding)

    # ------------------------------------------------------------------ the invariant
    def _note_lock_change(self, sign):
        """Remember how much the active locks of (product, warehouse) changed in this transaction
        (a lock is taken without the guard: the check before commit verifies it)."""
        changes = self._stock_changes(LOCK_CHANGES)
        for lock in self:
            if lock.state == "active":
                key = (lock.product_id.id, lock.warehouse_id.id)
                changes[key] = changes.get(key, 0.0) + sign * lock.quantity

    @api.model
    def _note_stock_change(self, product_id, location_id, quantity=0.0, reserved=0.0, loss=0.0):
        """Remember a change of the quants (called by stock.quant and stock.move.line)."""
        changes = self._stock_changes(QUANT_CHANGES)
        values = changes.setdefault((product_id, location_id), [0.0, 0.0, 0.0])
        values[0] += quantity
        values[1] += reserved
        values[2] += loss

    @api.model
    def _stock_changes(self, kind):
        """This transaction's noted changes of one kind; the first change of a transaction
        registers the check that runs before it commits."""
        data = self.env.cr.precommit.data
        if CHECK_REGISTERED not in data:
            data[CHECK_REGISTERED] = True
            self.env.cr.precommit.add(self.sudo()._defer_stock_lock_check)
        return data.setdefault(kind, {})

    @api.model
    def _defer_stock_lock_check(self):
        """The guard the check takes is held until the commit: run the check after the other
        pre-commit hooks queued so far (tracking, ...), so others wait for the commit only."""
        self.env.cr.precommit.add(self._check_stock_locks)

    @api.model
    def _check_stock_locks(self):
        """Units locked by an order are not reserved or consumed by anything else.

        Runs once per transaction before it commits (and at the end of ``stock.move._action_done``),
        for the products whose quants it changed or whose locks it raised: under the guard, per
        product and warehouse holding locks, on hand - reserved must cover the locked units,
        unless it did not before and this transaction did not make it worse. An inventory
        adjustment or scrap is not refused: it shrinks the locks (newest first) by what it
        physically removed. Anything else that would spend locked units is refused, naming the
        orders that hold them. A transaction that is short only with what others committed
        meanwhile (its locks and reservations were decided without them) is retried.
        """
        data = self.env.cr.precommit.data
        changes = data.pop(QUANT_CHANGES, None) or {}
        lock_changes = data.pop(LOCK_CHANGES, None) or {}
        # only a transaction that lowered the free stock somewhere, or locked more, can spend
        # units locked by others
        spent = sorted(
            {key[0] for key, (qty, reserved, __) in changes.items() if qty < reserved}
            | {key[0] for key, locked in lock_changes.items() if locked > 0}
        )
        if not spent:
            return
        self = self.sudo()
        # .exists(): a rolled-back savepoint may have taken products the data still names
        products = self.env["product.product"].browse(spent).exists()
        if not products:
            return
        self._take_guard(products)
        final, own = self._final_stock_figures(products)
        paths = {
            location.id: location.parent_path
            for location in self.env["stock.location"].browse({key[1] for key in changes})
        }
        refused, shrinks, raced = [], [], False
        for key, values in final.items():
            product_id, warehouse_id = key
            product = products.browse(product_id)
            rounding = product.uom_id.rounding
            slack = values["on_hand"] - values["reserved"] - values["locked"]
            if float_compare(slack, 0.0, precision_rounding=rounding) >= 0:
                continue
            change = loss = 0.0
            for (change_product, location_id), (qty, reserved, lost) in changes.items():
                if change_product == product_id and paths[location_id].startswith(values["path"]):
                    change += qty - reserved
                    loss += lost
            change -= lock_changes.get(key, 0.0)
            if float_compare(change, 0.0, precision_rounding=rounding) >= 0:
                continue  # short before, and not made worse by this transaction
            if float_compare(values["locked"], 0.0, precision_rounding=rounding) <= 0:
                # No lock at stake: Odoo may reserve beyond on hand on purpose, but not because
                # of what ran next to it (core reserves on a new quant rather than wait for a
                # row another transaction holds). Short only with the others' commits: retry.
                mine = own.get(key) or {"on_hand": 0.0, "reserved": 0.0, "locked": 0.0}
                alone = mine["on_hand"] - mine["reserved"] - mine["locked"]
                raced |= float_compare(alone, 0.0, precision_rounding=rounding) >= 0
                continue
            # physical truth: what an inventory count or a scrap removed shrinks the locks
            shrink = min(-slack, loss, values["locked"])
            if (
                float_compare(slack + shrink, 0.0, precision_rounding=rounding) < 0
                and float_compare(change + loss, 0.0, precision_rounding=rounding) < 0
            ):
                refused.append((product, warehouse_id, values, -(slack + shrink)))
            elif float_compare(shrink, 0.0, precision_rounding=rounding) > 0:
                shrinks.append((product, warehouse_id, shrink))
        acted = [(product.id, warehouse_id) for product, warehouse_id, *__ in refused + shrinks]
        if raced or any(
            self._stale(own.get(key), final[key], products.browse(key[0])) for key in acted
        ):
            # what this transaction did was decided on a snapshot older than the stock it
            # spends: let Odoo retry it on a fresh one (the cap then leaves the locked units)
            raise StaleStockSnapshot(_("The stock changed while this transaction ran."))
        if refused:
            raise UserError("\n".join(self._locked_stock_message(*refusal) for refusal in refused))
        for product, warehouse_id, quantity in shrinks:
            self._shrink_locks(product, warehouse_id, quantity)

    @api.model
    def _stale(self, own, final, product):
        """Whether this transaction's view of the figures differs from the final ones."""
        own = own or {"on_hand": 0.0, "reserved": 0.0, "locked": 0.0}
        return any(
            float_compare(own[name], final[name], precision_rounding=product.uom_id.rounding)
            for name in ("on_hand", "reserved", "locked")
        )

    @api.model
    def _locked_stock_message(self, product, warehouse_id, values, missing):
        orders = self.env["sale.order"].sudo().browse(values["locked_by"])
        holders = ", ".join(f"{o.name} ({values['locked_by'][o.id]:g})" for o in orders)
        locked, on_hand = f"{values['locked']:g}", f"{values['on_hand']:g}"
        reserved, missing = f"{values['reserved']:g}", f"{missing:g}"
        return _(
            "%(product)s: %(locked)s units in %(warehouse)s are locked for %(orders)s (on hand "
            "%(on_hand)s, reserved %(reserved)s); this would take %(missing)s of them. A Stock "
            "Lock Manager can release those locks first.",
            product=product.display_name,
            locked=locked,
            warehouse=self.env["stock.warehouse"].browse(warehouse_id).name,
            orders=holders,
            on_hand=on_hand,
            reserved=reserved,
            missing=missing,
        )

    @api.model
    def _shrink_locks(self, product, warehouse_id, quantity):
        """An inventory count or a scrap left less than was locked: the newest locks give up
        `quantity`, logged on each lock and its order, with a to-do for the salesperson."""
        locks = self.search(
            [
                ("state", "=", "active"),
                ("product_id", "=", product.id),
                ("warehouse_id", "=", warehouse_id),
            ],
            order="create_date desc, id desc",
        )
        rounding = product.uom_id.rounding
        shrunk = self.env["sale.order"]
        for lock in locks:
            if float_compare(quantity, 0.0, precision_rounding=rounding) <= 0:
                break
            old = lock.quantity
            new = float_round(max(old - quantity, 0.0), precision_rounding=rounding)
            if float_compare(new, old, precision_rounding=rounding) == 0:
                continue
            quantity -= old - new
            lock.write({"quantity": new})
            shrunk |= lock.order_id
            old_text, new_text = f"{old:g}", f"{new:g}"
            body = _(
                "The stock counted or scrapped is less than was locked: the lock of %(product)s "
                "for %(order)s shrank from %(old)s to %(new)s.",
                product=product.display_name,
                order=lock.order_id.name,
                old=old_text,
                new=new_text,
            )
            lock._message_log(body=body)
            lock.order_id._message_log(body=body)
            user = lock.user_id or lock.order_id.user_id
            if user and user.active and not user.share:
                lock.order_id.with_context(mail_activity_quick_update=True).activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=_(
                        "Stock lock of %(order)s shrank: %(product)s %(old)s → %(new)s",
                        order=lock.order_id.name,
                        product=product.display_name,
                        old=old_text,
                        new=new_text,
                    ),
                )
        # a pending order's checklist changed with its stock: route it again, like any change
        pending = shrunk.filtered(lambda o: o.approval_state == "to_review")
        if pending:
            pending._review_reroute(_("Its stock lock shrank with the stock counted or scrapped."))
        self.env.flush_all()
