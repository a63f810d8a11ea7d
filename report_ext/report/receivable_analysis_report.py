from odoo import fields, models
from odoo.tools import SQL

AGING_BUCKETS = [
    ("aging_0_30", 0, 30),
    ("aging_31_60", 31, 60),
    ("aging_61_90", 61, 90),
    ("aging_over_90", 91, None),
]
DSO_DAYS = 90


class ReceivableAnalysisReport(models.Model):
    """应收分析: receivables per customer, company and salesperson (of the invoices).

    Built on posted receivable journal items:
    - Invoiced: invoices minus credit notes (all time);
    - Paid: payments and other entries credited to the receivable;
    - Amount Due = Invoiced - Paid = open amount (sum of residual amounts);
    - Overdue and aging: open amounts of items by days past their due date, as of today
      (0-30 includes items not yet due); unapplied payments reduce the amount due but are
      not aged;
    - DSO (days sales outstanding) = amount due / invoiced in the last 90 days x 90.
    """

    _name = "receivable.analysis.report"
    _description = "Receivables Analysis"
    _auto = False
    _rec_name = "partner_id"
    _order = "amount_due desc"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    amount_invoiced = fields.Monetary(string="Invoiced", readonly=True)
    amount_paid = fields.Monetary(string="Paid", readonly=True)
    amount_due = fields.Monetary(string="Amount Due", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
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
        overdue_days = SQL("(%s::date - aml.date_maturity)", today)
        open_item = SQL("aml.amount_residual > 0")
        buckets = []
        for fname, low, high in AGING_BUCKETS:
            condition = SQL("%s >= %s", overdue_days, low) if low else SQL("TRUE")
            if high is not None:
                condition = SQL("%s AND %s <= %s", condition, overdue_days, high)
            buckets.append(
                SQL(
                    "SUM(aml.amount_residual) FILTER (WHERE %s AND %s) AS %s",
                    open_item,
                    condition,
                    SQL.identifier(fname),
                )
            )
        return SQL(
            """
            MIN(aml.id) AS id,
            COALESCE(partner.commercial_partner_id, aml.partner_id) AS partner_id,
            move.invoice_user_id AS user_id,
            aml.company_id AS company_id,
            company.currency_id AS currency_id,
            SUM(aml.balance) FILTER (WHERE move.move_type IN ('out_invoice', 'out_refund'))
                AS amount_invoiced,
            -SUM(aml.balance) FILTER (WHERE move.move_type NOT IN ('out_invoice', 'out_refund'))
                AS amount_paid,
            SUM(aml.amount_residual) AS amount_due,
            SUM(aml.amount_residual) FILTER (WHERE %(open)s AND aml.date_maturity < %(today)s)
                AS amount_overdue,
            %(buckets)s,
            SUM(aml.balance) FILTER (
                WHERE move.move_type IN ('out_invoice', 'out_refund')
                AND aml.date > %(today)s::date - %(dso_days)s
            ) AS amount_invoiced_recent,
            CASE WHEN SUM(aml.balance) FILTER (
                    WHERE move.move_type IN ('out_invoice', 'out_refund')
                    AND aml.date > %(today)s::date - %(dso_days)s) > 0
                THEN SUM(aml.amount_residual) / SUM(aml.balance) FILTER (
                    WHERE move.move_type IN ('out_invoice', 'out_refund')
                    AND aml.date > %(today)s::date - %(dso_days)s) * %(dso_days)s
                ELSE 0 END AS dso
            """,
            open=open_item,
            today=today,
            buckets=SQL(", ").join(buckets),
            dso_days=DSO_DAYS,
        )

    def _from(self):
        return SQL(
            """
            account_move_line aml
            JOIN account_move move ON move.id = aml.move_id
            JOIN account_account account ON account.id = aml.account_id
            LEFT JOIN res_partner partner ON partner.id = aml.partner_id
            LEFT JOIN res_company company ON company.id = aml.company_id
            """
        )

    def _where(self):
        return SQL(
            "aml.parent_state = 'posted' AND account.account_type = 'asset_receivable' "
            "AND aml.partner_id IS NOT NULL"
        )

    def _group_by(self):
        return SQL(
            "COALESCE(partner.commercial_partner_id, aml.partner_id), move.invoice_user_id, "
            "aml.company_id, company.currency_id"
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
