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
