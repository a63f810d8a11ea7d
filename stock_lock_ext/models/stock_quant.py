from odoo import api, models


class StockQuant(models.Model):
    _inherit = "stock.quant"

    # Every path that reserves or consumes stock ends up writing quants: note what changed, so
    # stock.lock._check_stock_locks verifies the transaction once, before it commits.

    @api.model_create_multi
    def create(self, vals_list):
        changes = [
            (
                vals["product_id"],
                vals["location_id"],
                vals.get("quantity"),
                vals.get("reserved_quantity"),
            )
            for vals in vals_list
            if (vals.get("quantity") or vals.get("reserved_quantity"))
            and vals.get("product_id")
            and vals.get("location_id")
        ]
        quants = super().create(vals_list)
        Lock = self.env["stock.lock"]
        for product_id, location_id, quantity, reserved in changes:
            Lock._note_stock_change(
                product_id, location_id, quantity=quantity or 0.0, reserved=reserved or 0.0
            )
        return quants

    def write(self, vals):
        changes = []
        if "quantity" in vals or "reserved_quantity" in vals:
            for quant in self:
                changes.append(
                    (
                        quant.product_id.id,
                        quant.location_id.id,
                        vals["quantity"] - quant.quantity if "quantity" in vals else 0.0,
                        vals["reserved_quantity"] - quant.reserved_quantity
                        if "reserved_quantity" in vals
                        else 0.0,
                    )
                )
        res = super().write(vals)
        Lock = self.env["stock.lock"]
        for product_id, location_id, quantity, reserved in changes:
            Lock._note_stock_change(product_id, location_id, quantity=quantity, reserved=reserved)
        return res

    def unlink(self):
        self.env["stock.lock"]._note_deleted_rows("q", self.ids)
        return super().unlink()
