from odoo.tools import SQL

from odoo.addons.report_ext.hooks import ensure_indexes


def migrate(cr, version):
    # created by init() at every start until 18.0.1.3.0, by the install and this step since
    ensure_indexes(cr)
    # a former duplicate of core's sale_order_line.order_partner_id index
    cr.execute(SQL("DROP INDEX IF EXISTS sale_order_line_report_ext_partner_idx"))
    # record rules are the integrator's to adapt from 18.0.1.3.0 on (noupdate, as core's)
    cr.execute(
        SQL(
            "UPDATE ir_model_data SET noupdate = TRUE WHERE module = 'report_ext' AND model = 'ir.rule'"
        )
    )
