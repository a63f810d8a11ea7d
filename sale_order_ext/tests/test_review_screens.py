from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.sale_order_ext.models.sale_order import SALE_FLOW_STATE

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestReviewScreens(SaleOrderExtCommon):
    """The review screens say the truth: the banners shown are those of the order's state, the
    steps say what they are about now, 已驳回 sits after 待审核 in the statusbar."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.company.sale_review_required = True
        cls._set_severity("blocking", "line_price")

    def _banners(self, order, user):
        """The texts of the form's alerts the user sees on this order (their `invisible`
        expressions evaluated on his read of the order)."""
        order = order.with_user(user).with_context(lang="en_US")
        arch = order.get_views([(False, "form")])["views"]["form"]["arch"]
        alerts = etree.fromstring(arch).xpath("//div[contains(@class, 'o_sale_review_banner')]")
        names = ["approval_state", "review_has_blocking", "terms_changed", "state"]
        order.invalidate_recordset()  # as a new request reads it
        values = order.read(names)[0]
        shown = []
        for alert in alerts:
            if not safe_eval(alert.get("invisible", "False"), values):
                shown.append(" ".join("".join(alert.itertext()).split()))
        return shown

    def _order_below_floor(self):
        # cost 30: 20 is below the floor, a blocking price check
        return self._create_order(lines=[(self.product, 2, 20.0)])

    def test_banners_follow_the_state(self):
        order = self._order_below_floor()
        banners = self._banners(order, self.salesman)
        self.assertEqual(len(banners), 1, banners)
        self.assertIn("blocking issues", banners[0])

        order.with_user(self.salesman).action_submit_review()
        banners = self._banners(order, self.approver)
        self.assertEqual(len(banners), 2, banners)
        self.assertIn("Waiting for review", " ".join(banners))

        order.with_user(self.approver).action_reject_with_reason("价格太低, 请重新报价")
        order.invalidate_recordset()
        for user in (self.salesman, self.manager):
            banners = self._banners(order, user)
            self.assertEqual(len(banners), 1, banners)
            self.assertIn("Rejected", banners[0])
            self.assertNotIn("blocking issues", banners[0])
        rejection = order.with_user(self.salesman).review_rejection
        self.assertIn(self.approver.name, rejection)
        self.assertIn("价格太低, 请重新报价", rejection)

        # fixed and submitted again: waiting, nothing blocking; approved: no banner
        order.with_user(self.salesman).order_line.price_unit = 59.0
        order.with_user(self.salesman).action_submit_review()
        banners = self._banners(order, self.salesman)
        self.assertEqual(len(banners), 1, banners)
        self.assertIn("Waiting for review", banners[0])
        order.with_user(self.approver).action_approve()
        self.assertEqual(self._banners(order, self.salesman), [])
        self.assertFalse(order.with_user(self.salesman).review_rejection)

    def test_rejected_change_of_a_confirmed_order_stays_held(self):
        order = self._create_order()
        order.with_user(self.salesman).action_submit_review()
        order.with_user(self.approver).action_approve()
        self.assertEqual(order.state, "sale")
        order.with_user(self.salesman).order_line.product_uom_qty = 5
        self.assertEqual(order.approval_state, "to_review")
        order.with_user(self.approver).action_reject_with_reason("数量不对")
        banners = self._banners(order, self.salesman)
        self.assertEqual(len(banners), 2, banners)
        self.assertIn("Rejected", banners[0])
        self.assertIn("can't be delivered or invoiced", banners[1])

    def test_pending_override_follows_the_current_figures(self):
        order = self._order_below_floor()
        order.with_user(self.salesman).action_submit_review()
        step = order.approval_ids.filtered("check_code")
        as_salesman = step.with_user(self.salesman)
        self.assertIn("below its floor 30.00", as_salesman.current_name)
        # the cost changes while the order waits (no change of the order's terms)
        self.product.standard_price = 25.0
        step.invalidate_recordset()
        self.assertIn("below its floor 25.00", as_salesman.current_name)
        self.assertNotIn("30.00", as_salesman.current_name)
        self.product.standard_price = 15.0
        step.invalidate_recordset()
        self.assertIn("no longer needed", as_salesman.current_name)
        # the approval keeps what was decided on, whatever the figures do next
        self.product.standard_price = 25.0
        step.invalidate_recordset()
        order.with_user(self.approver).action_approve_with_reason("老客户, 特价")
        self.assertEqual(step.state, "approved")
        self.product.standard_price = 22.0
        step.invalidate_recordset()
        self.assertIn("below its floor 25.00", as_salesman.current_name)
        self.assertEqual(as_salesman.current_name, step.name)
        logged = [str(body) for body in order.message_ids.mapped("body")]
        self.assertTrue(any("below its floor 25.00" in body for body in logged), logged)

    def test_rejected_sits_after_pending_review_in_the_statusbar(self):
        codes = [code for code, __ in SALE_FLOW_STATE]
        self.assertEqual(codes.index("rejected"), codes.index("to_review") + 1)
        order = self._order_below_floor()
        order.with_user(self.salesman).action_submit_review()
        order.with_user(self.approver).action_reject_with_reason("价格太低")
        arch = order.with_user(self.salesman).get_views([(False, "form")])["views"]["form"]["arch"]
        [bar] = etree.fromstring(arch).xpath("//header/field[@name='flow_state']")
        self.assertEqual(bar.get("widget"), "statusbar")
        self.assertNotIn("rejected", bar.get("statusbar_visible"))  # only when it is the state
        selection = order._fields["flow_state"]._description_selection(order.env)
        self.assertEqual(
            [code for code, __ in selection][:4], ["draft", "to_review", "rejected", "approved"]
        )
