"""Throughput on a hot product, on a real multi-process server: 30 JSON-RPC clients at once.

    bash scripts/bench.sh stock_lock_race [CLIENTS] [ROUNDS] [WORKERS]     (default 30 4 4)

One `--workers 4` Odoo serves two databases: this one (the suite installed, the review off and a
shortage a blocking check, so a submission locks, is approved and confirmed at once, or stays
待审核 with the shortage, locking nothing) and plain
Odoo's (the same modules without the suite), where the clients call `action_confirm`. Each round
creates a product with 10 on hand and one order of 1-2 units per client; all clients call at the
same instant; Odoo's request layer retries serialization failures as it does in production.
Throughput = orders whose call returned per second of wall time, both databases in turns within
the same run. Also printed: how much each oversold (locked + reserved - on hand) and how many
retries the server logged.
"""

import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

PASSWORD = "bench-race"
DB_OPTIONS = ("db_host", "db_port", "db_user", "db_password")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(databases, workers):
    port = _free_port()
    logfile = Path(tempfile.mkstemp(prefix="bench-race-", suffix=".log")[1])
    odoo_bin = Path(sys.modules["odoo"].__file__).parent.parent / "odoo-bin"
    args = [
        sys.executable,
        str(odoo_bin),
        f"--addons-path={config['addons_path']}",
        f"--data-dir={config['data_dir']}",
        *(f"--{key}={config[key]}" for key in DB_OPTIONS if config[key]),
        f"--db-filter=^({'|'.join(databases)})$",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--gevent-port={_free_port()}",
        f"--workers={workers}",
        "--max-cron-threads=0",
        "--limit-time-real=600",
        "--limit-time-cpu=600",
        f"--logfile={logfile}",
    ]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for __ in range(120):
        try:
            if requests.get(f"{url}/web/health", timeout=2).status_code == 200:
                return proc, url, logfile
        except requests.RequestException:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise RuntimeError(f"the benchmark's Odoo server did not start; see {logfile}")


class Client:
    def __init__(self, url, db):
        self.url, self.db = url, db

    def __call__(self, model, method, *args, **kwargs):
        response = requests.post(
            f"{self.url}/jsonrpc",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "service": "object",
                    "method": "execute_kw",
                    "args": [self.db, SUPERUSER_ID + 1, PASSWORD, model, method, args, kwargs],
                },
            },
            timeout=600,
        ).json()
        if "error" in response:
            raise RuntimeError(response["error"]["data"]["message"][:200])
        return response.get("result")


def _prepare(call, n_clients):
    product = call(
        "product.product",
        "create",
        {"name": "热销保温杯", "type": "consu", "is_storable": True, "list_price": 10},
    )
    [warehouse] = call("stock.warehouse", "search_read", [], ["lot_stock_id"], limit=1)
    quant = call(
        "stock.quant",
        "create",
        {
            "product_id": product,
            "location_id": warehouse["lot_stock_id"][0],
            "inventory_quantity": 10,
        },
    )
    call("stock.quant", "action_apply_inventory", [quant])
    partner = call(
        "res.partner", "create", {"name": "并发客户", "street": "路 1 号", "city": "上海"}
    )
    orders = call(
        "sale.order",
        "create",
        [
            {
                "partner_id": partner,
                "warehouse_id": warehouse["id"],
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": product,
                            "product_uom_qty": random.choice((1, 2)),
                            "price_unit": 10,
                        },
                    )
                ],
            }
            for __ in range(n_clients)
        ],
    )
    return product, orders


def _round(call, method, n_clients, with_locks):
    product, orders = _prepare(call, n_clients)
    barrier = threading.Barrier(n_clients)

    def submit(order_id):
        barrier.wait(timeout=60)
        try:
            call("sale.order", method, [order_id])
            return True
        except RuntimeError:
            return False

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n_clients) as pool:
        returned = sum(pool.map(submit, orders))
    seconds = time.perf_counter() - start
    quants = call(
        "stock.quant",
        "search_read",
        [("product_id", "=", product), ("location_id.usage", "=", "internal")],
        ["quantity", "reserved_quantity"],
    )
    spent = sum(q["reserved_quantity"] for q in quants)
    if with_locks:
        locks = call(
            "stock.lock",
            "search_read",
            [("product_id", "=", product), ("state", "=", "active")],
            ["quantity"],
        )
        spent += sum(lock["quantity"] for lock in locks)
    return returned / seconds, seconds, max(spent - sum(q["quantity"] for q in quants), 0)


def _setup_database(db, ours):
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env.ref("base.user_admin").password = PASSWORD
        if ours:
            company = env.ref("base.user_admin").company_id
            company.write(
                {
                    "sale_review_required": False,
                    "stock_lock_trigger": "submit",
                    "stock_lock_shortage_policy": "review",
                }
            )
            # a shortage is a blocking check: the order waits in 待审核 with it, unlocked
            env["sale.review.check"].search(
                [("company_id", "=", company.id), ("code", "=", "stock_shortage")]
            ).severity = "blocking"


def main(env, args):
    n_clients = int(args[0]) if args else 30
    rounds = int(args[1]) if len(args) > 1 else 4
    workers = int(args[2]) if len(args) > 2 else 4
    ours_db, plain_db = env.cr.dbname, os.environ["JXC_PLAIN_DB"]
    env.cr.commit()
    _setup_database(ours_db, ours=True)
    _setup_database(plain_db, ours=False)
    proc, url, logfile = _start_server([ours_db, plain_db], workers)
    random.seed(11)
    totals = {"ours": [0.0, 0], "plain": [0.0, 0]}
    try:
        # untimed: every worker loads both registries and warms its caches
        _round(Client(url, ours_db), "action_submit_review", n_clients, True)
        _round(Client(url, plain_db), "action_confirm", n_clients, False)
        for round_no in range(rounds):
            ours = _round(Client(url, ours_db), "action_submit_review", n_clients, True)
            plain = _round(Client(url, plain_db), "action_confirm", n_clients, False)
            for name, figures in (("ours", ours), ("plain", plain)):
                totals[name][0] += figures[1]
                totals[name][1] += round(figures[0] * figures[1])
            print(
                f"FIGURE stock_lock_race round={round_no} clients={n_clients} workers={workers} "
                f"orders/s ours={ours[0]:.2f} plain-odoo={plain[0]:.2f} "
                f"ratio={ours[0] / plain[0]:.2f} oversold ours={ours[2]:g} "
                f"plain-odoo={plain[2]:g}"
            )
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    retries = {ours_db: 0, plain_db: 0}
    for line in logfile.read_text(errors="replace").splitlines():
        if "tries left" in line:
            for db in retries:
                if f" {db} " in line:
                    retries[db] += 1
    ours_rate = totals["ours"][1] / totals["ours"][0]
    plain_rate = totals["plain"][1] / totals["plain"][0]
    print(
        f"FIGURE stock_lock_race all rounds: orders/s ours={ours_rate:.2f} "
        f"plain-odoo={plain_rate:.2f} ratio={ours_rate / plain_rate:.2f} (target >= 0.8) "
        f"retries ours={retries[ours_db]} plain-odoo={retries[plain_db]}"
    )
