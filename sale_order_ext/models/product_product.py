from odoo import api, models
from odoo.osv import expression

from .pinyin_search_mixin import pinyin_search_domain


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model
    def _search_display_name(self, operator, value):
        domain = super()._search_display_name(operator, value)
        pinyin_domain = pinyin_search_domain(operator, value)
        if pinyin_domain:
            domain = expression.OR([domain, pinyin_domain])
        return domain

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """Odoo's search by code, barcode and name (each step indexed: the codes have a trigram
        index too), then the template's pinyin keys for the rest of the page (``zxb`` → 中性笔)."""
        found = super().name_search(name, args, operator, limit)
        pinyin_domain = pinyin_search_domain(operator, name)
        rest = limit - len(found) if limit else None
        if not pinyin_domain or (rest is not None and rest <= 0):
            return found
        products = self.search_fetch(
            expression.AND(
                [args or [], [("id", "not in", [pid for pid, __ in found])], pinyin_domain]
            ),
            ["display_name"],
            limit=rest,
        )
        return found + [(product.id, product.display_name) for product in products.sudo()]
