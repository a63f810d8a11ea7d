# pylint: disable=consider-merging-classes-inherited
# sale.order is split by concern: the order discount (整单折扣) and the rounding-off (抹零) here.
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_round

SALE_DISCOUNT_TYPE = [("percent", "Percentage"), ("amount", "Amount")]
# 抹零: how the order total is rounded off; (precision, rounding method) for the fixed ones
SALE_ROUNDING_METHOD = [
    ("fen", "Drop 分"),
    ("jiao", "Drop 角 and 分"),
    ("yuan", "Round to ¥1"),
    ("ten", "Round to ¥10"),
    ("manual", "Amount Typed"),
]
SALE_ROUNDING_RULES = {
    "fen": (0.1, "DOWN"),
    "jiao": (1.0, "DOWN"),
    "yuan": (1.0, "HALF-UP"),
    "ten": (10.0, "HALF-UP"),
}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------ fields
    sale_discount_type = fields.Selection(
        SALE_DISCOUNT_TYPE, string="Order Discount Type", default="percent", required=True
    )
    sale_discount = fields.Float(
        string="Order Discount",
        digits=(16, 2),
        help="整单折扣: a percentage, or an amount off the total, spread over the lines' "
        "net prices.",
    )
    sale_rounding_method = fields.Selection(SALE_ROUNDING_METHOD, string="Rounding Off (抹零)")
    sale_rounding_input = fields.Monetary(string="Rounding Amount Typed")
    amount_rounding = fields.Monetary(
        string="Rounding Off",
        compute="_compute_amounts",
        store=True,
        readonly=True,
        help="抹零: taken off the order total (negative when rounding to ¥1 / ¥10 goes up).",
    )
    amount_order_discount = fields.Monetary(
        string="Order Discount Amount",
        compute="_compute_amount_order_discount",
        help="What the order discount takes off the total.",
    )

    # ------------------------------------------------------------------ computes
    @api.depends("sale_rounding_method", "sale_rounding_input", "order_line.price_total")
    def _compute_amounts(self):
        res = super()._compute_amounts()
        for order in self:
            rounding = order._sale_rounding_for(order.amount_total)
            order.amount_rounding = rounding
            if rounding:
                # like an invoice's cash rounding line: no tax, part of the untaxed amount
                order.amount_untaxed -= rounding
                order.amount_total -= rounding
        return res

    @api.depends("sale_rounding_method", "sale_rounding_input", "order_line.price_total")
    def _compute_tax_totals(self):
        res = super()._compute_tax_totals()
        for order in self:
            totals = order.tax_totals
            if not totals:
                continue
            rounding = order._sale_rounding_for(totals["total_amount_currency"])
            if not rounding:
                continue
            company_rounding = order.company_id.currency_id.round(
                rounding / (order.currency_rate or 1.0)
            )
            # the shape account.tax._get_tax_totals_summary gives an invoice's cash rounding
            # line: the widget shows it as its own row above the total
            totals["cash_rounding_base_amount_currency"] = -rounding
            totals["cash_rounding_base_amount"] = -company_rounding
            for key, value in (("_currency", rounding), ("", company_rounding)):
                totals[f"base_amount{key}"] -= value
                totals[f"total_amount{key}"] -= value
            order.tax_totals = totals
        return res

    @api.depends("order_line.price_total", "order_line.order_discount")
    def _compute_amount_order_discount(self):
        self.amount_order_discount = 0.0
        for order in self.filtered("sale_discount"):
            lines = order.order_line.filtered("order_discount")
            order.amount_order_discount = order.currency_id.round(
                sum(line._sale_total_before_order_discount() for line in lines)
                - sum(lines.mapped("price_total"))
            )

    def _sale_rounding_for(self, total):
        """The 抹零 taken off ``total`` (the order total before it)."""
        self.ensure_one()
        method = self.sale_rounding_method
        if not method:
            return 0.0
        if method == "manual":
            return self.currency_id.round(self.sale_rounding_input)
        precision, rounding_method = SALE_ROUNDING_RULES[method]
        rounded = float_round(total, precision_rounding=precision, rounding_method=rounding_method)
        return self.currency_id.round(total - rounded)

    def _sale_discount_rates(self, lines=None):
        """{line: percentage of the order discount on its net price}. An amount is allocated
        over the lines in proportion to their totals, to the cent, so that the order total goes
        down by exactly that amount."""
        self.ensure_one()
        if not self.sale_discount:
            return {}
        lines = (self.order_line if lines is None else lines).filtered(
            lambda ln: not ln.display_type and not ln.is_downpayment
        )
        if not lines:
            return {}
        if self.sale_discount_type == "percent":
            return dict.fromkeys(lines, self.sale_discount)
        gross = {line: line._sale_total_before_order_discount() for line in lines}
        total = sum(gross.values())
        currency = self.currency_id or self.company_id.currency_id
        if currency.compare_amounts(total, 0.0) <= 0:
            return {}
        # the amount in cents, shared out by largest remainder
        unit = currency.rounding
        cents = round(min(self.sale_discount, total) / unit)
        shares = {line: cents * value / total for line, value in gross.items()}
        alloc = {line: int(share) for line, share in shares.items()}
        left = cents - sum(alloc.values())
        for line in sorted(lines, key=lambda ln: (alloc[ln] - shares[ln], ln.id or 0))[:left]:
            alloc[line] += 1
        return {
            line: alloc[line] * unit / gross[line] * 100.0 if gross[line] else 0.0 for line in lines
        }

    # ------------------------------------------------------------------ constraints
    @api.constrains(
        "sale_discount", "sale_discount_type", "sale_rounding_method", "sale_rounding_input"
    )
    def _check_sale_discount(self):
        for order in self:
            if order.sale_discount < 0:
                raise ValidationError(
                    _("%(order)s: the order discount can't be negative.", order=order.name)
                )
            if order.sale_discount_type == "percent" and order.sale_discount > 100:
                raise ValidationError(
                    _(
                        "%(order)s: the order discount can't be more than 100%% (%(discount)s%%).",
                        order=order.name,
                        discount=order.sale_discount,
                    )
                )
            if order.sale_discount_type == "amount":
                total = sum(
                    line._sale_total_before_order_discount()
                    for line in order.order_line.filtered(
                        lambda ln: not ln.display_type and not ln.is_downpayment
                    )
                )
                if order.currency_id.compare_amounts(order.sale_discount, total) > 0:
                    raise ValidationError(
                        _(
                            "%(order)s: the order discount %(discount).2f is more than the "
                            "order total %(total).2f.",
                            order=order.name,
                            discount=order.sale_discount,
                            total=total,
                        )
                    )
            if order.sale_rounding_method == "manual" and order.sale_rounding_input < 0:
                raise ValidationError(
                    _("%(order)s: the rounding off (抹零) can't be negative.", order=order.name)
                )

    @api.constrains("amount_rounding", "amount_total")
    def _check_sale_rounding(self):
        self._check_sale_discount()  # a wrong discount is the first thing to say
        for order in self:
            rounding = order.amount_rounding
            if not rounding:
                continue
            currency = order.currency_id
            before = order.amount_total + rounding
            if (
                currency.compare_amounts(rounding, 0) > 0
                and currency.compare_amounts(rounding, before) > 0
            ):
                raise ValidationError(
                    _(
                        "%(order)s: the rounding off (抹零) %(rounding).2f is more than the "
                        "order total %(total).2f.",
                        order=order.name,
                        rounding=rounding,
                        total=before,
                    )
                )
            limit = order.company_id.sale_max_rounding
            if limit and currency.compare_amounts(abs(rounding), limit) > 0:
                raise ValidationError(
                    _(
                        "%(order)s: the rounding off (抹零) %(rounding).2f is more than the "
                        "company's limit of %(limit).2f.",
                        order=order.name,
                        rounding=rounding,
                        limit=limit,
                    )
                )

    # ------------------------------------------------------------------ invoicing
    def _create_invoices(self, grouped=False, final=False, date=None):
        moves = super()._create_invoices(grouped=grouped, final=final, date=date)
        moves._sale_add_rounding_lines()
        return moves

    def _sale_rounding_invoiced(self):
        """Whether an invoice (not cancelled) of the order already carries its 抹零."""
        self.ensure_one()
        return bool(
            self.env["account.move.line"]
            .sudo()
            .search_count(
                [("sale_rounding_order_id", "=", self.id), ("parent_state", "!=", "cancel")],
                limit=1,
            )
        )

    def _prepare_rounding_invoice_line(self, move):
        """The invoice line of the order's 抹零: one line, no tax."""
        self.ensure_one()
        return {
            "display_type": "product",
            "name": _("Rounding off (抹零) %(order)s", order=self.name),
            "quantity": 1.0,
            "price_unit": -self.amount_rounding,
            "tax_ids": [fields.Command.clear()],
            "account_id": move.journal_id.default_account_id.id,
            "sale_rounding_order_id": self.id,
            "sequence": 10000,
        }
