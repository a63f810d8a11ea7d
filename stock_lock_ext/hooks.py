"""Install and uninstall of stock_lock_ext on a company's existing database."""

import logging

from odoo.tools import SQL

from .uninstall import uninstall_hook  # noqa: F401 (the manifest names it)

_logger = logging.getLogger(__name__)


def post_init_hook(env):
    # the stock shortage check joins sale_order_ext's checklist in every company
    env["sale.review.check"]._seed()
    ensure_indexes(env.cr)
    without = env["res.company"].search([]) - env["stock.warehouse"].search([]).company_id
    if without:
        _logger.info(
            "stock_lock_ext: no warehouse in %s: nothing is locked or alerted there until one exists",
            ", ".join(without.mapped("name")),
        )


def ensure_indexes(cr):
    """One open alert per product and warehouse, whatever runs the check."""
    cr.execute(
        SQL(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS stock_low_alert_open_uniq
                ON stock_low_alert (product_id, warehouse_id) WHERE state = 'open'
            """
        )
    )
