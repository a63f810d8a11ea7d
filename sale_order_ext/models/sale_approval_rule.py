from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .res_partner import CUSTOMER_GRADE


class SaleApprovalRule(models.Model):
    """When an order needs whose approval. All the conditions set on a rule must hold."""

    _name = "sale.approval.rule"
    _description = "Sales Approval Rule"
    _order = "company_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    sequence = fields.Integer(string="Level", default=10, help="Levels are approved in this order.")
    group_id = fields.Many2one(
        "res.groups",
        string="Approver Group",
        required=True,
        default=lambda self: self.env.ref(
            "sale_order_ext.group_sale_approver", raise_if_not_found=False
        ),
    )
    min_amount = fields.Monetary(string="Amount From", currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    min_discount = fields.Float(string="Any Discount From (%)")
    max_margin = fields.Float(string="Margin Below (%)", help="Leave 0 to ignore the margin.")
    customer_grades = fields.Char(
        string="Customer Grades", help="Comma-separated grades (A, B, C, D) the rule applies to."
    )
    partner_category_ids = fields.Many2many("res.partner.category", string="Customer Tags")
    on_warning = fields.Boolean(string="Any Warning Present")
    check_ids = fields.Many2many(
        "sale.review.check",
        string="Failed Checks",
        help="The rule applies when any of these checks fails.",
    )

    @api.constrains("min_amount", "min_discount", "max_margin")
    def _check_thresholds(self):
        for rule in self:
            if rule.min_amount < 0 or not 0 <= rule.min_discount <= 100 or rule.max_margin > 100:
                raise ValidationError(
                    _(
                        "Rule %(rule)s: amounts can't be negative and percentages must be at most 100.",
                        rule=rule.name,
                    )
                )

    @api.constrains("customer_grades")
    def _check_grades(self):
        valid = {code.upper() for code, __ in CUSTOMER_GRADE}
        for rule in self:
            grades = {
                g.strip().upper() for g in (rule.customer_grades or "").split(",") if g.strip()
            }
            if grades - valid:
                raise ValidationError(
                    _(
                        "Rule %(rule)s: unknown customer grade %(grades)s (use A, B, C or D).",
                        rule=rule.name,
                        grades=", ".join(sorted(grades - valid)),
                    )
                )

    def _matches(self, order, checks):
        """Whether this rule applies to the order, given its collected review checks."""
        self.ensure_one()
        lines = order.order_line.filtered(lambda line: not line.display_type)
        amount = order._review_amount()
        conditions = []
        if self.min_amount:
            conditions.append(amount >= self.min_amount)
        if self.min_discount:
            conditions.append(
                any(line._sale_combined_discount() >= self.min_discount for line in lines)
            )
        if self.max_margin:
            subtotal = sum(lines.mapped("price_subtotal"))
            cost = sum(
                line.product_id.with_company(order.company_id).standard_price * line.product_uom_qty
                for line in lines
            )
            margin = (subtotal - cost) / subtotal * 100 if subtotal else 0.0
            conditions.append(margin < self.max_margin)
        if self.customer_grades:
            grades = {g.strip().lower() for g in self.customer_grades.split(",")}
            conditions.append(order.partner_id.commercial_partner_id.customer_grade in grades)
        if self.partner_category_ids:
            partner = order.partner_id
            conditions.append(
                bool(
                    (partner.category_id | partner.commercial_partner_id.category_id)
                    & self.partner_category_ids
                )
            )
        if self.on_warning:
            conditions.append(any(c["severity"] != "pass" for c in checks))
        if self.check_ids:
            codes = set(self.check_ids.mapped("code"))
            conditions.append(any(c["code"] in codes and c["severity"] != "pass" for c in checks))
        return bool(conditions) and all(conditions)
