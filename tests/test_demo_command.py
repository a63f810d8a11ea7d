"""The README's demo command, run for real from a scratch directory.

It creates its own database (demo data, zh_CN), starts a multi-process server, and is checked
over JSON-RPC like a user's client would; the server is then stopped by its PID.
"""

import os
import subprocess

import psutil
import pytest

from .conftest import REPO, Rpc, drop_db, free_port, unique_db


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("demo")
    env = dict(
        os.environ,
        JXC_DEMO_DB=unique_db("demo"),
        JXC_HTTP_PORT=str(free_port()),
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
