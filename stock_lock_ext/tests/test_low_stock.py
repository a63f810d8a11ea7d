from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import StockLockCommon


@tagged("post_install", "-at_install")
class TestLowStockAlerts(StockLockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Alert = cls.env["stock.low.alert"]
        cls.category = cls.env["product.category"].create({"name": "杯具", "safety_stock_qty": 5})
        cls.buyer = cls.env["res.users"].create(
            {
                "name": "采购员小王",
                "login": "lock_buyer",
                "lang": "zh_CN",
                "groups_id": [(6, 0, [cls.env.ref("stock.group_stock_user").id])],
            }
        )
        # 10 on hand, safety stock 12 -> alert; category default 5 -> no alert with 10
        cls.product.write({"safety_stock_qty": 12, "max_stock_qty": 30})
        cls.product.product_tmpl_id.with_company(cls.company).responsible_id = cls.buyer
        cls.product_b.categ_id = cls.category
        cls.empty = cls._create_product("保温杯 LOCK-C", 0, categ_id=cls.category.id)
        cls.empty.product_tmpl_id.with_company(cls.company).responsible_id = False
        cls.company.stock_alert_group_id = cls.env.ref("stock.group_stock_manager")
        cls.manager = cls.env["res.users"].create(
            {
                "name": "仓库主管",
                "login": "lock_wh_manager",
                "groups_id": [(6, 0, [cls.env.ref("stock.group_stock_manager").id])],
            }
        )

    def _run(self):
        self.env["ir.config_parameter"].sudo().set_param("stock_lock_ext.low_stock_cursor", "0")
        self.Alert._cron_check_low_stock()

    def _alerts(self, product):
        return self.Alert.search([("product_id", "=", product.id), ("state", "=", "open")])

    def test_thresholds_reject_bad_input(self):
        for value in (-1, "abc", "1e", True):
            with self.assertRaises(ValidationError):
                self.product.write({"safety_stock_qty": value})
            with self.assertRaises(ValidationError):
                self.category.write({"safety_stock_qty": value})
        with self.assertRaises(ValidationError):
            self.product.write({"safety_stock_qty": 10, "max_stock_qty": 5})
        with self.assertRaises(ValidationError):
            self.env["stock.safety.threshold"].create(
                {"product_id": self.product.id, "warehouse_id": self.warehouse.id, "min_qty": -3}
            )
        self.product.write({"safety_stock_qty": "7.5"})  # a numeric string is a number
        self.assertEqual(self.product.safety_stock_qty, 7.5)

    def test_alert_created_once_with_figures_and_resolved(self):
        self._run()
        alert = self._alerts(self.product)
        self.assertEqual(len(alert), 1)
        self.assertEqual((alert.min_qty, alert.on_hand, alert.available), (12, 10, 10))
        self.assertEqual(alert.suggested_qty, 20, "up to the maximum 30")
        self.assertEqual(alert.buyer_id, self.buyer)
        empty_alert = self._alerts(self.empty)
        self.assertEqual(
            (empty_alert.min_qty, empty_alert.available, empty_alert.suggested_qty), (5, 0, 5)
        )
        self.assertFalse(self._alerts(self.product_b), "10 on hand is above the category's 5")
        # rerun: nothing new, nothing duplicated
        count = self.Alert.search_count([])
        self._run()
        self.assertEqual(self.Alert.search_count([]), count)
        # a lock lowers what is available: the open alert is updated, not duplicated
        self.company.sale_review_required = True
        self._create_order([(self.product, 4)]).action_submit_review()
        self._run()
        self.assertEqual(len(self._alerts(self.product)), 1)
        self.assertEqual((alert.locked, alert.available, alert.suggested_qty), (4, 6, 24))
        # stock recovers: the alert resolves itself
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock_location, 20)
        self._run()
        self.assertEqual(alert.state, "resolved")
        self.assertFalse(self._alerts(self.product))

    def test_warehouse_threshold_overrides(self):
        self.env["stock.safety.threshold"].create(
            {"product_id": self.product_b.id, "warehouse_id": self.warehouse.id, "min_qty": 15}
        )
        self.env["stock.safety.threshold"].create(
            {"product_id": self.product.id, "warehouse_id": self.warehouse.id, "min_qty": 0}
        )
        self._run()
        self.assertEqual(self._alerts(self.product_b).min_qty, 15)
        self.assertFalse(self._alerts(self.product), "0 in the warehouse switches the alert off")

    def test_incoming_shown_separately(self):
        supplier = self.env.ref("stock.stock_location_suppliers")
        receipt = self.env["stock.move"].create(
            {
                "name": "in",
                "product_id": self.empty.id,
                "product_uom_qty": 3,
                "product_uom": self.empty.uom_id.id,
                "location_id": supplier.id,
                "location_dest_id": self.stock_location.id,
            }
        )
        receipt._action_confirm()
        self._run()
        alert = self._alerts(self.empty)
        self.assertEqual((alert.available, alert.incoming, alert.suggested_qty), (0, 3, 2))

    def test_one_digest_activity_per_buyer(self):
        self._run()
        activity_type = self.env.ref("stock_lock_ext.mail_activity_type_low_stock")
        activities = self.env["mail.activity"].search([("activity_type_id", "=", activity_type.id)])
        self.assertEqual(
            activities.filtered(lambda a: a.user_id == self.buyer).summary,
            "1 条库存预警待处理",
        )
        self.assertEqual(len(activities.filtered(lambda a: a.user_id == self.buyer)), 1)
        # product without responsible -> the company's buyers group
        self.assertIn(self.manager, activities.user_id)
        self._run()
        again = self.env["mail.activity"].search([("activity_type_id", "=", activity_type.id)])
        self.assertEqual(again, activities, "rerun creates no new activity")
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock_location, 20)
        self._run()
        self.assertFalse(
            self.env["mail.activity"].search(
                [("activity_type_id", "=", activity_type.id), ("user_id", "=", self.buyer.id)]
            ),
            "no open alert left for the buyer: the digest is gone",
        )

    def test_rfq_from_alert(self):
        self._run()
        alert = self._alerts(self.product)
        # the suite installs purchase next to the addons (scripts/common.sh EXTRA_MODULES)
        self.assertTrue(
            self.Alert._purchase_installed(), "purchase must be installed for this test"
        )
        with self.assertRaises(UserError):
            alert.action_create_rfq()  # no vendor
        vendor = self.env["res.partner"].create({"name": "宁波供应商"})
        self.product.write({"seller_ids": [(0, 0, {"partner_id": vendor.id, "price": 18})]})
        action = alert.action_create_rfq()
        rfq = self.env["purchase.order"].browse(action["res_id"])
        self.assertEqual(rfq.partner_id, vendor)
        self.assertEqual(rfq.order_line.product_qty, 20)
        with patch.object(type(self.Alert), "_purchase_installed", lambda self: False):
            with self.assertRaises(UserError):
                alert.action_create_rfq()

    def test_rfq_button_only_for_purchase_users(self):
        self._run()
        vendor = self.env["res.partner"].create({"name": "义乌供应商"})
        self.product.write({"seller_ids": [(0, 0, {"partner_id": vendor.id, "price": 18})]})
        purchaser = self.env["res.users"].create(
            {
                "name": "采购员小李",
                "login": "lock_purchaser",
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            self.env.ref("stock.group_stock_user").id,
                            self.env.ref("purchase.group_purchase_user").id,
                        ],
                    )
                ],
            }
        )

        def has_button(user):
            views = self.Alert.with_user(user).get_views([(False, "list"), (False, "form")])[
                "views"
            ]
            return all("action_create_rfq" in v["arch"] for v in views.values())

        self.assertTrue(has_button(purchaser))
        self.assertFalse(has_button(self.buyer), "a stock user without purchase rights")
        alert = self._alerts(self.product)
        self.assertTrue(alert.with_user(purchaser).can_create_rfq)
        self.assertFalse(alert.with_user(self.buyer).can_create_rfq)
        action = alert.with_user(purchaser).action_create_rfq()
        rfq = self.env["purchase.order"].browse(action["res_id"])
        self.assertEqual(rfq.partner_id, vendor)
        with self.assertRaises(AccessError):
            alert.with_user(self.buyer).action_create_rfq()

    def test_stock_user_reads_alerts_but_cannot_write(self):
        self._run()
        alert = self._alerts(self.product).with_user(self.stock_user)
        self.assertEqual(alert.min_qty, 12)
        with self.assertRaises(AccessError):
            alert.write({"min_qty": 1})
