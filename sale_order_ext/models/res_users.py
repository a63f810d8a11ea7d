from odoo import api, models

# 进销存 roles and where each lands (its home action), first match wins: (groups the user must
# all have, action). Extended by other addons through _role_home_actions().
ROLE_HOME_ACTIONS = [
    (("sale_order_ext.group_sale_approver",), "sale_order_ext.action_orders_to_review"),
    (("account.group_account_invoice",), "account.action_move_out_invoice_type"),
    (("stock.group_stock_user",), "stock.method_action_picking_tree_outgoing"),
    (("sales_team.group_sale_salesman",), "sale.action_quotations_with_onboarding"),
]


class ResUsers(models.Model):
    _inherit = "res.users"

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._update_role_home_action()
        return users

    def write(self, vals):
        res = super().write(vals)
        if any(key == "groups_id" or key.startswith(("in_group_", "sel_groups_")) for key in vals):
            self._update_role_home_action()
        return res

    # ------------------------------------------------------------------ business methods
    @api.model
    def _role_home_actions(self):
        """[(group xmlids, action xmlid)] in priority order; extend with super()."""
        return list(ROLE_HOME_ACTIONS)

    def _update_role_home_action(self):
        """Each role lands in its work: an internal user without a home action of his own gets
        the one of his first role (administrators keep Odoo's home menu). A home action a user
        or an administrator chose is kept; one set here follows the user's roles."""
        roles = []
        for group_xmlids, action_xmlid in self._role_home_actions():
            groups = [self.env.ref(x, raise_if_not_found=False) for x in group_xmlids]
            action = self.env.ref(action_xmlid, raise_if_not_found=False)
            if action and all(groups):
                # home actions point to ir.actions.actions, whatever the action's own model
                roles.append((groups, self.env["ir.actions.actions"].browse(action.id)))
        if not roles:
            return
        ours = {action.id for __, action in roles}
        system = self.env.ref("base.group_system")
        for user in self.sudo().filtered(lambda u: not u.share):
            if user.action_id and user.action_id.id not in ours:
                continue  # chosen by someone: leave it
            target = self.env["ir.actions.actions"]
            if system not in user.groups_id:
                target = next(
                    (
                        action
                        for groups, action in roles
                        if all(group in user.groups_id for group in groups)
                    ),
                    target,
                )
            if user.action_id != target:
                user.action_id = target
