from odoo import models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _synchronize_quant(
        self, quantity, location, action="available", in_date=False, **quants_value
    ):
        res = super()._synchronize_quant(
            quantity, location, action=action, in_date=in_date, **quants_value
        )
        # An inventory adjustment or a scrap by a warehouse user records what is physically
        # there: the check shrinks locks by it instead of refusing it.
        if (
            action == "available"
            and quantity < 0
            and location == self.location_id
            and self.product_id.is_storable
            and (self.location_dest_id.usage == "inventory" or self.location_dest_id.scrap_location)
            and self.env.user.has_group("stock.group_stock_user")
        ):
            self.env["stock.lock"]._note_stock_change(
                self.product_id.id, location.id, loss=-quantity
            )
        return res
