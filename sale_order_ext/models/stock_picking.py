from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_datetime

SIGN_FIELDS = frozenset({"signed_by", "signed_on", "sign_receipt", "sign_receipt_filename"})
# a sign time a little ahead of the server's clock (a phone's clock) is not "in the future"
SIGN_CLOCK_SKEW = timedelta(minutes=5)


class StockPicking(models.Model):
    _inherit = "stock.picking"

    signed_by = fields.Char(string="Signed By", copy=False, tracking=True)
    signed_on = fields.Datetime(string="Signed On", copy=False, tracking=True)
    sign_receipt = fields.Binary(string="Signed Receipt (回单)", attachment=True, copy=False)
    sign_receipt_filename = fields.Char(copy=False)
    sign_age_days = fields.Integer(
        string="Days Since Delivery",
        compute="_compute_sign_age_days",
        help="Days since the delivery was done (in your time zone).",
    )
    carrier_tracking_link = fields.Html(
        string="Tracking Link",
        compute="_compute_carrier_tracking_link",
        # the carrier's name and URL: whoever reads the delivery, without rights on carriers
        compute_sudo=True,
        sanitize=False,
        help="The tracking number, linked to the carrier's tracking page.",
    )

    # ------------------------------------------------------------------ computes
    @api.depends("date_done")
    @api.depends_context("tz")
    def _compute_sign_age_days(self):
        today = fields.Date.context_today(self)
        for picking in self:
            picking.sign_age_days = (
                (today - fields.Date.context_today(picking, picking.date_done)).days
                if picking.date_done
                else 0
            )

    @api.depends("carrier_id", "carrier_tracking_ref")
    def _compute_carrier_tracking_link(self):
        for picking in self:
            picking.carrier_tracking_link = picking._tracking_link_markup()

    def _tracking_link_markup(self):
        """The tracking number as a link to the carrier's page (plain text without a URL)."""
        self.ensure_one()
        ref = self.carrier_tracking_ref
        if not ref:
            return False
        url = self.carrier_tracking_url
        carrier = self.carrier_id.name
        if url and not url.startswith("["):  # a JSON list: several packages (carrier APIs)
            link = Markup('<a href="%s" target="_blank" rel="noopener noreferrer">%s</a>') % (
                url,
                ref,
            )
        else:
            link = Markup("<span>%s</span>") % ref
        if carrier:
            return Markup("%s %s") % (carrier, link)
        return link

    # ------------------------------------------------------------------ constraints
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
            if picking.signed_on and picking.signed_on > fields.Datetime.now() + SIGN_CLOCK_SKEW:
                raise UserError(
                    _("The sign time of %(picking)s is in the future.", picking=picking.name)
                )
            if picking.signed_on and picking.date_done and picking.signed_on < picking.date_done:
                raise UserError(
                    _(
                        "%(picking)s was delivered on %(date)s: it can't have been signed for "
                        "before.",
                        picking=picking.name,
                        date=format_datetime(self.env, picking.date_done),
                    )
                )

    @api.constrains("carrier_tracking_ref")
    def _check_carrier_tracking_ref(self):
        for picking in self:
            ref = picking.carrier_tracking_ref
            if ref and any(char.isspace() for char in ref):
                raise ValidationError(
                    _(
                        "The tracking number “%(ref)s” of %(picking)s contains spaces: "
                        "enter it without spaces.",
                        ref=ref,
                        picking=picking.name,
                    )
                )

    # ------------------------------------------------------------------ CRUD
    def write(self, vals):
        if SIGN_FIELDS & vals.keys():
            self._check_sign_allowed()
        return super().write(vals)

    # ------------------------------------------------------------------ actions
    def action_open_sign_wizard(self):
        """签收: the dialog that records the signer, the time, the 回单 and the signature."""
        self.ensure_one()
        self._check_sign_allowed()
        if self.picking_type_code != "outgoing" or self.state != "done":
            raise UserError(
                _("%(picking)s can be signed for only once it is delivered.", picking=self.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Sign for %(picking)s", picking=self.name),
            "res_model": "stock.picking.sign.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_picking_id": self.id},
        }

    def action_sign(
        self, signed_by, signed_on=False, receipt=False, filename=False, signature=False
    ):
        """签收: record who signed for the delivery, when, the scanned 回单 and the drawn
        signature, in one write (a refused value writes nothing)."""
        self._check_sign_allowed()
        for picking in self:
            if not (signed_by or "").strip():
                raise UserError(
                    _("Who signed %(picking)s? Give the signer's name.", picking=picking.name)
                )
        vals = {
            "signed_by": signed_by.strip(),
            "signed_on": signed_on or fields.Datetime.now(),
            "sign_receipt": receipt,
            "sign_receipt_filename": filename,
        }
        if signature:
            vals["signature"] = signature
        self.write(vals)
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
        list_view = self.env.ref("sale_order_ext.view_picking_unsigned_list")
        action.update(
            name=_("Unsigned Deliveries"),
            domain=[
                ("picking_type_code", "=", "outgoing"),
                ("state", "=", "done"),
                ("signed_on", "=", False),
                ("date_done", "<", cutoff),
            ],
            context={},
            view_mode="list,form",
            views=[(list_view.id, "list"), (False, "form")],
        )
        return action

    # ------------------------------------------------------------------ business
    def _check_sign_allowed(self):
        """签收 is recorded by the warehouse, or by a salesperson for the deliveries of the
        orders he may edit (the button's groups are UI only)."""
        if self.env.su:
            return
        self.check_access("write")
        if self.env.user.has_group("stock.group_stock_user"):
            return
        for picking in self:
            order = picking.sale_id
            if not order or not order.has_access("write"):
                raise AccessError(
                    _(
                        "You can sign for %(picking)s only as a warehouse user or as the "
                        "salesperson of its order.",
                        picking=picking.name,
                    )
                )
