"""Each addon uninstalls leaving a working Odoo, and installs again (issue #18, point 5).

On one copy of the template (the three addons, purchase and sale_margin, no demo, zh_CN), as
Odoo's ``test_module_operations`` does it but for real, in ``odoo-bin shell`` processes:
the suite is used (a salesperson, an approver, a buyer and a user with a home action of his
own; an order submitted and approved with a 10 % order discount, stock locked then reserved;
a pending order holding an active lock; a low-stock check run, a report parameter set), then
report_ext, stock_lock_ext and sale_order_ext are uninstalled one after the other with
``button_immediate_uninstall`` (each takes the addons depending on it; here they are already
gone). After each: the module is uninstalled, its process logged no ERROR, what the install
created outside the addon's own tables is gone (indexes, columns, parameters, home actions,
activity types), and orders still go through confirm → delivery → posted invoice. The active
lock's release is in the order's chatter, in the company's language, and in the server log;
the approved order is delivered and invoiced at its approved total by core, the pending one
confirmed by core. Finally the suite is installed again and works: an order submitted for
review locks its stock, 销售分析 answers, the index is back.
"""

import json
import re
import subprocess
import textwrap
import time

import pytest

from .conftest import (
    JXC_HOME,
    ODOO_SRC,
    VENV_PYTHON,
    copy_template,
    drop_db,
    odoo_cmd,
    pg_cursor,
    unique_db,
)

ADDONS = ("report_ext", "stock_lock_ext", "sale_order_ext")
# what the install creates on core's tables: gone after the uninstall
REPORT_INDEX = "sale_order_report_ext_date_partner_idx"
CODE_TRIGRAM_INDEXES = (
    "product_template__default_code_trgm_index",
    "product_product__default_code_trgm_index",
)
# the pinyin keys' indexes, on the addon's columns (Odoo drops them with the columns)
PINYIN_INDEXES = ("product_template__pinyin_search_index", "res_partner__pinyin_search_index")
# the note on an order whose lock the uninstall released (stock_lock_ext's zh_CN.po)
RELEASED_NOTE_ZH = "已卸载库存锁定模块 (stock_lock_ext): 不再为此订单保留库存"
ERROR_LINE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) .*$", re.M)

# Shared by the shell scripts: users and a flow through delivery and a posted invoice.
PRELUDE = textwrap.dedent(
    """
    import json
    import odoo
    from odoo import Command
    from odoo.modules.registry import Registry

    def fresh_env():
        # the registry the uninstall or install rebuilt, on a new cursor
        cr = Registry(env.cr.dbname).cursor()
        return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})

    def approve(order, approver):
        res = order.with_user(approver).action_approve()
        if isinstance(res, dict):  # a check to override: the wizard's reason
            order.with_user(approver).action_approve_with_reason("uninstall test")

    def deliver_and_invoice(order):
        order = order.sudo()
        for picking in order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")):
            picking.action_assign()
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
            res = picking.with_context(skip_sms=True).button_validate()
            assert res is True, res
        invoice = order._create_invoices()
        invoice.action_post()
        return {
            "order": order.name,
            "state": order.state,
            "delivered": order.order_line.mapped("qty_delivered"),
            "invoice_state": invoice.state,
            "invoice_total": invoice.amount_total,
            "order_total": order.amount_total,
        }

    def new_order_flow(env, ids):
        \"\"\"A new quotation by the salesperson, confirmed with Odoo's Confirm (the suite's
        review when installed: the approver approves), delivered and invoiced.\"\"\"
        sales = env["res.users"].browse(ids["sales"])
        order = env["sale.order"].with_user(sales).create({
            "partner_id": ids["partner"],
            "order_line": [Command.create({"product_id": ids["product"], "product_uom_qty": 2})],
        })
        order.action_confirm()
        if order.state != "sale" and "approval_state" in order._fields:
            approve(order, env["res.users"].browse(ids["approver"]))
        assert order.state == "sale", order.state
        return deliver_and_invoice(order)
    """
)

