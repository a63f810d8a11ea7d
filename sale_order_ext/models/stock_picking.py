from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

SIGN_FIELDS = frozenset({"signed_by", "signed_on", "sign_receipt", "sign_receipt_filename"})


class StockPicking(models.Model):
    _inherit = "stock.picking"

    signed_by = fields.Char(string="Signed By", copy=False, tracking=True)
    signed_on = fields.Datetime(string="Signed On", copy=False, tracking=True)
    sign_receipt = fields.Binary(string="Signed Receipt (回单)", attachment=True, copy=False)
    sign_receipt_filename = fields.Char(copy=False)

    @api.constrains("signed_by", "signed_on", "state")
    def _check_sign(self):
        for picking in self:
            if (picking.signed_by or picking.signed_on) and picking.state != "done":
                raise UserError(
                    _(
                        "%(picking)s can be signed for only once it is delivered.",
                        picking=picking.name,
                    )
                )
            if picking.signed_on and not (picking.signed_by or "").strip():
                raise UserError(
                    _("Who signed %(picking)s? Give the signer's name.", picking=picking.name)
                )
            if picking.signed_on and picking.signed_on > fields.Datetime.now() + timedelta(
                minutes=5
            ):
                raise UserError(
                    _("The sign time of %(picking)s is in the future.", picking=picking.name)
                )

    def action_sign(self, signed_by, signed_on=False, receipt=False, filename=False):
        """签收: record who signed for the delivery, when, and the scanned receipt."""
        self.check_access("write")
        self.write(
            {
                "signed_by": signed_by,
                "signed_on": signed_on or fields.Datetime.now(),
                "sign_receipt": receipt,
                "sign_receipt_filename": filename,
            }
        )
        return True

    # ------------------------------------------------------------------ stock_sms
    def _check_warn_sms(self):
        # stock_sms asks, on the first delivery, whether to text the customer: not while the
        # database has no SMS account (the text could only fail)
        pickings = super()._check_warn_sms()
        ready = pickings.company_id._sms_account_ready()
        return pickings.filtered(lambda p: p.company_id in ready)

    def _send_confirmation_email(self):
        # no SMS account: validate without the text that can only fail (no failed SMS in the
        # chatter and the messaging menu, no wait on Odoo's IAP server); e-mails as before
        ready = self.company_id._sms_account_ready()
        no_sms = self.filtered(lambda p: p.company_id not in ready)
        res = None
        if no_sms:
            res = super(StockPicking, no_sms.with_context(skip_sms=True))._send_confirmation_email()
        if self - no_sms:
            res = super(StockPicking, self - no_sms)._send_confirmation_email()
        return res

    @api.model
    def action_open_unsigned_deliveries(self):
        """Deliveries done but not signed for after the company's N days."""
        cutoff = fields.Datetime.now() - timedelta(days=self.env.company.sale_unsigned_days)
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action.update(
            name=_("Unsigned Deliveries"),
            domain=[
                ("picking_type_code", "=", "outgoing"),
                ("state", "=", "done"),
                ("signed_on", "=", False),
                ("date_done", "<", cutoff),
            ],
            context={},
        )
        return action
