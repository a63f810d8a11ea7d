from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    sale_review_required = fields.Boolean(
        string="Every Order Needs Review",
        help="Off: an order that triggers no approval rule and has no blocking check is approved on submit.",
    )
    sale_allow_self_approval = fields.Boolean(string="Allow Self-Approval")
    sale_min_margin = fields.Float(
        string="Minimum Margin over Cost (%)", help="Price floor = cost x (1 + this margin)."
    )
    sale_max_discount = fields.Float(string="Maximum Discount (%)", help="0 = no limit.")
    sale_max_rounding = fields.Monetary(
        string="Maximum Rounding Off (抹零)",
        currency_field="currency_id",
        help="The largest rounding off (抹零) an order may take off its total. 0 = no limit.",
    )
    sale_duplicate_days = fields.Integer(string="Duplicate Order Window (days)", default=7)
    sale_overdue_days = fields.Integer(string="Overdue Beyond (days)", default=30)
    sale_rereview_policy = fields.Selection(
        [("any", "Any change"), ("increase", "Increases only")],
        string="Re-review Approved Orders On",
        default="any",
        required=True,
    )
    sale_review_reminder_hours = fields.Integer(string="Remind Approvers After (hours)", default=24)
    sale_review_escalate = fields.Boolean(string="Escalate to the Next Level")
    sale_done_requires_sign = fields.Boolean(string="Completion Requires Sign-off", default=True)
    sale_done_requires_invoice = fields.Boolean(
        string="Completion Requires Invoicing", default=True
    )
    sale_done_requires_payment = fields.Boolean(string="Completion Requires Payment", default=True)
    sale_unsigned_days = fields.Integer(string="Unsigned Deliveries After (days)", default=3)
    sale_use_last_price = fields.Boolean(
        string="Default to the Customer's Last Price",
        help="A product chosen on an order line takes the price and discount this customer "
        "paid on his last confirmed order, instead of the pricelist's.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["sale.review.check"].sudo()._seed(companies)
        return companies

    def _sms_account_ready(self):
        """The companies of self with an SMS account (IAP) that Odoo's IAP server registered:
        delivery SMS (stock_sms) are sent only with one."""
        accounts = (
            self.env["iap.account"]
            .sudo()
            .search(
                [
                    ("service_name", "=", "sms"),
                    ("account_token", "!=", False),
                    ("state", "=", "registered"),
                    "|",
                    ("company_ids", "in", self.ids),
                    ("company_ids", "=", False),
                ]
            )
        )
        if accounts.filtered(lambda a: not a.company_ids):
            return self
        return self & accounts.company_ids
