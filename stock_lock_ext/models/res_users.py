from odoo import api, models


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _role_home_actions(self):
        """The buyer (Purchase rights, optional module, and Inventory rights) lands in 库存预警,
        before the warehouse role he also has."""
        roles = super()._role_home_actions()
        buyer = (
            ("purchase.group_purchase_user", "stock.group_stock_user"),
            "stock_lock_ext.action_stock_low_alert",
        )
        warehouse = next(
            (i for i, (groups, __) in enumerate(roles) if groups == ("stock.group_stock_user",)),
            len(roles),
        )
        roles.insert(warehouse, buyer)
        return roles
