"""Install and uninstall of report_ext on a company's existing database."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from .uninstall import uninstall_hook  # noqa: F401 (the manifest names it)

ANALYSIS_COLUMNS = {
    "analysis_line_count": "int4",
    "analysis_amount_untaxed": "float8",
    "analysis_amount_total": "float8",
    "analysis_cost": "float8",
    "analysis_margin": "float8",
}


def pre_init_hook(env):
    """Fill sale.order's stored line totals with one UPDATE: the ORM would otherwise
    recompute them order by order when installing on a database with years of orders."""
    fill_analysis_totals(env.cr)


def fill_analysis_totals(cr):
    """Create sale.order's ``analysis_*`` columns if needed and fill them from the lines
    (install and the 18.0.1.1.0 upgrade, which added them)."""
    for column, column_type in ANALYSIS_COLUMNS.items():
        if not column_exists(cr, "sale_order", column):
            create_column(cr, "sale_order", column, column_type)
    cr.execute(
        SQL(
            """
            UPDATE sale_order so
               SET analysis_line_count = COALESCE(t.line_count, 0),
                   analysis_amount_untaxed = COALESCE(t.untaxed, 0),
                   analysis_amount_total = COALESCE(t.total, 0),
                   analysis_cost = COALESCE(t.cost, 0),
                   analysis_margin = COALESCE(t.margin, 0)
              FROM sale_order o
              LEFT JOIN (
                  SELECT order_id, COUNT(*) AS line_count, SUM(price_subtotal) AS untaxed,
                         SUM(price_total) AS total,
                         SUM(COALESCE(purchase_price, 0) * product_uom_qty) AS cost,
                         SUM(COALESCE(margin, 0)) AS margin
                    FROM sale_order_line
                   WHERE display_type IS NULL
                   GROUP BY order_id
              ) t ON t.order_id = o.id
             WHERE so.id = o.id
            """
        )
    )


def post_init_hook(env):
    ensure_indexes(env.cr)


def ensure_indexes(cr):
    """Indexes the analysis needs on live tables (its views are queries): month x customer over
    the whole table is a sequential scan anyway; this one serves the usual pivot filters, a
    period and a customer."""
    cr.execute(
        SQL(
            "CREATE INDEX IF NOT EXISTS sale_order_report_ext_date_partner_idx "
            "ON sale_order (date_order, partner_id)"
        )
    )
