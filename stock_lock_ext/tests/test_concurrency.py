import logging
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.api import Transaction
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests.common import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

_logger = logging.getLogger(__name__)

ON_HAND = 10
ROUNDS = 20


@tagged("post_install", "-at_install")
class TestLockConcurrency(BaseCase):
    """Real parallel transactions on committed data: on hand 10 of two products, 8-30 orders
    of 2-3 units of each (lines in opposite orders) submitted at the same instant never lock +
    reserve more than 10 of a product, and never deadlock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.created = {"sale.order": [], "product.product": []}
        cls.addClassCleanup(cls._cleanup)
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.company
            cls.saved_settings = {
                "sale_review_required": company.sale_review_required,
                "stock_lock_shortage_policy": company.stock_lock_shortage_policy,
                "stock_lock_trigger": company.stock_lock_trigger,
            }
            cls.company_id = company.id
            cls.warehouse_id = (
                env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1).id
            )
            cls.partner_id = (
                env["res.partner"]
                .create(
                    {
                        "name": "并发测试客户",
                        "phone": "010-1",
                        "street": "长安街 1 号",
                        "city": "北京",
                    }
                )
                .id
            )

    @classmethod
    def _cleanup(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(cls.created["sale.order"]).exists()
            orders.picking_ids.filtered(lambda p: p.state != "done").action_cancel()
            orders._action_cancel()
            env.company.browse(cls.company_id).write(cls.saved_settings)
            env["res.partner"].browse(cls.partner_id).active = False
            env["product.product"].browse(cls.created["product.product"]).active = False

    def _prepare_round(self, n_orders, mode):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env.company.browse(self.company_id).write(
                {
                    "sale_review_required": mode == "locks",
                    "stock_lock_shortage_policy": "refuse" if mode == "refuse" else "review",
                    "stock_lock_trigger": "submit",
                }
            )
            products = env["product.product"].create(
                [
                    {
                        "name": name,
                        "type": "consu",
                        "is_storable": True,
                        "list_price": 50,
                        "standard_price": 20,
                    }
                    for name in ("并发保温杯 A", "并发保温杯 B")
                ]
            )
            warehouse = env["stock.warehouse"].browse(self.warehouse_id)
            for product in products:
                env["stock.quant"]._update_available_quantity(
                    product, warehouse.lot_stock_id, ON_HAND
                )
            # half the orders list the products A, B and half B, A: sorted guards, no deadlock
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": self.partner_id,
                        "warehouse_id": warehouse.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "product_uom_qty": random.choice((2, 3)),
                                    "price_unit": 50,
                                }
                            )
                            for product in (products if index % 2 else products[::-1])
                        ],
                    }
                    for index in range(n_orders)
                ]
            )
            self.created["product.product"].extend(products.ids)
            self.created["sale.order"].extend(orders.ids)
            return products.ids, orders.ids

    def _submit(self, order_id, barrier):
        """Submit like an RPC request: retried on serialization failures the way
        odoo.service.model.retrying does (same tries and waits), each try a new transaction."""
        threading.current_thread().dbname = self.registry.db_name
        for tryno in range(1, MAX_TRIES_ON_CONCURRENCY_FAILURE + 1):
            with self.registry.cursor() as cr:
                # the test runner holds the Registry lock: give the cursor its transaction
                # directly instead of letting Environment look the registry up by name
                cr.transaction = Transaction(self.registry)
                env = api.Environment(cr, SUPERUSER_ID, {"lang": "zh_CN"})
                if tryno == 1:
                    barrier.wait(timeout=60)
                try:
                    env["sale.order"].browse(order_id).action_submit_review()
                    cr.flush()  # the precommit hooks, inside the retry as in retrying()
                    return "submitted"  # committed when the cursor closes
                except UserError as error:
                    cr.rollback()
                    # the message users read: 库存不足: 产品 X 需要 3, 可用 1
                    return "refused" if "库存不足" in str(error) else f"error: {error}"
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                    cr.rollback()
                    if tryno == MAX_TRIES_ON_CONCURRENCY_FAILURE:
                        return f"gave up: {error.pgcode}"
            time.sleep(random.uniform(0.0, 2**tryno))
        return "unreachable"

    def _spent(self, product_ids):
        """(locked, reserved) of the product that spent the most."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            spent = []
            for product_id in product_ids:
                locks = env["stock.lock"].search(
                    [("product_id", "=", product_id), ("state", "=", "active")]
                )
                quants = env["stock.quant"].search([("product_id", "=", product_id)])
                spent.append(
                    (sum(locks.mapped("quantity")), sum(quants.mapped("reserved_quantity")))
                )
            return max(spent, key=sum)

    def _run_round(self, n_orders, mode):
        product_ids, order_ids = self._prepare_round(n_orders, mode)
        barrier = threading.Barrier(n_orders)
        with ThreadPoolExecutor(max_workers=n_orders) as executor:
            outcomes = list(executor.map(partial(self._submit, barrier=barrier), order_ids))
        locked, reserved = self._spent(product_ids)
        return locked, reserved, Counter(outcomes)

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_never_more_than_on_hand(self):
        random.seed(20261123)
        modes = ("locks", "lock_and_reserve", "refuse")
        for round_no in range(ROUNDS):
            n_orders = random.randint(8, 30)
            mode = modes[round_no % 3]
            locked, reserved, outcomes = self._run_round(n_orders, mode)
            _logger.info(
                "FIGURE concurrency round=%s mode=%s orders=%s locked=%s reserved=%s outcomes=%s",
                round_no,
                mode,
                n_orders,
                locked,
                reserved,
                dict(outcomes),
            )
            self.assertLessEqual(
                locked + reserved, ON_HAND, f"oversold in round {round_no}: {outcomes}"
            )
            # not trivially true: the winners took what there was (orders are 2-3 units)
            self.assertGreaterEqual(locked + reserved, ON_HAND - 2, outcomes)
            self.assertEqual(
                set(outcomes) - {"submitted", "refused"},
                set(),
                f"every loser gets the clear message: {outcomes}",
            )
            # approved orders' locks became reservations (an order short of one product waits
            # for review, its other lock stays)
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                confirmed_locks = env["stock.lock"].search_count(
                    [("state", "=", "active"), ("order_id.state", "=", "sale")]
                )
            self.assertEqual(confirmed_locks, 0)

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_has_teeth_without_guard(self):
        """The same race with the guard switched off oversells: the guard is what holds."""
        Lock = self.registry["stock.lock"]
        oversold = []
        with patch.object(Lock, "_take_guard", lambda self, products: None):
            for round_no in range(ROUNDS):
                locked, reserved, __ = self._run_round(random.randint(8, 30), "locks")
                if locked + reserved > ON_HAND:
                    oversold.append((round_no, locked + reserved))
                    break
        _logger.info("FIGURE concurrency_without_guard oversold=%s", oversold)
        self.assertTrue(
            oversold, "without the guard the race must oversell, or the test proves nothing"
        )

    def _two_orders_of_six(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env.company.browse(self.company_id).write(
                {
                    "sale_review_required": True,
                    "stock_lock_shortage_policy": "review",
                    "stock_lock_trigger": "submit",
                }
            )
            product = env["product.product"].create(
                {"name": "快照保温杯", "type": "consu", "is_storable": True, "list_price": 50}
            )
            warehouse = env["stock.warehouse"].browse(self.warehouse_id)
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10)
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": self.partner_id,
                        "warehouse_id": warehouse.id,
                        "order_line": [
                            Command.create(
                                {"product_id": product.id, "product_uom_qty": 6, "price_unit": 50}
                            )
                        ],
                    }
                    for __ in range(2)
                ]
            )
            self.created["product.product"].append(product.id)
            self.created["sale.order"].extend(orders.ids)
            return product.id, orders.ids

    def _submit_on_an_old_snapshot(self, first_id, second_id):
        """The second order's transaction takes its snapshot, the first order is submitted and
        committed meanwhile, then the second is submitted on that old snapshot (one try)."""
        snapshot_taken, first_committed = threading.Event(), threading.Event()
        result = {}

        def second():
            threading.current_thread().dbname = self.registry.db_name
            with self.registry.cursor() as cr:
                cr.transaction = Transaction(self.registry)
                env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US"})
                cr.execute("SELECT 1")  # REPEATABLE READ: the snapshot is taken here
                snapshot_taken.set()
                first_committed.wait(timeout=60)
                try:
                    env["sale.order"].browse(second_id).action_submit_review()
                    cr.flush()
                    result["second"] = "submitted"
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                    cr.rollback()
                    result["second"] = f"serialization failure {error.pgcode}"

        def first():
            threading.current_thread().dbname = self.registry.db_name
            snapshot_taken.wait(timeout=60)
            with self.registry.cursor() as cr:
                cr.transaction = Transaction(self.registry)
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["sale.order"].browse(first_id).action_submit_review()
            first_committed.set()

        with ThreadPoolExecutor(max_workers=2) as executor:
            for future in [executor.submit(second), executor.submit(first)]:
                future.result(timeout=120)
        return result["second"]

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_a_waiter_reads_what_the_other_committed(self):
        """10 on hand, two orders of 6: the second transaction's snapshot predates the first's
        commit; it neither fails to serialize nor locks the units the first one locked."""
        product_id, (first_id, second_id) = self._two_orders_of_six()
        outcome = self._submit_on_an_old_snapshot(first_id, second_id)
        self.assertEqual(outcome, "submitted", "no retry needed")
        locked, reserved = self._spent([product_id])
        self.assertEqual((locked, reserved), (6, 0), "the second order waits with its shortage")

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_a_waiter_on_its_own_snapshot_oversells(self):
        """Teeth: read under the guard from the transaction's own snapshot (what committed
        meanwhile unseen) and the second order locks 6 more: 12 on 10."""
        Lock = self.registry["stock.lock"]
        product_id, (first_id, second_id) = self._two_orders_of_six()
        with patch.object(Lock, "_own_view_is_final", lambda self: True):
            outcome = self._submit_on_an_old_snapshot(first_id, second_id)
        self.assertEqual(outcome, "submitted")
        locked, __ = self._spent([product_id])
        self.assertEqual(locked, 12, "oversold: the guarded read must see the others' commits")

    # ------------------------------------------------------------------ unlocked units, in parallel
    def _two_deliveries_of_six(self):
        """10 on hand of a product nobody locked, two draft deliveries of 6, committed."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].create(
                {"name": "并发散货", "type": "consu", "is_storable": True, "list_price": 50}
            )
            warehouse = env["stock.warehouse"].browse(self.warehouse_id)
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 10)
            pickings = env["stock.picking"].create(
                [
                    {
                        "picking_type_id": warehouse.out_type_id.id,
                        "location_id": warehouse.lot_stock_id.id,
                        "location_dest_id": env.ref("stock.stock_location_customers").id,
                        "move_ids": [
                            Command.create(
                                {
                                    "name": product.name,
                                    "product_id": product.id,
                                    "product_uom_qty": 6,
                                    "location_id": warehouse.lot_stock_id.id,
                                    "location_dest_id": env.ref(
                                        "stock.stock_location_customers"
                                    ).id,
                                }
                            )
                        ],
                    }
                    for __ in range(2)
                ]
            )
            self.created["product.product"].append(product.id)
            return product.id, pickings.ids

    def _reserve_side_by_side(self, first_id, second_id):
        """The first delivery reserves and holds core's quant row; the second reserves meanwhile
        (core skips the held row and reserves on a new quant); the first commits, then the
        second tries to. Returns the second's outcome and what it reserved on its retry."""
        first_reserved, second_reserved, first_committed = (threading.Event() for __ in range(3))
        result = {}

        def first():
            threading.current_thread().dbname = self.registry.db_name
            with self.registry.cursor() as cr:
                cr.transaction = Transaction(self.registry)
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["stock.picking"].browse(first_id).action_confirm()
                env.flush_all()
                first_reserved.set()
                second_reserved.wait(timeout=60)
            first_committed.set()

        def second():
            threading.current_thread().dbname = self.registry.db_name
            first_reserved.wait(timeout=60)
            for tryno in (1, 2):
                with self.registry.cursor() as cr:
                    cr.transaction = Transaction(self.registry)
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    picking = env["stock.picking"].browse(second_id)
                    picking.action_confirm()
                    env.flush_all()
                    if tryno == 1:
                        second_reserved.set()
                        first_committed.wait(timeout=60)
                    try:
                        cr.flush()
                        result["second"] = "committed" if tryno == 1 else "retried"
                        result["reserved"] = picking.move_ids.quantity
                        return
                    except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                        cr.rollback()

        with ThreadPoolExecutor(max_workers=2) as executor:
            for future in [executor.submit(second), executor.submit(first)]:
                future.result(timeout=120)
        return result

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_unlocked_units_are_not_reserved_twice_side_by_side(self):
        """Nothing locked: core alone would reserve 6 + 6 on 10 (a new quant next to the held
        one). The second transaction fits on its own view, not with the first's commit: it is
        retried and reserves the 4 left."""
        product_id, (first_id, second_id) = self._two_deliveries_of_six()
        result = self._reserve_side_by_side(first_id, second_id)
        self.assertEqual(result, {"second": "retried", "reserved": 4})
        self.assertEqual(self._spent([product_id]), (0, 10))

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_unlocked_units_side_by_side_on_own_views_oversell(self):
        """Teeth: judged on the transaction's own view only, the second commits 6 more: 12 on 10."""
        Lock = self.registry["stock.lock"]
        product_id, (first_id, second_id) = self._two_deliveries_of_six()
        with patch.object(Lock, "_own_view_is_final", lambda self: True):
            result = self._reserve_side_by_side(first_id, second_id)
        self.assertEqual(result, {"second": "committed", "reserved": 6})
        self.assertEqual(self._spent([product_id]), (0, 12))
