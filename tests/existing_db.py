"""A company's existing Odoo 18 database, years in use, on plain Odoo (not our addons).

Run on a database with sale_management, sale_stock, account and purchase installed (en_US only):

    JXC_GEN_PRODUCTS=50 JXC_GEN_CUSTOMERS=50 JXC_GEN_ORDERS=40 \\
        odoo-bin shell -d DB --no-http < tests/existing_db.py

or from Python in an Odoo process: ``runpy.run_path("tests/existing_db.py")["generate"](env)``.
It commits as it goes and ends with one line ``GEN {json}``: the ids tests need (see
``generate``'s return value).

What it writes:

- companies: the main one (USD, generic chart), ``Europa Handels GmbH`` (EUR, Germany, its own
  chart and warehouse), and ``Sin Almacén S.L.`` (Spain) **without a warehouse**;
- JXC_GEN_PRODUCTS storable products (half with Chinese names, a few in other scripts) with stock
  on hand in the main warehouse, every tenth in the foreign one too: the first product and quant
  through the ORM (``stock.quant._update_available_quantity``), the others SQL copies of their
  rows in batches (every column as the ORM wrote it, the company-dependent cost as
  ``{"<company id>": cost}``, the default taxes and routes), 100,000 in ~25 s;
- JXC_GEN_CUSTOMERS customers through the ORM in batches (half Chinese, a few in other scripts,
  one in a hundred restricted to the foreign company), every tenth with a contact person;
- orders in every stage, in each of the two companies with a warehouse (``STAGES``, with their
  chatter), and the rest up to JXC_GEN_ORDERS in bulk, without chatter: confirmed and reserved,
  JXC_GEN_DELIVERED_PCT % of them delivered (default 30) and JXC_GEN_INVOICED_PCT % delivered and
  invoiced (default 15), dated over three years (~0.1-0.3 s an order on 2 busy cores);
- a product Odoo over-reserved: 8 reserved on a quant whose quantity is then cut to 5 (what two
  concurrent confirmations do, ``stock.quant``'s SKIP LOCKED);
- bad input: products named "" and "   " in every language (SQL: the ORM refuses), a delivery
  address without a name, confirmed orders of an archived product and of an archived customer,
  a quotation in the company without a warehouse.

Other knobs: JXC_GEN_CHINESE_PCT (share of Chinese names, default 50), JXC_GEN_BATCH (rows per
SQL copy or customer create, default 2000), JXC_GEN_ORDER_BATCH (orders per create and confirm,
default 100), JXC_GEN_SEED (default 18). 50/50/40 takes ~20 s after the shell's start.
"""

# pylint: disable=print-used,invalid-commit
# (a script: it prints its result and commits as it goes, like a data import)
import json
import os
import random
import sys
import time

from odoo import Command
from odoo.tools import SQL

