"""Fixtures for the repository-level tests: real databases, real Odoo servers, JSON-RPC.

These tests run through ``scripts/test.sh``, which builds the template database (the three
addons installed, no demo, zh_CN loaded) and exports ``JXC_TEMPLATE_DB``. Without it the session
fails: a test run without Odoo is a failure, never a skip.
"""

import contextlib
import itertools
import os
import re
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
import requests

REPO = Path(__file__).resolve().parents[1]
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo"))
JXC_HOME = Path(os.environ.get("JXC_HOME", "/var/lib/jxc"))
VENV_PYTHON = JXC_HOME / "venv" / "bin" / "python"
DATA_DIR = JXC_HOME / "data"
PG = {
    "host": os.environ.get("PGHOST", "127.0.0.1"),
    "port": os.environ.get("PGPORT", "5432"),
    "user": os.environ.get("PGUSER", "jxc"),
    "password": os.environ.get("PGPASSWORD", "jxc"),
}
ADMIN = ("admin", "admin")


def pytest_sessionstart(session):
    missing = [p for p in (ODOO_SRC / "odoo-bin", VENV_PYTHON) if not p.exists()]
    if missing or not os.environ.get("JXC_TEMPLATE_DB"):
        raise pytest.UsageError(
            "run these tests through `bash scripts/test.sh` (needs Odoo at ODOO_SRC, the venv "
            f"and a template database); missing: {missing or 'JXC_TEMPLATE_DB'}"
        )


# pytest-odoo (the project's test package) runs the addons' own tests in-process:
#   pytest --odoo-database=DB --odoo-addons-path=... sale_order_ext/tests
# These repository tests drive real servers instead: its in-process registry is not for them.
@pytest.fixture(scope="session", autouse=True)
def load_registry():
    yield


@pytest.fixture(scope="session", autouse=True)
def load_http():
    yield


@pytest.fixture(scope="module", autouse=True)
def enable_odoo_test_flag():
    yield


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def odoo_cmd(*args):
    """odoo-bin with the suite's addons path, data dir and database credentials."""
    return [
        str(VENV_PYTHON),
        str(ODOO_SRC / "odoo-bin"),
        f"--addons-path={ODOO_SRC}/addons,{ODOO_SRC}/odoo/addons,{REPO}",
        f"--data-dir={DATA_DIR}",
        f"--db_host={PG['host']}",
        f"--db_port={PG['port']}",
        f"--db_user={PG['user']}",
        f"--db_password={PG['password']}",
        *args,
    ]


@contextlib.contextmanager
def pg_cursor(dbname="postgres"):
    """An autocommit cursor (psycopg2's ``with conn`` would open a transaction block)."""
    conn = psycopg2.connect(dbname=dbname, **PG)
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            yield cr
    finally:
        conn.close()


def copy_template(name, template=None):
    """createdb -T for the template (ours by default), with its filestore."""
    template = template or os.environ["JXC_TEMPLATE_DB"]
    drop_db(name)
    with pg_cursor() as cr:
        cr.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    src = DATA_DIR / "filestore" / template
    if src.exists():
        subprocess.run(["cp", "-a", str(src), str(DATA_DIR / "filestore" / name)], check=True)
    return name


def drop_db(name):
    with pg_cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    subprocess.run(["rm", "-rf", str(DATA_DIR / "filestore" / name)], check=True)


class RpcError(Exception):
    """An error answered by Odoo over JSON-RPC; ``name`` is the exception's class path."""

    def __init__(self, error):
        data = error.get("data", {})
        self.name = data.get("name", "")
        self.message = data.get("message") or error.get("message", "")
        super().__init__(f"{self.name}: {self.message}")


