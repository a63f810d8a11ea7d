"""A database of the latest release upgrades to the working tree with ``-u`` (issue #18 point 4).

The release recorded last in releases.json is exported from git (``git archive`` of its commit:
no worktree, nothing changed in the repository) and installed as that release's scripts/demo.sh
installs it: the three addons, purchase, sale_margin and l10n_cn without Odoo's demo, zh_CN,
then the release's own Chinese demo (its scripts/load_demo.py: an order in every flow state but
已签收, locks, low-stock alerts, reviews, a signed delivery, invoices) and tests/upgrade_fill.py
(through the release's API: 整单折扣 and 抹零, a two-level review half done, an expired and a
released lock, 已签收 with a 回单, a resolved alert, a partial payment, the customer statement
wizard). A snapshot is taken in SQL, the addons are upgraded with the working tree's addons path
(``-u``), and the tests check that:

- the upgrade exits 0 and logs no error, traceback or schema warning, every migration script due
  ran, and the installed versions are the working tree's manifests';
- every record of the release is still there with the same values: every stored column of the
  addons' fields (their own models and what they add to core's) and core's columns of the flow
  (order states and amounts, deliveries, moves, quants, invoices), their many2many rows and their
  stored attachments (the 回单), and the summary by flow state, lock state, alert, approval step;
- no field of the release was lost (Odoo drops the column of a field gone from the code: a rename
  without a pre-migration loses its data), no stored value is stale (every stored computed field
  of the addons, recomputed, equals what is stored: a compute changed without a migration fails),
  selections hold only values the working tree knows, required columns hold no NULL, and the
  addons' schema (columns, types, NOT NULL, indexes, constraints) is the one a fresh install of
  the working tree has (the test command's template database);
- on a real server over JSON-RPC, every role's flow still works on the release's records and on
  new ones, the 对账单 renders the release's figures and the analyses give the release's totals.

``JXC_UPGRADE_TARGET`` (a directory with the three addons; default this repository) upgrades to
another tree instead: an edited copy shows what a broken or missing migration does to the test.
"""

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from psycopg2 import sql

from .conftest import (
    DATA_DIR,
    JXC_HOME,
    ODOO_SRC,
    PG,
    REPO,
    VENV_PYTHON,
    OdooServer,
    drop_db,
    pg_cursor,
    unique_db,
)

