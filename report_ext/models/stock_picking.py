from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # 仓管 on the 送货单: who validated the transfer (Odoo keeps no such field)
    done_by_id = fields.Many2one("res.users", string="Validated By", copy=False, readonly=True)

    def _action_done(self):
        res = super()._action_done()
        self.filtered(lambda p: p.state == "done" and not p.done_by_id).sudo().write(
            {"done_by_id": self.env.uid}
        )
        return res

    def _get_delivery_slip_people(self):
        """The 送货单's signature cells: ``{cell: (name, datetime or False)}`` for 制单 (who
        entered the order), 审核 (who approved it), 仓管 (who validated the delivery), 送货
        (the carrier, when there is one) and 签收 (the signer and time from 签收)."""
        self.ensure_one()
        order = self.sale_id
        approver = order["approved_by_id"] if order and "approved_by_id" in order._fields else False
        approved_on = (
            order["approved_date"] if order and "approved_date" in order._fields else False
        )
        carrier = self._get_delivery_slip_carrier()[0]
        return {
            "entered": (
                order.create_uid.name if order else "",
                order.create_date if order else False,
            ),
            "approved": (approver.name if approver else "", approved_on or False),
            "warehouse": (self.done_by_id.name or "", self.date_done or False),
            "delivered": (carrier, False),
            "signed": (self["signed_by"] or "", self["signed_on"] or False),
        }

    def _get_delivery_slip_contact(self):
        """(name, phone) of the 联系人: the delivery contact, or the customer's first
        contact person when the delivery goes to the company itself."""
        self.ensure_one()
        partner = self.partner_id
        contact = partner
        if partner.is_company:
            contact = partner.child_ids.filtered(lambda c: c.type == "contact")[:1] or partner
        phone = contact.phone or contact.mobile or partner.phone or partner.mobile or ""
        return contact.name or "", phone

    def _get_delivery_slip_lines(self):
        """Lines of the 送货单 per picking: ``{picking_id: [line dict, ...]}``.

        Quantities are the delivered (done, or picked/reserved while not done) quantities
        in the move's unit; the unit price is the sale line's discounted price with taxes,
        before the order discount (整单折扣), which is the line's ``order_discount`` amount
        (the 送货单 shows it as its own row).
        """
        self.move_ids.sale_line_id.fetch(
            ["price_total", "product_uom_qty", "product_uom", "order_discount"]
        )
        result = {}
        for picking in self:
            currency = picking.company_id.currency_id
            lines = []
            for move in picking.move_ids.filtered(lambda m: m.state != "cancel"):
                sale_line = move.sale_line_id
                # not price_reduce_taxinc: it is rounded to the currency
                net = (
                    sale_line.price_total / sale_line.product_uom_qty
                    if sale_line.product_uom_qty
                    else 0.0
                )
                price = (
                    sale_line._sale_total_before_order_discount() / sale_line.product_uom_qty
                    if sale_line.order_discount and sale_line.product_uom_qty
                    else net
                )
                if sale_line and sale_line.product_uom != move.product_uom:
                    price = sale_line.product_uom._compute_price(price, move.product_uom)
                    net = sale_line.product_uom._compute_price(net, move.product_uom)
                amount = currency.round(price * move.quantity)
                lines.append(
                    {
                        "move": move,
                        "code": move.product_id.default_code or "",
                        "name": move.product_id.with_context(
                            display_default_code=False
                        ).display_name,
                        "uom": move.product_uom.name,
                        "qty_ordered": move.product_uom_qty,
                        "qty_delivered": move.quantity,
                        "price_unit": price,
                        "amount": amount,
                        "order_discount": amount - currency.round(net * move.quantity),
                    }
                )
            result[picking.id] = lines
        return result

    def _get_delivery_slip_carrier(self):
        """(carrier name, tracking number): the fields exist only with stock_delivery."""
        self.ensure_one()
        carrier = self["carrier_id"].name if "carrier_id" in self._fields else ""
        tracking = self["carrier_tracking_ref"] if "carrier_tracking_ref" in self._fields else ""
        return carrier or "", tracking or ""
