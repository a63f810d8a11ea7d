"""The whole 进销存 flow walked in the real web client (headless Chromium, multi-worker server
behind nginx as scripts/demo.sh serves it), each step clicked by the role that does it:

1. the salesperson enters a quotation by pinyin (`hzxh` → the customer, `zxb` → 中性笔) and
   submits it (提交审核);
2. the approver, whose page is open meanwhile, sees 待我审核 go up live and approves from it;
3. the warehouse user sets the courier (顺丰, tracking number), validates the delivery, prints
   the 送货单 (a real PDF) and records 签收 with the signer and a drawn signature;
4. finance creates the invoice from the order, confirms it, registers the payment and prints
   the customer's 对账单;
5. the salesperson sees the order 已完成;
6. the customer follows it in the portal (/my/orders): 已完成 and the courier's tracking link.

Screenshots: ``$JXC_HOME/log/screens/walk_*.png``.
"""

import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from .browser import Browser
from .test_live_client import BUS, COUNTER
from .test_pinyin_web import _type_and_pick
from .test_sign_web import LAST_MODAL, _draw
from .test_sign_web import _type as _type_keys

CUSTOMER = "杭州西湖文具有限公司"
PRODUCT = "中性笔 0.5mm 黑色"
TRACKING = "SF1400520131"
STATUS = "document.querySelector('.o_statusbar_status .o_arrow_button_current')?.innerText"


@pytest.fixture
def browsers():
    """Two Chromiums: the salesperson's, and one the other roles log in to in turn (two
    sessions at once: the approver watches while the salesperson submits)."""
    opened = []

    def open_browser():
        browser = Browser()
        browser.downloads = None
        opened.append(browser)
        return browser

    yield open_browser
    for browser in opened:
        if browser.downloads:
            shutil.rmtree(browser.downloads, ignore_errors=True)
        browser.close()


def _row(selector, text):
    return (
        f"Array.from(document.querySelectorAll({json.dumps(selector)}))"
        f".find(r => r.innerText.includes({json.dumps(text)}))"
    )


def _click_row(browser, selector, text):
    row = _row(selector, text)
    browser.wait_for(row)
    browser.eval(f"{row}.querySelector('td.o_data_cell, td a, a')?.click() ?? {row}.click()")


def _click_button_text(browser, scope, text):
    button = _row(f"{scope} button", text)
    browser.wait_for(button)
    browser.eval(f"{button}.click()")


def _expect_no_error(browser, step):
    """An error dialog (access error, user error) fails the step with its text."""
    error = browser.eval(
        "document.querySelector('.o_error_dialog, .o_dialog .modal-body .o_error_detail')"
        "?.closest('.modal-content')?.innerText"
    )
    if error:
        browser.screenshot(f"walk_error_{step.replace(' ', '_')}")
        raise AssertionError(f"{step}: the web client answered an error: {error}")


def _wait(browser, condition, step, timeout=60):
    """wait_for that reports an error dialog shown instead of what is awaited."""
    deadline = time.time() + timeout
    while True:
        value = browser.eval(
            f"(() => {{ try {{ const v = {condition}; return v instanceof Node || v; }}"
            " catch (e) { return null; } })()"
        )
        if value:
            return value
        _expect_no_error(browser, step)
        if time.time() > deadline:
            browser.screenshot(f"walk_timeout_{step.replace(' ', '_')}")
            raise AssertionError(f"{step}: timed out after {timeout}s waiting for {condition}")
        time.sleep(0.25)


def _logout(browser, server):
    browser.goto(f"{server.url}/web/session/logout")


def _downloads_to(browser):
    """A fresh download folder: the next print's PDF is the only file in it."""
    if browser.downloads:
        shutil.rmtree(browser.downloads, ignore_errors=True)
    browser.downloads = Path(tempfile.mkdtemp(prefix="jxc-walk-downloads-"))
    browser.send("Page.setDownloadBehavior", behavior="allow", downloadPath=str(browser.downloads))


