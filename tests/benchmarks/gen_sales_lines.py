"""Bulk sales data for the report_ext benchmarks, set-based (INSERT ... SELECT generate_series).

``generate(env, n_lines)`` adds customers, products, confirmed sale orders (10 lines each,
dates spread over the last 24 months) and their lines with amounts, cost and margin filled
in, as the ORM would store them for a 13% tax. 1,000,000 lines take about a minute.
Used by bench_sales_analysis.py; it commits nothing (the caller does).
"""

import time

from odoo.tools import SQL

LINES_PER_ORDER = 10
TAX_RATE = 0.13


def _log(message):
    print(f"[gen_sales_lines] {message}", flush=True)


def generate(env, n_lines=1_000_000, n_customers=2000, n_products=500, seed=0.42):
    cr = env.cr
    t0 = time.time()
    company = env.company
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    team = env["crm.team"].search([("company_id", "in", (company.id, False))], limit=1)
    uom_unit = env.ref("uom.product_uom_unit")
    users = env["res.users"].search([("share", "=", False)], limit=5)
    cr.execute(SQL("SELECT setseed(%s)", seed))

    # customers (one INSERT)
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (name, complete_name, active, type, is_company,
                                     customer_rank, supplier_rank, lang, autopost_bills,
                                     create_date, write_date, create_uid, write_uid)
            SELECT '基准客户 ' || g, '基准客户 ' || g, TRUE, 'contact', TRUE, 1, 0, 'zh_CN',
                   'ask', now(), now(), %(uid)s, %(uid)s
              FROM generate_series(1, %(n)s) g
            RETURNING id
            """,
            uid=env.uid,
            n=n_customers,
        )
    )
    partner_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        SQL(
            "UPDATE res_partner SET commercial_partner_id = id WHERE id IN %s",
            tuple(partner_ids),
        )
    )
    if "customer_grade" in env["res.partner"]._fields:
        cr.execute(
            SQL(
                "UPDATE res_partner SET customer_grade = (ARRAY['a','b','c','d'])[1 + mod(id, 4)]"
                " WHERE id IN %s",
                tuple(partner_ids),
            )
        )
    _log(f"{n_customers} customers in {time.time() - t0:.1f}s")

    # products (ORM: templates, variants and company-dependent cost)
    categories = env["product.category"].create([{"name": f"基准类别 {i}"} for i in range(1, 11)])
    products = env["product.product"].create(
        [
            {
                "name": f"基准产品 {i}",
                "default_code": f"BM-{i:04d}",
                "type": "consu",
                "is_storable": True,
                "categ_id": categories[i % 10].id,
                "list_price": 10.0 + i % 90,
                "standard_price": 6.0 + i % 60,
            }
            for i in range(1, n_products + 1)
        ]
    )
    env.flush_all()
    _log(f"{n_products} products in {time.time() - t0:.1f}s")

    # orders
    n_orders = max(1, n_lines // LINES_PER_ORDER)
    flow_state = SQL("'approved'") if "flow_state" in env["sale.order"]._fields else SQL("NULL")
    # generated orders are approved and confirmed (sale_order_ext's review columns)
    flow_column = (
        SQL(", flow_state, approval_state")
        if "flow_state" in env["sale.order"]._fields
        else SQL("")
    )
    flow_value = (
        SQL(", %s, 'approved'", flow_state)
        if "flow_state" in env["sale.order"]._fields
        else SQL("")
    )
    cr.execute(
        SQL(
            """
            INSERT INTO sale_order (name, company_id, partner_id, partner_invoice_id,
                                    partner_shipping_id, date_order, picking_policy, state,
                                    user_id, team_id, warehouse_id, currency_id, currency_rate,
                                    invoice_status, create_date, write_date, create_uid,
                                    write_uid %(flow_column)s)
            SELECT 'BM' || lpad(g::text, 8, '0'), %(company)s, p.pid, p.pid, p.pid,
                   now() - random() * interval '730 days', 'direct', 'sale',
                   (%(users)s::int[])[1 + mod(g, %(n_users)s)], %(team)s, %(warehouse)s,
                   %(currency)s, 1.0, 'no', now(), now(), %(uid)s, %(uid)s %(flow_value)s
              FROM generate_series(1, %(n)s) g
              CROSS JOIN LATERAL (
                  SELECT (%(partners)s::int[])[1 + floor(random() * %(n_partners)s)::int
                                                   + 0 * g] AS pid
              ) p
            """,
            flow_column=flow_column,
            flow_value=flow_value,
            company=company.id,
            users=users.ids,
            n_users=len(users),
            team=team.id or None,
            warehouse=warehouse.id,
            currency=company.currency_id.id,
            uid=env.uid,
            n=n_orders,
            partners=partner_ids,
            n_partners=len(partner_ids),
        )
    )
    _log(f"{n_orders} orders in {time.time() - t0:.1f}s")

    # lines: price, 0-20% discount, 13% tax, cost = product cost
    cr.execute(
        SQL(
            """
            INSERT INTO sale_order_line (order_id, sequence, name, product_id, product_uom,
                                         product_uom_qty, qty_delivered, price_unit, discount,
                                         price_subtotal, price_tax, price_total,
                                         price_reduce_taxexcl, price_reduce_taxinc,
                                         purchase_price, margin, margin_percent,
                                         company_id, currency_id, order_partner_id,
                                         salesman_id, state, customer_lead,
                                         create_date, write_date, create_uid, write_uid)
            SELECT o.id, l.n, pr.name, pr.id, %(uom)s, q.qty, q.qty, pr.price, q.disc,
                   round(q.qty * pr.price * (1 - q.disc / 100), 2),
                   round(q.qty * pr.price * (1 - q.disc / 100) * %(tax)s, 2),
                   round(q.qty * pr.price * (1 - q.disc / 100) * (1 + %(tax)s), 2),
                   pr.price * (1 - q.disc / 100),
                   pr.price * (1 - q.disc / 100) * (1 + %(tax)s),
                   pr.cost,
                   round(q.qty * (pr.price * (1 - q.disc / 100) - pr.cost), 2),
                   (pr.price * (1 - q.disc / 100) - pr.cost)
                       / NULLIF(pr.price * (1 - q.disc / 100), 0),
                   o.company_id, o.currency_id, o.partner_id, o.user_id, 'sale', 0,
                   o.date_order, o.date_order, %(uid)s, %(uid)s
              FROM sale_order o
              CROSS JOIN generate_series(1, %(per_order)s) l(n)
              CROSS JOIN LATERAL (
                  SELECT (1 + floor(random() * 20))::numeric AS qty,
                         (floor(random() * 3) * 10)::numeric AS disc,
                         (%(products)s::int[])[1 + floor(random() * %(n_products)s)::int
                                                   + 0 * l.n + 0 * o.id] AS pid
              ) q
              JOIN LATERAL (
                  SELECT pp.id, tmpl.name ->> 'en_US' AS name,
                         tmpl.list_price AS price,
                         COALESCE((pp.standard_price ->> %(company_key)s)::numeric, 0) AS cost
                    FROM product_product pp
                    JOIN product_template tmpl ON tmpl.id = pp.product_tmpl_id
                   WHERE pp.id = q.pid
              ) pr ON TRUE
             WHERE left(o.name, 2) = 'BM' AND o.company_id = %(company)s
            """,
            uom=uom_unit.id,
            tax=TAX_RATE,
            uid=env.uid,
            per_order=LINES_PER_ORDER,
            products=products.ids,
            n_products=len(products),
            company_key=str(company.id),
            company=company.id,
        )
    )
    _log(f"{cr.rowcount} lines in {time.time() - t0:.1f}s")
    # the order totals, and report_ext's stored line totals as its compute stores them (one
    # UPDATE: every row version more is a dead tuple the benchmark would scan)
    analysis = (
        SQL(
            """, analysis_line_count = t.n, analysis_amount_untaxed = t.untaxed,
                 analysis_amount_total = t.total, analysis_cost = t.cost,
                 analysis_margin = t.margin"""
        )
        if "analysis_line_count" in env["sale.order"]._fields
        else SQL("")
    )
    cr.execute(
        SQL(
            """
            UPDATE sale_order o SET amount_untaxed = t.untaxed, amount_tax = t.tax,
                                    amount_total = t.total, margin = t.margin %(analysis)s
              FROM (SELECT order_id, COUNT(*) n, SUM(price_subtotal) untaxed,
                           SUM(price_tax) tax, SUM(price_total) total,
                           SUM(COALESCE(purchase_price, 0) * product_uom_qty) cost,
                           SUM(COALESCE(margin, 0)) margin
                      FROM sale_order_line WHERE display_type IS NULL GROUP BY order_id) t
             WHERE t.order_id = o.id AND o.name LIKE %(generated)s
            """,
            analysis=analysis,
            generated="BM%",
        )
    )
    cr.execute("ANALYZE sale_order; ANALYZE sale_order_line; ANALYZE res_partner")
    env.invalidate_all()
    _log(f"done in {time.time() - t0:.1f}s")
    return {"orders": n_orders, "lines": n_orders * LINES_PER_ORDER, "partners": partner_ids}


def main(env, args):
    """Generate without measuring: ``scripts/bench.sh`` style entry point."""
    n_lines = int(args[0]) if args else 1_000_000
    generate(env, n_lines)
    env.cr.commit()
