from odoo import fields, models
from odoo.tools import SQL

from .receivable_aging import aging_aggregates

DSO_DAYS = 90


class ReceivableAnalysisReport(models.Model):
    """应收分析: receivables per customer (commercial entity) and company; the salesperson
    is the customer's (a salesperson sees his customers' whole account, payments included).

    Built on posted receivable journal items:
    - Invoiced: invoices minus credit notes (all time);
    - Paid: payments and other entries credited to the receivable;
    - Amount Due, Overdue and aging: ``receivable_aging`` as of today, the definition the
      对账单 uses on its end date (items dated up to today at their open amount, aged from
      their due date, else invoice date; unreconciled credits and payments are negative
      items; Not Due + the buckets = Amount Due);
    - DSO (days sales outstanding) = amount due / invoiced in the last 90 days x 90.
    """

    _name = "receivable.analysis.report"
    _description = "Receivables Analysis"
    _auto = False
    _rec_name = "partner_id"
    _order = "amount_due desc"
    _depends = {
        "account.move.line": [
            "move_id",
            "partner_id",
            "account_id",
            "company_id",
            "parent_state",
            "balance",
            "amount_residual",
            "date",
            "date_maturity",
            "invoice_date",
            "matching_number",
        ],
        "account.move": ["move_type"],
        "account.account": ["account_type"],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id", "amount", "max_date"],
        "res.partner": ["commercial_partner_id", "user_id"],
        "res.company": ["currency_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    amount_invoiced = fields.Monetary(string="Invoiced", readonly=True)
    amount_paid = fields.Monetary(string="Paid", readonly=True)
    amount_due = fields.Monetary(string="Amount Due", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    aging_not_due = fields.Monetary(string="Not Due", readonly=True)
    aging_0_30 = fields.Monetary(string="0-30 Days", readonly=True)
    aging_31_60 = fields.Monetary(string="31-60 Days", readonly=True)
    aging_61_90 = fields.Monetary(string="61-90 Days", readonly=True)
    aging_over_90 = fields.Monetary(string="Over 90 Days", readonly=True)
    amount_invoiced_recent = fields.Monetary(string="Invoiced (Last 90 Days)", readonly=True)
    dso = fields.Float(
        string="DSO (Days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days sales outstanding = amount due / invoiced in the last 90 days x 90. "
        "Grouped: computed on the group's totals.",
    )

    def _select(self):
        today = fields.Date.context_today(self)
        aging = aging_aggregates(today)
        recent = SQL(
            "SUM(aml.balance) FILTER (WHERE move.move_type IN ('out_invoice', 'out_refund') "
            "AND aml.date > %(today)s::date - %(days)s)",
            today=today,
            days=DSO_DAYS,
        )
        due = dict(aging)["amount_due"]
        return SQL(
            """
            MIN(aml.id) AS id,
            partner.commercial_partner_id AS partner_id,
            customer.user_id AS user_id,
            aml.company_id AS company_id,
            company.currency_id AS currency_id,
            SUM(aml.balance) FILTER (WHERE move.move_type IN ('out_invoice', 'out_refund'))
                AS amount_invoiced,
            -SUM(aml.balance) FILTER (WHERE move.move_type NOT IN ('out_invoice', 'out_refund'))
                AS amount_paid,
            %(aging)s,
            %(recent)s AS amount_invoiced_recent,
            CASE WHEN %(recent)s > 0 THEN %(due)s / %(recent)s * %(days)s ELSE 0 END AS dso
            """,
            aging=SQL(", ").join(
                SQL("%s AS %s", aggregate, SQL.identifier(column)) for column, aggregate in aging
            ),
            recent=recent,
            due=due,
            days=DSO_DAYS,
        )

    def _from(self):
        return SQL(
            """
            account_move_line aml
            JOIN account_move move ON move.id = aml.move_id
            JOIN account_account account ON account.id = aml.account_id
            JOIN res_partner partner ON partner.id = aml.partner_id
            JOIN res_partner customer ON customer.id = partner.commercial_partner_id
            JOIN res_company company ON company.id = aml.company_id
            """
        )

    def _where(self):
        return SQL(
            "aml.parent_state = 'posted' AND account.account_type = 'asset_receivable' "
            "AND aml.partner_id IS NOT NULL"
        )

    def _group_by(self):
        return SQL(
            "partner.commercial_partner_id, customer.user_id, aml.company_id, company.currency_id"
        )

    @property
    def _table_query(self):
        return SQL(
            "SELECT %s FROM %s WHERE %s GROUP BY %s",
            self._select(),
            self._from(),
            self._where(),
            self._group_by(),
        )

    def _read_group_select(self, aggregate_spec, query):
        """DSO of a group is computed on its totals, not averaged."""
        if aggregate_spec != "dso:avg":
            return super()._read_group_select(aggregate_spec, query)
        return SQL(
            "COALESCE(SUM(%(due)s) / NULLIF(SUM(%(recent)s), 0) * %(days)s, 0)",
            due=self._field_to_sql(self._table, "amount_due", query),
            recent=self._field_to_sql(self._table, "amount_invoiced_recent", query),
            days=DSO_DAYS,
        )
