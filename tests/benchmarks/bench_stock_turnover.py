"""库存周转分析 at N products x 2 warehouses over a 365-day period.

    bash scripts/bench.sh stock_turnover [N_PRODUCTS] [SALES_PER_YEAR]   (default 50000, 12)

Generates, set-based, N storable products with, in each of two warehouses, one receipt
(valuation layer) 30 days before the period and SALES_PER_YEAR deliveries to customers spread
over the period (a done stock move and its valuation layer each), and the quants left.
Then times what the analysis' default views ask: the pivot's ``read_group`` by warehouse and
the list's first page (``search_read`` ordered by closing value), for the last 365 days; next
to plain Odoo's nearest report, the stock valuation (``stock.valuation.layer`` grouped by
product, Inventory > Reporting > Valuation). Median of 5 runs after a warm-up run.
"""

import contextlib
import statistics
import time
from datetime import timedelta

from odoo import fields, sql_db
from odoo.tools import SQL

RUNS = 5
MEASURES = ["opening_value", "stock_value", "cogs", "avg_inventory_value", "turnover_rate"]


def _median_time(env, function):
    function()
    timings = []
    for __ in range(RUNS):
        env.invalidate_all()
        start = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - start)
    print(f"  runs: {', '.join(f'{t:.3f}' for t in timings)}", flush=True)
    return statistics.median(timings), result


def _columns(cr, table, skip):
    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "ORDER BY ordinal_position",
            table,
        )
    )
    return [name for (name,) in cr.fetchall() if name not in skip]


def generate(env, n_products, sales_per_year):
    cr = env.cr
    company = env.company
    wh1 = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    wh2 = env["stock.warehouse"].create({"name": "基准二仓", "code": "BW2"})
    customer = env.ref("stock.stock_location_customers")
    supplier = env.ref("stock.stock_location_suppliers")
    seed = env["product.product"].create(
        {"name": "周转基准产品", "type": "consu", "is_storable": True, "standard_price": 10}
    )
    env.flush_all()
    ident = SQL.identifier
    tmpl_cols = _columns(cr, "product_template", {"id", "name", "default_code"})
    prod_cols = _columns(cr, "product_product", {"id", "product_tmpl_id", "default_code"})
    cr.execute(
        SQL(
            """
            WITH templates AS (
                INSERT INTO product_template (name, default_code, %(tcols)s)
                SELECT jsonb_build_object('en_US', '周转基准产品 ' || g), 'TURN-' || g, %(tsel)s
                  FROM generate_series(1, %(n)s) g, product_template t WHERE t.id = %(tmpl)s
                RETURNING id, default_code
            )
            INSERT INTO product_product (product_tmpl_id, default_code, %(pcols)s)
            SELECT templates.id, templates.default_code, %(psel)s
              FROM templates, product_product p WHERE p.id = %(product)s
            """,
            n=n_products,
            tmpl=seed.product_tmpl_id.id,
            product=seed.id,
            tcols=SQL(", ").join(ident(c) for c in tmpl_cols),
            tsel=SQL(", ").join(ident("t", c) for c in tmpl_cols),
            pcols=SQL(", ").join(ident(c) for c in prod_cols),
            psel=SQL(", ").join(ident("p", c) for c in prod_cols),
        )
    )
    now = fields.Datetime.now()
    start = now - timedelta(days=364)
    uom = seed.uom_id.id
    for wh in (wh1, wh2):
        stock = wh.lot_stock_id.id
        # receipts (100 at 10) before the period, then deliveries of 5 spread over it
        cr.execute(
            SQL(
                """
                WITH moves AS (
                    INSERT INTO stock_move (company_id, product_id, product_uom, location_id,
                                            location_dest_id, name, procure_method,
                                            product_uom_qty, product_qty, quantity, date, state)
                    SELECT %(company)s, p.id, %(uom)s,
                           CASE WHEN k = 0 THEN %(supplier)s ELSE %(stock)s END,
                           CASE WHEN k = 0 THEN %(stock)s ELSE %(customer)s END,
                           'bench', 'make_to_stock', CASE WHEN k = 0 THEN 100 ELSE 5 END,
                           CASE WHEN k = 0 THEN 100 ELSE 5 END, CASE WHEN k = 0 THEN 100 ELSE 5 END,
                           CASE WHEN k = 0 THEN %(start)s::timestamp - interval '30 days'
                                ELSE %(start)s::timestamp + (k * 364 / %(sales)s) * interval '1 day'
                           END,
                           'done'
                      FROM product_product p, generate_series(0, %(sales)s) k
                     WHERE p.default_code LIKE %(pattern)s
                    RETURNING id, product_id, location_id, date
                )
                INSERT INTO stock_valuation_layer (company_id, product_id, stock_move_id,
                                                   quantity, unit_cost, value, remaining_qty,
                                                   remaining_value, create_date, create_uid)
                SELECT %(company)s, product_id, id,
                       CASE WHEN location_id = %(supplier)s THEN 100 ELSE -5 END, 10,
                       CASE WHEN location_id = %(supplier)s THEN 1000 ELSE -50 END,
                       0, 0, date, 1
                  FROM moves
                """,
                company=company.id,
                uom=uom,
                supplier=supplier.id,
                customer=customer.id,
                stock=stock,
                start=start,
                sales=sales_per_year,
                pattern="TURN-%",
            )
        )
        quant_cols = _columns(cr, "stock_quant", {"id", "product_id", "location_id", "quantity"})
        env["stock.quant"]._update_available_quantity(seed, wh.lot_stock_id, 1)
        env.flush_all()
        cr.execute(
            SQL(
                """
                INSERT INTO stock_quant (product_id, location_id, quantity, %(qcols)s)
                SELECT p.id, %(stock)s, 100 - 5 * %(sales)s, %(qsel)s
                  FROM product_product p, stock_quant q
                 WHERE p.default_code LIKE %(pattern)s AND q.product_id = %(seed)s
                   AND q.location_id = %(stock)s
                """,
                stock=stock,
                sales=sales_per_year,
                seed=seed.id,
                pattern="TURN-%",
                qcols=SQL(", ").join(ident(c) for c in quant_cols),
                qsel=SQL(", ").join(ident("q", c) for c in quant_cols),
            )
        )
    env.invalidate_all()


