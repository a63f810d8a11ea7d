from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon


def count_queries(env, func):
    """SQL queries `func` runs, caches emptied first and pending writes flushed after."""
    env.flush_all()
    env.invalidate_all()
    start = env.cr.sql_log_count
    func()
    env.flush_all()
    return env.cr.sql_log_count - start


class SaleOrderExtCommon(BaseCommon):
    """Users of every role, a complete customer and storable products, in the main company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({"sale_review_required": False, "sale_allow_self_approval": False})
        cls.salesman = new_test_user(
            cls.env, login="jxc_salesman", groups="sales_team.group_sale_salesman", lang="zh_CN"
        )
        cls.approver = new_test_user(
            cls.env, login="jxc_approver", groups="sale_order_ext.group_sale_approver", lang="zh_CN"
        )
        cls.manager = new_test_user(
            cls.env, login="jxc_manager", groups="sales_team.group_sale_manager", lang="zh_CN"
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "杭州测试客户有限公司",
                "phone": "0571-88886666",
                "street": "文三路 1 号",
                "city": "杭州",
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "不锈钢保温杯 500毫升",
                "default_code": "BWB-500",
                "type": "consu",
                "is_storable": True,
                "list_price": 59.0,
                "standard_price": 30.0,
            }
        )
        cls.product_b = cls.env["product.product"].create(
            {
                "name": "无线鼠标",
                "default_code": "DZ-001",
                "type": "consu",
                "is_storable": True,
                "list_price": 79.0,
                "standard_price": 41.0,
            }
        )

        # stock on hand: with stock_lock_ext installed, submitting locks it (no shortage check)
        stock = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        for product in cls.product | cls.product_b:
            cls.env["stock.quant"]._update_available_quantity(product, stock.lot_stock_id, 1000)

    @classmethod
    def _set_severity(cls, severity, *codes):
        """The company's severity of a failed check (every check warns by default)."""
        domain = [("company_id", "=", cls.company.id)]
        if codes:
            domain.append(("code", "in", codes))
        cls.env["sale.review.check"].search(domain).severity = severity

    @classmethod
    def _create_order(cls, user=None, lines=None, partner=None, **vals):
        """A quotation created by `user` (the salesman by default)."""
        user = user or cls.salesman
        lines = lines or [(cls.product, 2, 59.0)]
        return (
            cls.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": (partner or cls.customer).id,
                    "user_id": user.id,
                    "order_line": [
                        Command.create(
                            {"product_id": p.id, "product_uom_qty": q, "price_unit": price}
                        )
                        for p, q, price in lines
                    ],
                    **vals,
                }
            )
        )
