from odoo import fields, models


class StockPickingSignWizard(models.TransientModel):
    """签收: who signed for a done delivery, when, the signed 回单 and the drawn signature.
    The picking's ``action_sign`` checks and writes them."""

    _name = "stock.picking.sign.wizard"
    _description = "Sign for a Delivery"

    picking_id = fields.Many2one("stock.picking", required=True, readonly=True, ondelete="cascade")
    partner_id = fields.Many2one(related="picking_id.partner_id")
    date_done = fields.Datetime(related="picking_id.date_done")
    # required in the form; the server says who is missing in words (not a database error)
    signed_by = fields.Char(string="Signed By")
    signed_on = fields.Datetime(string="Signed On", default=fields.Datetime.now)
    sign_receipt = fields.Binary(string="Signed Receipt (回单)")
    sign_receipt_filename = fields.Char()
    signature = fields.Binary(string="Signature")

    def action_sign(self):
        self.ensure_one()
        self.picking_id.action_sign(
            self.signed_by,
            signed_on=self.signed_on,
            receipt=self.sign_receipt,
            filename=self.sign_receipt_filename,
            signature=self.signature,
        )
        return {"type": "ir.actions.act_window_close"}
