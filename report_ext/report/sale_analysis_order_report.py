from odoo import fields, models
from odoo.tools import SQL


class SaleAnalysisOrderReport(models.Model):
    """销售分析 per order: the same dimensions and measures as ``sale.analysis.report``,
    one row per order with its lines' totals (stored on the order, kept by the ORM).

    ``sale.analysis.report`` answers a ``read_group`` from this view when the grouping, the
    domain and the record rules only involve order fields: a pivot by month x customer then
    aggregates ~10x fewer rows, on live data. ``line_count`` is what ``__count`` (number of
    lines) becomes.
    """

    _name = "sale.analysis.order.report"
    _inherit = "sale.analysis.mixin"
    _description = "Sales Analysis (Orders)"
    _auto = False
    _rec_name = "order_id"
    _order = "date desc, id desc"
    # flushed before the view is queried (the stored totals are recomputed by the flush)
    _depends = {
        "sale.order": [
            "date_order",
            "state",
            "flow_state",
            "partner_id",
            "user_id",
            "team_id",
            "warehouse_id",
            "company_id",
            "currency_rate",
            "analysis_line_count",
            "analysis_amount_untaxed",
            "analysis_amount_total",
            "analysis_cost",
            "analysis_margin",
        ],
        "res.partner": ["commercial_partner_id", "customer_grade"],
        "res.company": ["currency_id"],
    }

    line_count = fields.Integer(string="Lines", readonly=True)

    @property
    def _table_query(self):
        convert = self._analysis_to_company_currency
        return SQL(
            """
            SELECT so.id AS id,
                   so.id AS order_id,
                   so.id AS order_count,
                   so.date_order AS date,
                   so.state AS state,
                   so.flow_state AS flow_state,
                   so.partner_id AS partner_id,
                   partner.commercial_partner_id AS commercial_partner_id,
                   partner.customer_grade AS customer_grade,
                   so.user_id AS user_id,
                   so.team_id AS team_id,
                   so.warehouse_id AS warehouse_id,
                   so.company_id AS company_id,
                   company.currency_id AS currency_id,
                   so.analysis_line_count AS line_count,
                   %(untaxed)s AS amount_untaxed,
                   %(total)s AS amount_total,
                   %(cost)s AS cost,
                   %(margin)s AS margin,
                   CASE WHEN so.analysis_amount_untaxed <> 0
                       THEN so.analysis_margin / so.analysis_amount_untaxed * 100.0
                       ELSE 0 END AS margin_percent
              FROM sale_order so
              LEFT JOIN res_partner partner ON partner.id = so.partner_id
              LEFT JOIN res_company company ON company.id = so.company_id
             WHERE so.analysis_line_count > 0
            """,
            untaxed=convert(SQL("so.analysis_amount_untaxed")),
            total=convert(SQL("so.analysis_amount_total")),
            cost=convert(SQL("so.analysis_cost")),
            margin=convert(SQL("so.analysis_margin")),
        )
