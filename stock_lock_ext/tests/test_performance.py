import logging
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from odoo.addons.sale_order_ext.models.sale_order import REVIEW_TOKEN
from odoo.addons.sale_order_ext.tests.common import count_queries
from odoo.addons.stock_lock_ext.models.stock_lock import StockLock
from odoo.addons.stock_lock_ext.models.stock_move import StockMove

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


@tagged("post_install", "-at_install")
class TestInvariantQueryCount(StockLockCommon):
    """The cap and the invariant check cost a fixed number of queries per transaction, not per
    move: a delivery of 1, 10 or 50 lines, each product locked by a pending order, against the
    same delivery with the cap and the check switched off ("plain")."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sale_review_required = True
        cls.products = [cls._create_product(f"出库产品 {i}", 100) for i in range(50)]
        cls.locking = cls._create_order([(p, 10) for p in cls.products])
        cls.locking.action_submit_review()
        cls._commit_checks()
        cls.customers = cls.env.ref("stock.stock_location_customers")

    def _delivery(self, n):
        return self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.customers.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": p.name,
                            "product_id": p.id,
                            "product_uom_qty": 1,
                            "location_id": self.stock_location.id,
                            "location_dest_id": self.customers.id,
                        }
                    )
                    for p in self.products[:n]
                ],
            }
        )

    def _measure(self):
        """{lines: (confirm + Check Availability, validate it, validate one from draft)}"""
        figures = {}
        for n in (1, 10, 50):
            picking = self._delivery(n)

            def assign(p=picking):
                p.action_confirm()
                p.action_assign()
                self.env.cr.flush()

            def validate(p=picking):
                p.button_validate()
                self.env.cr.flush()

            draft = self._delivery(n)

            def from_draft(p=draft):
                p.move_ids.quantity = 1
                p.move_ids.picked = True
                p.button_validate()
                self.env.cr.flush()

            figures[n] = tuple(
                count_queries(self.env, func) for func in (assign, validate, from_draft)
            )
            self.assertEqual((picking | draft).mapped("state"), ["done", "done"])
        return figures

    def test_fixed_queries_per_transaction(self):
        with (
            patch.object(StockLock, "_check_stock_locks", lambda self: None),
            patch.object(StockMove, "_stock_lock_room", lambda self: None),
        ):
            self._measure()  # warm-up
            plain = self._measure()
        self._measure()
        ours = self._measure()
        _logger.info(
            "FIGURE delivery_queries lines->(check availability, validate, validate from draft) "
            "plain=%s ours=%s",
            plain,
            ours,
        )
        for n in (1, 10, 50):
            for what, p, o in zip(
                ("assign", "validate", "from draft"), plain[n], ours[n], strict=True
            ):
                self.assertLessEqual(o - p, 5, f"{what}, {n} lines: {plain} vs {ours}")
        # no per-move growth: 50 lines cost no more extra than 1 line (the ORM batches flushes
        # a little differently from run to run: 1 query of noise, in either direction)
        for i in range(3):
            extra = [ours[n][i] - plain[n][i] for n in (1, 10, 50)]
            self.assertLessEqual(extra[-1] - extra[0], 1, f"{plain} vs {ours}")
