from odoo import fields, models
from odoo.tools import SQL

from .sale_analysis_mixin import ANALYSIS_DEPENDS


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
    # flushed before the view is queried (the flush recomputes the stored totals)
    _depends = {
        **ANALYSIS_DEPENDS,
        "sale.order": ANALYSIS_DEPENDS["sale.order"]
        + [
            "analysis_line_count",
            "analysis_amount_untaxed",
            "analysis_amount_total",
            "analysis_cost",
            "analysis_margin",
        ],
    }

    line_count = fields.Integer(string="Lines", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT so.id AS id,
                   so.id AS order_id,
                   so.id AS order_count,
                   so.analysis_line_count AS line_count,
                   %s
              FROM sale_order so
              LEFT JOIN res_partner partner ON partner.id = so.partner_id
              LEFT JOIN res_company company ON company.id = so.company_id
             WHERE so.analysis_line_count > 0
            """,
            self._analysis_columns(
                untaxed=SQL("so.analysis_amount_untaxed"),
                total=SQL("so.analysis_amount_total"),
                cost=SQL("so.analysis_cost"),
                margin=SQL("so.analysis_margin"),
            ),
        )
