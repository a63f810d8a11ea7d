"""Pinyin name search over 50,000 products, next to plain Odoo's name search by name.

    bash scripts/bench.sh pinyin [PRODUCTS] [RUNS]     (default 50000 and 20)

Both databases (ours, and plain Odoo: the same modules without our addons) get the same
PRODUCTS products (templates with one variant each, Chinese stationery names such as
``得力 中性笔 0.5mm 黑色 No.123``, inserted by SQL from one product created by the ORM). Ours
then computes the pinyin keys of all of them the way an install does (the stored compute,
batched), timed. Then, measured in turns in one process, caches emptied like a new request, the
median of RUNS calls of ``name_search(..., limit=8)`` (the order line's dropdown) on
product.product and product.template: plain Odoo by the Chinese name, ours by the same name,
by initials (``zxb``), by full pinyin, and by the initials of one rare product.
Target: by initials ≤ 50 ms.
"""

import os
import statistics
import time
from contextlib import closing

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.sql_db import db_connect
from odoo.tools import SQL

BRANDS = ["得力", "晨光", "齐心", "白雪", "真彩", "广博", "三木", "金万年", "宝克", "爱好"]
ITEMS = [
    "中性笔", "圆珠笔", "铅笔", "钢笔", "记号笔", "荧光笔", "笔记本", "文件夹", "订书机", "计算器",
    "复印纸", "便利贴", "胶水", "剪刀", "橡皮", "直尺", "档案盒", "墨水", "电池", "鼠标",
]  # fmt: skip
SPECS = [
    "0.5mm 黑色", "0.7mm 蓝色", "红色", "A4 80g", "大号", "小号", "12支/盒", "24色", "办公用", "学生用",
]  # fmt: skip
RARE = "杭州西湖特供纪念笔"


def _copy_rows(cr, table, proto_id, source, overrides):
    """Insert copies of row ``proto_id`` of ``table``, one per row of ``source`` (an SQL FROM
    item giving ``i``), some columns given as SQL expressions."""
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
    columns = [c for (c,) in cr.fetchall() if c != "id"]
    cr.execute(
        SQL(
            "INSERT INTO %(table)s (%(columns)s) SELECT %(values)s FROM %(table)s p, %(source)s "
            "WHERE p.id = %(proto)s",
            table=SQL.identifier(table),
            columns=SQL(", ").join(SQL.identifier(c) for c in columns),
            values=SQL(", ").join(
                overrides.get(c, SQL("p.%s", SQL.identifier(c))) for c in columns
            ),
            source=source,
            proto=proto_id,
        )
    )


def _populate(env, count):
    """``count`` products like the prototype, named from the lists; returns the new templates."""
    proto = env["product.product"].create({"name": "原型", "type": "consu", "list_price": 10})
    env.flush_all()
    cr = env.cr
    cr.execute("SELECT COALESCE(MAX(id), 0) FROM product_template")
    (first,) = cr.fetchone()
    name = SQL(
        "jsonb_build_object('en_US', CASE WHEN i = %(mid)s THEN %(rare)s ELSE "
        "(%(brands)s)[1 + mod(i, %(nb)s)] || ' ' || (%(items)s)[1 + mod(i / %(nb)s, %(ni)s)] || ' ' "
        "|| (%(specs)s)[1 + mod(i / %(nbi)s, %(ns)s)] || ' No.' || i END)",
        mid=count // 2,
        rare=RARE,
        brands=BRANDS,
        items=ITEMS,
        specs=SPECS,
        nb=len(BRANDS),
        ni=len(ITEMS),
        ns=len(SPECS),
        nbi=len(BRANDS) * len(ITEMS),
    )
    overrides = {"name": name}
    if "pinyin_search" in env["product.template"]._fields:
        overrides["pinyin_search"] = SQL("NULL")
    _copy_rows(
        cr,
        "product_template",
        proto.product_tmpl_id.id,
        SQL("generate_series(1, %s) i", count),
        overrides,
    )
    cr.execute("SELECT id FROM product_template WHERE id > %s ORDER BY id", [first])
    tmpl_ids = [r[0] for r in cr.fetchall()]
    cr.execute(
        SQL(
            "CREATE TEMP TABLE bench_tmpl AS SELECT id, row_number() OVER (ORDER BY id) AS i "
            "FROM product_template WHERE id > %s",
            first,
        )
    )
    _copy_rows(
        cr,
        "product_product",
        proto.id,
        SQL("bench_tmpl t"),
        {
            "product_tmpl_id": SQL("t.id"),
            "default_code": SQL("'WJ-' || lpad(t.i::text, 6, '0')"),
            "barcode": SQL("NULL"),
        },
    )
    cr.execute("DROP TABLE bench_tmpl")
    env.invalidate_all()
    return env["product.template"].browse(tmpl_ids)


