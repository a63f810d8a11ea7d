"""Entering an order in the real web client: pinyin in the dropdowns, the last prices of the
customer (历史售价), and the server round trips per line next to plain Odoo's."""

import collections
import json
import logging

import pytest

from .browser import Browser

_logger = logging.getLogger(__name__)

# counts the web client's JSON-RPC calls (Odoo's rpc goes through XMLHttpRequest) and the
# requests still in flight
RPC_SPY = """(() => {
    if (window.__jxcRpcs) { return true; }
    window.__jxcRpcs = []; window.__jxcInflight = 0;
    const open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.open = function (method, url) {
        this.__jxcUrl = url; return open.apply(this, arguments);
    };
    XMLHttpRequest.prototype.send = function (body) {
        let call = { url: String(this.__jxcUrl) };
        try {
            const params = JSON.parse(body).params || {};
            call.method = params.method; call.model = params.model;
        } catch (e) {}
        window.__jxcRpcs.push(call); window.__jxcInflight++;
        this.addEventListener("loadend", () => window.__jxcInflight--);
        return send.apply(this, arguments);
    };
    return true;
})()"""
IDLE = "window.__jxcInflight === 0"


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.close()


def _type(browser, selector, text):
    """Focus an input, put the text in and fire `input` like a keyboard would."""
    browser.wait_for(f"document.querySelector({json.dumps(selector)})")
    browser.eval(
        f"""(() => {{
        const el = document.querySelector({json.dumps(selector)});
        el.focus(); el.value = {json.dumps(text)};
        el.dispatchEvent(new Event('input', {{ bubbles: true }}));
    }})()"""
    )


def _type_and_pick(browser, selector, typed, text, attempts=3):
    """Type into an autocomplete and click the suggestion showing `text`; type again if the
    input was re-rendered meanwhile (no suggestion within 10 s). Returns the attempts made."""
    item = (
        "Array.from(document.querySelectorAll('.o-autocomplete--dropdown-item'))"
        f".find(li => li.innerText.includes({json.dumps(text)}))"
    )
    for attempt in range(1, attempts + 1):
        _type(browser, selector, typed)
        try:
            browser.wait_for(item, timeout=10)
        except AssertionError:
            if attempt == attempts:
                raise
            continue
        browser.eval(f"{item}.querySelector('a')?.click() ?? {item}.click()")
        return attempt
    return attempts


def _new_order(browser, server, partner_typed, partner_name):
    browser.goto(f"{server.url}/odoo/action-sale.action_quotations_with_onboarding/new")
    partner_input = ".o_form_view .o_field_widget[name=partner_id] input"
    browser.wait_for(f"document.querySelector('{partner_input}')")
    _type_and_pick(browser, partner_input, partner_typed, partner_name)
    browser.wait_for(
        f"document.querySelector('{partner_input}').value.includes({json.dumps(partner_name)})"
    )


def _add_line(browser, typed, product_name, spy=False):
    """Add a line and pick its product; returns the typing attempts."""
    browser.click(".o_field_x2many_list_row_add a")
    product_input = ".o_selected_row .o_field_widget[name=product_template_id] input"
    browser.wait_for(f"document.querySelector('{product_input}')")
    if spy:
        browser.wait_for(IDLE)  # the new line's onchange answered: the row is rendered
    attempts = _type_and_pick(browser, product_input, typed, product_name)
    browser.wait_for(
        f"document.querySelector('{product_input}')?.value.includes({json.dumps(product_name)})"
    )
    return attempts


def test_salesperson_enters_an_order_by_pinyin(odoo_server, browser):
    """`hzxh` finds the customer, `zxb` the product; the line takes what he paid last time
    and the history icon lists his last prices."""
    admin = odoo_server.admin()
    odoo_server.set_review_required(False)
    sales = odoo_server.create_user("py_sales", ["sales_team.group_sale_salesman"], name="张伟")
    [user] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    admin.call("res.company", "write", [user["company_id"][0]], {"sale_use_last_price": True})
    partner_id = admin.call(
        "res.partner",
        "create",
        {
            "name": "杭州西湖文具有限公司",
            "is_company": True,
            "street": "西湖区文三路 259 号",
            "city": "杭州",
            "phone": "0571-88880000",
        },
    )
    admin.call("res.partner", "create", {"name": "湖州某公司", "city": "湖州"})
    product_id = admin.call(
        "product.product",
        "create",
        {
            "name": "中性笔 0.5mm 黑色",
            "default_code": "WJ-0501",
            "type": "consu",
            "list_price": 2.5,
            "standard_price": 1.2,
        },
    )
    admin.call("product.product", "create", {"name": "钢笔", "type": "consu", "list_price": 30})
    # what the customer paid last time: 2.2, 10 % off, on a confirmed order
    previous_id = sales.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "order_line": [
                (
                    0,
                    0,
                    {
                        "product_id": product_id,
                        "product_uom_qty": 100,
                        "price_unit": 2.2,
                        "discount": 10,
                    },
                )
            ],
        },
    )
    sales.call("sale.order", "action_confirm", [previous_id])
    [previous] = sales.call("sale.order", "read", [previous_id], ["name", "state"])
    assert previous["state"] == "sale", previous

    browser.login(odoo_server.url, "py_sales", "py_sales")
    _new_order(browser, odoo_server, "hzxh", "杭州西湖文具有限公司")
    browser.screenshot("pinyin_customer_hzxh")
    _add_line(browser, "zxb", "中性笔")
    price = ".o_selected_row .o_field_widget[name=price_unit] input"
    browser.wait_for(f"document.querySelector('{price}')?.value === '2.20'")
    discount = ".o_selected_row .o_field_widget[name=discount] input"
    if browser.eval(f"!!document.querySelector('{discount}')"):
        assert browser.eval(f"document.querySelector('{discount}').value") == "10.00"
    browser.screenshot("pinyin_product_zxb_last_price")

    browser.click(".o_selected_row .o_sale_last_prices")
    popover = "document.querySelector('.o_popover .o_sale_last_prices_popover table')?.innerText"
    text = browser.wait_for(popover)
    assert previous["name"] in text and "2.20" in text and "10.00" in text, text
    browser.screenshot("pinyin_last_prices_popover")

    browser.click(".o_form_button_save")
    browser.wait_for("/\\/\\d+$/.test(location.pathname)")
    order_id = int(browser.eval("location.pathname.split('/').pop()"))
    [order] = sales.call("sale.order", "read", [order_id], ["partner_id", "order_line"])
    assert order["partner_id"][0] == partner_id
    [line] = sales.call(
        "sale.order.line", "read", order["order_line"], ["product_id", "price_unit", "discount"]
    )
    assert (line["product_id"][0], line["price_unit"], line["discount"]) == (product_id, 2.2, 10)


