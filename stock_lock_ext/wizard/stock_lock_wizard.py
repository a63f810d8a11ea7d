from odoo import fields, models


class StockLockWizard(models.TransientModel):
    """Release or extend stock locks, with the reason that goes into the log."""

    _name = "stock.lock.wizard"
    _description = "Release or Extend Stock Locks"

    lock_ids = fields.Many2many("stock.lock", string="Locks", required=True)
    action = fields.Selection(
        [("release", "Release"), ("extend", "Extend")], required=True, default="release"
    )
    days = fields.Integer(string="Extend by (days)", default=3)
    reason = fields.Char(required=True)

    def action_apply(self):
        self.ensure_one()
        if self.action == "release":
            self.lock_ids.action_release(self.reason)
        else:
            self.lock_ids.action_extend(self.days, self.reason)
        return {"type": "ir.actions.act_window_close"}
