from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.sale_order_ext.models.pinyin_search_mixin import ensure_code_trigram_indexes


def migrate(cr, version):
    # record rules are the integrator's to adapt from 18.0.1.1.0 on (noupdate, as core's)
    cr.execute(
        SQL(
            "UPDATE ir_model_data SET noupdate = TRUE WHERE module = 'sale_order_ext' AND model = 'ir.rule'"
        )
    )
    # created by init() at every start until 18.0.1.1.0, by the install and this step since
    ensure_code_trigram_indexes(api.Environment(cr, SUPERUSER_ID, {}))
