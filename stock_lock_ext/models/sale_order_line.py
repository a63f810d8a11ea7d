from odoo import api, fields, models

# Changing these on a submitted quotation re-syncs its stock locks
LOCKED_LINE_FIELDS = frozenset({"product_id", "product_uom_qty", "product_uom"})


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    stock_on_hand = fields.Float(
        string="On Hand",
        compute="_compute_stock_lock_figures",
        digits="Product Unit of Measure",
        help="On hand in the order's warehouse stock location.",
    )
    stock_locked_others = fields.Float(
        string="Locked by Others",
        compute="_compute_stock_lock_figures",
        digits="Product Unit of Measure",
        help="Units locked for other orders or reserved for deliveries.",
    )
    stock_free = fields.Float(
        string="Available",
        compute="_compute_stock_lock_figures",
        digits="Product Unit of Measure",
        help="On hand minus reserved minus what other orders locked: what this order can still get.",
    )
    stock_locked = fields.Float(
        string="Locked",
        compute="_compute_stock_lock_figures",
        digits="Product Unit of Measure",
        help="Units locked for this line.",
    )
    stock_short = fields.Boolean(compute="_compute_stock_lock_figures")

    # ------------------------------------------------------------------ computes
    @api.depends("product_id", "product_uom_qty", "product_uom", "order_id.warehouse_id")
    def _compute_stock_lock_figures(self):
        lines = self.filtered(
            lambda ln: (
                ln.product_id.is_storable and ln.order_id.warehouse_id and not ln.display_type
            )
        )
        Lock = self.env["stock.lock"].sudo()
        figures = Lock._get_stock_figures(lines.product_id, lines.order_id.warehouse_id)
        own = dict(
            Lock._read_group(
                [("order_line_id", "in", lines.ids), ("state", "=", "active")],
                ["order_line_id"],
                ["quantity:sum"],
            )
        )
        for line in self:
            values = figures.get((line.product_id.id, line.order_id.warehouse_id.id))
            if line not in lines or not values:
                line.update(
                    {
                        "stock_on_hand": values["on_hand"] if values else 0.0,
                        "stock_locked_others": 0.0,
                        "stock_free": 0.0,
                        "stock_locked": 0.0,
                        "stock_short": line in lines,
                    }
                )
                continue
            locked = own.get(line, 0.0)
            others = values["reserved"] + values["locked"] - locked
            free = max(values["on_hand"] - others, 0.0)
            need = line.order_id._stock_lock_need(line) if line.product_uom else 0.0
            line.update(
                {
                    "stock_on_hand": values["on_hand"],
                    "stock_locked_others": others,
                    "stock_free": free,
                    "stock_locked": locked,
                    "stock_short": line.state in ("draft", "sent") and need > max(free, locked),
                }
            )

    def _compute_qty_at_date(self):
        # product.free_qty / virtual_available leave out every lock (product_product.py); the
        # availability widget of a quotation line gives back its own order's locks
        super()._compute_qty_at_date()
        lines = self.filtered(
            lambda ln: (
                ln.state in ("draft", "sent")
                and ln.order_id._origin.id
                and ln.product_id.is_storable
            )
        )
        if not lines:
            return
        own = {
            (order.id, product.id): quantity
            for order, product, quantity in self.env["stock.lock"]
            .sudo()
            ._read_group(
                [
                    ("state", "=", "active"),
                    ("order_id", "in", lines.order_id._origin.ids),
                    ("product_id", "in", lines.product_id._origin.ids),
                ],
                ["order_id", "product_id"],
                ["quantity:sum"],
            )
        }
        for line in lines:
            quantity = own.get((line.order_id._origin.id, line.product_id._origin.id))
            if quantity and line.product_uom:
                quantity = line.product_id.uom_id._compute_quantity(quantity, line.product_uom)
                line.free_qty_today += quantity
                line.virtual_available_at_date += quantity

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._stock_lock_sync()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if LOCKED_LINE_FIELDS & vals.keys():
            self.order_id._stock_lock_sync()
        return res

    def unlink(self):
        orders = self.order_id
        res = super().unlink()
        orders.exists()._stock_lock_sync()
        return res
