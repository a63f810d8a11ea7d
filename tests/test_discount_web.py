"""整单折扣 and 抹零 in the web client: the salesperson sets them in the order form and sees the
totals follow (headless Chromium against a real multi-worker server)."""

import json
import time

import pytest

from .browser import Browser


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.close()


def _set_input(browser, field, value):
    """Type into a form field's input as a user does (input, then change on leaving it)."""
    selector = json.dumps(f".o_form_view .o_field_widget[name={field}] input")
    browser.wait_for(f"document.querySelector({selector})")
    browser.eval(
        f"""(() => {{
        const input = document.querySelector({selector});
        input.focus();
        input.value = {json.dumps(str(value))};
        input.dispatchEvent(new Event('input', {{bubbles: true}}));
        input.dispatchEvent(new Event('change', {{bubbles: true}}));
        input.blur();
    }})()"""
    )


def _select(browser, field, value):
    selector = json.dumps(f".o_form_view .o_field_widget[name={field}] select")
    browser.wait_for(f"document.querySelector({selector})")
    browser.eval(
        f"""(() => {{
        const select = document.querySelector({selector});
        select.value = {json.dumps(json.dumps(value))};
        select.dispatchEvent(new Event('change', {{bubbles: true}}));
    }})()"""
    )


def test_salesperson_sets_order_discount_and_rounding(odoo_server, browser):
    admin = odoo_server.admin()
    odoo_server.set_review_required(False)
    sales = odoo_server.create_user(
        "web_disc_sales", ["sales_team.group_sale_salesman"], name="刘洋"
    )
    [company] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    tax_id = admin.call(
        "account.tax",
        "create",
        {
            "name": "增值税 13% (含税) 网页",
            "amount": 13,
            "price_include_override": "tax_included",
            "company_id": company["company_id"][0],
        },
    )
    partner_id = admin.call(
        "res.partner",
        "create",
        {"name": "折扣客户", "street": "中山路 8 号", "city": "南京", "phone": "025-8"},
    )
    product_id = admin.call(
        "product.product",
        "create",
        {
            "name": "折扣产品",
            "type": "consu",
            "list_price": 59,
            "standard_price": 30,
            "taxes_id": [(6, 0, [tax_id])],
        },
    )
    order_id = sales.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 2})],
        },
    )
    [order] = sales.call("sale.order", "read", [order_id], ["amount_total"])
    assert order["amount_total"] == 118.0, order

    browser.login(odoo_server.url, "web_disc_sales", "web_disc_sales")
    browser.goto(f"{odoo_server.url}/odoo/action-sale.action_quotations_with_onboarding/{order_id}")
    totals = "document.querySelector('.o_form_view .o_field_widget[name=tax_totals]')?.innerText"
    assert "118.00" in browser.wait_for(totals)
    labels = browser.text(".o_form_view .o_sale_order_discount")
    assert "整单折扣" in labels and "抹零" in labels, labels

    # 10 %: 118 → 106.20
    _set_input(browser, "sale_discount", "10")
    browser.wait_for(f"{totals}.includes('106.20')")
    # 抹零, drop 角 and 分: 106.20 → 106.00, the rounding shown as its own row
    _select(browser, "sale_rounding_method", "jiao")
    browser.wait_for(f"{totals}.includes('106.00')")
    shown = browser.wait_for(totals)
    assert "0.20" in shown, shown  # the 抹零 row
    browser.eval("document.querySelector('.o_form_view [name=tax_totals]').scrollIntoView()")
    browser.screenshot("order_discount_and_rounding")
    browser.click(".o_form_view .o_form_button_save")
    fields = ["amount_total", "amount_rounding", "sale_discount", "sale_rounding_method"]
    deadline = time.time() + 30
    while True:
        [order] = sales.call("sale.order", "read", [order_id], fields)
        if order["sale_rounding_method"] or time.time() > deadline:
            break
        time.sleep(0.5)
    assert (
        order["sale_discount"],
        order["sale_rounding_method"],
        order["amount_rounding"],
        order["amount_total"],
    ) == (10.0, "jiao", 0.2, 106.0), order

    # an amount instead: ¥50 off the total payable (118 - 50 = 68, nothing to round off)
    _select(browser, "sale_discount_type", "amount")
    _set_input(browser, "sale_discount", "50")
    browser.wait_for(f"{totals}.includes('68.00')")
    browser.eval("document.querySelector('.o_form_view [name=tax_totals]').scrollIntoView()")
    browser.screenshot("order_discount_amount")