RELEASE = json.loads((REPO / "releases.json").read_text())["releases"][-1]
OURS = ("sale_order_ext", "stock_lock_ext", "report_ext")
TARGET = Path(os.environ.get("JXC_UPGRADE_TARGET") or REPO)
# Stored fields of the release the working tree drops on purpose: {"model.field": "why"}. Any
# other field of the release gone after the upgrade fails the test.
RETIRED_FIELDS = {}
# Values an upgrade step changes on purpose: {"table.column": "why"}. Any other must survive.
MIGRATED_VALUES = {}
# the row's id, and when / by whom it was last written (a migration writing through the ORM
# touches them; the values it writes are compared)
UNCOMPARED = {"id", "write_date", "write_uid"}
# core's columns of the flow the addons drive: states, amounts, deliveries, stock, invoices
CORE_COLUMNS = {
    "sale_order": [
        "name",
        "state",
        "partner_id",
        "user_id",
        "amount_untaxed",
        "amount_tax",
        "amount_total",
        "invoice_status",
        "delivery_status",
    ],
    "sale_order_line": [
        "order_id",
        "product_id",
        "product_uom_qty",
        "price_unit",
        "discount",
        "price_subtotal",
        "price_total",
        "qty_delivered",
        "qty_invoiced",
        "purchase_price",
        "margin",
    ],
    "stock_picking": [
        "name",
        "state",
        "sale_id",
        "date_done",
        "carrier_id",
        "carrier_tracking_ref",
    ],
    "stock_move": ["picking_id", "product_id", "state", "product_uom_qty", "quantity"],
    "stock_quant": ["product_id", "location_id", "quantity", "reserved_quantity"],
    "account_move": ["name", "state", "partner_id", "amount_total", "amount_residual"],
}
# readable figures, compared first: their diff says what changed in words the issue uses
SUMMARY_QUERIES = {
    "orders by flow, review and Odoo state": """
        SELECT flow_state, approval_state, state, count(*), sum(amount_untaxed),
               sum(amount_total), sum(amount_rounding), sum(sale_discount),
               count(*) FILTER (WHERE sale_rounding_method IS NOT NULL)
          FROM sale_order GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
    "stock locks by state": """
        SELECT state, COALESCE(revoked, FALSE), count(*), sum(quantity),
               count(release_reason), count(date_expiry)
          FROM stock_lock GROUP BY 1, 2 ORDER BY 1, 2""",
    "low-stock alerts by state": """
        SELECT state, count(*), sum(min_qty), sum(suggested_qty)
          FROM stock_low_alert GROUP BY 1 ORDER BY 1""",
    "approval steps by state": """
        SELECT state, sequence, count(*), count(user_id), count(reason)
          FROM sale_order_approval GROUP BY 1, 2 ORDER BY 1, 2""",
    "signed deliveries": """
        SELECT count(*), string_agg(signed_by, ', ' ORDER BY id)
          FROM stock_picking WHERE signed_on IS NOT NULL""",
    "order discounts": """
        SELECT sale_discount_type, sale_rounding_method, count(*), sum(sale_discount),
               sum(sale_rounding_input), sum(amount_rounding)
          FROM sale_order GROUP BY 1, 2 ORDER BY 1, 2""",
    "sales analysis totals (stored on the orders)": """
        SELECT sum(analysis_line_count), sum(analysis_amount_untaxed),
               sum(analysis_amount_total), sum(analysis_cost), sum(analysis_margin)
          FROM sale_order""",
}
# an error or a schema warning (a NOT NULL or a constraint Odoo could not add, a column it
# could not convert) in odoo-bin's log
BAD_LOG = re.compile(
    r"^\S+ \S+ \d+ (?:(?:ERROR|CRITICAL) |WARNING \S+ odoo\.schema: )|^Traceback", re.M
)
MIGRATION_RAN = re.compile(r"module (\w+): Running migration \[[>$]?([^\]>]+)>?\] (\S+)")


def odoo_argv(addons_dir, *args):
    """odoo-bin (a subcommand first) on the suite's data dir and database server, with the
    addons of ``addons_dir`` (the release's tree, or the working tree)."""
    command, rest = ([args[0]], args[1:]) if args and args[0] == "shell" else ([], args)
    return [
        str(VENV_PYTHON),
        str(ODOO_SRC / "odoo-bin"),
        *command,
        f"--addons-path={ODOO_SRC}/addons,{ODOO_SRC}/odoo/addons,{addons_dir}",
        f"--data-dir={DATA_DIR}",
        f"--db_host={PG['host']}",
        f"--db_port={PG['port']}",
        f"--db_user={PG['user']}",
        f"--db_password={PG['password']}",
        "--no-http",
        "--max-cron-threads=0",
        *rest,
    ]


def run_odoo(argv, logfile, script=None, timeout=900):
    """odoo-bin with its output in ``logfile`` (a shell reads ``script``); returns
    (exit code, the log, seconds)."""
    logfile.unlink(missing_ok=True)
    started = time.monotonic()
    with open(logfile, "wb") as out:
        proc = subprocess.run(
            argv,
            input=script,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    return proc.returncode, logfile.read_text(errors="replace"), time.monotonic() - started


def log_problems(text, limit=80):
    """The error and schema-warning lines of an Odoo log, each with what follows it."""
    lines = text.splitlines()
    shown, until = [], 0
    for i, line in enumerate(lines):
        if BAD_LOG.match(line) and i >= until:
            until = i + 15
            shown += [*lines[i:until], "..."]
    return "\n".join(shown[:limit])


def export_release(commit, target):
    """The release's tree as committed (``git archive``: no worktree, the repository untouched)."""
    found = subprocess.run(
        ["git", "-C", str(REPO), "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    assert found.returncode == 0, (
        f"release {RELEASE['name']}'s commit {commit} is not in this clone's history: fetch "
        "the whole history (git fetch --unshallow) to test the upgrade from it"
    )
    target.mkdir(parents=True)
    archive = subprocess.Popen(["git", "-C", str(REPO), "archive", commit], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(target)], stdin=archive.stdout, check=True)
    archive.stdout.close()
    assert archive.wait() == 0, f"git archive {commit} failed"


def manifest_versions(tree):
    versions = {}
    for addon in OURS:
        manifest = (Path(tree) / addon / "__manifest__.py").read_text()
        versions[addon] = re.search(r"[\"']version[\"']\s*:\s*[\"']([^\"']+)", manifest)[1]
    return versions


def installed_versions(db):
    with pg_cursor(db) as cr:
        cr.execute(
            "SELECT name, state, latest_version FROM ir_module_module WHERE name = ANY(%s)",
            [list(OURS)],
        )
        return {name: [state, version] for name, state, version in cr.fetchall()}


def version_key(version):
    return tuple(int(part) for part in version.split("."))


# ---------------------------------------------------------------------------- the snapshot
def our_fields(cr):
    """The stored fields the addons define or extend, as the database lists them:
    {"model.field": {model, name, ttype, table, relation_table, column1, column2, required}}."""
    cr.execute(
        """
        SELECT DISTINCT f.model, f.name, f.ttype, f.relation_table, f.column1, f.column2,
               f.required
          FROM ir_model_fields f
          JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id
         WHERE d.module = ANY(%s) AND f.store
        """,
        [list(OURS)],
    )
    names = ("model", "name", "ttype", "relation_table", "column1", "column2", "required")
    fields = {}
    for row in cr.fetchall():
        field = dict(zip(names, row, strict=True))
        field["table"] = field["model"].replace(".", "_")
        fields[f"{field['model']}.{field['name']}"] = field
    return fields


def our_models(cr):
    """The models the addons create: every module declaring them is one of the addons
    (Odoo records a model for each module extending it too)."""
    cr.execute(
        """
        SELECT m.model FROM ir_model m
          JOIN ir_model_data d ON d.model = 'ir.model' AND d.res_id = m.id
         GROUP BY m.model
        HAVING bool_and(d.module = ANY(%s))
        """,
        [list(OURS)],
    )
    return {row[0] for row in cr.fetchall()}


def table_columns(cr, tables):
    """{table: {column: (type, nullable)}} of the regular tables among ``tables``."""
    cr.execute(
        """
        SELECT c.table_name, c.column_name, c.data_type, c.is_nullable
          FROM information_schema.columns c
          JOIN information_schema.tables t
            ON t.table_name = c.table_name AND t.table_schema = c.table_schema
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
           AND c.table_name = ANY(%s)
        """,
        [sorted(tables)],
    )
    columns = {}
    for table, column, data_type, nullable in cr.fetchall():
        columns.setdefault(table, {})[column] = (data_type, nullable)
    return columns


def snapshot(db):
    """Every value the upgrade must keep, read in SQL: the same reading on both sides."""
    with pg_cursor(db) as cr:
        fields = our_fields(cr)
        wanted, relations = {}, {}
        for key, field in fields.items():
            if field["ttype"] == "many2many":
                relations[key] = field
            elif field["ttype"] != "one2many" and field["name"] not in UNCOMPARED:
                wanted.setdefault(field["table"], set()).add(field["name"])
        for table, columns in CORE_COLUMNS.items():
            wanted.setdefault(table, set()).update(columns)
        existing = table_columns(cr, wanted)
        rows, values = {}, {}
        for table, columns in sorted(wanted.items()):
            if table not in existing:  # a report: a query, no table
                continue
            present = sorted(columns & existing[table].keys())  # binaries live in attachments
            cr.execute(
                sql.SQL("SELECT id, {} FROM {} ORDER BY 1").format(
                    sql.SQL(", ").join(
                        sql.SQL("{}::text").format(sql.Identifier(c)) for c in present
                    ),
                    sql.Identifier(table),
                )
            )
            data = cr.fetchall()
            rows[table] = [row[0] for row in data]
            for i, column in enumerate(present, start=1):
                values[f"{table}.{column}"] = {row[0]: row[i] for row in data}
        m2m = {}
        for key, field in relations.items():
            rel, col1, col2 = field["relation_table"], field["column1"], field["column2"]
            if rel and col1 and col2:
                cr.execute(
                    sql.SQL("SELECT {}, {} FROM {} ORDER BY 1, 2").format(
                        sql.Identifier(col1), sql.Identifier(col2), sql.Identifier(rel)
                    )
                )
                m2m[key] = [list(pair) for pair in cr.fetchall()]
        binaries = [[f["model"], f["name"]] for f in fields.values() if f["ttype"] == "binary"]
        cr.execute(
            """
            SELECT res_model, res_field, res_id, checksum, file_size, store_fname
              FROM ir_attachment
             WHERE res_field IS NOT NULL AND res_model || '.' || res_field = ANY(%s)
             ORDER BY 1, 2, 3
            """,
            [[".".join(b) for b in binaries]],
        )
        attachments = [list(row) for row in cr.fetchall()]
        summary = {}
        for name, query in SUMMARY_QUERIES.items():
            try:
                cr.execute(query)
                summary[name] = [[_plain(v) for v in row] for row in cr.fetchall()]
            except Exception as error:  # a column renamed or gone: shown in the diff
                summary[name] = f"query failed: {str(error).strip()}"
    return {
        "fields": fields,
        "rows": rows,
        "values": values,
        "m2m": m2m,
        "attachments": attachments,
        "summary": summary,
    }


def _plain(value):
    return round(float(value), 4) if hasattr(value, "as_integer_ratio") else value


def schema(db):
    """The addons' schema: their models' tables whole, their columns and the indexes and
    constraints on the core tables they extend."""
    with pg_cursor(db) as cr:
        fields = our_fields(cr)
        own_tables = {model.replace(".", "_") for model in our_models(cr)}
        own_tables |= {f["relation_table"] for f in fields.values() if f["relation_table"]}
        extended = {f["table"] for f in fields.values()} - own_tables
        existing = table_columns(cr, own_tables | extended)
        columns = {}
        for table, table_cols in existing.items():
            for column, spec in table_cols.items():
                if table in own_tables or f"{table}.{column}" in _columns_of(fields):
                    columns[f"{table}.{column}"] = list(spec)
        cr.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = 'public' AND tablename = ANY(%s)",
            [sorted(existing)],
        )
        indexes = {
            f"{table}: {name}": re.sub(r"^CREATE (UNIQUE )?INDEX \S+ ", r"\1", definition)
            for table, name, definition in cr.fetchall()
        }
        cr.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)",
            [sorted(existing)],
        )
        constraints = {f"{table}: {name}": definition for table, name, definition in cr.fetchall()}
    return {"columns": columns, "indexes": indexes, "constraints": constraints}


