from odoo import _, models
from odoo.exceptions import AccessError

# which order a move serves: set by the order's procurement, never re-pointed by a client
ORDER_LINK_FIELDS = ("sale_line_id", "group_id")


class StockMove(models.Model):
    _inherit = "stock.move"

    def write(self, vals):
        if not self.env.su:
            _check_order_link(self, vals, ORDER_LINK_FIELDS)
        return super().write(vals)

    def _action_done(self, cancel_backorder=False):
        # the delivery gate: goods leave for the customer only under an approval of the
        # order's current terms (every way a move is done ends here)
        self._sale_orders_delivered()._check_terms_approved(_("delivered"))
        return super()._action_done(cancel_backorder=cancel_backorder)

    def _sale_orders_delivered(self):
        """The confirmed orders whose goods these moves take to the customer."""
        # the links are read as superuser: the user validating may not read the order (a
        # salesperson validating another's delivery, as in core), the gate applies anyway
        moves = self.sudo().filtered(
            lambda m: (
                m.state not in ("done", "cancel")
                and m.location_dest_id.usage == "customer"
                and m.location_id.usage != "customer"
            )
        )
        orders = moves.sale_line_id.order_id | moves.group_id.sale_id
        return orders.filtered(lambda o: o.state == "sale")


def _check_order_link(records, vals, names):
    """Refuse re-pointing a set link to an order (moving a delivery out of the order's gates)."""
    for name in names:
        if name in vals and any(r[name] and r[name].id != vals[name] for r in records):
            raise AccessError(
                records.env._(
                    "%(field)s of %(model)s is set by the sales order's procurement: it can't be changed.",
                    field=records._fields[name]._description_string(records.env),
                    model=records._description,
                )
            )
