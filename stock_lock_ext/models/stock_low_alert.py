import json
import time

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_round

ALERT_STATE = [("open", "Open"), ("resolved", "Resolved")]
# figures compared on rerun: an alert is written only when one of them changed
ALERT_FIGURES = (
    "min_qty",
    "max_qty",
    "on_hand",
    "reserved",
    "locked",
    "available",
    "incoming",
    "suggested_qty",
)
CURSOR_PARAM = "stock_lock_ext.low_stock_cursor"
# the columns of a new alert, typed for _insert_alerts
COLUMN_TYPES = dict(
    {"date_checked": "timestamp"},
    **dict.fromkeys(["product_id", "categ_id", "warehouse_id", "company_id", "buyer_id"], "int"),
    **dict.fromkeys(ALERT_FIGURES, "numeric"),
)


class StockLowAlert(models.Model):
    """库存预警: one open alert per product and warehouse while it is below its safety stock."""

    _name = "stock.low.alert"
    _description = "Low-Stock Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, id desc"

    product_id = fields.Many2one(
        "product.product", required=True, index=True, ondelete="cascade", readonly=True
    )
    product_tmpl_id = fields.Many2one(related="product_id.product_tmpl_id")
    categ_id = fields.Many2one(related="product_id.categ_id", store=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    warehouse_id = fields.Many2one(
        "stock.warehouse", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    buyer_id = fields.Many2one("res.users", string="Buyer", readonly=True, index=True)
    state = fields.Selection(ALERT_STATE, default="open", required=True, index=True, readonly=True)
    min_qty = fields.Float(string="Safety Stock", digits="Product Unit of Measure", readonly=True)
    max_qty = fields.Float(string="Maximum Stock", digits="Product Unit of Measure", readonly=True)
    on_hand = fields.Float(digits="Product Unit of Measure", readonly=True)
    reserved = fields.Float(digits="Product Unit of Measure", readonly=True)
    locked = fields.Float(digits="Product Unit of Measure", readonly=True)
    available = fields.Float(
        digits="Product Unit of Measure", readonly=True, help="On hand - reserved - locked."
    )
    incoming = fields.Float(
        digits="Product Unit of Measure",
        readonly=True,
        help="Expected receipts into the warehouse.",
    )
    suggested_qty = fields.Float(
        string="Suggested Quantity", digits="Product Unit of Measure", readonly=True
    )
    date_checked = fields.Datetime(string="Last Checked", readonly=True)
    date_resolved = fields.Datetime(string="Resolved On", readonly=True)
    purchase_installed = fields.Boolean(compute="_compute_purchase_installed")
    can_create_rfq = fields.Boolean(
        string="Can Create RFQ",
        compute="_compute_purchase_installed",
        help="The Purchase app is installed and you may create purchase orders.",
    )

    @api.depends_context("uid")
    def _compute_purchase_installed(self):
        self.purchase_installed = self._purchase_installed()
        self.can_create_rfq = self._rfq_allowed()

    @api.depends("product_id", "warehouse_id")
    def _compute_display_name(self):
        for alert in self:
            alert.display_name = f"{alert.product_id.display_name} @ {alert.warehouse_id.code}"

    # ------------------------------------------------------------------ views
    @api.model
    def _get_view_cache_key(self, view_id=None, view_type="form", **options):
        key = super()._get_view_cache_key(view_id, view_type, **options)
        return (*key, self._rfq_allowed())

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        # like groups="purchase.group_purchase_user", which the views can't name (Purchase is
        # optional): who can't create purchase orders doesn't see a button that would fail
        arch, view = super()._get_view(view_id, view_type, **options)
        if not self._rfq_allowed():
            for node in arch.xpath("//button[@name='action_create_rfq']"):
                node.getparent().remove(node)
        return arch, view

    # ------------------------------------------------------------------ actions
    def action_create_rfq(self):
        """询价单 for the suggested quantities, one per vendor (needs the Purchase app)."""
        if not self._purchase_installed():
            raise UserError(_("Install the Purchase app to create requests for quotation."))
        self.env["purchase.order"].check_access("create")
        alerts = self.filtered(lambda a: a.state == "open" and a.suggested_qty > 0)
        if not alerts:
            raise UserError(_("None of the selected alerts needs a purchase."))
        by_vendor = {}
        for alert in alerts:
            seller = (
                alert.product_id.with_company(alert.company_id)._select_seller(
                    quantity=alert.suggested_qty, uom_id=alert.product_uom_id
                )
                or alert.product_id.seller_ids.filtered(
                    lambda s, a=alert: not s.company_id or s.company_id == a.company_id
                )[:1]
            )
            if not seller:
                raise UserError(
                    _(
                        "%(product)s has no vendor: add one on the product's Purchase tab.",
                        product=alert.product_id.display_name,
                    )
                )
            key = (seller.partner_id, alert.company_id, alert.warehouse_id)
            by_vendor.setdefault(key, []).append(alert)
        orders = self.env["purchase.order"]
        for (vendor, company, warehouse), vendor_alerts in by_vendor.items():
            orders |= (
                self.env["purchase.order"]
                .with_company(company)
                .create(
                    {
                        "partner_id": vendor.id,
                        "company_id": company.id,
                        "picking_type_id": warehouse.in_type_id.id,
                        "origin": _("Low-stock alert"),
                        "order_line": [
                            fields.Command.create(
                                {"product_id": a.product_id.id, "product_qty": a.suggested_qty}
                            )
                            for a in vendor_alerts
                        ],
                    }
                )
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "purchase.order",
            "name": _("Requests for Quotation"),
            "view_mode": "list,form" if len(orders) > 1 else "form",
            "res_id": orders.id if len(orders) == 1 else False,
            "domain": [("id", "in", orders.ids)],
        }

    # ------------------------------------------------------------------ business methods
    @api.model
    def _purchase_installed(self):
        return "purchase.order" in self.env

    @api.model
    def _rfq_allowed(self):
        return self._purchase_installed() and self.env["purchase.order"].has_access("create")

    @api.model
    def _cron_check_low_stock(self, batch_size=5000, time_budget=600):
        """Scheduled 库存预警: every storable product x warehouse, in keyset batches of products.

        A call runs batches until the products are done or the time budget is spent; the
        next call continues from the saved cursor (ir.cron calls again while some remain).
        """
        started = time.monotonic()
        params = self.env["ir.config_parameter"].sudo()
        last_id = int(params.get_param(CURSOR_PARAM) or 0)
        warehouses = self.env["stock.warehouse"].sudo().search([])
        done = 0
        while True:
            self.env.cr.execute(
                SQL(
                    """
                    SELECT pp.id FROM product_product pp
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE pt.is_storable AND pp.id > %(last)s
                     ORDER BY pp.id LIMIT %(limit)s
                    """,
                    last=last_id,
                    limit=batch_size,
                )
            )
            product_ids = [row[0] for row in self.env.cr.fetchall()]
            if not product_ids:
                last_id = 0
                break
            self._check_low_stock_batch(product_ids, warehouses)
            done += len(product_ids)
            last_id = product_ids[-1]
            if time.monotonic() - started > time_budget:
                break
        params.set_param(CURSOR_PARAM, str(last_id))
        remaining = 0
        if last_id:
            self.env.cr.execute(
                SQL(
                    """
                    SELECT count(*) FROM product_product pp
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE pt.is_storable AND pp.id > %(last)s
                    """,
                    last=last_id,
                )
            )
            remaining = self.env.cr.fetchone()[0]
        else:
            # a full pass is over: alerts of products no longer storable end here
            self.search([("state", "=", "open"), ("product_id.is_storable", "=", False)])._resolve()
        self._update_digests()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    @api.model
    def _low_stock_rows(self, product_ids, warehouses):
        """The (product, warehouse) pairs of these products that are below their safety stock,
        or close to it (the exact comparison, with the unit's rounding, is the caller's), with
        their figures, in one query: [(product_id, warehouse_id, company_id, categ_id, min, max,
        rounding, on hand, reserved, locked, incoming)]. The safety stock is the warehouse's
        threshold, else the product's, else its category's; on hand and reserved count the
        warehouse's stock location, locked its active locks, incoming the moves on their way in."""
        for model in ("product.template", "product.category", "stock.safety.threshold"):
            self.env[model].flush_model()
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "quantity", "reserved_quantity"]
        )
        self.env["stock.lock"].flush_model(["product_id", "warehouse_id", "quantity", "state"])
        self.env["stock.move"].flush_model(
            ["product_id", "product_qty", "state", "location_id", "location_dest_id"]
        )
        self.env.cr.execute(
            SQL(
                """
                WITH batch AS MATERIALIZED (
                    SELECT unnest(%(products)s::int[]) AS product_id
                ), threshold AS (
                    SELECT pp.id AS product_id, wh.id AS warehouse_id, wh.company_id,
                           pt.categ_id, uom.rounding,
                           COALESCE(th.min_qty, NULLIF(pt.safety_stock_qty, 0),
                                    categ.safety_stock_qty, 0) AS min_qty,
                           COALESCE(th.max_qty, NULLIF(pt.max_stock_qty, 0), 0) AS max_qty
                      FROM product_product pp
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                      JOIN uom_uom uom ON uom.id = pt.uom_id
                      JOIN product_category categ ON categ.id = pt.categ_id
                      JOIN stock_warehouse wh
                        ON wh.id = ANY(%(warehouses)s)
                       AND (pt.company_id IS NULL OR pt.company_id = wh.company_id)
                      LEFT JOIN stock_safety_threshold th
                        ON th.product_id = pp.id AND th.warehouse_id = wh.id
                      JOIN batch ON batch.product_id = pp.id
                     WHERE pp.active
                       -- the batch's id range: an index range scan instead of a full scan
                       AND pp.id BETWEEN %(first)s AND %(last)s
                ), watched AS (
                    SELECT * FROM threshold WHERE min_qty > 0
                ), warehouse_location AS MATERIALIZED (
                    -- the locations under each warehouse's stock location, matched once per
                    -- warehouse rather than once per product
                    SELECT wh.id AS warehouse_id, loc.id AS location_id
                      FROM stock_warehouse wh
                      JOIN stock_location stock_loc ON stock_loc.id = wh.lot_stock_id
                      JOIN stock_location loc ON loc.parent_path LIKE stock_loc.parent_path || %(any)s
                     WHERE wh.id = ANY(%(warehouses)s)
                ), stock AS (
                    SELECT watched.product_id, watched.warehouse_id,
                           SUM(quant.quantity) AS on_hand, SUM(quant.reserved_quantity) AS reserved
                      FROM watched
                      JOIN warehouse_location wl ON wl.warehouse_id = watched.warehouse_id
                      JOIN stock_quant quant
                        ON quant.product_id = watched.product_id AND quant.location_id = wl.location_id
                     GROUP BY watched.product_id, watched.warehouse_id
                ), locked AS (
                    SELECT product_id, warehouse_id, SUM(quantity) AS locked
                      FROM stock_lock
                     WHERE state = 'active' AND product_id = ANY(%(products)s)
                     GROUP BY product_id, warehouse_id
                ), incoming AS (
                    SELECT move.product_id, dest.warehouse_id, SUM(move.product_qty) AS incoming
                      FROM stock_move move
                      JOIN stock_location dest ON dest.id = move.location_dest_id
                      JOIN stock_location src ON src.id = move.location_id
                     WHERE move.product_id = ANY(%(products)s)
                       AND move.state IN ('waiting', 'confirmed', 'partially_available', 'assigned')
                       AND dest.warehouse_id = ANY(%(warehouses)s)
                       AND src.warehouse_id IS DISTINCT FROM dest.warehouse_id
                     GROUP BY move.product_id, dest.warehouse_id
                )
                SELECT watched.product_id, watched.warehouse_id, watched.company_id,
                       watched.categ_id, watched.min_qty, watched.max_qty, watched.rounding,
                       COALESCE(stock.on_hand, 0), COALESCE(stock.reserved, 0),
                       COALESCE(locked.locked, 0), COALESCE(incoming.incoming, 0)
                  FROM watched
                  LEFT JOIN stock USING (product_id, warehouse_id)
                  LEFT JOIN locked USING (product_id, warehouse_id)
                  LEFT JOIN incoming USING (product_id, warehouse_id)
                 WHERE COALESCE(stock.on_hand, 0) - COALESCE(stock.reserved, 0)
                       - COALESCE(locked.locked, 0) < watched.min_qty + watched.rounding
                """,
                warehouses=warehouses.ids,
                products=product_ids,
                first=min(product_ids),
                last=max(product_ids),
                any="%",
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _check_low_stock_batch(self, product_ids, warehouses):
        """Create, update or resolve the alerts of these products: a handful of queries per
        batch, whatever its size; only the pairs below their safety stock come back from the
        database, and only alerts whose figures changed are written."""
        self.flush_model(["state", "product_id", "warehouse_id", *ALERT_FIGURES])
        self.env.cr.execute(
            SQL(
                """
                SELECT product_id, warehouse_id, id, %(figures)s
                  FROM stock_low_alert
                 WHERE state = 'open' AND product_id = ANY(%(products)s)
                """,
                figures=SQL(", ").join(SQL.identifier(name) for name in ALERT_FIGURES),
                products=product_ids,
            )
        )
        # {(product_id, warehouse_id): (alert id, {figure: value})}
        existing = {
            (product_id, warehouse_id): (alert_id, dict(zip(ALERT_FIGURES, values, strict=True)))
            for product_id, warehouse_id, alert_id, *values in self.env.cr.fetchall()
        }
        now = fields.Datetime.now()
        to_create, below = [], set()
        for row in self._low_stock_rows(product_ids, warehouses):
            product_id, warehouse_id, company_id, categ_id, min_qty, max_qty, rounding = row[:7]
            on_hand, reserved, locked, coming = row[7:]
            available = on_hand - reserved - locked
            if float_compare(available, min_qty, precision_rounding=rounding) >= 0:
                continue
            key = (product_id, warehouse_id)
            below.add(key)
            target = max_qty if max_qty > min_qty else min_qty
            suggested = float_round(
                max(target - available - coming, 0.0),
                precision_rounding=rounding,
                rounding_method="UP",
            )
            figures_now = {
                "min_qty": min_qty,
                "max_qty": max_qty,
                "on_hand": on_hand,
                "reserved": reserved,
                "locked": locked,
                "available": available,
                "incoming": coming,
                "suggested_qty": suggested,
            }
            alert_id, figures_then = existing.get(key, (None, None))
            if alert_id:
                if any(
                    abs(float(figures_then[name] or 0.0) - value) >= 0.00005
                    for name, value in figures_now.items()
                ):
                    self.browse(alert_id).write(dict(figures_now, date_checked=now))
            else:
                to_create.append(
                    dict(
                        figures_now,
                        product_id=product_id,
                        categ_id=categ_id,
                        warehouse_id=warehouse_id,
                        company_id=company_id,
                        date_checked=now,
                    )
                )
        # recovered (or no threshold any more): the alert resolves itself
        self.browse(
            alert_id for key, (alert_id, __) in existing.items() if key not in below
        )._resolve()
        if to_create:
            self._assign_buyers(to_create)
            self._insert_alerts(to_create)
        return len(to_create)

    @api.model
    def _insert_alerts(self, vals_list):
        """New alerts in one INSERT: a first check opens thousands, and the ORM's create
        spends seconds on them (eight unit-precision floats each, the stored category
        recomputed) for records that have no follower, message or default to set."""
        columns = [
            "product_id",
            "categ_id",
            "warehouse_id",
            "company_id",
            "buyer_id",
            "date_checked",
            *ALERT_FIGURES,
        ]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO stock_low_alert (state, create_uid, write_uid, create_date,
                                             write_date, %(columns)s)
                SELECT 'open', %(uid)s, %(uid)s, %(now)s, %(now)s, %(columns)s
                  FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(%(types)s)
                """,
                columns=SQL(", ").join(SQL.identifier(name) for name in columns),
                uid=self.env.uid,
                now=self.env.cr.now(),
                rows=json.dumps(
                    [
                        {name: None if vals[name] is False else vals[name] for name in columns}
                        for vals in vals_list
                    ],
                    default=str,
                ),
                types=SQL(", ").join(
                    SQL("%s %s", SQL.identifier(name), SQL(COLUMN_TYPES[name])) for name in columns
                ),
            )
        )

    @api.model
    def _assign_buyers(self, vals_list):
        """The product's responsible (per company), else nobody: the company's buyers group then."""
        by_company = {}
        for vals in vals_list:
            by_company.setdefault(vals["company_id"], []).append(vals)
        for company_id, company_vals in by_company.items():
            products = (
                self.env["product.product"]
                .with_company(company_id)
                .browse([vals["product_id"] for vals in company_vals])
            )
            # Odoo defaults the responsible to whoever created the product (often OdooBot):
            # only an active internal user is a buyer
            responsible = {
                p.id: p.product_tmpl_id.responsible_id.id
                for p in products
                if p.product_tmpl_id.responsible_id.active
                and not p.product_tmpl_id.responsible_id.share
            }
            for vals in company_vals:
                vals["buyer_id"] = responsible.get(vals["product_id"]) or False

    def _resolve(self):
        if self:
            self.write({"state": "resolved", "date_resolved": fields.Datetime.now()})

    @api.model
    def _update_digests(self):
        """One to-do per buyer listing their open alerts; updated, never duplicated, removed when none."""
        activity_type = self.env.ref("stock_lock_ext.mail_activity_type_low_stock")
        groups = self._read_group(
            [("state", "=", "open")],
            ["company_id", "buyer_id"],
            ["__count", "id:min"],
        )
        wanted = {}  # user -> (count, first alert id)
        for company, buyer, count, first_id in groups:
            users = buyer or self.env["res.users"].search(
                [
                    ("groups_id", "in", company.stock_alert_group_id.ids),
                    ("company_ids", "in", company.id),
                    ("share", "=", False),
                ]
            )
            for user in users:
                total, first = wanted.get(user, (0, first_id))
                wanted[user] = (total + count, min(first, first_id))
        Activity = self.env["mail.activity"].with_context(mail_activity_quick_update=True)
        current = Activity.search(
            [("res_model", "=", self._name), ("activity_type_id", "=", activity_type.id)]
        )
        action = self.env.ref("stock_lock_ext.action_stock_low_alert")
        for activity in current:
            if activity.user_id not in wanted:
                activity.unlink()
        seen = set()
        for activity in current.exists():
            if activity.user_id in seen:
                activity.unlink()  # an older duplicate
                continue
            seen.add(activity.user_id)
        model_id = self.env["ir.model"]._get_id(self._name)
        for user, (count, first_id) in wanted.items():
            # in the buyer's language, not the cron user's
            user_env = self.with_context(lang=user.lang).env
            summary = user_env._("%(count)s low-stock alerts to review", count=count)
            note = Markup('<p>%s</p><p><a href="/odoo/action-%s">%s</a></p>') % (
                summary,
                action.id,
                user_env._("Open the low-stock alerts"),
            )
            activity = current.exists().filtered(lambda a, u=user: a.user_id == u)[:1]
            if activity:
                if activity.summary != summary:
                    activity.write({"summary": summary, "note": note})
            else:
                Activity.create(
                    {
                        "res_model_id": model_id,
                        "res_id": first_id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "summary": summary,
                        "note": note,
                    }
                )
