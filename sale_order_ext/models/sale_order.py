import hashlib
import json

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

# The 进销存 lifecycle shown to users; Odoo's own `state` keeps its meaning
# (approved / shipped / done orders are `state == "sale"`).
# (in the order of the statusbar: a rejection ends a review, before any approval)
SALE_FLOW_STATE = [
    ("draft", "Draft"),
    ("to_review", "Pending Review"),
    ("rejected", "Rejected"),
    ("approved", "Approved"),
    ("shipped", "Shipped"),
    ("signed", "Signed For"),
    ("done", "Completed"),
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
APPROVAL_FIELDS = frozenset(
    {"approval_state", "approved_by_id", "approved_date", "approved_terms", "review_terms"}
)
REVIEW_TOKEN = object()
# The order's terms: what the customer owes or receives, and who pays. The totals are part
# of them, so whatever changes the money (a recompute, another model, a tax) changes them.
TERM_ORDER_FIELDS = (
    "company_id",
    "partner_id",
    "partner_invoice_id",
    "partner_shipping_id",
    "currency_id",
    "pricelist_id",
    "payment_term_id",
    "fiscal_position_id",
    "sale_discount_type",
    "sale_discount",
    "sale_rounding_method",
    "amount_rounding",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
)
TERM_LINE_FIELDS = (
    "product_id",
    "product_uom",
    "product_uom_qty",
    "price_unit",
    "discount",
    "tax_id",
)


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
    # the terms the approval covers, and the terms the pending review was routed on
    approved_terms = fields.Json(copy=False, readonly=True, groups="base.group_user")
    review_terms = fields.Json(copy=False, readonly=True, groups="base.group_user")
    review_fingerprint = fields.Char(compute="_compute_terms_state")
    terms_changed = fields.Boolean(
        string="Terms Changed Since Approval",
        compute="_compute_terms_state",
        help="The order was changed after its approval: it can't be delivered or invoiced "
        "until the change is approved.",
    )
    terms_changes = fields.Text(string="Changes Since Approval", compute="_compute_terms_state")
    review_send_email = fields.Boolean(
        copy=False,
        readonly=True,
        help="The customer confirmed (portal, payment): send the confirmation when approved.",
    )
    is_signed = fields.Boolean(
        string="Signed For",
        compute="_compute_is_signed",
        store=True,
        help="Every done delivery of the order has been signed for by the customer.",
    )
    delivery_tracking_link = fields.Html(
        string="Tracking",
        compute="_compute_delivery_tracking_link",
        # whoever reads the order sees its tracking, without rights on carriers (finance)
        compute_sudo=True,
        sanitize=False,
        help="The tracking numbers of the order's deliveries, linked to the carriers' pages.",
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
                order.flow_state = "signed" if order.is_signed else "shipped"
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

    @api.depends("picking_ids.carrier_id", "picking_ids.carrier_tracking_ref")
    def _compute_delivery_tracking_link(self):
        for order in self:
            links = [
                picking.carrier_tracking_link
                for picking in order.picking_ids.sorted("id")
                if picking.picking_type_code == "outgoing"
                and picking.state != "cancel"
                and picking.carrier_tracking_ref
            ]
            order.delivery_tracking_link = Markup("<br/>").join(links) if links else False

    @api.depends_context("uid")
    @api.depends("approval_state", "approved_terms", "review_terms", "order_line", "amount_total")
    def _compute_terms_state(self):
        for order in self:
            if isinstance(order.id, models.NewId):  # a form being edited: saved terms only
                order.review_fingerprint = _fingerprint(order._origin.sudo().review_terms)
                order.terms_changed = order._origin.terms_changed
                order.terms_changes = order._origin.terms_changes
                continue
            current = order._review_terms()
            order.review_fingerprint = _fingerprint(order.sudo().review_terms)
            changed = (
                order.state == "sale"
                and order.approval_state != "draft"
                and order.sudo().approved_terms != current
            )
            order.terms_changed = changed
            order.terms_changes = (
                "\n".join(order._review_terms_diff(order.sudo().approved_terms, current))
                if changed
                else False
            )

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_client_values(vals)
            if vals.get("state") == "sale":
                raise UserError(
                    _(
                        "A sales order is confirmed by its approval: create it as a quotation and confirm it."
                    )
                )
        return super().create(vals_list)

    def write(self, vals):
        self._check_client_values(vals)
        if vals.get("state") == "sale":
            # the confirmation gate: core's action_confirm writes the state here
            self._check_terms_approved(_("confirmed"))
        res = super().write(vals)
        if self.env.context.get("sale_order_ext_review") is not REVIEW_TOKEN:
            self._review_sync_terms()
        return res

    def _check_client_values(self, vals):
        """Refuse values only the server sets: the review's fields and the computed totals."""
        if (
            APPROVAL_FIELDS & vals.keys()
            and self.env.context.get("sale_order_ext_review") is not REVIEW_TOKEN
        ):
            raise AccessError(
                _("The review status of an order only changes through submit, approve and reject.")
            )
        _check_computed_values(self, vals)

    def _write_review(self, vals):
        # the review's own writes: allowed by the review methods' checks, whoever acts
        return self.sudo().with_context(sale_order_ext_review=REVIEW_TOKEN).write(vals)

    # ------------------------------------------------------------------ lifecycle
    def action_confirm(self):
        """Confirm = submit for review, like ``purchase.order.button_confirm`` routes into
        'to approve': orders whose current terms are approved are confirmed; the others are
        submitted, and those that need no review are approved and confirmed at once."""
        covered = self.filtered(lambda o: o._terms_approved())
        waiting = (self - covered).filtered(lambda o: o.state in ("draft", "sent"))
        if waiting:
            to_submit = waiting.filtered(lambda o: o.approval_state != "to_review")
            if self.env.context.get("send_email"):
                # the customer confirmed (portal signature, payment): mail him when approved
                waiting._write_review({"review_send_email": True})
            if to_submit:
                # confirms those approved at once
                to_submit.with_context(sale_order_ext_confirm=True).action_submit_review()
        rest = self - waiting
        if rest:
            return super(SaleOrder, rest).action_confirm()
        return True

    def _action_confirm(self):
        self.filtered("review_send_email")._write_review({"review_send_email": False})
        return super()._action_confirm()

    def _action_cancel(self):
        res = super()._action_cancel()
        self._review_clear(_("The order was cancelled."))
        return res

    def _review_clear(self, reason):
        """End every review of the orders: pending steps cancelled, to-dos closed, approval cleared."""
        reviewed = self.filtered(lambda o: o.approval_state != "draft" or o.approval_ids)
        if not reviewed:
            return
        self.env["sale.order.approval"].sudo().search(
            [("order_id", "in", reviewed.ids), ("state", "=", "pending")]
        ).write({"state": "cancelled", "reason": reason})
        reviewed.activity_unlink(["sale_order_ext.mail_activity_type_sale_review"])
        reviewed._write_review(
            {
                "approval_state": "draft",
                "approved_by_id": False,
                "approved_date": False,
                "approved_terms": False,
                "review_terms": False,
                "review_send_email": False,
            }
        )

    # ------------------------------------------------------------------ terms and gates
    def _review_terms(self):
        """The order's current terms, as JSON-able data (read after pending recomputes).

        Down payments and section / note lines are not terms: invoicing a down payment
        adds them to an approved order.
        """
        self.ensure_one()
        order = self.sudo()
        terms = {name: _term_value(order._fields[name], order[name]) for name in TERM_ORDER_FIELDS}
        lines = order.order_line.filtered(lambda ln: not ln.display_type and not ln.is_downpayment)
        terms["lines"] = {
            str(line.id): {
                name: _term_value(line._fields[name], line[name]) for name in TERM_LINE_FIELDS
            }
            for line in lines.sorted("id")
        }
        return terms

    def _terms_approved(self):
        """Whether an approval covers the order's current terms."""
        self.ensure_one()
        return self.approval_state == "approved" and self.sudo().approved_terms == (
            self._review_terms()
        )

    def _check_terms_approved(self, action):
        """The gate of confirming, delivering and invoicing: refuse orders whose current terms
        no approval covers, saying what changed."""
        for order in self:
            if order._terms_approved():
                continue
            approved = order.sudo().approved_terms
            if approved and order.approval_state != "draft":
                changes = "; ".join(order._review_terms_diff(approved, order._review_terms()))
                raise UserError(
                    _(
                        "%(order)s can't be %(action)s: it was changed after its approval "
                        "(%(changes)s). Submit it for review again (重新提交审核).",
                        order=order.name,
                        action=action,
                        changes=changes or _("its review is not finished"),
                    )
                )
            raise UserError(
                _(
                    "%(order)s can't be %(action)s: it is not approved (%(status)s).",
                    order=order.name,
                    action=action,
                    status=order._flow_state_label(),
                )
            )

    def _review_terms_diff(self, old, new):
        """Human-readable differences between two terms of this order."""
        self.ensure_one()
        old, new = old or {}, new or {}
        changes = []
        for name in TERM_ORDER_FIELDS:
            if old.get(name) != new.get(name):
                field = self._fields[name]
                changes.append(
                    _(
                        "%(field)s: %(old)s → %(new)s",
                        field=field._description_string(self.env),
                        old=self._term_display(field, old.get(name)),
                        new=self._term_display(field, new.get(name)),
                    )
                )
        Line = self.env["sale.order.line"]
        old_lines, new_lines = old.get("lines", {}), new.get("lines", {})
        for key in sorted(old_lines.keys() | new_lines.keys(), key=int):
            before, after = old_lines.get(key), new_lines.get(key)
            if before == after:
                continue
            product = self._term_display(
                Line._fields["product_id"], (after or before)["product_id"]
            )
            if before is None:
                changes.append(_("line added: %(product)s", product=product))
            elif after is None:
                changes.append(_("line removed: %(product)s", product=product))
            else:
                for name in TERM_LINE_FIELDS:
                    if before.get(name) != after.get(name):
                        field = Line._fields[name]
                        changes.append(
                            _(
                                "%(product)s %(field)s: %(old)s → %(new)s",
                                product=product,
                                field=field._description_string(self.env),
                                old=self._term_display(field, before.get(name)),
                                new=self._term_display(field, after.get(name)),
                            )
                        )
        return changes

    @api.model
    def _term_display(self, field, value):
        if value in (None, False, []):
            return "-"
        if field.type in ("many2one", "many2many"):
            ids = value if isinstance(value, list) else [value]
            records = self.env[field.comodel_name].sudo().browse(ids).exists()
            return ", ".join(records.mapped("display_name")) or "-"
        return value

    def _review_amount(self):
        """The total in the company's currency, from the lines and today's rate (not from
        stored figures a client could have forged): what rules and the credit check judge."""
        self.ensure_one()
        total = sum(self._review_lines().mapped("price_total"))
        total -= self._sale_rounding_for(total)  # 抹零
        company = self.company_id
        return self.currency_id._convert(
            total,
            company.currency_id,
            company,
            (self.date_order or fields.Datetime.now()).date(),
            round=False,
        )

    def _flow_state_label(self):
        return dict(self._fields["flow_state"]._description_selection(self.env)).get(
            self.flow_state
        )

    def _submission_error_message(self):
        """Odoo's own reasons not to confirm (lines without product, ...), checked at 提交审核."""
        return super()._confirmation_error_message()

    def _confirmation_error_message(self):
        message = super()._confirmation_error_message()
        if not message and not self._terms_approved():
            message = _(
                "%(order)s is not approved: submit it for review (提交审核); it is confirmed when approved.",
                order=self.name,
            )
        return message

    # ------------------------------------------------------------------ invoicing gate
    def _create_invoices(self, grouped=False, final=False, date=None):
        self._check_terms_approved(_("invoiced"))
        return super()._create_invoices(grouped=grouped, final=final, date=date)


def _term_value(field, value):
    """A field value as stable JSON: ids for relations, fixed decimals for numbers."""
    if field.type == "many2one":
        return value.id
    if field.type in ("many2many", "one2many"):
        return sorted(value.ids)
    if field.type in ("float", "monetary"):
        return f"{value:.6f}"
    return value


def _fingerprint(terms):
    if not terms:
        return False
    return hashlib.sha1(json.dumps(terms, sort_keys=True).encode()).hexdigest()


def _check_computed_values(records, vals):
    """Clients can't write the money the server computes (totals, line amounts, the currency
    rate): a forged figure would only confuse users, the terms are compared at the gates anyway.
    The server's own code runs as superuser when it must."""
    if records.env.su:
        return
    forged = [
        name
        for name in vals
        if (field := records._fields.get(name))
        and field.compute
        and field.store
        and not field.inverse
        and field.readonly
        and (field.type == "monetary" or name == "currency_rate")
    ]
    if forged:
        raise AccessError(
            records.env._(
                "%(fields)s of %(model)s are computed: they can't be written.",
                fields=", ".join(
                    records._fields[name]._description_string(records.env) for name in forged
                ),
                model=records._description,
            )
        )
