from odoo import fields, models

CUSTOMER_GRADE = [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")]


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "pinyin.search.mixin"]

    customer_grade = fields.Selection(
        CUSTOMER_GRADE, string="Customer Grade", help="Used by approval rules and sales analysis."
    )
