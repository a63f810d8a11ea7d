from odoo import api, models

from .pinyin_search_mixin import PINYIN_LANG, compute_pinyin_keys, pinyin_models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _register_hook(self):
        """Modules installed or updated before this one in the same run loaded their zh_CN
        translations without this module's hook: rebuild the keys of their records."""
        res = super()._register_hook()
        if not self.pool.ready and self.pool.updated_modules:
            self._update_pinyin_keys(self.pool.updated_modules, [PINYIN_LANG])
        return res

    @api.model
    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """The PO files write the zh_CN names of the modules' records in SQL (a language
        installed, a module installed or updated): rebuild the pinyin keys of those records."""
        res = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        self._update_pinyin_keys(modules, langs)
        return res

    @api.model
    def _update_pinyin_keys(self, modules, langs):
        if modules and PINYIN_LANG in langs and self.env["res.lang"]._get_code(PINYIN_LANG):
            compute_pinyin_keys(
                self.env,
                pinyin_models(self.env),
                PINYIN_LANG,
                translated_only=True,
                modules=modules,
            )
