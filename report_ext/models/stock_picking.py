from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _get_delivery_slip_lines(self):
        """Lines of the 送货单 per picking: ``{picking_id: [line dict, ...]}``.

        Quantities are the delivered (done, or picked/reserved while not done) quantities
        in the move's unit; the unit price is the sale line's discounted price with taxes.
        """
        self.move_ids.sale_line_id.fetch(["price_reduce_taxinc", "product_uom"])
        result = {}
        for picking in self:
            lines = []
            for move in picking.move_ids.filtered(lambda m: m.state != "cancel"):
                price = move.sale_line_id.price_reduce_taxinc if move.sale_line_id else 0.0
                if move.sale_line_id and move.sale_line_id.product_uom != move.product_uom:
                    price = move.sale_line_id.product_uom._compute_price(price, move.product_uom)
                lines.append(
                    {
                        "move": move,
                        "code": move.product_id.default_code or "",
                        "name": move.product_id.display_name,
                        "uom": move.product_uom.name,
                        "qty_ordered": move.product_uom_qty,
                        "qty_delivered": move.quantity,
                        "price_unit": price,
                        "amount": price * move.quantity,
                    }
                )
            result[picking.id] = lines
        return result

    def _get_delivery_slip_carrier(self):
        """(carrier name, tracking number): the fields exist only with stock_delivery."""
        self.ensure_one()
        carrier = self["carrier_id"].name if "carrier_id" in self._fields else ""
        tracking = self["carrier_tracking_ref"] if "carrier_tracking_ref" in self._fields else ""
        return carrier or "", tracking or ""
