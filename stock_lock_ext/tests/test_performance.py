import logging

from odoo.tests import tagged

from odoo.addons.sale_order_ext.models.sale_order import REVIEW_TOKEN
from odoo.addons.sale_order_ext.tests.common import count_queries

from .common import StockLockCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestLockQueryCount(StockLockCommon):
    """Locking an order costs the same number of queries for 1, 10 and 50 lines."""

    def test_lock_queries_do_not_grow_with_lines(self):
        self.company.sale_review_required = True
        products = [self._create_product(f"批量产品 {i}", 100) for i in range(50)]
        locking, submitting = {}, {}
        for run in ("warmup", "measure"):  # like @warmup: only the second pass counts
            for n in (1, 10, 50):
                # the lock step alone, on an order already marked 待审核
                order = self._create_order([(p, 1) for p in products[:n]])
                order.with_context(sale_order_ext_review=REVIEW_TOKEN).write(
                    {"approval_state": "to_review"}
                )
                locking[n] = count_queries(self.env, order._stock_lock_sync)
                self.assertEqual(len(order.stock_lock_ids), n)
                # the whole submission (checklist, locks, approval steps)
                order = self._create_order([(p, 1) for p in products[:n]])
                submitting[n] = count_queries(self.env, order.action_submit_review)
                self.assertEqual(len(order.stock_lock_ids), n)
                self.assertEqual(order.approval_state, "to_review")
            if run == "measure":
                _logger.info("FIGURE lock_queries lines->queries %s", locking)
                _logger.info("FIGURE submit_with_lock_queries lines->queries %s", submitting)
        self.assertEqual(len(set(locking.values())), 1, f"no per-line growth: {locking}")
        self.assertLessEqual(
            max(submitting.values()) - min(submitting.values()),
            2,
            f"no per-line growth: {submitting}",
        )