def _columns_of(fields):
    return {f"{f['table']}.{f['name']}" for f in fields.values()}


# ---------------------------------------------------------------------------- the upgrade
# Run in an odoo-bin shell on the upgraded database (the working tree's code): every stored
# computed field of the addons is recomputed (in a transaction rolled back) and compared with
# what the database holds.
STORED_CHECK = r"""
import json

from odoo.tools import SQL

OURS = {"sale_order_ext", "stock_lock_ext", "report_ext"}
# core fields whose compute the addons override (the 抹零 changes the order's amounts)
OVERRIDDEN = {"sale.order": {"amount_untaxed", "amount_tax", "amount_total"}}
checked, stale = {}, []


def normal(field, value, record=None):
    if record is not None:  # a value of the ORM
        value = field.convert_to_write(value, record)
    if field.type == "boolean":
        return bool(value)
    if value is False or value is None or value == "":
        return None
    if field.type in ("float", "monetary", "integer"):
        return float(value)
    if field.type == "many2one":
        return int(value)
    if field.type == "json":
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def same(field, a, b):
    if isinstance(a, float) and isinstance(b, float):
        digits = field.get_digits(env) if field.type == "float" else None
        tolerance = 0.005 if field.type == "monetary" else 1e-6
        if digits:
            tolerance = 0.5 * 10 ** -digits[1]
        return abs(a - b) <= tolerance + 1e-9
    return a == b


for model_name in sorted(env.registry.models):
    Model = env[model_name].with_context(active_test=False)
    if Model._abstract or not Model._auto or Model._transient:
        continue
    fields = [
        field
        for field in Model._fields.values()
        if field.store
        and field.compute
        and field.column_type
        and (OURS & set(field._modules or ()) or field.name in OVERRIDDEN.get(model_name, ()))
    ]
    if not fields:
        continue
    env.cr.execute(
        SQL(
            "SELECT id, %s FROM %s ORDER BY id",
            SQL(", ").join(SQL.identifier(field.name) for field in fields),
            SQL.identifier(Model._table),
        )
    )
    stored = {row[0]: row[1:] for row in env.cr.fetchall()}
    records = Model.browse(list(stored))
    env.invalidate_all()
    for field in fields:
        env.add_to_compute(field, records)
    for record in records:
        for i, field in enumerate(fields):
            now = normal(field, record[field.name], record)
            was = normal(field, stored[record.id][i])
            if not same(field, now, was):
                stale.append([f"{model_name}.{field.name}", record.id, was, now])
    checked[model_name] = sorted(field.name for field in fields)
    env.cr.rollback()
    env.transaction.clear()
print("STORED_CHECK " + json.dumps({"checked": checked, "stale": stale}, default=str))
""".encode()


