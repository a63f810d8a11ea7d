"""Whoever a step is routed to can find, open and act on the order; others see what their rules allow."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestReviewRoles(SaleOrderExtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.finance = new_test_user(
            cls.env, login="jxc_finance_role", groups="account.group_account_invoice"
        )
        # an internal user without any sales right, in a group an admin routes reviews to
        cls.buyer_group = cls.env["res.groups"].create({"name": "采购审核 (测试)"})
        cls.buyer = new_test_user(cls.env, login="jxc_buyer_role", groups="base.group_user")
        cls.buyer.groups_id = [(4, cls.buyer_group.id)]
        cls.salesman_2 = new_test_user(
            cls.env, login="jxc_salesman_2", groups="sales_team.group_sale_salesman"
        )

    def _rule(self, group, **vals):
        return self.env["sale.approval.rule"].create(
            {"name": group.name, "min_amount": 1, "group_id": group.id, **vals}
        )

    def test_finance_group_approves_from_its_list(self):
        self._rule(self.env.ref("account.group_account_invoice"))
        order = self._create_order()
        order.with_user(self.salesman).action_submit_review()
        as_finance = self.env["sale.order"].with_user(self.finance)
        waiting = as_finance.search([("can_approve", "=", True)])
        self.assertIn(order, waiting)
        mine = waiting.filtered(lambda o: o == order)
        # the form reads the order, its lines and steps
        mine.read(["name", "approval_ids", "order_line", "review_check_html", "flow_state"])
        mine.approval_ids.read(["name", "state", "group_id"])
        mine.action_approve()
        self.assertEqual((order.state, order.approval_state), ("sale", "approved"))
        self.assertEqual(order.approved_by_id, self.finance)

    def test_group_without_sales_rights_reads_only_orders_waiting_for_it(self):
        self._rule(self.buyer_group)
        order = self._create_order()
        order.with_user(self.salesman).action_submit_review()
        other = self._create_order(lines=[(self.product_b, 1, 79.0)])  # not submitted
        as_buyer = self.env["sale.order"].with_user(self.buyer)
        self.assertEqual(as_buyer.search([("id", "in", (order | other).ids)]), order)
        with self.assertRaises(AccessError):
            other.with_user(self.buyer).read(["name"])
        order.with_user(self.buyer).action_approve()
        self.assertEqual(order.state, "sale")
        with self.assertRaises(AccessError):
            order.with_user(self.buyer).write({"note": "x"})

    def test_salesman_reads_steps_of_his_orders_only(self):
        self.company.sale_review_required = True
        mine = self._create_order()
        theirs = self._create_order(user=self.salesman_2)
        self.env["sale.order"].browse((mine | theirs).ids).action_submit_review()
        Approval = self.env["sale.order.approval"].with_user(self.salesman)
        visible = Approval.search([("order_id", "in", (mine | theirs).ids)])
        self.assertEqual(visible.order_id, mine)
        with self.assertRaises(AccessError):
            theirs.approval_ids.with_user(self.salesman).read(["name"])

    def test_every_approver_of_the_group_is_told(self):
        self.company.sale_review_required = True
        approvers = self.env["res.users"].create(
            [
                {
                    "name": f"审核员 {i}",
                    "login": f"jxc_many_approver_{i}",
                    "groups_id": [(6, 0, [self.env.ref("sale_order_ext.group_sale_approver").id])],
                }
                for i in range(25)
            ]
        )
        order = self._create_order()
        order.action_submit_review()
        told = order.activity_ids.user_id
        self.assertEqual(
            approvers - told, self.env["res.users"], "no cap on the number of approvers"
        )

    def test_reminders_walk_every_late_step_in_batches(self):
        self.company.write({"sale_review_required": True, "sale_review_reminder_hours": 2})
        orders = self.env["sale.order"]
        for __ in range(5):
            orders |= self._create_order()
        orders.action_submit_review()
        orders.activity_ids.unlink()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order_approval SET date_pending = now() - interval '3 hours'"
            " WHERE order_id = ANY(%s)",
            [orders.ids],
        )
        self.env.invalidate_all()
        SaleOrder = self.env["sale.order"]
        for __ in range(3):  # batches of 2: every order once, never the same first two again
            SaleOrder._cron_remind_pending_reviews(batch_size=2)
        reminded = orders.filtered(lambda o: self.approver in o.activity_ids.user_id)
        self.assertEqual(reminded, orders)
        self.assertEqual(len(orders.activity_ids.filtered(lambda a: a.user_id == self.approver)), 5)
        SaleOrder._cron_remind_pending_reviews(batch_size=2)
        self.assertEqual(
            len(orders.activity_ids.filtered(lambda a: a.user_id == self.approver)),
            5,
            "reminded once per N hours",
        )

    def test_core_reach_of_other_groups_is_kept(self):
        """Accounting and warehouse users read every order, as in core; a salesperson who is
        also a warehouse user still reads only his own (core's salesperson rule)."""
        self.company.sale_review_required = True
        theirs = self._create_order(user=self.salesman_2)
        self.env["sale.order"].browse(theirs.ids).action_submit_review()
        self.assertTrue(theirs.approval_ids)
        for user in (
            self.finance,
            new_test_user(self.env, "jxc_wh_role", "stock.group_stock_user"),
        ):
            theirs.with_user(user).check_access("read")
        both = new_test_user(
            self.env,
            "jxc_sales_wh_role",
            "sales_team.group_sale_salesman,stock.group_stock_user",
        )
        with self.assertRaises(AccessError):
            theirs.with_user(both).check_access("read")
        with self.assertRaises(AccessError):
            theirs.approval_ids.with_user(both).check_access("read")

    def test_finance_opens_a_shipped_order_and_invoices_it(self):
        """Finance (billing, no sales rights) reads an order whose delivery has a courier and
        creates its invoice with Odoo's 创建发票 wizard (found by the whole-flow browser walk)."""
        self.company.sale_review_required = False
        order = self._create_order()
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        picking = order.picking_ids
        carrier = self.env.ref("sale_order_ext.delivery_carrier_sf")
        picking.write({"carrier_id": carrier.id, "carrier_tracking_ref": "SF1400520131"})
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.button_validate()
        as_finance = order.with_user(self.finance)
        as_finance.invalidate_recordset()
        self.assertIn("SF1400520131", as_finance.delivery_tracking_link)
        self.assertIn("SF1400520131", picking.with_user(self.finance).carrier_tracking_link)
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_user(self.finance)
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "delivered"})
        )
        wizard.create_invoices()
        self.assertEqual(len(order.invoice_ids), 1)
        self.assertEqual(order.invoice_ids.amount_total, order.amount_total)
