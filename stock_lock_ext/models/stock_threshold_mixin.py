from odoo import api, models
from odoo.exceptions import ValidationError


class StockThresholdMixin(models.AbstractModel):
    """Refuse stock thresholds that are not numbers >= 0, whatever writes them (forms, RPC, imports)."""

    _name = "stock.threshold.mixin"
    _description = "Stock Threshold Input Check"
    _threshold_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_threshold_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_threshold_vals(vals)
        return super().write(vals)

    @api.model
    def _check_threshold_vals(self, vals):
        for name in self._threshold_fields:
            value = vals.get(name)
            if value is None or value is False:
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = None
            if isinstance(value, bool) or number is None or number != number:
                raise ValidationError(
                    self.env._("The stock threshold must be a number, not %(value)r.", value=value)
                )
            if number < 0:
                raise ValidationError(
                    self.env._("A stock threshold cannot be negative (%(value)s).", value=value)
                )
