import itertools
import logging
import re

from odoo import api, fields, models
from odoo.modules.db import has_trigram
from odoo.osv import expression
from odoo.tools.sql import create_index

_logger = logging.getLogger(__name__)

try:
    from pypinyin import Style, lazy_pinyin, pinyin
except ImportError:  # the manifest's external_dependencies refuse the install without it
    pinyin = lazy_pinyin = Style = None

# readings of one name kept at most (polyphonic characters: 行 xing/hang, 长 chang/zhang, ...)
PINYIN_MAX_READINGS = 8
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
    # the field the keys are made from, read in Simplified Chinese
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
        # the zh_CN name; a translated field without zh_CN value gives the source name
        for record, source in zip(self, self.with_context(lang="zh_CN"), strict=True):
            record.pinyin_search = pinyin_keys(source[fname])

    def init(self):
        res = super().init()
        _ensure_pg_trgm(self)
        return res

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


def ensure_trigram_index(model, fname):
    """A trigram index on a column core indexes as btree only (``default_code``): the
    dropdown's "code contains" search of typed pinyin then needs no table scan either."""
    _ensure_pg_trgm(model)
    if not model.pool.has_trigram:
        return
    table = model._table
    create_index(
        model.env.cr,
        f"{table}__{fname}_trgm_index",
        table,
        [f'"{fname}" gin_trgm_ops'],
        method="gin",
    )


def _ensure_pg_trgm(model):
    """The keys' trigram index needs PostgreSQL's pg_trgm: Odoo silently skips trigram indexes
    without it. Create the extension (the database role may, on this suite's clusters) and tell
    the registry before it checks the indexes of the models being installed."""
    registry = model.pool
    if registry.has_trigram:
        return
    cr = model.env.cr
    try:
        with cr.savepoint(flush=False):
            cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:
        _logger.warning(
            "PostgreSQL extension pg_trgm missing and not creatable: pinyin search keys "
            "are not indexed (CREATE EXTENSION pg_trgm as a superuser)."
        )
        return
    registry.has_trigram = has_trigram(cr)
