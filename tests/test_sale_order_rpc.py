"""The review rules hold for an external JSON-RPC caller on a real multi-worker server."""

import pytest

from .conftest import RpcError


@pytest.fixture(scope="module")
def actors(odoo_server):
    admin = odoo_server.admin()
    odoo_server.set_review_required(True)
    salesman = odoo_server.create_user(
        "rpc_sales", ["sales_team.group_sale_salesman"], name="RPC 销售员"
    )
    approver = odoo_server.create_user(
        "rpc_approver", ["sale_order_ext.group_sale_approver"], name="RPC 审核员"
    )
    partner_id = admin.call(
        "res.partner",
        "create",
        {"name": "RPC 客户", "street": "人民路 1 号", "city": "上海", "phone": "021-1"},
    )
    product_id = admin.call(
        "product.product",
        "create",
        {
            "name": "RPC 产品",
            "type": "consu",
            "is_storable": True,
            "list_price": 10,
            "standard_price": 5,
        },
    )
    odoo_server.count_stock(product_id, 100)  # submitting locks it
    return {"sales": salesman, "approver": approver, "partner": partner_id, "product": product_id}


def new_order(actors):
    return actors["sales"].call(
        "sale.order",
        "create",
        {
            "partner_id": actors["partner"],
            "order_line": [
                (0, 0, {"product_id": actors["product"], "product_uom_qty": 1, "price_unit": 10})
            ],
        },
    )


def read_order(rpc, order_id):
    return rpc.call("sale.order", "read", [order_id], ["state", "approval_state", "flow_state"])[0]


def assert_refused(call, *exceptions):
    with pytest.raises(RpcError) as err:
        call()
    assert err.value.name in exceptions, err.value
    return err.value


def test_salesman_cannot_confirm_over_rpc(actors):
    sales = actors["sales"]
    order_id = new_order(actors)
    # Odoo's Confirm routes into review: the order waits for an approver
    sales.call("sale.order", "action_confirm", [order_id])
    assert read_order(sales, order_id)["approval_state"] == "to_review"
    sales.call("sale.order", "action_withdraw_review", [order_id])
    assert_refused(
        lambda: sales.call("sale.order", "write", [order_id], {"state": "sale"}),
        "odoo.exceptions.UserError",
    )
    for vals in ({"approval_state": "approved"}, {"approved_by_id": sales.uid}):
        assert_refused(
            lambda v=vals: sales.call("sale.order", "write", [order_id], v),
            "odoo.exceptions.AccessError",
        )
    forged = dict(sales.context, sale_order_ext_review=True)
    assert_refused(
        lambda: sales.call(
            "sale.order", "write", [order_id], {"approval_state": "approved"}, context=forged
        ),
        "odoo.exceptions.AccessError",
    )
    assert_refused(
        lambda: sales.call(
            "sale.order",
            "create",
            {"partner_id": actors["partner"], "state": "sale", "approval_state": "approved"},
        ),
        "odoo.exceptions.AccessError",
        "odoo.exceptions.UserError",
    )
    # private methods are not reachable over RPC
    assert_refused(
        lambda: sales.call("sale.order", "_set_approved", [order_id], False),
        "odoo.exceptions.AccessError",
    )
    assert read_order(sales, order_id) == {
        "id": order_id,
        "state": "draft",
        "approval_state": "draft",
        "flow_state": "draft",
    }


def test_review_over_rpc(actors):
    sales, approver = actors["sales"], actors["approver"]
    order_id = new_order(actors)
    sales.call("sale.order", "action_submit_review", [order_id])
    assert read_order(sales, order_id)["flow_state"] == "to_review"
    assert_refused(
        lambda: sales.call("sale.order", "action_approve", [order_id]),
        "odoo.exceptions.AccessError",
    )
    assert_refused(
        lambda: sales.call("sale.order", "action_approve_with_reason", [order_id], "自己批"),
        "odoo.exceptions.AccessError",
    )
    step_ids = sales.call("sale.order.approval", "search", [("order_id", "=", order_id)])
    assert step_ids
    assert_refused(
        lambda: sales.call("sale.order.approval", "write", step_ids, {"state": "approved"}),
        "odoo.exceptions.AccessError",
    )
    waiting = approver.call("sale.order", "search", [("can_approve", "=", True)])
    assert order_id in waiting
    approver.call("sale.order", "action_approve", [order_id])
    order = read_order(sales, order_id)
    assert (order["state"], order["approval_state"], order["flow_state"]) == (
        "sale",
        "approved",
        "approved",
    )
    approved_by = sales.call("sale.order", "read", [order_id], ["approved_by_id"])[0][
        "approved_by_id"
    ]
    assert approved_by[0] == approver.uid


def test_stock_locks_over_rpc(actors, odoo_server):
    """A salesman's order locks stock on submit; the lock can't be forged or taken over RPC."""
    before = odoo_server.set_review_required(True)
    sales = actors["sales"]
    order_id = new_order(actors)
    sales.call("sale.order", "action_submit_review", [order_id])
    lock_ids = sales.call("stock.lock", "search", [("order_id", "=", order_id)])
    assert len(lock_ids) == 1
    lock = sales.call("stock.lock", "read", lock_ids, ["quantity", "state"])[0]
    assert (lock["quantity"], lock["state"]) == (1, "active")
    assert_refused(
        lambda: sales.call("stock.lock", "write", lock_ids, {"quantity": 50}),
        "odoo.exceptions.AccessError",
    )
    assert_refused(
        lambda: sales.call("stock.lock", "action_extend", lock_ids, 30, "不能延期"),
        "odoo.exceptions.AccessError",
    )
    other = odoo_server.create_user("rpc_sales_other", ["sales_team.group_sale_salesman"])
    assert_refused(
        lambda: other.call("stock.lock", "action_release", lock_ids, "抢库存"),
        "odoo.exceptions.AccessError",
    )
    sales.call("stock.lock", "action_release", lock_ids, "客户暂缓")
    lock = sales.call("stock.lock", "read", lock_ids, ["state"])[0]
    assert lock["state"] == "released"
    odoo_server.set_review_required(before)
