"""The customer portal over real HTTP: signing a quotation online submits it for review."""

import requests

# a 1x1 PNG: Odoo stores the signature as an image
SIGNATURE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def _quotation(odoo_server, review_required):
    admin = odoo_server.admin()
    odoo_server.set_review_required(review_required)
    partner_id = admin.call(
        "res.partner",
        "create",
        {"name": "门户客户", "street": "淮海路 9 号", "city": "上海", "phone": "021-5"},
    )
    product_id = admin.call(
        "product.product", "create", {"name": "门户产品", "type": "consu", "list_price": 88}
    )
    order_id = admin.call(
        "sale.order",
        "create",
        {
            "partner_id": partner_id,
            "require_signature": True,
            "require_payment": False,
            "order_line": [(0, 0, {"product_id": product_id, "product_uom_qty": 2})],
        },
    )
    portal_url = admin.call("sale.order", "get_portal_url", [order_id])
    token = portal_url.split("access_token=")[1].split("&")[0]
    return admin, order_id, token


def _accept(odoo_server, order_id, token):
    """What the portal's signature widget posts, as an anonymous visitor with the link."""
    response = requests.post(
        f"{odoo_server.url}/my/orders/{order_id}/accept",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"access_token": token, "name": "王客户", "signature": SIGNATURE},
        },
        timeout=120,
    )
    response.raise_for_status()
    body = response.json()
    assert "error" not in body, body
    return body["result"]


def test_portal_signature_submits_for_review(odoo_server):
    admin, order_id, token = _quotation(odoo_server, review_required=True)
    result = _accept(odoo_server, order_id, token)
    assert "error" not in result, result
    order = admin.call(
        "sale.order", "read", [order_id], ["state", "approval_state", "flow_state", "signed_by"]
    )[0]
    assert order["signed_by"] == "王客户"
    assert order["approval_state"] == "to_review"
    assert order["flow_state"] == "to_review"
    assert order["state"] != "sale", "the customer's signature does not confirm an unapproved order"


def test_portal_signature_confirms_when_nothing_needs_review(odoo_server):
    admin, order_id, token = _quotation(odoo_server, review_required=False)
    _accept(odoo_server, order_id, token)
    order = admin.call("sale.order", "read", [order_id], ["state", "approval_state"])[0]
    assert (order["state"], order["approval_state"]) == ("sale", "approved")


def test_portal_refuses_a_wrong_token(odoo_server):
    __, order_id, ___ = _quotation(odoo_server, review_required=True)
    response = requests.post(
        f"{odoo_server.url}/my/orders/{order_id}/accept",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"access_token": "forged", "name": "x", "signature": SIGNATURE},
        },
        timeout=60,
    )
    assert "error" in response.json()["result"], response.json()
    order = odoo_server.admin().call(
        "sale.order", "read", [order_id], ["signed_by", "approval_state"]
    )[0]
    assert (order["signed_by"], order["approval_state"]) == (False, "draft")


def _portal_session(odoo_server, login):
    """A logged-in portal user's HTTP session (the login form, as a browser posts it)."""
    session = requests.Session()
    page = session.get(f"{odoo_server.url}/web/login", timeout=60).text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = session.post(
        f"{odoo_server.url}/web/login",
        data={"login": login, "password": login, "csrf_token": csrf, "redirect": "/my"},
        timeout=120,
    )
    response.raise_for_status()
    assert "/web/login" not in response.url, "the portal user could not log in"
    return session


def _progress(html):
    """The progress badges of a portal page: [(flow state, label)]."""
    return [
        (part.split('"')[0], part.split(">")[1].split("<")[0].strip())
        for part in html.split('data-flow-state="')[1:]
    ]


def test_portal_customer_follows_the_order_progress(odoo_server):
    """The customer, logged in to the portal, sees 待审核 → 已审核 → 已发货 (with the courier's
    tracking link) → 已签收 → 已完成 on /my/orders and on the order's page."""
    admin = odoo_server.admin()
    previous = odoo_server.set_review_required(True)
    [user] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    company_id = user["company_id"][0]
    [settings] = admin.call(
        "res.company",
        "read",
        [company_id],
        ["sale_done_requires_invoice", "sale_done_requires_payment", "stock_move_sms_validation"],
    )
    partner_id = admin.call(
        "res.partner",
        "create",
        {"name": "门户进度客户", "street": "南京路 1 号", "city": "上海", "phone": "021-6"},
    )
    admin.call(
        "res.users",
        "create",
        {
            "name": "门户进度客户",
            "login": "portal_progress",
            "password": "portal_progress",
            "partner_id": partner_id,
            "lang": "zh_CN",
            "groups_id": [(6, 0, [admin.ref("base.group_portal")])],
        },
    )
    sales = odoo_server.create_user("portal_sales", ["sales_team.group_sale_salesman"])
    odoo_server.create_user("portal_approver", ["sale_order_ext.group_sale_approver"])
    warehouse = odoo_server.create_user("portal_wh", ["stock.group_stock_user"])
    product_id = admin.call(
        "product.product",
        "create",
        {"name": "门户进度产品", "type": "consu", "is_storable": True, "list_price": 30},
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
    try:
        admin.call("res.company", "write", [company_id], {"stock_move_sms_validation": False})
        portal = _portal_session(odoo_server, "portal_progress")
        order_url = admin.call("sale.order", "get_portal_url", [order_id])

        def order_page():
            response = portal.get(f"{odoo_server.url}{order_url}", timeout=60)
            response.raise_for_status()
            return response.text

        def orders_list():
            response = portal.get(f"{odoo_server.url}/my/orders", timeout=60)
            response.raise_for_status()
            return response.text

        sales.call("sale.order", "action_submit_review", [order_id])
        assert _progress(order_page()) == [("to_review", "待审核")]

        odoo_server.rpc("portal_approver").call("sale.order", "action_approve", [order_id])
        assert _progress(order_page()) == [("approved", "已审核")]
        assert ("approved", "已审核") in _progress(orders_list())
        assert "kuaidi100" not in order_page(), "no courier link before shipping"

        [picking_id] = admin.call("stock.picking", "search", [("sale_id", "=", order_id)])
        warehouse.call(
            "stock.picking",
            "write",
            [picking_id],
            {
                "carrier_id": admin.ref("sale_order_ext.delivery_carrier_sf"),
                "carrier_tracking_ref": "SF1400999888",
            },
        )
        warehouse.call(
            "stock.picking",
            "button_validate",
            [picking_id],
            context={"skip_backorder": True, "skip_sms": True},
        )
        page = order_page()
        assert _progress(page) == [("shipped", "已发货")]
        link = 'href="https://www.kuaidi100.com/chaxun?com=shunfeng&amp;nu=SF1400999888"'
        assert link in page, "the courier's tracking link on the order's page"
        assert "顺丰速运" in page
        assert ("shipped", "已发货") in _progress(orders_list())

        warehouse.call("stock.picking", "action_sign", [picking_id], "周建国")
        assert _progress(order_page()) == [("signed", "已签收")]

        admin.call(
            "res.company",
            "write",
            [company_id],
            {"sale_done_requires_invoice": False, "sale_done_requires_payment": False},
        )
        assert _progress(order_page()) == [("done", "已完成")]
        assert ("done", "已完成") in _progress(orders_list())

        # another customer's order stays out of reach
        other = portal.get(f"{odoo_server.url}/my/orders/{order_id + 100000}", timeout=60)
        assert "已完成" not in other.text
    finally:
        admin.call(
            "res.company",
            "write",
            [company_id],
            {name: value for name, value in settings.items() if name != "id"},
        )
        odoo_server.set_review_required(previous)
