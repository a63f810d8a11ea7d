"""What the release's Chinese demo lacks, added through the release's own API (issue #18).

Run by tests/test_upgrade.py on a database of the latest release (its addons, l10n_cn and
scripts/load_demo.py loaded), with the release's addons path:

    odoo-bin shell -d DB --addons-path=...,<release tree> < tests/upgrade_fill.py

The demo has an order in every flow state but 已签收, locks active / reserved / released,
open low-stock alerts, one-level reviews. This adds, each by the role that does it:

- DEMO-UPG-DISCOUNT: 整单折扣 5 % and 抹零 (drop 角 and 分), approved;
- DEMO-UPG-AMOUNT-OFF: ¥100 off and a typed 抹零 of ¥0.80, a quotation;
- DEMO-UPG-TWO-LEVEL: 12 % off and over ¥50,000: the approver's level approved, the sales
  manager's level pending;
- DEMO-UPG-EXPIRED / DEMO-UPG-RELEASED: pending orders whose lock expired (the expiry cron) or
  was released by the salesperson;
- DEMO-UPG-SIGNED: delivered by the warehouse, signed for with a 回单 (an attachment) and a
  drawn signature (已签收);
- a low-stock alert resolved by a count, a partial payment of 武汉江城, and the customer
  statement wizard run by finance for 武汉江城 (its HTML rendered).

The new orders get xmlids ``jxc_upgrade.demo_upg_*`` (the test finds them by these after the
upgrade). It prints one line ``UPGRADE_FILL {json}``: the statement's parameters and figures,
and the analyses (销售分析, 应收分析, 库存周转) as the administrator reads them.
"""

# ruff: noqa: F821 (env is given by odoo-bin shell)
import base64
import json
import re
from datetime import timedelta

from odoo import Command, fields
from odoo.tools import file_open

# (model, measures, group by) of the report_ext analyses, read after the fill; the test reads
# them again over JSON-RPC after the upgrade, with the same arguments
ANALYSES = [
    (
        "sale.analysis.report",
        ["product_uom_qty:sum", "amount_untaxed:sum", "amount_total:sum", "cost:sum", "margin:sum"],
        "flow_state",
    ),
    ("sale.analysis.order.report", ["amount_untaxed:sum", "amount_total:sum"], "flow_state"),
    (
        "receivable.analysis.report",
        ["amount_invoiced:sum", "amount_paid:sum", "amount_due:sum"],
        "partner_id",
    ),
    (
        "stock.analysis.report",
        ["qty_on_hand:sum", "qty_reserved:sum", "qty_locked:sum"],
        "warehouse_id",
    ),
]


def rows_by_key(rows, measures, groupby):
    """read_group's rows as {group key: {measure: value rounded, __count}} (JSON keys)."""
    result = {}
    for row in rows:
        key = row[groupby][0] if isinstance(row[groupby], (list, tuple)) else row[groupby]
        values = {m.split(":")[0]: round(row[m.split(":")[0]] or 0.0, 2) for m in measures}
        result[str(key)] = dict(values, __count=row["__count"])
    return result


company = env.ref("sale_order_ext.demo_company_cn")
env = env(context=dict(env.context, allowed_company_ids=[company.id], skip_sms=True))
now = fields.Datetime.now()
today = fields.Date.context_today(env["res.partner"])
# the scanned 回单 and the drawn signature: an image of the release
with file_open("sale_order_ext/demo/hongyun_logo.png", "rb") as image:
    PNG = base64.b64encode(image.read())


def ref(name):
    return env.ref(f"sale_order_ext.{name}")


def user(login):
    return ref(f"demo_user_{login}")


def name_record(record, xmlid):
    """An xmlid in the test's own namespace, to find the record again after the upgrade."""
    env["ir.model.data"].create(
        {"module": "jxc_upgrade", "name": xmlid, "model": record._name, "res_id": record.id}
    )


def new_order(xmlid, partner, salesperson, lines, **vals):
    order = (
        env["sale.order"]
        .with_user(user(salesperson))
        .create(
            {
                "partner_id": ref(partner).id,
                "user_id": user(salesperson).id,
                "company_id": company.id,
                "client_order_ref": xmlid.upper().replace("_", "-"),
                "order_line": [
                    Command.create(
                        {
                            "product_id": ref(product).id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                            "discount": discount,
                        }
                    )
                    for product, qty, price, discount in lines
                ],
                **vals,
            }
        )
    )
    name_record(order, xmlid)
    return order.with_user(env.ref("base.user_root"))


def deliver(order, carrier, tracking):
    picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
    as_warehouse = picking.with_user(user("warehouse"))
    as_warehouse.write(
        {"carrier_id": env.ref(f"sale_order_ext.{carrier}").id, "carrier_tracking_ref": tracking}
    )
    for move in as_warehouse.move_ids:
        move.quantity = move.product_uom_qty
    as_warehouse.button_validate()
    assert picking.state == "done", picking.state
    return picking