SETUP = textwrap.dedent(
    """
    company = env.company
    company.partner_id.lang = "zh_CN"
    company.sale_review_required = True
    Users = env["res.users"].with_context(no_reset_password=True)

    def user(login, groups):
        return Users.create({
            "name": login, "login": login, "password": login, "lang": "zh_CN",
            "email": f"{login}@example.com",
            "groups_id": [Command.set([env.ref(g).id for g in ("base.group_user", *groups)])],
        })

    sales = user("un_sales", ["sales_team.group_sale_salesman"])
    approver = user("un_approver", ["sale_order_ext.group_sale_approver"])
    buyer = user("un_buyer", ["purchase.group_purchase_user", "stock.group_stock_user"])
    chooser = user("un_chooser", ["sales_team.group_sale_salesman"])
    chooser.action_id = env.ref("sale.action_orders").id  # his own choice

    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    product = env["product.product"].create({
        "name": "保温杯 UNINSTALL", "default_code": "UN-001", "is_storable": True,
        "list_price": 100.0, "standard_price": 10.0, "invoice_policy": "delivery",
    })
    env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 50)
    partner = env["res.partner"].create({"name": "卸载测试客户", "city": "上海", "user_id": sales.id})
    ids = {"sales": sales.id, "approver": approver.id, "buyer": buyer.id, "chooser": chooser.id,
           "product": product.id, "partner": partner.id}

    def order(qty, **vals):
        return env["sale.order"].with_user(sales).create({
            "partner_id": partner.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})],
            **vals,
        })

    approved = order(4, sale_discount=10.0)  # 整单折扣 10 %
    approved.with_user(sales).action_submit_review()
    assert approved.approval_state == "to_review", approved.approval_state
    assert approved.stock_lock_ids.filtered(lambda l: l.state == "active")
    approve(approved, approver)
    assert approved.state == "sale" and approved.picking_ids, approved.state
    pending = order(3)
    pending.with_user(sales).action_submit_review()
    assert pending.approval_state == "to_review", pending.approval_state
    pending_locks = pending.stock_lock_ids.filtered(lambda l: l.state == "active")
    assert pending_locks, "no active lock on the pending order"
    assert pending.activity_ids, "no review to-do for the approvers"
    env["stock.low.alert"]._cron_check_low_stock()
    env["ir.config_parameter"].set_param("report_ext.turnover_days", "30")
    env["sale.analysis.report"].search_count([])
    ids.update(approved=approved.id, pending=pending.id, approved_total=approved.amount_total,
               homes={u.login: u.action_id.id for u in sales | approver | buyer | chooser},
               role_homes={
                   "sales": env.ref("sale.action_quotations_with_onboarding").id,
                   "approver": env.ref("sale_order_ext.action_orders_to_review").id,
                   "buyer": env.ref("stock_lock_ext.action_stock_low_alert").id,
                   "chooser": env.ref("sale.action_orders").id,
               })
    env.cr.commit()
    print("RESULT " + json.dumps(ids))
    """
)

FINISH = textwrap.dedent(
    """
    env.cr.commit()
    env.cr.close()
    print("RESULT " + json.dumps(result))
    """
)


def uninstall_script(addon, after=""):
    """Uninstall ``addon`` as an administrator does (Apps > Uninstall), then, on the rebuilt
    registry, a new order's flow and ``after``."""
    return (
        f'env["ir.module.module"].search([("name", "=", {addon!r})]).button_immediate_uninstall()\n'
        "env = fresh_env()\n"
        'result = {"flow": new_order_flow(env, ids)}\n' + after + FINISH
    )


AFTER_SALE_ORDER_EXT = textwrap.dedent(
    """
    assert "approval_state" not in env["sale.order"]._fields
    approved = env["sale.order"].browse(ids["approved"])
    result["approved"] = deliver_and_invoice(approved)
    pending = env["sale.order"].browse(ids["pending"])
    pending.action_confirm()  # core's
    result["pending"] = {"state": pending.state, "pickings": len(pending.picking_ids)}
    """
)

