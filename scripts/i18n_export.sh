#!/usr/bin/env bash
# Regenerate ADDON/i18n/ADDON.pot from a database with the addons installed and merge new
# terms into zh_CN.po (msgmerge keeps existing translations); then translate the empty msgstr.
#   bash scripts/i18n_export.sh [ADDON ...]     (default: all three)
source "$(dirname "$0")/common.sh"
ensure_all
ensure_template
db=jxc_i18n_$$
copy_db "$TEMPLATE_DB" "$db"
trap 'drop_db "$db"' EXIT
for addon in "${@:-sale_order_ext stock_lock_ext report_ext}"; do
    for a in $addon; do
        pot=$REPO/$a/i18n/$a.pot
        odoo_bin -d "$db" --i18n-export="$pot" --modules="$a" --stop-after-init \
            --no-http --log-level=warn
        if [ -f "$REPO/$a/i18n/zh_CN.po" ]; then
            msgmerge --quiet --no-fuzzy-matching --update --backup=none "$REPO/$a/i18n/zh_CN.po" "$pot"
        else
            msginit --no-translator --locale=zh_CN --input="$pot" --output-file="$REPO/$a/i18n/zh_CN.po"
        fi
        say "$a: $(msgattrib --untranslated "$REPO/$a/i18n/zh_CN.po" | grep -c '^msgid ' || true) untranslated msgids (incl. header)"
    done
done