# every order stage a company that used Odoo for years has, one order of each per company
STAGES = (
    "draft",  # quotation
    "sent",  # quotation sent
    "reserved",  # confirmed, delivery reserved
    "in_progress",  # delivery being picked: quantities set, not validated
    "partial",  # part delivered, backorder pending
    "delivered",  # fully delivered, not invoiced
    "invoiced",  # delivered, invoice posted
    "paid",  # delivered, invoiced, payment registered
    "returned",  # delivered, then part returned (stock.return.picking)
    "down_payment",  # confirmed, down payment invoiced (sale.advance.payment.inv) and posted
    "locked",  # delivered, invoiced, then locked
    "cancelled",  # confirmed, then cancelled (its delivery cancelled)
)
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
}
BRANDS = ["得力", "晨光", "齐心", "白雪", "真彩", "广博", "三木", "金万年", "宝克", "爱好"]
ITEMS = [
    "中性笔", "圆珠笔", "铅笔", "钢笔", "记号笔", "荧光笔", "笔记本", "文件夹", "订书机", "计算器",
    "复印纸", "便利贴", "胶水", "剪刀", "橡皮", "直尺", "档案盒", "墨水", "电池", "鼠标",
]  # fmt: skip
SPECS = ["0.5mm 黑色", "0.7mm 蓝色", "红色", "A4 80g", "大号", "小号", "12支/盒", "24色"]
EN_ITEMS = ["Hex Bolt", "Wood Screw", "Washer", "Hinge", "Bracket", "Cable Tie", "Fuse", "Valve"]
EN_SPECS = ["M6x20", "M8x40", "Steel", "Brass", "Zinc plated", "Stainless A2", "Pack of 100"]
# product and customer names in other scripts (and one with an emoji)
OTHER_SCRIPT_PRODUCTS = [
    "Болт шестигранный М8",  # noqa: RUF001 (other scripts on purpose)
    "Βίδα ξύλου 4x30",
    "مسمار فولاذي",
    "ネジ M3 ステンレス",
    "볼트 M10",
    "สกรูเกลียว",
    "בורג עץ",
    "Hex Bolt 🔩 M12",
]
OTHER_SCRIPT_CUSTOMERS = [
    "ООО «Ромашка»",  # noqa: RUF001
    "Ελληνικά Εργαλεία Α.Ε.",  # noqa: RUF001
    "شركة النور للتجارة",
    "株式会社サクラ商事",
    "주식회사 한빛",
    "บริษัท สยาม จำกัด",
    "חברת אור בע״מ",
    "Müller & Söhne GmbH",
]
CN_CITIES = ["上海", "北京", "广州", "深圳", "杭州", "南京", "成都", "武汉", "重庆", "长沙"]
CN_WORDS = ["鸿运", "盛达", "华通", "永兴", "金桥", "东方", "新世纪", "恒信", "银行", "长城"]
CN_TRADES = ["商贸", "文具", "贸易", "电子", "五金", "办公用品", "实业"]
EN_NAMES = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay"]
EN_TRADES = ["Trading", "Supplies", "Hardware", "Office", "Industries", "Logistics"]


def _env_int(name, default):
    return int(os.environ.get(name) or default)


def _log(message, start):
    print(f"gen: {message} ({time.monotonic() - start:.1f} s)", file=sys.stderr, flush=True)


def _chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _company_env(env, company, quiet=True):
    context = dict(env.context, allowed_company_ids=[company.id])
    return env(context=dict(context, **QUIET) if quiet else context)


# companies ------------------------------------------------------------------------------------


def _companies(env):
    """The main company, a foreign one with its chart and warehouse, one without a warehouse."""
    # no localisation modules: creating a company in a country installs them (l10n_de, ...)
    env = env(context=dict(env.context, chart_template_load=True))
    main = env.ref("base.main_company")
    main.write({"name": "Acme Trading Co.", "country_id": env.ref("base.us").id})
    eur = env.ref("base.EUR")
    if not eur.active:
        eur.active = True
    foreign, no_wh = env["res.company"].create(
        [
            {
                "name": "Europa Handels GmbH",
                "currency_id": eur.id,
                "country_id": env.ref("base.de").id,
            },
            {
                "name": "Sin Almacén S.L.",
                "currency_id": eur.id,
                "country_id": env.ref("base.es").id,
            },
        ]
    )
    env["account.chart.template"].with_context(chart_template_load=False).try_loading(
        "generic_coa", foreign, install_demo=False
    )
    foreign.currency_id = eur  # the generic chart sets USD
    Warehouse = env["stock.warehouse"].with_context(active_test=False)
    if not Warehouse.search([("company_id", "=", foreign.id)]):
        Warehouse.create({"name": "Hamburg", "code": "HAM", "company_id": foreign.id})
    # Odoo creates a company's warehouse only under tests (stock's res.company.create): remove
    # any, the company stays without one
    Warehouse.search([("company_id", "=", no_wh.id)]).unlink()
    admin = env.ref("base.user_admin")
    admin.write({"company_ids": [Command.link(foreign.id), Command.link(no_wh.id)]})
    env.user.write({"company_ids": [Command.link(foreign.id), Command.link(no_wh.id)]})
    return main, foreign, no_wh


def _warehouse(env, company):
    return env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)


# products, stock, customers -------------------------------------------------------------------


def _product_name(rng, i, chinese_pct):
    if i < len(OTHER_SCRIPT_PRODUCTS):
        return OTHER_SCRIPT_PRODUCTS[i]
    if rng.random() * 100 < chinese_pct:
        return f"{rng.choice(BRANDS)} {rng.choice(ITEMS)} {rng.choice(SPECS)} No.{i}"
    return f"{rng.choice(EN_ITEMS)} {rng.choice(EN_SPECS)} #{i}"


