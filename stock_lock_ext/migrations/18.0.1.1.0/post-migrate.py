from odoo.tools import SQL

from odoo.addons.stock_lock_ext.hooks import ensure_indexes


def migrate(cr, version):
    # created by init() at every start until 18.0.1.1.0, by the install and this step since
    ensure_indexes(cr)
    # the low-stock activity type is the company's to adapt (noupdate since 18.0.1.1.0)
    cr.execute(
        SQL(
            "UPDATE ir_model_data SET noupdate = TRUE WHERE module = 'stock_lock_ext' "
            "AND model = 'mail.activity.type'"
        )
    )
