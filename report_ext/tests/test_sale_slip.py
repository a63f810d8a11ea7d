import time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval
from odoo.tools.safe_eval import time as safe_time

from odoo.addons.report_ext.tools import amount_to_chinese

from .common import ReportExtCommon

SALE_SLIP = "report_ext.action_report_sale_slip"


@tagged("post_install", "-at_install")
class TestSaleSlip(ReportExtCommon):
    def _render(self, orders, user=None):
        report = self.env["ir.actions.report"].with_user(user or self.salesman)
        html, __ = report._render_qweb_html(SALE_SLIP, orders.ids)
        return html.decode()

    def test_sale_slip_content(self):
        self._approve(self.order)
        html = self._render(self.order)
        self.assertIn("销售单", html)
        self.assertIn(self.order.name, html)
        self.assertIn("杭州测试客户有限公司", html)
        self.assertIn("BWB-500", html)
        self.assertIn("不锈钢保温杯 500毫升", html)
        self.assertIn(self.salesman.name, html)
        # 10 x 59 - 10% + 3 x 1000 = 3531, 13% tax = 459.03 → 3990.03
        self.assertAlmostEqual(self.order.amount_total, 3990.03)
        self.assertIn("人民币叁仟玖佰玖拾元零叁分", html)
        self.assertEqual(amount_to_chinese(self.order.amount_total), "人民币叁仟玖佰玖拾元零叁分")
        for label in ("制单人", "审核人", "客户签字", "大写金额", "折扣"):
            self.assertIn(label, html)

    def test_sale_slip_several_orders(self):
        order2 = self._create_order(self.customer, self.salesman, qty=2)
        self._approve(self.order | order2)
        html = self._render(self.order | order2)
        self.assertIn(self.order.name, html)
        self.assertIn(order2.name, html)

    def test_sale_slip_refused_before_approval(self):
        self.salesman.lang = "zh_CN"
        with self.assertRaisesRegex(UserError, "审核"):
            self._render(self.order)

    def test_sale_slip_attachment_per_print(self):
        report = self.env.ref(SALE_SLIP)
        self.assertFalse(report.attachment_use, "reprints must render again")
        name = safe_eval(report.attachment, {"object": self.order, "time": safe_time})
        self.assertTrue(name.startswith(f"销售单-{self.order.name.replace('/', '-')}-"))
        self.assertTrue(name.endswith(".pdf"))
        self.assertIn(time.strftime("%Y%m%d"), name)
