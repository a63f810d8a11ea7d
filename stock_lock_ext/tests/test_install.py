from odoo.tests import tagged

from odoo.addons.base.tests.common import BaseCommon


@tagged("post_install", "-at_install")
class TestInstall(BaseCommon):
    def test_lock_manager_group_is_translated(self):
        group = self.env.ref("stock_lock_ext.group_stock_lock_manager")
        self.assertEqual(group.with_context(lang="zh_CN").name, "库存锁定管理员")
        self.assertIn(self.env.ref("stock.group_stock_user"), group.implied_ids)
