import itertools
import logging
import re

import psycopg2

from odoo import api, fields, models
from odoo.modules.db import has_trigram
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column, create_index

_logger = logging.getLogger(__name__)

try:
    from pypinyin import Style, lazy_pinyin, pinyin
except ImportError:  # the manifest's external_dependencies refuse the install without it
    pinyin = lazy_pinyin = Style = None

# readings of one name kept at most (polyphonic characters: 行 xing/hang, 长 chang/zhang, ...)
PINYIN_MAX_READINGS = 8
# the language the keys are read in when it is active; otherwise the source (en_US) name
PINYIN_LANG = "zh_CN"
# the models whose keys compute_pinyin_keys() builds by default, and their tables (the install
# fills them before the registry knows the mixin: fill_pinyin_columns())
PINYIN_TABLES = {"product.template": "product_template", "res.partner": "res_partner"}
# rows read, keyed and written per step: memory stays flat on any number of records
PINYIN_BATCH = 5000
# what a typed search may contain to be looked up as pinyin: letters, digits, spaces
PINYIN_QUERY = re.compile(r"^[A-Za-z0-9 ]*[A-Za-z][A-Za-z0-9 ]*$")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _other(segment):
    # what pypinyin leaves as is (latin letters, digits, signs): marked, kept whole
    return "\x00" + segment


def _clean(reading):
    return _NOT_ALNUM.sub("", reading.lower())


def _initial(reading):
    return _clean(reading[1:]) if reading.startswith("\x00") else reading[:1]


def _combinations(base, choices):
    """``base`` (one reading per segment), then each segment's other readings one at a time,
    then their combinations: at most PINYIN_MAX_READINGS distinct strings, most likely first."""
    found = {"".join(base): None}
    for i, options in enumerate(choices):
        for option in options:
            if len(found) >= PINYIN_MAX_READINGS:
                return list(found)
            found.setdefault("".join([*base[:i], option, *base[i + 1 :]]), None)
    for combo in itertools.product(*choices):
        if len(found) >= PINYIN_MAX_READINGS:
            break
        found.setdefault("".join(combo), None)
    return list(found)


def pinyin_keys(text):
    """The search keys of a name: its full pinyin and initials, every reading (polyphonic
    characters: 行 xing/hang, at most PINYIN_MAX_READINGS of each), space-separated
    (``中性笔`` → ``zhongxingbi zxb``). Latin letters and digits are kept as they are."""
    if not text or lazy_pinyin is None:
        return False
    if text.isascii():  # nothing to read as pinyin (most names of an English database): fast
        return _clean(text) or False
    # pypinyin's phrase-aware reading first (银行 yinhang), then every reading of each character
    base = lazy_pinyin(text, style=Style.NORMAL, errors=_other)
    choices = pinyin(text, style=Style.NORMAL, heteronym=True, errors=_other)
    if len(choices) != len(base):  # segmented differently: the phrase-aware reading only
        choices = [[reading] for reading in base]
    choices = [list(dict.fromkeys(options)) for options in choices]
    full = _combinations(
        [_clean(r) for r in base], [list(dict.fromkeys(map(_clean, o))) for o in choices]
    )
    initials = _combinations(
        [_initial(r) for r in base], [list(dict.fromkeys(map(_initial, o))) for o in choices]
    )
    return " ".join(dict.fromkeys(k for k in full + initials if k)) or False


def pinyin_query(value):
    """The pinyin a user typed (``Zhong Xing``→ ``zhongxing``), or None for other input."""
    if not isinstance(value, str) or not PINYIN_QUERY.match(value):
        return None
    return value.replace(" ", "").lower()


class PinyinSearchMixin(models.AbstractModel):
    _name = "pinyin.search.mixin"
    _description = "Pinyin Search Keys"
    # the field the keys are made from: its zh_CN value when zh_CN is active, else its source
    _pinyin_source_field = "name"

    pinyin_search = fields.Char(
        string="Pinyin Search Keys",
        compute="_compute_pinyin_search",
        store=True,
        index="trigram",
        readonly=True,
        copy=False,
        help="Full pinyin and initials of the Chinese name, every reading (中性笔: zhongxingbi zxb).",
    )

    @api.depends(lambda self: [self._pinyin_source_field])
    def _compute_pinyin_search(self):
        fname = self._pinyin_source_field
        # the zh_CN name (a translated field without zh_CN value gives the source name) when
        # zh_CN is active, else the source name: an inactive language can't be read
        sources = self.with_context(lang=pinyin_lang(self.env))
        for record, source in zip(self, sources, strict=True):
            record.pinyin_search = pinyin_keys(source[fname])

    @api.model
    def _search_display_name(self, operator, value):
        domain = super()._search_display_name(operator, value)
        pinyin_domain = pinyin_search_domain(operator, value)
        if pinyin_domain:
            domain = expression.OR([domain, pinyin_domain])
        return domain


