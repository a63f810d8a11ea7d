from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare, float_is_zero

LOCK_STATE = [
    ("active", "Active"),
    ("consumed", "Reserved on Delivery"),
    ("released", "Released"),
    ("expired", "Expired"),
]


class StockLock(models.Model):
    """库存锁定: units of a product kept in a warehouse for one sales order line.

    Everything that changes how much stock is free (locking here, reserving in
    ``stock.move._action_assign``) first takes the product's guard row
    (``_take_guard``), so two transactions never both spend the same units.
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

    # ------------------------------------------------------------------ guard
    def init(self):
        # The guard: one row per product, locked *and updated* by every transaction that
        # spends free stock. Under REPEATABLE READ a second transaction waits for the row,
        # then fails with a serialization error and is retried with fresh data (like
        # ir_sequence._update_nogap); FOR UPDATE alone would let it continue on its old snapshot.
        self.env.cr.execute(
            SQL(
                """
                CREATE TABLE IF NOT EXISTS stock_lock_guard (
                    product_id integer PRIMARY KEY REFERENCES product_product(id) ON DELETE CASCADE,
                    counter bigint NOT NULL DEFAULT 0
                )
                """
            )
        )

    @api.model
    def _take_guard(self, products):
        """Serialize every transaction spending free stock of these products (ids sorted: no deadlock)."""
        ids = sorted(set(products.ids))
        if not ids:
            return
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO stock_lock_guard (product_id, counter)
                SELECT product_id, 1 FROM unnest(%(ids)s::int[]) AS product_id ORDER BY product_id
                ON CONFLICT (product_id) DO UPDATE SET counter = stock_lock_guard.counter + 1
                """,
                ids=ids,
            )
        )

    # ------------------------------------------------------------------ figures
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
        self.sudo()._release("released", reason)
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

    def _release(self, state, reason=False):
        """End the locks (released / expired / consumed) and log it on their orders."""
        if not self:
            return
        self.write(
            {"state": state, "date_done": fields.Datetime.now(), "release_reason": reason or False}
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

    @api.model
    def _cron_expire_locks(self, batch_size=1000):
        """Warn salespeople of locks about to expire, then release the expired ones."""
        now = fields.Datetime.now()
        expired = self.search(
            [("state", "=", "active"), ("date_expiry", "<", now)], limit=batch_size
        )
        expired._release("expired", _("The lock expired."))
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
