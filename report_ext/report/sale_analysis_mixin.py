import contextlib
import datetime
import functools
import gc

import pytz

from odoo import api, fields, models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

from odoo.addons.sale.models.sale_order import SALE_ORDER_STATE
from odoo.addons.sale_order_ext.models.res_partner import CUSTOMER_GRADE
from odoo.addons.sale_order_ext.models.sale_order import SALE_FLOW_STATE


@functools.lru_cache(maxsize=64)
def fixed_utc_offset(tz_name):
    """(since, offset) when the zone has kept one UTC offset since ``since`` (naive UTC) and
    announces no change (Asia/Shanghai: +8 since 1991), else None (zones with DST)."""
    zone = pytz.timezone(tz_name)
    transitions = getattr(zone, "_utc_transition_times", None)
    if not transitions:  # UTC and other fixed zones
        return datetime.datetime(1, 1, 1), zone.utcoffset(datetime.datetime(2000, 1, 1))
    if transitions[-1] > datetime.datetime.now():
        return None
    return transitions[-1], zone._transition_info[-1][0]


# what the shared columns read: flushed before either view is queried
ANALYSIS_DEPENDS = {
    "sale.order": [
        "date_order",
        "state",
        "flow_state",
        "partner_id",
        "user_id",
        "team_id",
        "warehouse_id",
        "company_id",
        "currency_rate",
    ],
    "res.partner": ["commercial_partner_id", "customer_grade"],
    "res.company": ["currency_id"],
}


