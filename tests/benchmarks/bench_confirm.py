"""Confirming an order: our whole path next to plain Odoo's ``action_confirm``, in the same run.

    bash scripts/bench.sh confirm [RUNS]        (default 30)

With the addons, Odoo's Confirm submits the order: checklist, stock locks, routing, automatic
approval (nothing needs review in the default configuration), then core's confirmation, and the
confirmation gate. Plain Odoo runs the same orders on a database with the same modules but
without our addons. For 1, 10 and 50 lines of storable and of non-stock products it prints the
SQL queries of one confirmation (after a warm-up, caches emptied like a new request) and the
median wall time of RUNS confirmations; targets: storable ≤ plain + 20 queries, non-stock ≤ plain
+ 10, flat in the number of lines; time ≤ 1.25 x plain.
"""

import json
import os
import statistics
import time

from odoo import Command

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


def measure(env, runs):
    """{kind: {n: {"queries", "median_s"}}}; every order committed like a request."""
    user = env.ref("base.user_admin")
    env = env(user=user, context=dict(env.context, tracking_disable=False))
    partner, products = _world(env)
    result = {}
    for kind in ("storable", "service"):
        result[kind] = {}
        for n in SIZES:
            for __ in range(2):  # warm-up: registry-level caches
                _confirm(env, _order(env, partner, products[kind], n))
                env.cr.commit()
            queries, times = None, []
            for __ in range(runs):
                order = _order(env, partner, products[kind], n)
                env.cr.commit()
                q, t = _confirm(env, order)
                env.cr.commit()
                queries = q if queries is None else min(queries, q)
                times.append(t)
            result[kind][n] = {"queries": queries, "median_s": statistics.median(times)}
    return result


def plain(env, args):
    runs = int(args[0]) if args else 30
    print("PLAIN " + json.dumps(measure(env, runs)))


def main(env, args):
    runs = int(args[0]) if args else 30
    with open(os.environ["JXC_PLAIN_RESULT"], encoding="utf-8") as f:
        lines = [line for line in f if line.startswith("PLAIN ")]
    assert lines, "the plain Odoo run printed nothing"
    base = json.loads(lines[-1][len("PLAIN ") :])
    ours = measure(env, runs)
    print(f"confirmation, {runs} runs each (median), caches emptied before each")
    print("kind      lines  plain q  ours q  extra  plain ms  ours ms  ratio")
    for kind, budget in (("storable", 20), ("service", 10)):
        for n in SIZES:
            p, o = base[kind][str(n)], ours[kind][n]
            extra = o["queries"] - p["queries"]
            ratio = o["median_s"] / p["median_s"]
            print(
                f"{kind:9} {n:5}  {p['queries']:7}  {o['queries']:6}  {extra:+5}"
                f"  {p['median_s'] * 1000:8.1f}  {o['median_s'] * 1000:7.1f}  {ratio:5.2f}"
            )
            print(
                f"FIGURE confirm_{kind}_{n}_extra_queries={extra} target<={budget} "
                f"ratio={ratio:.2f} target<=1.25"
            )
