from odoo import _, models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        # the invoicing gate: a customer invoice of an order is posted only under an approval
        # of the order's current terms (credit notes are not held back)
        invoices = self.sudo().filtered(lambda m: m.move_type == "out_invoice")
        orders = invoices.invoice_line_ids.sale_line_ids.order_id
        orders.filtered(lambda o: o.state == "sale")._check_terms_approved(_("invoiced"))
        return super()._post(soft=soft)