@contextlib.contextmanager
def cyclic_gc_paused():
    """No cyclic garbage collection while tens of thousands of groups are built: each full
    collection walks the whole registry (~0.2 s of a month x customer pivot at a million
    lines). Reference counting still frees everything; collection resumes right after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class SaleAnalysisMixin(models.AbstractModel):
    """What 销售分析's line view and its per-order twin share: the order's dimensions, the
    measures (company currency) and the grouped figures (margin % of a group = its margin /
    its untaxed amount; each distinct group value formatted once)."""

    _name = "sale.analysis.mixin"
    _description = "Sales Analysis (shared dimensions and measures)"

    # order
    order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    date = fields.Datetime(string="Order Date", readonly=True)
    state = fields.Selection(SALE_ORDER_STATE, string="Status", readonly=True)
    flow_state = fields.Selection(SALE_FLOW_STATE, string="Review State", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    commercial_partner_id = fields.Many2one("res.partner", string="Customer Entity", readonly=True)
    customer_grade = fields.Selection(CUSTOMER_GRADE, string="Customer Grade", readonly=True)
    partner_category_ids = fields.Many2many(
        related="partner_id.category_id", string="Customer Tags"
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Warehouse", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    # measures
    amount_untaxed = fields.Monetary(string="Untaxed Amount", readonly=True)
    amount_total = fields.Monetary(string="Amount with Taxes", readonly=True)
    cost = fields.Monetary(string="Cost", readonly=True)
    margin = fields.Monetary(string="Margin", readonly=True)
    margin_percent = fields.Float(
        string="Margin (%)",
        readonly=True,
        aggregator="avg",
        help="Margin divided by the untaxed amount. Grouped: total margin / total untaxed "
        "amount of the group (not an average of line percentages).",
    )
    order_count = fields.Integer(
        string="Orders",
        readonly=True,
        aggregator="count_distinct",
        help="Number of distinct orders (the value of a single line is its order id).",
    )

    @api.model
    def _analysis_to_company_currency(self, amount):
        """Order currency -> company currency (``so`` is the order's alias in the view).
        A numeric division per row is what a million-line aggregate spends most on: none
        for the usual rate 1."""
        return SQL(
            "CASE WHEN COALESCE(so.currency_rate, 1) IN (0, 1) THEN %(amount)s "
            "ELSE %(amount)s / so.currency_rate END",
            amount=amount,
        )

    @api.model
    def _analysis_columns(self, untaxed, total, cost, margin):
        """The columns of the order fields and measures, from ``so`` (the order), ``partner``
        and ``company`` and the given amounts in the order currency."""
        convert = self._analysis_to_company_currency
        return SQL(
            """
            so.date_order AS date,
            so.state AS state,
            so.flow_state AS flow_state,
            so.partner_id AS partner_id,
            partner.commercial_partner_id AS commercial_partner_id,
            partner.customer_grade AS customer_grade,
            so.user_id AS user_id,
            so.team_id AS team_id,
            so.warehouse_id AS warehouse_id,
            so.company_id AS company_id,
            company.currency_id AS currency_id,
            %(amount_untaxed)s AS amount_untaxed,
            %(amount_total)s AS amount_total,
            %(cost)s AS cost,
            %(margin)s AS margin,
            CASE WHEN %(untaxed)s <> 0 THEN %(margin_raw)s / %(untaxed)s * 100.0
                ELSE 0 END AS margin_percent
            """,
            amount_untaxed=convert(untaxed),
            amount_total=convert(total),
            cost=convert(cost),
            margin=convert(margin),
            untaxed=untaxed,
            margin_raw=margin,
        )

    def _read_group_groupby(self, groupby_spec, query):
        """A datetime by day/month/quarter/year in a zone without DST (China's): the local
        time is the UTC time plus the offset, instead of a time zone conversion per row
        (a quarter of a million-line aggregate). Dates before the zone's last change keep
        the exact conversion."""
        fname, property_name, granularity = parse_read_group_spec(groupby_spec)
        field = self._fields.get(fname)
        tz = self.env.context.get("tz")
        fixed = (
            field is not None
            and field.type == "datetime"
            and not property_name
            and granularity in ("day", "month", "quarter", "year")
            and tz in pytz.all_timezones_set
            and fixed_utc_offset(tz)
        )
        if not fixed:
            return super()._read_group_groupby(groupby_spec, query)
        since, offset = fixed
        column = self._field_to_sql(self._table, fname, query)
        local = SQL(
            "CASE WHEN %(column)s >= %(since)s THEN %(column)s + %(offset)s"
            " ELSE timezone(%(tz)s, timezone('UTC', %(column)s)) END",
            column=column,
            since=since,
            offset=offset,
            tz=tz,
        )
        return SQL("date_trunc(%s, %s::timestamp)", granularity, local)

    def _read_group_select(self, aggregate_spec, query):
        """Margin % of a group = sum(margin) / sum(untaxed amount), not an average."""
        if aggregate_spec != "margin_percent:avg":
            return super()._read_group_select(aggregate_spec, query)
        return SQL(
            "COALESCE(SUM(%(margin)s) / NULLIF(SUM(%(amount)s), 0) * 100.0, 0)",
            margin=self._field_to_sql(self._table, "margin", query),
            amount=self._field_to_sql(self._table, "amount_untaxed", query),
        )

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        with cyclic_gc_paused():
            return super().read_group(domain, fields, groupby, offset, limit, orderby, lazy)

    def _read_group_postprocess_groupby(self, groupby_spec, raw_values):
        """Same records as core, but one record per distinct id (core builds one per group,
        each with the whole column as prefetch ids)."""
        field = self._fields[groupby_spec.split(":")[0]]
        if field.type != "many2one":
            return super()._read_group_postprocess_groupby(groupby_spec, raw_values)
        raw_values = list(raw_values)
        comodel = self.env[field.comodel_name]
        records = {
            record.id: record for record in comodel.browse(dict.fromkeys(filter(None, raw_values)))
        }
        return (records[value] if value else comodel for value in raw_values)

    @api.model
    def _read_group_format_result(self, rows_dict, lazy_groupby):
        """Same result as core, but each distinct value of a groupby is formatted once.

        Core formats every group separately: a babel date label (~0.1 ms) and a domain per
        group and groupby, 4 s for the ~40,000 groups of month x customer at a million
        lines, while there are only a few dozen months and a few thousand customers.
        """
        simple = [
            spec
            for spec in lazy_groupby
            if "." not in spec
            and self._fields[spec.split(":")[0]].type not in ("many2many", "properties")
        ]
        if len(rows_dict) < 100 or not simple:
            return super()._read_group_format_result(rows_dict, lazy_groupby)
        specs, columns = [], []
        for spec in simple:
            values = [row[spec] for row in rows_dict]
            if self._fields[spec.split(":")[0]].type == "many2one":
                keys = [value._ids for value in values]  # hashing a record is much slower
            else:
                keys = values
            formatted = {
                key: {spec: value, "__domain": []} for key, value in zip(keys, values, strict=True)
            }
            super()._read_group_format_result(list(formatted.values()), [spec])
            table = {
                key: (result[spec], result.get("__range", {}).get(spec), result["__domain"])
                for key, result in formatted.items()
            }
            columns.append([table[key] for key in keys])
            specs.append(spec)
        for row, entries in zip(rows_dict, zip(*columns, strict=True), strict=True):
            domain = row["__domain"]
            for spec, (label, range_, extra_domain) in zip(specs, entries, strict=True):
                row[spec] = label
                if range_ is not None:
                    row.setdefault("__range", {})[spec] = range_
                # consecutive terms of a domain are implicitly AND-ed
                domain = domain + extra_domain
            row["__domain"] = domain
        others = [spec for spec in lazy_groupby if spec not in simple]
        if others:
            super()._read_group_format_result(rows_dict, others)
