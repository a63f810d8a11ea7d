from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_round

from .stock_move import StockMoveCollector


class SaleOrder(models.Model):
    _inherit = "sale.order"

    stock_lock_ids = fields.One2many("stock.lock", "order_id", string="Stock Locks", readonly=True)
    stock_lock_count = fields.Integer(compute="_compute_stock_lock_count")
    stock_lock_revoked = fields.Boolean(
        string="Stock Lock Released",
        compute="_compute_stock_lock_count",
        help="A stock lock of this pending order was released or expired: it is not locked "
        "again until the order is submitted again.",
    )

    # ------------------------------------------------------------------ computes
    def _compute_stock_lock_count(self):
        counts = dict(
            self.env["stock.lock"]._read_group(
                [("order_id", "in", self.ids), ("state", "=", "active")], ["order_id"], ["__count"]
            )
        )
        revoked = self._stock_lock_revoked_orders()
        for order in self:
            order.stock_lock_count = counts.get(order, 0)
            order.stock_lock_revoked = order._origin in revoked

    # ------------------------------------------------------------------ CRUD
    def unlink(self):
        # the locks go with their orders (ondelete cascade): the guard's figures must know
        locks = self.env["stock.lock"].sudo().search([("order_id", "in", self.ids)])
        locks._note_deleted_rows("l", locks.ids)
        return super().unlink()

    def write(self, vals):
        res = super().write(vals)
        if "warehouse_id" in vals:
            self._stock_lock_sync()
        return res

    # ------------------------------------------------------------------ hooks of sale_order_ext / sale
    def _action_submit_review(self):
        res = super()._action_submit_review()
        self.filtered(lambda o: o.company_id.stock_lock_trigger == "submit")._stock_lock_sync(
            submitting=True
        )
        return res

    def _action_reject(self, reason):
        res = super()._action_reject(reason)
        self._stock_lock_release(_("The order was rejected."))
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self._stock_lock_release(_("The order was cancelled."))
        return res

    def _action_confirm(self):
        # The locks end first, under the guard, so the moves this confirmation's procurement
        # creates reserve the units right away; which moves those are is recorded by the server
        # as they are created, not read from fields a client can write (sale_line_id, group_id).
        locks = self._stock_lock_consume()
        collector = StockMoveCollector(self.env)
        try:
            res = super()._action_confirm()
        finally:
            collector.stop()
        if locks:
            moves = (
                self.env["stock.move"]
                .browse(collector.ids)
                .filtered(
                    lambda m: (
                        m.state in ("confirmed", "partially_available")
                        and m.product_id in locks.product_id
                        # a warehouse that reserves by hand or by date keeps doing so
                        and m.picking_type_id.reservation_method == "at_confirm"
                    )
                )
            )
            if moves:
                moves._action_assign()
        return res

    def _action_withdraw_review(self):
        res = super()._action_withdraw_review()
        self._stock_lock_release(_("The submission was withdrawn."))
        return res

    def _action_review_terms_changed(self):
        # the re-routed checklist sees the locks of the changed lines
        self._stock_lock_sync()
        return super()._action_review_terms_changed()

    @api.model
    def _review_check_definitions(self):
        return [*super()._review_check_definitions(), ("stock_shortage", _("Stock"), "warning")]

    def _review_check_stock_shortage(self):
        shortages = self._stock_lock_shortages()
        return {
            order.id: self._review_outcome(
                shortages.get(order.id, []), _("Stock is available for every line.")
            )
            for order in self
        }

    # ------------------------------------------------------------------ actions
    def action_view_stock_locks(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("stock_lock_ext.action_stock_lock")
        action["domain"] = [("order_id", "in", self.ids)]
        action["context"] = {"search_default_active": 1}
        return action

    # ------------------------------------------------------------------ business methods
    def _stock_lock_lines(self):
        return self.order_line.filtered(
            lambda line: not line.display_type and line.product_id.is_storable
        )

    def _stock_lock_need(self, line):
        return line.product_uom._compute_quantity(
            line.product_uom_qty, line.product_id.uom_id, rounding_method="HALF-UP"
        )

    def _stock_lock_sync(self, submitting=False):
        """Make the active locks of submitted orders match their lines (lock, top up, reduce, release).

        ``submitting``: the orders were just submitted, so they hold no lock yet.
        """
        orders = self.filtered(
            lambda o: (
                o.state in ("draft", "sent")
                and o.approval_state == "to_review"
                and o.company_id.stock_lock_trigger == "submit"
            )
        )
        if not orders:
            return
        Lock = self.env["stock.lock"].sudo()
        lines = orders._stock_lock_lines()
        if submitting and not lines:
            return
        locks = Lock.search(
            [("order_id", "in", orders.ids), "|", ("state", "=", "active"), ("revoked", "=", True)]
        )
        revoked = locks.filtered(lambda lock: lock.state != "active")
        locks -= revoked
        if submitting:
            # a new submission: the order locks again, from free stock
            revoked.write({"revoked": False})
            revoked = Lock
        # No guard here: it would be held until the commit, through the whole confirmation,
        # and serialize every order of the product. What is free is read as it will be at
        # commit so far (the others' committed rows and ours); the check before commit verifies
        # it under the guard and has the transaction retried if others took the units meanwhile.
        figures = Lock._final_stock_figures(lines.product_id | locks.product_id)[0]
        by_line = {}
        stale = Lock
        for lock in locks:
            line = lock.order_line_id
            if (
                line in lines
                and lock.product_id == line.product_id
                and lock.warehouse_id == line.order_id.warehouse_id
                and line.id not in by_line
            ):
                by_line[line.id] = lock
            else:
                stale |= lock
        stale._release("released", _("The order line changed."))
        for lock in stale:
            values = figures.get((lock.product_id.id, lock.warehouse_id.id))
            if values:
                values["locked"] -= lock.quantity
        to_create, released = [], Lock
        now = fields.Datetime.now()
        for line in lines.sorted(lambda ln: (ln.order_id.id, ln.sequence, ln.id)):
            order, product, warehouse = line.order_id, line.product_id, line.order_id.warehouse_id
            rounding = product.uom_id.rounding
            lock = by_line.get(line.id)
            own = lock.quantity if lock else 0.0
            need = self._stock_lock_need(line)
            values = figures.setdefault(
                (product.id, warehouse.id),
                {"on_hand": 0.0, "reserved": 0.0, "locked": 0.0, "locked_by": {}},
            )
            free = max(values["on_hand"] - values["reserved"] - (values["locked"] - own), 0.0)
            free = float_round(free, precision_rounding=rounding)
            if order in revoked.order_id:
                # released or expired: editing the order never takes the units again
                quantity = min(own, need)
            elif float_compare(need, free, precision_rounding=rounding) <= 0:
                quantity = need
            elif order.company_id.stock_lock_shortage_policy == "partial":
                quantity = free
            elif order.company_id.stock_lock_shortage_policy == "refuse":
                raise UserError(
                    _(
                        "%(order)s cannot be submitted. %(shortage)s",
                        order=order.name,
                        shortage=self._stock_shortage_message(product, need, free),
                    )
                )
            else:  # all or nothing for the new quantity: keep what is already locked
                quantity = min(own, need)
            values["locked"] += quantity - own
            if lock and float_compare(quantity, 0.0, precision_rounding=rounding) <= 0:
                released |= lock
            elif lock:
                if float_compare(quantity, own, precision_rounding=rounding):
                    lock.write({"quantity": quantity})
            elif float_compare(quantity, 0.0, precision_rounding=rounding) > 0:
                to_create.append(
                    {
                        "order_id": order.id,
                        "order_line_id": line.id,
                        "product_id": product.id,
                        "warehouse_id": warehouse.id,
                        "location_id": warehouse.lot_stock_id.id,
                        "company_id": order.company_id.id,
                        "user_id": (order.user_id or self.env.user).id,
                        "partner_id": order.partner_id.id,
                        "quantity": quantity,
                        "date_expiry": now + timedelta(days=order.company_id.stock_lock_days),
                    }
                )
        released._release("released", _("The ordered quantity changed."))
        if to_create:
            Lock.with_context(
                tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
            ).create(to_create)

    def _stock_lock_release(self, reason):
        locks = (
            self.env["stock.lock"]
            .sudo()
            .search([("order_id", "in", self.ids), ("state", "=", "active")])
        )
        locks._release("released", reason)

    def _stock_lock_consume(self):
        """Approval confirms the orders: their locks end as "consumed" (their deliveries reserve
        the units in the same transaction). Returns the locks."""
        locks = (
            self.env["stock.lock"]
            .sudo()
            .search([("order_id", "in", self.ids), ("state", "=", "active")])
        )
        # the reservations that follow are verified, under the guard, before commit
        locks._release("consumed")
        return locks

    def _stock_lock_revoked_orders(self):
        """The pending orders holding a lock that was released by a person or expired."""
        orders = self._origin.filtered(lambda o: o.state in ("draft", "sent"))
        if not orders:
            return self.browse()
        return (
            self.env["stock.lock"]
            .sudo()
            .search([("order_id", "in", orders.ids), ("revoked", "=", True)])
            .order_id.with_env(self.env)
        )

    @api.model
    def _stock_shortage_message(self, product, need, free):
        need_text, free_text = f"{need:g}", f"{free:g}"
        return _(
            "Not enough stock: %(product)s needs %(need)s, %(free)s available",
            product=product.display_name,
            need=need_text,
            free=free_text,
        )

    def _stock_lock_shortages(self):
        """{order.id: [message]} for quotations whose products lack free stock in their warehouse."""
        orders = self.filtered(lambda o: o.state in ("draft", "sent") and o.warehouse_id)
        lines = orders._stock_lock_lines()
        if not lines:
            return {}
        figures = (
            self.env["stock.lock"].sudo()._get_stock_figures(lines.product_id, orders.warehouse_id)
        )
        needs = {}
        for line in lines:
            key = (line.order_id, line.product_id, line.order_id.warehouse_id)
            needs[key] = needs.get(key, 0.0) + self._stock_lock_need(line)
        shortages = {}
        for order in orders._stock_lock_revoked_orders():
            shortages[order.id] = [
                _(
                    "A stock lock of %(order)s was released or expired: withdraw the order and "
                    "submit it again to lock stock.",
                    order=order.name,
                )
            ]
        for (order, product, warehouse), need in needs.items():
            free = self.env["stock.lock"]._free_quantity(figures, product, warehouse, order)
            if float_compare(need, free, precision_rounding=product.uom_id.rounding) > 0:
                shortages.setdefault(order.id, []).append(
                    self._stock_shortage_message(product, need, free)
                )
        return shortages