REINSTALL = (
    textwrap.dedent(
        """
    env["ir.module.module"].search([("name", "=", "report_ext")]).button_immediate_install()
    env = fresh_env()
    env.company.sale_review_required = True
    sales = env["res.users"].browse(ids["sales"])
    order = env["sale.order"].with_user(sales).create({
        "partner_id": ids["partner"],
        "order_line": [Command.create({"product_id": ids["product"], "product_uom_qty": 5})],
    })
    order.action_submit_review()
    new_buyer = env["res.users"].with_context(no_reset_password=True).create({
        "name": "un_buyer2", "login": "un_buyer2",
        "groups_id": [Command.set([env.ref(g).id for g in (
            "base.group_user", "purchase.group_purchase_user", "stock.group_stock_user")])],
    })
    result = {
        "approval_state": order.approval_state,
        "locked": sum(order.stock_lock_ids.filtered(lambda l: l.state == "active").mapped("quantity")),
        "analysis": env["sale.analysis.report"].search_count([]) > 0,
        "buyer_home": new_buyer.action_id.id == env.ref("stock_lock_ext.action_stock_low_alert").id,
    }
    """
    )
    + FINISH
)


def odoo_shell(db, script, name, ids=None):
    """Run ``script`` in ``odoo-bin shell`` on ``db`` (``ids``: the setup's records, as ``ids``):
    (its RESULT json, its log text)."""
    logfile = JXC_HOME / "log" / f"pytest-{db}-{name}.log"
    logfile.unlink(missing_ok=True)
    cmd = [
        str(VENV_PYTHON),
        str(ODOO_SRC / "odoo-bin"),
        "shell",
        *odoo_cmd()[2:],
        "-d",
        db,
        "--no-http",
        "--max-cron-threads=0",
        "--log-level=info",
        f"--logfile={logfile}",
    ]
    proc = subprocess.run(
        cmd,
        input=PRELUDE + f"ids = json.loads({json.dumps(ids)!r})\n" + script,
        text=True,
        capture_output=True,
        timeout=900,
        check=False,
    )
    log = logfile.read_text() if logfile.exists() else ""
    found = re.search(r"^RESULT (.*)$", proc.stdout, re.M)
    assert found and proc.returncode == 0, (
        f"{name} failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}\n{proc.stdout[-2000:]}"
    )
    return json.loads(found.group(1)), log


def sql(db, query, params=()):
    with pg_cursor(db) as cr:
        cr.execute(query, params)
        return cr.fetchall()


def module_states(db):
    return dict(
        sql(db, "SELECT name, state FROM ir_module_module WHERE name = ANY(%s)", [list(ADDONS)])
    )


def indexes(db, names):
    return {
        row[0]
        for row in sql(
            db, "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(names)]
        )
    }


def columns(db, table, pattern):
    return {
        row[0]
        for row in sql(
            db,
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name LIKE %s",
            [table, pattern],
        )
    }


def homes(db, user_ids):
    return dict(sql(db, "SELECT id, action_id FROM res_users WHERE id = ANY(%s)", [list(user_ids)]))


def params(db, prefix):
    return {
        row[0]
        for row in sql(db, "SELECT key FROM ir_config_parameter WHERE key LIKE %s", [prefix + "%"])
    }


def trigram_indexes(db):
    """Indexes using pg_trgm's operator classes (core's own once the extension exists)."""
    return {
        row[0]
        for row in sql(
            db,
            """
            SELECT DISTINCT idx.relname FROM pg_index i
              JOIN pg_class idx ON idx.oid = i.indexrelid
              JOIN pg_opclass opc ON opc.oid = ANY(i.indclass::oid[])
             WHERE opc.opcname IN ('gin_trgm_ops', 'gist_trgm_ops')
            """,
        )
    }


class Checks:
    """The points of one step, all checked, failed together (a step has several)."""

    def __init__(self, step):
        self.step, self.failed = step, []

    def __call__(self, ok, what):
        if not ok:
            self.failed.append(what)

    def log(self, log):
        """No ERROR logged, and no record of the addon left behind by Odoo."""
        error = ERROR_LINE.search(log)
        self(not error, f"logged an error: {error and error.group(0)}")
        kept = re.search(r"ir.model.data could not be deleted \(\[\d.*", log)
        self(not kept, f"records left behind: {kept and kept.group(0)}")

    def flow(self, flow, what="a new order", qty=2.0):
        """Confirmed, delivered and invoiced (posted) at the order's total."""
        self(
            flow["state"] == "sale" and flow["delivered"] == [qty], f"{what} not delivered: {flow}"
        )
        self(flow["invoice_state"] == "posted", f"{what}'s invoice not posted: {flow}")
        self(
            abs(flow["invoice_total"] - flow["order_total"]) < 0.005,
            f"{what} invoiced {flow['invoice_total']} for a total of {flow['order_total']}",
        )

    def done(self):
        assert not self.failed, f"{self.step}:\n- " + "\n- ".join(self.failed)