def _columns(cr, table, skip):
    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "ORDER BY ordinal_position",
            table,
        )
    )
    return [name for (name,) in cr.fetchall() if name not in skip]


def _copy_m2m(env, model, proto_id, new_ids):
    """Give ``new_ids`` the prototype's many2many links (default taxes, routes, ...)."""
    for field in env[model]._fields.values():
        if field.type != "many2many" or not field.store or field.inherited:
            continue
        env.cr.execute(
            SQL(
                "INSERT INTO %(rel)s (%(c1)s, %(c2)s) SELECT n, r.%(c2)s "
                "FROM %(rel)s r, unnest(%(ids)s::int[]) n WHERE r.%(c1)s = %(proto)s "
                "ON CONFLICT DO NOTHING",
                rel=SQL.identifier(field.relation),
                c1=SQL.identifier(field.column1),
                c2=SQL.identifier(field.column2),
                ids=new_ids,
                proto=proto_id,
            )
        )


def _products(env, rng, count, chinese_pct, batch, company, start):
    """``count`` storable products: the first through the ORM, the others copies of its rows
    (every column a valid value, the company-dependent cost ``{"<company id>": cost}`` as the
    ORM writes it, its default taxes and routes), in batches. Returns product.product ids."""
    categories = env["product.category"].create(
        [{"name": name} for name in ("Stationery", "Hardware", "Electronics", "办公用品")]
    )

    def row(i):
        price = round(rng.uniform(1, 500), 2)
        return (
            _product_name(rng, i, chinese_pct),
            f"P{i:06d}",
            price,
            round(price * rng.uniform(0.4, 0.9), 2),
            categories[i % len(categories)].id,
        )

    name, code, price, cost, categ = row(0)
    proto = (
        env["product.product"]
        .with_context(**QUIET)
        .create(
            {
                "name": name,
                "default_code": code,
                "type": "consu",
                "is_storable": True,
                "categ_id": categ,
                "list_price": price,
                "standard_price": cost,
            }
        )
    )
    env.flush_all()
    cr = env.cr
    skip_t = {"id", "name", "default_code", "list_price", "categ_id"}
    skip_p = {"id", "product_tmpl_id", "default_code", "barcode", "standard_price"}
    t_cols, p_cols = (
        _columns(cr, "product_template", skip_t),
        _columns(cr, "product_product", skip_p),
    )
    product_ids = [proto.id]
    for first in range(1, count, batch):
        rows = [row(i) for i in range(first, min(count, first + batch))]
        names, codes, prices, costs, categs = (list(column) for column in zip(*rows, strict=True))
        cr.execute(
            SQL(
                """
                WITH src AS (
                    SELECT * FROM unnest(%(names)s::text[], %(codes)s::text[],
                                         %(prices)s::numeric[], %(costs)s::float8[],
                                         %(categs)s::int[]) AS s(name, code, price, cost, categ)
                ), templates AS (
                    INSERT INTO product_template (name, default_code, list_price, categ_id, %(tcols)s)
                    SELECT jsonb_build_object('en_US', s.name), s.code, s.price, s.categ, %(tsel)s
                      FROM src s, product_template t WHERE t.id = %(tmpl)s
                    RETURNING id, default_code
                )
                INSERT INTO product_product (product_tmpl_id, default_code, standard_price, %(pcols)s)
                SELECT templates.id, s.code, jsonb_build_object(%(company)s, s.cost), %(psel)s
                  FROM templates JOIN src s ON s.code = templates.default_code,
                       product_product p WHERE p.id = %(product)s
                RETURNING id, product_tmpl_id
                """,
                names=names,
                codes=codes,
                prices=prices,
                costs=costs,
                categs=categs,
                company=str(company.id),
                tmpl=proto.product_tmpl_id.id,
                product=proto.id,
                tcols=SQL(", ").join(SQL.identifier(c) for c in t_cols),
                tsel=SQL(", ").join(SQL.identifier("t", c) for c in t_cols),
                pcols=SQL(", ").join(SQL.identifier(c) for c in p_cols),
                psel=SQL(", ").join(SQL.identifier("p", c) for c in p_cols),
            )
        )
        new = sorted(cr.fetchall())
        _copy_m2m(env, "product.template", proto.product_tmpl_id.id, [t for __, t in new])
        _copy_m2m(env, "product.product", proto.id, [p for p, __ in new])
        product_ids += [p for p, __ in new]
        cr.commit()
        _log(f"products {len(product_ids)}/{count}", start)
    env.invalidate_all()
    return product_ids


