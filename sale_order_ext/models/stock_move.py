from odoo import _, models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        # the delivery gate: goods leave for the customer only under an approval of the
        # order's current terms (every way a move is done ends here)
        self._sale_orders_delivered()._check_terms_approved(_("delivered"))
        return super()._action_done(cancel_backorder=cancel_backorder)

    def _sale_orders_delivered(self):
        """The confirmed orders whose goods these moves take to the customer."""
        moves = self.filtered(
            lambda m: (
                m.state not in ("done", "cancel")
                and m.location_dest_id.usage == "customer"
                and m.location_id.usage != "customer"
            )
        )
        orders = (moves.sale_line_id.order_id | moves.group_id.sale_id).sudo()
        return orders.filtered(lambda o: o.state == "sale")
