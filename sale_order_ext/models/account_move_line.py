from odoo import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # carried from the order line: its share of the order discount (整单折扣), applied after
    # the line's own discount (not rounded, like on the order line)
    sale_order_discount = fields.Float(string="Order Discount (%)", readonly=True)
    sale_rounding_order_id = fields.Many2one(
        "sale.order",
        string="Rounding Off of",
        readonly=True,
        index="btree_not_null",
        help="The line is the rounding off (抹零) of this order.",
    )

    @api.depends("sale_order_discount")
    def _compute_totals(self):
        return super()._compute_totals()
