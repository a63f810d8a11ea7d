from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    stock_lock_trigger = fields.Selection(
        [("submit", "When submitted for review"), ("approve", "When approved")],
        string="Lock Stock",
        default="submit",
        required=True,
    )
    stock_lock_days = fields.Integer(string="Lock Days", default=7)
    stock_lock_shortage_policy = fields.Selection(
        [
            ("review", "Lock nothing, the stock check fails"),
            ("partial", "Lock what is available, the stock check fails"),
            ("refuse", "Refuse the submission"),
        ],
        string="When Stock Is Short",
        default="review",
        required=True,
    )
    stock_lock_warn_hours = fields.Integer(
        string="Warn Before Expiry (hours)",
        default=24,
        help="The salesperson gets a to-do this long before a lock expires. 0 = no warning.",
    )
    stock_alert_group_id = fields.Many2one(
        "res.groups",
        string="Buyers",
        default=lambda self: self.env.ref("stock.group_stock_manager", raise_if_not_found=False),
        help="Low-stock alerts of products without a responsible go to the users of this group.",
    )

    @api.constrains("stock_lock_days", "stock_lock_warn_hours")
    def _check_stock_lock_days(self):
        for company in self:
            if company.stock_lock_days <= 0:
                raise ValidationError(_("Stock locks must last at least one day."))
            if company.stock_lock_warn_hours < 0:
                raise ValidationError(_("The expiry warning cannot be negative."))
