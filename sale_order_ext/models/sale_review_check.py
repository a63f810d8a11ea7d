from odoo import api, fields, models

CHECK_SEVERITY = [("warning", "Warning"), ("blocking", "Blocking")]


class SaleReviewCheck(models.Model):
    """A company's setting for one review check: enabled, how severe, who may override it."""

    _name = "sale.review.check"
    _description = "Sales Review Check"
    _order = "company_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, readonly=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(string="Enabled", default=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    severity = fields.Selection(CHECK_SEVERITY, required=True, default="warning")
    override_group_id = fields.Many2one(
        "res.groups",
        string="Override Group",
        default=lambda self: self.env.ref(
            "sale_order_ext.group_sale_approver", raise_if_not_found=False
        ),
        help="Members of this group may approve an order despite this check, with a reason.",
    )

    _sql_constraints = [
        ("code_company_uniq", "unique(company_id, code)", "A check exists once per company."),
    ]

    @api.model
    def _get_configs(self, companies):
        """{(company_id, code): check} for these companies, disabled ones included."""
        checks = self.with_context(active_test=False).search([("company_id", "in", companies.ids)])
        return {(c.company_id.id, c.code): c for c in checks}

    @api.model
    def _seed(self, companies=None):
        """Create the missing checks of every definition for the companies (all by default)."""
        companies = companies or self.env["res.company"].search([])
        existing = self._get_configs(companies)
        definitions = self.env["sale.order"]._review_check_definitions()
        self.create(
            [
                {
                    "company_id": company.id,
                    "code": code,
                    "name": label,
                    "severity": severity,
                    "sequence": index * 10,
                }
                for company in companies
                for index, (code, label, severity) in enumerate(definitions)
                if (company.id, code) not in existing
            ]
        )