@pytest.fixture(scope="module")
def upgrade(tmp_path_factory):
    """The release's database, filled, snapshotted, upgraded and snapshotted again."""
    release_dir = tmp_path_factory.mktemp("upgrade") / f"release-{RELEASE['name']}"
    db = unique_db("upg")
    logs = JXC_HOME / "log"
    logs.mkdir(parents=True, exist_ok=True)
    times = {}
    try:
        started = time.monotonic()
        export_release(RELEASE["commit"], release_dir)
        times["export"] = time.monotonic() - started

        # the release, as that release's scripts/demo.sh builds its database
        modules = ",".join([*OURS, "purchase", "sale_margin", "l10n_cn"])
        rc, text, times["install"] = run_odoo(
            odoo_argv(
                release_dir,
                *("-d", db, "-i", modules, "--without-demo=all", "--load-language=zh_CN"),
                "--stop-after-init",
            ),
            logs / f"upgrade-install-{db}.log",
        )
        assert rc == 0 and not BAD_LOG.search(text), (
            f"installing release {RELEASE['name']} failed (exit {rc}):\n{log_problems(text)}"
        )
        installed = installed_versions(db)
        assert installed == {a: ["installed", v] for a, v in RELEASE["versions"].items()}, (
            f"releases.json records release {RELEASE['name']} as {RELEASE['versions']}, "
            f"its commit installs {installed}"
        )
        for name, script in (
            ("demo", release_dir / "scripts" / "load_demo.py"),
            ("fill", REPO / "tests" / "upgrade_fill.py"),
        ):
            rc, text, times[name] = run_odoo(
                odoo_argv(release_dir, "shell", "-d", db, "--log-level=warn"),
                logs / f"upgrade-{name}-{db}.log",
                script=script.read_bytes(),
            )
            assert rc == 0 and not BAD_LOG.search(text), (
                f"{script.name} on release {RELEASE['name']} failed (exit {rc}):\n"
                f"{log_problems(text) or text[-3000:]}"
            )
        fill = json.loads(re.search(r"^UPGRADE_FILL (.*)$", text, re.M)[1])

        started = time.monotonic()
        before = snapshot(db)
        times["snapshot"] = time.monotonic() - started

        # the upgrade to the working tree
        rc, upgrade_log, times["upgrade"] = run_odoo(
            odoo_argv(TARGET, "-d", db, "-u", ",".join(OURS), "--stop-after-init"),
            logs / f"upgrade-u-{db}.log",
        )
        assert rc == 0, (
            f"odoo-bin -u {','.join(OURS)} from release {RELEASE['name']} to {TARGET} exited "
            f"{rc}:\n{log_problems(upgrade_log) or upgrade_log[-4000:]}"
        )
        started = time.monotonic()
        after = snapshot(db)
        after_schema = schema(db)
        times["snapshot"] += time.monotonic() - started
        rc, text, times["stored check"] = run_odoo(
            odoo_argv(TARGET, "shell", "-d", db, "--log-level=warn"),
            logs / f"upgrade-stored-{db}.log",
            script=STORED_CHECK,
        )
        assert rc == 0, f"recomputing the stored fields failed (exit {rc}):\n{text[-4000:]}"
        stored = json.loads(re.search(r"^STORED_CHECK (.*)$", text, re.M)[1])
        print(
            "upgrade test, seconds: "
            + ", ".join(f"{step} {seconds:.0f}" for step, seconds in times.items())
        )
        yield {
            "db": db,
            "fill": fill,
            "before": before,
            "after": after,
            "schema": after_schema,
            "log": upgrade_log,
            "stored": stored,
            "times": times,
        }
    finally:
        drop_db(db)
        shutil.rmtree(release_dir, ignore_errors=True)