def _downloaded_pdf(browser, step, timeout=90):
    """The PDF the print downloaded: (bytes, its text)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        pdfs = [p for p in browser.downloads.glob("*.pdf") if p.stat().st_size > 0]
        if pdfs and not list(browser.downloads.glob("*.crdownload")):
            text = subprocess.run(
                ["pdftotext", "-layout", str(pdfs[0]), "-"],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
            return pdfs[0].name, pdfs[0].read_bytes(), text
        _expect_no_error(browser, step)
        time.sleep(0.5)
    browser.screenshot(f"walk_timeout_{step.replace(' ', '_')}")
    raise AssertionError(f"{step}: no PDF downloaded")


def _print_from_cog_menu(browser, report_name, but_not):
    """The form's ⚙ menu → 打印 → the report (Odoo nests the prints when there are several)."""
    browser.click(".o_control_panel .o_cp_action_menus button")
    item = (
        "Array.from(document.querySelectorAll('.o-dropdown--menu .o-dropdown-item'))"
        f".find(e => e.innerText.includes({json.dumps(report_name)})"
        f" && !e.innerText.includes({json.dumps(but_not)}))"
    )
    printer = (
        "Array.from(document.querySelectorAll('.o-dropdown--menu button'))"
        ".find(b => b.querySelector('.fa-print'))"
    )
    browser.wait_for(f"{item} || {printer}")
    if not browser.eval(f"!!{item}"):
        browser.eval(f"{printer}.click()")
        browser.wait_for(item)
    browser.eval(f"{item}.click()")


def _setup(server):
    """The company reviews every order; one customer (with a portal login), one product in
    stock, and a user per role with the groups of the demo's logins."""
    admin = server.admin()
    server.set_review_required(True)
    users = {
        "sales": server.create_user(
            "walk_sales", ["base.group_user", "sales_team.group_sale_salesman"], name="张伟"
        ),
        "approver": server.create_user(
            "walk_approver", ["base.group_user", "sale_order_ext.group_sale_approver"], name="李娜"
        ),
        "warehouse": server.create_user(
            "walk_warehouse", ["base.group_user", "stock.group_stock_user"], name="王强"
        ),
        "finance": server.create_user(
            "walk_finance", ["base.group_user", "account.group_account_invoice"], name="陈静"
        ),
    }
    partner_id = admin.call(
        "res.partner",
        "create",
        {
            "name": CUSTOMER,
            "is_company": True,
            "street": "西湖区文三路 259 号",
            "city": "杭州",
            "phone": "0571-88880000",
            "email": "xihu@example.com",
        },
    )
    admin.call("res.partner", "create", {"name": "湖州某公司", "city": "湖州"})
    admin.call(
        "res.users",
        "create",
        {
            "name": CUSTOMER,
            "login": "walk_portal",
            "password": "walk_portal",
            "partner_id": partner_id,
            "lang": "zh_CN",
            "groups_id": [(6, 0, [admin.ref("base.group_portal")])],
        },
    )
    product_id = admin.call(
        "product.product",
        "create",
        {
            "name": PRODUCT,
            "default_code": "WJ-0501",
            "type": "consu",
            "is_storable": True,
            "list_price": 2.5,
            "standard_price": 1.2,
        },
    )
    admin.call("product.product", "create", {"name": "钢笔", "type": "consu", "list_price": 30})
    server.count_stock(product_id, 500)
    return admin, users, partner_id, product_id


