import logging

import psycopg2

from odoo import api, models

from .pinyin_search_mixin import PINYIN_LANG, compute_pinyin_keys, pinyin_lang, pinyin_models

_logger = logging.getLogger(__name__)

# the language the stored pinyin keys of translated names were last built in
PINYIN_LANG_PARAM = "sale_order_ext.pinyin_keys_lang"


class ResLang(models.Model):
    _inherit = "res.lang"

    def _register_hook(self):
        """``--load-language`` on an existing database installs the language while only
        ``base`` is loaded, without this module's hooks: catch up once the registry is."""
        res = super()._register_hook()
        if not self.pool.ready:  # loading the registry, not a later reset of the models
            try:
                with self.env.cr.savepoint():
                    self._sync_pinyin_keys()
            except psycopg2.errors.SerializationFailure:
                _logger.info("pinyin keys: rebuilt by another process loading the registry")
        return res

    @api.model_create_multi
    def create(self, vals_list):
        langs = super().create(vals_list)
        if any(lang.code == PINYIN_LANG and lang.active for lang in langs):
            self._sync_pinyin_keys(force=True)
        return langs

    def write(self, vals):
        # Odoo's language install (base.language.install, --load-language on a new database,
        # Activate in the languages list) and archiving write `active`
        switched = "active" in vals and any(
            lang.code == PINYIN_LANG and lang.active != bool(vals["active"]) for lang in self
        )
        res = super().write(vals)
        if switched:
            self._sync_pinyin_keys(force=True)
        return res

    @api.model
    def _sync_pinyin_keys(self, force=False):
        """Pinyin keys are read from the zh_CN names while zh_CN is active, from the source
        names otherwise: rebuild those of the records that have a zh_CN name when zh_CN was
        activated or archived since they were built (``force``: it just was)."""
        lang = pinyin_lang(self.env)
        params = self.env["ir.config_parameter"].sudo()
        built = params.get_param(PINYIN_LANG_PARAM)
        if built == lang and not force:
            return
        if built or force:  # no record yet: the install just built them in `lang`
            compute_pinyin_keys(self.env, pinyin_models(self.env), lang, translated_only=True)
        params.set_param(PINYIN_LANG_PARAM, lang)
