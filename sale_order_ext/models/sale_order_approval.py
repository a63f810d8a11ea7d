from odoo import fields, models

APPROVAL_STEP_STATE = [
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]


class SaleOrderApproval(models.Model):
    """One step of an order's review: a rule's level or the override of a blocking check.

    Nobody writes these directly (read-only ACL): the order's review methods do, after their checks.
    """

    _name = "sale.order.approval"
    _description = "Sales Order Approval Step"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    name = fields.Char(string="Step", required=True)
    sequence = fields.Integer(string="Level", default=10)
    rule_id = fields.Many2one("sale.approval.rule", ondelete="set null")
    check_code = fields.Char(string="Overridden Check")
    group_id = fields.Many2one("res.groups", string="Approver Group", required=True)
    state = fields.Selection(APPROVAL_STEP_STATE, default="pending", required=True, index=True)
    user_id = fields.Many2one("res.users", string="Done By")
    date = fields.Datetime(string="Done On")
    reason = fields.Text()
    date_pending = fields.Datetime(
        string="Waiting Since",
        help="When the step became the one to act on (reminders count from it).",
    )
    date_reminded = fields.Datetime(string="Last Reminder")
