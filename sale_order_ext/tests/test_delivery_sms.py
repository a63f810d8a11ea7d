import threading
from unittest.mock import patch

from odoo.modules.registry import Registry
from odoo.tests import new_test_user, tagged

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestDeliverySms(SaleOrderExtCommon):
    """stock_sms texts the customer when a delivery is validated (a company setting). Without an
    SMS account the text can only fail: the delivery is validated without asking or sending."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse_user = new_test_user(
            cls.env, login="sms_wh", groups="stock.group_stock_user", lang="en_US"
        )
        cls.company.write(
            {"stock_move_sms_validation": True, "has_received_warning_stock_sms": False}
        )

    def _delivery(self):
        order = self._create_order()
        order.action_submit_review()  # nothing to review here: approved and confirmed
        self.assertEqual(order.state, "sale")
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 2, "picked": True})
        return picking.with_user(self.warehouse_user)

    def _validate_outside_tests(self, picking):
        """button_validate as on a live server: stock_sms skips itself in test mode."""
        thread = threading.current_thread()
        sent = []
        with (
            patch.object(Registry, "in_test_mode", lambda self: False),
            patch.object(thread, "testing", False),
            patch.object(
                type(self.env["stock.picking"]),
                "_message_sms_with_template",
                lambda self, **kw: sent.append(self.ids),
            ),
        ):
            return picking.button_validate(), sent

    def test_no_sms_account_validates_without_sms(self):
        picking = self._delivery()
        self.assertFalse(self.company._sms_account_ready())
        result, sent = self._validate_outside_tests(picking)
        self.assertIs(result, True)  # no SMS dialog
        self.assertEqual(picking.state, "done")
        self.assertEqual(sent, [])  # no text that could only fail
        self.assertFalse(self.env["sms.sms"].sudo().search([("number", "=", "0571-88886666")]))

    def test_registered_sms_account_asks_and_sends(self):
        service = self.env["iap.service"].search([("technical_name", "=", "sms")], limit=1)
        self.env["iap.account"].create(
            {"service_id": service.id, "state": "registered", "company_ids": [self.company.id]}
        )
        self.assertEqual(self.company._sms_account_ready(), self.company)
        picking = self._delivery()
        result, sent = self._validate_outside_tests(picking)
        self.assertEqual(result["res_model"], "confirm.stock.sms")  # Odoo's own question
        wizard = (
            self.env["confirm.stock.sms"]
            .with_user(self.warehouse_user)
            .with_context(**result["context"])
            .browse(result["res_id"])
        )
        with (
            patch.object(Registry, "in_test_mode", lambda self: False),
            patch.object(threading.current_thread(), "testing", False),
            patch.object(
                type(self.env["stock.picking"]),
                "_message_sms_with_template",
                lambda self, **kw: sent.append(self.ids),
            ),
        ):
            wizard.send_sms()
        self.assertEqual(picking.state, "done")
        self.assertEqual(sent, [picking.ids])
