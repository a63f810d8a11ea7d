from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestBuyerHome(TransactionCase):
    """The buyer (Purchase and Inventory rights) lands in 库存预警, the warehouse in 发货."""

    def test_buyer_lands_in_low_stock_alerts(self):
        alerts = self.env.ref("stock_lock_ext.action_stock_low_alert")
        buyer = new_test_user(
            self.env,
            login="home_buyer",
            groups="stock.group_stock_user,purchase.group_purchase_user",
        )
        self.assertEqual(buyer.action_id.id, alerts.id)
        warehouse = new_test_user(self.env, login="home_wh", groups="stock.group_stock_user")
        self.assertEqual(
            warehouse.action_id.id, self.env.ref("stock.method_action_picking_tree_outgoing").id
        )
        # the buyer reads his alerts with his own rights
        self.env["stock.low.alert"].with_user(buyer).search([], limit=1)
