"""签收 in the real web client: the warehouse user opens a done delivery, clicks 签收, draws a
signature in Odoo's signature dialog, attaches the 回单 and saves; on a desktop and on a
phone-sized screen (Chinese time zone in the browser: the default time is now, as he reads it)."""

import base64
import itertools
import json
import re
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from .browser import Browser

# a 1x1 PNG: the photo of the signed 回单
RECEIPT_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
TZ = "Asia/Shanghai"
LAST_MODAL = "[...document.querySelectorAll('.modal')].at(-1)"


@pytest.fixture
def browser():
    b = Browser()
    b.send("Emulation.setTimezoneOverride", timezoneId=TZ)
    yield b
    b.close()


def _shipped_delivery(odoo_server, tag):
    """A done delivery of a confirmed order, with a 顺丰 tracking number; returns the ids and
    the warehouse user's RPC client."""
    admin = odoo_server.admin()
    odoo_server.set_review_required(False)
    [user] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    # Odoo's SMS confirmation of deliveries would ask first (no SMS account here)
    admin.call(
        "res.company", "write", [user["company_id"][0]], {"stock_move_sms_validation": False}
    )
    sales = odoo_server.create_user(f"sign_sales_{tag}", ["sales_team.group_sale_salesman"])
    warehouse = odoo_server.create_user(f"sign_wh_{tag}", ["stock.group_stock_user"], name="王强")
    admin.call("res.users", "write", [warehouse.uid], {"tz": TZ})
    partner_id = admin.call(
        "res.partner",
        "create",
        {"name": f"签收客户{tag}", "street": "长安街 1 号", "city": "北京", "phone": "010-1"},
    )
    product_id = admin.call(
        "product.product",
        "create",
        {"name": f"签收产品{tag}", "type": "consu", "is_storable": True, "list_price": 50},
    )
    odoo_server.count_stock(product_id, 10)
    order_id = sales.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 2})],
        },
    )
    sales.call("sale.order", "action_submit_review", [order_id])
    [picking_id] = admin.call("stock.picking", "search", [("sale_id", "=", order_id)])
    warehouse.call(
        "stock.picking",
        "button_validate",
        [picking_id],
        context={"skip_backorder": True, "skip_sms": True},
    )
    warehouse.call(
        "stock.picking",
        "write",
        [picking_id],
        {
            "carrier_id": admin.ref("sale_order_ext.delivery_carrier_sf"),
            "carrier_tracking_ref": f"SF14001{tag}",
        },
    )
    [picking] = admin.call("stock.picking", "read", [picking_id], ["state", "signed_on"])
    assert (picking["state"], picking["signed_on"]) == ("done", False)
    return order_id, picking_id, warehouse


def _type(browser, selector, text):
    """Focus an input and type into it as a keyboard would, then leave it (Odoo saves on change)."""
    browser.wait_for(f"document.querySelector({json.dumps(selector)})")
    browser.eval(f"document.querySelector({json.dumps(selector)}).focus()")
    browser.send("Input.insertText", text=text)
    browser.eval(
        f"document.querySelector({json.dumps(selector)}).dispatchEvent(new Event('change', {{bubbles: true}}))"
    )


def _draw(browser, canvas_selector):
    """Draw a zigzag on the canvas with the mouse: press, move, release."""
    rect = browser.wait_for(
        f"(() => {{ const r = document.querySelector({json.dumps(canvas_selector)})"
        "?.getBoundingClientRect(); return r && r.width > 50 && "
        "{x: r.x, y: r.y, w: r.width, h: r.height}; })()"
    )
    x0, y0 = rect["x"] + rect["w"] * 0.15, rect["y"] + rect["h"] * 0.5
    points = [
        (x0 + i * rect["w"] * 0.07, y0 + (rect["h"] * 0.25 if i % 2 else -rect["h"] * 0.25))
        for i in range(11)
    ]
    mouse = "Input.dispatchMouseEvent"
    browser.send(mouse, type="mouseMoved", x=points[0][0], y=points[0][1])
    browser.send(
        mouse, type="mousePressed", x=points[0][0], y=points[0][1], button="left", clickCount=1
    )
    for (xa, ya), (xb, yb) in itertools.pairwise(points):
        for step in range(1, 6):  # intermediate moves: one continuous stroke
            x, y = xa + (xb - xa) * step / 5, ya + (yb - ya) * step / 5
            browser.send(mouse, type="mouseMoved", x=x, y=y, button="left", buttons=1)
    browser.send(
        mouse, type="mouseReleased", x=points[-1][0], y=points[-1][1], button="left", clickCount=1
    )


