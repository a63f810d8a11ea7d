"""The live web client behind nginx, as scripts/demo.sh serves it: a multi-worker server whose
/websocket reaches the gevent worker, so the bus (待我审核 badge, chatter, notifications)
updates without reloading."""

import time

import pytest
import websocket

from .browser import Browser

BUS = "odoo.__WOWL_DEBUG__.root.env.services.bus_service"
COUNTER = "document.querySelector('.o_sale_review_systray_counter')?.innerText"


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.close()


def test_websocket_reaches_the_gevent_worker_through_nginx(proxied_server):
    """The handshake nginx forwards (Upgrade/Connection) is answered by Odoo's gevent worker;
    on the HTTP workers' port the same request is refused (what the demo did before nginx)."""
    ws_url = proxied_server.url.replace("http://", "ws://") + "/websocket"
    ws = websocket.create_connection(ws_url, origin=proxied_server.url, timeout=10)
    try:
        assert ws.getstatus() == 101
    finally:
        ws.close()
    with pytest.raises(websocket.WebSocketBadStatusException):
        websocket.create_connection(
            f"ws://127.0.0.1:{proxied_server.port}/websocket",
            origin=proxied_server.url,
            timeout=10,
        )


def test_review_badge_goes_up_live_when_a_salesperson_submits(proxied_server, browser):
    """The approver keeps a list open; a salesperson submits an order from another session
    (RPC): the 待我审核 badge shows it within seconds, without a reload or a click, and drops
    again when another approver session approves it."""
    server = proxied_server
    admin = server.admin()
    server.set_review_required(True)
    sales = server.create_user("live_sales", ["sales_team.group_sale_salesman"], name="实时销售")
    approver = server.create_user(
        "live_approver", ["sale_order_ext.group_sale_approver"], name="实时审核"
    )
    partner_id = admin.call(
        "res.partner",
        "create",
        {"name": "实时客户", "street": "淮海路 9 号", "city": "上海", "phone": "021-9"},
    )
    product_id = admin.call(
        "product.product", "create", {"name": "实时产品", "type": "consu", "list_price": 12}
    )
    order_id = sales.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 2})],
        },
    )
    before = approver.call("sale.order", "search_count", [("can_approve", "=", True)])

    browser.login(server.url, "live_approver", "live_approver")
    browser.goto(f"{server.url}/odoo/action-sale.action_quotations_with_onboarding")
    browser.wait_for("document.querySelector('.o_action_manager .o_view_controller')")
    browser.wait_for(f"{BUS}.isActive && {BUS}.workerState === 'CONNECTED'", timeout=30)
    # the approver shows online (his web client's presence): the server notifies online groups
    deadline = time.time() + 30
    while not admin.call(
        "bus.presence",
        "search_count",
        [("user_id", "=", approver.uid), ("status", "!=", "offline")],
    ):
        assert time.time() < deadline, "the approver's web client never showed online"
        time.sleep(0.5)
    if before:
        assert browser.wait_for(COUNTER) == str(before)
    else:
        assert browser.eval("document.querySelector('.o_sale_review_systray') === null")
    browser.eval("window.__jxc_no_reload = true")
    browser.screenshot("live_badge_before_submit")

    started = time.time()
    sales.call("sale.order", "action_submit_review", [order_id])
    browser.wait_for(f"{COUNTER} === '{before + 1}'", timeout=10)
    elapsed = time.time() - started
    assert browser.eval("window.__jxc_no_reload === true"), "the page was reloaded"
    browser.screenshot("live_badge_after_submit")
    assert elapsed < 10, elapsed

    # another session of an approver approves it: the badge follows down
    other = server.create_user(
        "live_approver2", ["sale_order_ext.group_sale_approver"], name="实时审核二"
    )
    other.call("sale.order", "action_approve", [order_id])
    if before:
        browser.wait_for(f"{COUNTER} === '{before}'", timeout=10)
    else:
        browser.wait_for("document.querySelector('.o_sale_review_systray') === null", timeout=10)
    assert browser.eval("window.__jxc_no_reload === true"), "the page was reloaded"
    browser.screenshot("live_badge_after_approval")


