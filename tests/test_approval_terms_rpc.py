"""An approval covers the order's current terms, whatever a plain salesperson does over JSON-RPC
on a real multi-worker server; the warehouse can't ship and finance can't invoice changed terms."""

import pytest

from .conftest import RpcError

USER_ERROR, ACCESS_ERROR = "odoo.exceptions.UserError", "odoo.exceptions.AccessError"


@pytest.fixture(scope="module")
def world(odoo_server):
    admin = odoo_server.admin()
    odoo_server.set_review_required(True)
    users = {
        "sales": odoo_server.create_user(
            "terms_sales", ["sales_team.group_sale_salesman", "uom.group_uom"], name="条款 销售员"
        ),
        "other_sales": odoo_server.create_user(
            "terms_sales_2", ["sales_team.group_sale_salesman"], name="条款 销售员二"
        ),
        "approver": odoo_server.create_user(
            "terms_approver", ["sale_order_ext.group_sale_approver"], name="条款 审核员"
        ),
        "warehouse": odoo_server.create_user(
            "terms_wh", ["stock.group_stock_user"], name="条款 仓管"
        ),
        "finance": odoo_server.create_user(
            "terms_fin", ["account.group_account_invoice"], name="条款 财务"
        ),
    }
    for rpc in users.values():
        rpc.context = {"lang": "en_US"}
    [company] = admin.call("res.users", "read", [admin.uid], ["company_id"])
    company_id = company["company_id"][0]
    taxes = [
        admin.call(
            "account.tax",
            "create",
            {"name": f"RPC VAT {rate}%", "amount": rate, "company_id": company_id},
        )
        for rate in (13, 9)
    ]
    product = admin.call(
        "product.product",
        "create",
        {
            "name": "条款测试产品",
            "type": "consu",
            "is_storable": True,
            "list_price": 50,
            "standard_price": 20,
            "invoice_policy": "order",
            "taxes_id": [(6, 0, [taxes[0]])],
        },
    )
    packaging = admin.call(
        "product.packaging", "create", {"name": "箱", "product_id": product, "qty": 100}
    )
    odoo_server.count_stock(product, 10000)
    partner = admin.call(
        "res.partner",
        "create",
        {"name": "条款客户", "street": "人民路 8 号", "city": "上海", "phone": "021-8"},
    )
    other_partner = admin.call(
        "res.partner", "create", {"name": "别家公司", "street": "x", "city": "y"}
    )
    position = admin.call(
        "account.fiscal.position",
        "create",
        {
            "name": "RPC 免税",
            "tax_ids": [(0, 0, {"tax_src_id": taxes[0], "tax_dest_id": taxes[1]})],
        },
    )
    return dict(
        users,
        product=product,
        packaging=packaging,
        partner=partner,
        other_partner=other_partner,
        taxes=taxes,
        position=position,
        dozen=admin.ref("uom.product_uom_dozen"),
    )


def refused(call, *names):
    with pytest.raises(RpcError) as err:
        call()
    assert err.value.name in names, err.value
    return err.value.message


def order_values(world, order_id, fields=("state", "approval_state", "amount_total"), user="sales"):
    return world[user].call("sale.order", "read", [order_id], list(fields))[0]


def approved_order(world, qty=5, user="sales"):
    sales = world[user]
    order_id = sales.call(
        "sale.order",
        "create",
        {
            "partner_id": world["partner"],
            "order_line": [
                (0, 0, {"product_id": world["product"], "product_uom_qty": qty, "price_unit": 50})
            ],
        },
    )
    sales.call("sale.order", "action_confirm", [order_id])  # Odoo's Confirm: into review
    assert order_values(world, order_id, user=user)["approval_state"] == "to_review"
    world["approver"].call("sale.order", "action_approve", [order_id])
    assert order_values(world, order_id, user=user)["state"] == "sale"
    return order_id


def line_ids(world, order_id):
    return world["sales"].call("sale.order.line", "search", [("order_id", "=", order_id)])