# 整单折扣 and 抹零: approved (the approver's review), and a quotation
discount = new_order(
    "demo_upg_discount",
    "demo_partner_hangzhou",
    "sales",
    [("demo_product_pen", 30, 18.0, 0), ("demo_product_paper", 10, 25.0, 0)],
    sale_discount_type="percent",
    sale_discount=5,
    sale_rounding_method="jiao",
)
discount.with_user(user("sales")).action_submit_review()
discount.with_user(user("approver")).action_approve_with_reason("整单 95 折, 抹零")
assert discount.flow_state == "approved" and discount.amount_rounding, discount.read()
amount_off = new_order(
    "demo_upg_amount_off",
    "demo_partner_chengdu",
    "sales2",
    [("demo_product_cup", 12, 59.0, 0), ("demo_product_towel", 20, 39.0, 0)],
    sale_discount_type="amount",
    sale_discount=100,
    sale_rounding_method="manual",
    sale_rounding_input=0.8,
)
assert amount_off.flow_state == "draft" and amount_off.amount_rounding == 0.8

# two levels: 折扣 ≥ 10 % (审核员) done, 大额订单 (销售主管) pending
two_level = new_order(
    "demo_upg_two_level",
    "demo_partner_beijing",
    "sales2",
    [("demo_product_install", 400, 200.0, 12), ("demo_product_pen", 10, 18.0, 12)],
)
two_level.with_user(user("sales2")).action_submit_review()
steps = two_level.approval_ids
assert len(steps) >= 2, steps.mapped("name")
two_level.with_user(user("approver")).action_approve_with_reason("折扣已与客户确认")
pending = two_level.approval_ids.filtered(lambda a: a.state == "pending")
assert two_level.flow_state == "to_review" and pending, two_level.approval_ids.read()
assert two_level.approval_ids.filtered(lambda a: a.state == "approved")

# locks: one expired (the expiry cron), one released by the salesperson
expired = new_order(
    "demo_upg_expired", "demo_partner_suzhou", "sales", [("demo_product_cable", 10, 19.0, 0)]
)
expired.with_user(user("sales")).action_submit_review()
lock = env["stock.lock"].search([("order_id", "=", expired.id)])
assert lock.state == "active", lock.read()
lock.write({"date_expiry": now - timedelta(hours=1)})
env["stock.lock"]._cron_expire_locks()
assert lock.state == "expired" and lock.revoked, lock.read()
released = new_order(
    "demo_upg_released", "demo_partner_ningbo", "sales", [("demo_product_usb", 5, 49.0, 0)]
)
released.with_user(user("sales")).action_submit_review()
lock = env["stock.lock"].search([("order_id", "=", released.id)])
lock.with_user(user("sales")).action_release("客户暂缓发货")
assert lock.state == "released" and lock.release_reason, lock.read()

# 已签收: delivered, signed for with the 回单 and a drawn signature
signed = new_order(
    "demo_upg_signed", "demo_partner_shenzhen", "sales2", [("demo_product_mouse", 3, 79.0, 0)]
)
signed.with_user(user("sales2")).action_submit_review()
signed.with_user(user("approver")).action_approve_with_reason("演示数据: 审核通过")
picking = deliver(signed, "delivery_carrier_sf", "SF1400099990001")
picking.with_user(user("warehouse")).action_sign("客户 郑浩", False, PNG, "回单.png", PNG)
assert signed.flow_state == "signed" and picking.sign_receipt, signed.flow_state
name_record(picking, "demo_upg_signed_picking")

# a low-stock alert resolved: 抽纸 counted above its safety stock, then the check again
alert = env["stock.low.alert"].search(
    [("product_id", "=", ref("demo_product_tissue").id), ("state", "=", "open")], limit=1
)
assert alert, "the demo has a low-stock alert for 抽纸"
env["stock.quant"].with_context(inventory_mode=True).create(
    {
        "product_id": alert.product_id.id,
        "location_id": alert.warehouse_id.lot_stock_id.id,
        "inventory_quantity": 80,
    }
).action_apply_inventory()
env["stock.low.alert"]._cron_check_low_stock()
assert alert.state == "resolved", alert.read()

# 武汉江城 pays part of its oldest invoice (finance)
invoice = ref("demo_invoice_wuhan_1")
env["account.payment.register"].with_user(user("finance")).with_context(
    active_model="account.move", active_ids=invoice.ids
).create({"amount": 1000.0, "payment_date": today})._create_payments()
assert invoice.payment_state == "partial", invoice.payment_state

# the customer statement (对账单) of 武汉江城, run by finance
wizard = (
    env["customer.statement.wizard"]
    .with_user(user("finance"))
    .create(
        {
            "partner_ids": [Command.set(ref("demo_partner_wuhan").ids)],
            "company_id": company.id,
            "date_from": today - timedelta(days=120),
            "date_to": today,
            "statement_type": "invoice",
        }
    )
)
wizard.action_print()
data = wizard._get_report_data()
html = (
    env["ir.actions.report"]
    .with_user(user("finance"))
    ._render_qweb_html(
        "report_ext.report_customer_statement", data["partner_ids"], data=dict(data)
    )[0]
    .decode()
)
figures = sorted(set(re.findall(r"\d[\d,]*\.\d\d", html)))
env.cr.commit()

# the analyses as the administrator reads them
analyses = {}
admin_env = env(user=env.ref("base.user_admin").id)
for model, measures, groupby in ANALYSES:
    rows = admin_env[model].read_group([], measures, [groupby], lazy=False)
    analyses[model] = {
        "measures": measures,
        "groupby": groupby,
        "rows": rows_by_key(rows, measures, groupby),
    }
print(
    "UPGRADE_FILL "
    + json.dumps(
        {"statement": {"data": data, "figures": figures}, "analyses": analyses},
        ensure_ascii=False,
    )
)