def _diff_lines(before, after, limit=8):
    """Up to ``limit`` ids whose value changed, as "id: before → after"."""
    changed = [
        f"id {key}: {before.get(key)!r} → {after.get(key)!r}"
        for key in sorted(before.keys() | after.keys())
        if before.get(key) != after.get(key)
    ]
    more = f" (and {len(changed) - limit} more)" if len(changed) > limit else ""
    return "; ".join(changed[:limit]) + more


# ---------------------------------------------------------------------------- the tests
def test_upgrade_is_clean_and_installs_the_working_tree_versions(upgrade):
    problems = log_problems(upgrade["log"])
    assert not problems, f"the upgrade logged errors or schema warnings:\n{problems}"
    assert installed_versions(upgrade["db"]) == {
        addon: ["installed", version] for addon, version in manifest_versions(TARGET).items()
    }
    # every migration script due between the release and the working tree ran (Odoo runs
    # only pre-*.py, post-*.py and end-*.py in a folder named after a version)
    ran = {(m[1], m[2], m[3]) for m in MIGRATION_RAN.finditer(upgrade["log"])}
    due = set()
    for addon, target_version in manifest_versions(TARGET).items():
        for script in sorted((TARGET / addon / "migrations").glob("*/*.py")):
            version = script.parent.name
            if (
                version_key(RELEASE["versions"][addon])
                < version_key(version)
                <= version_key(target_version)
            ):
                due.add((addon, version, script.stem))
    assert due <= ran, (
        f"migration scripts that did not run: {sorted(due - ran)} (Odoo runs a version "
        f"folder's pre-*.py, post-*.py and end-*.py only); ran: {sorted(ran)}"
    )


def test_the_flow_figures_survive(upgrade):
    """Orders by flow / review state with their amounts and discounts, locks by state with
    their quantities, alerts, approval steps, signatures, the analysis totals."""
    before, after = upgrade["before"]["summary"], upgrade["after"]["summary"]
    for name, figures in before.items():
        assert not isinstance(figures, str), f"{name}: {figures} on the release"
        assert after[name] == figures, f"{name} changed by the upgrade"
    expected = {"draft", "to_review", "rejected", "approved", "shipped", "signed", "done", "cancel"}
    flows = {row[0] for row in before["orders by flow, review and Odoo state"]}
    assert flows == expected, f"the release's data misses flow states: {expected - flows}"
    locks = {row[0] for row in before["stock locks by state"]}
    assert locks == {"active", "consumed", "released", "expired"}, locks


def test_every_record_and_value_survives(upgrade):
    before, after = upgrade["before"], upgrade["after"]
    problems = []
    for table, ids in before["rows"].items():
        lost = sorted(set(ids) - set(after["rows"].get(table, [])))
        added = sorted(set(after["rows"].get(table, [])) - set(ids))
        if lost:
            problems.append(f"{table}: {len(lost)} records lost by the upgrade, ids {lost[:20]}")
        if added:
            problems.append(f"{table}: {len(added)} records created by the upgrade {added[:20]}")
    for key, values in before["values"].items():
        if key in MIGRATED_VALUES:
            continue
        if key not in after["values"]:
            kept = sum(value is not None for value in values.values())
            problems.append(
                f"{key}: the column is gone after the upgrade, with {kept} values of the "
                "release (a renamed field needs a pre-migration renaming its column; a "
                "field removed on purpose goes in RETIRED_FIELDS with why)"
            )
        elif after["values"][key] != values:
            problems.append(
                f"{key}: values changed by the upgrade (a migration changing them on purpose "
                f"goes in MIGRATED_VALUES with why): {_diff_lines(values, after['values'][key])}"
            )
    for key, pairs in before["m2m"].items():
        if after["m2m"].get(key) != pairs:
            problems.append(f"{key}: many2many rows {pairs} became {after['m2m'].get(key)}")
    if after["attachments"] != before["attachments"]:
        problems.append(
            f"stored binaries (回单, signatures) changed: {before['attachments']} became "
            f"{after['attachments']}"
        )
    missing = [
        row
        for row in after["attachments"]
        if not (DATA_DIR / "filestore" / upgrade["db"] / row[5]).exists()
    ]
    if missing:
        problems.append(f"attachments without their file after the upgrade: {missing}")
    assert not problems, "\n".join(problems)
    # what the comparison covered
    assert before["attachments"], "the release's data has no stored 回单"
    for key in (
        "sale_order.flow_state",
        "sale_order.approval_state",
        "sale_order.amount_rounding",
        "sale_order.analysis_amount_total",
        "stock_lock.state",
        "stock_lock.quantity",
        "stock_low_alert.state",
        "sale_order_approval.state",
        "stock_picking.signed_on",
    ):
        assert key in before["values"], f"{key} is not in the snapshot"


def test_no_field_of_the_release_is_lost(upgrade):
    gone = sorted(upgrade["before"]["fields"].keys() - upgrade["after"]["fields"].keys())
    unexplained = [key for key in gone if key not in RETIRED_FIELDS]
    assert not unexplained, (
        f"stored fields of release {RELEASE['name']} gone after the upgrade: {unexplained}. "
        "Odoo drops their columns with the data: a rename needs a pre-migration renaming the "
        "column, a removal goes in RETIRED_FIELDS with why"
    )