def ship(world, order_id):
    wh = world["warehouse"]
    picking_ids = wh.call(
        "stock.picking",
        "search",
        [("sale_id", "=", order_id), ("state", "not in", ("done", "cancel"))],
    )
    assert picking_ids, f"no delivery to validate for order {order_id}"
    moves = wh.call(
        "stock.move", "search_read", [("picking_id", "in", picking_ids)], ["product_uom_qty"]
    )
    for move in moves:
        wh.call(
            "stock.move",
            "write",
            [move["id"]],
            {"quantity": move["product_uom_qty"], "picked": True},
        )
    result = wh.call(
        "stock.picking",
        "button_validate",
        picking_ids,
        context={"lang": "en_US", "skip_backorder": True, "skip_sms": True},
    )
    assert result is True, f"validation asked for more: {result}"
    return result


def invoice(world, order_id):
    """Create the invoice the way users do (the wizard, as the salesperson); its ids."""
    wizard = world["sales"].call(
        "sale.advance.payment.inv",
        "create",
        {"advance_payment_method": "delivered", "sale_order_ids": [(6, 0, [order_id])]},
        context={"lang": "en_US", "active_model": "sale.order", "active_ids": [order_id]},
    )
    world["sales"].call("sale.advance.payment.inv", "create_invoices", [wizard])
    return world["finance"].call(
        "account.move", "search", [("invoice_line_ids.sale_line_ids.order_id", "=", order_id)]
    )


def assert_held(world, order_id):
    """Neither the warehouse nor finance can move the changed order on."""
    assert "can't be delivered" in refused(lambda: ship(world, order_id), USER_ERROR)
    assert "can't be invoiced" in refused(lambda: invoice(world, order_id), USER_ERROR)


def test_unit_and_packaging_recompute_the_terms(world):
    sales = world["sales"]
    order_id = approved_order(world)
    sales.call(
        "sale.order.line", "write", line_ids(world, order_id), {"product_uom": world["dozen"]}
    )
    assert order_values(world, order_id)["approval_state"] == "to_review"
    assert_held(world, order_id)
    order_id = approved_order(world)
    sales.call(
        "sale.order.line",
        "write",
        line_ids(world, order_id),
        {"product_packaging_id": world["packaging"], "product_packaging_qty": 10},
    )
    [line] = sales.call("sale.order.line", "read", line_ids(world, order_id), ["product_uom_qty"])
    assert line["product_uom_qty"] == 1000
    assert order_values(world, order_id)["approval_state"] == "to_review"
    assert_held(world, order_id)


def test_taxes_and_fiscal_position(world):
    sales = world["sales"]
    order_id = approved_order(world)
    sales.call("sale.order.line", "write", line_ids(world, order_id), {"tax_id": [(5, 0, 0)]})
    assert order_values(world, order_id)["approval_state"] == "to_review"
    order_id = approved_order(world)
    sales.call("sale.order", "write", [order_id], {"fiscal_position_id": world["position"]})
    sales.call("sale.order", "action_update_taxes", [order_id])
    assert order_values(world, order_id)["approval_state"] == "to_review"
    assert_held(world, order_id)


def test_currency_totals_and_addresses(world):
    sales = world["sales"]
    order_id = approved_order(world)
    before = order_values(world, order_id)
    for vals in (
        {"amount_total": 1},
        {"amount_untaxed": 1},
        {"currency_rate": 9},
    ):
        refused(lambda v=vals: sales.call("sale.order", "write", [order_id], v), ACCESS_ERROR)
    refused(
        lambda: sales.call(
            "sale.order.line", "write", line_ids(world, order_id), {"price_total": 1}
        ),
        ACCESS_ERROR,
    )
    assert order_values(world, order_id) == before
    sales.call("sale.order", "write", [order_id], {"partner_invoice_id": world["other_partner"]})
    assert order_values(world, order_id)["approval_state"] == "to_review"
    assert_held(world, order_id)
    # the currency is a term like any other: rewriting it sends the order back to review
    order_id = approved_order(world)
    [eur] = sales.call(
        "res.currency", "search", [("name", "=", "EUR")], context={"active_test": False}
    )
    sales.call("sale.order", "write", [order_id], {"currency_id": eur})
    assert order_values(world, order_id)["approval_state"] == "to_review"
    assert_held(world, order_id)


