from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.sale_order_ext.tests.common import SaleOrderExtCommon


class ReportExtCommon(SaleOrderExtCommon):
    """An approved order of a Chinese customer, stock, and helpers for invoices/payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.lang_zh_CN").active = True
        cls.customer.lang = "zh_CN"
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.product2 = cls.env["product.product"].create(
            {
                "name": "真空不锈钢饭盒",
                "default_code": "FH-01",
                "type": "consu",
                "is_storable": True,
                "list_price": 1000.0,
                "standard_price": 600.0,
            }
        )
        cls.tax = cls.env["account.tax"].create(
            {"name": "增值税 13%", "amount": 13.0, "type_tax_use": "sale"}
        )
        # SaleOrderExtCommon put 1000 of cls.product in stock already
        for product in cls.product2:
            cls.env["stock.quant"]._update_available_quantity(
                product, cls.warehouse.lot_stock_id, 1000.0
            )
        cls.salesman2 = new_test_user(
            cls.env, login="jxc_salesman2", groups="sales_team.group_sale_salesman"
        )
        cls.billing = new_test_user(
            cls.env, login="jxc_billing", groups="account.group_account_invoice", lang="zh_CN"
        )
        cls.order = cls._create_order(cls.customer, cls.salesman)

    @classmethod
    def _create_order(cls, partner, user, qty=10.0):
        return (
            cls.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": qty,
                                "price_unit": 59.0,
                                "discount": 10.0,
                                "tax_id": [Command.set(cls.tax.ids)],
                            }
                        ),
                        Command.create(
                            {
                                "product_id": cls.product2.id,
                                "product_uom_qty": 3.0,
                                "price_unit": 1000.0,
                                "tax_id": [Command.set(cls.tax.ids)],
                            }
                        ),
                    ],
                }
            )
            .with_env(cls.env)
        )

    @classmethod
    def _approve(cls, orders):
        """Take orders to 已审核 (approved and confirmed), overriding any blocking check."""
        orders.sudo().action_submit_review()
        for order in orders.sudo().filtered(lambda o: o.approval_state == "to_review"):
            while order.approval_state == "to_review":
                order.action_approve_with_reason("测试: 批准")

    @classmethod
    def _deliver(cls, order):
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.sudo()._action_done()
        return picking

    @classmethod
    def _invoice(cls, partner, amount, date, move_type="out_invoice", due_days=30):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": date,
                "date": date,
                "invoice_date_due": fields.Date.add(date, days=due_days),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "货款", "quantity": 1, "price_unit": amount, "tax_ids": False}
                    )
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, date):
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": date})
            ._create_payments()
        )
