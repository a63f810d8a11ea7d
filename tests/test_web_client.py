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


def test_review_flow_in_the_web_client(odoo_server, browser):
    """A salesman submits in the form view (提交审核), an approver approves (审核通过)."""
    admin = odoo_server.admin()
    odoo_server.set_review_required(True)
    sales = odoo_server.create_user("web_sales2", ["sales_team.group_sale_salesman"], name="张伟")
    odoo_server.create_user("web_approver", ["sale_order_ext.group_sale_approver"], name="李娜")
    partner_id = admin.call(
        "res.partner",
        "create",
        {"name": "网页客户", "street": "中山路 1 号", "city": "南京", "phone": "025-1"},
    )
    product_id = admin.call(
        "product.product",
        "create",
        {"name": "网页产品", "type": "consu", "list_price": 20, "standard_price": 8},
    )
    order_id = sales.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 3})],
        },
    )
    form = f"{odoo_server.url}/odoo/action-sale.action_quotations_with_onboarding/{order_id}"
    status = "document.querySelector('.o_statusbar_status .o_arrow_button_current')?.innerText"

    browser.login(odoo_server.url, "web_sales2", "web_sales2")
    browser.goto(form)
    assert browser.wait_for(status) == "草稿"
    panel = browser.text(".o_notebook")
    assert "审核" in panel, panel
    browser.click("button[name=action_submit_review]")
    browser.wait_for(f"{status} === '待审核'")
    assert "等待审核" in browser.text(".o_form_view .alert-warning")
    browser.screenshot("order_pending_review")
    assert (
        sales.call("sale.order", "read", [order_id], ["approval_state"])[0]["approval_state"]
        == "to_review"
    )

    browser.goto(f"{odoo_server.url}/web/session/logout")
    browser.login(odoo_server.url, "web_approver", "web_approver")
    browser.goto(form)
    browser.wait_for(f"{status} === '待审核'")
    browser.click("button[name=action_approve]")
    browser.wait_for(f"{status} === '已审核'")
    browser.screenshot("order_approved")
    order = sales.call("sale.order", "read", [order_id], ["state", "flow_state", "approved_by_id"])[
        0
    ]
    assert (order["state"], order["flow_state"]) == ("sale", "approved")
    assert order["approved_by_id"][1] == "李娜"


def test_review_counter_in_the_systray(odoo_server, browser):
    """待我审核: approvers see how many orders wait for them and open the list from there."""
    admin = odoo_server.admin()
    odoo_server.set_review_required(True)
    sales = odoo_server.create_user("web_sales3", ["sales_team.group_sale_salesman"], name="王芳")
    approver = odoo_server.create_user(
        "web_approver3", ["sale_order_ext.group_sale_approver"], name="赵磊"
    )
    partner_id = admin.call(
        "res.partner",
        "create",
        {"name": "计数客户", "street": "人民路 8 号", "city": "苏州", "phone": "0512-1"},
    )
    product_id = admin.call(
        "product.product", "create", {"name": "计数产品", "type": "consu", "list_price": 30}
    )
    for __ in range(2):
        order_id = sales.call(
            "sale.order",
            "create",
            {
                "partner_id": partner_id,
                "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 1})],
            },
        )
        sales.call("sale.order", "action_submit_review", [order_id])
    expected = approver.call("sale.order", "search_count", [("can_approve", "=", True)])
    assert expected >= 2
    # the salesman has nothing to review: no counter
    browser.login(odoo_server.url, "web_sales3", "web_sales3")
    browser.goto(f"{odoo_server.url}/odoo/action-sale.action_orders")
    browser.wait_for("document.querySelector('.o_action_manager .o_view_controller')")
    browser.wait_for("document.querySelector('.o_menu_systray')")
    assert browser.eval("document.querySelector('.o_sale_review_systray') === null")

    browser.goto(f"{odoo_server.url}/web/session/logout")
    browser.login(odoo_server.url, "web_approver3", "web_approver3")
    browser.goto(f"{odoo_server.url}/odoo/action-sale.action_orders")
    counter = "document.querySelector('.o_sale_review_systray_counter')?.innerText"
    assert browser.wait_for(counter) == str(expected)
    browser.screenshot("review_systray")
    browser.click(".o_sale_review_systray button")
    rows = "document.querySelectorAll('.o_list_view .o_data_row').length"
    browser.wait_for(f"{rows} === {expected}")
    crumbs = browser.wait_for("document.querySelector('.o_breadcrumb')?.innerText")
    assert "审核" in crumbs, crumbs