def test_stored_values_are_current(upgrade):
    """Every stored computed field of the addons, recomputed by the working tree's code,
    equals what the upgraded database holds: a compute changed without a migration updating
    the stored values fails here."""
    stored = upgrade["stored"]
    for model, field in (
        ("sale.order", "flow_state"),
        ("sale.order", "is_signed"),
        ("sale.order", "amount_rounding"),
        ("sale.order", "analysis_amount_total"),
    ):
        assert field in stored["checked"].get(model, []), (model, field, stored["checked"])
    stale = stored["stale"]
    assert not stale, (
        f"{len(stale)} stored values differ from what the working tree computes (a migration "
        "must recompute them): "
        + "; ".join(
            f"{key} id {rid}: stored {was!r}, computed {now!r}" for key, rid, was, now in stale[:15]
        )
    )


def test_values_are_valid_for_the_working_tree(upgrade):
    db = upgrade["db"]
    problems = []
    with pg_cursor(db) as cr:
        fields = our_fields(cr)
        columns = table_columns(cr, {f["table"] for f in fields.values()})
        cr.execute(
            """
            SELECT f.model, f.name, array_agg(s.value)
              FROM ir_model_fields f JOIN ir_model_fields_selection s ON s.field_id = f.id
             WHERE f.model || '.' || f.name = ANY(%s) AND f.ttype = 'selection'
             GROUP BY 1, 2
            """,
            [list(fields)],
        )
        for model, name, allowed in cr.fetchall():
            table = model.replace(".", "_")
            if name not in columns.get(table, {}):
                continue
            cr.execute(
                sql.SQL("SELECT DISTINCT {} FROM {} WHERE {} IS NOT NULL").format(
                    sql.Identifier(name), sql.Identifier(table), sql.Identifier(name)
                )
            )
            unknown = sorted({row[0] for row in cr.fetchall()} - set(allowed))
            if unknown:
                problems.append(
                    f"{model}.{name} holds values the working tree does not know: {unknown} "
                    f"(known: {sorted(allowed)}): a renamed selection value needs a migration"
                )
        for field in fields.values():
            if not field["required"] or field["name"] not in columns.get(field["table"], {}):
                continue
            cr.execute(
                sql.SQL("SELECT count(*) FROM {} WHERE {} IS NULL").format(
                    sql.Identifier(field["table"]), sql.Identifier(field["name"])
                )
            )
            nulls = cr.fetchone()[0]
            if nulls:
                problems.append(
                    f"{field['model']}.{field['name']} is required but {nulls} rows hold NULL "
                    "(a new required field needs a default or a migration filling it)"
                )
        for table, table_columns_ in columns.items():
            moved = sorted(c for c in table_columns_ if re.search(r"_moved\d+$", c))
            if moved:
                problems.append(
                    f"{table}: Odoo could not convert columns and moved them aside: {moved} "
                    "(a field whose type changed needs a migration converting it)"
                )
    assert not problems, "\n".join(problems)


def test_schema_is_the_one_of_a_fresh_install(upgrade):
    """The upgraded database has the schema a fresh install of the working tree has: what the
    install creates (a column, an index made by a hook) a migration creates too, and what an
    older version left (an index, a constraint) a migration drops."""
    template = os.environ["JXC_TEMPLATE_DB"]
    if TARGET == REPO:
        assert installed_versions(template) == {
            addon: ["installed", version] for addon, version in manifest_versions(TARGET).items()
        }, f"the template {template} is not of the working tree: rebuild it (scripts/test.sh)"
    fresh, upgraded = schema(template), upgrade["schema"]
    problems = []
    for kind, label in (("columns", "column"), ("indexes", "index"), ("constraints", "constraint")):
        for key in sorted(fresh[kind].keys() - upgraded[kind].keys()):
            problems.append(f"{label} {key} of a fresh install is missing: {fresh[kind][key]}")
        for key in sorted(upgraded[kind].keys() - fresh[kind].keys()):
            problems.append(
                f"{label} {key} is not in a fresh install (left by the release?): "
                f"{upgraded[kind][key]}"
            )
        for key in sorted(fresh[kind].keys() & upgraded[kind].keys()):
            if fresh[kind][key] != upgraded[kind][key]:
                problems.append(
                    f"{label} {key}: fresh install {fresh[kind][key]}, "
                    f"upgraded {upgraded[kind][key]}"
                )
    assert not problems, "the upgraded schema differs from a fresh install's:\n" + "\n".join(
        problems
    )
    assert any("stock_lock: " in key for key in fresh["indexes"]), fresh["indexes"]


# ---------------------------------------------------------------------------- on a real server
def rows_by_key(rows, measures, groupby):
    """read_group's rows as tests/upgrade_fill.py records them."""
    result = {}
    for row in rows:
        key = row[groupby][0] if isinstance(row[groupby], list) else row[groupby]
        values = {m.split(":")[0]: round(row[m.split(":")[0]] or 0.0, 2) for m in measures}
        result[str(key)] = dict(values, __count=row["__count"])
    return result