def main(env, args):
    n_products = int(args[0]) if args else 50_000
    sales = int(args[1]) if len(args) > 1 else 12
    t0 = time.perf_counter()
    generate(env, n_products, sales)
    env.cr.commit()
    print(f"generated in {time.perf_counter() - t0:.1f} s", flush=True)
    with contextlib.closing(sql_db.db_connect(env.cr.dbname).cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE stock_move, stock_valuation_layer, stock_quant, product_product")
        cr.execute("CHECKPOINT")
    cr = env.cr
    cr.execute("SELECT count(*) FROM stock_valuation_layer")
    print(f"valuation layers: {cr.fetchone()[0]}")
    today = fields.Date.context_today(env.user)
    ctx = {
        "turnover_date_from": str(today - timedelta(days=364)),
        "turnover_date_to": str(today),
        "lang": "zh_CN",
    }
    report = env["stock.analysis.report"].with_context(**ctx)
    pivot_s, pivot = _median_time(
        env, lambda: report.read_group([], MEASURES, ["warehouse_id"], lazy=False)
    )
    for group in pivot:
        print(
            f"  {group['warehouse_id'][1]}: 期初 {group['opening_value']:.0f} 期末 "
            f"{group['stock_value']:.0f} 销售成本 {group['cogs']:.0f} 周转率 "
            f"{group['turnover_rate']:.3f}"
        )
    list_s, rows = _median_time(
        env,
        lambda: report.search_read(
            [("qty_on_hand", ">", 0)], ["product_id", "warehouse_id", *MEASURES], limit=80
        ),
    )
    product_s, products = _median_time(
        env, lambda: report.read_group([], MEASURES, ["product_id"], limit=80, lazy=False)
    )
    core_s, core = _median_time(
        env,
        lambda: env["stock.valuation.layer"].read_group(
            [], ["value:sum", "quantity:sum"], ["product_id"], limit=80, lazy=False
        ),
    )
    print(f"rows listed: {len(rows)}, products grouped: {len(products)}, core groups: {len(core)}")
    print(f"FIGURE stock_turnover_pivot_by_warehouse_365d_s={pivot_s:.3f} target<3.0")
    print(f"FIGURE stock_turnover_list_first_page_365d_s={list_s:.3f} target<3.0")
    print(f"FIGURE stock_turnover_by_product_first_80_365d_s={product_s:.3f} target<3.0")
    print(f"FIGURE core_stock_valuation_by_product_first_80_s={core_s:.3f} (plain Odoo)")
