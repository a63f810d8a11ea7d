from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, float_compare

from .sale_order import REVIEW_TOKEN, _check_computed_values

# last prices listed when a user opens them on a line
LAST_PRICES_SHOWN = 10


def combine_discounts(*discounts):
    """One percentage for discounts applied one after the other (10 % then 5 % = 14.5 %)."""
    factor = 1.0
    for discount in discounts:
        factor *= 1.0 - (discount or 0.0) / 100.0
    return (1.0 - factor) * 100.0


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # ------------------------------------------------------------------ fields
    # not rounded (no digits): an amount discount is allocated to the cent through it
    order_discount = fields.Float(
        string="Order Discount (%)",
        compute="_compute_order_discount",
        store=True,
        precompute=True,
        help="The line's share of the order discount (整单折扣), applied after its own discount.",
    )

    # ------------------------------------------------------------------ computes
    @api.depends(
        "order_id.sale_discount",
        "order_id.sale_discount_type",
        "order_id.order_line.price_unit",
        "order_id.order_line.discount",
        "order_id.order_line.product_uom_qty",
        "order_id.order_line.tax_id",
        "order_id.order_line.display_type",
    )
    def _compute_order_discount(self):
        rates = {}
        for order in self.order_id.filtered("sale_discount"):
            # lines being created (precomputed) are not on their order yet
            lines = order.order_line | self.filtered(lambda ln, o=order: ln.order_id == o)
            rates.update(order._sale_discount_rates(lines))
        for line in self:
            line.order_discount = rates.get(line, 0.0)

    @api.depends("order_discount")
    def _compute_amount(self):
        return super()._compute_amount()

    @api.depends("order_discount")
    def _compute_untaxed_amount_to_invoice(self):
        res = super()._compute_untaxed_amount_to_invoice()
        for line in self.filtered(lambda ln: ln.state == "sale" and ln.order_discount):
            if any(inv.discount != line.discount for inv in line._get_invoice_lines()):
                continue  # core's re-invoicing case: left as core computes it
            # core's figure is before the order discount: the same with the net price
            policy = line.product_id.invoice_policy
            qty = line.qty_delivered if policy == "delivery" else line.product_uom_qty
            base_line = line._prepare_base_line_for_taxes_computation(quantity=qty)
            self.env["account.tax"]._add_tax_details_in_base_line(base_line, line.company_id)
            subtotal = base_line["tax_details"]["raw_total_excluded_currency"]
            line.untaxed_amount_to_invoice = (
                line.currency_id.round(subtotal) - line.untaxed_amount_invoiced
            )
        return res

    def _sale_combined_discount(self):
        """The line's own discount and its share of the order discount, as one percentage."""
        self.ensure_one()
        return combine_discounts(self.discount, self.order_discount)

    def _sale_total_before_order_discount(self):
        """The line's total (taxes included) with its own discount only."""
        self.ensure_one()
        base_line = self._prepare_base_line_for_taxes_computation(discount=self.discount)
        self.env["account.tax"]._add_tax_details_in_base_line(base_line, self.company_id)
        return base_line["tax_details"]["raw_total_included_currency"]

    def _sale_subtotal_before_order_discount(self):
        """The line's untaxed amount with its own discount only (the 销售单's line amount)."""
        self.ensure_one()
        if not self.order_discount:
            return self.price_subtotal
        base_line = self._prepare_base_line_for_taxes_computation(discount=self.discount)
        self.env["account.tax"]._add_tax_details_in_base_line(base_line, self.company_id)
        return self.currency_id.round(base_line["tax_details"]["raw_total_excluded_currency"])

    def _prepare_base_line_for_taxes_computation(self, **kwargs):
        # the order discount goes into the net price, unless a caller names the discount
        base_line = super()._prepare_base_line_for_taxes_computation(**kwargs)
        if self.order_discount and "discount" not in kwargs:
            base_line["discount"] = self._sale_combined_discount()
        return base_line

    def _prepare_invoice_line(self, **optional_values):
        res = super()._prepare_invoice_line(**optional_values)
        if self.order_discount and not self.display_type:
            res["sale_order_discount"] = self.order_discount
        return res

    def _compute_price_unit(self):
        # the lines core prices now (not edited by hand, nothing invoiced): read before super();
        # "Update Prices" (force_price_recomputation) asks for the pricelist's prices
        priced = self.browse()
        if not self.env.context.get("force_price_recomputation"):
            priced = self.filtered(
                lambda line: (
                    line.order_id
                    and line.technical_price_unit == line.price_unit
                    and not line.qty_invoiced
                    and not (line.product_id.expense_policy == "cost" and line.is_expense)
                )
            )
        res = super()._compute_price_unit()
        last = priced._last_sale_prices()
        for line in priced:
            if line in last:
                line.price_unit = line.technical_price_unit = last[line]["price_unit"]
        return res

    def _compute_discount(self):
        res = super()._compute_discount()
        if self.env.context.get("force_price_recomputation"):
            return res
        last = self._last_sale_prices()
        for line in self:
            price = last.get(line)
            # the last price is on the line (not a hand-typed one): its discount comes with it
            if (
                price
                and line.technical_price_unit == line.price_unit
                and not float_compare(
                    line.price_unit,
                    price["price_unit"],
                    precision_rounding=line.currency_id.rounding or 0.01,
                )
            ):
                line.discount = price["discount"]
        return res

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_client_line_values(vals)
        lines = super().create(vals_list)
        lines.order_id._review_sync_terms()
        return lines

    def write(self, vals):
        self._check_client_line_values(vals)
        if "order_id" in vals and any(line.order_id.id != vals["order_id"] for line in self):
            raise AccessError(
                _("A line stays on its order: delete it there and add it to the other order.")
            )
        res = super().write(vals)
        self.order_id._review_sync_terms()
        return res

    def unlink(self):
        # not a guard (a line may go): the orders' reviews follow their remaining lines
        orders = self.order_id
        res = super().unlink()
        orders.exists()._review_sync_terms()
        return res

    def _compute_available_product_document_ids(self):
        # sale_pdf_quote_builder searches the product's documents by a field only salespeople
        # may read: approvers of other groups (finance, ...) could not open the order
        return super(SaleOrderLine, self.sudo())._compute_available_product_document_ids()

    # ------------------------------------------------------------------ last prices (历史售价)
    def _last_sale_prices(self):
        """{line: {"price_unit", "discount"}}: what the line's customer paid last for its
        product (confirmed orders of the same company and currency, other orders), in the line's
        unit, for the lines of companies that default to it. One query for the lines."""
        lines = self.filtered(
            lambda line: (
                line.product_id
                and line.order_id.partner_id
                and line.company_id.sale_use_last_price
                and not line.display_type
                and not line.is_downpayment
                and not line.combo_item_id
                and line.product_type != "combo"
            )
        )
        if not lines:
            return {}
        found = {
            (row["company_id"], row["partner_id"], row["currency_id"], row["product_id"]): row
            for row in self._fetch_last_sale_prices(
                lines.company_id.ids,
                lines.order_id.partner_id.commercial_partner_id.ids,
                lines.product_id.ids,
                exclude_order_ids=[oid for oid in lines.order_id._origin.ids if oid],
                limit_per_product=1,
            )
        }
        result = {}
        for line in lines:
            row = found.get(
                (
                    line.company_id.id,
                    line.order_id.partner_id.commercial_partner_id.id,
                    line.currency_id.id,
                    line.product_id.id,
                )
            )
            if not row:
                continue
            uom = self.env["uom.uom"].browse(row["product_uom"])
            price = row["price_unit"]
            if line.product_uom and uom and uom != line.product_uom:
                price = uom._compute_price(price, line.product_uom)
            result[line] = {"price_unit": price, "discount": row["discount"]}
        return result

    @api.model
    def _fetch_last_sale_prices(
        self, company_ids, partner_ids, product_ids, exclude_order_ids=(), limit_per_product=1
    ):
        """Rows (dicts) of the latest confirmed order lines of these customers (commercial
        partners) and products, newest first, at most ``limit_per_product`` per customer,
        product, company and currency. Read as superuser: a customer's prices are the
        company's, whoever sold them (the callers check the user's right on the order)."""
        self.env["sale.order.line"].flush_model(
            ["order_id", "product_id", "product_uom", "price_unit", "discount", "display_type"]
        )
        self.env["sale.order"].flush_model(
            ["state", "company_id", "partner_id", "currency_id", "date_order", "name"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT * FROM (
                    SELECT so.company_id, p.commercial_partner_id AS partner_id, so.currency_id,
                           sol.product_id, sol.product_uom, sol.price_unit, sol.discount,
                           sol.product_uom_qty, so.id AS order_id, so.name AS order_name,
                           so.date_order,
                           row_number() OVER (
                               PARTITION BY so.company_id, p.commercial_partner_id,
                                            so.currency_id, sol.product_id
                               ORDER BY so.date_order DESC, sol.id DESC
                           ) AS rank
                      FROM sale_order_line sol
                      JOIN sale_order so ON so.id = sol.order_id
                      JOIN res_partner p ON p.id = so.partner_id
                     WHERE so.state = 'sale'
                       AND so.company_id IN %(companies)s
                       AND p.commercial_partner_id IN %(partners)s
                       AND sol.product_id IN %(products)s
                       AND sol.display_type IS NULL
                       AND NOT COALESCE(sol.is_downpayment, FALSE)
                       AND so.id NOT IN %(exclude)s
                ) last
                WHERE rank <= %(limit)s
                ORDER BY date_order DESC, order_id DESC
                """,
                companies=tuple(company_ids),
                partners=tuple(partner_ids),
                products=tuple(product_ids),
                exclude=tuple(exclude_order_ids) or (0,),
                limit=limit_per_product,
            )
        )
        return self.env.cr.dictfetchall()

    @api.model
    def get_last_sale_prices(self, partner_id, product_id, company_id=False, order_id=False):
        """The last prices this customer paid for this product (the line's 历史售价 popover,
        fetched when the user opens it): [{date, order, uom, qty, price_unit, discount,
        currency_id}], newest first. For those who enter order lines."""
        self.env["sale.order.line"].check_access("create")
        company = self.env["res.company"].browse(company_id or self.env.company.id)
        if company not in self.env.companies and company not in self.env.user.company_ids:
            raise AccessError(_("You can't see the prices of another company."))
        partner = self.env["res.partner"].browse(partner_id).exists()
        product = self.env["product.product"].browse(product_id).exists()
        if not partner or not product:
            return []
        partner.check_access("read")
        rows = self._fetch_last_sale_prices(
            company.ids,
            partner.commercial_partner_id.ids,
            product.ids,
            exclude_order_ids=[order_id] if order_id else (),
            limit_per_product=LAST_PRICES_SHOWN,
        )
        uoms = self.env["uom.uom"].browse({row["product_uom"] for row in rows})
        names = dict(zip(uoms.ids, uoms.mapped("name"), strict=True))
        return [
            {
                "date": fields.Date.to_string(
                    fields.Datetime.context_timestamp(self, row["date_order"]).date()
                ),
                "order": row["order_name"],
                "uom": names.get(row["product_uom"], ""),
                "qty": row["product_uom_qty"],
                "price_unit": row["price_unit"],
                "discount": row["discount"],
                "currency_id": row["currency_id"],
            }
            for row in rows
        ]

    # ------------------------------------------------------------------ review
    def _review_net_price_and_floor(self):
        """(net, floor) of the review's price check, per unit of the line and in the order's
        currency: the price actually on the line (its untaxed amount after discount, however
        the price came: pricelist, last price, typed) against cost plus the minimum margin."""
        self.ensure_one()
        company = self.company_id or self.order_id.company_id
        product = self.product_id.with_company(company)
        if self.product_uom_qty:
            net = self.price_subtotal / self.product_uom_qty
        else:  # its own discount and its share of the order discount (整单折扣)
            net = self.price_unit * (1 - self._sale_combined_discount() / 100.0)
        cost = product.standard_price
        if self.product_uom and product.uom_id and self.product_uom != product.uom_id:
            cost = product.uom_id._compute_price(cost, self.product_uom)
        if self.currency_id and self.currency_id != company.currency_id:
            cost = company.currency_id._convert(
                cost, self.currency_id, company, self.order_id.date_order or fields.Date.today()
            )
        return net, cost * (1 + company.sale_min_margin / 100.0)

    def _check_client_line_values(self, vals):
        """Which lines are down payments is the server's to say: a down payment is not a term."""
        if (
            "is_downpayment" in vals
            and vals["is_downpayment"]
            and not self.env.su
            and self.env.context.get("sale_order_ext_downpayment") is not REVIEW_TOKEN
        ):
            raise AccessError(_("Down payment lines are created by the down payment wizard only."))
        _check_computed_values(self, vals)
