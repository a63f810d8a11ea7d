from unittest.mock import patch

from odoo.tests import Form, tagged
from odoo.tools import SQL

from odoo.addons.sale_order_ext.models.pinyin_search_mixin import (
    ensure_code_trigram_indexes,
    ensure_pg_trgm,
)

from .common import SaleOrderExtCommon


@tagged("post_install", "-at_install")
class TestPinyinSearch(SaleOrderExtCommon):
    """Products and customers found by full pinyin or initials, as a salesperson types them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pen = cls.env["product.product"].create(
            {
                "name": "中性笔 0.5mm 黑色",
                "default_code": "WJ-0501",
                "barcode": "6901234567892",
                "type": "consu",
                "list_price": 2.5,
            }
        )
        cls.stationer = cls.env["res.partner"].create(
            {"name": "杭州西湖文具有限公司", "is_company": True, "city": "杭州"}
        )
        cls.env["res.partner"].create({"name": "王小明", "parent_id": cls.stationer.id})

    def _product_names(self, model, name, **kwargs):
        return [n for __, n in self.env[model].with_user(self.salesman).name_search(name, **kwargs)]

    def test_keys_full_pinyin_and_initials(self):
        keys = self.pen.product_tmpl_id.pinyin_search.split()
        self.assertIn("zhongxingbi05mmheise", keys)
        self.assertIn("zxb05mmhs", keys)
        self.assertIn("hzxhwjyxgs", self.stationer.pinyin_search.split())

    def test_polyphonic_characters_give_every_reading(self):
        product = self.env["product.product"].create({"name": "乐行", "type": "consu"})
        keys = product.pinyin_search.split()
        for reading in ("lexing", "yuexing", "lehang", "yuehang", "lx", "yx", "lh", "yh"):
            self.assertIn(reading, keys)
        # a phrase reads as the phrase does: 银行 is yinhang, not yinxing
        bank = self.env["res.partner"].create({"name": "银行"})
        self.assertEqual(bank.pinyin_search, "yinhang yh")
        # capped: a long name with many polyphonic characters stays small
        long_name = self.env["product.product"].create({"name": "乐行长单曾重" * 3})
        self.assertLessEqual(len(long_name.pinyin_search.split()), 16)

    def test_product_dropdowns_find_by_pinyin_code_barcode_and_chinese(self):
        name = self.pen.display_name
        for model in ("product.product", "product.template"):
            for typed in ("zxb", "ZXB", "zhongxingbi", "zhong xing bi", "WJ-05", "中性笔", "中性"):
                with self.subTest(model=model, typed=typed):
                    self.assertIn(name, self._product_names(model, typed))
            self.assertNotIn(name, self._product_names(model, "bxg"))
        self.assertIn(name, self._product_names("product.product", "6901234567892"))
        # the order line's dropdown: product.template with the line's domain and context
        self.assertIn(
            name,
            [
                n
                for __, n in self.env["product.template"]
                .with_user(self.salesman)
                .with_context(partner_id=self.customer.id, company_id=self.company.id)
                .name_search("zxb", args=[("sale_ok", "=", True)], limit=8)
            ],
        )

    def test_customer_dropdown_finds_by_initials(self):
        found = self.env["res.partner"].with_user(self.salesman).name_search("hzxh")
        self.assertIn(self.stationer.id, [pid for pid, __ in found])
        found = self.env["res.partner"].with_user(self.salesman).name_search("hangzhouxihu")
        self.assertIn(self.stationer.id, [pid for pid, __ in found])

    def test_order_form_by_pinyin(self):
        """What the order form does: the customer and the product picked from what `hzxh` and
        `zxb` find."""
        [(partner_id, __)] = [
            r
            for r in self.env["res.partner"].with_user(self.salesman).name_search("hzxh", limit=8)
            if r[0] == self.stationer.id
        ]
        [(product_id, __)] = self.env["product.product"].with_user(self.salesman).name_search("zxb")
        with Form(self.env["sale.order"].with_user(self.salesman)) as form:
            form.partner_id = self.env["res.partner"].browse(partner_id)
            with form.order_line.new() as line:
                line.product_id = self.env["product.product"].browse(product_id)
        order = form.save()
        self.assertEqual(order.partner_id, self.stationer)
        self.assertEqual(order.order_line.product_id, self.pen)

    def test_search_views_filter_by_pinyin(self):
        for model, xmlid in (
            ("product.template", "product.product_template_search_view"),
            ("product.product", "product.product_search_form_view"),
            ("res.partner", "base.view_res_partner_filter"),
        ):
            arch = (
                self.env[model]
                .with_user(self.salesman)
                .get_views([(self.env.ref(xmlid).id, "search")])["views"]["search"]["arch"]
            )
            self.assertIn("pinyin_search", arch, model)
        # the filter's domain, as the search view builds it for `zxb`
        products = (
            self.env["product.product"]
            .with_user(self.salesman)
            .search(
                [
                    "|",
                    "|",
                    "|",
                    ("default_code", "ilike", "zxb"),
                    ("name", "ilike", "zxb"),
                    ("barcode", "ilike", "zxb"),
                    ("pinyin_search", "ilike", "zxb"),
                ]
            )
        )
        self.assertIn(self.pen, products)

    def test_keys_follow_renames_and_translations(self):
        template = self.pen.product_tmpl_id
        template.with_user(self.manager).write({"name": "钢笔"})
        self.assertIn("gb", template.pinyin_search.split())
        self.assertNotIn(self.pen.display_name, self._product_names("product.product", "zxb"))
        self.assertIn(self.pen.display_name, self._product_names("product.product", "gangbi"))
        # an English source name with a zh_CN translation: the keys come from the Chinese one
        pen = self.env["product.product"].with_context(lang="en_US").create({"name": "Gel Pen"})
        self.assertEqual(pen.pinyin_search, "gelpen")
        pen.product_tmpl_id.update_field_translations("name", {"zh_CN": "中性笔"})
        self.assertIn("zxb", pen.pinyin_search.split())
        self.assertIn(pen.id, [pid for pid, __ in self.env["product.product"].name_search("zxb")])
        # the zh_CN name changed in the web client (a zh_CN user writes the name)
        pen.product_tmpl_id.with_context(lang="zh_CN").name = "签字笔"
        self.assertIn("qzb", pen.pinyin_search.split())
        # a partner renamed
        self.stationer.name = "苏州文具"
        self.assertIn("szwj", self.stationer.pinyin_search.split())
        found = self.env["res.partner"].with_user(self.salesman).name_search("hzxh")
        self.assertNotIn(self.stationer.id, [pid for pid, __ in found])

    def test_trigram_indexes_exist(self):
        """Odoo creates trigram indexes only when pg_trgm is there, silently: check them."""
        self.env.cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        self.assertTrue(self.env.cr.fetchone(), "pg_trgm is not installed")
        self.env.cr.execute(
            """SELECT indexname, indexdef FROM pg_indexes
                WHERE indexname IN ('product_template__pinyin_search_index',
                                    'res_partner__pinyin_search_index',
                                    'product_product__default_code_trgm_index',
                                    'product_template__default_code_trgm_index')"""
        )
        indexes = dict(self.env.cr.fetchall())
        self.assertEqual(len(indexes), 4, indexes)
        for indexdef in indexes.values():
            self.assertIn("gin_trgm_ops", indexdef)

    def test_names_without_letters_give_no_keys(self):
        """Names of spaces or symbols, contacts without a name: no keys, no error."""
        products = self.env["product.template"].create(
            [{"name": name} for name in ("   ", "!!!", "—·—", "中性笔")]
        )
        self.assertEqual(products.mapped("pinyin_search")[:3], [False, False, False])
        self.assertIn("zxb", products[3].pinyin_search.split())
        partners = self.env["res.partner"].create(
            [
                {"name": "***"},
                {"type": "delivery", "parent_id": self.stationer.id},  # no name
            ]
        )
        self.assertEqual(partners.mapped("pinyin_search"), [False, False])
        # found by Odoo's own name search, not by pinyin keys
        found = self.env["product.template"].name_search("!!!")
        self.assertIn(products[1].id, [pid for pid, __ in found])
        products[3].name = "   "
        self.assertFalse(products[3].pinyin_search)

    def test_indexes_created_by_the_hooks_not_by_init(self):
        """No DDL in init(): the code trigram indexes come from the install (post_init_hook)
        and the upgrade, pg_trgm from the pre_init_hook."""
        cr = self.env.cr
        names = (
            "product_template__default_code_trgm_index",
            "product_product__default_code_trgm_index",
        )
        for name in names:
            cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
        for model in ("product.template", "product.product", "res.partner"):
            self.env[model].init()
        cr.execute(SQL("SELECT count(*) FROM pg_indexes WHERE indexname IN %s", names))
        self.assertEqual(cr.fetchone()[0], 0)
        ensure_code_trigram_indexes(self.env)
        ensure_code_trigram_indexes(self.env)  # again: nothing to do
        cr.execute(SQL("SELECT count(*) FROM pg_indexes WHERE indexname IN %s", names))
        self.assertEqual(cr.fetchone()[0], 2)
        with patch.object(self.env.registry, "has_trigram", False):
            ensure_pg_trgm(self.env)  # the extension exists: the registry is told
            self.assertTrue(self.env.registry.has_trigram)
