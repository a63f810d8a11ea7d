from odoo.tests import new_test_user, tagged

from odoo.addons.base.tests.common import BaseCommon


@tagged("post_install", "-at_install")
class TestReportMenus(BaseCommon):
    """报表 per role: what a user is offered opens without an access error."""

    def _visible(self, user, xmlids):
        """Menus the web client shows: visible, and every parent too."""
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

        def shown(menu):
            return not menu or (menu.id in visible and shown(menu.parent_id))

        return {xmlid for xmlid in xmlids if shown(self.env.ref(xmlid))}

    def _opens(self, user, menu_xmlid):
        action = self.env.ref(menu_xmlid).action
        model = self.env[action.res_model].with_user(user)
        if action.res_model == "stock.turnover.wizard":
            opened = model.create({}).action_open()
            self.env[opened["res_model"]].with_user(user).with_context(
                **opened["context"]
            ).search_read([], ["product_id", "turnover_rate"], limit=5)
        elif action.target == "new":  # the statement wizard
            model.check_access("create")
        else:
            model.search_read([], limit=5)
            model.read_group([], [], [])

    MENUS = [
        "sale.menu_sale_report",
        "report_ext.menu_sale_analysis_report",
        "report_ext.menu_receivable_analysis_report",
        "report_ext.menu_customer_statement_wizard_sale",
        "report_ext.menu_stock_turnover_sale",
        "report_ext.menu_stock_analysis_report",
        "sale.menu_reporting_sales",
    ]

    def test_salesperson(self):
        user = new_test_user(self.env, login="jxc_m_sales", groups="sales_team.group_sale_salesman")
        visible = self._visible(user, self.MENUS)
        self.assertEqual(
            visible,
            {
                "sale.menu_sale_report",
                "report_ext.menu_sale_analysis_report",
                "report_ext.menu_receivable_analysis_report",
                "report_ext.menu_customer_statement_wizard_sale",
            },
        )
        for xmlid in visible - {"sale.menu_sale_report"}:
            self._opens(user, xmlid)

    def test_warehouse_keeper(self):
        user = new_test_user(self.env, login="jxc_m_stock", groups="stock.group_stock_user")
        visible = self._visible(user, self.MENUS)
        self.assertEqual(visible, {"report_ext.menu_stock_analysis_report"})
        self._opens(user, "report_ext.menu_stock_analysis_report")

    def test_sales_manager_keeps_odoo_reports(self):
        user = new_test_user(
            self.env,
            login="jxc_m_manager",
            groups="sales_team.group_sale_manager,stock.group_stock_user",
        )
        visible = self._visible(user, self.MENUS)
        self.assertEqual(visible, set(self.MENUS))
        for xmlid in visible - {"sale.menu_sale_report", "sale.menu_reporting_sales"}:
            self._opens(user, xmlid)
