"""The README's demo command, run for real from a scratch directory.

It creates its own database (demo data, zh_CN), starts a multi-process server, and is checked
over JSON-RPC like a user's client would; the server is then stopped by its PID.
"""

import datetime
import os
import subprocess

import psutil
import pytest
import requests
import websocket

from .conftest import JXC_HOME, REPO, Rpc, drop_db, free_port, unique_db


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("demo")
    env = dict(
        os.environ,
        JXC_DEMO_DB=unique_db("demo"),
        JXC_HTTP_PORT=str(free_port()),
        JXC_ODOO_PORT=str(free_port()),
        JXC_GEVENT_PORT=str(free_port()),
        JXC_PIDFILE=str(scratch / "odoo.pid"),
    )
    run = subprocess.run(
        ["bash", str(REPO / "scripts" / "demo.sh")],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    yield env, run
    subprocess.run(["bash", str(REPO / "scripts" / "demo.sh"), "--stop"], env=env, check=False)
    drop_db(env["JXC_DEMO_DB"])
    subprocess.run(["rm", "-rf", str(JXC_HOME / f"nginx-{env['JXC_DEMO_DB']}")], check=False)


def test_demo_command_serves_the_suite_in_chinese(demo_server):
    env, run = demo_server
    assert run.returncode == 0, run.stdout + run.stderr
    url = f"http://127.0.0.1:{env['JXC_HTTP_PORT']}"
    assert url in run.stdout and "admin / admin" in run.stdout, run.stdout

    # multi-process: the pidfile's process is the prefork master with ≥ 2 HTTP workers + cron
    master = psutil.Process(int(open(env["JXC_PIDFILE"]).read()))
    assert len(master.children()) >= 3, master.children()

    admin = Rpc(url, env["JXC_DEMO_DB"], "admin", "admin")
    modules = admin.call(
        "ir.module.module",
        "search_read",
        [("name", "in", ["sale_order_ext", "stock_lock_ext", "report_ext"])],
        ["name", "state"],
    )
    assert {m["name"]: m["state"] for m in modules} == {
        "sale_order_ext": "installed",
        "stock_lock_ext": "installed",
        "report_ext": "installed",
    }
    langs = admin.call("res.lang", "search_read", [("code", "=", "zh_CN")], ["active"])
    assert langs and langs[0]["active"]
    orders = admin.call("sale.order", "search_read", [], ["name", "partner_id", "state"], limit=5)
    assert orders, "the demo database has sale orders"

    # the Chinese demo company, its customers and its users
    company = admin.call(
        "res.company", "search_read", [("name", "=", "上海鸿运商贸有限公司")], ["currency_id"]
    )
    assert company and company[0]["currency_id"][1] == "CNY", company
    sales = Rpc(url, env["JXC_DEMO_DB"], "sales", "sales")
    own = sales.call("sale.order", "search_read", [], ["name", "user_id"])
    assert own and {o["user_id"][0] for o in own} == {sales.uid}
    user = sales.call("res.users", "read", [sales.uid], ["lang"])[0]
    assert user["lang"] == "zh_CN"


def test_demo_figures_are_chinese_and_right(demo_server):
    """The demo users see only the Chinese company, on l10n_cn with 13 % VAT (prices
    tax-included), and 销售分析 / 库存周转 give the figures computed by hand for U 盘 64GB:
    10 sold at ¥49.00 incl. VAT (order DEMO-DONE) at a cost of ¥27.00, 300 + 100 counted in
    at 上海总仓 / 苏州仓 today."""
    env, run = demo_server
    assert run.returncode == 0, run.stdout + run.stderr
    url = f"http://127.0.0.1:{env['JXC_HTTP_PORT']}"
    admin = Rpc(url, env["JXC_DEMO_DB"], "admin", "admin")
    usb = admin.ref("sale_order_ext.demo_product_usb")
    order = admin.ref("sale_order_ext.demo_order_done")
    sh = admin.ref("sale_order_ext.demo_warehouse_sh")

    for login in ("sales", "finance", "warehouse"):
        user = Rpc(url, env["JXC_DEMO_DB"], login, login)
        companies = user.call("res.company", "search_read", [], ["name", "chart_template", "logo"])
        assert [c["name"] for c in companies] == ["上海鸿运商贸有限公司"], companies
        assert companies[0]["chart_template"] == "cn" and companies[0]["logo"], login
        names = [p["name"] for p in user.call("res.partner", "search_read", [], ["name"])]
        for english in (
            "Deco Addict",
            "Azure Interior",
            "Gemini Furniture",
            "Wood Corner",
            "Administrator",
            "My Company",
        ):
            assert english not in names, (login, english)
    # a salesperson's 应收分析: his customers' whole account (武汉江城's overdue invoices)
    sales = Rpc(url, env["JXC_DEMO_DB"], "sales", "sales")
    due = sales.call("receivable.analysis.report", "search_read", [], ["partner_id", "amount_due"])
    assert {row["partner_id"][1] for row in due} == {"武汉江城日用品批发部"}, due
    assert round(sum(row["amount_due"] for row in due), 2) == 7820.0, due
    finance = Rpc(url, env["JXC_DEMO_DB"], "finance", "finance")
    [done] = finance.call("sale.order", "read", [order], ["amount_untaxed", "amount_tax"])
    assert done["amount_tax"] > 0, done  # 13 % VAT

    # 销售分析: untaxed 490 / 1.13 = 433.63, margin 433.63 - 10 x 27 = 163.63
    [line] = admin.call(
        "sale.analysis.report",
        "search_read",
        [("order_id", "=", order), ("product_id", "=", usb)],
        ["amount_untaxed", "amount_total", "cost", "margin", "margin_percent"],
    )
    assert round(line["amount_untaxed"], 2) == 433.63, line
    assert round(line["amount_total"], 2) == 490.0, line
    assert round(line["cost"], 2) == 270.0, line
    assert round(line["margin"], 2) == 163.63, line

    # 库存周转, last 365 days, 上海总仓: opening 0, closing (300 - 10) x 27 = 7830,
    # average 3915, COGS 270 → 周转率 270 / 3915 = 0.0690, 周转天数 365 / 0.0690 = 5292.5
    today = datetime.date.today()
    context = {
        "lang": "zh_CN",
        "turnover_date_from": str(today - datetime.timedelta(days=364)),
        "turnover_date_to": str(today),
    }
    [row] = admin.call(
        "stock.analysis.report",
        "search_read",
        [("product_id", "=", usb), ("warehouse_id", "=", sh)],
        ["qty_on_hand", "opening_value", "stock_value", "cogs", "turnover_rate", "turnover_days"],
        context=context,
    )
    assert row["qty_on_hand"] == 290.0, row
    assert round(row["opening_value"], 2) == 0.0, row
    assert round(row["stock_value"], 2) == 7830.0, row
    assert round(row["cogs"], 2) == 270.0, row
    assert abs(row["turnover_rate"] - 270 / 3915) < 1e-6, row
    assert abs(row["turnover_days"] - 365 * 3915 / 270) < 1e-3, row


def test_demo_roles_and_strict_review(demo_server):
    """The buyer can act on low-stock alerts (Purchase rights); the demo company reviews every
    order and blocks on prices below the floor and on stock shortages (a fresh install only warns)."""
    env, run = demo_server
    assert run.returncode == 0, run.stdout + run.stderr
    url = f"http://127.0.0.1:{env['JXC_HTTP_PORT']}"
    admin = Rpc(url, env["JXC_DEMO_DB"], "admin", "admin")
    buyer = Rpc(url, env["JXC_DEMO_DB"], "buyer", "buyer")
    [me] = buyer.call("res.users", "read", [buyer.uid], ["groups_id"])
    assert admin.ref("purchase.group_purchase_user") in me["groups_id"]
    [vendor] = buyer.call("res.partner", "search", [("supplier_rank", ">=", 0)], limit=1)
    assert buyer.call("purchase.order", "create", {"partner_id": vendor})  # a draft RFQ
    company = admin.ref("sale_order_ext.demo_company_cn")
    checks = admin.call(
        "sale.review.check",
        "search_read",
        [("company_id", "=", company)],
        ["code", "severity"],
        context={"active_test": False},
    )
    severity = {c["code"]: c["severity"] for c in checks}
    assert severity["line_price"] == "blocking" and severity["stock_shortage"] == "blocking"
    assert severity["duplicate"] == "warning", severity
    [cn] = admin.call("res.company", "read", [company], ["sale_review_required"])
    assert cn["sale_review_required"]


def test_demo_serves_through_nginx_with_a_live_websocket(demo_server):
    """nginx answers on the public port (Odoo's own ports stay internal): pages go to the HTTP
    workers in proxy mode, /websocket to the gevent worker (101), as Odoo's deployment docs
    prescribe."""
    env, run = demo_server
    assert run.returncode == 0, run.stdout + run.stderr
    url = f"http://127.0.0.1:{env['JXC_HTTP_PORT']}"
    health = requests.get(f"{url}/web/health", timeout=10)
    assert health.status_code == 200 and health.headers["Server"].startswith("nginx"), health
    login = requests.get(f"{url}/web/login", timeout=30)
    assert login.status_code == 200 and "nginx" in login.headers["Server"]
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{env['JXC_HTTP_PORT']}/websocket", origin=url, timeout=10
    )
    try:
        assert ws.getstatus() == 101
    finally:
        ws.close()
    # the config is the script's, rewritten on every start
    conf = (JXC_HOME / f"nginx-{env['JXC_DEMO_DB']}" / "nginx.conf").read_text()
    assert f"server 127.0.0.1:{env['JXC_GEVENT_PORT']};" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf


