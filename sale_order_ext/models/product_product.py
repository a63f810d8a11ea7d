from odoo import api, models
from odoo.osv import expression

from .pinyin_search_mixin import ensure_trigram_index, pinyin_name_search, pinyin_search_domain


class ProductProduct(models.Model):
    _inherit = "product.product"

    def init(self):
        res = super().init()
        ensure_trigram_index(self, "default_code")
        return res

    @api.model
    def _search_display_name(self, operator, value):
        domain = super()._search_display_name(operator, value)
        pinyin_domain = pinyin_search_domain(operator, value)
        if pinyin_domain:
            domain = expression.OR([domain, pinyin_domain])
        return domain

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """Typed pinyin: the exact code or barcode, the template's pinyin keys, then codes and
        names containing it (``zxb`` → 中性笔); anything else: Odoo's search."""
        found = pinyin_name_search(
            self,
            name,
            args,
            operator,
            limit,
            [
                ["|", ("default_code", "=", name), ("barcode", "=", name)],
                [("default_code", operator, name)],
                [("name", operator, name)],
            ],
        )
        if found is None:
            return super().name_search(name, args, operator, limit)
        return found
