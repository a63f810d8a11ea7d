"""The real web client in headless Chromium against a real multi-worker server."""

import pytest

from .browser import Browser


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.close()


def test_salesman_sees_sales_orders_in_chinese(odoo_server, browser):
    odoo_server.create_user("web_salesman", ["sales_team.group_sale_salesman"], name="网页销售员")
    browser.login(odoo_server.url, "web_salesman", "web_salesman")
    browser.goto(f"{odoo_server.url}/odoo/action-sale.action_orders")
    browser.wait_for("document.querySelector('.o_action_manager .o_view_controller')")
    crumbs = browser.wait_for("document.querySelector('.o_breadcrumb')?.innerText")
    assert "销售订单" in crumbs, crumbs
    menu = browser.text(".o_main_navbar")
    assert "销售" in menu, menu
    browser.screenshot("salesman_orders")