def _put_stock(env, rng, warehouse, product_ids, batch, low=50, high=500):
    """On-hand quantities without moves, as ``_update_available_quantity`` leaves them: the
    first quant through it, the others copies of its row."""
    location = warehouse.lot_stock_id
    Quant = env["stock.quant"].sudo().with_company(warehouse.company_id)
    proto = env["product.product"].browse(product_ids[0])
    Quant._update_available_quantity(proto, location, rng.randint(low, high))
    env.flush_all()
    cr = env.cr
    cr.execute(
        SQL(
            "SELECT id FROM stock_quant WHERE product_id = %s AND location_id = %s",
            proto.id,
            location.id,
        )
    )
    (proto_quant,) = cr.fetchone()
    skip = {"id", "product_id", "quantity", "inventory_diff_quantity"}
    cols = _columns(cr, "stock_quant", skip)
    for ids in _chunks(product_ids[1:], batch):
        cr.execute(
            SQL(
                """
                INSERT INTO stock_quant (product_id, quantity, inventory_diff_quantity, %(cols)s)
                SELECT s.product, s.qty, -s.qty, %(sel)s
                  FROM unnest(%(ids)s::int[], %(qtys)s::numeric[]) AS s(product, qty),
                       stock_quant q WHERE q.id = %(proto)s
                """,
                ids=list(ids),
                qtys=[rng.randint(low, high) for __ in ids],
                proto=proto_quant,
                cols=SQL(", ").join(SQL.identifier(c) for c in cols),
                sel=SQL(", ").join(SQL.identifier("q", c) for c in cols),
            )
        )
        cr.commit()
    env.invalidate_all()


def _customer_name(rng, i, chinese_pct):
    if i < len(OTHER_SCRIPT_CUSTOMERS):
        return OTHER_SCRIPT_CUSTOMERS[i]
    if rng.random() * 100 < chinese_pct:
        return f"{rng.choice(CN_CITIES)}{rng.choice(CN_WORDS)}{rng.choice(CN_TRADES)}有限公司 {i}"
    return f"{rng.choice(EN_NAMES)} {rng.choice(EN_TRADES)} {i}"


def _customers(env, rng, count, chinese_pct, batch, foreign, start):
    countries = env["res.country"].search([("code", "in", ["CN", "US", "DE", "FR", "JP"])])
    cn = env.ref("base.cn")
    Partner = env["res.partner"].with_context(**QUIET)
    customer_ids, restricted = [], []
    for first in range(0, count, batch):
        vals_list = []
        for i in range(first, min(count, first + batch)):
            name = _customer_name(rng, i, chinese_pct)
            vals = {
                "name": name,
                "is_company": True,
                "customer_rank": 1,
                "email": f"customer{i}@example.com",
                "phone": f"+86 21 {5000_0000 + i}",
                "street": f"{i} Main Street",
                "city": rng.choice(CN_CITIES) if "有限公司" in name else "Springfield",
                "country_id": cn.id if "有限公司" in name else rng.choice(countries).id,
            }
            if i % 100 == 99:
                vals["company_id"] = foreign.id
                vals["country_id"] = env.ref("base.de").id
            if i % 10 == 5:
                vals["child_ids"] = [Command.create({"name": f"Contact {i}", "type": "contact"})]
            vals_list.append(vals)
        partners = Partner.create(vals_list)
        for partner in partners:
            (restricted if partner.company_id else customer_ids).append(partner.id)
        env.cr.commit()
        env.invalidate_all()
        _log(f"customers {len(customer_ids) + len(restricted)}/{count}", start)
    return customer_ids, restricted


# orders ---------------------------------------------------------------------------------------


def _order_vals(company, partner_id, lines, **extra):
    return {
        "company_id": company.id,
        "partner_id": partner_id,
        "order_line": [
            Command.create({"product_id": product_id, "product_uom_qty": qty})
            for product_id, qty in lines
        ],
        **extra,
    }


