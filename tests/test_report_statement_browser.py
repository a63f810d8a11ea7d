"""对账单 from the real web client (headless Chromium, 2-worker server): the wizard's Print
downloads a PDF whose text shows the customers' figures, as finance (from the customer
list, several customers) and as a salesperson (from the 报表 menu, his customer)."""

import json
import shutil
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest

from .browser import Browser


@pytest.fixture
def browser():
    b = Browser()
    downloads = Path(tempfile.mkdtemp(prefix="jxc-downloads-"))
    # right after start Chromium may still be swapping its first page: retry briefly
    for attempt in range(20):
        try:
            b.send("Page.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
            break
        except AssertionError:
            if attempt == 19:
                raise
            time.sleep(0.25)
    b.downloads = downloads
    yield b
    b.close()
    shutil.rmtree(downloads, ignore_errors=True)


def wait_for_pdf(browser, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        pdfs = [p for p in browser.downloads.glob("*.pdf") if p.stat().st_size > 0]
        if pdfs and not list(browser.downloads.glob("*.crdownload")):
            return subprocess.run(
                ["pdftotext", "-layout", str(pdfs[0]), "-"],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
        error = browser.eval(
            "document.querySelector('.o_error_dialog, .o_notification.border-danger')?.innerText"
        )
        if error:
            browser.screenshot("statement_print_error")
            raise AssertionError(f"printing failed: {error}")
        time.sleep(0.5)
    browser.screenshot("statement_print_timeout")
    raise AssertionError("no PDF downloaded")


def invoice_and_pay(admin, partner_id, amount, paid):
    today = str(date.today())
    move_id = admin.call(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": partner_id,
            "invoice_date": today,
            "invoice_line_ids": [
                (0, 0, {"name": "货款", "quantity": 1, "price_unit": amount, "tax_ids": False})
            ],
        },
    )
    admin.call("account.move", "action_post", [move_id])
    ctx = {"active_model": "account.move", "active_ids": [move_id]}
    wizard_id = admin.call(
        "account.payment.register",
        "create",
        {"amount": paid, "payment_date": today},
        context=ctx,
    )
    admin.call("account.payment.register", "action_create_payments", [wizard_id], context=ctx)


def set_many2many(browser, name):
    field = ".modal .o_field_many2many_tags input"
    browser.wait_for(f"document.querySelector('{field}')")
    browser.eval(
        f"""(() => {{ const i = document.querySelector('{field}'); i.focus();
        i.value = {json.dumps(name)}; i.dispatchEvent(new Event('input', {{bubbles: true}})); }})()"""
    )
    item = (
        "Array.from(document.querySelectorAll('.o-autocomplete--dropdown-item'))"
        f".find(e => e.innerText.includes({json.dumps(name)}))"
    )
    browser.wait_for(item)
    browser.eval(f"{item}.querySelector('a, .dropdown-item')?.click() || {item}.click()")
    browser.wait_for(
        "Array.from(document.querySelectorAll('.modal .o_tag'))"
        f".some(e => e.innerText.includes({json.dumps(name)}))"
    )


def print_wizard(browser, screenshot):
    browser.wait_for("document.querySelector('.modal button[name=action_print]')")
    browser.screenshot(screenshot)
    browser.click(".modal button[name=action_print]")
    return wait_for_pdf(browser)


def test_finance_prints_statements_of_selected_customers(odoo_server, browser):
    admin = odoo_server.admin()
    odoo_server.create_user("web_finance", ["account.group_account_invoice"], name="陈静")
    names = ["对账甲公司", "对账乙公司"]
    ids = [admin.call("res.partner", "create", {"name": n, "is_company": True}) for n in names]
    invoice_and_pay(admin, ids[0], 1180.0, 180.0)
    invoice_and_pay(admin, ids[1], 2260.0, 260.0)

    browser.login(odoo_server.url, "web_finance", "web_finance")
    browser.goto(
        f"{odoo_server.url}/odoo/action-account.res_partner_action_customer?view_type=list"
    )
    browser.wait_for("document.querySelector('.o_list_view .o_data_row')")
    for name in names:
        row = (
            "Array.from(document.querySelectorAll('.o_data_row'))"
            f".find(r => r.innerText.includes({json.dumps(name)}))"
        )
        browser.wait_for(row)
        browser.eval(f"{row}.querySelector('.o_list_record_selector input').click()")
    browser.click(".o_control_panel .o_cp_action_menus button")
    item = (
        "Array.from(document.querySelectorAll('.o-dropdown--menu .o-dropdown-item'))"
        ".find(e => e.innerText.includes('客户对账单'))"
    )
    browser.wait_for(item)
    browser.eval(f"{item}.click()")
    text = print_wizard(browser, "statement_wizard_finance")
    for expected in (*names, "1,000.00", "2,000.00", "人民币壹仟元整", "人民币贰仟元整"):
        assert expected in text, (expected, text)


def test_salesperson_prints_own_customer_from_the_menu(odoo_server, browser):
    admin = odoo_server.admin()
    sales = odoo_server.create_user(
        "web_stmt_sales", ["sales_team.group_sale_salesman"], name="张伟"
    )
    partner_id = admin.call(
        "res.partner", "create", {"name": "张伟的客户", "is_company": True, "user_id": sales.uid}
    )
    invoice_and_pay(admin, partner_id, 3390.0, 390.0)

    browser.login(odoo_server.url, "web_stmt_sales", "web_stmt_sales")
    browser.goto(f"{odoo_server.url}/odoo/action-sale.action_orders")
    browser.wait_for("document.querySelector('.o_action_manager .o_view_controller')")
    menu = (
        "Array.from(document.querySelectorAll('.o_menu_sections button, .o_menu_sections a'))"
        ".find(e => e.innerText.trim() === '报表')"
    )
    browser.wait_for(menu)
    browser.eval(f"{menu}.click()")
    entries = browser.wait_for(
        "Array.from(document.querySelectorAll('.o-dropdown--menu .o-dropdown-item'))"
        ".map(e => e.innerText.trim()).join('|') || null"
    )
    assert "销售分析" in entries and "应收分析" in entries, entries
    browser.screenshot("salesperson_report_menu")
    item = (
        "Array.from(document.querySelectorAll('.o-dropdown--menu .o-dropdown-item'))"
        ".find(e => e.innerText.includes('客户对账单'))"
    )
    browser.eval(f"{item}.click()")
    set_many2many(browser, "张伟的客户")
    text = print_wizard(browser, "statement_wizard_salesperson")
    for expected in ("张伟的客户", "3,390.00", "390.00", "人民币叁仟元整"):
        assert expected in text, (expected, text)
