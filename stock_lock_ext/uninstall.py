"""Uninstall of stock_lock_ext: undo what the addon set outside what Odoo removes by itself.

Odoo drops the lock and alert tables (the units they kept become free), the addon's records
and its activity type with the alerts' activities. This hook, run before that:

- releases the active stock locks: a note in each order's chatter, in its company's
  language, says the lock was released because the addon was uninstalled, and the server
  log counts them (the orders go on: pending ones in review, or in core's flow);
- resets the home action of the users it set (the buyers' 库存预警, the role it adds);
- deletes its system parameters (the low-stock check's cursor).
"""

import logging

from odoo.addons.sale_order_ext.uninstall import (
    by_company_language,
    delete_params,
    reset_home_actions,
    suite_role_actions,
)

_logger = logging.getLogger(__name__)


def uninstall_hook(env):
    release_active_locks(env)
    ours = set(suite_role_actions())
    reset_home_actions(
        env,
        [a for __, a in env["res.users"]._role_home_actions() if a not in ours],
        "stock_lock_ext",
    )
    delete_params(env, "stock_lock_ext")


def release_active_locks(env):
    """End the active locks as released, logged on their orders in each company's language."""
    locks = env["stock.lock"].sudo().search([("state", "=", "active")])
    if not locks:
        _logger.info("stock_lock_ext uninstalled: no active stock lock to release")
        return locks
    for lang, lang_orders in by_company_language(locks.order_id).items():
        # the locks' table goes with the addon: no tracking message on them
        lang_env = env(context=dict(env.context, lang=lang, tracking_disable=True))
        lang_locks = locks.filtered(lambda lock, o=lang_orders: lock.order_id in o)
        lang_locks.with_env(lang_env)._release(
            "released",
            lang_env._(
                "the stock locks module (stock_lock_ext) was uninstalled: the stock is no "
                "longer kept for this order"
            ),
        )
    _logger.warning(
        "stock_lock_ext uninstalled: %s active stock lock(s) of %s order(s) released (%s)",
        len(locks),
        len(locks.order_id),
        ", ".join(locks.order_id.mapped("name")),
    )
    return locks