def test_whole_flow_walked_by_each_role(proxied_server, browsers):
    server = proxied_server
    started = time.time()
    admin, users, partner_id, product_id = _setup(server)

    # --- 2 (first half): the approver's web client is open, its bus connected, nothing to review
    watcher = browsers()
    watcher.login(server.url, "walk_approver", "walk_approver")
    watcher.wait_for("document.querySelector('.o_action_manager .o_view_controller')")
    watcher.wait_for(f"{BUS}.isActive && {BUS}.workerState === 'CONNECTED'", timeout=30)
    deadline = time.time() + 30
    while not admin.call(
        "bus.presence",
        "search_count",
        [("user_id", "=", users["approver"].uid), ("status", "!=", "offline")],
    ):
        assert time.time() < deadline, "the approver's web client never showed online"
        time.sleep(0.5)
    assert watcher.eval("document.querySelector('.o_sale_review_systray') === null")
    watcher.eval("window.__jxc_no_reload = true")
    watcher.screenshot("walk_2_approver_before")

    # --- 1: the salesperson enters the quotation by pinyin and submits it
    sales = browsers()
    sales.login(server.url, "walk_sales", "walk_sales")  # lands in 销售 → 报价单
    sales.click(".o_control_panel .o_list_button_add")
    partner_input = ".o_form_view .o_field_widget[name=partner_id] input"
    _type_and_pick(sales, partner_input, "hzxh", CUSTOMER)
    sales.wait_for(f"document.querySelector('{partner_input}').value.includes({CUSTOMER!r})")
    sales.click(".o_field_x2many_list_row_add a")
    product_input = ".o_selected_row .o_field_widget[name=product_template_id] input"
    _type_and_pick(sales, product_input, "zxb", "中性笔")
    sales.wait_for(f"document.querySelector('{product_input}')?.value.includes({PRODUCT!r})")
    qty = ".o_selected_row .o_field_widget[name=product_uom_qty] input"
    sales.wait_for(f"document.querySelector('{qty}')")
    sales.eval(f"document.querySelector('{qty}').select()")
    sales.send("Input.insertText", text="10")
    sales.eval(
        f"document.querySelector('{qty}').dispatchEvent(new Event('change', {{bubbles: true}}))"
    )
    sales.wait_for(
        "document.querySelector('.o_form_view .o_field_widget[name=tax_totals]')"
        "?.innerText.includes('25.00')"
    )
    sales.screenshot("walk_1_sales_entered_by_pinyin")
    sales.click(".o_form_statusbar button[name=action_submit_review]")
    _wait(sales, f"{STATUS} === '待审核'", "submit")
    order_id = int(sales.eval("location.pathname.split('/').pop()"))
    [order] = admin.call(
        "sale.order", "read", [order_id], ["name", "partner_id", "approval_state", "user_id"]
    )
    assert order["partner_id"][0] == partner_id
    assert order["approval_state"] == "to_review"
    assert order["user_id"][0] == users["sales"].uid
    [line] = admin.call(
        "sale.order.line",
        "search_read",
        [("order_id", "=", order_id)],
        ["product_id", "product_uom_qty"],
    )
    assert (line["product_id"][0], line["product_uom_qty"]) == (product_id, 10)
    sales.screenshot("walk_1_sales_submitted")

    # --- 2: 待我审核 goes up without a reload; the approver approves from it
    watcher.wait_for(f"{COUNTER} === '1'", timeout=10)
    assert watcher.eval("window.__jxc_no_reload === true"), "the approver's page was reloaded"
    watcher.screenshot("walk_2_approver_badge_live")
    watcher.click(".o_sale_review_systray button")
    _click_row(watcher, ".o_list_view .o_data_row", order["name"])
    _wait(watcher, f"{STATUS} === '待审核'", "open to review")
    watcher.click(".o_form_statusbar button[name=action_approve]")
    _wait(watcher, f"{STATUS} === '已审核'", "approve")
    watcher.screenshot("walk_2_approver_approved")
    [order] = admin.call(
        "sale.order", "read", [order_id], ["name", "state", "approved_by_id", "picking_ids"]
    )
    assert order["state"] == "sale" and order["approved_by_id"][0] == users["approver"].uid
    [picking_id] = order["picking_ids"]
    [picking] = admin.call("stock.picking", "read", [picking_id], ["name"])
    _logout(watcher, server)

    # --- 3: the warehouse user ships with 顺丰, prints the 送货单, records 签收
    wh = watcher
    wh.login(server.url, "walk_warehouse", "walk_warehouse")  # lands in 库存 → 发货
    _click_row(wh, ".o_list_view .o_data_row", order["name"])
    wh.wait_for("document.querySelector('.o_form_view button[name=button_validate]')")
    wh.click(".o_notebook .nav-link[name=extra]")
    _type_and_pick(wh, ".o_field_widget[name=carrier_id] input", "顺丰", "顺丰")
    _type_keys(wh, ".o_field_widget[name=carrier_tracking_ref] input", TRACKING)
    wh.screenshot("walk_3_warehouse_courier")
    wh.click(".o_form_statusbar button[name=button_validate]")
    _wait(wh, "!document.querySelector('.o_form_statusbar button[name=button_validate]')", "ship")
    [picking] = admin.call(
        "stock.picking", "read", [picking_id], ["name", "state", "carrier_tracking_ref"]
    )
    assert (picking["state"], picking["carrier_tracking_ref"]) == ("done", TRACKING)
    link = wh.wait_for(
        "document.querySelector('.o_field_widget[name=carrier_tracking_link] a')?.href"
    )
    assert "kuaidi100" in link and TRACKING in link, link
    wh.screenshot("walk_3_warehouse_validated")

    _downloads_to(wh)
    _print_from_cog_menu(wh, "送货单", but_not="不含")
    name, pdf, text = _downloaded_pdf(wh, "print 送货单")
    assert pdf.startswith(b"%PDF-"), name
    for expected in ("送货单", picking["name"], order["name"], CUSTOMER, "中性笔", TRACKING):
        assert expected in text, (expected, text)
    # the route the print uses answers a PDF to this session
    route = wh.eval(
        f"""fetch('/report/pdf/report_ext.report_delivery_slip/{picking_id}')
        .then(async r => [r.status, r.headers.get('Content-Type'),
                          new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5))])"""
    )
    assert route == [200, "application/pdf", "%PDF-"], route
    wh.screenshot("walk_3_warehouse_printed")

    wh.click(".o_form_statusbar button[name=action_open_sign_wizard]")
    wizard = ".modal .o_form_view"
    _type_keys(wh, f"{wizard} .o_field_widget[name=signed_by] input", "周建国")
    wh.click(f"{wizard} .o_field_widget[name=signature] .o_signature")
    wh.wait_for(f"{LAST_MODAL}?.querySelector('.o_web_sign_draw_button')")
    wh.eval(f"{LAST_MODAL}.querySelector('.o_web_sign_draw_button').click()")
    _draw(wh, ".modal:last-of-type canvas.o_web_sign_signature")
    adopt = f"{LAST_MODAL}.querySelector('.modal-footer .btn-primary')"
    wh.wait_for(f"{adopt} && !{adopt}.disabled")
    wh.eval(f"{adopt}.click()")
    wh.wait_for(f"document.querySelector('{wizard} .o_field_widget[name=signature] img')")
    wh.screenshot("walk_3_warehouse_sign_dialog")
    wh.click(".modal-footer button[name=action_sign]")
    _wait(wh, "!document.querySelector('button[name=action_open_sign_wizard]')", "签收")
    [picking] = admin.call("stock.picking", "read", [picking_id], ["signed_by", "signature"])
    assert picking["signed_by"] == "周建国" and picking["signature"]
    [order] = admin.call("sale.order", "read", [order_id], ["name", "flow_state"])
    assert order["flow_state"] == "signed", order
    wh.screenshot("walk_3_warehouse_signed")
    _logout(wh, server)

    # --- 4: finance invoices the order, confirms, registers the payment, prints the 对账单
    fin = watcher
    fin.login(server.url, "walk_finance", "walk_finance")  # lands in 开票 → 发票
    fin.goto(f"{server.url}/odoo/action-sale.action_orders/{order_id}")
    _wait(fin, f"{STATUS} === '已签收'", "open the order")
    _click_button_text(fin, ".o_form_statusbar", "创建发票")
    _wait(fin, "document.querySelector('.modal button[name=create_invoices]')", "invoice wizard")
    fin.screenshot("walk_4_finance_invoice_wizard")
    fin.click(".modal button[name=create_invoices]")
    _wait(fin, "document.querySelector('.o_form_statusbar button[name=action_post]')", "invoice")
    fin.click(".o_form_statusbar button[name=action_post]")
    _wait(
        fin,
        "document.querySelector('.o_form_statusbar button[name=action_register_payment]')",
        "post",
    )
    fin.screenshot("walk_4_finance_invoice_posted")
    fin.click(".o_form_statusbar button[name=action_register_payment]")
    _wait(fin, "document.querySelector('.modal button[name=action_create_payments]')", "pay")
    fin.screenshot("walk_4_finance_payment_wizard")
    fin.click(".modal button[name=action_create_payments]")
    _wait(fin, "!document.querySelector('.modal button[name=action_create_payments]')", "paid")
    [invoice_id] = admin.call(
        "account.move", "search", [("invoice_origin", "=", order["name"])], limit=1
    )
    deadline = time.time() + 20
    while True:
        [invoice] = admin.call(
            "account.move", "read", [invoice_id], ["name", "state", "payment_state"]
        )
        if invoice["payment_state"] in ("paid", "in_payment") or time.time() > deadline:
            break
        time.sleep(0.5)
    assert invoice["state"] == "posted", invoice
    assert invoice["payment_state"] in ("paid", "in_payment"), invoice
    fin.screenshot("walk_4_finance_paid")

    fin.goto(f"{server.url}/odoo/action-account.res_partner_action_customer?view_type=list")
    row = _row(".o_list_view .o_data_row", CUSTOMER)
    fin.wait_for(row)
    fin.eval(f"{row}.querySelector('.o_list_record_selector input').click()")
    fin.click(".o_control_panel .o_cp_action_menus button")
    item = _row(".o-dropdown--menu .o-dropdown-item", "客户对账单")
    fin.wait_for(item)
    fin.eval(f"{item}.click()")
    _wait(fin, "document.querySelector('.modal button[name=action_print]')", "对账单 wizard")
    fin.screenshot("walk_4_finance_statement_wizard")
    _downloads_to(fin)
    fin.click(".modal button[name=action_print]")
    name, pdf, text = _downloaded_pdf(fin, "print 对账单")
    assert pdf.startswith(b"%PDF-"), name
    for expected in (CUSTOMER, invoice["name"], "28.75"):
        assert expected in text, (expected, text)
    fin.screenshot("walk_4_finance_statement_printed")
    _logout(fin, server)

    # --- 5: the salesperson's order says 已完成
    sales.goto(f"{server.url}/odoo/action-sale.action_quotations_with_onboarding/{order_id}")
    _wait(sales, f"{STATUS} === '已完成'", "completed")
    sales.screenshot("walk_5_sales_completed")
    [order] = admin.call("sale.order", "read", [order_id], ["name", "flow_state"])
    assert order["flow_state"] == "done", order

    # --- 6: the customer follows it in the portal
    portal = watcher
    portal.goto(f"{server.url}/web/login")
    portal.eval(
        """(() => {
        document.querySelector('input[name=login]').value = 'walk_portal';
        document.querySelector('input[name=password]').value = 'walk_portal';
        document.querySelector('form.oe_login_form').submit();
    })()"""
    )
    portal.wait_for("location.pathname === '/my' && document.readyState === 'complete'")
    portal.goto(f"{server.url}/my/orders")
    row = _row("tbody tr", order["name"])
    badge = portal.wait_for(f"{row}?.querySelector('.o_sale_flow_state')?.innerText")
    assert badge.strip() == "已完成", badge
    assert portal.eval(f"{row}.querySelector('.o_sale_flow_state').dataset.flowState") == "done"
    portal.screenshot("walk_6_portal_orders")
    portal.eval(f"{row}.querySelector('a').click()")
    portal.wait_for("document.querySelector('#sale_flow_state .o_sale_flow_state')")
    assert portal.text("#sale_flow_state .o_sale_flow_state").strip() == "已完成"
    href = portal.wait_for("document.querySelector('#sale_tracking a')?.href")
    assert href == f"https://www.kuaidi100.com/chaxun?com=shunfeng&nu={TRACKING}", href
    assert "顺丰" in portal.text("#sale_tracking")
    portal.screenshot("walk_6_portal_order_tracking")
    print(f"FIGURE whole_flow_walk_seconds={time.time() - started:.0f}")
