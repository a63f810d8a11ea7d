from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..report.report_customer_statement import STATEMENT_TYPES


class CustomerStatementWizard(models.TransientModel):
    """对账单 / 结算单: choose customers, company and period, then print."""

    _name = "customer.statement.wizard"
    _description = "Print Customer Statements"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        required=True,
        default=lambda self: self._default_partner_ids(),
        domain="[('parent_id', '=', False), ('company_id', 'in', [company_id, False])]",
    )
    date_from = fields.Date(
        string="Start Date",
        required=True,
        default=lambda self: fields.Date.start_of(fields.Date.context_today(self), "month"),
    )
    date_to = fields.Date(
        string="End Date", required=True, default=lambda self: fields.Date.context_today(self)
    )
    statement_type = fields.Selection(
        STATEMENT_TYPES,
        string="Statement Type",
        required=True,
        default="invoice",
        help="Invoices and Payments: the receivable account (结算单).\n"
        "Deliveries and Returns: delivered goods at the sale price and payments, for "
        "customers who reconcile on deliveries before invoicing (对账单).",
    )

    @api.model
    def _default_partner_ids(self):
        if self.env.context.get("active_model") == "res.partner":
            return self.env["res.partner"].browse(self.env.context.get("active_ids"))
        return self.env["res.partner"]

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from and wizard.date_to and wizard.date_to < wizard.date_from:
                raise UserError(
                    _(
                        "The statement period ends (%(end)s) before it starts (%(start)s).",
                        start=wizard.date_from,
                        end=wizard.date_to,
                    )
                )

    def _get_report_data(self):
        """The report's ``data``: the web client prints an action carrying ``data`` with
        ``/report/pdf/<name>?options=<data>`` and no document ids, so the customers travel
        in it too (the report checks them against the user's rights again)."""
        self.ensure_one()
        return {
            "partner_ids": self.partner_ids.commercial_partner_id.ids,
            "company_id": self.company_id.id,
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "statement_type": self.statement_type,
        }

    def action_print(self):
        self.ensure_one()
        partners = self.partner_ids.commercial_partner_id
        self.env["report.report_ext.report_customer_statement"]._check_statement_parameters(
            partners, self.company_id, self.date_from, self.date_to
        )
        return self.env.ref("report_ext.action_report_customer_statement").report_action(
            partners, data=self._get_report_data()
        )