@pytest.fixture(scope="module")
def server(upgrade):
    """A 2-worker server on the upgraded database (the working tree's addons); the analyses
    are read first, before any flow changes the figures."""
    server = OdooServer(upgrade["db"])
    server.args = [
        f"--addons-path={ODOO_SRC}/addons,{ODOO_SRC}/odoo/addons,{TARGET}"
        if arg.startswith("--addons-path=")
        else arg
        for arg in server.args
    ]
    server.logfile.unlink(missing_ok=True)
    server.start()
    try:
        admin = server.rpc("admin", lang="zh_CN")
        [user] = admin.call("res.users", "read", [admin.uid], ["company_id"])
        context = dict(admin.context, allowed_company_ids=[user["company_id"][0]])
        analyses = {}
        for model, spec in upgrade["fill"]["analyses"].items():
            rows = admin.call(
                model,
                "read_group",
                [],
                spec["measures"],
                [spec["groupby"]],
                lazy=False,
                context=context,
            )
            analyses[model] = rows_by_key(rows, spec["measures"], spec["groupby"])
        server.analyses = analyses
        yield server
    finally:
        server.stop()


def ref(server, xmlid):
    """A record's id by its xmlid (ir.model.data is the administrator's to read)."""
    return server.admin().ref(xmlid)


def read(rpc, model, record_id, fields):
    return rpc.call(model, "read", [record_id], fields)[0]


def test_analyses_give_the_release_totals(server, upgrade):
    """销售分析 (lines and orders), 应收分析 and 库存周转 read over JSON-RPC by the
    administrator give what the release gave for the same data."""
    for model, spec in upgrade["fill"]["analyses"].items():
        assert spec["rows"], f"{model}: the release's analysis is empty"
        assert server.analyses[model] == spec["rows"], f"{model} changed by the upgrade"


def test_statement_renders_the_release_figures(server, upgrade):
    """Finance's 对账单 of 武汉江城 (HTML, the wizard's parameters) shows every figure the
    release's showed."""
    statement = upgrade["fill"]["statement"]
    session = requests.Session()
    session.post(
        f"{server.url}/web/session/authenticate",
        json={"params": {"db": server.db, "login": "finance", "password": "finance"}},
        timeout=60,
    ).raise_for_status()
    response = session.get(
        f"{server.url}/report/html/report_ext.report_customer_statement",
        params={"options": json.dumps(statement["data"])},
        timeout=120,
    )
    assert response.status_code == 200, response.text[:2000]
    assert "武汉江城日用品批发部" in response.text
    figures = set(re.findall(r"\d[\d,]*\.\d\d", response.text))
    assert statement["figures"] and "7,820.00" in statement["figures"], statement
    missing = sorted(set(statement["figures"]) - figures)
    assert not missing, f"figures of the release's statement missing after the upgrade: {missing}"


def test_pending_orders_are_reviewed(server):
    """The approver approves the release's pending order (its lock becomes the delivery's
    reservation) and the one whose lock expired; the sales manager approves the second level
    of the two-level review; a rejected order is submitted again; a released lock is taken
    again when its order is withdrawn and submitted again."""
    approver, sales, sales2 = server.rpc("approver"), server.rpc("sales"), server.rpc("sales2")
    admin = server.rpc("admin")
    pending = ref(server, "sale_order_ext.demo_order_to_review")
    assert pending in approver.call("sale.order", "search", [("can_approve", "=", True)])
    assert approver.call("sale.order", "action_approve", [pending]) is True
    order = read(approver, "sale.order", pending, ["state", "flow_state", "approved_by_id"])
    assert (order["state"], order["flow_state"]) == ("sale", "approved"), order
    assert order["approved_by_id"][0] == approver.uid
    locks = admin.call("stock.lock", "search_read", [("order_id", "=", pending)], ["state"])
    assert locks and {lock["state"] for lock in locks} == {"consumed"}, locks

    expired = ref(server, "jxc_upgrade.demo_upg_expired")
    assert approver.call("sale.order", "action_approve", [expired]) is True
    assert read(approver, "sale.order", expired, ["flow_state"])["flow_state"] == "approved"

    two_level = ref(server, "jxc_upgrade.demo_upg_two_level")
    steps = admin.call(
        "sale.order.approval", "search_read", [("order_id", "=", two_level)], ["state"]
    )
    assert {step["state"] for step in steps} == {"approved", "pending"}, steps
    assert (
        approver.call("sale.order", "search", [("id", "=", two_level), ("can_approve", "=", True)])
        == []
    )
    assert admin.call("sale.order", "action_approve", [two_level]) is True
    assert read(admin, "sale.order", two_level, ["flow_state"])["flow_state"] == "approved"
    steps = admin.call(
        "sale.order.approval", "search_read", [("order_id", "=", two_level)], ["state"]
    )
    assert {step["state"] for step in steps} == {"approved"}, steps

    rejected = ref(server, "sale_order_ext.demo_order_rejected")
    sales2.call(
        "sale.order",
        "write",
        [rejected],
        {
            "order_line": [
                (1, line, {"discount": 5})
                for line in read(sales2, "sale.order", rejected, ["order_line"])["order_line"]
            ]
        },
    )
    sales2.call("sale.order", "action_submit_review", [rejected])
    assert read(sales2, "sale.order", rejected, ["flow_state"])["flow_state"] == "to_review"

    released = ref(server, "jxc_upgrade.demo_upg_released")
    sales.call("sale.order", "action_withdraw_review", [released])
    sales.call("sale.order", "action_submit_review", [released])
    locks = sales.call(
        "stock.lock", "search_read", [("order_id", "=", released)], ["state", "quantity"]
    )
    assert sorted((lock["state"], lock["quantity"]) for lock in locks) == [
        ("active", 5.0),
        ("released", 5.0),
    ], locks


