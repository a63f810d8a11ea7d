from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

DEFAULT_TURNOVER_DAYS = 365
DEFAULT_SLOW_MOVER_DAYS = 90


class StockAnalysisReport(models.Model):
    """库存周转分析: stock per product and warehouse, with turnover over a period.

    Definitions (also in the fields' help):
    - Period: ``turnover_date_from`` / ``turnover_date_to`` in the context (the 库存周转
      wizard: this month, the last 30/90/365 days or any range), else the last N days to
      today, N = system parameter ``report_ext.turnover_days`` (default 365);
    - On Hand / Reserved: quants in the warehouse's internal locations (now);
      Locked: active stock locks (stock_lock_ext); Available = On Hand - Reserved - Locked;
    - Values come from stock valuation (``stock.valuation.layer``) in the user's selected
      companies; a layer's warehouse is the one of its move's destination for incoming
      layers, of its source for outgoing ones;
    - 期初库存金额 / 期末库存金额: valuation at the start / end of the period;
      平均库存 = (期初 + 期末) / 2;
    - 销售成本 (COGS): valuation of deliveries to customers in the period, net of returns;
    - 周转率 = 销售成本 / 平均库存; 周转天数 = 期间天数 / 周转率;
    - Slow mover: stock on hand and no sale for M days before the period end, M =
      ``slow_mover_days`` in the context, else system parameter
      ``report_ext.slow_mover_days`` (default 90).
    """

    _name = "stock.analysis.report"
    _description = "Stock Analysis"
    _auto = False
    _rec_name = "product_id"
    _order = "stock_value desc"
    _depends = {
        "stock.quant": ["product_id", "location_id", "company_id", "quantity", "reserved_quantity"],
        "stock.location": ["usage", "warehouse_id"],
        "stock.valuation.layer": [
            "product_id",
            "company_id",
            "stock_move_id",
            "quantity",
            "value",
            "create_date",
        ],
        "stock.move": ["location_id", "location_dest_id"],
        "stock.lock": ["product_id", "warehouse_id", "company_id", "quantity", "state"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
        "res.company": ["currency_id"],
    }

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
    unit_cost = fields.Float(
        string="Unit Cost",
        readonly=True,
        aggregator="avg",
        help="Stock value at the period end / valued quantity at the period end.",
    )
    opening_value = fields.Monetary(
        string="Opening Stock Value", readonly=True, help="Stock valuation at the period start."
    )
    stock_value = fields.Monetary(
        string="Closing Stock Value", readonly=True, help="Stock valuation at the period end."
    )
    qty_sold = fields.Float(
        string="Sold in Period",
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
        help="(Opening stock value + closing stock value) / 2.",
    )
    turnover_rate = fields.Float(
        string="Turnover Rate",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="COGS in the period / average inventory value. Grouped: on the group's totals.",
    )
    turnover_days = fields.Float(
        string="Turnover Days",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days of the period / turnover rate. Grouped: on the group's totals.",
    )
    last_sale_date = fields.Datetime(string="Last Sale", readonly=True, aggregator="max")
    is_slow_mover = fields.Boolean(
        string="Slow Mover",
        readonly=True,
        help="Stock on hand and no sale in the days before the period end set in the wizard "
        "(default: system parameter report_ext.slow_mover_days, 90).",
    )

    # ------------------------------------------------------------------ parameters
    @api.model
    def _get_turnover_days(self):
        param = self.env["ir.config_parameter"].sudo().get_param("report_ext.turnover_days")
        return int(param or DEFAULT_TURNOVER_DAYS) or DEFAULT_TURNOVER_DAYS

    @api.model
    def _get_slow_mover_days(self):
        days = self.env.context.get("slow_mover_days")
        if days is None or days is False or days == "":  # 0 is a threshold
            days = (
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("report_ext.slow_mover_days", DEFAULT_SLOW_MOVER_DAYS)
            )
        try:
            return max(int(days), 0)
        except (TypeError, ValueError) as e:
            raise UserError(_("The number of days without sale must be a whole number.")) from e

    @api.model
    def _get_period(self):
        """(first day, last day) of the period: the context's, else the last N days."""
        context = self.env.context
        today = fields.Date.context_today(self)
        try:
            date_from = fields.Date.to_date(context.get("turnover_date_from"))
            date_to = fields.Date.to_date(context.get("turnover_date_to"))
        except (TypeError, ValueError) as e:
            raise UserError(_("The turnover period is not valid.")) from e
        date_to = date_to or today
        date_from = date_from or date_to - timedelta(days=self._get_turnover_days() - 1)
        if date_to < date_from:
            raise UserError(
                _(
                    "The turnover period ends (%(end)s) before it starts (%(start)s).",
                    start=date_from,
                    end=date_to,
                )
            )
        return date_from, date_to

    # ------------------------------------------------------------------ query
    def _layers_query(self, start, end, companies):
        """Valuation layers up to the period end with their warehouse and whether they
        value a sale (a move from or to a customer)."""
        return SQL(
            """
            SELECT layer.product_id, layer.company_id,
                   CASE WHEN layer.quantity >= 0
                        THEN COALESCE(dest.warehouse_id, src.warehouse_id)
                        ELSE COALESCE(src.warehouse_id, dest.warehouse_id) END AS warehouse_id,
                   layer.quantity, layer.value, layer.create_date,
                   COALESCE(src.usage = 'customer' OR dest.usage = 'customer', FALSE)
                       AS is_sale
              FROM stock_valuation_layer layer
              LEFT JOIN stock_move move ON move.id = layer.stock_move_id
              LEFT JOIN stock_location src ON src.id = move.location_id
              LEFT JOIN stock_location dest ON dest.id = move.location_dest_id
             WHERE layer.company_id IN %(companies)s AND layer.create_date < %(end)s
            """,
            companies=companies,
            end=end,
        )

    def _facts_query(self, start, end, companies):
        """Rows of facts per product/warehouse/company, summed by the outer query."""
        return SQL(
            """
            SELECT quant.product_id, loc.warehouse_id, quant.company_id,
                   quant.quantity AS qty_on_hand, quant.reserved_quantity AS qty_reserved,
                   0.0 AS qty_locked, 0.0 AS opening_value, 0.0 AS stock_value,
                   0.0 AS qty_valued, 0.0 AS qty_sold, 0.0 AS cogs, NULL::timestamp AS last_sale
              FROM stock_quant quant
              JOIN stock_location loc ON loc.id = quant.location_id
             WHERE loc.usage = 'internal' AND loc.warehouse_id IS NOT NULL
               AND quant.company_id IN %(companies)s
            UNION ALL
            SELECT stk_lock.product_id, stk_lock.warehouse_id, stk_lock.company_id,
                   0.0, 0.0, stk_lock.quantity, 0.0, 0.0, 0.0, 0.0, 0.0, NULL::timestamp
              FROM stock_lock stk_lock
             WHERE stk_lock.state = 'active' AND stk_lock.company_id IN %(companies)s
            UNION ALL
            SELECT layer.product_id, layer.warehouse_id, layer.company_id, 0.0, 0.0, 0.0,
                   COALESCE(SUM(layer.value) FILTER (WHERE layer.create_date < %(start)s), 0),
                   SUM(layer.value), SUM(layer.quantity),
                   COALESCE(-SUM(layer.quantity) FILTER (
                       WHERE layer.is_sale AND layer.create_date >= %(start)s), 0),
                   COALESCE(-SUM(layer.value) FILTER (
                       WHERE layer.is_sale AND layer.create_date >= %(start)s), 0),
                   MAX(layer.create_date) FILTER (WHERE layer.is_sale AND layer.quantity < 0)
              FROM (%(layers)s) layer
             WHERE layer.warehouse_id IS NOT NULL
             GROUP BY layer.product_id, layer.warehouse_id, layer.company_id
            """,
            layers=self._layers_query(start, end, companies),
            companies=companies,
            start=start,
        )

    @property
    def _table_query(self):
        date_from, date_to = self._get_period()
        period_days = (date_to - date_from).days + 1
        # the period in UTC: whole days in the user's zone are close enough for turnover
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(date_to + timedelta(days=1))
        slow_since = end - timedelta(days=self._get_slow_mover_days())
        companies = tuple(self.env.companies.ids)
        return SQL(
            """
            WITH agg AS (
                SELECT product_id, warehouse_id, company_id,
                       SUM(qty_on_hand) AS qty_on_hand, SUM(qty_reserved) AS qty_reserved,
                       SUM(qty_locked) AS qty_locked, SUM(opening_value) AS opening_value,
                       SUM(stock_value) AS stock_value, SUM(qty_valued) AS qty_valued,
                       SUM(qty_sold) AS qty_sold, SUM(cogs) AS cogs, MAX(last_sale) AS last_sale
                  FROM (%(facts)s) facts
                 GROUP BY product_id, warehouse_id, company_id
            )
            SELECT ROW_NUMBER() OVER (ORDER BY c.product_id, c.warehouse_id, c.company_id) AS id,
                   c.product_id, product.product_tmpl_id, template.categ_id,
                   c.warehouse_id, c.company_id, company.currency_id,
                   c.qty_on_hand, c.qty_reserved, c.qty_locked,
                   c.qty_on_hand - c.qty_reserved - c.qty_locked AS qty_available,
                   COALESCE(c.stock_value / NULLIF(c.qty_valued, 0), 0) AS unit_cost,
                   c.opening_value, c.stock_value, c.qty_sold, c.cogs,
                   (c.opening_value + c.stock_value) / 2.0 AS avg_inventory_value,
                   CASE WHEN c.opening_value + c.stock_value > 0
                        THEN c.cogs / ((c.opening_value + c.stock_value) / 2.0)
                        ELSE 0 END AS turnover_rate,
                   CASE WHEN c.cogs > 0
                        THEN (c.opening_value + c.stock_value) / 2.0 / c.cogs * %(period_days)s
                        ELSE 0 END AS turnover_days,
                   c.last_sale AS last_sale_date,
                   c.qty_on_hand > 0 AND (c.last_sale IS NULL OR c.last_sale < %(slow_since)s)
                       AS is_slow_mover
              FROM agg c
              JOIN product_product product ON product.id = c.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
              JOIN res_company company ON company.id = c.company_id
            """,
            facts=self._facts_query(start, end, companies),
            period_days=period_days,
            slow_since=slow_since,
        )

    def _read_group_select(self, aggregate_spec, query):
        """Turnover rate and days of a group are computed on its totals."""
        if aggregate_spec == "turnover_rate:avg":
            return SQL(
                "COALESCE(SUM(%s) / NULLIF(SUM(%s), 0), 0)",
                self._field_to_sql(self._table, "cogs", query),
                self._field_to_sql(self._table, "avg_inventory_value", query),
            )
        if aggregate_spec == "turnover_days:avg":
            date_from, date_to = self._get_period()
            return SQL(
                "COALESCE(SUM(%s) / NULLIF(SUM(%s), 0) * %s, 0)",
                self._field_to_sql(self._table, "avg_inventory_value", query),
                self._field_to_sql(self._table, "cogs", query),
                (date_to - date_from).days + 1,
            )
        if aggregate_spec == "unit_cost:avg":
            return SQL(
                "COALESCE(SUM(%s) / NULLIF(SUM(%s), 0), 0)",
                self._field_to_sql(self._table, "stock_value", query),
                self._field_to_sql(self._table, "qty_on_hand", query),
            )
        return super()._read_group_select(aggregate_spec, query)