def _deliver(pickings, part=None):
    """Validate ``pickings`` for their whole demand, or ``part`` of each move's demand with the
    rest left in a backorder."""
    for move in pickings.move_ids:
        move.quantity = move.product_uom_qty if part is None else move.product_uom_qty * part
        move.picked = True
    ctx = {"skip_backorder": True, "skip_sms": True}
    if part is None:
        ctx["picking_ids_not_to_backorder"] = pickings.ids
    pickings.with_context(**ctx).button_validate()


def _invoice(orders):
    invoices = orders._create_invoices(grouped=True)
    invoices.action_post()
    return invoices


def _stage_orders(env, company, partner_ids, product_ids):
    """One order of each stage in ``company``; returns {stage: order id}."""
    env = _company_env(env, company, quiet=False)
    SaleOrder = env["sale.order"]
    orders = {}
    for n, stage in enumerate(STAGES):
        lines = [
            (product_ids[(2 * n) % len(product_ids)], 10),
            (product_ids[(2 * n + 1) % len(product_ids)], 4),
        ]
        orders[stage] = SaleOrder.create(
            _order_vals(company, partner_ids[n % len(partner_ids)], lines, client_order_ref=stage)
        )
    orders["sent"].action_quotation_sent()
    confirmed = SaleOrder.concat(*(o for s, o in orders.items() if s not in ("draft", "sent")))
    confirmed.action_confirm()
    for stage in ("delivered", "invoiced", "paid", "returned", "locked"):
        _deliver(orders[stage].picking_ids)
    _deliver(orders["partial"].picking_ids, part=0.4)
    moves = orders["in_progress"].picking_ids.move_ids
    moves[0].quantity = moves[0].product_uom_qty / 2
    moves[0].picked = True
    invoices = _invoice(orders["invoiced"] | orders["paid"] | orders["locked"])
    paid = invoices.filtered(lambda m: m.line_ids.sale_line_ids.order_id == orders["paid"])
    env["account.payment.register"].with_context(
        active_model="account.move", active_ids=paid.ids
    ).create({})._create_payments()
    orders["locked"].action_lock()
    # a part of the delivery comes back
    delivery = orders["returned"].picking_ids
    wizard = (
        env["stock.return.picking"]
        .with_context(active_id=delivery.id, active_ids=delivery.ids, active_model="stock.picking")
        .create({})
    )
    wizard.product_return_moves[0].quantity = 3
    returned = env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
    _deliver(returned)
    env["sale.advance.payment.inv"].with_context(
        active_model="sale.order", active_ids=orders["down_payment"].ids
    ).create({"advance_payment_method": "percentage", "amount": 30}).create_invoices()
    orders["down_payment"].invoice_ids.filtered(lambda m: m.state == "draft").action_post()
    orders["cancelled"]._action_cancel()
    env.cr.commit()
    return {stage: order.id for stage, order in orders.items()}


def _bulk_orders(env, rng, company, partner_ids, product_ids, count, cfg, start):
    """``count`` orders of 1-3 lines, confirmed; some delivered, some delivered and invoiced."""
    env = _company_env(env, company)
    SaleOrder = env["sale.order"]
    ids = {"confirmed": [], "delivered": [], "invoiced": []}
    done = 0
    for size in _chunks(range(count), cfg["order_batch"]):
        vals_list = []
        for __ in size:
            lines = [
                (rng.choice(product_ids), rng.randint(1, 5)) for __ in range(rng.randint(1, 3))
            ]
            vals_list.append(_order_vals(company, rng.choice(partner_ids), lines))
        orders = SaleOrder.create(vals_list)
        orders.action_confirm()
        # mixed in every batch: (37 * i) % 100 runs through 0-99 in every 100 orders
        kinds = {"confirmed": [], "delivered": [], "invoiced": []}
        for i, order in enumerate(orders, start=done):
            if (37 * i) % 100 < cfg["invoiced_pct"]:
                kinds["invoiced"].append(order)
            elif (37 * i) % 100 < cfg["invoiced_pct"] + cfg["delivered_pct"]:
                kinds["delivered"].append(order)
            else:
                kinds["confirmed"].append(order)
        done += len(orders)
        kinds = {kind: SaleOrder.concat(*records) for kind, records in kinds.items()}
        to_deliver = kinds["delivered"] | kinds["invoiced"]
        if to_deliver:
            _deliver(to_deliver.picking_ids.filtered(lambda p: p.state == "assigned"))
        if kinds["invoiced"]:
            _invoice(kinds["invoiced"])
        for kind, records in kinds.items():
            ids[kind] += records.ids
        env.cr.commit()
        env.invalidate_all()
        _log(f"{company.name}: orders {done}/{count}", start)
    # years of use: the orders spread over three years
    all_ids = ids["confirmed"] + ids["delivered"] + ids["invoiced"]
    if all_ids:
        env.cr.execute(
            SQL(
                "UPDATE sale_order SET date_order = date_order - make_interval(days => mod(id * 7919, 1095)) "
                "WHERE id IN %s",
                tuple(all_ids),
            )
        )
    return ids


