from odoo import api, models

from ..tools import amount_to_chinese


class ReportSaleSlip(models.AbstractModel):
    """销售单: values of the report_ext.report_sale_slip template."""

    _name = "report.report_ext.report_sale_slip"
    _description = "Sales Slip Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        orders = self.env["sale.order"].browse(docids)
        orders._check_sale_slip_printable()
        return {
            "doc_ids": docids,
            "doc_model": "sale.order",
            "docs": orders,
            "amount_to_chinese": lambda amount: amount_to_chinese(amount, env=self.env),
        }
