from odoo.tests import tagged

from .common import ReportExtCommon


@tagged("post_install", "-at_install")
class TestDeliverySlip(ReportExtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._approve(cls.order)
        cls.picking = cls._deliver(cls.order)
        cls.stock_user = cls.env["res.users"].create(
            {
                "name": "仓管员",
                "login": "jxc_stock_user",
                "lang": "zh_CN",
                "groups_id": [(6, 0, [cls.env.ref("stock.group_stock_user").id])],
            }
        )

    def _render(self, xmlid):
        report = self.env["ir.actions.report"].with_user(self.stock_user)
        html, __ = report._render_qweb_html(xmlid, self.picking.ids)
        return html.decode()

    def test_delivery_slip_lines(self):
        lines = self.picking._get_delivery_slip_lines()[self.picking.id]
        by_code = {line["code"]: line for line in lines}
        self.assertEqual(by_code["BWB-500"]["qty_delivered"], 10.0)
        # 59 - 10% = 53.1, + 13% = 60.003 per unit
        self.assertAlmostEqual(by_code["BWB-500"]["price_unit"], 60.003)
        self.assertAlmostEqual(by_code["FH-01"]["amount"], 3390.0)

    def test_delivery_slip_priced(self):
        html = self._render("report_ext.action_report_delivery_slip")
        self.assertIn("送货单", html)
        self.assertIn(self.picking.name, html)
        self.assertIn("杭州测试客户有限公司", html)
        self.assertIn("不锈钢保温杯 500毫升", html)
        for label in ("制单", "审核", "仓管", "送货", "签收", "承运商", "单价"):
            self.assertIn(label, html)
        self.assertIn("人民币叁仟玖佰玖拾元零叁分", html)

    def test_delivery_slip_unpriced(self):
        html = self._render("report_ext.action_report_delivery_slip_unpriced")
        self.assertIn("送货单", html)
        self.assertIn("不锈钢保温杯 500毫升", html)
        self.assertNotIn("单价", html)
        self.assertNotIn("人民币", html)

    def test_delivery_slip_prints_courier_and_tracking(self):
        """The courier (顺丰, Odoo's stock_delivery carrier) and its tracking number, entered
        by the warehouse, print on both 送货单."""
        self.assertEqual(self.picking._get_delivery_slip_carrier(), ("", ""))
        self.picking.with_user(self.stock_user).write(
            {
                "carrier_id": self.env.ref("sale_order_ext.delivery_carrier_sf").id,
                "carrier_tracking_ref": "SF1400123456789",
            }
        )
        for xmlid in (
            "report_ext.action_report_delivery_slip",
            "report_ext.action_report_delivery_slip_unpriced",
        ):
            html = self._render(xmlid)
            self.assertIn("顺丰速运", html)
            self.assertIn("SF1400123456789", html)

    def test_delivery_slip_paper_format(self):
        for xmlid in (
            "report_ext.action_report_delivery_slip",
            "report_ext.action_report_delivery_slip_unpriced",
        ):
            paperformat = self.env.ref(xmlid).paperformat_id
            self.assertEqual((paperformat.page_width, paperformat.page_height), (241, 280))

    def test_signature_cells_filled(self):
        self.picking.action_sign("王小二")
        people = self.picking._get_delivery_slip_people()
        self.assertEqual(people["entered"][0], self.order.create_uid.name)
        self.assertEqual(people["warehouse"][0], self.picking.done_by_id.name)
        self.assertTrue(self.picking.done_by_id)
        self.assertEqual(people["signed"][0], "王小二")
        self.assertTrue(people["signed"][1])
        if "approved_by_id" in self.order._fields and self.order.approved_by_id:
            self.assertEqual(people["approved"][0], self.order.approved_by_id.name)
        html = self._render("report_ext.action_report_delivery_slip")
        self.assertIn("王小二", html)
        self.assertIn(self.picking.done_by_id.name, html)

    def test_contact_is_a_name_with_phone(self):
        self.customer.is_company = True
        self.env["res.partner"].create(
            {"name": "李经理", "parent_id": self.customer.id, "phone": "0571-12345678"}
        )
        self.assertEqual(self.picking._get_delivery_slip_contact(), ("李经理", "0571-12345678"))
        html = self._render("report_ext.action_report_delivery_slip")
        self.assertIn("李经理", html)

    def test_print_menu_of_a_chinese_company(self):
        """Odoo's English slip leaves the Print menu of a Chinese company's deliveries;
        our priced and unpriced 送货单 are offered."""
        reports = self.env["ir.actions.report"].search(
            [("model", "=", "stock.picking"), ("binding_model_id", "!=", False)]
        )
        english = self.env.ref("stock.action_report_delivery")
        ours = self.env.ref("report_ext.action_report_delivery_slip") | self.env.ref(
            "report_ext.action_report_delivery_slip_unpriced"
        )
        self.company.country_id = self.env.ref("base.cn")
        valid = reports.get_valid_action_reports("stock.picking", self.picking.ids)
        self.assertNotIn(english.id, valid)
        self.assertTrue(set(ours.ids) <= set(valid))
        self.company.country_id = self.env.ref("base.us")
        valid = reports.get_valid_action_reports("stock.picking", self.picking.ids)
        self.assertIn(english.id, valid)
