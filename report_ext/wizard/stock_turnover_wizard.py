from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..report.stock_analysis_report import DEFAULT_SLOW_MOVER_DAYS

TURNOVER_PERIODS = [
    ("this_month", "This Month"),
    ("last_30", "Last 30 Days"),
    ("last_90", "Last 90 Days"),
    ("last_365", "Last 365 Days"),
    ("custom", "Date Range"),
]
PERIOD_DAYS = {"last_30": 30, "last_90": 90, "last_365": 365}


class StockTurnoverWizard(models.TransientModel):
    """库存周转分析: choose the period (and slow-mover threshold), then open the analysis."""

    _name = "stock.turnover.wizard"
    _description = "Stock Turnover Analysis Period"

    period = fields.Selection(TURNOVER_PERIODS, required=True, default="last_365")
    date_from = fields.Date(string="Start Date")
    date_to = fields.Date(string="End Date")
    slow_mover_days = fields.Integer(
        string="Slow Mover after (Days)",
        default=lambda self: self._default_slow_mover_days(),
        help="Products with stock on hand and no sale in this many days before the period "
        "end are slow movers.",
    )

    @api.model
    def _default_slow_mover_days(self):
        param = self.env["ir.config_parameter"].sudo().get_param("report_ext.slow_mover_days")
        return int(param or DEFAULT_SLOW_MOVER_DAYS)

    @api.onchange("period")
    def _onchange_period(self):
        if self.period != "custom":
            self.date_from, self.date_to = self._period_dates()

    def _period_dates(self):
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.period == "this_month":
            return fields.Date.start_of(today, "month"), today
        if self.period in PERIOD_DAYS:
            return today - timedelta(days=PERIOD_DAYS[self.period] - 1), today
        if not self.date_from or not self.date_to:
            raise UserError(_("Set the start and end dates of the period."))
        if self.date_to < self.date_from:
            raise UserError(
                _(
                    "The turnover period ends (%(end)s) before it starts (%(start)s).",
                    start=self.date_from,
                    end=self.date_to,
                )
            )
        return self.date_from, self.date_to

    def action_open(self):
        self.ensure_one()
        if self.slow_mover_days < 0:
            raise UserError(_("The number of days without sale can't be negative."))
        date_from, date_to = self._period_dates()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "report_ext.action_stock_analysis_report"
        )
        action["display_name"] = _(
            "Stock Turnover %(start)s - %(end)s", start=date_from, end=date_to
        )
        action["context"] = {
            "search_default_filter_in_stock": 1,
            "turnover_date_from": fields.Date.to_string(date_from),
            "turnover_date_to": fields.Date.to_string(date_to),
            "slow_mover_days": self.slow_mover_days,
        }
        return action
