from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestOnlinePayment(SaleOrderExtCommon):
    """A customer's online payment confirms orders through Odoo's payment post-processing
    (as superuser, `_check_amount_and_confirm_order`): an unapproved order goes to 待审核 instead."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env["payment.provider"].create(
            {
                "name": "测试支付",
                "code": "none",
                "state": "test",
                "is_published": True,
                "payment_method_ids": [
                    Command.set([cls.env.ref("payment.payment_method_unknown").id])
                ],
            }
        )
        cls.env.ref("payment.payment_method_unknown").active = True

    def _paid(self, order):
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                    "amount": order.amount_total,
                    "currency_id": order.currency_id.id,
                    "partner_id": order.partner_id.id,
                    "reference": f"PAY-{order.name}",
                    "operation": "online_redirect",
                    "sale_order_ids": [Command.set(order.ids)],
                }
            )
        )
        tx._set_done()
        # the order-side step of payment post-processing (_post_process without the
        # accounting part, which needs a bank journal wired to the provider)
        tx._check_amount_and_confirm_order()
        return tx

    def test_payment_leaves_order_pending_review(self):
        self.company.sale_review_required = True
        order = self._create_order()
        tx = self._paid(order)
        self.assertEqual(tx.state, "done")
        self.assertEqual(order.approval_state, "to_review")
        self.assertNotEqual(order.state, "sale", "a payment does not approve the order")
        self.assertEqual(order.flow_state, "to_review")

    def test_payment_confirms_when_nothing_needs_review(self):
        order = self._create_order()
        self._paid(order)
        self.assertEqual((order.approval_state, order.state), ("approved", "sale"))

    def test_paid_order_mails_the_customer_when_approved(self):
        """The payment's confirmation mail is not lost: it goes out when the approval confirms."""
        self.company.sale_review_required = True
        order = self._create_order()
        mailed = []
        sale_order_class = type(self.env["sale.order"])
        original = sale_order_class._send_order_confirmation_mail

        def record(orders):
            mailed.extend(orders.ids)
            return original(orders)

        with patch.object(sale_order_class, "_send_order_confirmation_mail", record):
            self._paid(order)
            self.assertEqual(order.approval_state, "to_review")
            self.assertFalse(mailed, "nothing confirmed yet")
            order.with_user(self.approver).action_approve()
        self.assertEqual((order.state, mailed), ("sale", order.ids))
        self.assertFalse(order.review_send_email)
