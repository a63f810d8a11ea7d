"""Confirming an order: our whole path next to plain Odoo's ``action_confirm``, in the same run.

    bash scripts/bench.sh confirm [RUNS]        (default 30)

With the addons, Odoo's Confirm submits the order: checklist, stock locks, routing, automatic
approval (nothing needs review in the default configuration), then core's confirmation, and the
confirmation gate. Plain Odoo runs the same orders on a database with the same modules but
without our addons. For 1, 10 and 50 lines of storable and of non-stock products it prints the
SQL queries of one confirmation (after a warm-up, caches emptied like a new request) and the
median wall time of RUNS confirmations, the two databases measured in turns in one process;
targets: storable ≤ plain + 20 queries, non-stock ≤ plain
+ 10, flat in the number of lines; time ≤ 1.25 x plain.
"""

import os
import statistics
import time

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

SIZES = (1, 10, 50)


def _world(env):
    partner = env["res.partner"].create(
        {"name": "基准客户", "street": "中山路 1 号", "city": "上海", "phone": "021-1"}
    )
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    products = {}
    for kind in ("storable", "service"):
        products[kind] = env["product.product"].create(
            [
                {
                    "name": f"基准{kind} {i}",
                    "type": "consu" if kind == "storable" else "service",
                    "is_storable": kind == "storable",
                    "list_price": 10,
                    "standard_price": 4,
                }
                for i in range(max(SIZES))
            ]
        )
    for product in products["storable"]:
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 100_000)
    env.cr.commit()
    return partner, products


def _order(env, partner, products, n):
    return env["sale.order"].create(
        {
            "partner_id": partner.id,
            "order_line": [
                Command.create({"product_id": p.id, "product_uom_qty": 1, "price_unit": 10})
                for p in products[:n]
            ],
        }
    )


def _confirm(env, order):
    """(queries, seconds) of one confirmation as a request would run it (empty caches)."""
    env.flush_all()
    env.invalidate_all()
    order = order.browse(order.id)
    start_q, start_t = env.cr.sql_log_count, time.perf_counter()
    order.action_confirm()
    env.flush_all()
    seconds = time.perf_counter() - start_t
    queries = env.cr.sql_log_count - start_q
    assert order.state == "sale", f"not confirmed: {order.name} {order.state}"
    return queries, seconds


def _prepare(env):
    user = env.ref("base.user_admin")
    env = env(user=user)
    partner, products = _world(env)
    return env, partner, products


def main(env, args):
    runs = int(args[0]) if args else 30
    # plain Odoo's database, opened in this process: the two are measured in turns, so that
    # both see the same machine load
    plain_registry = Registry(os.environ["JXC_PLAIN_DB"])
    with plain_registry.cursor() as plain_cr:
        plain_env = api.Environment(plain_cr, SUPERUSER_ID, {})
        sides = {"plain": _prepare(plain_env), "ours": _prepare(env)}
        figures = {side: {} for side in sides}
        for kind in ("storable", "service"):
            for n in SIZES:
                for side_env, partner, products in sides.values():
                    for __ in range(2):  # warm-up: registry-level caches
                        _confirm(side_env, _order(side_env, partner, products[kind], n))
                        side_env.cr.commit()
                queries = dict.fromkeys(sides)
                times = {side: [] for side in sides}
                for __ in range(runs):
                    for side, (side_env, partner, products) in sides.items():
                        order = _order(side_env, partner, products[kind], n)
                        side_env.cr.commit()
                        q, t = _confirm(side_env, order)
                        side_env.cr.commit()
                        queries[side] = q if queries[side] is None else min(queries[side], q)
                        times[side].append(t)
                for side in sides:
                    figures[side][(kind, n)] = (queries[side], statistics.median(times[side]))
    print(f"confirmation, median of {runs} runs each, plain and ours in turns, caches emptied")
    print("kind      lines  plain q  ours q  extra  plain ms  ours ms  ratio")
    for kind, budget in (("storable", 20), ("service", 10)):
        for n in SIZES:
            (pq, pt), (oq, ot) = figures["plain"][(kind, n)], figures["ours"][(kind, n)]
            print(
                f"{kind:9} {n:5}  {pq:7}  {oq:6}  {oq - pq:+5}"
                f"  {pt * 1000:8.1f}  {ot * 1000:7.1f}  {ot / pt:5.2f}"
            )
            print(
                f"FIGURE confirm_{kind}_{n}_extra_queries={oq - pq} target<={budget} "
                f"ratio={ot / pt:.2f} target<=1.25"
            )
