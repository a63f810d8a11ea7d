from odoo import api, fields, models

from .product_template import check_threshold_vals


class ProductCategory(models.Model):
    _inherit = "product.category"

    safety_stock_qty = fields.Float(
        string="Safety Stock",
        digits="Product Unit of Measure",
        help="Default safety stock of the category's products (库存预警 below it). 0 = no alert.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_threshold_vals(self.env, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_threshold_vals(self.env, vals)
        return super().write(vals)