# special cases --------------------------------------------------------------------------------


def _over_reserved(env, company, partner_id):
    """A product with 8 reserved on a quant of 5: on hand 10, an order of 8 confirmed (reserved),
    then the quant cut to 5 the way two concurrent confirmations leave it."""
    env = _company_env(env, company)
    warehouse = _warehouse(env, company)
    product = env["product.product"].create(
        {
            "name": "Over-reserved Widget",
            "default_code": "OVR-1",
            "is_storable": True,
            "list_price": 9,
        }
    )
    env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10)
    order = env["sale.order"].create(_order_vals(company, partner_id, [(product.id, 8)]))
    order.action_confirm()
    env.flush_all()
    env.cr.execute(
        SQL(
            "UPDATE stock_quant SET quantity = 5 WHERE product_id = %s AND location_id = %s",
            product.id,
            warehouse.lot_stock_id.id,
        )
    )
    env.invalidate_all()
    return product.id, order.id


def _bad_input(env, company, no_wh, partner_id, product_ids):
    env = _company_env(env, company)
    warehouse = _warehouse(env, company)
    Product = env["product.product"]
    blank = Product.create(
        [
            {
                "name": "to be blanked",
                "default_code": "BLANK-1",
                "is_storable": True,
                "list_price": 5,
            },
            {
                "name": "to be blanked",
                "default_code": "BLANK-2",
                "is_storable": True,
                "list_price": 5,
            },
        ]
    )
    archived_product = Product.create(
        {
            "name": "Discontinued Lamp",
            "default_code": "OLD-1",
            "is_storable": True,
            "list_price": 20,
        }
    )
    for product in blank | archived_product:
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 100)
    archived_customer, customer = env["res.partner"].create(
        [
            {"name": "Closed Shop Ltd", "is_company": True},
            {"name": "Nameless Drop Co", "is_company": True},
        ]
    )
    # Odoo allows an address without a name (a delivery contact under its company)
    nameless = env["res.partner"].create({"type": "delivery", "parent_id": customer.id})
    SaleOrder = env["sale.order"]
    order_blank = SaleOrder.create(_order_vals(company, partner_id, [(p.id, 2) for p in blank]))
    order_archived_product = SaleOrder.create(
        _order_vals(company, partner_id, [(archived_product.id, 3), (product_ids[0], 1)])
    )
    order_archived_customer = SaleOrder.create(
        _order_vals(company, archived_customer.id, [(product_ids[-1], 1)])
    )
    order_nameless = SaleOrder.create(
        _order_vals(company, customer.id, [(product_ids[0], 1)], partner_shipping_id=nameless.id)
    )
    (
        order_blank | order_archived_product | order_archived_customer | order_nameless
    ).action_confirm()
    archived_product.product_tmpl_id.active = False
    archived_customer.active = False
    env.flush_all()
    # the ORM refuses an empty required name: what an import or a script once wrote
    env.cr.execute(
        SQL(
            'UPDATE product_template SET name = CASE WHEN id = %s THEN \'{"en_US": ""}\'::jsonb '
            'ELSE \'{"en_US": "   "}\'::jsonb END WHERE id IN %s',
            blank[0].product_tmpl_id.id,
            tuple(blank.product_tmpl_id.ids),
        )
    )
    env.invalidate_all()
    # a quotation in the company without a warehouse
    no_wh_env = _company_env(env, no_wh)
    quotation = no_wh_env["sale.order"].create(
        _order_vals(no_wh, partner_id, [(product_ids[0], 1)])
    )
    env.cr.commit()
    return {
        "blank_name_products": blank.ids,
        "blank_name_templates": blank.product_tmpl_id.ids,
        "order_blank_name_products": order_blank.id,
        "archived_product": archived_product.id,
        "order_archived_product": order_archived_product.id,
        "archived_customer": archived_customer.id,
        "order_archived_customer": order_archived_customer.id,
        "nameless_partner": nameless.id,
        "order_nameless_delivery": order_nameless.id,
        "no_warehouse_quotation": quotation.id,
    }


