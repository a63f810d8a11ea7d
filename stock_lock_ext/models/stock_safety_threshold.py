from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class StockSafetyThreshold(models.Model):
    """A product's safety stock in one warehouse, overriding the product's and category's."""

    _name = "stock.safety.threshold"
    _inherit = ["stock.threshold.mixin"]
    _description = "Safety Stock per Warehouse"
    _order = "product_id, warehouse_id"
    _threshold_fields = ("min_qty", "max_qty")

    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("is_storable", "=", True)],
    )
    warehouse_id = fields.Many2one("stock.warehouse", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="warehouse_id.company_id", store=True)
    min_qty = fields.Float(string="Safety Stock", digits="Product Unit of Measure")
    max_qty = fields.Float(string="Maximum Stock", digits="Product Unit of Measure")

    _sql_constraints = [
        (
            "product_warehouse_uniq",
            "unique(product_id, warehouse_id)",
            "A product has one safety stock per warehouse.",
        ),
    ]

    @api.constrains("min_qty", "max_qty")
    def _check_quantities(self):
        for threshold in self:
            if threshold.max_qty and threshold.max_qty < threshold.min_qty:
                raise ValidationError(
                    _(
                        "%(product)s: the maximum stock must not be below the safety stock.",
                        product=threshold.product_id.display_name,
                    )
                )
