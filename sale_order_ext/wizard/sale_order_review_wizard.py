from odoo import fields, models


class SaleOrderReviewWizard(models.TransientModel):
    """Asks the reason of a rejection or of overriding blocking checks; the order's methods decide."""

    _name = "sale.order.review.wizard"
    _description = "Approve or Reject a Sales Order"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    action = fields.Selection(
        [("approve", "Approve"), ("reject", "Reject")], required=True, readonly=True
    )
    review_check_html = fields.Html(related="order_id.review_check_html")
    # the terms the approver is shown: an approval of terms changed since is refused
    review_fingerprint = fields.Char(readonly=True)
    reason = fields.Text(required=True)

    def action_done(self):
        self.ensure_one()
        order = self.order_id.with_context(review_fingerprint=self.review_fingerprint)
        if self.action == "approve":
            order.action_approve_with_reason(self.reason)
        else:
            order.action_reject_with_reason(self.reason)
        return {"type": "ir.actions.act_window_close"}
