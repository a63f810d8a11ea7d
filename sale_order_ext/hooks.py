"""Install and uninstall of sale_order_ext on a company's existing database."""

import json
import logging

from odoo import fields
from odoo.tools import SQL, split_every

from .models.pinyin_search_mixin import (
    ensure_code_trigram_indexes,
    ensure_pg_trgm,
    fill_pinyin_columns,
)
from .uninstall import by_company_language, uninstall_hook  # noqa: F401 (the manifest names it)

_logger = logging.getLogger(__name__)

# orders adopted per transaction step: their terms are read with the ORM, memory stays flat
ADOPT_BATCH = 1000


def pre_init_hook(env):
    # the pinyin keys' trigram index is created with the column: pg_trgm must exist before
    ensure_pg_trgm(env)
    # keys of 100,000 names in batches of SQL, before the ORM would compute them one by one
    fill_pinyin_columns(env.cr)


def post_init_hook(env):
    env["sale.review.check"]._seed()
    ensure_code_trigram_indexes(env)
    adopt_confirmed_orders(env)


def adopt_confirmed_orders(env):
    """Orders confirmed before the install count as approved on the terms they have now.

    The system approves them, not a user: an approved step without approver named
    "Confirmed before install" (安装前已确认), a note in each order's chatter, and their approved
    terms, so their deliveries, invoices, returns and down payments go on; changing their terms
    later enters review like any approved order. Quotations stay quotations (草稿) and follow
    the review flow when submitted. Batched: orders' terms are read 1,000 at a time.
    """
    env.flush_all()
    env.cr.execute(
        SQL(
            "SELECT id FROM sale_order WHERE state = 'sale' AND approval_state = 'draft' ORDER BY id"
        )
    )
    order_ids = [row[0] for row in env.cr.fetchall()]
    if not order_ids:
        return
    Order = env["sale.order"].sudo().with_context(active_test=False, tracking_disable=True)
    group = env.ref("sale_order_ext.group_sale_approver")
    version = env["ir.module.module"].search([("name", "=", "sale_order_ext")]).latest_version
    now = fields.Datetime.now()
    done = 0
    for batch_ids in split_every(ADOPT_BATCH, order_ids):
        orders, terms = Order.browse(batch_ids), {}
        for order in orders:
            try:
                terms[str(order.id)] = order._review_terms()
            except Exception:  # one unreadable order must not stop the install
                _logger.warning(
                    "sale_order_ext: %s (id %s) left unapproved: its terms can't be read",
                    order.name,
                    order.id,
                    exc_info=True,
                )
        orders = orders.browse([int(order_id) for order_id in terms])
        env.cr.execute(
            SQL(
                """
                UPDATE sale_order so
                   SET approval_state = 'approved', approved_by_id = NULL,
                       approved_date = %(now)s, approved_terms = t.terms, review_terms = NULL
                  FROM jsonb_each(%(terms)s::jsonb) t(id, terms)
                 WHERE so.id = t.id::int
                """,
                now=now,
                terms=json.dumps(terms),
            )
        )
        orders.invalidate_recordset(["approval_state", "approved_terms", "approved_date"])
        orders.modified(["approval_state"])  # flow_state: approved, shipped, completed...
        for lang, lang_orders in by_company_language(orders).items():
            lang_env = env(context=dict(env.context, lang=lang))
            step_name = lang_env._("Confirmed before install")
            body = lang_env._(
                "Confirmed before the sales review (sale_order_ext %(version)s) was installed: "
                "approved by the system on the terms it had at install.",
                version=version or "",
            )
            env["sale.order.approval"].sudo().create(
                [
                    {
                        "order_id": order.id,
                        "name": step_name,
                        "sequence": 0,
                        "group_id": group.id,
                        "state": "approved",
                        "date": now,
                        "reason": body,
                    }
                    for order in lang_orders
                ]
            )
            lang_orders._message_log_batch(bodies=dict.fromkeys(lang_orders.ids, body))
        env.flush_all()
        env.invalidate_all()
        done += len(batch_ids)
        _logger.info("sale_order_ext: %s of %s confirmed orders adopted", done, len(order_ids))