def test_lines_cannot_move_into_another_salespersons_order(world):
    mine = approved_order(world)
    theirs = approved_order(world, user="other_sales")
    refused(
        lambda: world["sales"].call(
            "sale.order.line", "write", line_ids(world, mine), {"order_id": theirs}
        ),
        ACCESS_ERROR,
    )
    assert order_values(world, mine)["approval_state"] == "approved"
    refused(
        lambda: world["sales"].call(
            "sale.order.line",
            "create",
            {
                "order_id": mine,
                "product_id": world["product"],
                "product_uom_qty": 99,
                "is_downpayment": True,
            },
        ),
        ACCESS_ERROR,
    )


def test_cancel_set_to_quotation_confirm_goes_to_review(world):
    sales = world["sales"]
    order_id = approved_order(world)
    sales.call("sale.order", "action_cancel", [order_id], context={"disable_cancel_warning": True})
    assert order_values(world, order_id)["approval_state"] == "draft"
    sales.call("sale.order", "action_draft", [order_id])
    sales.call("sale.order.line", "write", line_ids(world, order_id), {"product_uom_qty": 42})
    sales.call("sale.order", "action_confirm", [order_id])
    values = order_values(world, order_id)
    assert (values["state"], values["approval_state"]) == ("draft", "to_review")


def test_change_while_pending_reroutes_and_stale_approval_is_refused(world):
    sales, approver = world["sales"], world["approver"]
    order_id = sales.call(
        "sale.order",
        "create",
        {
            "partner_id": world["partner"],
            "order_line": [
                (0, 0, {"product_id": world["product"], "product_uom_qty": 1, "price_unit": 50})
            ],
        },
    )
    sales.call("sale.order", "action_submit_review", [order_id])
    [seen] = approver.call("sale.order", "read", [order_id], ["review_fingerprint"])
    sales.call("sale.order.line", "write", line_ids(world, order_id), {"price_unit": 45})
    message = refused(
        lambda: approver.call(
            "sale.order",
            "action_approve",
            [order_id],
            context={"lang": "en_US", "review_fingerprint": seen["review_fingerprint"]},
        ),
        USER_ERROR,
    )
    assert "changed while you were reviewing" in message
    assert order_values(world, order_id)["approval_state"] == "to_review"
    approver.call("sale.order", "action_approve", [order_id])
    assert order_values(world, order_id)["state"] == "sale"


def test_rereview_of_a_confirmed_order_with_delivery_and_invoice(world):
    sales, approver = world["sales"], world["approver"]
    order_id = approved_order(world)
    sales.call("sale.order.line", "write", line_ids(world, order_id), {"product_uom_qty": 50})
    assert order_values(world, order_id)["approval_state"] == "to_review"
    assert_held(world, order_id)
    approver.call("sale.order", "action_reject_with_reason", [order_id], "数量太多")
    assert order_values(world, order_id)["approval_state"] == "rejected"
    assert_held(world, order_id)
    sales.call("sale.order", "action_submit_review", [order_id])
    approver.call("sale.order", "action_approve", [order_id])
    ship(world, order_id)
    invoice_ids = invoice(world, order_id)
    assert invoice_ids
    world["finance"].call("account.move", "action_post", invoice_ids)
    states = world["finance"].call("account.move", "read", invoice_ids, ["state"])
    assert {m["state"] for m in states} == {"posted"}


def test_bad_input(world):
    sales, approver = world["sales"], world["approver"]
    order_id = approved_order(world)
    assert "nothing to withdraw" in refused(
        lambda: sales.call("sale.order", "action_withdraw_review", [order_id]), USER_ERROR
    )
    assert "not waiting for review" in refused(
        lambda: approver.call("sale.order", "action_approve", [order_id]), USER_ERROR
    )
    pending = sales.call(
        "sale.order",
        "create",
        {
            "partner_id": world["partner"],
            "order_line": [
                (0, 0, {"product_id": world["product"], "product_uom_qty": 1, "price_unit": 50})
            ],
        },
    )
    sales.call("sale.order", "action_submit_review", [pending])
    refused(
        lambda: approver.call("sale.order", "action_reject_with_reason", [pending], "   "),
        USER_ERROR,
    )
    assert order_values(world, pending)["approval_state"] == "to_review"
    refused(
        lambda: approver.call("sale.order", "action_approve", [987654321]),
        "odoo.exceptions.MissingError",
        ACCESS_ERROR,
    )