def test_demo_users_land_in_their_work_without_sms(demo_server):
    """Each demo login has its role's home action; the demo company doesn't text customers."""
    env, run = demo_server
    assert run.returncode == 0, run.stdout + run.stderr
    url = f"http://127.0.0.1:{env['JXC_HTTP_PORT']}"
    admin = Rpc(url, env["JXC_DEMO_DB"], "admin", "admin")
    expected = {
        "sales": "sale.action_quotations_with_onboarding",
        "sales2": "sale.action_quotations_with_onboarding",
        "approver": "sale_order_ext.action_orders_to_review",
        "warehouse": "stock.method_action_picking_tree_outgoing",
        "finance": "account.action_move_out_invoice_type",
        "buyer": "stock_lock_ext.action_stock_low_alert",
    }
    users = admin.call(
        "res.users", "search_read", [("login", "in", list(expected))], ["login", "action_id"]
    )
    homes = {u["login"]: u["action_id"] and u["action_id"][0] for u in users}
    assert homes == {login: admin.ref(x) for login, x in expected.items()}, homes
    company = admin.ref("sale_order_ext.demo_company_cn")
    [cn] = admin.call("res.company", "read", [company], ["stock_move_sms_validation"])
    assert cn["stock_move_sms_validation"] is False


def test_demo_command_stops_the_server_by_pid(demo_server):
    env, run = demo_server
    assert run.returncode == 0, run.stdout + run.stderr
    pid = int(open(env["JXC_PIDFILE"]).read())
    stop = subprocess.run(
        ["bash", str(REPO / "scripts" / "demo.sh"), "--stop"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert stop.returncode == 0, stop.stdout + stop.stderr
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    # nginx stopped too: nothing answers on the public port
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{env['JXC_HTTP_PORT']}/web/health", timeout=5)
