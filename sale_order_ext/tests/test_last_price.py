from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestLastPrice(SaleOrderExtCommon):
    """历史售价: what this customer paid last, listed on demand and (per company) the default."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sale_use_last_price = True
        cls.other_customer = cls.env["res.partner"].create({"name": "宁波另一客户"})
        cls.contact = cls.env["res.partner"].create(
            {"name": "采购 李雷", "parent_id": cls.customer.id}
        )
        # two confirmed orders (the newer one last paid 52 with 5 %), a newer draft at 40
        old = cls._create_order(lines=[(cls.product, 3, 55.0)])
        old.action_confirm()
        old.date_order = fields.Datetime.now() - timedelta(days=20)
        cls.last = cls._create_order(lines=[(cls.product, 4, 52.0)], partner=cls.contact)
        cls.last.order_line.discount = 5.0
        cls.last.action_confirm()
        cls.last.date_order = fields.Datetime.now() - timedelta(days=2)
        cls._create_order(lines=[(cls.product, 1, 40.0)])  # a quotation: not paid
        assert (old.state, cls.last.state) == ("sale", "sale")

    def _new_line(self, partner, product=None, user=None):
        with Form(self.env["sale.order"].with_user(user or self.salesman)) as form:
            form.partner_id = partner
            with form.order_line.new() as line:
                line.product_id = product or self.product
        return form.save().order_line

    def test_default_is_the_last_confirmed_price(self):
        line = self._new_line(self.customer)
        self.assertEqual((line.price_unit, line.discount), (52.0, 5.0))
        # the customer's whole company paid it: another contact of it gets it too
        line = self._new_line(self.contact)
        self.assertEqual(line.price_unit, 52.0)
        # another customer, another product: the pricelist's
        self.assertEqual(self._new_line(self.other_customer).price_unit, 59.0)
        self.assertEqual(self._new_line(self.customer, self.product_b).price_unit, 79.0)

    def test_setting_off_keeps_the_pricelist_price(self):
        self.company.sale_use_last_price = False
        line = self._new_line(self.customer)
        self.assertEqual((line.price_unit, line.discount), (59.0, 0.0))

    def test_typed_price_is_kept(self):
        with Form(self.env["sale.order"].with_user(self.salesman)) as form:
            form.partner_id = self.customer
            with form.order_line.new() as line:
                line.product_id = self.product
                self.assertEqual(line.price_unit, 52.0)
                line.price_unit = 58.0
                line.product_uom_qty = 7
                self.assertEqual(line.price_unit, 58.0)
        self.assertEqual(form.save().order_line.price_unit, 58.0)

    def test_last_price_in_the_line_unit(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        with Form(self.env["sale.order"].with_user(self.salesman)) as form:
            form.partner_id = self.customer
            with form.order_line.new() as line:
                line.product_id = self.product
                line.product_uom = dozen
        self.assertAlmostEqual(form.save().order_line.price_unit, 52.0 * 12)

    def test_list_of_last_prices(self):
        rows = (
            self.env["sale.order.line"]
            .with_user(self.salesman)
            .get_last_sale_prices(self.customer.id, self.product.id, self.company.id)
        )
        self.assertEqual([r["price_unit"] for r in rows], [52.0, 55.0])  # newest first
        self.assertEqual(rows[0]["order"], self.last.name)
        self.assertEqual(rows[0]["discount"], 5.0)
        self.assertEqual(rows[0]["qty"], 4.0)
        self.assertEqual(rows[0]["uom"], self.product.uom_id.name)
        self.assertEqual(rows[0]["date"], str(self.last.date_order.date()))
        self.assertFalse(
            self.env["sale.order.line"]
            .with_user(self.salesman)
            .get_last_sale_prices(self.other_customer.id, self.product.id, self.company.id)
        )

    def test_list_needs_sales_rights(self):
        user = new_test_user(self.env, login="jxc_no_sales", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["sale.order.line"].with_user(user).get_last_sale_prices(
                self.customer.id, self.product.id, self.company.id
            )
        other_company = self.env["res.company"].create({"name": "另一公司"})
        with self.assertRaises(AccessError):
            self.env["sale.order.line"].with_user(self.salesman).get_last_sale_prices(
                self.customer.id, self.product.id, other_company.id
            )

    def test_review_judges_the_price_on_the_line(self):
        """A last price below the floor fails the price check with that price."""
        self.company.sale_min_margin = 80.0  # floor: 30 x 1.8 = 54 > the last price 52
        order = self._new_line(self.customer).order_id
        check = next(c for c in order._get_review_results()[order.id] if c["code"] == "line_price")
        self.assertNotEqual(check["severity"], "pass")
        self.assertIn("49.40", check["message"])  # 52 less 5 %
        # the salesperson types the pricelist's price back: the check passes
        order.order_line.with_user(self.salesman).write({"price_unit": 59.0, "discount": 0.0})
        check = next(c for c in order._get_review_results()[order.id] if c["code"] == "line_price")
        self.assertEqual(check["severity"], "pass")

    def test_review_floor_in_the_line_unit(self):
        """A box bought per box, sold per unit: the floor is the cost of one unit."""
        self.company.sale_min_margin = 10.0
        box = self.env["product.product"].create(
            {
                "name": "复印纸 (12包/箱)",
                "type": "consu",
                "uom_id": self.env.ref("uom.product_uom_dozen").id,
                "uom_po_id": self.env.ref("uom.product_uom_dozen").id,
                "standard_price": 240.0,  # 20 per unit
                "list_price": 300.0,
            }
        )
        order = self._create_order(lines=[(box, 5, 23.0)])
        order.order_line.product_uom = self.env.ref("uom.product_uom_unit")
        order.order_line.price_unit = 23.0  # above 20 x 1.1 per unit
        check = next(c for c in order._get_review_results()[order.id] if c["code"] == "line_price")
        self.assertEqual(check["severity"], "pass", check["message"])
        order.order_line.price_unit = 21.0  # below 22
        check = next(c for c in order._get_review_results()[order.id] if c["code"] == "line_price")
        self.assertNotEqual(check["severity"], "pass")
        self.assertIn("22.00", check["message"])

    def test_update_prices_takes_the_pricelist(self):
        """Odoo's "Update Prices" (after a pricelist change) recomputes from the pricelist."""
        order = self._new_line(self.customer).order_id
        self.assertEqual(order.order_line.price_unit, 52.0)
        order.with_user(self.salesman).action_update_prices()
        self.assertEqual((order.order_line.price_unit, order.order_line.discount), (59.0, 0.0))
