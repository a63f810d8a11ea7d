from odoo import api, fields, models


class ProductProduct(models.Model):
    _name = "product.product"
    _inherit = ["product.product", "stock.threshold.mixin"]
    # the template's thresholds, written through the variant (checked before the ORM converts them)
    _threshold_fields = ("safety_stock_qty", "max_stock_qty")

    stock_locked_qty = fields.Float(
        string="Locked",
        compute="_compute_stock_locked_qty",
        digits="Product Unit of Measure",
        help="Units locked by submitted sales orders (in the warehouse of the context, if any).",
    )

    @api.depends_context("warehouse_id")
    def _compute_stock_locked_qty(self):
        domain = [("state", "=", "active"), ("product_id", "in", self.ids)]
        warehouse = self.env.context.get("warehouse_id")
        if isinstance(warehouse, int):
            domain.append(("warehouse_id", "=", warehouse))
        locked = dict(
            self.env["stock.lock"].sudo()._read_group(domain, ["product_id"], ["quantity:sum"])
        )
        for product in self:
            product.stock_locked_qty = locked.get(product, 0.0)

    def action_view_stock_locks(self):
        """谁锁定了库存: the active locks on these products."""
        action = self.env["ir.actions.act_window"]._for_xml_id("stock_lock_ext.action_stock_lock")
        action["domain"] = [("product_id", "in", self.ids)]
        action["context"] = {"search_default_active": 1}
        return action
