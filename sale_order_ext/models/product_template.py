from odoo import api, models

from .pinyin_search_mixin import pinyin_name_search


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "pinyin.search.mixin"]

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """Typed pinyin (the order line's dropdown): the exact code, the pinyin keys, then
        codes and names containing it; anything else: Odoo's search."""
        found = pinyin_name_search(
            self,
            name,
            args,
            operator,
            limit,
            [
                [("product_variant_ids.default_code", "=", name)],
                [("default_code", operator, name)],
                [("name", operator, name)],
                [("product_variant_ids.default_code", operator, name)],
            ],
        )
        if found is None:
            return super().name_search(name, args, operator, limit)
        return found