def _median_ms(env, model, name, runs):
    Model = env[model]
    times, found = [], None
    for __ in range(runs):
        env.invalidate_all()
        start = time.perf_counter()
        found = Model.name_search(name, args=[("sale_ok", "=", True)], limit=8)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(found)


def _prepare(env, count):
    env = env(user=env.ref("base.user_admin"), context={"lang": "zh_CN"})
    start = time.perf_counter()
    templates = _populate(env, count)
    env.cr.commit()
    insert_s = time.perf_counter() - start
    compute_s = None
    if "pinyin_search" in templates._fields:
        # what installing the addon on a database with these products does
        start = time.perf_counter()
        env.add_to_compute(templates._fields["pinyin_search"], templates)
        env.flush_all()
        env.cr.commit()
        compute_s = time.perf_counter() - start
    # what autovacuum does after a bulk insert (GIN indexes' statistics included)
    with closing(db_connect(env.cr.dbname).cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE product_template")
        cr.execute("VACUUM ANALYZE product_product")
    env.cr.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
    trigram = bool(env.cr.fetchone())
    return env, insert_s, compute_s, trigram


def main(env, args):
    count = int(args[0]) if args else 50_000
    runs = int(args[1]) if len(args) > 1 else 20
    plain_registry = Registry(os.environ["JXC_PLAIN_DB"])
    with plain_registry.cursor() as plain_cr:
        plain_env, p_ins, __, p_trgm = _prepare(api.Environment(plain_cr, SUPERUSER_ID, {}), count)
        our_env, o_ins, o_keys, o_trgm = _prepare(env, count)
        print(
            f"{count} products inserted (plain {p_ins:.1f} s, ours {o_ins:.1f} s); pinyin keys "
            f"of all computed in {o_keys:.1f} s (the install path); pg_trgm: plain={p_trgm} "
            f"ours={o_trgm}"
        )
        print(f"name_search(limit=8), median of {runs} calls, caches emptied, in turns")
        print("model             db     typed               ms  found")
        cases = [
            ("plain", plain_env, "中性笔", "name"),
            ("ours", our_env, "中性笔", "name"),
            ("ours", our_env, "zxb", "initials"),
            ("ours", our_env, "zhongxingbi", "full"),
            ("ours", our_env, "hzxhtg", "rare_initials"),
            ("plain", plain_env, "西湖特供", "rare_name"),
            ("ours", our_env, "西湖特供", "rare_name"),
        ]
        figures = {}
        for model in ("product.product", "product.template"):
            for __ in range(2):  # warm-up
                for __db, side_env, typed, __kind in cases:
                    _median_ms(side_env, model, typed, 2)
            for db, side_env, typed, kind in cases:
                ms, found = _median_ms(side_env, model, typed, runs)
                figures[(model, db, kind)] = ms
                print(f"{model:17} {db:6} {typed:12} {ms:9.1f}  {found:5}")
        for model in ("product.product", "product.template"):
            tag = model.replace(".", "_")
            for kind in ("initials", "full", "rare_initials"):
                print(
                    f"FIGURE pinyin_{tag}_{kind}_ms={figures[(model, 'ours', kind)]:.1f} "
                    f"target<=50 plain_by_name_ms={figures[(model, 'plain', 'name')]:.1f}"
                )
