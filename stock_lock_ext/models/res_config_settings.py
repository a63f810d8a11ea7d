from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    stock_lock_trigger = fields.Selection(related="company_id.stock_lock_trigger", readonly=False)
    stock_lock_days = fields.Integer(related="company_id.stock_lock_days", readonly=False)
    stock_lock_shortage_policy = fields.Selection(
        related="company_id.stock_lock_shortage_policy", readonly=False
    )
    stock_lock_warn_hours = fields.Integer(
        related="company_id.stock_lock_warn_hours", readonly=False
    )
    stock_alert_group_id = fields.Many2one(
        related="company_id.stock_alert_group_id", readonly=False
    )
