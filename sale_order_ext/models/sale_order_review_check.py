# pylint: disable=consider-merging-classes-inherited
# sale.order is split by concern: lifecycle and gates (sale_order.py), review routing
# (sale_order_review.py), the review checklist (here).
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import float_compare, float_round

# What a check finds. A company's severity turns a failure into a warning or a blocking issue;
# a check's own warning (a customer flagged "warning") stays a warning.
CHECK_OUTCOME = ("pass", "warning", "fail")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    review_check_html = fields.Html(
        string="Review Checklist", compute="_compute_review_checks", sanitize=False
    )
    review_has_blocking = fields.Boolean(compute="_compute_review_checks")
    review_has_warning = fields.Boolean(compute="_compute_review_checks")

    # ------------------------------------------------------------------ computes
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

    # ------------------------------------------------------------------ the checklist
    @api.model
    def _review_check_definitions(self):
        """(code, label, default severity of a failure) of every check, each computed by
        ``_review_check_<code>()``; other addons append theirs. Every check warns by default:
        a company makes the ones it cares about blocking."""
        return [
            ("line_quantity", _("Quantities"), "warning"),
            ("line_price", _("Prices"), "warning"),
            ("partner_delivery", _("Delivery details"), "warning"),
            ("commitment_date", _("Delivery date"), "warning"),
            ("duplicate", _("Duplicate order"), "warning"),
            ("partner_blocked", _("Customer on hold"), "warning"),
            ("credit_limit", _("Credit limit"), "warning"),
            ("overdue", _("Overdue invoices"), "warning"),
        ]

    def _get_review_results(self, configs=None):
        """{order.id: [{"code", "label", "severity", "message"}]} with the companies' settings
        (``configs``: ``sale.review.check._get_configs`` of their companies, when already read):
        disabled checks left out, a failure as severe as the company says."""
        if not self:
            return {}
        definitions = self._review_check_definitions()
        if configs is None:
            configs = self.env["sale.review.check"].sudo()._get_configs(self.company_id)
        results = {order.id: [] for order in self}
        for code, label, default in definitions:
            outcomes = getattr(self, f"_review_check_{code}")()
            for order in self:
                config = configs.get((order.company_id.id, code))
                if config is not None and not config.active:
                    continue
                outcome, message = outcomes[order.id]
                severity = {
                    "pass": "pass",
                    "warning": "warning",
                    "fail": config.severity if config else default,
                }[outcome]
                results[order.id].append(
                    {"code": code, "label": label, "severity": severity, "message": message}
                )
        return results

    @api.model
    def _review_outcome(self, failures, ok_message, warnings=()):
        """(outcome, message) of a check from its failure and warning messages."""
        if failures:
            return "fail", "; ".join(failures)
        if warnings:
            return "warning", "; ".join(warnings)
        return "pass", ok_message

    def _review_lines(self):
        self.ensure_one()
        return self.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )

    # ------------------------------------------------------------------ checks
    # each returns {order.id: (outcome, message)} for every order of self, batched

    # (loops, not comprehensions: _() finds the language in the method's frame)
    def _review_check_line_quantity(self):
        result = {}
        for order in self:
            failures = []
            for line in order._review_lines():
                if line.product_uom_qty <= 0:
                    failures.append(
                        _(
                            "%(product)s: quantity %(qty)s",
                            product=line.product_id.display_name,
                            qty=line.product_uom_qty,
                        )
                    )
            result[order.id] = self._review_outcome(failures, _("Every line has a quantity."))
        return result

    def _review_check_line_price(self):
        result = {}
        for order in self:
            company = order.company_id
            failures = []
            for line in order._review_lines():
                product = line.product_id.with_company(company)
                if line.price_unit <= 0:
                    failures.append(_("%(product)s has no price", product=product.display_name))
                    continue
                # its own discount and its share of the order discount (整单折扣), as one
                discount = line._sale_combined_discount()
                net, floor = line._review_net_price_and_floor()
                if product.standard_price and net < floor:
                    failures.append(
                        _(
                            "%(product)s sells at %(price).2f, below its floor %(floor).2f",
                            product=product.display_name,
                            price=net,
                            floor=floor,
                        )
                    )
                if (
                    company.sale_max_discount
                    and float_compare(discount, company.sale_max_discount, precision_digits=2) > 0
                ):
                    failures.append(
                        _(
                            "%(product)s has a %(discount)s%% discount (maximum %(max)s%%)",
                            product=product.display_name,
                            discount=float_round(discount, precision_digits=2),
                            max=company.sale_max_discount,
                        )
                    )
            result[order.id] = self._review_outcome(
                failures, _("Prices are above cost and within discount limits.")
            )
        return result

    def _review_check_partner_delivery(self):
        result = {}
        for order in self:
            shipping, contact = order.partner_shipping_id, order.partner_id
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
            result[order.id] = self._review_outcome(
                [_("Customer has no %(what)s", what=", ".join(missing))] if missing else [],
                _("Delivery address and phone are set."),
            )
        return result

    def _review_check_commitment_date(self):
        now = fields.Datetime.now()
        result = {}
        for order in self:
            failures = []
            if order.commitment_date and order.commitment_date < now:
                failures.append(
                    _("The delivery date %(date)s is in the past", date=order.commitment_date)
                )
            result[order.id] = self._review_outcome(
                failures, _("The delivery date is not in the past.")
            )
        return result

    def _review_check_duplicate(self):
        duplicates = self._review_find_duplicates()
        result = {}
        for order in self:
            failures = [duplicates[order.id]] if order.id in duplicates else []
            result[order.id] = self._review_outcome(failures, _("No duplicate order found."))
        return result

    def _review_check_partner_blocked(self):
        """Odoo's sales warning on the customer: 'block' fails, 'warning' warns."""
        result = {}
        for order in self:
            failures, warnings = [], []
            for p in order.partner_id | order.partner_id.commercial_partner_id:
                if p.sale_warn == "block":
                    failures.append(
                        _(
                            "%(partner)s: %(message)s",
                            partner=p.name,
                            message=p.sale_warn_msg or _("on hold"),
                        )
                    )
                elif p.sale_warn == "warning":
                    warnings.append(
                        _("%(partner)s: %(message)s", partner=p.name, message=p.sale_warn_msg or "")
                    )
            result[order.id] = self._review_outcome(
                failures, _("The customer is not on hold."), warnings=warnings
            )
        return result

    def _review_check_credit_limit(self):
        result = {}
        for order in self:
            result[order.id] = self._review_outcome(
                order._review_credit_failures(), _("Within the credit limit.")
            )
        return result

    def _review_check_overdue(self):
        overdue = self._review_overdue()
        result = {}
        for order in self:
            company, partner = order.company_id, order.partner_id.commercial_partner_id
            amount = overdue.get((company.id, partner.id))
            result[order.id] = self._review_outcome(
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
        return result

    # ------------------------------------------------------------------ helpers of the checks
    def _review_credit_failures(self):
        self.ensure_one()
        company = self.company_id
        if not company.account_use_credit_limit:
            return []
        partner = self.partner_id.commercial_partner_id.with_company(company).sudo()
        limit = partner.credit_limit  # company-dependent, with the company default
        if not limit:
            return []
        current = 0.0 if self.state == "sale" else self._review_amount()
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
