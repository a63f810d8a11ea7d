# pylint: disable=consider-merging-classes-inherited
# sale.order is split by concern: lifecycle and gates (sale_order.py), review routing (here),
# the review checklist (sale_order_review_check.py).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression


class SaleOrder(models.Model):
    _inherit = "sale.order"

    pending_approval_group_ids = fields.Many2many(
        "res.groups", string="Waiting For", compute="_compute_pending_approval"
    )
    can_approve = fields.Boolean(
        string="I Can Approve", compute="_compute_pending_approval", search="_search_can_approve"
    )
    review_rejection = fields.Char(
        string="Rejection", compute="_compute_review_rejection", help="Who rejected it and why."
    )

    # ------------------------------------------------------------------ computes
    @api.depends_context("uid")
    @api.depends("approval_ids.state")
    def _compute_pending_approval(self):
        user_groups = self.env.user.groups_id
        for order in self:
            current = order._current_approvals()
            order.pending_approval_group_ids = current.group_id
            order.can_approve = bool(current.group_id & user_groups)

    @api.depends("approval_state", "approval_ids.state")
    def _compute_review_rejection(self):
        for order in self:
            rejected = order.sudo().approval_ids.filtered(lambda a: a.state == "rejected")
            last = rejected.sorted("id")[-1:]  # the latest rejection
            order.review_rejection = (
                _(
                    "%(user)s rejected it (%(step)s): %(reason)s",
                    user=last.user_id.name or "",
                    step=last.name,
                    reason=last.reason or "",
                )
                if order.approval_state == "rejected" and last
                else False
            )

    def _search_can_approve(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'I Can Approve'."))
        Approval = self.env["sale.order.approval"].sudo()
        levels = Approval._read_group(
            [("state", "=", "pending"), ("order_id.approval_state", "=", "to_review")],
            ["order_id"],
            ["sequence:min"],
        )
        level = {order.id: seq for order, seq in levels}
        current = Approval.search_fetch(
            [
                ("state", "=", "pending"),
                ("group_id", "in", self.env.user.groups_id.ids),
                ("order_id", "in", list(level)),
            ],
            ["order_id", "sequence"],
        )
        ids = [a.order_id.id for a in current if a.sequence == level[a.order_id.id]]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    # ------------------------------------------------------------------ actions
    def action_submit_review(self):
        """提交审核: check the order, lock what other addons lock, route it to its approvers.

        A confirmed order whose terms changed since its approval (or whose re-review was
        rejected) is submitted again the same way (重新提交审核).
        """
        self.check_access("write")
        for order in self:
            quotation = order.state in ("draft", "sent") and order.approval_state in (
                "draft",
                "rejected",
            )
            rereview = order.state == "sale" and (
                order.approval_state == "rejected"
                or (order.approval_state == "approved" and not order._terms_approved())
            )
            if not (quotation or rereview):
                raise UserError(
                    _(
                        "%(order)s cannot be submitted: it is already %(status)s.",
                        order=order.name,
                        status=order._flow_state_label(),
                    )
                )
            if not order.order_line.filtered(lambda line: not line.display_type) and not (
                self.env.context.get("sale_order_ext_confirm")
            ):
                # 提交审核 of an empty quotation is a mistake; Odoo's Confirm of one is not
                raise UserError(_("%(order)s has no lines to review.", order=order.name))
            if quotation:
                # core's own checks (lines without product, ...) before anyone reviews it
                message = order._submission_error_message()
                if message:
                    raise UserError(message)
        rereviewed = self.filtered(lambda o: o.state == "sale")
        if rereviewed:
            body = _("The order was changed after its approval: it goes back to review.")
            rereviewed._message_log_batch(bodies=dict.fromkeys(rereviewed.ids, body))
        for order in self:
            order._write_review(
                {"approval_state": "to_review", "review_terms": order._review_terms()}
            )
        self._action_submit_review()
        self._route_for_review()
        return True

    def _action_submit_review(self):
        """Hook: the orders were just set to 待审核, before approvals are routed
        (stock_lock_ext locks stock here). Extend with super()."""

    def action_withdraw_review(self):
        """撤回: the salesperson takes a pending submission back (to edit it, or to drop it)."""
        self.check_access("write")
        for order in self:
            if order.approval_state != "to_review" or order.state == "cancel":
                raise UserError(
                    _(
                        "%(order)s is not waiting for review (it is %(status)s): nothing to withdraw.",
                        order=order.name,
                        status=order._flow_state_label(),
                    )
                )
        self._review_cancel_steps(_("Withdrawn by %(user)s.", user=self.env.user.name))
        for order in self:
            # a confirmed order keeps its old approval: its changed terms stay blocked
            order._write_review(
                {
                    "approval_state": "approved" if order.state == "sale" else "draft",
                    "review_terms": False,
                }
            )
        body = _("%(user)s withdrew the submission.", user=self.env.user.name)
        self._message_log_batch(bodies=dict.fromkeys(self.ids, body))
        self._action_withdraw_review()
        return True

    def _action_withdraw_review(self):
        """Hook: the pending submissions were withdrawn (stock_lock_ext releases their locks)."""

    def _review_cancel_steps(self, reason):
        self.env["sale.order.approval"].sudo().search(
            [("order_id", "in", self.ids), ("state", "=", "pending")]
        ).write({"state": "cancelled", "reason": reason})
        self.activity_unlink(["sale_order_ext.mail_activity_type_sale_review"])

    def _route_for_review(self):
        """Create the approval steps of each submitted order, or approve it when nothing needs review."""
        rules = (
            self.env["sale.approval.rule"]
            .sudo()
            .search([("company_id", "in", self.company_id.ids)])
        )
        configs = self.env["sale.review.check"].sudo()._get_configs(self.company_id)
        # the checklist routes an order only through a rule or a blocking check: without
        # either it is not computed here (the form and the approvers' list show it live)
        can_block = any(
            config.active and config.severity == "blocking" for config in configs.values()
        ) or any(
            severity == "blocking" and (company.id, code) not in configs
            for code, __, severity in self._review_check_definitions()
            for company in self.company_id
        )
        results = self._get_review_results(configs) if rules or can_block else {}
        has_blocking = any(
            c["severity"] == "blocking" for checks in results.values() for c in checks
        )
        check_configs = configs if has_blocking else {}
        approver_group = self.env["res.groups"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id("sale_order_ext.group_sale_approver")
        )
        approvals, auto = [], self.browse()
        now = fields.Datetime.now()
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
                first = min(step["sequence"] for step in steps)
                approvals += [
                    dict(
                        step,
                        order_id=order.id,
                        state="pending",
                        date_pending=now if step["sequence"] == first else False,
                    )
                    for step in steps
                ]
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

    def _open_review_wizard(self, action):
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order.review.wizard",
            "view_mode": "form",
            "target": "new",
            "name": _("Approve") if action == "approve" else _("Reject"),
            "context": {
                "default_order_id": self.id,
                "default_action": action,
                "default_review_fingerprint": self.review_fingerprint,
            },
        }

    # ------------------------------------------------------------------ terms follow-up
    def _review_sync_terms(self):
        """After any change of orders or their lines, keep each review on the current terms.

        Pending: the checklist and rules are evaluated again (new levels, new overrides).
        Approved: a change goes back to review (the gates refuse it until then).
        Back in review or rejected with the approved terms restored: approved again.
        """
        orders = self.filtered(
            lambda o: (
                o.state != "cancel" and o.approval_state in ("to_review", "approved", "rejected")
            )
        )
        reroute, resubmit, restore, reapprove = (self.browse() for __ in range(4))
        for order in orders:
            sudo = order.sudo()
            terms = order._review_terms()
            if order.state == "sale" and order.approval_state != "approved":
                if terms == sudo.approved_terms:
                    restore |= order
                elif order.approval_state == "to_review" and terms != sudo.review_terms:
                    reroute |= order
            elif order.approval_state == "to_review":
                if terms != sudo.review_terms:
                    reroute |= order
            elif order.approval_state == "approved" and terms != sudo.approved_terms:
                if order._review_change_only_decreases(sudo.approved_terms, terms):
                    reapprove |= order
                else:
                    resubmit |= order
        if restore:
            restore._review_cancel_steps(_("The approved terms were restored."))
            restore._write_review({"approval_state": "approved", "review_terms": False})
            body = _("The approved terms were restored: the order is approved again.")
            restore._message_log_batch(bodies=dict.fromkeys(restore.ids, body))
        if reroute:
            reroute._review_reroute()
        for order in reapprove:
            order._write_review({"approved_terms": order._review_terms()})
            order._message_log(
                body=_("Changed after approval (decreases only): the approval still applies.")
            )
        if resubmit:
            resubmit.action_submit_review()

    def _review_reroute(self, reason=None):
        """Pending orders changed (their terms, or what their checks judge, e.g. their stock):
        the approvals given so far covered something else; route them again."""
        approvals = (
            self.env["sale.order.approval"]
            .sudo()
            .search([("order_id", "in", self.ids), ("state", "in", ("pending", "approved"))])
        )
        approvals.write(
            {"state": "cancelled", "reason": reason or _("The order changed during its review.")}
        )
        self.activity_unlink(["sale_order_ext.mail_activity_type_sale_review"])
        for order in self:
            order._write_review({"review_terms": order._review_terms()})
        body = _(
            "The order changed during its review: its checks and approvers are evaluated again."
        )
        if reason:
            body += " — " + reason
        self._message_log_batch(bodies=dict.fromkeys(self.ids, body))
        self._action_review_terms_changed()
        self._route_for_review()

    def _action_review_terms_changed(self):
        """Hook: pending orders changed, before they are routed again (stock_lock_ext tops up or
        reduces their locks here). Extend with super()."""

    def _review_change_only_decreases(self, old, new):
        """With the company's 'increases only' policy, a change that only lowers what the
        customer gets and owes (fewer units, fewer lines) keeps the approval."""
        self.ensure_one()
        if self.company_id.sale_rereview_policy != "increase" or not old:
            return False
        header = {
            k: v
            for k, v in old.items()
            if k not in ("lines", "amount_untaxed", "amount_tax", "amount_total")
        }
        if any(new.get(k) != v for k, v in header.items()):
            return False
        if float(new["amount_total"]) > float(old["amount_total"]):
            return False
        for key, after in new["lines"].items():
            before = old["lines"].get(key)
            if before is None:
                return False
            if any(after[name] != before[name] for name in ("product_id", "product_uom", "tax_id")):
                return False
            if float(after["product_uom_qty"]) > float(before["product_uom_qty"]):
                return False
            if float(after["price_unit"]) < float(before["price_unit"]) or float(
                after["discount"]
            ) > float(before["discount"]):
                return False
        return True

    # ------------------------------------------------------------------ business methods
    def _current_approvals(self):
        """The pending approval steps of the lowest level (the ones that can act now)."""
        self.ensure_one()
        pending = self.sudo().approval_ids.filtered(lambda a: a.state == "pending")
        if not pending:
            return pending
        level = min(pending.mapped("sequence"))
        return pending.filtered(lambda a: a.sequence == level)

    def _check_can_review(self):
        """The current steps the user may act on; raises when they may not."""
        self.ensure_one()
        self.check_access("read")
        if self.approval_state != "to_review" or self.state == "cancel":
            raise UserError(
                _(
                    "%(order)s is not waiting for review (it is %(status)s).",
                    order=self.name,
                    status=self._flow_state_label(),
                )
            )
        seen = self.env.context.get("review_fingerprint")
        if seen and seen != self.review_fingerprint:
            raise UserError(
                _(
                    "%(order)s was changed while you were reviewing it: reload it and review the current terms.",
                    order=self.name,
                )
            )
        if self._review_terms() != self.sudo().review_terms:
            raise UserError(
                _(
                    "%(order)s changed after it was routed for review: submit it again so that its checks are current.",
                    order=self.name,
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
        now = fields.Datetime.now()
        mine.sudo().write(
            {"state": "approved", "user_id": self.env.uid, "date": now, "reason": reason or False}
        )
        body = _(
            "%(user)s approved: %(steps)s",
            user=self.env.user.name,
            steps=", ".join(mine.mapped("name")),
        )
        if reason:
            body += " — " + reason
        # what follows is the approval's doing: an approver may read the order only while a
        # step waits for him
        order = self.sudo()
        order._message_log(body=body)
        if order.approval_ids.filtered(lambda a: a.state == "pending"):
            order._current_approvals().write({"date_pending": now})
            order._notify_next_approvers()
        else:
            order._set_approved(approver=self.env.user)

    def _set_approved(self, approver):
        for order in self:
            order._write_review(
                {
                    "approval_state": "approved",
                    "approved_by_id": approver and approver.id,
                    "approved_date": fields.Datetime.now(),
                    "approved_terms": order.sudo().review_terms or order._review_terms(),
                    "review_terms": False,
                }
            )
        to_confirm = self.filtered(lambda o: o.state in ("draft", "sent"))
        mail = to_confirm.filtered("review_send_email")
        if mail:
            mail.with_context(send_email=True).action_confirm()
        if to_confirm - mail:
            (to_confirm - mail).action_confirm()
        if approver:
            for order in self:
                order._notify_salesperson(
                    _("%(order)s was approved by %(user)s.", order=order.name, user=approver.name)
                )

    def _review_approver_users(self, approvals):
        """Active internal users of the steps' groups who work in the order's company."""
        self.ensure_one()
        return approvals.group_id.users.filtered(
            lambda u: self.company_id in u.company_ids and u.active and not u.share
        )

    def _notify_next_approvers(self):
        activity_type = self.env.ref("sale_order_ext.mail_activity_type_sale_review")
        todo = {}
        for order in self:
            users = order._review_approver_users(order._current_approvals())
            todo[order] = (users, _("Review %(order)s", order=order.name))
        self._schedule_review_activities(activity_type, todo)

    def _schedule_review_activities(self, activity_type, todo):
        """{order: (users, summary)}: one to-do per user and order, in one create, every user
        of the group (in-app only: no e-mail notice, which needs a sender address and costs
        queries on the approval path)."""
        if isinstance(activity_type, str):
            activity_type = self.env.ref(activity_type)
        model_id = self.env["ir.model"]._get_id("sale.order")
        deadline = fields.Date.context_today(self) + timedelta(days=activity_type.delay_count or 0)
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": order.id,
                "activity_type_id": activity_type.id,
                "summary": summary,
                "user_id": user.id,
                "date_deadline": deadline,
                "automated": True,
            }
            for order, (users, summary) in todo.items()
            for user in users
        ]
        if vals_list:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
                vals_list
            )

    def _notify_salesperson(self, message):
        self.ensure_one()
        # close the approvers' to-dos, log the outcome, and tell the salesperson with an activity
        # (a logged note needs no sender e-mail address, unlike message_post)
        self.activity_unlink(["sale_order_ext.mail_activity_type_sale_review"])
        self._message_log(body=message)
        if self.user_id and self.user_id != self.env.user:
            self._schedule_review_activities(
                "mail.mail_activity_data_todo", {self: (self.user_id, message)}
            )

    # ------------------------------------------------------------------ scheduled actions
    @api.model
    def _cron_remind_pending_reviews(self, batch_size=500):
        """Remind (and optionally escalate) the approvers of steps pending longer than the
        company's N hours, counted from when the step became current; each step once per N hours."""
        activity_type = self.env.ref("sale_order_ext.mail_activity_type_sale_review")
        Approval = self.env["sale.order.approval"].sudo()
        now = fields.Datetime.now()
        domain = [("state", "=", "pending"), ("order_id.approval_state", "=", "to_review")]
        company_domains = []
        for company in self.env["res.company"].search([("sale_review_reminder_hours", ">", 0)]):
            cutoff = now - timedelta(hours=company.sale_review_reminder_hours)
            company_domains.append(
                [
                    ("company_id", "=", company.id),
                    ("date_pending", "<", cutoff),
                    "|",
                    ("date_reminded", "=", False),
                    ("date_reminded", "<", cutoff),
                ]
            )
        if not company_domains:
            return
        domain = expression.AND([domain, expression.OR(company_domains)])
        due = Approval.search(domain, order="id", limit=batch_size)
        todo = {}
        for order in due.order_id:
            current = order._current_approvals() & due
            if not current:
                continue
            users = order._review_approver_users(current)
            if order.company_id.sale_review_escalate:
                later = order.sudo().approval_ids.filtered(
                    lambda a, c=current: a.state == "pending" and a not in c
                )
                users |= order._review_approver_users(later.sorted("sequence")[:1])
            open_users = (
                self.env["mail.activity"]
                .sudo()
                .search(
                    [
                        ("res_model", "=", "sale.order"),
                        ("res_id", "=", order.id),
                        ("activity_type_id", "=", activity_type.id),
                    ]
                )
                .user_id
            )
            todo[order] = (
                users - open_users,
                _("Reminder: %(order)s is waiting for your review", order=order.name),
            )
        self._schedule_review_activities(activity_type, todo)
        due.write({"date_reminded": now})
        remaining = Approval.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(due), remaining=remaining)
