from odoo import models

from .stock_move import _check_order_link


class ProcurementGroup(models.Model):
    _inherit = "procurement.group"

    def write(self, vals):
        # a delivery's order (stock.picking.sale_id writes here) stays the order it was made for
        if not self.env.su:
            _check_order_link(self, vals, ("sale_id",))
        return super().write(vals)
