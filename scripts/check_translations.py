"""Fail when an addon's zh_CN.po misses a translation or lags behind its .pot.

Usage: python scripts/check_translations.py ADDON [ADDON ...]
The Odoo test ``report_ext/tests/test_translations.py`` checks the other direction: that
every term the installed addons define is in their .pot.
"""

import sys
from pathlib import Path

import polib


def check(addon):
    i18n = Path(addon) / "i18n"
    pot, po = i18n / f"{addon}.pot", i18n / "zh_CN.po"
    problems = [f"{f}: missing" for f in (pot, po) if not f.exists()]
    if problems:
        return problems
    po_entries = polib.pofile(str(po))
    translated = {e.msgid for e in po_entries if e.msgstr.strip() and not e.obsolete}
    for entry in polib.pofile(str(pot)):
        if entry.msgid and entry.msgid not in translated:
            problems.append(f"{po}: no zh_CN translation for {entry.msgid!r}")
    for entry in po_entries:
        if "fuzzy" in entry.flags:
            problems.append(f"{po}: fuzzy translation for {entry.msgid!r}")
    return problems


def main(addons):
    problems = [p for addon in addons for p in check(addon)]
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
