from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.sale_order_ext.hooks import adopt_confirmed_orders

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestInstallAdoption(SaleOrderExtCommon):
    """Orders confirmed before the install count as approved on the terms they have then."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse_user = new_test_user(
            cls.env, login="jxc_ad_wh", groups="stock.group_stock_user"
        )
        cls.finance = new_test_user(
            cls.env, login="jxc_ad_fin", groups="account.group_account_invoice"
        )

    def _confirmed_before_install(self, **vals):
        """An order as Odoo left it before the install: confirmed, never reviewed."""
        order = self._create_order(**vals)
        order.action_submit_review()  # no review required: approved and confirmed
        self.assertEqual(order.state, "sale")
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order SET approval_state = 'draft', approved_terms = NULL, "
                "approved_by_id = NULL, approved_date = NULL WHERE id = %s",
                order.id,
            )
        )
        self.env.cr.execute(SQL("DELETE FROM sale_order_approval WHERE order_id = %s", order.id))
        self.env.invalidate_all()
        return order

    def test_confirmed_orders_go_on_after_the_install(self):
        self.company.partner_id.lang = "en_US"
        order = self._confirmed_before_install()
        quotation = self._create_order()
        picking = order.picking_ids
        picking.action_assign()
        picking.move_ids.quantity = 2
        # teeth: without the adoption this is the stuck order of the issue
        with self.assertRaisesRegex(UserError, order.name):
            picking.with_user(self.warehouse_user).button_validate()

        adopt_confirmed_orders(self.env)

        self.assertEqual(order.approval_state, "approved")
        self.assertEqual(order.flow_state, "approved")
        self.assertFalse(order.approved_by_id)
        self.assertEqual(order.sudo().approved_terms, order._review_terms())
        step = order.approval_ids
        self.assertEqual(len(step), 1)
        self.assertEqual((step.state, step.user_id.id), ("approved", False))
        self.assertEqual(step.name, "Confirmed before install")
        self.assertIn("approved by the system", order.message_ids[0].body)
        # quotations are left to the new flow
        self.assertEqual((quotation.state, quotation.approval_state), ("draft", "draft"))
        self.assertEqual(quotation.flow_state, "draft")

        # deliveries, down payments and invoices proceed
        picking.with_user(self.warehouse_user).button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.flow_state, "shipped")
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_user(self.salesman)
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "percentage", "amount": 10})
        )
        wizard.create_invoices()
        invoice = order.with_user(self.finance)._create_invoices(final=True)
        invoice.with_user(self.finance).action_post()
        self.assertEqual(invoice.state, "posted")

        # a later change of its terms enters review like any approved order
        self.company.sale_review_required = True
        order.order_line.filtered(lambda ln: not ln.is_downpayment).with_user(
            self.salesman
        ).price_unit = 99
        self.assertEqual(order.approval_state, "to_review")
        self.assertEqual(order.approval_ids.filtered(lambda a: a.state == "approved"), step)

    def test_notes_in_the_company_language_and_once(self):
        self.company.partner_id.lang = "zh_CN"
        order = self._confirmed_before_install()
        adopt_confirmed_orders(self.env)
        self.assertEqual(order.approval_ids.name, "安装前已确认")
        self.assertIn("系统", order.message_ids[0].body)
        # a second run (an upgrade, a re-install) adopts nothing twice
        adopt_confirmed_orders(self.env)
        self.assertEqual(len(order.approval_ids), 1)

    def test_cancelled_and_pending_orders_are_not_adopted(self):
        cancelled = self._confirmed_before_install()
        cancelled._action_cancel()
        self.company.sale_review_required = True
        pending = self._create_order()
        pending.action_submit_review()
        self.assertEqual(pending.approval_state, "to_review")
        adopt_confirmed_orders(self.env)
        self.assertEqual((cancelled.state, cancelled.approval_state), ("cancel", "draft"))
        self.assertFalse(cancelled.approval_ids)
        self.assertEqual(pending.approval_state, "to_review")
