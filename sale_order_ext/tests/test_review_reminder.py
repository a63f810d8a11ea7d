from odoo.tests import new_test_user, tagged

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestReviewReminderEscalation(SaleOrderExtCommon):
    """Orders waiting longer than N hours: the current level is reminded, the next one too
    when the company escalates, and reruns never duplicate the to-dos."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finance_group = cls.env["res.groups"].create({"name": "财务审核 (测试)"})
        cls.finance = new_test_user(cls.env, login="jxc_finance_l2", groups="base.group_user")
        cls.finance.groups_id = [(4, cls.finance_group.id)]
        cls.env["sale.approval.rule"].create(
            [
                {
                    "name": "销售主管",
                    "sequence": 5,
                    "min_amount": 1,
                    "group_id": cls.env.ref("sale_order_ext.group_sale_approver").id,
                },
                {
                    "name": "财务",
                    "sequence": 10,
                    "min_amount": 1,
                    "group_id": cls.finance_group.id,
                },
            ]
        )
        cls.company.sale_review_reminder_hours = 4
        cls.cron = cls.env.ref("sale_order_ext.ir_cron_sale_review_reminder")

    def _waiting_order(self, hours):
        order = self._create_order()
        order.action_submit_review()
        order.activity_ids.unlink()  # drop the submit notifications: only reminders count
        # the level has been waiting that long (the step's own date, not the order's)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order_approval SET date_pending = now() - make_interval(hours => %s)"
            " WHERE order_id = %s AND date_pending IS NOT NULL",
            [hours, order.id],
        )
        order.approval_ids.invalidate_recordset(["date_pending"])
        return order

    def _todo_users(self, order):
        activity_type = self.env.ref("sale_order_ext.mail_activity_type_sale_review")
        return order.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id

    def test_escalation_reaches_the_next_level_once(self):
        self.company.sale_review_escalate = True
        order = self._waiting_order(hours=5)
        self.cron.method_direct_trigger()
        users = self._todo_users(order)
        self.assertIn(self.approver, users)
        self.assertIn(self.finance, users, "escalated to the next level's group")
        count = len(order.activity_ids)
        self.cron.method_direct_trigger()
        self.assertEqual(len(order.activity_ids), count, "a rerun adds no to-do")

    def test_without_escalation_only_the_current_level(self):
        self.company.sale_review_escalate = False
        order = self._waiting_order(hours=5)
        self.cron.method_direct_trigger()
        users = self._todo_users(order)
        self.assertIn(self.approver, users)
        self.assertNotIn(self.finance, users)

    def test_recent_orders_are_not_reminded(self):
        self.company.sale_review_escalate = True
        order = self._waiting_order(hours=1)
        self.cron.method_direct_trigger()
        self.assertFalse(self._todo_users(order))
