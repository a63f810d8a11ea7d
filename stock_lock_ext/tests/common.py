from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon


class StockLockCommon(BaseCommon):
    """A salesperson, an approver, a lock manager, a customer and a storable product with 10 on hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "sale_review_required": False,
                "stock_lock_trigger": "submit",
                "stock_lock_shortage_policy": "review",
                "stock_lock_days": 7,
            }
        )
        # a shortage warns by default; these tests look at the strict setup
        cls.env["sale.review.check"].search(
            [("company_id", "=", cls.company.id), ("code", "=", "stock_shortage")]
        ).severity = "blocking"
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.salesman = new_test_user(
            cls.env, login="lock_salesman", groups="sales_team.group_sale_salesman", lang="zh_CN"
        )
        cls.salesman_2 = new_test_user(
            cls.env, login="lock_salesman_2", groups="sales_team.group_sale_salesman"
        )
        cls.approver = new_test_user(
            cls.env, login="lock_approver", groups="sale_order_ext.group_sale_approver"
        )
        cls.lock_manager = new_test_user(
            cls.env,
            login="lock_manager",
            groups="stock_lock_ext.group_stock_lock_manager,sales_team.group_sale_salesman",
        )
        cls.stock_user = new_test_user(
            cls.env, login="lock_stock_user", groups="stock.group_stock_user"
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "上海锁库客户",
                "phone": "021-66668888",
                "street": "南京路 1 号",
                "city": "上海",
            }
        )
        cls.product = cls._create_product("保温杯 LOCK-A", 10)
        cls.product_b = cls._create_product("保温杯 LOCK-B", 10)
        cls._commit_checks()

    @classmethod
    def _commit_checks(cls):
        """What runs before a commit (TransactionCase never commits): flush and the precommit
        hooks, among them stock.lock._check_stock_locks."""
        cls.env.cr.flush()

    @classmethod
    def _create_product(cls, name, on_hand, **vals):
        product = cls.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "list_price": 50.0,
                "standard_price": 20.0,
                **vals,
            }
        )
        if on_hand:
            cls.env["stock.quant"]._update_available_quantity(product, cls.stock_location, on_hand)
        return product

    @classmethod
    def _create_order(cls, lines, user=None, partner=None):
        user = user or cls.salesman
        return (
            cls.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": (partner or cls.customer).id,
                    "user_id": user.id,
                    "warehouse_id": cls.warehouse.id,
                    "order_line": [
                        Command.create(
                            {"product_id": p.id, "product_uom_qty": q, "price_unit": 50.0}
                        )
                        for p, q in lines
                    ],
                }
            )
        )

    def _locked(self, product, order=None):
        domain = [("state", "=", "active"), ("product_id", "=", product.id)]
        if order:
            domain.append(("order_id", "=", order.id))
        return sum(self.env["stock.lock"].search(domain).mapped("quantity"))

    def _reserved(self, product):
        quants = self.env["stock.quant"].search(
            [("product_id", "=", product.id), ("location_id", "child_of", self.stock_location.id)]
        )
        return sum(quants.mapped("reserved_quantity"))
