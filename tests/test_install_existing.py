"""The suite installed into a company's existing Odoo database (issue #18, points 1-3).

A copy of plain Odoo (sale_management, sale_stock, account, purchase, sale_margin; no demo) with
only English active — zh_CN is switched off, so no Simplified Chinese anywhere, as in most
databases outside China — filled by ``tests/existing_db.py`` with what years of use leave: two
operating companies (one in Germany, EUR) and one without a warehouse, orders in every stage
(quotations, reserved, being picked, part-delivered, delivered, invoiced, paid, returned, down
payment, locked, cancelled), a product Odoo over-reserved, products without a name, orders of
archived products and customers. Then ``-i sale_order_ext,stock_lock_ext,report_ext``, and the
company goes on working over JSON-RPC as each role would, in English; finally Simplified Chinese
is loaded later and the suite's screens speak it.
"""

import json
import os
import re
import subprocess
import time

import pytest
import requests

from .conftest import (
    JXC_HOME,
    REPO,
    OdooServer,
    Rpc,
    copy_template,
    drop_db,
    odoo_cmd,
    pg_cursor,
    unique_db,
)

ADDONS = "sale_order_ext,stock_lock_ext,report_ext"
ERROR_LINE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) .*$", re.M)
SIZES = {"JXC_GEN_PRODUCTS": "40", "JXC_GEN_CUSTOMERS": "30", "JXC_GEN_ORDERS": "40"}
# stages whose orders are confirmed (the generator's STAGES)
CONFIRMED = (
    "reserved",
    "in_progress",
    "partial",
    "delivered",
    "invoiced",
    "paid",
    "returned",
    "down_payment",
    "locked",
)


def _run(args, log, stdin=None, env=None, timeout=900):
    with open(log, "a", encoding="utf-8") as out:
        proc = subprocess.run(
            args,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=out,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=timeout,
            check=False,
        )
    return proc


@pytest.fixture(scope="module")
def existing():
    template = os.environ.get("JXC_PLAIN_TEMPLATE_DB")
    assert template, "JXC_PLAIN_TEMPLATE_DB is not set: run the tests through scripts/test.sh"
    db = copy_template(unique_db("exist"), template=template)
    logs = JXC_HOME / "log"
    gen_log, install_log = logs / f"pytest-{db}-gen.log", logs / f"pytest-{db}-install.log"
    try:
        with pg_cursor(db) as cr:
            # an English database: no other language active, nobody writes Chinese
            cr.execute("UPDATE res_lang SET active = (code = 'en_US')")
            cr.execute("UPDATE res_partner SET lang = 'en_US' WHERE lang IS NOT NULL")
            cr.execute(
                "UPDATE ir_default SET json_value = '\"en_US\"' WHERE field_id = "
                "(SELECT id FROM ir_model_fields WHERE model = 'res.partner' AND name = 'lang')"
            )
        with open(REPO / "tests" / "existing_db.py", encoding="utf-8") as script:
            gen = _run(
                [*odoo_cmd()[:2], "shell", *odoo_cmd()[2:], "-d", db, "--no-http"],
                gen_log,
                stdin=script,
                env=SIZES,
            )
        assert gen.returncode == 0, f"generator failed, see {gen_log}"
        line = next(ln for ln in gen.stdout.splitlines() if ln.startswith("GEN "))
        data = json.loads(line[4:])
        with pg_cursor(db) as cr:
            cr.execute("SELECT id, action_id FROM res_users ORDER BY id")
            homes = dict(cr.fetchall())
            cr.execute("SELECT id, state FROM sale_order")
            states = dict(cr.fetchall())
        t0 = time.monotonic()
        install = _run(
            odoo_cmd(
                "-d",
                db,
                "-i",
                ADDONS,
                "--stop-after-init",
                "--no-http",
                "--max-cron-threads=0",
                f"--logfile={install_log}",
            ),
            install_log,
        )
        data.update(
            db=db,
            homes=homes,
            states=states,
            install_rc=install.returncode,
            install_seconds=time.monotonic() - t0,
            install_log=install_log,
        )
        yield data
    finally:
        drop_db(db)


@pytest.fixture(scope="module")
def server(existing):
    server = OdooServer(existing["db"]).start()
    yield server
    server.stop()