# entry point ----------------------------------------------------------------------------------


def config_from_environ():
    return {
        "products": _env_int("JXC_GEN_PRODUCTS", 50),
        "customers": _env_int("JXC_GEN_CUSTOMERS", 50),
        "orders": _env_int("JXC_GEN_ORDERS", 40),
        "delivered_pct": _env_int("JXC_GEN_DELIVERED_PCT", 30),
        "invoiced_pct": _env_int("JXC_GEN_INVOICED_PCT", 15),
        "chinese_pct": _env_int("JXC_GEN_CHINESE_PCT", 50),
        "batch": _env_int("JXC_GEN_BATCH", 2000),
        "order_batch": _env_int("JXC_GEN_ORDER_BATCH", 100),
        "seed": _env_int("JXC_GEN_SEED", 18),
    }


def generate(env, **overrides):
    """Fill the database of ``env``; returns the ids tests need::

    {"companies": {"main", "foreign", "no_warehouse"}, "warehouses": {"main", "foreign"},
     "stages": {company key: {stage: order id}}, "bulk": {company key: {"confirmed",
     "delivered", "invoiced": [order ids]}}, "over_reserved": {"product", "order"},
     "bad": {...}, "counts": {...}, "seconds": float}
    """
    cfg = {**config_from_environ(), **overrides}
    if cfg["products"] < 10 or cfg["customers"] < 10:
        raise ValueError("at least 10 products and 10 customers")
    start = time.monotonic()
    rng = random.Random(cfg["seed"])
    env = env(context=dict(env.context, lang="en_US"))
    main, foreign, no_wh = _companies(env)
    env.cr.commit()
    _log("companies", start)
    main_wh, foreign_wh = _warehouse(env, main), _warehouse(env, foreign)
    product_ids = _products(
        env, rng, cfg["products"], cfg["chinese_pct"], cfg["batch"], main, start
    )
    foreign_products = product_ids[::10]
    _put_stock(env, rng, main_wh, product_ids, cfg["batch"])
    _put_stock(env, rng, foreign_wh, foreign_products, cfg["batch"])
    _log("stock", start)
    customer_ids, restricted = _customers(
        env, rng, cfg["customers"], cfg["chinese_pct"], cfg["batch"], foreign, start
    )
    foreign_customers = restricted + customer_ids[: max(10, len(customer_ids) // 10)]
    stages = {
        "main": _stage_orders(env, main, customer_ids, product_ids),
        "foreign": _stage_orders(env, foreign, foreign_customers, foreign_products),
    }
    _log("stage orders", start)
    bulk_count = max(0, cfg["orders"] - 2 * len(STAGES))
    foreign_count = bulk_count // 10
    bulk = {
        "main": _bulk_orders(
            env, rng, main, customer_ids, product_ids, bulk_count - foreign_count, cfg, start
        ),
        "foreign": _bulk_orders(
            env, rng, foreign, foreign_customers, foreign_products, foreign_count, cfg, start
        ),
    }
    product, order = _over_reserved(env, main, customer_ids[0])
    bad = _bad_input(env, main, no_wh, customer_ids[1], product_ids)
    env.cr.commit()
    _log("over-reserved product and bad input", start)
    env.cr.execute("SELECT count(*) FROM sale_order")
    (n_orders,) = env.cr.fetchone()
    return {
        "companies": {"main": main.id, "foreign": foreign.id, "no_warehouse": no_wh.id},
        "warehouses": {"main": main_wh.id, "foreign": foreign_wh.id},
        "stages": stages,
        "bulk": bulk,
        "over_reserved": {"product": product, "order": order},
        "bad": bad,
        "counts": {
            "products": len(product_ids),
            "customers": cfg["customers"],
            "orders": n_orders,
        },
        "config": cfg,
        "seconds": round(time.monotonic() - start, 1),
    }


def main(env):
    result = generate(env)
    env.cr.commit()
    print("GEN " + json.dumps(result, sort_keys=True), flush=True)


if __name__ == "__main__" and "env" in globals():
    main(env)  # noqa: F821 (odoo-bin shell's env)