def test_approved_order_is_delivered_signed_invoiced_and_paid(server):
    """The release's approved order: the warehouse validates its delivery with the courier and
    records 签收; finance creates the invoice with Odoo's wizard, posts it and registers the
    payment; the order is 已完成."""
    warehouse, finance = server.rpc("warehouse"), server.rpc("finance")
    order_id = ref(server, "sale_order_ext.demo_order_approved")
    [picking] = warehouse.call(
        "stock.picking",
        "search_read",
        [("sale_id", "=", order_id), ("state", "not in", ("done", "cancel"))],
        ["state", "move_ids"],
    )
    carrier = ref(server, "sale_order_ext.delivery_carrier_sf")
    warehouse.call(
        "stock.picking",
        "write",
        [picking["id"]],
        {"carrier_id": carrier, "carrier_tracking_ref": "SF1400020261204"},
    )
    for move in warehouse.call("stock.move", "read", picking["move_ids"], ["product_uom_qty"]):
        warehouse.call("stock.move", "write", [move["id"]], {"quantity": move["product_uom_qty"]})
    result = warehouse.call("stock.picking", "button_validate", [picking["id"]])
    assert result is True, f"validating the delivery asked for more: {result}"
    assert read(warehouse, "sale.order", order_id, ["flow_state"])["flow_state"] == "shipped"
    warehouse.call("stock.picking", "action_sign", [picking["id"]], "客户 周建国")
    signed = read(warehouse, "stock.picking", picking["id"], ["signed_by", "signed_on"])
    assert signed["signed_by"] == "客户 周建国" and signed["signed_on"], signed
    assert read(warehouse, "sale.order", order_id, ["flow_state"])["flow_state"] == "signed"

    context = dict(
        finance.context, active_model="sale.order", active_ids=[order_id], active_id=order_id
    )
    wizard = finance.call(
        "sale.advance.payment.inv",
        "create",
        {"advance_payment_method": "delivered"},
        context=context,
    )
    finance.call("sale.advance.payment.inv", "create_invoices", [wizard], context=context)
    order = read(finance, "sale.order", order_id, ["invoice_ids", "amount_total"])
    [invoice_id] = order["invoice_ids"]
    finance.call("account.move", "action_post", [invoice_id])
    invoice = read(finance, "account.move", invoice_id, ["state", "amount_total"])
    assert invoice == {"id": invoice_id, "state": "posted", "amount_total": order["amount_total"]}
    context = dict(finance.context, active_model="account.move", active_ids=[invoice_id])
    payment = finance.call("account.payment.register", "create", {}, context=context)
    finance.call("account.payment.register", "action_create_payments", [payment], context=context)
    assert read(finance, "account.move", invoice_id, ["payment_state"])["payment_state"] in (
        "paid",
        "in_payment",
    )
    assert read(finance, "sale.order", order_id, ["flow_state"])["flow_state"] == "done"


def test_new_quotation_locks_stock_and_is_approved(server):
    """A new quotation with 整单折扣 and 抹零: submitted by the salesperson it locks its stock;
    approved, the locks become the delivery's reservation."""
    sales, approver = server.rpc("sales"), server.rpc("approver")
    pen = ref(server, "sale_order_ext.demo_product_pen")
    paper = ref(server, "sale_order_ext.demo_product_paper")
    order_id = sales.call(
        "sale.order",
        "create",
        {
            "partner_id": ref(server, "sale_order_ext.demo_partner_hangzhou"),
            "sale_discount_type": "percent",
            "sale_discount": 3,
            "sale_rounding_method": "jiao",
            "order_line": [
                (0, 0, {"product_id": pen, "product_uom_qty": 6, "price_unit": 18.0}),
                (0, 0, {"product_id": paper, "product_uom_qty": 4, "price_unit": 25.0}),
            ],
        },
    )
    order = read(sales, "sale.order", order_id, ["amount_total", "amount_rounding"])
    assert order["amount_rounding"] > 0 and order["amount_total"] == int(order["amount_total"]), (
        order
    )
    sales.call("sale.order", "action_submit_review", [order_id])
    locks = sales.call(
        "stock.lock",
        "search_read",
        [("order_id", "=", order_id)],
        ["product_id", "quantity", "state"],
    )
    assert sorted(
        (lock["product_id"][0], lock["quantity"], lock["state"]) for lock in locks
    ) == sorted([(pen, 6.0, "active"), (paper, 4.0, "active")]), locks
    assert approver.call("sale.order", "action_approve", [order_id]) is True
    order = read(sales, "sale.order", order_id, ["state", "flow_state"])
    assert (order["state"], order["flow_state"]) == ("sale", "approved"), order
    locks = sales.call("stock.lock", "search_read", [("order_id", "=", order_id)], ["state"])
    assert {lock["state"] for lock in locks} == {"consumed"}, locks


def test_server_log_is_clean(server):
    """Nothing the flows above did logged an error on the upgraded server."""
    text = server.logfile.read_text(errors="replace") if server.logfile.exists() else ""
    assert text, f"no server log at {server.logfile}"
    problems = log_problems(text)
    assert not problems, f"the server on the upgraded database logged errors:\n{problems}"