def test_sales_analysis_pivot_shows_own_figures(odoo_server, browser):
    """销售分析 in the pivot, as a salesman: his customers by month (answered from the orders'
    line totals), the grand total of his own confirmed orders only, as read_group gives it."""
    admin = odoo_server.admin()
    # nothing to review: a submitted order is approved and confirmed at once
    odoo_server.set_review_required(False)
    sales = odoo_server.create_user("web_sales4", ["sales_team.group_sale_salesman"], name="陈静")
    other = odoo_server.create_user("web_sales5", ["sales_team.group_sale_salesman"], name="周强")
    product_id = admin.call(
        "product.product",
        "create",
        {"name": "分析产品", "type": "consu", "list_price": 100, "standard_price": 60},
    )
    customers = [
        admin.call("res.partner", "create", {"name": name, "street": "长江路 2 号"})
        for name in ("分析客户甲", "分析客户乙")
    ]
    for user, partner_id, qty in (
        (sales, customers[0], 3),
        (sales, customers[1], 5),
        (other, customers[0], 7),
    ):
        order_id = user.call(
            "sale.order",
            "create",
            {
                "partner_id": partner_id,
                "order_line": [
                    (0, 0, {"product_id": product_id, "product_uom_qty": qty, "tax_id": False}),
                    (0, 0, {"display_type": "line_note", "name": "备注"}),
                ],
            },
        )
        user.call("sale.order", "action_submit_review", [order_id])
        assert user.call("sale.order", "read", [order_id], ["state"])[0]["state"] == "sale"
    [total] = sales.call(
        "sale.analysis.report",
        "read_group",
        [("state", "=", "sale")],
        ["amount_untaxed:sum"],
        [],
    )
    assert total["amount_untaxed"] == 800.0, total  # 3 + 5 units at 100: not the other's 7
    assert total["__count"] == 2, total  # the notes are no lines

    browser.login(odoo_server.url, "web_sales4", "web_sales4")
    browser.goto(f"{odoo_server.url}/odoo/action-report_ext.action_sale_analysis_report")
    browser.wait_for("document.querySelector('.o_pivot table .o_pivot_cell_value')")
    headers = browser.text(".o_pivot table tbody")
    assert "分析客户甲" in headers and "分析客户乙" in headers, headers
    crumbs = browser.text(".o_breadcrumb")
    assert "销售分析" in crumbs, crumbs
    first_total = browser.eval(
        "document.querySelector('.o_pivot table tbody tr .o_pivot_cell_value').innerText"
    )
    assert float("".join(c for c in first_total if c.isdigit() or c == ".")) == 800.0, first_total
    browser.screenshot("sales_analysis_pivot")


def test_changed_order_is_held_until_finance_approves(odoo_server, browser):
    """A confirmed order changed by its salesperson: the warehouse's Validate is refused in the
    web client; finance, the group the rule routes to, approves it from 待我审核; then it ships."""
    admin = odoo_server.admin()
    previous = odoo_server.set_review_required(True)
    sales = odoo_server.create_user(
        "web_chg_sales", ["sales_team.group_sale_salesman"], name="周杰"
    )
    odoo_server.create_user("web_chg_wh", ["stock.group_stock_user"], name="王强")
    odoo_server.create_user("web_chg_fin", ["account.group_account_invoice"], name="陈静")
    [company] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    # Odoo's SMS confirmation of deliveries would ask first (no SMS account here)
    admin.call(
        "res.company", "write", [company["company_id"][0]], {"stock_move_sms_validation": False}
    )
    rule_id = admin.call(
        "sale.approval.rule",
        "create",
        {
            "name": "财务复核",
            "min_amount": 1,
            "group_id": admin.ref("account.group_account_invoice"),
        },
    )
    partner_id = admin.call(
        "res.partner",
        "create",
        {"name": "改单客户", "street": "解放路 2 号", "city": "杭州", "phone": "0571-2"},
    )
    product_id = admin.call(
        "product.product",
        "create",
        {"name": "改单产品", "type": "consu", "list_price": 10, "standard_price": 4},
    )
    order_id = sales.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 2})],
        },
    )
    try:
        sales.call("sale.order", "action_confirm", [order_id])
        finance = odoo_server.rpc("web_chg_fin")
        finance.call("sale.order", "action_approve", [order_id])
        line_ids = sales.call("sale.order.line", "search", [("order_id", "=", order_id)])
        sales.call("sale.order.line", "write", line_ids, {"product_uom_qty": 9})
        [order] = sales.call("sale.order", "read", [order_id], ["state", "approval_state"])
        assert (order["state"], order["approval_state"]) == ("sale", "to_review")
        [picking_id] = admin.call("stock.picking", "search", [("sale_id", "=", order_id)])

        browser.login(odoo_server.url, "web_chg_wh", "web_chg_wh")
        browser.goto(f"{odoo_server.url}/odoo/action-stock.action_picking_tree_all/{picking_id}")
        browser.click("button[name=button_validate]")
        dialog = browser.wait_for("document.querySelector('.modal .modal-body')?.innerText")
        assert "不能发货" in dialog, dialog
        browser.screenshot("changed_order_validate_refused")
        [picking] = admin.call("stock.picking", "read", [picking_id], ["state"])
        assert picking["state"] != "done"

        browser.goto(f"{odoo_server.url}/web/session/logout")
        browser.login(odoo_server.url, "web_chg_fin", "web_chg_fin")
        browser.goto(f"{odoo_server.url}/odoo/action-sale_order_ext.action_orders_to_review")
        browser.wait_for("document.querySelector('.o_list_view .o_data_row')")
        browser.click(".o_list_view .o_data_row td.o_data_cell")
        status = "document.querySelector('.o_statusbar_status .o_arrow_button_current')?.innerText"
        browser.wait_for(f"{status} === '待审核'")
        browser.screenshot("changed_order_finance_review")
        browser.click("button[name=action_approve]")
        browser.wait_for(f"{status} === '已审核'")
        [order] = sales.call("sale.order", "read", [order_id], ["approval_state", "approved_by_id"])
        assert order["approval_state"] == "approved"
        assert order["approved_by_id"][1] == "陈静"

        wh = odoo_server.rpc("web_chg_wh")
        wh.call(
            "stock.picking",
            "button_validate",
            [picking_id],
            context={"skip_backorder": True, "skip_sms": True},
        )
        [picking] = admin.call("stock.picking", "read", [picking_id], ["state"])
        assert picking["state"] == "done"
    finally:
        admin.call("sale.approval.rule", "unlink", [rule_id])
        odoo_server.set_review_required(previous)
