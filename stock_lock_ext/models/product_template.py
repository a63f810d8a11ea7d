from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "stock.threshold.mixin"]
    _threshold_fields = ("safety_stock_qty", "max_stock_qty")

    safety_stock_qty = fields.Float(
        string="Safety Stock",
        digits="Product Unit of Measure",
        help="库存预警 when the available quantity in a warehouse falls below this. "
        "0 = use the category's safety stock.",
    )
    max_stock_qty = fields.Float(
        string="Maximum Stock",
        digits="Product Unit of Measure",
        help="Optional: alerts suggest buying up to this quantity. 0 = up to the safety stock.",
    )

    stock_locked_qty = fields.Float(
        string="Locked",
        compute="_compute_stock_locked_qty",
        digits="Product Unit of Measure",
        help="Units locked by submitted sales orders.",
    )

    def _compute_stock_locked_qty(self):
        locked = dict(
            self.env["stock.lock"]
            .sudo()
            ._read_group(
                [("state", "=", "active"), ("product_id.product_tmpl_id", "in", self.ids)],
                ["product_id"],
                ["quantity:sum"],
            )
        )
        for template in self:
            template.stock_locked_qty = sum(
                qty for product, qty in locked.items() if product.product_tmpl_id == template
            )

    @api.constrains("safety_stock_qty", "max_stock_qty")
    def _check_stock_thresholds(self):
        for template in self:
            if template.max_stock_qty and template.max_stock_qty < template.safety_stock_qty:
                raise ValidationError(
                    _(
                        "%(product)s: the maximum stock must not be below the safety stock.",
                        product=template.display_name,
                    )
                )

    def action_view_stock_locks(self):
        return self.product_variant_ids.action_view_stock_locks()
