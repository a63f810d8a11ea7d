"""Data for the low-stock benchmark: N storable products in one warehouse, set-based.

Every product gets a safety stock of 10 and on-hand 20, except every tenth product (10 %),
which gets 5 on hand: the check must open N / 10 alerts. Rows are copied from one product
created through the ORM, so every NOT NULL column gets a valid value.
"""

from odoo.tools import SQL


def _columns(cr, table, skip):
    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "ORDER BY ordinal_position",
            table,
        )
    )
    return [name for (name,) in cr.fetchall() if name not in skip]


def generate(env, n_products, warehouse):
    cr = env.cr
    seed = env["product.product"].create(
        {"name": "预警基准产品", "type": "consu", "is_storable": True, "safety_stock_qty": 10}
    )
    env["stock.quant"]._update_available_quantity(seed, warehouse.lot_stock_id, 20)
    env.flush_all()
    tmpl_cols = _columns(cr, "product_template", {"id", "name", "default_code"})
    prod_cols = _columns(
        cr, "product_product", {"id", "product_tmpl_id", "default_code", "barcode"}
    )
    quant_cols = _columns(cr, "stock_quant", {"id", "product_id", "quantity"})
    ident = SQL.identifier
    cr.execute(
        SQL(
            """
            WITH series AS (SELECT g FROM generate_series(1, %(n)s) g),
            templates AS (
                INSERT INTO product_template (name, default_code, %(tcols)s)
                SELECT jsonb_build_object('en_US', '预警基准产品 ' || g, 'zh_CN', '预警基准产品 ' || g),
                       'BENCH-' || g, %(tsel)s
                  FROM series, product_template t WHERE t.id = %(tmpl)s
                RETURNING id, default_code
            ),
            products AS (
                INSERT INTO product_product (product_tmpl_id, default_code, %(pcols)s)
                SELECT templates.id, templates.default_code, %(psel)s
                  FROM templates, product_product p WHERE p.id = %(product)s
                RETURNING id
            )
            INSERT INTO stock_quant (product_id, quantity, %(qcols)s)
            SELECT products.id, CASE WHEN mod(products.id, 10) = 0 THEN 5 ELSE 20 END, %(qsel)s
              FROM products, stock_quant q WHERE q.product_id = %(product)s
            """,
            n=n_products,
            tmpl=seed.product_tmpl_id.id,
            product=seed.id,
            tcols=SQL(", ").join(ident(c) for c in tmpl_cols),
            tsel=SQL(", ").join(SQL.identifier("t", c) for c in tmpl_cols),
            pcols=SQL(", ").join(ident(c) for c in prod_cols),
            psel=SQL(", ").join(SQL.identifier("p", c) for c in prod_cols),
            qcols=SQL(", ").join(ident(c) for c in quant_cols),
            qsel=SQL(", ").join(SQL.identifier("q", c) for c in quant_cols),
        )
    )
    env.invalidate_all()
    return seed
