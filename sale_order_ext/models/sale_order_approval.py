from odoo import _, api, fields, models

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
    # the text when the step was routed, and when it was done (approve / reject / cancel)
    name = fields.Char(string="Step", required=True)
    # what the step is about now: a pending override says what the check finds today
    current_name = fields.Char(string="Step Now", compute="_compute_current_name")
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

    # ------------------------------------------------------------------ computes
    @api.depends("name", "state", "check_code")
    def _compute_current_name(self):
        pending = self.filtered(lambda a: a.state == "pending" and a.check_code)
        results = pending.order_id.sudo()._get_review_results() if pending else {}
        for step in self:
            step.current_name = step.name
            if step not in pending:
                continue
            check = next(
                (c for c in results.get(step.order_id.id, []) if c["code"] == step.check_code),
                None,
            )
            if check is None:
                continue  # the check was switched off since
            if check["severity"] == "blocking":
                step.current_name = _("Override: %(message)s", message=check["message"])
            else:
                step.current_name = _(
                    "Override no longer needed: %(message)s", message=check["message"]
                )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        approvals = super().create(vals_list)
        approvals._notify_review_changed()
        return approvals

    def write(self, vals):
        if vals.get("state") in ("approved", "rejected") and "name" not in vals:
            # keep what was decided on: the pending text with the figures of that moment
            for step in self.filtered(lambda a: a.state == "pending" and a.check_code):
                if step.current_name != step.name:
                    super(SaleOrderApproval, step).write({"name": step.current_name})
        res = super().write(vals)
        if "state" in vals or "date_pending" in vals:
            # a step done or cancelled, or the next level becoming current
            self._notify_review_changed()
        return res

    # ------------------------------------------------------------------ business methods
    def _notify_review_changed(self):
        """Tell the steps' approver groups that their 待我审核 count changed: their open web
        clients count again at once (bus, sent when the transaction commits). Only when one of
        them is online: a bus notice costs a database connection at commit."""
        groups = self.group_id
        if not groups:
            return
        online = (
            self.env["bus.presence"]
            .sudo()
            .search_count(
                [("user_id.groups_id", "in", groups.ids), ("status", "!=", "offline")], limit=1
            )
        )
        if online:
            groups._bus_send("sale_order_ext.review_changed", {})
