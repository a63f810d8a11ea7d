from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sale_review_required = fields.Boolean(related="company_id.sale_review_required", readonly=False)
    sale_allow_self_approval = fields.Boolean(
        related="company_id.sale_allow_self_approval", readonly=False
    )
    sale_min_margin = fields.Float(related="company_id.sale_min_margin", readonly=False)
    sale_max_discount = fields.Float(related="company_id.sale_max_discount", readonly=False)
    sale_max_rounding = fields.Monetary(related="company_id.sale_max_rounding", readonly=False)
    sale_duplicate_days = fields.Integer(related="company_id.sale_duplicate_days", readonly=False)
    sale_overdue_days = fields.Integer(related="company_id.sale_overdue_days", readonly=False)
    sale_rereview_policy = fields.Selection(
        related="company_id.sale_rereview_policy", readonly=False
    )
    sale_review_reminder_hours = fields.Integer(
        related="company_id.sale_review_reminder_hours", readonly=False
    )
    sale_review_escalate = fields.Boolean(related="company_id.sale_review_escalate", readonly=False)
    sale_done_requires_sign = fields.Boolean(
        related="company_id.sale_done_requires_sign", readonly=False
    )
    sale_done_requires_invoice = fields.Boolean(
        related="company_id.sale_done_requires_invoice", readonly=False
    )
    sale_done_requires_payment = fields.Boolean(
        related="company_id.sale_done_requires_payment", readonly=False
    )
    sale_unsigned_days = fields.Integer(related="company_id.sale_unsigned_days", readonly=False)
    sale_use_last_price = fields.Boolean(related="company_id.sale_use_last_price", readonly=False)
