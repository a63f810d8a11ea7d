from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

# The 进销存 lifecycle shown to users; Odoo's own `state` keeps its meaning
# (approved / shipped / done orders are `state == "sale"`).
SALE_FLOW_STATE = [
    ("draft", "Draft"),
    ("to_review", "Pending Review"),
    ("approved", "Approved"),
    ("shipped", "Shipped"),
    ("done", "Completed"),
    ("rejected", "Rejected"),
    ("cancel", "Cancelled"),
]
APPROVAL_STATE = [
    ("draft", "Not Submitted"),
    ("to_review", "Pending Review"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]
REVIEW_SEVERITY = [("pass", "Pass"), ("warning", "Warning"), ("blocking", "Blocking")]
# Written only by the review methods. They mark their writes with this object in the
# context: JSON-RPC can't carry a Python object, so no caller can forge it.
APPROVAL_FIELDS = frozenset({"approval_state", "approved_by_id", "approved_date"})
_APPROVAL_TOKEN = object()
# Changing these on an approved order sends it back to review
REVIEWED_ORDER_FIELDS = frozenset({"partner_id", "partner_shipping_id", "pricelist_id"})


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------ fields
    approval_state = fields.Selection(
        APPROVAL_STATE,
        string="Review Status",
        default="draft",
        required=True,
        copy=False,
        readonly=True,
        index=True,
    )
    flow_state = fields.Selection(
        SALE_FLOW_STATE,
        string="Flow Status",
        compute="_compute_flow_state",
        store=True,
        index=True,
        tracking=True,
    )
    approval_ids = fields.One2many(
        "sale.order.approval", "order_id", string="Approvals", copy=False, readonly=True
    )
    approved_by_id = fields.Many2one("res.users", string="Approved By", copy=False, readonly=True)
    approved_date = fields.Datetime(string="Approved On", copy=False, readonly=True)
    review_check_html = fields.Html(
        string="Review Checklist", compute="_compute_review_checks", sanitize=False
    )
    review_has_blocking = fields.Boolean(compute="_compute_review_checks")
    review_has_warning = fields.Boolean(compute="_compute_review_checks")
    pending_approval_group_ids = fields.Many2many(
        "res.groups", string="Waiting For", compute="_compute_pending_approval"
    )
    can_approve = fields.Boolean(
        string="I Can Approve", compute="_compute_pending_approval", search="_search_can_approve"
    )
    is_signed = fields.Boolean(
        string="Signed For",
        compute="_compute_is_signed",
        store=True,
        help="Every done delivery of the order has been signed for by the customer.",
    )

    # ------------------------------------------------------------------ computes
    @api.depends(
        "state",
        "approval_state",
        "delivery_status",
        "is_signed",
        "invoice_status",
        "order_line.invoice_lines.move_id.payment_state",
        "company_id.sale_done_requires_sign",
        "company_id.sale_done_requires_invoice",
        "company_id.sale_done_requires_payment",
    )
    def _compute_flow_state(self):
        for order in self:
            if order.state == "cancel":
                order.flow_state = "cancel"
            elif order.approval_state in ("to_review", "rejected"):
                order.flow_state = order.approval_state
            elif order.state != "sale":
                order.flow_state = "draft"
            elif order._is_completed():
                order.flow_state = "done"
            elif order.delivery_status == "full":
                order.flow_state = "shipped"
            else:
                order.flow_state = "approved"

    def _is_completed(self):
        """已完成: delivered, signed for, invoiced and paid, each part a company setting."""
        self.ensure_one()
        company = self.company_id
        invoices = self.invoice_ids.filtered(lambda m: m.state == "posted")
        return (
            self.delivery_status == "full"
            and (self.is_signed or not company.sale_done_requires_sign)
            and (self.invoice_status == "invoiced" or not company.sale_done_requires_invoice)
            and (
                not company.sale_done_requires_payment
                or (
                    invoices
                    and all(m.payment_state in ("paid", "in_payment", "reversed") for m in invoices)
                )
            )
        )

    @api.depends("picking_ids.state", "picking_ids.signed_on")
    def _compute_is_signed(self):
        for order in self:
            done = order.picking_ids.filtered(
                lambda p: p.state == "done" and p.picking_type_code == "outgoing"
            )
            order.is_signed = bool(done) and all(done.mapped("signed_on"))

    @api.depends_context("uid")
    @api.depends("approval_ids.state")
    def _compute_pending_approval(self):
        user_groups = self.env.user.groups_id
        for order in self:
            current = order._current_approvals()
            order.pending_approval_group_ids = current.group_id
            order.can_approve = bool(current.group_id & user_groups)

    def _search_can_approve(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'I Can Approve'."))
        approvals = (
            self.env["sale.order.approval"]
            .sudo()
            ._read_group([("state", "=", "pending")], ["order_id"], ["sequence:min"])
        )
        current = (
            self.env["sale.order.approval"]
            .sudo()
            .search(
                [
                    ("state", "=", "pending"),
                    ("group_id", "in", self.env.user.groups_id.ids),
                    ("order_id", "in", [order.id for order, __ in approvals]),
                ]
            )
        )
        level = {order.id: seq for order, seq in approvals}
        ids = [a.order_id.id for a in current if a.sequence == level[a.order_id.id]]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    def _compute_review_checks(self):
        results = self._get_review_results()
        for order in self:
            checks = results.get(order.id, [])
            order.review_has_blocking = any(c["severity"] == "blocking" for c in checks)
            order.review_has_warning = any(c["severity"] == "warning" for c in checks)
            order.review_check_html = self._render_review_checks(checks)

    @api.model
    def _render_review_checks(self, checks):
        icons = {
            "pass": ("fa-check-circle text-success", _("Pass")),
            "warning": ("fa-exclamation-triangle text-warning", _("Warning")),
            "blocking": ("fa-times-circle text-danger", _("Blocking")),
        }
        rows = Markup("").join(
            Markup('<tr><td><i class="fa %s" title="%s"/> %s</td><td>%s</td><td>%s</td></tr>')
            % (
                icons[c["severity"]][0],
                icons[c["severity"]][1],
                icons[c["severity"]][1],
                c.get("label", ""),
                c["message"],
            )
            for c in checks
        )
        return Markup(
            '<table class="table table-sm o_sale_review_checks"><thead><tr>'
            "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>%s</tbody></table>"
        ) % (_("Result"), _("Check"), _("Details"), rows)

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_approval_write(vals)
            if vals.get("state") == "sale":
                raise UserError(
                    _(
                        "A sales order is confirmed by its approval: create it as a quotation and submit it for review."
                    )
                )
        return super().create(vals_list)

    def write(self, vals):
        self._check_approval_write(vals)
        if vals.get("state") == "sale" and any(o.approval_state != "approved" for o in self):
            raise UserError(
                _("Only approved orders can be confirmed. Submit the order for review first.")
            )
        reopen = REVIEWED_ORDER_FIELDS & vals.keys() and self.filtered(
            lambda o: o.approval_state == "approved" and o.state != "cancel"
        )
        if reopen:
            changed = REVIEWED_ORDER_FIELDS & vals.keys()
            reopen = reopen.filtered(lambda o: any(o[f].id != vals[f] for f in changed))
        res = super().write(vals)
        if reopen:
            reopen._action_back_to_review()
        return res

    def _check_approval_write(self, vals):
        if (
            APPROVAL_FIELDS & vals.keys()
            and self.env.context.get("sale_order_ext_review") is not _APPROVAL_TOKEN
        ):
            raise AccessError(
                _("The review status of an order only changes through submit, approve and reject.")
            )

    def _write_review(self, vals):
        return self.with_context(sale_order_ext_review=_APPROVAL_TOKEN).write(vals)

    # ------------------------------------------------------------------ actions
    def action_submit_review(self):
        """提交审核: check the order, lock what other addons lock, route it to its approvers."""
        self.check_access("write")
        for order in self:
            if order.state not in ("draft", "sent") or order.approval_state not in (
                "draft",
                "rejected",
            ):
                raise UserError(
                    _(
                        "%(order)s cannot be submitted: it is already %(status)s.",
                        order=order.name,
                        status=order._flow_state_label(),
                    )
                )
            if not order.order_line.filtered(lambda line: not line.display_type):
                raise UserError(_("%(order)s has no lines to review.", order=order.name))
            # core's own checks (lines without product, ...) before anyone reviews it
            message = super(SaleOrder, order)._confirmation_error_message()
            if message:
                raise UserError(message)
        self._write_review({"approval_state": "to_review"})
        self._action_submit_review()
        self._route_for_review()
        return True

    def _action_submit_review(self):
        """Hook: the orders were just set to 待审核, before approvals are routed
        (stock_lock_ext locks stock here). Extend with super()."""

    def _route_for_review(self):
        """Create the approval steps of each submitted order, or approve it when nothing needs review."""
        results = self._get_review_results()
        rules = (
            self.env["sale.approval.rule"]
            .sudo()
            .search([("company_id", "in", self.company_id.ids)])
        )
        has_blocking = any(
            c["severity"] == "blocking" for checks in results.values() for c in checks
        )
        check_configs = (
            self.env["sale.review.check"].sudo()._get_configs(self.company_id)
            if has_blocking
            else {}
        )
        approver_group = self.env["res.groups"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id("sale_order_ext.group_sale_approver")
        )
        approvals, auto = [], self.browse()
        for order in self:
            checks = results.get(order.id, [])
            steps = []
            for check in checks:
                if check["severity"] == "blocking":
                    config = check_configs.get((order.company_id.id, check["code"]))
                    steps.append(
                        {
                            "sequence": 0,
                            "check_code": check["code"],
                            "name": _("Override: %(message)s", message=check["message"]),
                            "group_id": (config and config.override_group_id.id)
                            or approver_group.id,
                        }
                    )
            for rule in rules.filtered(lambda r, o=order: r.company_id == o.company_id):
                if rule._matches(order, checks):
                    steps.append(
                        {
                            "sequence": rule.sequence,
                            "rule_id": rule.id,
                            "name": rule.name,
                            "group_id": rule.group_id.id,
                        }
                    )
            if not steps and order.company_id.sale_review_required:
                steps.append(
                    {"sequence": 10, "name": _("Sales review"), "group_id": approver_group.id}
                )
            if steps:
                approvals += [dict(step, order_id=order.id, state="pending") for step in steps]
            else:
                auto |= order
        if approvals:
            self.env["sale.order.approval"].sudo().create(approvals)
            (self - auto)._notify_next_approvers()
        if auto:
            # no chat message here (queries on the hot path): the tracked flow state says it
            auto._set_approved(approver=False)

    def action_approve(self):
        """审核通过 (button). Overriding a blocking check needs a reason: open the wizard."""
        self.ensure_one()
        current = self._check_can_review()  # refuse now, not in the wizard
        if current.filtered("check_code"):
            return self._open_review_wizard("approve")
        self._approve_current_level()
        return True

    def action_reject(self):
        """驳回 (button): the reason is asked in the wizard."""
        self.ensure_one()
        self._check_can_review()
        return self._open_review_wizard("reject")

    def action_approve_with_reason(self, reason):
        self.ensure_one()
        self._approve_current_level(reason=reason)
        return True

    def action_reject_with_reason(self, reason):
        self.ensure_one()
        if not (reason or "").strip():
            raise UserError(_("Give the reason for rejecting %(order)s.", order=self.name))
        current = self._check_can_review()
        self.env["sale.order.approval"].sudo().search(
            [("order_id", "=", self.id), ("state", "=", "pending")]
        ).write({"state": "cancelled"})
        current.sudo().write(
            {
                "state": "rejected",
                "user_id": self.env.uid,
                "date": fields.Datetime.now(),
                "reason": reason,
            }
        )
        self._write_review({"approval_state": "rejected"})
        self._action_reject(reason)
        self._notify_salesperson(
            _(
                "%(order)s was rejected by %(user)s: %(reason)s",
                order=self.name,
                user=self.env.user.name,
                reason=reason,
            )
        )
        return True

    def _action_reject(self, reason):
        """Hook: the orders were rejected (stock_lock_ext releases their locks). Extend with super()."""

    def _action_back_to_review(self):
        """An approved order was changed: it needs a new review (checklist recomputed)."""
        self.env["sale.order.approval"].sudo().search(
            [("order_id", "in", self.ids), ("state", "=", "pending")]
        ).write({"state": "cancelled"})
        self._write_review(
            {"approval_state": "to_review", "approved_by_id": False, "approved_date": False}
        )
        body = _("The approved order was changed: it goes back to review.")
        self._message_log_batch(bodies=dict.fromkeys(self.ids, body))
        self._route_for_review()

    def _open_review_wizard(self, action):
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order.review.wizard",
            "view_mode": "form",
            "target": "new",
            "name": _("Approve") if action == "approve" else _("Reject"),
            "context": {"default_order_id": self.id, "default_action": action},
        }

    # ------------------------------------------------------------------ business methods
    def _flow_state_label(self):
        return dict(self._fields["flow_state"]._description_selection(self.env)).get(
            self.flow_state
        )

    def _confirmation_error_message(self):
        message = super()._confirmation_error_message()
        if not message and self.approval_state != "approved":
            message = _(
                "%(order)s is not approved: submit it for review (提交审核); it is confirmed when approved.",
                order=self.name,
            )
        return message

    def action_confirm(self):
        # Customer-side confirmations (portal signature, online payment) run as superuser: they
        # submit the order for review instead of confirming it.
        if self.env.su:
            waiting = self.filtered(lambda o: o.approval_state != "approved")
            to_submit = waiting.filtered(lambda o: o.approval_state in ("draft", "rejected"))
            if to_submit:
                to_submit.action_submit_review()  # confirms those approved right away
            self -= waiting
            if not self:
                return True
        return super().action_confirm()

    def _current_approvals(self):
        """The pending approval steps of the lowest level (the ones that can act now)."""
        self.ensure_one()
        pending = self.approval_ids.filtered(lambda a: a.state == "pending")
        if not pending:
            return pending
        level = min(pending.mapped("sequence"))
        return pending.filtered(lambda a: a.sequence == level)

    def _check_can_review(self):
        """The current steps the user may act on; raises when they may not."""
        self.ensure_one()
        self.check_access("write")
        if self.approval_state != "to_review":
            raise UserError(
                _(
                    "%(order)s is not waiting for review (it is %(status)s).",
                    order=self.name,
                    status=self._flow_state_label(),
                )
            )
        current = self._current_approvals()
        mine = (
            current
            if self.env.su
            else current.filtered(lambda a: a.group_id in self.env.user.groups_id)
        )
        if not mine:
            raise AccessError(
                _(
                    "%(order)s waits for %(groups)s: you are not in that group.",
                    order=self.name,
                    groups=", ".join(current.group_id.mapped("full_name")),
                )
            )
        if (
            not self.env.su
            and not self.company_id.sale_allow_self_approval
            and self.env.user in (self.user_id | self.create_uid)
        ):
            raise UserError(
                _("You cannot approve or reject your own order %(order)s.", order=self.name)
            )
        return mine

    def _approve_current_level(self, reason=False):
        mine = self._check_can_review()
        if mine.filtered("check_code") and not (reason or "").strip():
            raise UserError(
                _(
                    "%(order)s has blocking checks: give the reason for overriding them.",
                    order=self.name,
                )
            )
        mine.sudo().write(
            {
                "state": "approved",
                "user_id": self.env.uid,
                "date": fields.Datetime.now(),
                "reason": reason or False,
            }
        )
        body = _(
            "%(user)s approved: %(steps)s",
            user=self.env.user.name,
            steps=", ".join(mine.mapped("name")),
        )
        if reason:
            body += " — " + reason
        self._message_log(body=body)
        if self.approval_ids.filtered(lambda a: a.state == "pending"):
            self._notify_next_approvers()
        else:
            self._set_approved(approver=self.env.user)

    def _set_approved(self, approver):
        self._write_review(
            {
                "approval_state": "approved",
                "approved_by_id": approver and approver.id,
                "approved_date": fields.Datetime.now(),
            }
        )
        to_confirm = self.filtered(lambda o: o.state in ("draft", "sent"))
        if to_confirm:
            to_confirm.action_confirm()
        if approver:
            for order in self:
                order._notify_salesperson(
                    _("%(order)s was approved by %(user)s.", order=order.name, user=approver.name)
                )

    def _notify_next_approvers(self):
        activity_type = self.env.ref("sale_order_ext.mail_activity_type_sale_review")
        for order in self:
            users = order._current_approvals().group_id.users.filtered(
                lambda u, o=order: o.company_id in u.company_ids and u.active and not u.share
            )
            for user in users[:20]:
                order._schedule_review_activity(
                    activity_type, user, _("Review %(order)s", order=order.name)
                )

    def _schedule_review_activity(self, activity_type, user, summary):
        # in-app only (activity menu): Odoo's e-mail notice of a new activity would fail for
        # senders without an e-mail address and cost queries on the approval path
        if isinstance(activity_type, str):
            activity_type = self.env.ref(activity_type)
        self.with_context(mail_activity_quick_update=True).activity_schedule(
            activity_type_id=activity_type.id, user_id=user.id, summary=summary
        )

    def _notify_salesperson(self, message):
        self.ensure_one()
        # close the approvers' to-dos, log the outcome, and tell the salesperson with an activity
        # (a logged note needs no sender e-mail address, unlike message_post)
        self.activity_unlink(["sale_order_ext.mail_activity_type_sale_review"])
        self._message_log(body=message)
        if self.user_id and self.user_id != self.env.user:
            self._schedule_review_activity("mail.mail_activity_data_todo", self.user_id, message)

    # ------------------------------------------------------------------ review checklist
    @api.model
    def _review_check_definitions(self):
        """(code, label, default severity) of every check; other addons append theirs."""
        return [
            ("line_quantity", _("Quantities"), "blocking"),
            ("line_price", _("Prices"), "blocking"),
            ("partner_delivery", _("Delivery details"), "warning"),
            ("commitment_date", _("Delivery date"), "warning"),
            ("duplicate", _("Duplicate order"), "warning"),
            ("partner_blocked", _("Customer on hold"), "blocking"),
            ("credit_limit", _("Credit limit"), "blocking"),
            ("overdue", _("Overdue invoices"), "blocking"),
        ]

    def _get_review_results(self):
        """The collected checks with the company's enable/severity settings applied."""
        if not self:
            return {}
        raw = self._collect_review_checks()
        configs = self.env["sale.review.check"].sudo()._get_configs(self.company_id)
        labels = {code: label for code, label, __ in self._review_check_definitions()}
        results = {}
        for order in self:
            checks = []
            for check in raw.get(order.id, []):
                config = configs.get((order.company_id.id, check["code"]))
                if config is not None and not config.active:
                    continue
                if check["severity"] != "pass" and config:
                    check = dict(check, severity=config.severity)
                checks.append(dict(check, label=labels.get(check["code"], check["code"])))
            results[order.id] = checks
        return results

    def _collect_review_checks(self):
        """{order.id: [{"code", "severity", "message"}]} for every order, batched over self."""
        results = {order.id: [] for order in self}
        defaults = {code: severity for code, __, severity in self._review_check_definitions()}
        duplicates = self._review_find_duplicates()
        overdue = self._review_overdue()
        now = fields.Datetime.now()

        def add(order, code, failures, ok_message):
            results[order.id].append(
                {
                    "code": code,
                    "severity": defaults[code] if failures else "pass",
                    "message": "; ".join(failures) if failures else ok_message,
                }
            )

        for order in self:
            lines = order.order_line.filtered(
                lambda line: not line.display_type and not line.is_downpayment
            )
            company = order.company_id
            qty_failures = []
            for line in lines.filtered(lambda ln: ln.product_uom_qty <= 0):
                qty_failures.append(
                    _(
                        "%(product)s: quantity %(qty)s",
                        product=line.product_id.display_name,
                        qty=line.product_uom_qty,
                    )
                )
            add(order, "line_quantity", qty_failures, _("Every line has a quantity."))
            price_failures = []
            for line in lines:
                product = line.product_id.with_company(company)
                if line.price_unit <= 0:
                    price_failures.append(
                        _("%(product)s has no price", product=product.display_name)
                    )
                    continue
                net = line.price_unit * (1 - (line.discount or 0.0) / 100.0)
                floor = product.standard_price * (1 + company.sale_min_margin / 100.0)
                if product.standard_price and net < floor:
                    price_failures.append(
                        _(
                            "%(product)s sells at %(price).2f, below its floor %(floor).2f",
                            product=product.display_name,
                            price=net,
                            floor=floor,
                        )
                    )
                if company.sale_max_discount and line.discount > company.sale_max_discount:
                    price_failures.append(
                        _(
                            "%(product)s has a %(discount)s%% discount (maximum %(max)s%%)",
                            product=product.display_name,
                            discount=line.discount,
                            max=company.sale_max_discount,
                        )
                    )
            add(
                order,
                "line_price",
                price_failures,
                _("Prices are above cost and within discount limits."),
            )
            shipping = order.partner_shipping_id
            contact = order.partner_id
            missing = []
            if not (shipping.street and shipping.city):
                missing.append(_("delivery address"))
            if not (
                contact.phone
                or contact.mobile
                or contact.commercial_partner_id.phone
                or shipping.phone
                or shipping.mobile
            ):
                missing.append(_("phone"))
            add(
                order,
                "partner_delivery",
                [_("Customer has no %(what)s", what=", ".join(missing))] if missing else [],
                _("Delivery address and phone are set."),
            )
            add(
                order,
                "commitment_date",
                [_("The delivery date %(date)s is in the past", date=order.commitment_date)]
                if order.commitment_date and order.commitment_date < now
                else [],
                _("The delivery date is not in the past."),
            )
            duplicate = duplicates.get(order.id)
            add(
                order, "duplicate", [duplicate] if duplicate else [], _("No duplicate order found.")
            )
            partner = order.partner_id.commercial_partner_id
            blocked = [
                p for p in (order.partner_id | partner) if p.sale_warn in ("block", "warning")
            ]
            block_failures = []
            for p in blocked:
                if p.sale_warn == "block":
                    block_failures.append(
                        _(
                            "%(partner)s: %(message)s",
                            partner=p.name,
                            message=p.sale_warn_msg or _("on hold"),
                        )
                    )
            add(order, "partner_blocked", block_failures, _("The customer is not on hold."))
            if blocked and not any(p.sale_warn == "block" for p in blocked):
                results[order.id][-1].update(
                    severity="warning", message="; ".join(p.sale_warn_msg or "" for p in blocked)
                )
            add(
                order,
                "credit_limit",
                order._review_credit_failures(),
                _("Within the credit limit."),
            )
            amount = overdue.get((company.id, partner.id))
            add(
                order,
                "overdue",
                [
                    _(
                        "%(partner)s has %(amount).2f overdue for more than %(days)s days",
                        partner=partner.name,
                        amount=amount,
                        days=company.sale_overdue_days,
                    )
                ]
                if amount
                else [],
                _(
                    "No invoice overdue for more than %(days)s days.",
                    days=company.sale_overdue_days,
                ),
            )
        return results

    def _review_credit_failures(self):
        self.ensure_one()
        company = self.company_id
        if not company.account_use_credit_limit:
            return []
        partner = self.partner_id.commercial_partner_id.with_company(company).sudo()
        limit = partner.credit_limit  # company-dependent, with the company default
        if not limit:
            return []
        current = 0.0 if self.state == "sale" else self.amount_total / (self.currency_rate or 1.0)
        exposure = partner.credit + partner.credit_to_invoice + current
        if exposure <= limit:
            return []
        return [
            _(
                "%(partner)s would owe %(exposure).2f, over its credit limit of %(limit).2f",
                partner=partner.name,
                exposure=exposure,
                limit=limit,
            )
        ]

    def _review_find_duplicates(self):
        """{order.id: message} for orders repeating another order of the same customer."""
        orders = self.filtered(lambda o: o.partner_id)
        if not orders:
            return {}
        partners = orders.partner_id.commercial_partner_id
        window = max(orders.company_id.mapped("sale_duplicate_days") or [0])
        start = min(orders.mapped("date_order")) - timedelta(days=window)
        refs = [r for r in orders.mapped("client_order_ref") if r]
        domain = [
            ("id", "not in", orders.ids),
            ("state", "!=", "cancel"),
            ("partner_id", "child_of", partners.ids),
        ]
        date_domain = [("date_order", ">=", start)]
        domain += ["|", ("client_order_ref", "in", refs), *date_domain] if refs else date_domain
        others = (
            self.env["sale.order"]
            .sudo()
            .search_fetch(
                domain, ["name", "partner_id", "date_order", "client_order_ref", "company_id"]
            )
        )
        products = {
            order.id: set(ids)
            for order, ids in self.env["sale.order.line"]
            .sudo()
            ._read_group(
                [("order_id", "in", others.ids), ("display_type", "=", False)],
                ["order_id"],
                ["product_id:array_agg"],
            )
        }
        found = {}
        for order in orders:
            mine = set(order.order_line.filtered(lambda line: not line.display_type).product_id.ids)
            days = timedelta(days=order.company_id.sale_duplicate_days)
            for other in others:
                if other.partner_id.commercial_partner_id != order.partner_id.commercial_partner_id:
                    continue
                if order.client_order_ref and other.client_order_ref == order.client_order_ref:
                    found[order.id] = _(
                        "Customer PO %(ref)s is already used by %(other)s",
                        ref=order.client_order_ref,
                        other=other.name,
                    )
                    break
                if (
                    mine
                    and products.get(other.id) == mine
                    and abs(other.date_order - order.date_order) <= days
                ):
                    found[order.id] = _(
                        "Same customer and products as %(other)s (%(date)s)",
                        other=other.name,
                        date=other.date_order.date(),
                    )
                    break
        return found

    def _review_overdue(self):
        """{(company_id, commercial_partner_id): overdue amount} beyond each company's N days."""
        result = {}
        today = fields.Date.context_today(self)
        for company in self.company_id:
            orders = self.filtered(lambda o, c=company: o.company_id == c)
            cutoff = today - timedelta(days=company.sale_overdue_days)
            groups = (
                self.env["account.move"]
                .sudo()
                ._read_group(
                    [
                        ("company_id", "=", company.id),
                        ("move_type", "=", "out_invoice"),
                        ("state", "=", "posted"),
                        ("payment_state", "in", ("not_paid", "partial")),
                        ("invoice_date_due", "<", cutoff),
                        (
                            "commercial_partner_id",
                            "in",
                            orders.partner_id.commercial_partner_id.ids,
                        ),
                    ],
                    ["commercial_partner_id"],
                    ["amount_residual_signed:sum"],
                )
            )
            for partner, amount in groups:
                result[(company.id, partner.id)] = amount
        return result

    # ------------------------------------------------------------------ scheduled actions
    @api.model
    def _cron_remind_pending_reviews(self, batch_size=500):
        """Remind (and optionally escalate) approvers of orders waiting longer than the company's N hours."""
        activity_type = self.env.ref("sale_order_ext.mail_activity_type_sale_review")
        orders = self.search([("approval_state", "=", "to_review")], order="id")
        late = orders.filtered(
            lambda o: (
                o.company_id.sale_review_reminder_hours
                and o.write_date
                and o.write_date
                < fields.Datetime.now() - timedelta(hours=o.company_id.sale_review_reminder_hours)
            )
        )
        open_activities = self.env["mail.activity"].search_fetch(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "in", late.ids),
                ("activity_type_id", "=", activity_type.id),
            ],
            ["res_id", "user_id"],
        )
        has_open = {(a.res_id, a.user_id.id) for a in open_activities}
        done = 0
        for order in late[:batch_size]:
            current = order._current_approvals()
            users = current.group_id.users.filtered(
                lambda u, o=order: o.company_id in u.company_ids and not u.share
            )
            if order.company_id.sale_review_escalate and current:
                later = order.approval_ids.filtered(
                    lambda a, c=current: a.state == "pending" and a not in c
                )
                users |= later[:1].group_id.users.filtered(
                    lambda u, o=order: o.company_id in u.company_ids
                )
            for user in users:
                if (order.id, user.id) in has_open:
                    continue
                order._schedule_review_activity(
                    activity_type,
                    user,
                    _("Reminder: %(order)s is waiting for your review", order=order.name),
                )
            done += 1
        self.env["ir.cron"]._notify_progress(done=done, remaining=max(len(late) - batch_size, 0))
