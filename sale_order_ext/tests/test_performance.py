import logging

from odoo.tests import tagged

from odoo.addons.sale_order_ext.models.sale_order import REVIEW_TOKEN

from .common import SaleOrderExtCommon, count_queries

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestReviewQueryBudget(SaleOrderExtCommon):
    """Submit + (auto-)approve + confirm vs. Odoo's plain action_confirm, same orders."""

    def _plain_confirm(self, order):
        # what Odoo does without this addon: action_confirm on an order nobody reviewed
        order.with_context(sale_order_ext_review=REVIEW_TOKEN).write(
            {"approval_state": "approved", "approved_terms": order._review_terms()}
        )
        return count_queries(self.env, order.action_confirm)

    def test_submit_approve_confirm_budget(self):
        # a product without stock tracking: this measures the review; stock_lock_ext measures
        # its (flat) lock cost on storable lines in its own test
        self.product = self.env["product.product"].create(
            {"name": "安装服务包", "type": "consu", "list_price": 59.0, "standard_price": 30.0}
        )
        # warm up both paths (first calls fill registry-level caches)
        self._plain_confirm(
            self._create_order(lines=[(self.product, 1, 59.0)], client_order_ref="W1")
        )
        self._create_order(
            lines=[(self.product, 1, 59.0)], client_order_ref="W2"
        ).action_submit_review()
        extra = {}
        for run in ("warmup", "measure"):  # like @warmup: only the second pass counts
            for n in (1, 10, 50):
                lines = [(self.product, 1, 59.0)] * n
                plain = self._plain_confirm(
                    self._create_order(lines=lines, client_order_ref=f"P{run}{n}")
                )
                order = self._create_order(lines=lines, client_order_ref=f"R{run}{n}")
                reviewed = count_queries(self.env, order.action_submit_review)
                self.assertEqual(order.state, "sale")
                extra[n] = reviewed - plain
                if run == "measure":
                    _logger.info(
                        "FIGURE review_overhead_queries lines=%s plain=%s reviewed=%s extra=%s",
                        n,
                        plain,
                        reviewed,
                        extra[n],
                    )
        self.assertLessEqual(max(extra.values()), 10, extra)
        self.assertLessEqual(
            max(extra.values()) - min(extra.values()), 2, f"no per-line growth: {extra}"
        )