ROLES = [
    # login, groups, home action, its app's root menu
    (
        "land_sales",
        ["sales_team.group_sale_salesman"],
        "sale.action_quotations_with_onboarding",
        "sale.sale_menu_root",
    ),
    (
        "land_approver",
        ["sale_order_ext.group_sale_approver"],
        "sale_order_ext.action_orders_to_review",
        "sale.sale_menu_root",
    ),
    (
        "land_warehouse",
        ["stock.group_stock_user"],
        "stock.action_picking_tree_outgoing",
        "stock.menu_stock_root",
    ),
    (
        "land_finance",
        ["account.group_account_invoice"],
        "account.action_move_out_invoice_type",
        "account.menu_finance",
    ),
    (
        "land_buyer",
        ["stock.group_stock_user", "purchase.group_purchase_user"],
        "stock_lock_ext.action_stock_low_alert",
        "stock.menu_stock_root",
    ),
]


def test_each_role_lands_in_its_work(proxied_server, browser):
    """A new user given a role (not a demo user) logs in and the web client opens his work:
    销售 → 报价单, 待我审核, 库存 → 发货, 开票 → 发票, 库存预警."""
    server = proxied_server
    admin = server.admin()
    zh = server.rpc("admin", lang="zh_CN")
    for login, groups, action_xmlid, menu_xmlid in ROLES:
        server.create_user(login, ["base.group_user", *groups])
        model = "ir.actions.act_window"
        [action] = zh.call(model, "read", [admin.ref(action_xmlid)], ["name"])
        [app] = zh.call("ir.ui.menu", "read", [admin.ref(menu_xmlid)], ["name"])

        browser.login(server.url, login, login)  # lands on /odoo: the home action
        crumbs = browser.wait_for(
            f"document.querySelector('.o_breadcrumb')?.innerText.includes({action['name']!r})"
            " && document.querySelector('.o_breadcrumb').innerText"
        )
        assert crumbs.strip().endswith(action["name"]), (login, crumbs)
        brand = browser.wait_for("document.querySelector('.o_menu_brand')?.innerText")
        assert brand == app["name"], (login, brand, app)
        browser.wait_for("document.querySelector('.o_action_manager .o_view_controller')")
        browser.screenshot(f"landing_{login}")
        browser.goto(f"{server.url}/web/session/logout")


def test_rejected_order_says_so(proxied_server, browser):
    """The salesperson opens his rejected order: 已驳回 sits right after 待审核 in the statusbar,
    the banner says who rejected it and why, and no blocking or waiting banner is left."""
    server = proxied_server
    admin = server.admin()
    server.set_review_required(True)
    sales = server.create_user("rej_sales", ["sales_team.group_sale_salesman"], name="驳回销售")
    approver = server.create_user(
        "rej_approver", ["sale_order_ext.group_sale_approver"], name="驳回审核"
    )
    partner_id = admin.call(
        "res.partner",
        "create",
        {"name": "驳回客户", "street": "北京路 3 号", "city": "广州", "phone": "020-3"},
    )
    product_id = admin.call(
        "product.product", "create", {"name": "驳回产品", "type": "consu", "list_price": 15}
    )
    order_id = sales.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 4})],
        },
    )
    sales.call("sale.order", "action_submit_review", [order_id])
    approver.call("sale.order", "action_reject_with_reason", [order_id], "折扣太大, 请重新报价")

    browser.login(server.url, "rej_sales", "rej_sales")
    browser.goto(f"{server.url}/odoo/action-sale.action_quotations_with_onboarding/{order_id}")
    current = "document.querySelector('.o_statusbar_status .o_arrow_button_current')?.innerText"
    assert browser.wait_for(current) == "已驳回"
    steps = browser.eval(
        "Array.from(document.querySelectorAll('.o_statusbar_status .o_arrow_button'))"
        ".map(b => b.innerText.trim()).filter(t => t)"
    )
    steps = [s for s in steps if s != "..."][::-1]  # the statusbar is laid out right to left
    assert steps.index("已驳回") == steps.index("待审核") + 1, steps
    banners = browser.text(".o_form_view .o_sale_review_banner:not(.o_invisible_modifier)")
    assert "驳回审核" in banners and "折扣太大, 请重新报价" in banners, banners
    assert (
        browser.eval("document.querySelectorAll('.o_form_view .o_sale_review_banner').length") == 1
    )
    browser.screenshot("rejected_order_banner")
