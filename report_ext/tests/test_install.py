from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

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

    def test_sql_views_declare_depends(self):
        """Every SQL view of report_ext says what it reads (flushed before it is queried)."""
        views = [
            model
            for model in self.env.registry.values()
            if not model._auto
            and not model._abstract
            and not model._transient
            and model._module == "report_ext"
        ]
        self.assertGreaterEqual(len(views), 4)
        for model in views:
            self.assertTrue(model._depends, f"{model._name} declares no _depends")
            for dependency in model._depends:
                self.assertIn(dependency, self.env.registry, model._name)

    def test_analysis_totals_not_writable(self):
        """Stored analysis totals are computed; no client (a readonly field is UI only)
        can write them, even on his own order."""
        user = new_test_user(self.env, login="jxc_totals", groups="sales_team.group_sale_salesman")
        partner = self.env["res.partner"].create({"name": "总额客户"})
        order = self.env["sale.order"].with_user(user).create({"partner_id": partner.id})
        for fname in ("analysis_amount_untaxed", "analysis_margin", "analysis_line_count"):
            self.assertTrue(order._fields[fname].readonly)
            with self.assertRaises(AccessError):
                order.write({fname: 999999})
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(user).create(
                {"partner_id": partner.id, "analysis_amount_total": 1}
            )
        order.write({"note": "ok"})  # other writes still work
