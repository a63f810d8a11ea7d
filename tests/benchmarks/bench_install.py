"""Installing the suite into a company's existing database, next to core on the same data.

    bash scripts/bench.sh install [PRODUCTS] [CUSTOMERS] [ORDERS]   (default 100000 100000 10000)

1. A plain Odoo 18 database, en_US only, no demo: ``-i sale_management,sale_stock,account,
   purchase`` (``sale_stock`` is part of it: the generator's orders need deliveries).
2. Filled by ``tests/existing_db.py`` (``odoo-bin shell``): PRODUCTS storable products with
   stock, CUSTOMERS customers, ORDERS orders (every stage in two companies, the bulk confirmed
   and reserved, JXC_GEN_DELIVERED_PCT % delivered (default here 20) and JXC_GEN_INVOICED_PCT %
   invoiced (10)), a company without a warehouse, bad input; then VACUUM ANALYZE (autovacuum's
   work on a database that old).
3. One copy of it (``CREATE DATABASE ... TEMPLATE``, filestore copied) per measurement, each
   one ``odoo-bin ... --stop-after-init`` run under ``/usr/bin/time -v`` (wall time, peak RSS
   of the odoo-bin process):

   - ``-u sale_stock``: core's reference, upgrading the module our suite extends most on the
     same data (``sale_stock`` is installed already: see 1);
   - ``-i <core deps>``: the core modules our three addons pull in that the base lacks
     (``stock_delivery``, ``sale_margin``, ...), alone;
   - ``-i sale_order_ext,stock_lock_ext,report_ext``: ours (the core deps included).

   With JXC_BENCH_INSTALL_ZH=1 a fourth copy first loads zh_CN (not timed), then installs ours.

Prints a table, the steps that took longest in each install log (time until the next log
line), and ``FIGURE`` lines. Env: JXC_BENCH_INSTALL_BASE=<db> reuses a filled database (steps
1-2 skipped, the database kept); JXC_BENCH_INSTALL_KEEP=1 keeps the filled base it built.
"""

# pylint: disable=print-used
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import datetime

import odoo
from odoo.modules.module import get_manifest
from odoo.sql_db import close_db, db_connect
from odoo.tools import SQL, config

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GENERATOR = os.path.join(REPO, "tests", "existing_db.py")
OURS = ("sale_order_ext", "stock_lock_ext", "report_ext")
BASE_MODULES = "sale_management,sale_stock,account,purchase"
LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \d+ (\w+) \S+ (.*)$")


def _odoo_cmd(*args):
    odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    subcommand = [args[0]] if args and not args[0].startswith("-") else []
    db_options = [
        f"--{key}={config[key]}"
        for key in ("db_host", "db_port", "db_user", "db_password")
        if config[key]
    ]
    return [
        sys.executable,
        odoo_bin,
        *subcommand,
        f"--addons-path={config['addons_path']}",
        f"--data-dir={config['data_dir']}",
        *db_options,
        "--no-http",
        "--max-cron-threads=0",
        *args[len(subcommand) :],
    ]


def _admin(query):
    with closing(db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute(query)


def _drop(name):
    close_db(name)
    _admin(SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(name)))
    shutil.rmtree(config.filestore(name), ignore_errors=True)


def _copy(source, name):
    _drop(name)
    close_db(source)  # this process's pooled connections to it (_query, VACUUM)
    _admin(SQL("CREATE DATABASE %s TEMPLATE %s", SQL.identifier(name), SQL.identifier(source)))
    if os.path.isdir(config.filestore(source)):
        shutil.copytree(config.filestore(source), config.filestore(name))


def _query(dbname, query):
    with closing(db_connect(dbname).cursor()) as cr:
        cr.execute(query)
        return cr.fetchall()


