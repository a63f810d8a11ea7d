from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

DEFAULT_TURNOVER_DAYS = 365
DEFAULT_SLOW_MOVER_DAYS = 90


class StockAnalysisReport(models.Model):
    """库存分析: stock per product and warehouse, with turnover.

    Definitions (also in the fields' help):
    - On Hand / Reserved: quants in the warehouse's internal locations;
    - Locked: active stock locks (stock_lock_ext) of the warehouse;
    - Available = On Hand - Reserved - Locked;
    - Unit cost: average cost of the product's valuation layers in the company (quantity
      weighted), else the product cost; Stock Value = On Hand x unit cost;
    - Period: the last N days, N = system parameter ``report_ext.turnover_days``
      (default 365), ending now;
    - COGS: value of the valuation layers of deliveries to customers from the warehouse in
      the period, minus customer returns;
    - Average inventory value = (quantity at period start + on hand now) / 2 x unit cost,
      the quantity at period start being on hand minus the net done moves into the
      warehouse during the period;
    - Turnover rate = COGS / average inventory value; Days of inventory = period days /
      turnover rate;
    - Slow mover: stock on hand and no delivery to a customer for M days, M = system
      parameter ``report_ext.slow_mover_days`` (default 90).
    """

    _name = "stock.analysis.report"
    _description = "Stock Analysis"
    _auto = False
    _rec_name = "product_id"
    _order = "stock_value desc"

    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Product Template", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Warehouse", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    qty_on_hand = fields.Float(string="On Hand", readonly=True)
    qty_reserved = fields.Float(string="Reserved", readonly=True)
    qty_locked = fields.Float(
        string="Locked", readonly=True, help="Active stock locks of submitted orders."
    )
    qty_available = fields.Float(
        string="Available", readonly=True, help="On hand - reserved - locked."
    )
    unit_cost = fields.Float(string="Unit Cost", readonly=True, aggregator="avg")
    stock_value = fields.Monetary(string="Stock Value", readonly=True)
    qty_sold = fields.Float(
        string="Delivered in Period",
        readonly=True,
        help="Quantity delivered to customers in the period, net of returns.",
    )
    cogs = fields.Monetary(
        string="COGS in Period",
        readonly=True,
        help="Cost of goods sold: valuation of deliveries to customers in the period, "
        "net of returns.",
    )
    avg_inventory_value = fields.Monetary(
        string="Average Inventory Value",
        readonly=True,
        help="(Quantity at period start + on hand now) / 2 x unit cost.",
    )
    turnover_rate = fields.Float(
        string="Turnover Rate",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="COGS in the period / average inventory value (system parameter "
        "report_ext.turnover_days, default 365 days). Grouped: on the group's totals.",
    )
    days_of_inventory = fields.Float(
        string="Days of Inventory",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Period days / turnover rate. Grouped: on the group's totals.",
    )
    last_sale_date = fields.Datetime(string="Last Sale", readonly=True, aggregator="max")
    is_slow_mover = fields.Boolean(
        string="Slow Mover",
        readonly=True,
        help="Stock on hand and no delivery to a customer for the number of days set in "
        "the system parameter report_ext.slow_mover_days (default 90).",
    )

    # ------------------------------------------------------------------ parameters
    @api.model
    def _get_turnover_days(self):
        param = self.env["ir.config_parameter"].sudo().get_param("report_ext.turnover_days")
        return int(param or DEFAULT_TURNOVER_DAYS) or DEFAULT_TURNOVER_DAYS

    @api.model
    def _get_slow_mover_days(self):
        param = self.env["ir.config_parameter"].sudo().get_param("report_ext.slow_mover_days")
        return int(param or DEFAULT_SLOW_MOVER_DAYS)

    # ------------------------------------------------------------------ query
    def _locked_query(self):
        """Active locks per product/warehouse/company (stock_lock_ext's table)."""
        return SQL(
            """
            SELECT stk_lock.product_id, stk_lock.warehouse_id, stk_lock.company_id,
                   0.0 AS qty_on_hand, 0.0 AS qty_reserved, SUM(stk_lock.quantity) AS qty_locked,
                   0.0 AS qty_net_in, 0.0 AS qty_sold, 0.0 AS cogs, NULL::timestamp AS last_sale
              FROM stock_lock stk_lock
             WHERE stk_lock.state = 'active'
             GROUP BY stk_lock.product_id, stk_lock.warehouse_id, stk_lock.company_id
            """
        )

    def _facts_query(self, date_from):
        """Rows of facts per product/warehouse/company, summed by the outer query."""
        return SQL(
            """
            SELECT quant.product_id, loc.warehouse_id, quant.company_id,
                   quant.quantity AS qty_on_hand, quant.reserved_quantity AS qty_reserved,
                   0.0 AS qty_locked, 0.0 AS qty_net_in, 0.0 AS qty_sold, 0.0 AS cogs,
                   NULL::timestamp AS last_sale
              FROM stock_quant quant
              JOIN stock_location loc ON loc.id = quant.location_id
             WHERE loc.usage = 'internal' AND loc.warehouse_id IS NOT NULL
            UNION ALL
            %(locked)s
            UNION ALL
            -- done moves leaving a warehouse (sales when going to a customer)
            SELECT move.product_id, src.warehouse_id, move.company_id,
                   0.0, 0.0, 0.0,
                   CASE WHEN move.date >= %(date_from)s THEN -move.product_qty ELSE 0 END,
                   CASE WHEN dest.usage = 'customer' AND move.date >= %(date_from)s
                        THEN move.product_qty ELSE 0 END,
                   CASE WHEN dest.usage = 'customer' AND move.date >= %(date_from)s
                        THEN -COALESCE(svl.value, 0) ELSE 0 END,
                   CASE WHEN dest.usage = 'customer' THEN move.date END
              FROM stock_move move
              JOIN stock_location src ON src.id = move.location_id
              JOIN stock_location dest ON dest.id = move.location_dest_id
              LEFT JOIN LATERAL (
                  SELECT SUM(layer.value) AS value FROM stock_valuation_layer layer
                   WHERE layer.stock_move_id = move.id
              ) svl ON dest.usage = 'customer' AND move.date >= %(date_from)s
             WHERE move.state = 'done' AND src.usage = 'internal'
               AND src.warehouse_id IS NOT NULL
               AND dest.warehouse_id IS DISTINCT FROM src.warehouse_id
               AND (move.date >= %(date_from)s OR dest.usage = 'customer')
            UNION ALL
            -- done moves entering a warehouse (customer returns reduce sales)
            SELECT move.product_id, dest.warehouse_id, move.company_id,
                   0.0, 0.0, 0.0,
                   move.product_qty,
                   CASE WHEN src.usage = 'customer' THEN -move.product_qty ELSE 0 END,
                   CASE WHEN src.usage = 'customer' THEN -COALESCE(svl.value, 0) ELSE 0 END,
                   NULL::timestamp
              FROM stock_move move
              JOIN stock_location src ON src.id = move.location_id
              JOIN stock_location dest ON dest.id = move.location_dest_id
              LEFT JOIN LATERAL (
                  SELECT SUM(layer.value) AS value FROM stock_valuation_layer layer
                   WHERE layer.stock_move_id = move.id
              ) svl ON src.usage = 'customer'
             WHERE move.state = 'done' AND dest.usage = 'internal'
               AND dest.warehouse_id IS NOT NULL
               AND src.warehouse_id IS DISTINCT FROM dest.warehouse_id
               AND move.date >= %(date_from)s
            """,
            locked=self._locked_query(),
            date_from=date_from,
        )

    @property
    def _table_query(self):
        period_days = self._get_turnover_days()
        now = fields.Datetime.now()
        date_from = now - timedelta(days=period_days)
        slow_since = now - timedelta(days=self._get_slow_mover_days())
        return SQL(
            """
            WITH facts AS (%(facts)s),
            agg AS (
                SELECT product_id, warehouse_id, company_id,
                       SUM(qty_on_hand) AS qty_on_hand, SUM(qty_reserved) AS qty_reserved,
                       SUM(qty_locked) AS qty_locked, SUM(qty_net_in) AS qty_net_in,
                       SUM(qty_sold) AS qty_sold, SUM(cogs) AS cogs, MAX(last_sale) AS last_sale
                  FROM facts
                 GROUP BY product_id, warehouse_id, company_id
            ),
            cost AS (
                SELECT layer.product_id, layer.company_id,
                       SUM(layer.value) / NULLIF(SUM(layer.quantity), 0) AS unit_cost
                  FROM stock_valuation_layer layer
                 GROUP BY layer.product_id, layer.company_id
            ),
            costed AS (
                SELECT agg.*,
                       COALESCE(cost.unit_cost,
                                (product.standard_price ->> agg.company_id::text)::numeric,
                                0) AS unit_cost
                  FROM agg
                  JOIN product_product product ON product.id = agg.product_id
                  LEFT JOIN cost ON cost.product_id = agg.product_id
                                AND cost.company_id = agg.company_id
            )
            SELECT ROW_NUMBER() OVER (ORDER BY c.product_id, c.warehouse_id, c.company_id) AS id,
                   c.product_id, product.product_tmpl_id, template.categ_id,
                   c.warehouse_id, c.company_id, company.currency_id,
                   c.qty_on_hand, c.qty_reserved, c.qty_locked,
                   c.qty_on_hand - c.qty_reserved - c.qty_locked AS qty_available,
                   c.unit_cost,
                   c.qty_on_hand * c.unit_cost AS stock_value,
                   c.qty_sold, c.cogs,
                   (2 * c.qty_on_hand - c.qty_net_in) / 2.0 * c.unit_cost AS avg_inventory_value,
                   CASE WHEN (2 * c.qty_on_hand - c.qty_net_in) * c.unit_cost > 0
                        THEN c.cogs / ((2 * c.qty_on_hand - c.qty_net_in) / 2.0 * c.unit_cost)
                        ELSE 0 END AS turnover_rate,
                   CASE WHEN c.cogs > 0
                        THEN (2 * c.qty_on_hand - c.qty_net_in) / 2.0 * c.unit_cost / c.cogs
                             * %(period_days)s
                        ELSE 0 END AS days_of_inventory,
                   c.last_sale AS last_sale_date,
                   c.qty_on_hand > 0 AND (c.last_sale IS NULL OR c.last_sale < %(slow_since)s)
                       AS is_slow_mover
              FROM costed c
              JOIN product_product product ON product.id = c.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
              JOIN res_company company ON company.id = c.company_id
            """,
            facts=self._facts_query(date_from),
            period_days=period_days,
            slow_since=slow_since,
        )

    def _read_group_select(self, aggregate_spec, query):
        """Turnover and days of inventory of a group are computed on its totals."""
        if aggregate_spec == "turnover_rate:avg":
            return SQL(
                "COALESCE(SUM(%s) / NULLIF(SUM(%s), 0), 0)",
                self._field_to_sql(self._table, "cogs", query),
                self._field_to_sql(self._table, "avg_inventory_value", query),
            )
        if aggregate_spec == "days_of_inventory:avg":
            return SQL(
                "COALESCE(SUM(%s) / NULLIF(SUM(%s), 0) * %s, 0)",
                self._field_to_sql(self._table, "avg_inventory_value", query),
                self._field_to_sql(self._table, "cogs", query),
                self._get_turnover_days(),
            )
        if aggregate_spec == "unit_cost:avg":
            return SQL(
                "COALESCE(SUM(%s) / NULLIF(SUM(%s), 0), 0)",
                self._field_to_sql(self._table, "stock_value", query),
                self._field_to_sql(self._table, "qty_on_hand", query),
            )
        return super()._read_group_select(aggregate_spec, query)
