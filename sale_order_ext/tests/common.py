from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon


class SaleOrderExtCommon(BaseCommon):
    """Users of every role, a customer and a storable product, in the main company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env, login="jxc_salesman", groups="sales_team.group_sale_salesman", lang="zh_CN"
        )
        cls.approver = new_test_user(
            cls.env, login="jxc_approver", groups="sale_order_ext.group_sale_approver", lang="zh_CN"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "杭州测试客户有限公司", "phone": "0571-88886666", "street": "文三路 1 号"}
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
