from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestReviewFlow(SaleOrderExtCommon):
    def test_submit_without_rules_approves_and_confirms(self):
        order = self._create_order()
        self.assertEqual(order.flow_state, "draft")
        order.action_submit_review()
        self.assertEqual(order.approval_state, "approved")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.flow_state, "approved")
        self.assertFalse(order.approved_by_id, "approved automatically")
        self.assertTrue(order.picking_ids, "approval confirms the order the normal Odoo way")

    def test_nothing_to_route_spares_the_checklist(self):
        """No rule and no blocking check: the submission is approved without computing the
        checklist (the form computes it live); a blocking check routes it through it again."""
        SaleOrder = type(self.env["sale.order"])
        original, calls = SaleOrder._get_review_results, []

        def spy(orders, configs=None):
            calls.append(orders.ids)
            return original(orders, configs)

        below_cost = self._create_order(lines=[(self.product, 2, 10.0)])  # cost 30: a warning
        with patch.object(SaleOrder, "_get_review_results", spy):
            below_cost.action_submit_review()
        self.assertEqual((below_cost.state, calls), ("sale", []))
        self.assertTrue(below_cost.review_has_warning, "the form still shows the warning")
        self._set_severity("blocking", "line_price")
        blocked = self._create_order(lines=[(self.product, 2, 10.0)])
        with patch.object(SaleOrder, "_get_review_results", spy):
            blocked.action_submit_review()
        self.assertEqual(calls, [blocked.ids])
        self.assertEqual(
            (blocked.approval_state, blocked.approval_ids.check_code), ("to_review", "line_price")
        )

    def test_review_required_waits_for_an_approver(self):
        self.company.sale_review_required = True
        order = self._create_order()
        order.action_submit_review()
        self.assertEqual(
            (order.approval_state, order.state, order.flow_state),
            ("to_review", "draft", "to_review"),
        )
        activity = order.activity_ids.filtered(lambda a: a.user_id == self.approver)
        self.assertTrue(activity, "the approvers of the level get an activity")
        self.assertNotIn(self.salesman, order.activity_ids.user_id)
        with self.assertRaises(AccessError):
            order.action_approve()  # the salesman is not an approver
        self.assertTrue(order.with_user(self.approver).can_approve)
        self.assertIn(
            order,
            self.env["sale.order"].with_user(self.approver).search([("can_approve", "=", True)]),
        )
        order.with_user(self.approver).action_approve()
        self.assertEqual(
            (order.approval_state, order.state, order.flow_state), ("approved", "sale", "approved")
        )
        self.assertEqual(order.approved_by_id, self.approver)
        self.assertTrue(order.approved_date)
        self.assertTrue(order.message_ids.filtered(lambda m: self.approver.name in (m.body or "")))

    def test_reject_needs_a_reason_and_the_order_can_be_resubmitted(self):
        self.company.sale_review_required = True
        order = self._create_order()
        order.action_submit_review()
        as_approver = order.with_user(self.approver)
        action = as_approver.action_reject()
        self.assertEqual(action["res_model"], "sale.order.review.wizard")
        with self.assertRaises(UserError):
            as_approver.action_reject_with_reason("  ")
        as_approver.action_reject_with_reason("价格太低")
        self.assertEqual(
            (order.approval_state, order.flow_state, order.state), ("rejected", "rejected", "draft")
        )
        self.assertEqual(order.approval_ids.mapped("state"), ["rejected"])
        self.assertEqual(order.approval_ids.reason, "价格太低")
        self.assertIn(self.salesman, order.activity_ids.user_id, "the salesperson is told")
        self.assertNotIn(
            self.approver, order.activity_ids.user_id, "the approvers' to-do is closed"
        )
        order.order_line.price_unit = 65
        order.action_submit_review()
        self.assertEqual(order.approval_state, "to_review")

    def test_levels_are_approved_in_sequence_by_their_groups(self):
        self.env["sale.approval.rule"].create(
            [
                {
                    "name": "L1",
                    "sequence": 5,
                    "min_amount": 1,
                    "group_id": self.env.ref("sale_order_ext.group_sale_approver").id,
                },
                {
                    "name": "L2",
                    "sequence": 10,
                    "min_amount": 100,
                    "group_id": self.env.ref("sales_team.group_sale_manager").id,
                },
            ]
        )
        order = self._create_order(lines=[(self.product, 10, 59.0)])
        order.action_submit_review()
        self.assertEqual(order.approval_ids.mapped("name"), ["L1", "L2"])
        with self.assertRaises(AccessError):
            order.with_user(self.manager).action_approve()  # L2 is not the current level yet
        order.with_user(self.approver).action_approve()
        self.assertEqual(order.approval_state, "to_review")
        with self.assertRaises(AccessError):
            order.with_user(self.approver).action_approve()  # L2 belongs to the sales managers
        order.with_user(self.manager).action_approve()
        self.assertEqual((order.approval_state, order.state), ("approved", "sale"))
        self.assertEqual(order.approved_by_id, self.manager)

    def test_blocking_check_needs_an_override_with_reason(self):
        self._set_severity("blocking", "line_price")
        order = self._create_order(lines=[(self.product, 2, 10.0)])  # below cost 30
        order.action_submit_review()
        self.assertEqual(order.approval_state, "to_review")
        self.assertTrue(order.review_has_blocking)
        step = order.approval_ids
        self.assertEqual(step.check_code, "line_price")
        action = order.with_user(self.approver).action_approve()
        self.assertEqual(action["res_model"], "sale.order.review.wizard")
        with self.assertRaises(UserError):
            order.with_user(self.approver).action_approve_with_reason("")
        wizard = (
            self.env["sale.order.review.wizard"]
            .with_user(self.approver)
            .create({"order_id": order.id, "action": "approve", "reason": "清仓处理"})
        )
        wizard.action_done()
        self.assertEqual((order.approval_state, order.state), ("approved", "sale"))
        self.assertEqual(step.reason, "清仓处理")
        self.assertEqual(step.user_id, self.approver)

    def test_self_approval_is_refused_unless_allowed(self):
        self.company.sale_review_required = True
        order = self._create_order(user=self.approver)
        order.action_submit_review()
        with self.assertRaises(UserError):
            order.with_user(self.approver).action_approve()
        self.company.sale_allow_self_approval = True
        order.with_user(self.approver).action_approve()
        self.assertEqual(order.state, "sale")

    def test_changing_an_approved_order_sends_it_back_to_review(self):
        order = self._create_order()
        order.action_submit_review()
        self.assertEqual(order.flow_state, "approved")
        self.company.sale_review_required = True
        order.order_line.product_uom_qty = 5
        self.assertEqual((order.approval_state, order.flow_state), ("to_review", "to_review"))
        self.assertEqual(order.state, "sale", "Odoo's own state is kept: the order stays confirmed")
        self.assertFalse(order.approved_by_id)
        order.with_user(self.approver).action_approve()
        self.assertEqual(order.flow_state, "approved")

    def test_increase_only_policy(self):
        self.company.sale_rereview_policy = "increase"
        order = self._create_order(lines=[(self.product, 5, 59.0)])
        order.action_submit_review()
        self.company.sale_review_required = True
        order.order_line.product_uom_qty = 3
        self.assertEqual(order.approval_state, "approved", "a decrease needs no review")
        order.order_line.discount = 20
        self.assertEqual(order.approval_state, "to_review")

    def test_cancel_and_copy(self):
        order = self._create_order()
        order.action_submit_review()
        copy = order.copy()
        self.assertEqual(
            (copy.state, copy.approval_state, copy.flow_state), ("draft", "draft", "draft")
        )
        self.assertFalse(copy.approved_by_id or copy.approval_ids)
        order._action_cancel()
        self.assertEqual(order.flow_state, "cancel")
