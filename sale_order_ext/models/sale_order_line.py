from odoo import api, models

# Changing these on a line of an approved order sends the order back to review
REVIEWED_LINE_FIELDS = ("product_id", "product_uom_qty", "price_unit", "discount")


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id.filtered(
            lambda o: o.approval_state == "approved" and o.state != "cancel"
        )._action_back_to_review()
        return lines

    def write(self, vals):
        changed = [f for f in REVIEWED_LINE_FIELDS if f in vals]
        reopen = self.env["sale.order"]
        if changed:
            for line in self.filtered(
                lambda ln: (
                    ln.order_id.approval_state == "approved" and ln.order_id.state != "cancel"
                )
            ):
                if line._review_relevant_change(vals, changed):
                    reopen |= line.order_id
        res = super().write(vals)
        if reopen:
            reopen._action_back_to_review()
        return res

    def _review_relevant_change(self, vals, changed):
        """Whether this change needs a new review, per the company's policy (any change or increases)."""
        self.ensure_one()
        if self.order_id.company_id.sale_rereview_policy == "increase":
            if "product_id" in changed and vals["product_id"] != self.product_id.id:
                return True
            if "product_uom_qty" in changed and vals["product_uom_qty"] > self.product_uom_qty:
                return True
            if "discount" in changed and vals["discount"] > self.discount:
                return True
            # a lower price is a bigger discount
            return "price_unit" in changed and vals["price_unit"] < self.price_unit
        return any((self[f].id if f == "product_id" else self[f]) != vals[f] for f in changed)

    def unlink(self):
        # deleting a line of an approved order re-opens its review (not a guard: see write)
        orders = self.order_id.filtered(
            lambda o: o.approval_state == "approved" and o.state != "cancel"
        )
        res = super().unlink()
        if orders:
            orders._action_back_to_review()
        return res