def _timed(cmd, logfile, stdin=None, env=None):
    """Run ``cmd`` under /usr/bin/time -v: (exit code, wall seconds, peak RSS in MiB, stdout)."""
    if not os.path.exists("/usr/bin/time"):
        raise RuntimeError("/usr/bin/time is missing: apt-get install time")
    with tempfile.NamedTemporaryFile("r", suffix=".time") as times:
        start = time.monotonic()
        with open(logfile, "a") as log:
            proc = subprocess.run(
                ["/usr/bin/time", "-v", "-o", times.name, *cmd],
                stdin=stdin,
                stdout=subprocess.PIPE,
                stderr=log,
                env=env,
                text=True,
                check=False,
            )
        wall = time.monotonic() - start
        report = times.read()
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    return proc.returncode, wall, int(rss.group(1)) / 1024 if rss else float("nan"), proc.stdout


def _log_errors(logfile):
    with open(logfile) as log:
        return [
            line.rstrip()
            for line in log
            if (m := LOG_LINE.match(line)) and m[2] in ("ERROR", "CRITICAL")
        ]


def _longest_steps(logfile, count=6):
    """The log lines followed by the longest silence: what the install spent its time on."""
    steps, previous = [], None
    with open(logfile) as log:
        for line in log:
            m = LOG_LINE.match(line)
            if not m:
                continue
            at = datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S,%f")
            if previous:
                steps.append(((at - previous[0]).total_seconds(), previous[1]))
            previous = (at, m[3][:110])
    return sorted(steps, reverse=True)[:count]


def _module_times(logfile, modules):
    found = {}
    with open(logfile) as log:
        for line in log:
            m = re.search(r"Module (\S+) loaded in ([\d.]+)s.*?, (\d+) queries", line)
            if m and m[1] in modules:
                found[m[1]] = (float(m[2]), int(m[3]))
    return found


def _core_deps(base):
    """Core modules our addons depend on (transitively) that ``base`` has not installed."""
    todo, closure = list(OURS), set()
    while todo:
        name = todo.pop()
        if name in closure:
            continue
        closure.add(name)
        todo += get_manifest(name).get("depends", [])
    installed = {
        name
        for (name,) in _query(
            base, SQL("SELECT name FROM ir_module_module WHERE state = 'installed'")
        )
    }
    return sorted(closure - installed - set(OURS))


