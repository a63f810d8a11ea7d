"""Every path that could turn an unapproved order into a confirmed one, as a salesman."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestReviewBypass(SaleOrderExtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sale_review_required = True

    def setUp(self):
        super().setUp()
        self.order = self._create_order()

    def assertNotConfirmed(self, order):
        self.assertEqual(order.state, "draft")
        self.assertNotEqual(order.approval_state, "approved")
        self.assertFalse(order.picking_ids)

    def test_confirm_routes_into_review(self):
        """Odoo's Confirm submits the order, like purchase's button_confirm goes 'to approve'."""
        self.order.action_confirm()
        self.assertEqual(self.order.approval_state, "to_review")
        self.assertNotConfirmed(self.order)
        self.order.action_confirm()  # again: still waiting, nothing else happens
        self.assertEqual(len(self.order.approval_ids), 1)
        with self.assertRaisesRegex(UserError, "未审核|not approved"):
            self.order.write({"state": "sale"})

    def test_write_state(self):
        with self.assertRaises(UserError):
            self.order.write({"state": "sale"})
        self.assertNotConfirmed(self.order)

    def test_create_confirmed(self):
        with self.assertRaises(UserError):
            self.env["sale.order"].with_user(self.salesman).create(
                {
                    "partner_id": self.customer.id,
                    "state": "sale",
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )

    def test_write_approval_fields(self):
        for vals in (
            {"approval_state": "approved"},
            {"approved_by_id": self.approver.id},
            {"approved_date": "2026-01-01 00:00:00"},
        ):
            with self.assertRaises(AccessError):
                self.order.write(vals)
        self.assertNotConfirmed(self.order)

    def test_forged_context(self):
        forged = self.order.with_context(sale_order_ext_review=True, sale_order_ext_review_token=1)
        with self.assertRaises(AccessError):
            forged.write({"approval_state": "approved", "state": "sale"})
        self.assertNotConfirmed(self.order)

    def test_approve_without_group(self):
        self.order.action_submit_review()
        with self.assertRaises(AccessError):
            self.order.action_approve()
        with self.assertRaises(AccessError):
            self.order.action_approve_with_reason("我自己批准")
        with self.assertRaises(AccessError):
            self.order.action_reject_with_reason("no")
        self.assertEqual(self.order.approval_state, "to_review")
        self.assertNotConfirmed(self.order)

    def test_approval_records_are_read_only(self):
        self.order.action_submit_review()
        step = self.order.approval_ids
        for user in (self.salesman, self.approver):
            with self.assertRaises(AccessError):
                step.with_user(user).write({"state": "approved"})
            with self.assertRaises(AccessError):
                self.env["sale.order.approval"].with_user(user).create(
                    {
                        "order_id": self.order.id,
                        "name": "x",
                        "group_id": step.group_id.id,
                        "state": "approved",
                    }
                )
        self.assertEqual(step.state, "pending")

    def test_copy_of_approved_order_starts_as_draft(self):
        self.order.action_submit_review()
        self.order.with_user(self.approver).action_approve()
        copy = self.order.copy()
        self.assertEqual((copy.state, copy.approval_state), ("draft", "draft"))
        self.assertNotConfirmed(copy)

    def test_import(self):
        result = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .load(
                ["partner_id/.id", "state", "approval_state"],
                [[str(self.customer.id), "sale", "approved"]],
            )
        )
        self.assertFalse(result["ids"])
        self.assertTrue(result["messages"])

    def test_sudo_and_portal_confirmation_leaves_the_order_pending(self):
        # what the portal signature / online payment do: confirm as superuser
        self.order.sudo().with_context(send_email=True).action_confirm()
        self.assertEqual(self.order.approval_state, "to_review")
        self.assertTrue(self.order.review_send_email, "the customer is mailed once approved")
        self.assertNotConfirmed(self.order)
        self.order.sudo().action_confirm()
        self.assertNotConfirmed(self.order)

    def test_other_company_order(self):
        other = self.env["res.company"].create({"name": "其他公司"})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "company_id": other.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        other.sale_review_required = True
        order.action_submit_review()
        with self.assertRaises(AccessError):
            order.with_user(self.approver).action_approve()
        self.assertEqual(order.approval_state, "to_review")
