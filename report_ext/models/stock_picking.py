from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _get_delivery_slip_lines(self):
        """Lines of the 送货单 per picking: ``{picking_id: [line dict, ...]}``.

        Quantities are the delivered (done, or picked/reserved while not done) quantities
        in the move's unit; the unit price is the sale line's discounted price with taxes.
        """
        self.move_ids.sale_line_id.fetch(["price_total", "product_uom_qty", "product_uom"])
        result = {}
        for picking in self:
            currency = picking.company_id.currency_id
            lines = []
            for move in picking.move_ids.filtered(lambda m: m.state != "cancel"):
                sale_line = move.sale_line_id
                # not price_reduce_taxinc: it is rounded to the currency
                price = (
                    sale_line.price_total / sale_line.product_uom_qty
                    if sale_line.product_uom_qty
                    else 0.0
                )
                if sale_line and sale_line.product_uom != move.product_uom:
                    price = sale_line.product_uom._compute_price(price, move.product_uom)
                lines.append(
                    {
                        "move": move,
                        "code": move.product_id.default_code or "",
                        "name": move.product_id.with_context(
                            display_default_code=False
                        ).display_name,
                        "uom": move.product_uom.name,
                        "qty_ordered": move.product_uom_qty,
                        "qty_delivered": move.quantity,
                        "price_unit": price,
                        "amount": currency.round(price * move.quantity),
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