def _build_base(base, sizes, logdir):
    log = os.path.join(logdir, f"{base}.log")
    _drop(base)
    code, wall, __, __ = _timed(
        _odoo_cmd("-d", base, "-i", BASE_MODULES, "--without-demo=all", "--stop-after-init"),
        log,
    )
    if code:
        raise RuntimeError(f"building {base} failed (see {log})")
    print(f"plain base {base}: -i {BASE_MODULES} in {wall:.0f} s", flush=True)
    env = dict(os.environ)
    env.update(
        {
            "JXC_GEN_PRODUCTS": str(sizes[0]),
            "JXC_GEN_CUSTOMERS": str(sizes[1]),
            "JXC_GEN_ORDERS": str(sizes[2]),
        }
    )
    env.setdefault("JXC_GEN_DELIVERED_PCT", "20")
    env.setdefault("JXC_GEN_INVOICED_PCT", "10")
    with open(GENERATOR) as script:
        code, wall, rss, out = _timed(
            _odoo_cmd("shell", "-d", base, "--log-level=warn"), log, stdin=script, env=env
        )
    gen = [line for line in out.splitlines() if line.startswith("GEN ")]
    if code or not gen:
        raise RuntimeError(f"filling {base} failed (see {log})")
    print(f"filled by tests/existing_db.py in {wall / 60:.1f} min (peak {rss:.0f} MiB)", flush=True)
    with closing(db_connect(base).cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE")
    return json.loads(gen[-1][4:])


def _counts(dbname):
    tables = ("product_product", "res_partner", "sale_order", "sale_order_line", "stock_move")
    return {
        table: _query(dbname, SQL("SELECT count(*) FROM %s", SQL.identifier(table)))[0][0]
        for table in tables
    }


def main(env, args):
    sizes = [int(a) for a in args[:3]] + [100_000, 100_000, 10_000][len(args[:3]) :]
    env.cr.rollback()
    prefix = env.cr.dbname
    logdir = os.path.join(os.environ.get("JXC_HOME", "/var/lib/jxc"), "log", f"{prefix}_install")
    os.makedirs(logdir, exist_ok=True)
    reuse = os.environ.get("JXC_BENCH_INSTALL_BASE")
    base = reuse or f"{prefix}_base"
    copies = []
    try:
        if not reuse:
            _build_base(base, sizes, logdir)
        counts = _counts(base)
        print("data: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()), flush=True)
        deps = _core_deps(base)
        runs = [
            ("-u sale_stock (core, same data)", ["-u", "sale_stock"], False),
            (f"-i {','.join(deps)} (core deps)", ["-i", ",".join(deps)], False),
            (f"-i {','.join(OURS)}", ["-i", ",".join(OURS)], False),
        ]
        if os.environ.get("JXC_BENCH_INSTALL_ZH") == "1":
            runs.append((f"-i {','.join(OURS)}, zh_CN loaded", ["-i", ",".join(OURS)], True))
        results = []
        for n, (label, options, zh) in enumerate(runs):
            copy = f"{prefix}_{n}"
            copies.append(copy)
            _copy(base, copy)
            log = os.path.join(logdir, f"{copy}.log")
            if os.path.exists(log):
                os.unlink(log)
            if zh:
                code, wall, __, __ = _timed(
                    _odoo_cmd("-d", copy, "--load-language=zh_CN", "--stop-after-init"), log
                )
                print(f"zh_CN loaded in {wall:.0f} s (not counted)", flush=True)
                os.rename(log, log + ".zh")
            code, wall, rss, __ = _timed(
                _odoo_cmd("-d", copy, *options, "--stop-after-init", f"--logfile={log}"), log
            )
            errors = _log_errors(log)
            if options[0] == "-i":
                wanted = options[1].split(",")
                states = dict(
                    _query(
                        copy,
                        SQL(
                            "SELECT name, state FROM ir_module_module WHERE name IN %s",
                            tuple(wanted),
                        ),
                    )
                )
                if any(states.get(m) != "installed" for m in wanted):
                    errors.append(f"not installed: {states}")
            ok = not code and not errors
            results.append((label, wall, rss, ok, log))
            print(
                f"{label}: {wall:.1f} s, peak RSS {rss:.0f} MiB, {'ok' if ok else 'FAILED'}",
                flush=True,
            )
            for error in errors[:5]:
                print(f"    {error[:300]}")
            modules = _module_times(log, set(OURS) | set(deps) | {"sale_stock"})
            if modules:
                print(
                    "    modules: "
                    + ", ".join(f"{m} {s:.1f} s/{q} q" for m, (s, q) in modules.items())
                )
            for seconds, line in _longest_steps(log):
                print(f"    {seconds:7.1f} s after: {line}")
            _drop(copy)
        print()
        print(
            f"install on {sizes[0]:,} products, {sizes[1]:,} customers, {sizes[2]:,} orders "
            f"({counts['sale_order']:,} orders, {counts['sale_order_line']:,} lines in the db)"
        )
        print(f"{'what':60} {'wall s':>8} {'peak RSS MiB':>13}  ok")
        for label, wall, rss, ok, __ in results:
            print(f"{label:60} {wall:8.1f} {rss:13.0f}  {'yes' if ok else 'NO'}")
        reference = results[0]
        for (__, wall, rss, ok, __), key in zip(
            results, ["core_upgrade_sale_stock", "core_deps", "ours", "ours_zh_cn"], strict=False
        ):
            print(
                f"FIGURE install_{key}_s={wall:.1f} rss_mib={rss:.0f} ok={ok} "
                f"vs_upgrade_sale_stock={wall / reference[1]:.2f}x"
            )
        if not all(ok for __, __, __, ok, __ in results):
            raise SystemExit("an install failed (see the logs in " + logdir + ")")
    finally:
        for copy in copies:
            _drop(copy)
        if not reuse and os.environ.get("JXC_BENCH_INSTALL_KEEP") != "1":
            _drop(base)
        elif not reuse:
            print(f"filled base kept: {base} (JXC_BENCH_INSTALL_BASE={base} to reuse it)")
