"""Throughput on a hot product: 30 clients submit at the same instant, 10 on hand.

    bash scripts/bench.sh stock_lock_race [CLIENTS] [ROUNDS]      (default 30 3)

Each client submits one order of 1-2 units in its own transaction, retried on serialization
failures exactly like odoo.service.model.retrying (same tries, same random waits). Throughput =
orders whose submission returned (locked and confirmed, or left 待审核 with the shortage) per
second of wall time. Side by side, in the same run: the same race with stock_lock_ext's guard and
quant-level check switched off (``_take_guard``/``_check_stock_locks`` patched out), i.e. what
confirming costs without the locks (the review off, so each submission confirms at once) — and
how much that oversells. In-process threads on one Odoo: compare the two figures with each other.
"""

import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.api import Transaction
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from odoo.addons.stock_lock_ext.models.stock_lock import StockLock


def _prepare(registry, n_clients):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env.company.write(
            {
                "sale_review_required": False,
                "stock_lock_trigger": "submit",
                "stock_lock_shortage_policy": "review",
            }
        )
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        product = env["product.product"].create(
            {"name": "热销保温杯", "type": "consu", "is_storable": True, "list_price": 10}
        )
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10)
        partner = env["res.partner"].create(
            {"name": "并发客户", "street": "路 1 号", "city": "上海", "phone": "1"}
        )
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "warehouse_id": warehouse.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": random.choice((1, 2)),
                                "price_unit": 10,
                            }
                        )
                    ],
                }
                for __ in range(n_clients)
            ]
        )
        return product.id, orders.ids


def _submit(registry, order_id, barrier):
    threading.current_thread().dbname = registry.db_name
    for tryno in range(1, MAX_TRIES_ON_CONCURRENCY_FAILURE + 1):
        with registry.cursor() as cr:
            cr.transaction = Transaction(registry)
            env = api.Environment(cr, SUPERUSER_ID, {})
            if tryno == 1:
                barrier.wait(timeout=60)
            try:
                env["sale.order"].browse(order_id).action_submit_review()
                cr.flush()
                return "returned"
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                cr.rollback()
        time.sleep(random.uniform(0.0, 2**tryno))
    return "gave up"


def _round(registry, n_clients):
    product_id, order_ids = _prepare(registry, n_clients)
    barrier = threading.Barrier(n_clients)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n_clients) as pool:
        outcomes = list(pool.map(lambda oid: _submit(registry, oid, barrier), order_ids))
    seconds = time.perf_counter() - start
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        quants = env["stock.quant"].search(
            [("product_id", "=", product_id), ("location_id.usage", "=", "internal")]
        )
        locks = env["stock.lock"].search(
            [("product_id", "=", product_id), ("state", "=", "active")]
        )
        spent = sum(quants.mapped("reserved_quantity")) + sum(locks.mapped("quantity"))
    return outcomes.count("returned") / seconds, spent - 10, seconds


def main(env, args):
    n_clients = int(args[0]) if args else 30
    rounds = int(args[1]) if len(args) > 1 else 3
    registry = env.registry
    env.cr.commit()
    # serialization failures are expected (and retried): don't print each as a bad query
    logging.getLogger("odoo.sql_db").setLevel(logging.CRITICAL)
    random.seed(11)
    for round_no in range(rounds):
        ours = _round(registry, n_clients)
        with (
            patch.object(StockLock, "_take_guard", lambda self, products: None),
            patch.object(StockLock, "_check_stock_locks", lambda self: None),
        ):
            plain = _round(registry, n_clients)
        print(
            f"FIGURE stock_lock_race round={round_no} clients={n_clients} "
            f"orders/s ours={ours[0]:.2f} without-locks={plain[0]:.2f} "
            f"ratio={ours[0] / plain[0]:.2f} (target >= 0.8) "
            f"oversold ours={max(ours[1], 0):g} without-locks={max(plain[1], 0):g} "
            f"wall s ours={ours[2]:.1f} without-locks={plain[2]:.1f}"
        )