def _attach_receipt(browser, selector):
    path = Path(tempfile.mkdtemp(prefix="jxc-receipt-")) / "回单.png"
    path.write_bytes(RECEIPT_PNG)
    root = browser.send("DOM.getDocument", depth=-1, pierce=True)["root"]["nodeId"]
    node = browser.send("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
    assert node, f"no {selector}"
    browser.send("DOM.setFileInputFiles", files=[str(path)], nodeId=node)


def _sign_in_the_web_client(odoo_server, browser, tag, phone=False):
    order_id, picking_id, warehouse = _shipped_delivery(odoo_server, tag)
    if phone:
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            width=390,
            height=844,
            deviceScaleFactor=2,
            mobile=True,
        )
    browser.login(odoo_server.url, warehouse.login, warehouse.login)
    browser.goto(f"{odoo_server.url}/odoo/action-stock.action_picking_tree_all/{picking_id}")
    button = "button[name=action_open_sign_wizard]"
    if phone:
        assert browser.eval("window.innerWidth") == 390
        # Odoo puts a form's header buttons into the ⚙ menu on a small screen
        browser.wait_for("document.querySelector('.o_form_view .o_form_sheet_bg')")
        browser.screenshot(f"sign_delivery_{tag}_form")
        browser.click(".o_control_panel .o_cp_action_menus button")
        button = f".o-dropdown--menu {button}"
        browser.wait_for(f"document.querySelector('{button}')")
        # on the screen, not cut off to the right
        right = browser.eval(f"document.querySelector('{button}').getBoundingClientRect().right")
        assert 0 < right <= 390, right
        browser.screenshot(f"sign_delivery_{tag}_menu")
    else:
        browser.wait_for(f"document.querySelector('{button}')")
        browser.screenshot(f"sign_delivery_{tag}_form")
    assert "签收" in browser.text(button)
    browser.click(button)

    wizard = ".modal .o_form_view"
    signed_on = f"{wizard} .o_field_widget[name=signed_on] input"
    shown = browser.wait_for(f"document.querySelector('{signed_on}')?.value")
    # the default time is now in the user's time zone, not a fixed hour (the 06:00 bug)
    now = datetime.now(ZoneInfo(TZ)).replace(tzinfo=None)
    numbers = [int(n) for n in re.findall(r"\d+", shown)]
    assert len(numbers) >= 5, shown
    year, month, day, hour, minute = numbers[:5]
    assert abs(datetime(year, month, day, hour, minute) - now) < timedelta(minutes=3), (shown, now)

    _type(browser, f"{wizard} .o_field_widget[name=signed_by] input", "周建国")
    _attach_receipt(browser, f"{wizard} .o_field_widget[name=sign_receipt] input[type=file]")
    receipt = f"document.querySelector('{wizard} .o_field_widget[name=sign_receipt]')"
    browser.wait_for(
        f"{receipt}?.innerText.includes('回单') || "
        f"[...{receipt}.querySelectorAll('input')].some(i => i.value.includes('回单'))"
    )
    browser.click(f"{wizard} .o_field_widget[name=signature] .o_signature")
    # Odoo's signature dialog, above the 签收 dialog: draw, then adopt
    browser.wait_for(f"{LAST_MODAL}?.querySelector('.o_web_sign_draw_button')")
    browser.eval(f"{LAST_MODAL}.querySelector('.o_web_sign_draw_button').click()")
    _draw(browser, ".modal:last-of-type canvas.o_web_sign_signature")
    adopt = f"{LAST_MODAL}.querySelector('.modal-footer .btn-primary')"
    browser.wait_for(f"{adopt} && !{adopt}.disabled")
    browser.screenshot(f"sign_delivery_{tag}_signature")
    browser.eval(f"{adopt}.click()")
    browser.wait_for(f"document.querySelector('{wizard} .o_field_widget[name=signature] img')")
    if phone:
        width = browser.eval(
            f"document.querySelector('{wizard}').closest('.modal-content').getBoundingClientRect().width"
        )
        assert width <= 390, width
    browser.screenshot(f"sign_delivery_{tag}_dialog")
    browser.click(".modal-footer button[name=action_sign]")
    browser.wait_for("!document.querySelector('.modal .o_form_view')")
    browser.wait_for("document.querySelector('.o_form_view .o_notebook')")
    browser.wait_for("!document.querySelector('button[name=action_open_sign_wizard]')")
    browser.click(".o_notebook .nav-link[name=sign_off]")
    browser.wait_for(
        "document.querySelector('.o_notebook .o_field_widget[name=signed_by]')"
        "?.innerText.includes('周建国')"
    )
    browser.wait_for("document.querySelector('.o_notebook .o_field_widget[name=signature] img')")
    browser.screenshot(f"sign_delivery_{tag}_signed")

    admin = odoo_server.admin()
    [picking] = admin.call(
        "stock.picking",
        "read",
        [picking_id],
        ["signed_by", "signed_on", "signature", "sign_receipt_filename", "date_done"],
    )
    assert picking["signed_by"] == "周建国"
    assert picking["signature"], "the drawn signature is saved on the delivery"
    assert picking["sign_receipt_filename"] == "回单.png"
    assert picking["signed_on"] >= picking["date_done"]
    [order] = admin.call("sale.order", "read", [order_id], ["flow_state", "is_signed"])
    assert (order["flow_state"], order["is_signed"]) == ("signed", True)


def test_warehouse_user_signs_for_a_delivery(odoo_server, browser):
    _sign_in_the_web_client(odoo_server, browser, "desk")


def test_warehouse_user_signs_on_a_phone(odoo_server, browser):
    _sign_in_the_web_client(odoo_server, browser, "phone", phone=True)