def test_install_finishes_in_an_english_database(existing):
    log = existing["install_log"]
    text = log.read_text(encoding="utf-8")
    assert existing["install_rc"] == 0, f"-i {ADDONS} exited {existing['install_rc']}: see {log}"
    assert not ERROR_LINE.findall(text), ERROR_LINE.findall(text)
    assert "Traceback" not in text
    with pg_cursor(existing["db"]) as cr:
        cr.execute(
            "SELECT name, state FROM ir_module_module WHERE name = ANY(%s)", [ADDONS.split(",")]
        )
        assert dict(cr.fetchall()) == dict.fromkeys(ADDONS.split(","), "installed")
        cr.execute("SELECT code FROM res_lang WHERE active")
        assert [row[0] for row in cr.fetchall()] == ["en_US"]
    # what it could not do is said, not hidden
    assert re.search(r"no warehouse in .*Sin Almac", text), "the company without warehouse"
    assert re.search(r"pinyin keys of product_template: \d+ rows have no name to key", text)
    print(f"install on {existing['counts']}: {existing['install_seconds']:.1f} s")


def _order_rows(db, ids):
    with pg_cursor(db) as cr:
        cr.execute(
            """
            SELECT so.id, so.state, so.approval_state, so.flow_state, so.approved_by_id,
                   so.approved_terms IS NOT NULL,
                   (SELECT array_agg(a.name || '|' || a.state || '|' || COALESCE(a.user_id, 0))
                      FROM sale_order_approval a WHERE a.order_id = so.id),
                   (SELECT count(*) FROM mail_message m
                     WHERE m.model = 'sale.order' AND m.res_id = so.id
                       AND m.body LIKE '%%approved by the system%%')
              FROM sale_order so WHERE so.id = ANY(%s)
            """,
            [list(ids)],
        )
        return {row[0]: row[1:] for row in cr.fetchall()}


def test_confirmed_orders_are_approved_by_the_system_quotations_stay(existing):
    db = existing["db"]
    states = {int(k): v for k, v in existing["states"].items()}
    rows = _order_rows(db, states)
    confirmed = [oid for oid, state in states.items() if state == "sale"]
    assert len(confirmed) > 20
    for oid in confirmed:
        state, approval, flow, approver, has_terms, steps, notes = rows[oid]
        assert (state, approval, approver, has_terms) == ("sale", "approved", None, True), oid
        assert steps == ["Confirmed before install|approved|0"], (oid, steps)
        assert notes == 1, (oid, notes)
        assert flow in ("approved", "shipped", "signed", "done"), (oid, flow)
    for company in ("main", "foreign"):
        stages = existing["stages"][company]
        for stage in ("draft", "sent"):
            assert rows[stages[stage]][:3] == (stage, "draft", "draft"), (company, stage)
            assert rows[stages[stage]][5] is None, "no approval step on a quotation"
        assert rows[stages["cancelled"]][:3] == ("cancel", "draft", "cancel")
        for stage in ("reserved", "in_progress", "partial", "down_payment"):
            assert rows[stages[stage]][2] == "approved", (company, stage)
        for stage in ("delivered", "invoiced", "paid", "locked"):
            assert rows[stages[stage]][2] == "shipped", (company, stage)  # not signed for


def test_users_keep_their_home_actions(existing):
    with pg_cursor(existing["db"]) as cr:
        cr.execute("SELECT id, action_id FROM res_users ORDER BY id")
        after = dict(cr.fetchall())
    before = {int(k): v for k, v in existing["homes"].items()}
    assert {uid: after[uid] for uid in before} == before


def test_pinyin_keys_from_the_source_names(existing):
    blank = existing["bad"]["blank_name_templates"]
    with pg_cursor(existing["db"]) as cr:
        cr.execute(
            "SELECT count(*), count(pinyin_search) FROM product_template "
            "WHERE name->>'en_US' ~ '[一-龥]'"
        )
        chinese, keyed = cr.fetchone()
        cr.execute("SELECT pinyin_search FROM product_template WHERE id = ANY(%s)", [blank])
        blank_keys = [row[0] for row in cr.fetchall()]
        cr.execute("SELECT count(*), count(pinyin_search) FROM res_partner WHERE name ~ '[一-龥]'")
        partners, partners_keyed = cr.fetchone()
    assert chinese > 5 and keyed == chinese
    assert partners > 5 and partners_keyed == partners
    assert blank_keys == [None, None]


