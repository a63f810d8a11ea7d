"""Uninstall of report_ext: undo what the addon set outside what Odoo removes by itself.

Odoo drops the addon's fields on sale.order (the stored ``analysis_*`` totals, filled by the
install) with their columns. Its analysis models have no SQL view to drop: they are
``_table_query`` models, queries run in place (Odoo would drop a view of an ``_auto = False``
model's table itself). This hook, run before that:

- drops the index the install created on core's sale_order table;
- deletes its system parameters (``report_ext.turnover_days``, ``report_ext.slow_mover_days``).
"""

from odoo.addons.sale_order_ext.uninstall import delete_params, drop_indexes

# the indexes the install (hooks.ensure_indexes) created on core's tables: {index: table}
CORE_TABLE_INDEXES = {"sale_order_report_ext_date_partner_idx": "sale_order"}


def uninstall_hook(env):
    drop_indexes(env, "report_ext", CORE_TABLE_INDEXES)
    delete_params(env, "report_ext")
