from odoo import fields, models


class ProductCategory(models.Model):
    _name = "product.category"
    _inherit = ["product.category", "stock.threshold.mixin"]
    _threshold_fields = ("safety_stock_qty",)

    safety_stock_qty = fields.Float(
        string="Safety Stock",
        digits="Product Unit of Measure",
        help="Default safety stock of the category's products (库存预警 below it). 0 = no alert.",
    )
