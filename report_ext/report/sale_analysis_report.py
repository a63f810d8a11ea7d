import re

from odoo import fields, models
from odoo.osv import expression
from odoo.tools import SQL

from .sale_analysis_mixin import ANALYSIS_DEPENDS

# the fields of sale.analysis.report that have the same value on every line of an order
# (and exist on sale.analysis.order.report)
ORDER_LEVEL_FIELDS = frozenset(
    {
        "order_id",
        "date",
        "state",
        "flow_state",
        "partner_id",
        "commercial_partner_id",
        "customer_grade",
        "partner_category_ids",
        "user_id",
        "team_id",
        "warehouse_id",
        "company_id",
        "currency_id",
    }
)
# aggregates the per-order view gives exactly (its rows hold the sums of their lines)
ORDER_LEVEL_AGGREGATES = {
    "__count": "line_count:sum",
    "amount_untaxed:sum": "amount_untaxed:sum",
    "amount_total:sum": "amount_total:sum",
    "cost:sum": "cost:sum",
    "margin:sum": "margin:sum",
    "margin_percent:avg": "margin_percent:avg",
    "order_count:count_distinct": "order_count:count_distinct",
}
ORDER_TERM = re.compile(r"^\s*(?P<term>[\w:.]+)(?P<rest>(\s+\w+)*)\s*$")