def _slip_html(server, order_id):
    """The 销售单 as the administrator (English) prints it, through Odoo's report route."""
    session = requests.Session()
    answer = session.post(
        f"{server.url}/web/session/authenticate",
        json={"params": {"db": server.db, "login": "admin", "password": "admin"}},
        timeout=60,
    ).json()
    assert answer.get("result"), answer
    response = session.get(
        f"{server.url}/report/html/report_ext.report_sale_slip/{order_id}", timeout=120
    )
    assert response.status_code == 200, response.status_code
    return response.text


def _user(admin, login, groups, company_id):
    group_ids = [admin.ref(g) for g in groups]
    admin.call(
        "res.users",
        "create",
        {
            "name": login.title(),
            "login": login,
            "password": login,
            "email": f"{login}@example.com",
            "lang": "en_US",
            "company_id": company_id,
            "company_ids": [(6, 0, [company_id])],
            "groups_id": [(6, 0, group_ids)],
        },
    )


def _validate(rpc, picking_id, quantities=None):
    """The warehouse's Validate: every move done at its demand (or the given quantities),
    no backorder."""
    moves = rpc.call(
        "stock.move", "search_read", [("picking_id", "=", picking_id)], ["product_uom_qty"]
    )
    for move in moves:
        qty = (quantities or {}).get(move["id"], move["product_uom_qty"])
        rpc.call("stock.move", "write", [move["id"]], {"quantity": qty, "picked": True})
    res = rpc.call(
        "stock.picking",
        "button_validate",
        [picking_id],
        context={"lang": "en_US", "skip_backorder": True, "skip_sms": True},
    )
    assert res is True or res is None or res.get("res_model") != "stock.backorder.confirmation"
    [picking] = rpc.call("stock.picking", "read", [picking_id], ["state"])
    assert picking["state"] == "done", picking


def _open_pickings(rpc, order_id):
    return rpc.call(
        "stock.picking",
        "search",
        [
            ("sale_id", "=", order_id),
            ("state", "not in", ("done", "cancel")),
            ("picking_type_code", "=", "outgoing"),
        ],
    )


