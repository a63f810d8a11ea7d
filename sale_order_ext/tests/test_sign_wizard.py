import base64
from contextlib import contextmanager
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import SaleOrderExtCommon

# a 1x1 PNG, as the signature widget sends a drawing
SIGNATURE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
COURIERS = {
    "sf": "shunfeng",
    "zto": "zhongtong",
    "yto": "yuantong",
    "yunda": "yunda",
    "sto": "shentong",
    "jtexpress": "jtexpress",
    "jd": "jd",
    "deppon": "debangkuaidi",
    "ems": "ems",
}


class SignCommon(SaleOrderExtCommon):
    @contextmanager
    def assertRefused(self, exception, text):
        """Odoo's assertRaises (a savepoint: the refused write is rolled back, as a request's
        would be) and the message the user reads."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertIn(text, str(caught.exception))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # messages asserted in English; the users' own language stays zh_CN
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.warehouse_user = new_test_user(
            cls.env, login="jxc_sign_wh", groups="stock.group_stock_user", lang="en_US"
        )
        cls.other_salesman = new_test_user(
            cls.env, login="jxc_sign_sales2", groups="sales_team.group_sale_salesman"
        )
        cls.salesman.lang = "en_US"

    def _shipped_order(self, user=None):
        order = self._create_order(user=user)
        order.action_submit_review()
        picking = order.picking_ids
        picking.action_assign()
        picking.move_ids.quantity = 2
        picking.with_user(self.warehouse_user).button_validate()
        self.assertEqual(picking.state, "done")
        return order, picking

    def _assert_unsigned(self, picking):
        picking.invalidate_recordset()
        self.assertEqual(
            (picking.signed_by, picking.signed_on, picking.sign_receipt, picking.signature),
            (False, False, False, False),
        )


@tagged("post_install", "-at_install")
class TestSignWizard(SignCommon):
    def test_warehouse_user_signs_in_the_dialog(self):
        order, picking = self._shipped_order()
        self.assertEqual(order.flow_state, "shipped")
        action = picking.with_user(self.warehouse_user).action_open_sign_wizard()
        self.assertEqual(
            (action["res_model"], action["target"]), ("stock.picking.sign.wizard", "new")
        )
        before = fields.Datetime.now().replace(microsecond=0)
        wizard_model = (
            self.env[action["res_model"]]
            .with_user(self.warehouse_user)
            .with_context(**action["context"])
        )
        with Form(wizard_model) as form:
            # now, not midnight or a fixed hour: the client shows it in the user's time zone
            self.assertGreaterEqual(form.signed_on, before - timedelta(seconds=1))
            self.assertLessEqual(form.signed_on, fields.Datetime.now() + timedelta(seconds=1))
            self.assertEqual(form.date_done, picking.date_done)
            form.signed_by = " 周建国 "
            form.sign_receipt = base64.b64encode(b"%PDF-1.4 receipt")
            form.signature = SIGNATURE
        form.record.action_sign()
        self.assertEqual(picking.signed_by, "周建国")
        self.assertTrue(picking.signed_on >= before)
        self.assertTrue(picking.signature, "the drawn signature is Odoo's picking signature")
        self.assertTrue(picking.is_signed)
        self.assertEqual(base64.b64decode(picking.sign_receipt), b"%PDF-1.4 receipt")
        self.assertTrue(order.is_signed)
        self.assertEqual(order.flow_state, "signed", "invoice and payment still to come")
        self.assertEqual(order._flow_state_label(), "Signed For")

    def test_salesperson_signs_only_for_orders_he_may_edit(self):
        order, picking = self._shipped_order()
        with self.assertRaises(AccessError):
            picking.with_user(self.other_salesman).action_open_sign_wizard()
        wizard = (
            self.env["stock.picking.sign.wizard"]
            .with_user(self.other_salesman)
            .create({"picking_id": picking.id, "signed_by": "周建国"})
        )
        with self.assertRaises(AccessError):
            wizard.action_sign()
        with self.assertRaises(AccessError):
            picking.with_user(self.other_salesman).write({"signed_by": "周建国"})
        self._assert_unsigned(picking)

        picking.with_user(self.salesman).action_open_sign_wizard()
        wizard = (
            self.env["stock.picking.sign.wizard"]
            .with_user(self.salesman)
            .create({"picking_id": picking.id, "signed_by": "周建国", "signature": SIGNATURE})
        )
        wizard.action_sign()
        self.assertEqual(picking.signed_by, "周建国")
        self.assertEqual(order.flow_state, "signed")

    def test_employee_without_rights_cannot_sign(self):
        __, picking = self._shipped_order()
        employee = new_test_user(self.env, login="jxc_sign_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            picking.with_user(employee).action_sign("周建国")
        self._assert_unsigned(picking)


@tagged("post_install", "-at_install")
class TestSignBadInput(SignCommon):
    def _sign(self, picking, lang="en_US", **vals):
        wizard = (
            self.env["stock.picking.sign.wizard"]
            .with_user(self.warehouse_user)
            .with_context(lang=lang)
            .create({"picking_id": picking.id, **vals})
        )
        return wizard.action_sign()

    def test_sign_time_in_the_future(self):
        __, picking = self._shipped_order()
        with self.assertRefused(UserError, "is in the future"):
            self._sign(
                picking,
                signed_by="周建国",
                signed_on=fields.Datetime.now() + timedelta(hours=2),
                signature=SIGNATURE,
            )
        self._assert_unsigned(picking)

    def test_sign_time_before_the_delivery(self):
        __, picking = self._shipped_order()
        with self.assertRefused(UserError, "can't have been signed for before"):
            self._sign(
                picking,
                signed_by="周建国",
                signed_on=picking.date_done - timedelta(hours=1),
                signature=SIGNATURE,
                sign_receipt=base64.b64encode(b"receipt"),
            )
        self._assert_unsigned(picking)

    def test_signature_without_signer(self):
        __, picking = self._shipped_order()
        for signer in (False, "   "):
            with self.assertRefused(UserError, "Give the signer's name"):
                self._sign(picking, signed_by=signer, signature=SIGNATURE)
        self._assert_unsigned(picking)

    def test_not_done_delivery(self):
        order = self._create_order()
        order.action_submit_review()
        picking = order.picking_ids
        with self.assertRefused(UserError, "only once it is delivered"):
            picking.with_user(self.warehouse_user).action_open_sign_wizard()
        with self.assertRefused(UserError, "only once it is delivered"):
            self._sign(picking, signed_by="周建国")
        self._assert_unsigned(picking)

    def test_error_is_translated(self):
        __, picking = self._shipped_order()
        with self.assertRefused(UserError, "签收时间不能晚于当前时间"):
            self._sign(
                picking,
                lang="zh_CN",
                signed_by="周建国",
                signed_on=fields.Datetime.now() + timedelta(days=1),
            )


@tagged("post_install", "-at_install")
class TestUnsignedDeliveries(SignCommon):
    def test_list_shows_age_and_sign_button(self):
        __, picking = self._shipped_order()
        picking.date_done = fields.Datetime.now() - timedelta(days=10)
        action = (
            self.env["stock.picking"]
            .with_user(self.warehouse_user)
            .action_open_unsigned_deliveries()
        )
        view = self.env.ref("sale_order_ext.view_picking_unsigned_list")
        self.assertEqual(action["views"][0], (view.id, "list"))
        found = self.env["stock.picking"].with_user(self.warehouse_user).search(action["domain"])
        self.assertIn(picking, found)
        self.assertEqual(found.filtered(lambda p: p == picking).sign_age_days, 10)
        arch = self.env["stock.picking"].get_view(view.id, "list")["arch"]
        self.assertIn("sign_age_days", arch)
        self.assertIn("action_open_sign_wizard", arch)
        picking.with_user(self.warehouse_user).action_sign("周建国")
        self.assertNotIn(picking, self.env["stock.picking"].search(action["domain"]))


@tagged("post_install", "-at_install")
class TestCouriers(SignCommon):
    def test_chinese_couriers_have_tracking_urls(self):
        for xmlid, code in COURIERS.items():
            carrier = self.env.ref(f"sale_order_ext.delivery_carrier_{xmlid}")
            self.assertIn(f"com={code}", carrier.tracking_url)
            self.assertIn("<shipmenttrackingnumber>", carrier.tracking_url)
        names = self.env.ref("sale_order_ext.delivery_carrier_sf").with_context(lang="zh_CN").name
        self.assertEqual(names, "顺丰速运")

    def test_tracking_number_links_on_delivery_and_order(self):
        order, picking = self._shipped_order()
        sf = self.env.ref("sale_order_ext.delivery_carrier_sf")
        picking.with_user(self.warehouse_user).write(
            {"carrier_id": sf.id, "carrier_tracking_ref": "SF1234567890"}
        )
        url = "https://www.kuaidi100.com/chaxun?com=shunfeng&nu=SF1234567890"
        self.assertEqual(picking.carrier_tracking_url, url)
        self.assertIn(
            'href="https://www.kuaidi100.com/chaxun?com=shunfeng&amp;nu=SF1234567890"',
            picking.carrier_tracking_link,
        )
        self.assertIn(">SF1234567890</a>", picking.carrier_tracking_link)
        # the salesperson sees the link on his order
        link = order.with_user(self.salesman).delivery_tracking_link
        self.assertIn(">SF1234567890</a>", link)
        self.assertIn("SF Express", link)

    def test_tracking_number_with_spaces_is_refused(self):
        __, picking = self._shipped_order()
        sf = self.env.ref("sale_order_ext.delivery_carrier_sf")
        picking.with_user(self.warehouse_user).carrier_id = sf
        for ref in ("SF 1234567890", "SF1234567890 ", "SF\t123"):
            with self.assertRefused(ValidationError, "contains spaces"):
                picking.with_user(self.warehouse_user).write(
                    {"carrier_tracking_ref": ref, "note": "changed"}
                )
            picking.invalidate_recordset()
            self.assertFalse(picking.carrier_tracking_ref)
            self.assertFalse(picking.note)
        with self.assertRefused(ValidationError, "包含空格"):
            picking.with_user(self.warehouse_user).with_context(lang="zh_CN").write(
                {"carrier_tracking_ref": "SF 1"}
            )
