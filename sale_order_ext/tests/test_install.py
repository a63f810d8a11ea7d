from odoo.tests import tagged

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestInstall(SaleOrderExtCommon):
    def test_approver_group_is_translated(self):
        group = self.env.ref("sale_order_ext.group_sale_approver")
        self.assertEqual(group.with_context(lang="zh_CN").name, "审核员")
        self.assertIn(self.env.ref("sales_team.group_sale_salesman_all_leads"), group.implied_ids)
        self.assertTrue(self.approver.has_group("sales_team.group_sale_salesman_all_leads"))
