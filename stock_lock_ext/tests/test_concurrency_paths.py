import logging
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.api import Transaction
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests.common import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

from odoo.addons.stock_lock_ext.models.stock_lock import StockLock

_logger = logging.getLogger(__name__)

ON_HAND = 10
ROUNDS = 5


@tagged("post_install", "-at_install")
class TestLockedStockRace(BaseCase):
    """Real parallel transactions on committed data: 10 on hand, 6 locked by a pending order;
    at the same instant a warehouse user and a salesperson validate manual deliveries of 2 from
    draft, other orders are submitted and a warehouse user counts the stock. Never more locked +
    reserved than on hand; with the quant-level check switched off, the same race oversells."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.created = {"sale.order": [], "product.product": [], "res.users": []}
        cls.addClassCleanup(cls._cleanup)
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.company
            cls.saved_settings = {
                "sale_review_required": company.sale_review_required,
                "stock_lock_shortage_policy": company.stock_lock_shortage_policy,
                "stock_lock_trigger": company.stock_lock_trigger,
            }
            company.write(
                {
                    "sale_review_required": True,
                    "stock_lock_shortage_policy": "review",
                    "stock_lock_trigger": "submit",
                }
            )
            cls.company_id = company.id
            warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
            cls.warehouse_id, cls.stock_location_id = warehouse.id, warehouse.lot_stock_id.id
            users = env["res.users"].create(
                [
                    {
                        "name": name,
                        "login": login,
                        "groups_id": [Command.set([env.ref(group).id])],
                    }
                    for name, login, group in (
                        ("并发仓管", "race_stock_user", "stock.group_stock_user"),
                        ("并发销售", "race_salesman", "sales_team.group_sale_salesman"),
                    )
                ]
            )
            cls.stock_user_id, cls.salesman_id = users.ids
            cls.created["res.users"].extend(users.ids)
            cls.partner_id = (
                env["res.partner"]
                .create({"name": "并发出库客户", "phone": "1", "street": "路 1 号", "city": "上海"})
                .id
            )

    @classmethod
    def _cleanup(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(cls.created["sale.order"]).exists()
            orders._action_cancel()
            env.company.browse(cls.company_id).write(cls.saved_settings)
            env["res.partner"].browse(cls.partner_id).active = False
            env["product.product"].browse(cls.created["product.product"]).active = False
            env["res.users"].browse(cls.created["res.users"]).active = False

    def _prepare_round(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            warehouse = env["stock.warehouse"].browse(self.warehouse_id)
            product = env["product.product"].create(
                {"name": "并发出库保温杯", "type": "consu", "is_storable": True, "list_price": 50}
            )
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, ON_HAND)
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": self.partner_id,
                        "user_id": self.salesman_id,
                        "warehouse_id": warehouse.id,
                        "order_line": [
                            Command.create(
                                {"product_id": product.id, "product_uom_qty": qty, "price_unit": 50}
                            )
                        ],
                    }
                    for qty in (6, 2, 2, 2)
                ]
            )
            orders[0].action_submit_review()  # 6 of the 10 locked
            customers = env.ref("stock.stock_location_customers")
            pickings = env["stock.picking"].create(
                [
                    {
                        "picking_type_id": warehouse.out_type_id.id,
                        "location_id": warehouse.lot_stock_id.id,
                        "location_dest_id": customers.id,
                        "move_ids": [
                            Command.create(
                                {
                                    "name": product.name,
                                    "product_id": product.id,
                                    "product_uom_qty": 2,
                                    "location_id": warehouse.lot_stock_id.id,
                                    "location_dest_id": customers.id,
                                }
                            )
                        ],
                    }
                    for __ in range(6)
                ]
            )
            self.created["product.product"].append(product.id)
            self.created["sale.order"].extend(orders.ids)
            jobs = [("submit", order_id) for order_id in orders[1:].ids]
            jobs += [("deliver", picking_id) for picking_id in pickings.ids]
            jobs += [("count", product.id)]
            return product.id, jobs

    def _run(self, job, barrier):
        """One request: retried on serialization failures like odoo.service.model.retrying."""
        kind, res_id = job
        threading.current_thread().dbname = self.registry.db_name
        for tryno in range(1, MAX_TRIES_ON_CONCURRENCY_FAILURE + 1):
            with self.registry.cursor() as cr:
                cr.transaction = Transaction(self.registry)
                env = api.Environment(cr, SUPERUSER_ID, {"lang": "zh_CN"})
                if tryno == 1:
                    barrier.wait(timeout=60)
                try:
                    if kind == "submit":
                        env["sale.order"].with_user(self.salesman_id).browse(
                            res_id
                        ).action_submit_review()
                    elif kind == "deliver":
                        # half by the warehouse user, half by the salesperson
                        user = (self.stock_user_id, self.salesman_id)[res_id % 2]
                        picking = env["stock.picking"].with_user(user).browse(res_id)
                        picking.move_ids.write({"quantity": 2, "picked": True})
                        picking.button_validate()
                    else:
                        product = env["product.product"].browse(res_id)
                        quant = (
                            env["stock.quant"]
                            .with_user(self.stock_user_id)
                            .with_context(inventory_mode=True)
                            .search(
                                [
                                    ("product_id", "=", product.id),
                                    ("location_id", "=", self.stock_location_id),
                                ],
                                limit=1,
                            )
                        )
                        quant.inventory_quantity = quant.quantity - 1
                        quant.action_apply_inventory()
                    cr.flush()  # the precommit hooks: where the invariant is checked
                    return f"{kind}: done"
                except UserError:
                    cr.rollback()
                    return f"{kind}: refused"
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                    cr.rollback()
                    if tryno == MAX_TRIES_ON_CONCURRENCY_FAILURE:
                        return f"{kind}: gave up {error.pgcode}"
            time.sleep(random.uniform(0.0, 2**tryno))
        return "unreachable"

    def _race(self):
        product_id, jobs = self._prepare_round()
        random.shuffle(jobs)
        barrier = threading.Barrier(len(jobs))
        with ThreadPoolExecutor(max_workers=len(jobs)) as executor:
            outcomes = Counter(executor.map(lambda job: self._run(job, barrier), jobs))
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            quants = env["stock.quant"].search(
                [("product_id", "=", product_id), ("location_id.usage", "=", "internal")]
            )
            locks = env["stock.lock"].search(
                [("product_id", "=", product_id), ("state", "=", "active")]
            )
            figures = (
                sum(quants.mapped("quantity")),
                sum(quants.mapped("reserved_quantity")),
                sum(locks.mapped("quantity")),
            )
        return figures, outcomes

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_locked_units_never_leave(self):
        random.seed(2026120111)
        for round_no in range(ROUNDS):
            (on_hand, reserved, locked), outcomes = self._race()
            _logger.info(
                "FIGURE lock_paths_race round=%s on_hand=%s reserved=%s locked=%s outcomes=%s",
                round_no,
                on_hand,
                reserved,
                locked,
                dict(outcomes),
            )
            self.assertLessEqual(locked + reserved, on_hand, f"round {round_no}: {outcomes}")
            self.assertGreater(locked, 0, outcomes)
            self.assertFalse([o for o in outcomes if not o.endswith(("done", "refused"))], outcomes)

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_has_teeth_without_the_check(self):
        random.seed(2026120112)
        with patch.object(StockLock, "_check_stock_locks", lambda self: None):
            (on_hand, reserved, locked), outcomes = self._race()
        _logger.info(
            "FIGURE lock_paths_race_without_check on_hand=%s reserved=%s locked=%s outcomes=%s",
            on_hand,
            reserved,
            locked,
            dict(outcomes),
        )
        self.assertGreater(locked + reserved, on_hand, "without the check the race oversells")
