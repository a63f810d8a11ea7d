"""What the stock-lock cap and invariant check cost, next to plain Odoo, on committed transactions.

    bash scripts/bench.sh stock_lock [LINES ...]        (default 1 10 40 50)

Each of N products has 100 on hand and 10 locked by a pending order (the worst case: every line
of the delivery touches a locked product). For a delivery of N lines it measures, each step in
its own committed transaction (commit = flush + precommit hooks, where the check runs):
confirm + Check Availability, validating the reserved delivery, validating another one straight
from draft. "plain" is the same run with stock_lock_ext's cap and check switched off
(``StockMove._stock_lock_room`` and ``StockLock._check_stock_locks`` patched out), i.e. what
Odoo and the other addons cost without them. Prints queries and milliseconds side by side.
"""

import time
from unittest.mock import patch

from odoo import Command

from odoo.addons.stock_lock_ext.models.stock_lock import StockLock
from odoo.addons.stock_lock_ext.models.stock_move import StockMove


def _setup(env, n_max):
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    products = env["product.product"].create(
        [
            {"name": f"基准出库产品 {i}", "type": "consu", "is_storable": True, "list_price": 10}
            for i in range(n_max)
        ]
    )
    for product in products:
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 100)
    partner = env["res.partner"].create(
        {"name": "基准锁库客户", "street": "路 1 号", "city": "上海", "phone": "1"}
    )
    env.company.write({"sale_review_required": True, "stock_lock_trigger": "submit"})
    order = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "warehouse_id": warehouse.id,
            "order_line": [
                Command.create({"product_id": p.id, "product_uom_qty": 10, "price_unit": 10})
                for p in products
            ],
        }
    )
    order.action_submit_review()
    env.cr.commit()
    return warehouse, products


def _delivery(env, warehouse, products):
    customers = env.ref("stock.stock_location_customers")
    return env["stock.picking"].create(
        {
            "picking_type_id": warehouse.out_type_id.id,
            "location_id": warehouse.lot_stock_id.id,
            "location_dest_id": customers.id,
            "move_ids": [
                Command.create(
                    {
                        "name": p.name,
                        "product_id": p.id,
                        "product_uom_qty": 1,
                        "location_id": warehouse.lot_stock_id.id,
                        "location_dest_id": customers.id,
                    }
                )
                for p in products
            ],
        }
    )


def _measure(env, func):
    """(queries, ms) of func committed in its own transaction, caches cold."""
    env.cr.commit()
    env.invalidate_all()
    start_queries, start = env.cr.sql_log_count, time.perf_counter()
    func()
    env.cr.commit()
    return env.cr.sql_log_count - start_queries, (time.perf_counter() - start) * 1000


def _run(env, warehouse, products, n):
    picking = _delivery(env, warehouse, products[:n])
    draft = _delivery(env, warehouse, products[:n])
    env.cr.commit()

    def assign():
        picking.action_confirm()
        picking.action_assign()

    def from_draft():
        draft.move_ids.write({"quantity": 1, "picked": True})
        draft.button_validate()

    figures = [_measure(env, f) for f in (assign, picking.button_validate, from_draft)]
    assert (picking | draft).mapped("state") == ["done", "done"]
    return figures


def main(env, args):
    sizes = [int(a) for a in args] or [1, 10, 40, 50]
    warehouse, products = _setup(env, max(sizes))
    steps = ("confirm + check availability", "validate reserved", "validate from draft")
    results = {}
    for mode in ("plain", "ours", "plain", "ours"):  # the first pass of each warms caches
        if mode == "plain":
            with (
                patch.object(StockLock, "_check_stock_locks", lambda self: None),
                patch.object(StockMove, "_stock_lock_room", lambda self: None),
            ):
                results[mode] = {n: _run(env, warehouse, products, n) for n in sizes}
        else:
            results[mode] = {n: _run(env, warehouse, products, n) for n in sizes}
    for n in sizes:
        for i, step in enumerate(steps):
            (pq, pms), (oq, oms) = results["plain"][n][i], results["ours"][n][i]
            print(
                f"FIGURE stock_lock lines={n} step={step!r} queries plain={pq} ours={oq} "
                f"({oq - pq:+d}, target <= +5) ms plain={pms:.0f} ours={oms:.0f}"
            )
