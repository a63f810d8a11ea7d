from odoo import _, api, models
from odoo.exceptions import AccessError

from .sale_order import REVIEW_TOKEN, _check_computed_values


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

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
