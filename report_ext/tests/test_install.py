from odoo.tests import tagged

from odoo.addons.base.tests.common import BaseCommon


@tagged("post_install", "-at_install")
class TestInstall(BaseCommon):
    def test_suite_installed_with_chinese(self):
        modules = self.env["ir.module.module"].search(
            [("name", "in", ["sale_order_ext", "stock_lock_ext", "report_ext"])]
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.assertEqual(len(modules), 3)
        self.assertTrue(self.env["res.lang"]._lang_get("zh_CN").active)
