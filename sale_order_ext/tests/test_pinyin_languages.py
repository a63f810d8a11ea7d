import os
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL
from odoo.tools.misc import file_open_temporary_directory

from odoo.addons.sale_order_ext.models import pinyin_search_mixin
from odoo.addons.sale_order_ext.models.pinyin_search_mixin import (
    compute_pinyin_keys,
    fill_pinyin_columns,
    pinyin_lang,
)
from odoo.addons.sale_order_ext.models.res_lang import PINYIN_LANG_PARAM

PO_FILE = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#. module: sale_order_ext
#: model:product.template,name:sale_order_ext.pinyin_test_stapler
msgid "Stapler"
msgstr "订书机"
"""


@tagged("post_install", "-at_install")
class TestPinyinLanguages(TransactionCase):
    """Pinyin keys on a database without zh_CN (keys from the source names, no error), and
    rebuilt from the zh_CN names when zh_CN is loaded later."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.zh_cn = (
            cls.env["res.lang"].with_context(active_test=False).search([("code", "=", "zh_CN")])
        )
        cls.pen = cls.env["product.template"].create({"name": "Ballpoint pen"})
        cls.pen.update_field_translations("name", {"zh_CN": "圆珠笔"})

    def _keys(self, record):
        """The stored keys, as the database holds them."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT pinyin_search FROM %s WHERE id = %s",
                SQL.identifier(record._table),
                record.id,
            )
        )
        return self.env.cr.fetchone()[0]

    def _archive_zh_cn(self):
        """An English-only database: zh_CN archived as in the languages list (nobody may
        still use it: the template's users and contacts are moved to en_US first, and en_US,
        which the template doesn't use, is activated)."""
        self.env["res.lang"]._activate_lang("en_US")
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE res_partner SET lang = 'en_US' WHERE lang = 'zh_CN'"))
        self.env.invalidate_all()
        self.zh_cn.active = False

    def test_english_database_keys_from_source_names(self):
        self.assertEqual(self._keys(self.pen), "yuanzhubi yzb")
        self._archive_zh_cn()
        self.assertEqual(pinyin_lang(self.env), "en_US")
        # rebuilt when zh_CN was archived: the source name, the zh_CN one can't be read
        self.assertEqual(self._keys(self.pen), "ballpointpen")
        self.assertEqual(self.env["ir.config_parameter"].get_param(PINYIN_LANG_PARAM), "en_US")
        # created and renamed without zh_CN: no "Invalid language code: zh_CN"
        stapler = self.env["product.template"].create({"name": "Stapler"})
        self.assertEqual(stapler.pinyin_search, "stapler")
        stapler.name = "Heavy Stapler"
        self.assertEqual(self._keys(stapler), "heavystapler")
        partner = self.env["res.partner"].create({"name": "王小明"})
        self.assertIn("wxm", self._keys(partner).split())
        product = self.env["product.product"].create({"name": "Gel Pen 0.5mm"})
        self.assertIn(
            product.id,
            [pid for pid, __ in self.env["product.product"].name_search("gelpen05")],
        )
        self.assertIn(
            self.pen.id, [pid for pid, __ in self.env["product.template"].name_search("ballp")]
        )

    def test_language_install_rebuilds_keys_from_zh_cn_names(self):
        """zh_CN loaded later through Odoo's language install (what ``--load-language`` and
        Settings > Languages > Add run): the keys come from the zh_CN names again."""
        self._archive_zh_cn()
        self.assertEqual(self._keys(self.pen), "ballpointpen")
        self.assertNotIn(
            self.pen.id, [pid for pid, __ in self.env["product.template"].name_search("yzb")]
        )
        self.env["base.language.install"].create({"lang_ids": self.zh_cn.ids}).lang_install()
        self.assertTrue(self.zh_cn.active)
        self.assertEqual(self._keys(self.pen), "yuanzhubi yzb")
        self.assertEqual(self.pen.pinyin_search, "yuanzhubi yzb")  # the cache too
        self.assertIn(
            self.pen.id, [pid for pid, __ in self.env["product.template"].name_search("yzb")]
        )
        self.assertEqual(self.env["ir.config_parameter"].get_param(PINYIN_LANG_PARAM), "zh_CN")

    def test_language_activated_before_registry_catches_up(self):
        """``--load-language`` on an existing database activates zh_CN while only ``base`` is
        loaded (no hook of this module runs): the registry's loading rebuilds the keys."""
        self._archive_zh_cn()
        self.assertEqual(self._keys(self.pen), "ballpointpen")
        self.env.cr.execute(SQL("UPDATE res_lang SET active = TRUE WHERE code = 'zh_CN'"))
        self.env.registry.clear_cache()
        self.env.invalidate_all()
        self.assertEqual(self._keys(self.pen), "ballpointpen")  # stale until the registry loads
        with patch.object(self.env.registry, "ready", False):
            self.env["res.lang"]._register_hook()
        self.assertEqual(self._keys(self.pen), "yuanzhubi yzb")
        self.assertEqual(self.env["ir.config_parameter"].get_param(PINYIN_LANG_PARAM), "zh_CN")
        # a normal start: the keys are in the active language, nothing to rebuild
        with (
            patch.object(self.env.registry, "ready", False),
            patch("odoo.addons.sale_order_ext.models.res_lang.compute_pinyin_keys") as compute_keys,
        ):
            self.env["res.lang"]._register_hook()
        compute_keys.assert_not_called()

    def test_module_translations_loaded_rebuild_keys(self):
        """A module's PO file writes zh_CN names in SQL (language install, module install or
        update): the keys of that module's records follow."""
        stapler = self.env["product.template"].create({"name": "Stapler"})
        self.env["ir.model.data"].create(
            {
                "module": "sale_order_ext",
                "name": "pinyin_test_stapler",
                "model": "product.template",
                "res_id": stapler.id,
            }
        )
        self.assertEqual(self._keys(stapler), "stapler")
        with file_open_temporary_directory(self.env) as directory:
            po_path = os.path.join(directory, "zh_CN.po")
            with open(po_path, "w", encoding="utf-8") as po_file:
                po_file.write(PO_FILE)
            with patch("odoo.addons.base.models.ir_module.get_po_paths", return_value=[po_path]):
                self.env["ir.module.module"]._load_module_terms(["sale_order_ext"], ["zh_CN"])
        self.assertEqual(stapler.with_context(lang="zh_CN").name, "订书机")
        self.assertEqual(self._keys(stapler).split()[0], "dingshuji")
        self.assertIn("dsj", self._keys(stapler).split())

    def test_compute_in_batches_with_explicit_language(self):
        """compute_pinyin_keys: one read and one UPDATE per batch, the language given or the
        active one, only changed keys written."""
        products = self.env["product.template"].create([{"name": "Ballpoint pen"}] * 5)
        for product in products:
            product.update_field_translations("name", {"zh_CN": "圆珠笔"})
        for i, product in enumerate(products):
            self.env["ir.model.data"].create(
                {
                    "module": "__pinyin_test__",
                    "name": f"product_{i}",
                    "model": "product.template",
                    "res_id": product.id,
                }
            )
        self.env.flush_all()
        scope = {"translated_only": True, "modules": ["__pinyin_test__"]}
        with patch.object(pinyin_search_mixin, "PINYIN_BATCH", 2):
            start = self.env.cr.sql_log_count
            changed = compute_pinyin_keys(self.env, ["product.template"], "en_US", **scope)
            # column type + count, then 3 batches of 2, 2, 1 rows: a read and an UPDATE each
            self.assertEqual(self.env.cr.sql_log_count - start, 2 + 3 * 2)
        self.assertEqual(changed, 5)
        self.assertEqual(products.mapped("pinyin_search"), ["ballpointpen"] * 5)
        self.assertEqual(compute_pinyin_keys(self.env, ["product.template"], "en_US", **scope), 0)
        # the active language (zh_CN) when none is given
        self.assertEqual(compute_pinyin_keys(self.env, ["product.template"], **scope), 5)
        self.assertEqual(products.mapped("pinyin_search"), ["yuanzhubi yzb"] * 5)

    def test_fill_columns_before_the_registry(self):
        """The install's path (pre_init_hook, no registry): the columns created and filled from
        the zh_CN names when zh_CN is active, else from the source names, bad names empty."""
        partner = self.env["res.partner"].create({"name": "杭州西湖文具"})
        nameless = self.env["res.partner"].create({"type": "delivery", "parent_id": partner.id})
        symbols = self.env["product.template"].create({"name": "Something"})
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """UPDATE product_template SET name = '{"en_US": " !!! "}' WHERE id = %s""",
                symbols.id,
            )
        )
        for table in ("product_template", "res_partner"):
            cr.execute(SQL("ALTER TABLE %s DROP COLUMN pinyin_search", SQL.identifier(table)))
        fill_pinyin_columns(cr)
        self.env.invalidate_all()
        self.assertEqual(self._keys(self.pen), "yuanzhubi yzb")
        self.assertIn("hzxhwj", self._keys(partner).split())
        self.assertIsNone(self._keys(nameless))
        self.assertIsNone(self._keys(symbols))
        cr.execute(SQL("UPDATE res_lang SET active = FALSE WHERE code = 'zh_CN'"))
        fill_pinyin_columns(cr)
        self.assertEqual(self._keys(self.pen), "ballpointpen")
        self.assertIn("hzxhwj", self._keys(partner).split())