def pinyin_search_domain(operator, value):
    """``[('pinyin_search', 'ilike', ...)]`` for a positive (i)like search of typed pinyin,
    else None."""
    if operator not in ("ilike", "like", "=ilike", "=like"):
        return None
    key = pinyin_query(value)
    if not key:
        return None
    if operator.startswith("="):
        return [("pinyin_search", "=ilike", f"%{key}")] if "%" not in key else None
    return [("pinyin_search", "ilike", key)]


def pinyin_name_search(model, name, args, operator, limit, domains):
    """name_search of typed pinyin as separate searches, most specific first, each answered by
    its own index (an OR of them, as ``display_name`` builds it, scans the table): the first of
    ``domains``, the pinyin keys (trigram), then the other ``domains``, each filling the rest of
    the page with other records. None when ``name`` isn't pinyin."""
    pinyin_domain = pinyin_search_domain(operator, name)
    if not pinyin_domain:
        return None
    records = model.browse()
    for domain in [*domains[:1], pinyin_domain, *domains[1:]]:
        rest = limit - len(records) if limit else None
        if rest is not None and rest <= 0:
            break
        records |= model.search_fetch(
            expression.AND([args or [], [("id", "not in", records.ids)], domain]),
            ["display_name"],
            limit=rest,
        )
    return [(record.id, record.display_name) for record in records.sudo()]


def pinyin_lang(env):
    """The language the keys are read in: zh_CN when it is active, else the source (en_US)."""
    return PINYIN_LANG if env["res.lang"]._get_code(PINYIN_LANG) else "en_US"


def pinyin_models(env):
    """The models that have pinyin keys (every model inheriting the mixin)."""
    return [
        name
        for name in env.registry["pinyin.search.mixin"]._inherit_children
        if not env[name]._abstract
    ]


def compute_pinyin_keys(
    env, model_names=tuple(PINYIN_TABLES), lang=None, *, translated_only=False, modules=None
):
    """(Re)compute the stored keys of the records of ``model_names`` without the ORM's record
    by record computation: PINYIN_BATCH records at a time, their names read with one query and
    the keys that change written with one UPDATE, then the cache invalidated.

    :param lang: the language the names are read in (default: :func:`pinyin_lang`); a
        translated name without a value in it gives its source (en_US) name
    :param translated_only: only the models whose name is translated, only their records with
        a zh_CN name (what zh_CN being activated or deactivated changes)
    :param modules: only the records with an XML id of these modules (what loading these
        modules' translations changes)
    :return: the number of records whose keys changed
    """
    lang = lang or pinyin_lang(env)
    changed = 0
    for model_name in model_names:
        model = env[model_name]
        fname = model._pinyin_source_field
        if translated_only and not model._fields[fname].translate:
            continue
        model.flush_model([fname, "pinyin_search"])
        where = []
        if translated_only:
            where.append(SQL("(t.%s->>%s) IS NOT NULL", SQL.identifier(fname), PINYIN_LANG))
        if modules:
            where.append(
                SQL(
                    "t.id IN (SELECT res_id FROM ir_model_data WHERE model = %s AND module IN %s)",
                    model_name,
                    tuple(modules),
                )
            )
        changed += _fill_keys(env.cr, model._table, fname, lang, where)
        model.invalidate_model(["pinyin_search"])
    return changed


def fill_pinyin_columns(cr):
    """For a pre_init_hook (no registry needed): create the ``pinyin_search`` columns of
    PINYIN_TABLES and fill them in batches, from the zh_CN names if zh_CN is active, else from
    the source names. The ORM then finds the columns and computes no key record by record."""
    cr.execute(SQL("SELECT 1 FROM res_lang WHERE code = %s AND active", PINYIN_LANG))
    lang = PINYIN_LANG if cr.fetchone() else "en_US"
    for table in PINYIN_TABLES.values():
        if not column_exists(cr, table, "pinyin_search"):
            create_column(cr, table, "pinyin_search", "varchar", "Pinyin Search Keys")
        _fill_keys(cr, table, "name", lang)


