from odoo import api, models

from ..tools import amount_to_chinese


class ReportDeliverySlip(models.AbstractModel):
    """送货单 with prices: values of the report_ext.report_delivery_slip template."""

    _name = "report.report_ext.report_delivery_slip"
    _description = "Delivery Slip Report (Priced)"

    @api.model
    def _get_report_values(self, docids, data=None):
        pickings = self.env["stock.picking"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "stock.picking",
            "docs": pickings,
            "show_price": True,
            "delivery_lines": pickings._get_delivery_slip_lines(),
            "amount_to_chinese": lambda amount: amount_to_chinese(amount, env=self.env),
        }


class ReportDeliverySlipUnpriced(models.AbstractModel):
    """送货单 without prices."""

    _name = "report.report_ext.report_delivery_slip_unpriced"
    _inherit = "report.report_ext.report_delivery_slip"
    _description = "Delivery Slip Report (Unpriced)"

    @api.model
    def _get_report_values(self, docids, data=None):
        values = super()._get_report_values(docids, data=data)
        values["show_price"] = False
        return values
