from odoo import _, models
from odoo.exceptions import UserError

# flow states (sale_order_ext.SALE_FLOW_STATE) on which the 销售单 may be printed
SALE_SLIP_PRINTABLE_STATES = ("approved", "shipped", "done")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _check_sale_slip_printable(self):
        """Refuse to print the 销售单 of orders that are not approved yet (server side)."""
        refused = self.filtered(lambda o: o.flow_state not in SALE_SLIP_PRINTABLE_STATES)
        if refused:
            raise UserError(
                _(
                    "The sales slip can only be printed once the order is approved. "
                    "Not approved yet: %(orders)s.",
                    orders=", ".join(refused.mapped("display_name")),
                )
            )
