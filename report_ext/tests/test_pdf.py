import subprocess
import tempfile
from datetime import date

from odoo.tests import HttpCase, tagged

from .common import ReportExtCommon

CJK_FONT_NAMES = ("ZenHei", "WenQuanYi", "Noto Sans CJK", "NotoSansCJK", "Noto Serif CJK")


@tagged("post_install", "-at_install")
class TestReportPdf(ReportExtCommon, HttpCase):
    """Real PDFs (wkhtmltopdf fetches the CSS from this test's HTTP server)."""

    def _pdf(self, xmlid, res_ids, data=None):
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(xmlid, res_ids, data=data)
        )
        self.assertEqual(report_type, "pdf")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf)
            f.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", f.name, "-"], capture_output=True, check=True, text=True
            ).stdout
            fonts = subprocess.run(
                ["pdffonts", f.name], capture_output=True, check=True, text=True
            ).stdout
        return text, fonts

    def _assert_cjk_font(self, fonts):
        cjk = [line for line in fonts.splitlines() if any(name in line for name in CJK_FONT_NAMES)]
        self.assertTrue(cjk, f"no CJK font in the PDF:\n{fonts}")
        # columns: name type encoding emb sub uni object ID → emb = "yes"
        self.assertTrue(any(" yes " in line for line in cjk), f"CJK font not embedded:\n{fonts}")

    def test_sale_slip_pdf(self):
        self._approve(self.order)
        attachments = self.env["ir.attachment"].search_count(
            [("res_model", "=", "sale.order"), ("res_id", "=", self.order.id)]
        )
        text, fonts = self._pdf("report_ext.action_report_sale_slip", self.order.ids)
        self._assert_cjk_font(fonts)
        for word in (
            "销售单",
            "杭州测试客户有限公司",
            "不锈钢保温杯",
            "人民币叁仟玖佰玖拾元零叁分",
        ):
            self.assertIn(word, text)
        self.assertIn(self.order.name, text)
        # every print is kept: a new attachment per print
        new = self.env["ir.attachment"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", self.order.id)]
        )
        self.assertEqual(len(new), attachments + 1)
        self.assertTrue(new[0].name.startswith("销售单-"))

    def test_delivery_slip_pdfs(self):
        self._approve(self.order)
        picking = self._deliver(self.order)
        text, fonts = self._pdf("report_ext.action_report_delivery_slip", picking.ids)
        self._assert_cjk_font(fonts)
        for word in (
            "送货单",
            "杭州测试客户有限公司",
            "不锈钢保温杯",
            "人民币叁仟玖佰玖拾元零叁分",
        ):
            self.assertIn(word, text)
        text, fonts = self._pdf("report_ext.action_report_delivery_slip_unpriced", picking.ids)
        self._assert_cjk_font(fonts)
        self.assertIn("送货单", text)
        self.assertNotIn("人民币", text)
        self.assertTrue(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "stock.picking"), ("res_id", "=", picking.id)]
            )
            >= 2
        )

    def test_statement_pdf(self):
        invoice = self._invoice(self.customer, 12345.67, date(2026, 3, 5))
        data = {
            "company_id": self.company.id,
            "date_from": "2026-03-01",
            "date_to": "2026-03-31",
            "statement_type": "invoice",
        }
        text, fonts = self._pdf(
            "report_ext.action_report_customer_statement", self.customer.ids, data
        )
        self._assert_cjk_font(fonts)
        for word in (
            "对账单",
            "杭州测试客户有限公司",
            "人民币壹万贰仟叁佰肆拾伍元陆角柒分",
            invoice.name,
        ):
            self.assertIn(word, text)
