"""整单折扣 and 抹零 on the documents (销售单, 送货单: their own rows), the delivery-based 对账单
of a partial delivery and 销售分析."""

from odoo.tests import tagged

from .common import ReportExtCommon

SALE_SLIP = "report_ext.action_report_sale_slip"
DELIVERY_SLIP = "report_ext.action_report_delivery_slip"
STATEMENT = "report_ext.report_customer_statement"


@tagged("post_install", "-at_install")
class TestOrderDiscountReports(ReportExtCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 10 x 59 - 10% + 3 x 1000 = 3531 untaxed, 3990.03 with 13 %
        cls.order.with_user(cls.salesman).write(
            {"sale_discount_type": "amount", "sale_discount": 90.03, "sale_rounding_method": "ten"}
        )

    def test_order_totals(self):
        self.assertAlmostEqual(self.order.amount_order_discount, 90.03)
        self.assertAlmostEqual(sum(self.order.order_line.mapped("price_total")), 3900.0)
        self.assertAlmostEqual(self.order.amount_rounding, 0.0, msg="3900 is round already")
        self.order.with_user(self.salesman).sale_rounding_method = "manual"
        self.order.with_user(self.salesman).sale_rounding_input = 50
        self.assertAlmostEqual(self.order.amount_total, 3850.0)

    def test_sale_slip_rows(self):
        self.order.with_user(self.salesman).write(
            {"sale_rounding_method": "manual", "sale_rounding_input": 50}
        )
        self._approve(self.order)
        report = self.env["ir.actions.report"].with_user(self.salesman)
        html = report._render_qweb_html(SALE_SLIP, self.order.ids)[0].decode()
        self.assertIn("o_report_ext_order_discount", html)
        self.assertIn("整单折扣", html)
        self.assertIn("o_report_ext_rounding", html)
        self.assertIn("抹零", html)
        self.assertIn("人民币叁仟捌佰伍拾元整", html)  # 3850
        # the lines before the order discount: 531 and 3000 untaxed
        self.assertIn("531.00", html)
        self.assertIn("3,000.00", html)

    def test_partial_delivery_slip_and_statement(self):
        self._approve(self.order)
        picking = self.order.picking_ids
        for move in picking.move_ids:
            move.quantity = 4.0 if move.product_id == self.product else move.product_uom_qty
        picking.move_ids.picked = True
        picking.sudo().with_context(cancel_backorder=False)._action_done()
        self.assertEqual(picking.state, "done")
        lines = {ln["code"]: ln for ln in picking._get_delivery_slip_lines()[picking.id]}
        # before the order discount: 59 - 10% + 13% = 60.003
        self.assertAlmostEqual(lines["BWB-500"]["price_unit"], 60.003)
        sale_lines = {ln.product_id: ln for ln in self.order.order_line}
        net = {
            code: self.order.currency_id.round(
                sale_lines[product].price_total / sale_lines[product].product_uom_qty * qty
            )
            for code, product, qty in (("BWB-500", self.product, 4), ("FH-01", self.product2, 3))
        }
        for code, line in lines.items():
            self.assertAlmostEqual(line["amount"] - line["order_discount"], net[code])
        html = (
            self.env["ir.actions.report"]
            .with_user(self.salesman)
            ._render_qweb_html(DELIVERY_SLIP, picking.ids)[0]
            .decode()
        )
        self.assertIn("整单折扣", html)
        # the delivery-based 对账单 charges what was delivered, net of the order discount
        today = picking.date_done.date()
        values = (
            self.env[f"report.{STATEMENT}"]
            .with_user(self.billing)
            ._get_report_values(
                self.customer.ids,
                {
                    "company_id": self.company.id,
                    "date_from": str(today),
                    "date_to": str(today),
                    "statement_type": "delivery",
                },
            )
        )
        [delivery] = [
            ln
            for ln in values["statements"][self.customer.id]["lines"]
            if ln["name"] == picking.name
        ]
        self.assertAlmostEqual(delivery["amount"], sum(net.values()), places=2)

    def test_analysis_amounts(self):
        self._approve(self.order)
        [(untaxed, total)] = self.env["sale.analysis.report"]._read_group(
            [("order_id", "=", self.order.id)], [], ["amount_untaxed:sum", "amount_total:sum"]
        )
        self.assertAlmostEqual(total, 3900.0, places=2)
        self.assertAlmostEqual(untaxed, sum(self.order.order_line.mapped("price_subtotal")), 2)
        self.assertLess(untaxed, 3531.0)