@pytest.fixture(scope="module")
def used_db():
    """A copy of the template where the suite has been used."""
    started = time.monotonic()
    db = copy_template(unique_db("uninstall"))
    ids, log = odoo_shell(db, SETUP, "setup")
    setup = Checks("the setup")
    setup.log(log)
    setup.done()
    state = {
        "db": db,
        "ids": ids,
        "core_trigram": trigram_indexes(db) - {*CODE_TRIGRAM_INDEXES, *PINYIN_INDEXES},
    }
    yield state
    drop_db(db)
    print(f"\ntest_uninstall: {time.monotonic() - started:.0f} s in all")


def test_used_suite(used_db):
    """What the uninstalls must clean up is there to begin with."""
    db, ids = used_db["db"], used_db["ids"]
    assert module_states(db) == dict.fromkeys(ADDONS, "installed")
    suite_indexes = {REPORT_INDEX, *CODE_TRIGRAM_INDEXES, *PINYIN_INDEXES}
    assert indexes(db, suite_indexes) == suite_indexes
    assert {"report_ext.turnover_days", "stock_lock_ext.low_stock_cursor"} <= params(db, "%_ext.")
    role = ids["role_homes"]
    assert homes(db, [ids[k] for k in role]) == {ids[k]: role[k] for k in role}
    # pg_trgm in use by core's own indexes: the uninstall must leave them
    assert used_db["core_trigram"], "no core trigram index: the pg_trgm check would prove nothing"


def test_uninstall_report_ext(used_db):
    db, ids = used_db["db"], used_db["ids"]
    result, log = odoo_shell(db, uninstall_script("report_ext"), "report_ext", ids)
    check = Checks("report_ext's uninstall")
    check(
        module_states(db)
        == {
            "report_ext": "uninstalled",
            "stock_lock_ext": "installed",
            "sale_order_ext": "installed",
        },
        f"module states {module_states(db)}",
    )
    check.log(log)
    check(not indexes(db, [REPORT_INDEX]), f"{REPORT_INDEX} left on sale_order")
    check(not columns(db, "sale_order", "analysis\\_%"), "analysis_* columns left on sale_order")
    analysis = sql(
        db,
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_name ~ '^(sale|stock|receivable)_analysis'",
    )
    check(not analysis, f"analysis tables or views left: {analysis}")
    check(not params(db, "report_ext."), f"parameters left: {params(db, 'report_ext.')}")
    check.flow(result["flow"])
    check.done()


def test_uninstall_stock_lock_ext(used_db):
    db, ids = used_db["db"], used_db["ids"]
    assert module_states(db)["report_ext"] == "uninstalled", "report_ext's step failed"
    result, log = odoo_shell(db, uninstall_script("stock_lock_ext"), "stock_lock_ext", ids)
    check = Checks("stock_lock_ext's uninstall")
    states = module_states(db)
    check(
        states["stock_lock_ext"] == "uninstalled" and states["sale_order_ext"] == "installed",
        f"module states {states}",
    )
    check.log(log)
    check(
        re.search(r"WARNING .*1 active stock lock\(s\) of 1 order\(s\) released", log),
        "no log line for the released lock",
    )
    notes = [
        body
        for (body,) in sql(
            db,
            "SELECT body FROM mail_message WHERE model = 'sale.order' AND res_id = %s ORDER BY id",
            [ids["pending"]],
        )
    ]
    check(
        any(RELEASED_NOTE_ZH in body and "已释放" in body for body in notes),
        f"no release note in Chinese in the pending order's chatter: {notes[-2:]}",
    )
    tables = sql(db, "SELECT 1 FROM pg_tables WHERE tablename IN ('stock_lock', 'stock_low_alert')")
    check(not tables, "lock tables left")
    check(not params(db, "stock_lock_ext."), f"parameters left: {params(db, 'stock_lock_ext.')}")
    # only the home action it set (the buyer's 库存预警) is reset
    role = ids["role_homes"]
    got = homes(db, [ids["buyer"], ids["sales"], ids["approver"], ids["chooser"]])
    check(got[ids["buyer"]] is None, f"the buyer's home action is still {got[ids['buyer']]}")
    check(
        [got[ids[k]] for k in ("sales", "approver", "chooser")]
        == [role[k] for k in ("sales", "approver", "chooser")],
        f"home actions of sale_order_ext's roles changed: {got}",
    )
    check.flow(result["flow"])
    check.done()


