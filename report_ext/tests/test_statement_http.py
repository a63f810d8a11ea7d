import html
import json
from datetime import date
from urllib.parse import quote

from odoo import http
from odoo.tests import HttpCase, tagged

from .common import ReportExtCommon

STATEMENT = "report_ext.report_customer_statement"


@tagged("post_install", "-at_install")
class TestStatementOverHttp(ReportExtCommon, HttpCase):
    """The statement routes as a salesperson: his customers print, others are refused
    (403 with a translated message, never a 200 with their figures), bad input is a 400."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman.write({"password": "jxc_salesman_pw"})
        cls.customer.user_id = cls.salesman
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "别人的客户有限公司", "user_id": cls.salesman2.id}
        )
        invoice = cls._invoice(cls.customer, 1234.0, date(2026, 3, 5))
        cls._pay(invoice, 234.0, date(2026, 3, 6))
        cls._invoice(cls.other_customer, 777.0, date(2026, 3, 5))
        cls.data = {
            "company_id": cls.company.id,
            "date_from": "2026-03-01",
            "date_to": "2026-03-31",
            "statement_type": "invoice",
        }

    def setUp(self):
        super().setUp()
        self.authenticate("jxc_salesman", "jxc_salesman_pw")

    def _options(self, **data):
        return quote(json.dumps({**self.data, **data}))

    def test_html_route_own_customer(self):
        response = self.url_open(
            f"/report/html/{STATEMENT}/{self.customer.id}?options={self._options()}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("1,234.00", response.text)
        self.assertIn("人民币壹仟元整", response.text)
        # without options: this month, the whole account in the opening balance
        response = self.url_open(f"/report/html/{STATEMENT}/{self.customer.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("1,000.00", response.text)

    def test_html_route_other_customer_refused(self):
        for url in (
            f"/report/html/{STATEMENT}/{self.other_customer.id}",
            f"/report/html/{STATEMENT}/{self.customer.id},{self.other_customer.id}",
            f"/report/html/{STATEMENT}?options="
            + self._options(partner_ids=[self.other_customer.id]),
            f"/report/pdf/{STATEMENT}?options="
            + self._options(partner_ids=[self.other_customer.id]),
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 403, url)
            # the other customer's figures (a bare "777" may be in the page's asset hashes)
            self.assertNotIn("777.00", response.text, url)
            self.assertNotIn("柒佰柒拾柒", response.text, url)
            self.assertIn("只能打印", response.text, url)

    def test_bad_input_is_no_server_error(self):
        for options, status in (
            (self._options(partner_ids=[]), 400),
            (self._options(partner_ids=[self.customer.id], date_from="2026-04-01"), 400),
            (self._options(partner_ids=["abc"]), 400),
            (self._options(partner_ids=[self.customer.id], company_id=987654), 403),
        ):
            response = self.url_open(f"/report/html/{STATEMENT}?options={options}")
            self.assertEqual(response.status_code, status, options)

    def test_url_the_web_client_builds(self):
        """What the web client requests for the wizard's action: ``data``, no ids (the
        PDF itself is printed by the browser test on a real server: rendering a PDF in a
        request of this single-threaded test server would wait for itself)."""
        wizard = (
            self.env["customer.statement.wizard"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_ids": self.customer.ids,
                    "date_from": date(2026, 3, 1),
                    "date_to": date(2026, 3, 31),
                }
            )
        )
        action = wizard.action_print()
        options = quote(json.dumps(action["data"]))
        response = self.url_open(f"/report/html/{STATEMENT}?options={options}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("1,234.00", response.text)
        # a refused customer through the download route: Odoo's error, no document
        action["data"]["partner_ids"] = [self.other_customer.id]
        url = f"/report/pdf/{STATEMENT}?options={quote(json.dumps(action['data']))}"
        response = self.url_open(
            "/report/download",
            data={
                "data": json.dumps([url, "qweb-pdf"]),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertFalse(response.content.startswith(b"%PDF"))
        self.assertEqual(response.status_code, 403, "a refusal, not a server error")
        error = json.loads(html.unescape(response.text))
        self.assertIn("只能打印", error["data"]["message"])
        self.assertNotIn("777", response.text)
        # bad input through the same route: 400 with the translated message
        action["data"].update(partner_ids=[self.customer.id], date_from="2026-04-01")
        url = f"/report/pdf/{STATEMENT}?options={quote(json.dumps(action['data']))}"
        response = self.url_open(
            "/report/download",
            data={
                "data": json.dumps([url, "qweb-pdf"]),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertTrue(json.loads(html.unescape(response.text))["data"]["message"])
