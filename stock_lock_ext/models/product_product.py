from odoo import api, fields, models
from odoo.tools import float_round


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

    def _compute_quantities_dict(
        self, lot_id, owner_id, package_id, from_date=False, to_date=False
    ):
        """Odoo's own figures see the locks: units locked in the context's locations are neither
        free (free_qty: product form, order line widget) nor forecast (virtual_available)."""
        res = super()._compute_quantities_dict(
            lot_id, owner_id, package_id, from_date=from_date, to_date=to_date
        )
        to_date = fields.Datetime.to_datetime(to_date)
        if (
            lot_id is not None
            or owner_id is not None
            or package_id is not None
            or (to_date and to_date < fields.Datetime.now())
        ):
            return res  # locks are on no lot, owner or package, and not in the past
        locked = self._stock_locked_in_context()
        for product in self:
            quantity = locked.get(product._origin.id)
            values = res.get(product.id)
            if quantity and values:
                rounding = product.uom_id.rounding
                values["free_qty"] = float_round(
                    values["free_qty"] - quantity, precision_rounding=rounding
                )
                values["virtual_available"] = float_round(
                    values["virtual_available"] - quantity, precision_rounding=rounding
                )
        return res

    def _stock_locked_in_context(self):
        """{product id: units locked in the locations of the context (warehouse, location)}"""
        ids = [i for i in self._origin.ids if i]
        if not ids:
            return {}
        domain_quant_loc = self._get_domain_locations()[0]
        return {
            product.id: quantity
            for product, quantity in self.env["stock.lock"]
            .sudo()
            ._read_group(
                [("state", "=", "active"), ("product_id", "in", ids), *domain_quant_loc],
                ["product_id"],
                ["quantity:sum"],
            )
        }

    def action_view_stock_locks(self):
        """谁锁定了库存: the active locks on these products."""
        action = self.env["ir.actions.act_window"]._for_xml_id("stock_lock_ext.action_stock_lock")
        action["domain"] = [("product_id", "in", self.ids)]
        action["context"] = {"search_default_active": 1}
        return action
