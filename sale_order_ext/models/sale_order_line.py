from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from .sale_order import REVIEW_TOKEN, _check_computed_values


def combine_discounts(*discounts):
    """One percentage for discounts applied one after the other (10 % then 5 % = 14.5 %)."""
    factor = 1.0
    for discount in discounts:
        factor *= 1.0 - (discount or 0.0) / 100.0
    return (1.0 - factor) * 100.0


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # ------------------------------------------------------------------ fields
    # not rounded (no digits): an amount discount is allocated to the cent through it
    order_discount = fields.Float(
        string="Order Discount (%)",
        compute="_compute_order_discount",
        store=True,
        precompute=True,
        help="The line's share of the order discount (整单折扣), applied after its own discount.",
    )

    # ------------------------------------------------------------------ computes
    @api.depends(
        "order_id.sale_discount",
        "order_id.sale_discount_type",
        "order_id.order_line.price_unit",
        "order_id.order_line.discount",
        "order_id.order_line.product_uom_qty",
        "order_id.order_line.tax_id",
        "order_id.order_line.display_type",
    )
    def _compute_order_discount(self):
        rates = {}
        for order in self.order_id.filtered("sale_discount"):
            # lines being created (precomputed) are not on their order yet
            lines = order.order_line | self.filtered(lambda ln, o=order: ln.order_id == o)
            rates.update(order._sale_discount_rates(lines))
        for line in self:
            line.order_discount = rates.get(line, 0.0)

    @api.depends("order_discount")
    def _compute_amount(self):
        return super()._compute_amount()

    @api.depends("order_discount")
    def _compute_untaxed_amount_to_invoice(self):
        res = super()._compute_untaxed_amount_to_invoice()
        for line in self.filtered(lambda ln: ln.state == "sale" and ln.order_discount):
            if any(inv.discount != line.discount for inv in line._get_invoice_lines()):
                continue  # core's re-invoicing case: left as core computes it
            # core's figure is before the order discount: the same with the net price
            policy = line.product_id.invoice_policy
            qty = line.qty_delivered if policy == "delivery" else line.product_uom_qty
            base_line = line._prepare_base_line_for_taxes_computation(quantity=qty)
            self.env["account.tax"]._add_tax_details_in_base_line(base_line, line.company_id)
            subtotal = base_line["tax_details"]["raw_total_excluded_currency"]
            line.untaxed_amount_to_invoice = (
                line.currency_id.round(subtotal) - line.untaxed_amount_invoiced
            )
        return res

    def _sale_combined_discount(self):
        """The line's own discount and its share of the order discount, as one percentage."""
        self.ensure_one()
        return combine_discounts(self.discount, self.order_discount)

    def _sale_total_before_order_discount(self):
        """The line's total (taxes included) with its own discount only."""
        self.ensure_one()
        base_line = self._prepare_base_line_for_taxes_computation(discount=self.discount)
        self.env["account.tax"]._add_tax_details_in_base_line(base_line, self.company_id)
        return base_line["tax_details"]["raw_total_included_currency"]

    def _sale_subtotal_before_order_discount(self):
        """The line's untaxed amount with its own discount only (the 销售单's line amount)."""
        self.ensure_one()
        if not self.order_discount:
            return self.price_subtotal
        base_line = self._prepare_base_line_for_taxes_computation(discount=self.discount)
        self.env["account.tax"]._add_tax_details_in_base_line(base_line, self.company_id)
        return self.currency_id.round(base_line["tax_details"]["raw_total_excluded_currency"])

    def _prepare_base_line_for_taxes_computation(self, **kwargs):
        # the order discount goes into the net price, unless a caller names the discount
        base_line = super()._prepare_base_line_for_taxes_computation(**kwargs)
        if self.order_discount and "discount" not in kwargs:
            base_line["discount"] = self._sale_combined_discount()
        return base_line

    def _prepare_invoice_line(self, **optional_values):
        res = super()._prepare_invoice_line(**optional_values)
        if self.order_discount and not self.display_type:
            res["sale_order_discount"] = self.order_discount
        return res

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_client_line_values(vals)
        lines = super().create(vals_list)
        lines.order_id._review_sync_terms()
        return lines

    def write(self, vals):
        self._check_client_line_values(vals)
        if "order_id" in vals and any(line.order_id.id != vals["order_id"] for line in self):
            raise AccessError(
                _("A line stays on its order: delete it there and add it to the other order.")
            )
        res = super().write(vals)
        self.order_id._review_sync_terms()
        return res

    def unlink(self):
        # not a guard (a line may go): the orders' reviews follow their remaining lines
        orders = self.order_id
        res = super().unlink()
        orders.exists()._review_sync_terms()
        return res

    def _compute_available_product_document_ids(self):
        # sale_pdf_quote_builder searches the product's documents by a field only salespeople
        # may read: approvers of other groups (finance, ...) could not open the order
        return super(SaleOrderLine, self.sudo())._compute_available_product_document_ids()

    def _check_client_line_values(self, vals):
        """Which lines are down payments is the server's to say: a down payment is not a term."""
        if (
            "is_downpayment" in vals
            and vals["is_downpayment"]
            and not self.env.su
            and self.env.context.get("sale_order_ext_downpayment") is not REVIEW_TOKEN
        ):
            raise AccessError(_("Down payment lines are created by the down payment wizard only."))
        _check_computed_values(self, vals)
