from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

# flow states (sale_order_ext.SALE_FLOW_STATE) on which the 销售单 may be printed
SALE_SLIP_PRINTABLE_STATES = ("approved", "shipped", "signed", "done")
# stored totals computed from the lines: only the ORM's recomputation writes them
ANALYSIS_TOTAL_FIELDS = frozenset(
    {
        "analysis_line_count",
        "analysis_amount_untaxed",
        "analysis_amount_total",
        "analysis_cost",
        "analysis_margin",
    }
)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # totals of the order's lines in the order currency, as 销售分析 sums them line by line
    # (display lines excluded): sale.analysis.order.report reads them to answer a grouping
    # by order fields without aggregating every line. Kept by the ORM, so always live.
    analysis_line_count = fields.Integer(
        string="Analysis: Lines", compute="_compute_analysis_totals", store=True, readonly=True
    )
    analysis_amount_untaxed = fields.Float(
        string="Analysis: Untaxed Amount",
        compute="_compute_analysis_totals",
        store=True,
        readonly=True,
    )
    analysis_amount_total = fields.Float(
        string="Analysis: Amount with Taxes",
        compute="_compute_analysis_totals",
        store=True,
        readonly=True,
    )
    analysis_cost = fields.Float(
        string="Analysis: Cost", compute="_compute_analysis_totals", store=True, readonly=True
    )
    analysis_margin = fields.Float(
        string="Analysis: Margin", compute="_compute_analysis_totals", store=True, readonly=True
    )

    @api.depends(
        "order_line.display_type",
        "order_line.price_subtotal",
        "order_line.price_total",
        "order_line.purchase_price",
        "order_line.product_uom_qty",
        "order_line.margin",
    )
    def _compute_analysis_totals(self):
        for order in self:
            lines = order.order_line.filtered(lambda line: not line.display_type)
            order.analysis_line_count = len(lines)
            order.analysis_amount_untaxed = sum(lines.mapped("price_subtotal"))
            order.analysis_amount_total = sum(lines.mapped("price_total"))
            order.analysis_cost = sum(
                (line.purchase_price or 0.0) * line.product_uom_qty for line in lines
            )
            order.analysis_margin = sum(line.margin or 0.0 for line in lines)

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        self._check_analysis_totals_not_written(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_analysis_totals_not_written([vals])
        return super().write(vals)

    @api.model
    def _check_analysis_totals_not_written(self, vals_list):
        """The analysis totals are computed from the lines: a client writing them (a
        readonly field is UI only) would change 销售分析's figures."""
        written = {fname for vals in vals_list for fname in vals} & ANALYSIS_TOTAL_FIELDS
        if written:
            raise AccessError(
                _(
                    "The analysis totals of an order are computed from its lines and can't "
                    "be written: %(fields)s.",
                    fields=", ".join(sorted(written)),
                )
            )

    # ------------------------------------------------------------------ business
    def _check_sale_slip_printable(self):
        """Refuse to print the 销售单 of orders that are not approved yet (server side)."""
        refused = self.filtered(lambda o: o.flow_state not in SALE_SLIP_PRINTABLE_STATES)
        if refused:
            raise UserError(
                _(
                    "The sales slip can only be printed once the order is approved. "
                    "Not approved yet: %(orders)s.",
                    orders=", ".join(refused.mapped("display_name")),
                )
            )