class Rpc:
    """A JSON-RPC client logged in as one user (``/jsonrpc``, like any external caller)."""

    _ids = itertools.count(1)

    def __init__(self, url, db, login, password, lang="zh_CN"):
        self.url, self.db, self.login, self.password = url, db, login, password
        self.context = {"lang": lang}
        self.uid = self._call("common", "login", db, login, password)
        if not self.uid:
            raise AssertionError(f"login {login!r} refused by {url}")

    def _call(self, service, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(self._ids),
            "params": {"service": service, "method": method, "args": args},
        }
        answer = requests.post(f"{self.url}/jsonrpc", json=payload, timeout=300).json()
        if "error" in answer:
            raise RpcError(answer["error"])
        return answer.get("result")  # Odoo omits result when a method returns None

    def call(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", self.context)
        return self._call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        found = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        assert found, f"no record {xmlid}"
        return found[0]["res_id"]


def common_sh(*commands):
    """Run functions of scripts/common.sh (the ones scripts/demo.sh uses)."""
    script = f'source "{REPO}/scripts/common.sh"; ' + "; ".join(commands)
    subprocess.run(["bash", "-c", script], check=True, timeout=60)


class OdooServer:
    """A real multi-process Odoo server (HTTP workers + optional cron) on its own database.

    With ``proxy=True`` it runs as scripts/demo.sh runs it: Odoo in --proxy-mode behind nginx
    (the same generated config), ``url`` being nginx's; /websocket reaches the gevent worker.
    """

    def __init__(self, db, workers=2, cron=False, proxy=False):
        self.db = db
        self.port = free_port()  # Odoo's HTTP workers
        self.gevent_port = free_port()
        self.proxy_port = free_port() if proxy else None
        self.nginx_dir = JXC_HOME / f"nginx-{db}" if proxy else None
        self.url = f"http://127.0.0.1:{self.proxy_port or self.port}"
        self.logfile = JXC_HOME / "log" / f"pytest-{db}.log"
        self.pidfile = JXC_HOME / f"pytest-{db}.pid"
        self.args = odoo_cmd(
            "-d",
            db,
            f"--db-filter=^{db}$",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            f"--gevent-port={self.gevent_port}",
            f"--workers={workers}",
            f"--max-cron-threads={1 if cron else 0}",
            f"--pidfile={self.pidfile}",
            f"--logfile={self.logfile}",
            *(["--proxy-mode"] if proxy else []),
        )
        self.proc = None

    def start(self, timeout=90):
        with pg_cursor(self.db) as cr:
            # wkhtmltopdf fetches the report CSS from web.base.url
            cr.execute(
                "UPDATE ir_config_parameter SET value = %s WHERE key = 'web.base.url'", [self.url]
            )
        self.proc = subprocess.Popen(
            self.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if self.nginx_dir:
            common_sh(
                f'nginx_conf "{self.nginx_dir}" {self.proxy_port} {self.port} {self.gevent_port}',
                f'nginx_start "{self.nginx_dir}"',
            )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"Odoo exited with {self.proc.returncode}; see {self.logfile}")
            try:
                if requests.get(f"{self.url}/web/health", timeout=2).status_code == 200 and (
                    not self.nginx_dir or self._listening(self.gevent_port)
                ):
                    return self
            except requests.RequestException:  # not listening yet, or workers still booting
                pass
            time.sleep(0.5)
        self.stop()
        raise AssertionError(f"Odoo did not answer within {timeout}s; see {self.logfile}")

    @staticmethod
    def _listening(port):
        """The gevent worker (websocket) starts after the HTTP workers."""
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    def rpc(self, login, password=None, lang="zh_CN"):
        return Rpc(self.url, self.db, login, password or login, lang=lang)

    def admin(self):
        return self.rpc(*ADMIN, lang="en_US")

    def set_review_required(self, required):
        """Turn sale_order_ext's review on or off for the admin's company (this server's
        database is shared by a module's tests); returns the previous setting."""
        admin = self.admin()
        [user] = admin.call("res.users", "read", [admin.uid], ["company_id"])
        company_id = user["company_id"][0]
        [company] = admin.call("res.company", "read", [company_id], ["sale_review_required"])
        admin.call("res.company", "write", [company_id], {"sale_review_required": required})
        return company["sale_review_required"]

    def create_user(self, login, groups, name=None, company_xmlid=None):
        """Create a user with exactly these groups (xmlids); password = login."""
        admin = self.admin()
        group_ids = [admin.ref(g) for g in groups]
        vals = {
            "name": name or login,
            "login": login,
            "password": login,
            "email": f"{login}@example.com",  # Odoo's chatter posts need a sender address
            "lang": "zh_CN",
            "groups_id": [(6, 0, group_ids)],
        }
        if company_xmlid:
            company_id = admin.ref(company_xmlid)
            vals.update(company_id=company_id, company_ids=[(6, 0, [company_id])])
        admin.call("res.users", "create", vals)
        return self.rpc(login)

    def count_stock(self, product_id, quantity):
        """Put `quantity` on hand in the first warehouse, by an inventory adjustment (as a user)."""
        admin = self.admin()
        [warehouse] = admin.call("stock.warehouse", "search_read", [], ["lot_stock_id"], limit=1)
        quant_id = admin.call(
            "stock.quant",
            "create",
            {
                "product_id": product_id,
                "location_id": warehouse["lot_stock_id"][0],
                "inventory_quantity": quantity,
            },
            context={"inventory_mode": True},
        )
        admin.call("stock.quant", "action_apply_inventory", [quant_id])

    def stop(self):
        if self.nginx_dir:
            common_sh(f'nginx_stop "{self.nginx_dir}"')
            subprocess.run(["rm", "-rf", str(self.nginx_dir)], check=True)
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def unique_db(prefix):
    return f"jxc_{prefix}_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def fresh_db():
    """A throw-away copy of the template database (dropped afterwards)."""
    name = copy_template(unique_db("py"))
    yield name
    drop_db(name)


@pytest.fixture(scope="module")
def proxied_server():
    """As odoo_server, behind nginx as scripts/demo.sh serves it (live websocket)."""
    db = copy_template(unique_db("ngx"))
    server = OdooServer(db, proxy=True).start()
    yield server
    server.stop()
    drop_db(db)


@pytest.fixture(scope="module")
def odoo_server():
    """A running 2-worker Odoo server on its own copy of the template, for one test module."""
    db = copy_template(unique_db("srv"))
    server = OdooServer(db).start()
    yield server
    server.stop()
    drop_db(db)


@pytest.fixture(scope="module")
def plain_server():
    """Plain Odoo (the template's other modules, without our addons) on a 2-worker server,
    for side-by-side figures; ``scripts/test.sh`` exports its template."""
    template = os.environ.get("JXC_PLAIN_TEMPLATE_DB")
    assert template, "JXC_PLAIN_TEMPLATE_DB is not set: run the tests through scripts/test.sh"
    db = copy_template(unique_db("plain"), template=template)
    server = OdooServer(db).start()
    warm_assets(server)
    yield server
    server.stop()
    drop_db(db)


def warm_assets(server, timeout=600):
    """Have the server build the web client's asset bundles (a template without them, like
    plain Odoo's, builds them on the first page: longer than a browser login waits)."""
    session = requests.Session()
    session.post(
        f"{server.url}/web/session/authenticate",
        json={"params": {"db": server.db, "login": ADMIN[0], "password": ADMIN[1]}},
        timeout=timeout,
    ).raise_for_status()
    for page in ("/web/login", "/odoo"):
        html = session.get(f"{server.url}{page}", timeout=timeout).text
        for url in dict.fromkeys(re.findall(r'(?:src|href)="(/web/assets/[^"]+)"', html)):
            session.get(f"{server.url}{url}", timeout=timeout)