class SaleAnalysisReport(models.Model):
    """销售分析: one row per sale order line, joined to its order.

    Unlike ``sale.report`` the view does not group lines by ~30 columns before Odoo groups
    them again: every row is a line, so a pivot's ``read_group`` becomes ONE aggregate over
    ``sale_order_line JOIN sale_order`` that PostgreSQL plans directly (dimension tables are
    LEFT JOINed on their primary key and dropped by the planner when a query does not use
    them). Amounts are in the company currency (``sale_order.currency_rate``).

    A ``read_group`` that only involves order fields (month x customer, salesperson, review
    state...) is answered by ``sale.analysis.order.report``, which aggregates the orders'
    stored line totals instead of every line: same figures, ~10x fewer rows.
    """

    _name = "sale.analysis.report"
    _inherit = "sale.analysis.mixin"
    _description = "Sales Analysis (lines)"
    _auto = False
    _rec_name = "order_id"
    _order = "date desc, id desc"
    # flushed before the view is queried
    _depends = {
        **ANALYSIS_DEPENDS,
        "sale.order.line": [
            "order_id",
            "display_type",
            "product_id",
            "product_uom",
            "product_uom_qty",
            "qty_delivered",
            "price_subtotal",
            "price_total",
            "purchase_price",
            "margin",
        ],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
    }

    # line
    product_id = fields.Many2one("product.product", string="Product", readonly=True)
    product_tmpl_id = fields.Many2one("product.template", string="Product Template", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    product_uom = fields.Many2one("uom.uom", string="Unit", readonly=True)
    product_uom_qty = fields.Float(string="Quantity", readonly=True)
    qty_delivered = fields.Float(string="Delivered Quantity", readonly=True)

    # ------------------------------------------------------------------ query
    def _select(self):
        return SQL(
            """
            sol.id AS id,
            sol.order_id AS order_id,
            sol.order_id AS order_count,
            sol.product_id AS product_id,
            product.product_tmpl_id AS product_tmpl_id,
            template.categ_id AS categ_id,
            sol.product_uom AS product_uom,
            sol.product_uom_qty AS product_uom_qty,
            sol.qty_delivered AS qty_delivered,
            %s
            """,
            self._analysis_columns(
                untaxed=SQL("sol.price_subtotal"),
                total=SQL("sol.price_total"),
                cost=SQL("COALESCE(sol.purchase_price, 0) * sol.product_uom_qty"),
                margin=SQL("COALESCE(sol.margin, 0)"),
            ),
        )

    def _from(self):
        # LEFT JOINs on primary keys only: the planner removes the unused ones
        return SQL(
            """
            sale_order_line sol
            JOIN sale_order so ON so.id = sol.order_id
            LEFT JOIN res_partner partner ON partner.id = so.partner_id
            LEFT JOIN res_company company ON company.id = so.company_id
            LEFT JOIN product_product product ON product.id = sol.product_id
            LEFT JOIN product_template template ON template.id = product.product_tmpl_id
            """
        )

    def _where(self):
        return SQL("sol.display_type IS NULL")

    def _query(self):
        return SQL("SELECT %s FROM %s WHERE %s", self._select(), self._from(), self._where())

    @property
    def _table_query(self):
        return self._query()

    # ------------------------------------------------------------ read_group
    def _read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        orders_view = self._order_level_view(domain, groupby, aggregates, having, order)
        if orders_view is None:
            sort_keys = self._python_group_order(groupby, order, offset, limit)
            if sort_keys is None:
                return super()._read_group(
                    domain, groupby, aggregates, having, offset, limit, order
                )
            # grouped by ids only, the groups then sorted like the comodels order them: an
            # ORDER BY product's name would join and group every line by it
            rows = super()._read_group(domain, groupby, aggregates, having)
            return self._sort_groups(rows, sort_keys)
        rows = orders_view._read_group(
            domain,
            groupby,
            [ORDER_LEVEL_AGGREGATES[spec] for spec in aggregates],
            offset=offset,
            limit=limit,
            order=self._order_level_order(order),
        )
        if not groupby:
            # no line at all: COUNT(*) is 0, a SUM of line counts is NULL
            rows = [
                tuple(
                    0 if spec == "__count" and not value else value
                    for spec, value in zip(aggregates, row, strict=True)
                )
                for row in rows
            ]
        return rows

    def _python_group_order(self, groupby, order, offset, limit):
        """``[(position, field, descending)]`` when ``order`` only names groupby fields of
        which at least one is a many2one ordered by something else than its id, and every
        group is returned (no offset/limit): the groups can then be sorted after the query."""
        groupby = list(groupby)
        if offset or limit or not order or not groupby:
            return None
        keys = []
        for part in order.split(","):
            match = ORDER_TERM.match(part)
            if not match or match["term"] not in groupby:
                return None
            rest = match["rest"].split()
            if [word for word in rest if word.upper() not in ("ASC", "DESC")]:
                return None  # NULLS FIRST/LAST: left to PostgreSQL
            term = match["term"]
            field = self._fields.get(term.split(":")[0])
            if field is None or field.type not in ("many2one", "selection", "date", "datetime"):
                return None
            descending = any(word.upper() == "DESC" for word in rest)
            keys.append((groupby.index(term), field, descending))
        if not any(
            field.type == "many2one" and self.env[field.comodel_name]._order != "id"
            for __, field, __ in keys
        ):
            return None
        return keys

    def _sort_groups(self, rows, sort_keys):
        """Sort ``_read_group`` rows like PostgreSQL would have with the comodels' orders
        (ascending: empty values last; descending: first)."""
        ranks = {}
        for position, field, __ in sort_keys:
            if field.type != "many2one":
                continue
            ids = {row[position].id for row in rows if row[position]}
            comodel = self.env[field.comodel_name].sudo().with_context(active_test=False)
            ordered = comodel.browse(ids).sorted()
            ranks[position] = {record.id: rank for rank, record in enumerate(ordered)}
        for position, field, descending in reversed(sort_keys):

            def key(row, position=position, field=field):
                value = row[position]
                if field.type == "many2one":
                    value = ranks[position].get(value.id) if value else None
                return (value is None, value if value is not None else 0)

            rows = sorted(rows, key=key, reverse=descending)
        return rows

    def _order_level_view(self, domain, groupby, aggregates, having, order):
        """``sale.analysis.order.report`` (same user) when it gives this ``_read_group``'s
        exact result, else None."""
        if having or self.env.context.get("sale_analysis_lines"):
            return None
        if any(spec not in ORDER_LEVEL_AGGREGATES for spec in aggregates):
            return None
        if any(spec.split(":")[0].split(".")[0] not in ORDER_LEVEL_FIELDS for spec in groupby):
            return None
        if order and self._order_level_order(order) is None:
            return None
        for leaf in expression.normalize_domain(domain or []):
            if isinstance(leaf, str):  # '&', '|', '!'
                continue
            if leaf in (expression.TRUE_LEAF, expression.FALSE_LEAF):
                continue
            if not isinstance(leaf[0], str) or leaf[0].split(".")[0] not in ORDER_LEVEL_FIELDS:
                return None
        orders_view = self.env["sale.analysis.order.report"]
        # the record rules of both views must filter the same orders
        rules = self.env["ir.rule"]
        if rules._compute_domain(self._name, "read") != rules._compute_domain(
            orders_view._name, "read"
        ):
            return None
        return orders_view

    def _order_level_order(self, order):
        """``order`` for the per-order view: ``__count`` is the sum of its lines; None when
        ``order`` names something the per-order view does not have."""
        if not order:
            return order
        terms = []
        for part in order.split(","):
            match = ORDER_TERM.match(part)
            if not match:
                return None
            term = match["term"]
            if term in ORDER_LEVEL_AGGREGATES:
                term = ORDER_LEVEL_AGGREGATES[term]
            elif term.split(":")[0].split(".")[0] not in ORDER_LEVEL_FIELDS:
                return None
            terms.append(term + match["rest"])
        return ",".join(terms)
