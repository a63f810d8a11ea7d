from odoo.addons.report_ext.hooks import fill_analysis_totals


def migrate(cr, version):
    """18.0.1.1.0 stores the orders' line totals: one UPDATE, not an ORM recompute."""
    fill_analysis_totals(cr)
