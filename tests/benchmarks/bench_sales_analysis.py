"""销售分析 at 1,000,000 sale order lines: month x customer in one read_group.

    bash scripts/bench.sh sales_analysis [N_LINES]        (default 1000000)

Generates N_LINES confirmed sale order lines set-based (gen_sales_lines.py), commits, then
times the pivot's call, ``read_group(domain, measures, ["date:month", "partner_id"],
lazy=False)``, on report_ext's ``sale.analysis.report`` and on core ``sale.report`` with the
same data, and the direct SQL aggregate of lines joined to orders (the floor). report_ext answers
this grouping from the orders' stored line totals (sale.analysis.order.report); the same
grouping forced line by line is printed too. Each figure is the median of 5 runs after one
warm-up run; caches are invalidated between runs.
"""

import contextlib
import importlib.util
import os
import statistics
import time

from odoo import sql_db
from odoo.tools import SQL

RUNS = 5


def _load_generator():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_sales_lines.py")
    spec = importlib.util.spec_from_file_location("gen_sales_lines", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _median_time(env, function):
    function()  # warm-up: PostgreSQL buffers, Odoo caches
    timings = []
    for __ in range(RUNS):
        env.invalidate_all()
        start = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - start)
    print(f"  runs: {', '.join(f'{t:.3f}' for t in timings)}", flush=True)
    return statistics.median(timings), result


def main(env, args):
    n_lines = int(args[0]) if args else 1_000_000
    gen = _load_generator()
    gen.generate(env, n_lines)
    env.cr.commit()
    # the steady state of a live database: autovacuum and the checkpoint of the ~1 GB just
    # written would otherwise run during the timings
    with contextlib.closing(sql_db.db_connect(env.cr.dbname).cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE sale_order, sale_order_line, res_partner")
        cr.execute("CHECKPOINT")
    env = env(context=dict(env.context, tz="Asia/Shanghai", lang="zh_CN"))
    groupby = ["date:month", "partner_id"]
    cr = env.cr
    cr.execute("SELECT count(*) FROM sale_order_line")
    total_lines = cr.fetchone()[0]
    print(f"lines in sale_order_line: {total_lines}")

    ours_s, ours = _median_time(
        env,
        lambda: env["sale.analysis.report"].read_group(
            [], ["amount_untaxed:sum", "margin:sum", "margin_percent:avg"], groupby, lazy=False
        ),
    )
    # the same grouping aggregated line by line (what any grouping by a product field does)
    lines_s, lines = _median_time(
        env,
        lambda: (
            env["sale.analysis.report"]
            .with_context(sale_analysis_lines=True)
            .read_group(
                [], ["amount_untaxed:sum", "margin:sum", "margin_percent:avg"], groupby, lazy=False
            )
        ),
    )
    core_s, core = _median_time(
        env,
        lambda: env["sale.report"].read_group(
            [], ["price_subtotal:sum", "margin:sum"], groupby, lazy=False
        ),
    )

    def floor():
        cr.execute(
            SQL(
                """
                SELECT date_trunc('month',
                                  timezone('Asia/Shanghai', timezone('UTC', so.date_order))),
                       so.partner_id, SUM(sol.price_subtotal), SUM(sol.margin), COUNT(*)
                  FROM sale_order_line sol JOIN sale_order so ON so.id = sol.order_id
                 WHERE sol.display_type IS NULL
                 GROUP BY 1, 2
                """
            )
        )
        return cr.fetchall()

    floor_s, floor_rows = _median_time(env, floor)

    # every other grouping of the pivot: by product and by category (line by line, always)
    measures = ["amount_untaxed:sum", "margin:sum", "margin_percent:avg"]
    by_line = {}
    for field in ("product_id", "categ_id", "user_id", "team_id", "warehouse_id", "state"):
        by_line[field], __ = _median_time(
            env,
            lambda field=field: env["sale.analysis.report"].read_group(
                [], measures, [field], lazy=False
            ),
        )
    core_by = {}
    for field in ("product_id", "categ_id"):
        core_by[field], __ = _median_time(
            env,
            lambda field=field: env["sale.report"].read_group(
                [], ["price_subtotal:sum", "margin:sum"], [field], lazy=False
            ),
        )

    # the three give the same groups and totals
    ours_total = sum(g["amount_untaxed"] for g in ours)
    lines_total = sum(g["amount_untaxed"] for g in lines)
    core_total = sum(g["price_subtotal"] for g in core)
    floor_total = float(sum(row[2] for row in floor_rows))
    print(
        f"groups: report_ext={len(ours)} report_ext lines={len(lines)} sale.report={len(core)} "
        f"sql={len(floor_rows)}; untaxed totals: {ours_total:.2f} / {lines_total:.2f} / "
        f"{core_total:.2f} / {floor_total:.2f}"
    )
    cr.execute(
        SQL(
            "EXPLAIN %s",
            SQL(
                "SELECT date_trunc('month', date), partner_id, SUM(amount_untaxed) FROM (%s) t "
                "GROUP BY 1, 2",
                env["sale.analysis.order.report"]._table_query,
            ),
        )
    )
    print("plan of report_ext's per-order view:\n  " + "\n  ".join(row[0] for row in cr.fetchall()))
    print(f"FIGURE sales_analysis_month_customer_read_group_s={ours_s:.3f} target<=1.0")
    print(f"FIGURE sales_analysis_month_customer_line_by_line_s={lines_s:.3f}")
    print(f"FIGURE core_sale_report_month_customer_read_group_s={core_s:.3f} (plain Odoo)")
    print(f"FIGURE direct_sql_month_customer_aggregate_s={floor_s:.3f} (floor)")
    for field, seconds in by_line.items():
        print(f"FIGURE sales_analysis_by_{field}_read_group_s={seconds:.3f} target<=1.0")
    for field, seconds in core_by.items():
        print(f"FIGURE core_sale_report_by_{field}_read_group_s={seconds:.3f} (plain Odoo)")