def _enter_order(server, browser, tag, lines=20):
    """Enter an order of `lines` lines (products typed by code) and return the RPCs of each
    added line: [Counter({method: n})], and of the save."""
    admin = server.admin()
    login = f"rpc_sales_{tag}"
    server.create_user(login, ["sales_team.group_sale_salesman"], name="王芳")
    admin.call(
        "res.partner",
        "create",
        {"name": "计数客户", "street": "人民路 8 号", "city": "苏州", "phone": "0512-1"},
    )
    admin.call(
        "product.product",
        "create",
        [
            {
                "name": f"录入测试品 {i:02}",
                "default_code": f"LR-{i:02}",
                "type": "consu",
                "list_price": 10 + i,
            }
            for i in range(1, lines + 1)
        ],
    )
    browser.login(server.url, login, login)
    _new_order(browser, server, "计数客户", "计数客户")
    browser.wait_for(IDLE if browser.eval(RPC_SPY) else "false")
    per_line = []
    for i in range(1, lines + 1):
        start = browser.eval("window.__jxcRpcs.length")
        attempts = _add_line(browser, f"LR-{i:02}", f"录入测试品 {i:02}", spy=True)
        browser.wait_for(
            "document.querySelector('.o_selected_row .o_field_widget[name=price_unit] input')"
            f"?.value === '{10 + i:.2f}'"
        )
        browser.wait_for(IDLE)
        calls = browser.eval(f"window.__jxcRpcs.slice({start})")
        line = collections.Counter(c.get("method") or c["url"] for c in calls)
        # a suggestion typed again (the row re-rendered under the test's hands) is a search
        # the user would not have made
        line["name_search"] -= attempts - 1
        per_line.append(line)
    browser.screenshot(f"rpc_count_order_{tag}")
    start = browser.eval("window.__jxcRpcs.length")
    browser.click(".o_form_button_save")
    browser.wait_for("/\\/\\d+$/.test(location.pathname)")
    browser.wait_for(IDLE)
    save = collections.Counter(
        c.get("method") or c["url"] for c in browser.eval(f"window.__jxcRpcs.slice({start})")
    )
    return per_line, save


def test_order_entry_makes_no_extra_round_trip_per_line(odoo_server, plain_server, browser):
    """20 lines through the web client, with our addons and on plain Odoo: the same calls for
    each added line (the new line's onchange, the product search, the product's onchanges)."""
    ours, ours_save = _enter_order(odoo_server, browser, "ours")
    # another browser: both servers are on 127.0.0.1, cookies don't tell ports apart
    plain_browser = Browser()
    try:
        plain, plain_save = _enter_order(plain_server, plain_browser, "plain")
    finally:
        plain_browser.close()
    _logger.info("per line, ours: %s; plain: %s", ours[-1], plain[-1])
    print(
        f"FIGURE order_entry_rpcs_per_line ours={sum(ours[-1].values())} "
        f"plain={sum(plain[-1].values())} ours_total={sum(sum(c.values()) for c in ours)} "
        f"plain_total={sum(sum(c.values()) for c in plain)} save_ours={sum(ours_save.values())} "
        f"save_plain={sum(plain_save.values())} methods={dict(ours[-1])}"
    )
    # the first line may warm caches: every later line costs what plain Odoo's costs
    for n, (mine, theirs) in enumerate(zip(ours[1:], plain[1:], strict=True), start=2):
        assert mine == theirs, f"line {n}: ours {dict(mine)}, plain Odoo {dict(theirs)}"
    assert set(ours[-1]) <= {"onchange", "name_search", "get_single_product_variant"}, ours[-1]
    assert sum(ours_save.values()) <= sum(plain_save.values()) + 1, (ours_save, plain_save)
