from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestRoleHome(SaleOrderExtCommon):
    """Each role lands in its work: the home action follows the user's role, never one chosen
    for him."""

    def _home(self, user):
        return user.action_id.id

    def _action(self, xmlid):
        return self.env.ref(xmlid).id

    def test_each_role_gets_its_home_action(self):
        cases = {
            "sales_team.group_sale_salesman": "sale.action_quotations_with_onboarding",
            "sale_order_ext.group_sale_approver": "sale_order_ext.action_orders_to_review",
            "stock.group_stock_user": "stock.method_action_picking_tree_outgoing",
            "account.group_account_invoice": "account.action_move_out_invoice_type",
        }
        for group, action in cases.items():
            user = new_test_user(self.env, login=f"home_{group}", groups=f"base.group_user,{group}")
            self.assertEqual(self._home(user), self._action(action), group)
        # the salesperson and the approver from the fixtures, too
        self.assertEqual(
            self._home(self.salesman), self._action("sale.action_quotations_with_onboarding")
        )
        self.assertEqual(
            self._home(self.approver), self._action("sale_order_ext.action_orders_to_review")
        )

    def test_home_follows_a_new_role_but_not_a_chosen_one(self):
        user = new_test_user(self.env, login="home_grow", groups="sales_team.group_sale_salesman")
        self.assertEqual(self._home(user), self._action("sale.action_quotations_with_onboarding"))
        # promoted to approver from the user form (the groups' reified fields)
        approver = self.env.ref("sale_order_ext.group_sale_approver")
        user.write({"groups_id": [Command.link(approver.id)]})
        self.assertEqual(self._home(user), self._action("sale_order_ext.action_orders_to_review"))
        # the user picks his own home action (a field of his preferences): it stays
        user.with_user(user).write({"action_id": self.env.ref("sale.action_orders").id})
        chosen = self._action("sale.action_orders")
        self.assertEqual(self._home(user), chosen)
        user.write({"groups_id": [Command.unlink(approver.id)]})
        self.assertEqual(self._home(user), chosen)
        # an internal user without any role, and an administrator, keep Odoo's home menu
        plain = new_test_user(self.env, login="home_plain", groups="base.group_user")
        self.assertFalse(plain.action_id)
        admin = new_test_user(
            self.env, login="home_admin", groups="base.group_system,sales_team.group_sale_salesman"
        )
        self.assertFalse(admin.action_id)

    def test_losing_the_role_clears_the_home_set_for_it(self):
        user = new_test_user(self.env, login="home_lose", groups="stock.group_stock_user")
        self.assertEqual(
            self._home(user), self._action("stock.method_action_picking_tree_outgoing")
        )
        user.write({"groups_id": [Command.set([self.env.ref("base.group_user").id])]})
        self.assertFalse(user.action_id)
