from odoo import Command, _, models

from .sale_order_line import combine_discounts


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        # the invoicing gate: a customer invoice of an order is posted only under an approval
        # of the order's current terms (credit notes are not held back)
        invoices = self.sudo().filtered(lambda m: m.move_type == "out_invoice")
        orders = invoices.invoice_line_ids.sale_line_ids.order_id
        orders.filtered(lambda o: o.state == "sale")._check_terms_approved(_("invoiced"))
        return super()._post(soft=soft)

    def _prepare_product_base_line_for_taxes_computation(self, product_line):
        # the order discount carried from the sales order line, after the line's own discount
        base_line = super()._prepare_product_base_line_for_taxes_computation(product_line)
        if product_line.sale_order_discount and self.is_invoice(include_receipts=True):
            base_line["discount"] = combine_discounts(
                product_line.discount, product_line.sale_order_discount
            )
        return base_line

    def _sale_add_rounding_lines(self):
        """Each order's 抹零 as one line (no tax) on the first customer invoice of the order."""
        for move in self.filtered(lambda m: m.move_type == "out_invoice"):
            orders = move.invoice_line_ids.sale_line_ids.order_id.filtered(
                lambda o: o.amount_rounding and not o._sale_rounding_invoiced()
            )
            if orders:
                move.write(
                    {
                        "invoice_line_ids": [
                            Command.create(order._prepare_rounding_invoice_line(move))
                            for order in orders
                        ]
                    }
                )