def test_existing_orders_go_on_as_each_role(existing, server):
    stages, company = existing["stages"]["main"], existing["companies"]["main"]
    admin = Rpc(server.url, server.db, "admin", "admin", lang="en_US")
    _user(admin, "wh_exist", ["stock.group_stock_user"], company)
    _user(admin, "fin_exist", ["account.group_account_invoice"], company)
    _user(admin, "sales_exist", ["sales_team.group_sale_salesman_all_leads"], company)
    warehouse = Rpc(server.url, server.db, "wh_exist", "wh_exist", lang="en_US")
    finance = Rpc(server.url, server.db, "fin_exist", "fin_exist", lang="en_US")
    sales = Rpc(server.url, server.db, "sales_exist", "sales_exist", lang="en_US")

    # the warehouse ships what was reserved, being picked and the rest of a part delivery
    for stage in ("reserved", "in_progress", "partial"):
        for picking_id in _open_pickings(warehouse, stages[stage]):
            _validate(warehouse, picking_id)
    # the over-reserved product's delivery ships what is there (5 on hand, 8 reserved)
    over = existing["over_reserved"]["order"]
    [picking_id] = _open_pickings(warehouse, over)
    [move] = warehouse.call("stock.move", "search_read", [("picking_id", "=", picking_id)], ["id"])
    _validate(warehouse, picking_id, {move["id"]: 5})

    # a return of a delivered order, from Odoo's own wizard
    [delivery] = warehouse.call(
        "stock.picking", "search", [("sale_id", "=", stages["delivered"])], limit=1
    )
    ctx = {"active_id": delivery, "active_ids": [delivery], "active_model": "stock.picking"}
    wizard = warehouse.call("stock.return.picking", "create", {}, context=ctx)
    [line] = warehouse.call(
        "stock.return.picking.line", "search", [("wizard_id", "=", wizard)], limit=1
    )
    warehouse.call("stock.return.picking.line", "write", [line], {"quantity": 2})
    returned = warehouse.call("stock.return.picking", "action_create_returns", [wizard])
    _validate(warehouse, returned["res_id"])

    # finance invoices what was delivered, the down-payment order's final invoice deducts it
    for stage in ("reserved", "partial", "delivered", "down_payment"):
        order = stages[stage]
        if stage == "down_payment":
            for picking_id in _open_pickings(warehouse, order):
                _validate(warehouse, picking_id)
        ctx = {"active_model": "sale.order", "active_ids": [order], "active_id": order}
        wizard = finance.call(
            "sale.advance.payment.inv",
            "create",
            {"advance_payment_method": "delivered"},
            context=ctx,
        )
        finance.call("sale.advance.payment.inv", "create_invoices", [wizard], context=ctx)
        invoices = finance.call(
            "account.move",
            "search_read",
            [("line_ids.sale_line_ids.order_id", "=", order), ("state", "=", "draft")],
            ["id", "amount_total"],
        )
        assert invoices, stage
        finance.call("account.move", "action_post", [inv["id"] for inv in invoices])
    [dp] = finance.call("sale.order", "read", [stages["down_payment"]], ["amount_total"])
    billed = finance.call(
        "account.move",
        "search_read",
        [
            ("line_ids.sale_line_ids.order_id", "=", stages["down_payment"]),
            ("state", "=", "posted"),
        ],
        ["amount_total"],
    )
    assert abs(sum(m["amount_total"] for m in billed) - dp["amount_total"]) < 0.01

    # the salesperson's new order of an existing customer follows the new flow: confirmed
    # by its (automatic) approval, its stock locked
    [bulk] = admin.call(
        "sale.order", "read", existing["bulk"]["main"]["confirmed"][:1], ["partner_id"]
    )
    [bulk_line] = admin.call(
        "sale.order.line", "search_read", [("order_id", "=", bulk["id"])], ["product_id"], limit=1
    )
    order = sales.call(
        "sale.order",
        "create",
        {
            "partner_id": bulk["partner_id"][0],
            "order_line": [
                (0, 0, {"product_id": bulk_line["product_id"][0], "product_uom_qty": 1})
            ],
        },
    )
    sales.call("sale.order", "action_confirm", [order])
    [new] = sales.call("sale.order", "read", [order], ["state", "approval_state", "flow_state"])
    assert (new["state"], new["approval_state"], new["flow_state"]) == (
        "sale",
        "approved",
        "approved",
    )
    locks = admin.call("stock.lock", "search_read", [("order_id", "=", order)], ["state"])
    assert locks and {lock["state"] for lock in locks} <= {"active", "consumed"}
    # in English: the database has no other language, documents included
    assert "Sales Slip" in _slip_html(server, order)
    labels = dict(sales.call("sale.order", "fields_get", ["flow_state"])["flow_state"]["selection"])
    assert labels["to_review"] == "Pending Review"

    # an adopted order whose terms change goes to review like any approved order
    [line] = sales.call(
        "sale.order.line",
        "search_read",
        [("order_id", "=", stages["in_progress"]), ("is_downpayment", "=", False)],
        ["price_unit"],
        limit=1,
    )
    sales.call("sale.order.line", "write", [line["id"]], {"price_unit": line["price_unit"] + 1})
    # review is off in this company: the change is approved again at once, on the new terms
    [changed] = sales.call(
        "sale.order", "read", [stages["in_progress"]], ["approval_state", "approved_terms"]
    )
    assert changed["approval_state"] == "approved"
    price = changed["approved_terms"]["lines"][str(line["id"])]["price_unit"]
    assert float(price) == line["price_unit"] + 1


def test_chinese_loaded_later(existing, server):
    """Simplified Chinese loaded after the install: the suite's terms speak it."""
    server.stop()
    log = JXC_HOME / "log" / f"pytest-{existing['db']}-lang.log"
    proc = _run(
        odoo_cmd(
            "-d",
            existing["db"],
            "--load-language=zh_CN",
            "--stop-after-init",
            "--no-http",
            f"--logfile={log}",
        ),
        log,
    )
    text = log.read_text(encoding="utf-8")
    assert proc.returncode == 0 and not ERROR_LINE.findall(text), ERROR_LINE.findall(text)
    server.start()
    admin = Rpc(server.url, server.db, "admin", "admin", lang="zh_CN")
    labels = dict(admin.call("sale.order", "fields_get", ["flow_state"])["flow_state"]["selection"])
    assert labels["to_review"] == "待审核"
    steps = admin.call(
        "sale.order.approval", "search_read", [("state", "=", "approved")], ["name"], limit=1
    )
    # written at install in the company's language (English), kept as written
    assert steps[0]["name"] == "Confirmed before install"
    # a Chinese customer's 销售单 prints in Chinese, whoever prints it
    order_id = existing["stages"]["main"]["reserved"]
    [order] = admin.call("sale.order", "read", [order_id], ["partner_id"])
    admin.call("res.partner", "write", [order["partner_id"][0]], {"lang": "zh_CN"})
    html = _slip_html(server, order_id)
    assert "销售单" in html and "Sales Slip" not in html
