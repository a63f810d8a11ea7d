from odoo import models

from ..models.sale_order import REVIEW_TOKEN


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    def _create_invoices(self, sale_orders):
        # the down payment lines this wizard adds are marked as such by the server only
        # (a down payment is not one of the order's terms)
        return super(
            SaleAdvancePaymentInv, self.with_context(sale_order_ext_downpayment=REVIEW_TOKEN)
        )._create_invoices(sale_orders)