def _fill_keys(cr, table, column, lang, where=()):
    """Write the keys of ``table``'s rows (those matching ``where``, SQL conditions on alias
    ``t``) from ``column`` read in ``lang``; the number of rows whose keys changed."""
    cr.execute(
        SQL(
            "SELECT udt_name FROM information_schema.columns "
            "WHERE table_schema = current_schema AND table_name = %s AND column_name = %s",
            table,
            column,
        )
    )
    name = SQL.identifier("t", column)
    if cr.fetchone()[0] == "jsonb":  # a translated field: {"en_US": ..., "zh_CN": ...}
        if lang == "en_US":
            name = SQL("%s->>'en_US'", name)
        else:  # as the ORM reads it in lang
            name = SQL("COALESCE(%s->>%s, %s->>'en_US')", name, lang, name)
    cr.execute(SQL("SELECT count(*) FROM %s t WHERE %s", SQL.identifier(table), _and(where)))
    total = cr.fetchone()[0]
    last_id = done = changed = 0
    skipped = []  # rows without a name to key (blank, only signs): said, not hidden
    while done < total:
        cr.execute(
            SQL(
                "SELECT t.id, %s FROM %s t WHERE %s ORDER BY t.id LIMIT %s",
                name,
                SQL.identifier(table),
                _and([SQL("t.id > %s", last_id), *where]),
                PINYIN_BATCH,
            )
        )
        rows = cr.fetchall()
        if not rows:
            break
        ids = [row[0] for row in rows]
        keys = [pinyin_keys(row[1]) or None for row in rows]
        skipped += [row_id for row_id, key in zip(ids, keys, strict=True) if not key]
        cr.execute(
            SQL(
                """
                UPDATE %s t SET pinyin_search = v.pinyin_search
                  FROM unnest(%s::int4[], %s::varchar[]) AS v(id, pinyin_search)
                 WHERE t.id = v.id AND t.pinyin_search IS DISTINCT FROM v.pinyin_search
                """,
                SQL.identifier(table),
                ids,
                keys,
            )
        )
        changed += cr.rowcount
        done += len(rows)
        last_id = ids[-1]
        if total > PINYIN_BATCH:
            _logger.info("pinyin keys of %s: %s of %s rows", table, done, total)
    if changed:
        _logger.info("pinyin keys of %s: %s of %s rows changed (%s)", table, changed, total, lang)
    if skipped:
        _logger.info(
            "pinyin keys of %s: %s rows have no name to key, skipped (ids %s%s)",
            table,
            len(skipped),
            skipped[:20],
            "..." if len(skipped) > 20 else "",
        )
    return changed


def _and(conditions):
    return SQL(" AND ").join(conditions) if conditions else SQL("TRUE")


def ensure_pg_trgm(env):
    """For the pre_init_hook: the keys' trigram index needs PostgreSQL's pg_trgm, and Odoo
    silently skips trigram indexes without it. Create the extension (the database role may, on
    this suite's clusters) and tell the registry before it creates the module's indexes."""
    registry = env.registry
    if registry.has_trigram:
        return
    cr = env.cr
    try:
        with cr.savepoint(flush=False):
            cr.execute(SQL("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except psycopg2.Error:
        _logger.warning(
            "PostgreSQL extension pg_trgm missing and not creatable: pinyin search keys "
            "are not indexed (CREATE EXTENSION pg_trgm as a superuser)."
        )
        return
    registry.has_trigram = has_trigram(cr)


def ensure_code_trigram_indexes(env):
    """For the post_init_hook and the upgrade: trigram indexes on the product codes, which core
    indexes as btree only, so the dropdown's "code contains" search of typed pinyin needs no
    table scan either. Nothing without pg_trgm (see :func:`ensure_pg_trgm`)."""
    cr = env.cr
    if not has_trigram(cr):
        return
    for table in ("product_template", "product_product"):
        create_index(
            cr,
            f"{table}__default_code_trgm_index",
            table,
            ['"default_code" gin_trgm_ops'],
            method="gin",
        )