def test_uninstall_sale_order_ext(used_db):
    db, ids = used_db["db"], used_db["ids"]
    assert module_states(db)["stock_lock_ext"] == "uninstalled", "stock_lock_ext's step failed"
    script = uninstall_script("sale_order_ext", AFTER_SALE_ORDER_EXT)
    result, log = odoo_shell(db, script, "sale_order_ext", ids)
    check = Checks("sale_order_ext's uninstall")
    check(module_states(db) == dict.fromkeys(ADDONS, "uninstalled"), f"states {module_states(db)}")
    check.log(log)
    # the suite's indexes and columns on core tables are gone; pg_trgm and core's own
    # trigram indexes stay (said in the log)
    left = indexes(db, [*CODE_TRIGRAM_INDEXES, *PINYIN_INDEXES])
    check(not left, f"indexes left: {left}")
    left = (
        columns(db, "product_template", "pinyin%")
        | columns(db, "res_partner", "pinyin%")
        | columns(db, "sale_order", "approv%")
        | columns(db, "sale_order_line", "order_discount")
    )
    check(not left, f"columns left: {left}")
    check(sql(db, "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"), "pg_trgm dropped")
    lost = used_db["core_trigram"] - trigram_indexes(db)
    check(not lost, f"core's trigram indexes dropped: {lost}")
    check("pg_trgm kept" in log, "no log line saying why pg_trgm is kept")
    # home actions the suite set are reset; the one a user chose is kept
    got = homes(db, [ids["sales"], ids["approver"], ids["chooser"]])
    check(
        got[ids["sales"]] is None and got[ids["approver"]] is None,
        f"home actions the suite set are still there: {got}",
    )
    check(got[ids["chooser"]] == ids["role_homes"]["chooser"], "a user's own home action lost")
    # the review to-dos and their activity type are gone
    review_type = sql(
        db, "SELECT id FROM mail_activity_type WHERE name->>'en_US' = 'Sales Order Review'"
    )
    check(not review_type, f"activity type 'Sales Order Review' left: {review_type}")
    # core's flow: a new order, the approved order delivered and invoiced at its approved
    # total (its 10 % order discount kept), the pending order confirmed
    check.flow(result["flow"])
    check.flow(result["approved"], "the approved order", qty=4.0)
    check(
        abs(result["approved"]["invoice_total"] - ids["approved_total"]) < 0.005,
        f"the approved order invoiced {result['approved']['invoice_total']}, "
        f"approved at {ids['approved_total']}",
    )
    check(
        result["pending"] == {"state": "sale", "pickings": 1},
        f"the pending order not confirmed by core: {result['pending']}",
    )
    check.done()


def test_reinstall(used_db):
    db, ids = used_db["db"], used_db["ids"]
    assert module_states(db)["sale_order_ext"] == "uninstalled", "sale_order_ext's step failed"
    result, log = odoo_shell(db, REINSTALL, "reinstall", ids)
    check = Checks("the reinstall")
    check(module_states(db) == dict.fromkeys(ADDONS, "installed"), f"states {module_states(db)}")
    check.log(log)
    suite_indexes = {REPORT_INDEX, *CODE_TRIGRAM_INDEXES, *PINYIN_INDEXES}
    check(indexes(db, suite_indexes) == suite_indexes, f"indexes {indexes(db, suite_indexes)}")
    check(
        result
        == {"approval_state": "to_review", "locked": 5.0, "analysis": True, "buyer_home": True},
        f"the suite does not work again: {result}",
    )
    check.done()
