#!/usr/bin/env bash
# The whole test suite: lint, every addon's Odoo tests, the repository-level tests/ (real
# server, RPC, browser, concurrency). Ends with "N passed, N failed"; non-zero on any failure.
#
#   bash scripts/test.sh                      everything
#   bash scripts/test.sh --addon sale_order_ext   one addon's Odoo tests (+ lint)
#   bash scripts/test.sh --no-lint --no-pytest    Odoo tests only
#   TEST_TAGS=/sale_order_ext:TestApproval bash scripts/test.sh --no-pytest
#   bash scripts/test.sh --core-only               Odoo's own suites with the addons, vs. plain Odoo
#   CORE_MODULES=account bash scripts/test.sh --core-only   (account: ~700 tests, not in CI)
source "$(dirname "$0")/common.sh"

# OCA's XML/CSV/manifest checks that fail the run (style-only ones left out)
OCA_CHECKS=file-not-used,manifest-syntax-error,csv-duplicate-record-id,csv-syntax-error,\
xml-deprecated-data-node,xml-deprecated-oe-chatter,xml-deprecated-openerp-node,\
xml-deprecated-qweb-directive,xml-deprecated-qweb-directive-15,xml-not-valid-char-link,\
xml-oe-structure-missing-id,xml-redundant-module-name,xml-create-user-wo-reset-password,\
xml-view-dangerous-replace-low-priority,xml-deprecated-tree-attribute,xml-record-missing-id,\
xml-duplicate-record-id,xml-duplicate-fields,xml-syntax-error,\
xml-dangerous-qweb-replace-low-priority,xml-duplicate-template-id,xml-xpath-translatable-item

run_lint=1 run_odoo=1 run_pytest=1 run_core=1 tags=${TEST_TAGS:-}
# Odoo's own suites run next to ours (plain Odoo's figures: tests/core_baseline.json)
CORE_MODULES=${CORE_MODULES:-sale_management,sale_margin,sale,sale_stock,stock}
while [ $# -gt 0 ]; do
    case $1 in
        --addon) tags=/$2; run_pytest=0; run_core=0; shift ;;
        --no-lint) run_lint=0 ;;
        --no-odoo) run_odoo=0 ;;
        --no-pytest) run_pytest=0 ;;
        --no-core) run_core=0 ;;
        --core-only) run_lint=0; run_odoo=0; run_pytest=0 ;;
        --lint-only) run_odoo=0; run_pytest=0; run_core=0 ;;
        *) die "unknown option $1 (see the head of scripts/test.sh)" ;;
    esac
    shift
done
tags=${tags:-/sale_order_ext,/stock_lock_ext,/report_ext}

ensure_all
cd "$REPO"
passed=0 failed=0 failures=()
record() {  # record NAME PASSED FAILED
    passed=$((passed + $2)); failed=$((failed + $3))
    [ "$3" -eq 0 ] || failures+=("$1: $3 failed")
}
check() {  # check NAME COMMAND...: one pass/fail item
    local name=$1; shift
    if "$@"; then record "$name" 1 0; else say "FAILED: $name"; record "$name" 0 1; fi
}

# ---------------------------------------------------------------- lint
if [ $run_lint = 1 ]; then
    say "lint: ruff, pylint-odoo, translations"
    check "ruff check" ruff check --quiet .
    check "ruff format" ruff format --check --quiet .
    check "pylint-odoo" pylint --rcfile=setup.cfg --score=n sale_order_ext stock_lock_ext report_ext
    check "oca-checks-odoo-module" oca-checks-odoo-module --no-verbose --enable="$OCA_CHECKS" \
        sale_order_ext stock_lock_ext report_ext
    check "zh_CN translations" python scripts/check_translations.py sale_order_ext stock_lock_ext report_ext
fi

# ---------------------------------------------------------------- database copy
run_db=jxc_test_$$ core_db=jxc_core_$$ pyodoo_db=jxc_pyodoo_$$
cleanup() {
    local db
    for db in "${run_db:-}" "${core_db:-}" "${pyodoo_db:-}"; do
        [ -n "$db" ] && drop_db "$db" 2>/dev/null || true
    done
}
trap cleanup EXIT
if [ $run_odoo = 1 ] || [ $run_pytest = 1 ] || [ $run_core = 1 ]; then
    ensure_template
    copy_db "$TEMPLATE_DB" "$run_db"
fi

# ---------------------------------------------------------------- addons' Odoo tests
if [ $run_odoo = 1 ]; then
    log=$LOG_DIR/test-odoo-$(date +%Y%m%d-%H%M%S).log
    say "Odoo tests ($tags) on $run_db; log: $log"
    t0=$(date +%s)
    set +e
    odoo_bin -d "$run_db" --db-filter="^$run_db\$" --test-enable --test-tags="$tags" \
        --stop-after-init --workers=0 --max-cron-threads=0 --http-interface=127.0.0.1 \
        --http-port="$(free_port)" --logfile="$log"
    rc=$?
    set -e
    # print every warning/error record with its traceback
    awk '/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] /{show = ($4 == "WARNING" || $4 == "ERROR" || $4 == "CRITICAL")} show' "$log" \
        | grep -v -e 'odoo.tests.result: .* when loading database' -e '^QSslSocket: ' || true
    summary=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading' "$log" | tail -1)
    skipped=$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ INFO \S+ \S+: skipped ' "$log" || true)
    if [ -z "$summary" ]; then
        say "FAILED: Odoo tests did not report a result (exit $rc)"
        record "Odoo tests" 0 1
    else
        read -r f _ e _ _ n _ <<<"$summary"
        bad=$((f + e))
        say "Odoo tests: $n run, $f failed, $e errors, $skipped skipped in $(( $(date +%s) - t0 )) s"
        [ "$n" -gt 0 ] || { say "FAILED: no Odoo test ran"; bad=$((bad + 1)); }
        [ "$skipped" -eq 0 ] || { say "FAILED: a skipped test is not a passed one:"; grep -E ': skipped ' "$log"; }
        [ "$rc" -eq 0 ] || [ "$bad" -gt 0 ] || { say "FAILED: odoo-bin exited $rc"; bad=$((bad + 1)); }
        record "Odoo tests" $((n - f - e - skipped > 0 ? n - f - e - skipped : 0)) $((bad + skipped))
    fi
fi

# ---------------------------------------------------------------- the same tests through pytest-odoo
# (how pytest-odoo's users run an addon's tests; one addon, to keep the suite short)
if [ $run_odoo = 1 ] && [ "$tags" = /sale_order_ext,/stock_lock_ext,/report_ext ]; then
    copy_db "$TEMPLATE_DB" "$pyodoo_db"
    out=$LOG_DIR/test-pytest-odoo-$(date +%Y%m%d-%H%M%S).log
    say "pytest-odoo: sale_order_ext/tests on $pyodoo_db; log: $out"
    set +e
    pytest --odoo-database="$pyodoo_db" --odoo-addons-path="$(addons_path)" --odoo-db-use-env-vars \
        --odoo-log-level=warn -p no:cacheprovider -q -rfEs --color=no sale_order_ext/tests >"$out" 2>&1
    rc=$?
    set -e
    tail -3 "$out"
    last=$(grep -E '^=*.* in [0-9.]+s' "$out" | tail -1 || true)
    p=$(grep -oE '[0-9]+ passed' <<<"$last" | cut -d' ' -f1 || true)
    f=$(grep -oE '[0-9]+ (failed|errors?|skipped)' <<<"$last" | awk '{s += $1} END {print s + 0}' || true)
    p=${p:-0} f=${f:-0}
    [ "$p" -gt 0 ] || f=$((f + 1))
    [ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
    record "pytest-odoo" "$p" "$f"
    drop_db "$pyodoo_db"
fi

# ---------------------------------------------------------------- Odoo's own suites
if [ $run_core = 1 ]; then
    copy_db "$TEMPLATE_DB" "$core_db"
    out=$LOG_DIR/test-core-$(date +%Y%m%d-%H%M%S)
    say "Odoo's own suites ($CORE_MODULES) with the addons on $core_db; log: $out.log"
    set +e
    python scripts/core_suites.py -d "$core_db" --odoo-args "--addons-path=$(addons_path) \
        --data-dir=$DATA_DIR --db_host=$PGHOST --db_port=$PGPORT --db_user=$PGUSER \
        --db_password=$PGPASSWORD --http-interface=127.0.0.1 --http-port=$(free_port) \
        --max-cron-threads=0 --logfile=$out.log" ${CORE_MODULES//,/ } >"$out.json"
    rc=$?
    set -e
    if [ $rc -ne 0 ]; then
        say "FAILED: the core suites did not run (exit $rc, see $out.log)"
        record "core suites" 0 1
    else
        python scripts/compare_core.py tests/core_baseline.json "$out.json"
        read -r p f <<<"$(python scripts/compare_core.py --counts tests/core_baseline.json "$out.json")"
        record "core suites" "$p" "$f"
    fi
    drop_db "$core_db"
fi

# ---------------------------------------------------------------- repository-level tests
if [ $run_pytest = 1 ]; then
    say "pytest tests/ (real servers, RPC, browser, concurrency)"
    out=$LOG_DIR/test-pytest-$(date +%Y%m%d-%H%M%S).log
    set +e
    ensure_plain_template   # plain Odoo's side-by-side figures (tests/test_pinyin_web.py)
    JXC_TEMPLATE_DB=$TEMPLATE_DB JXC_PLAIN_TEMPLATE_DB=$PLAIN_TEMPLATE_DB \
        pytest tests -rfEs --color=no 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    set -e
    last=$(grep -E '^=+ .* in [0-9.]+s' "$out" | tail -1 || true)
    count() { grep -oE "[0-9]+ $1" <<<"$last" | cut -d' ' -f1 || true; }
    p=$(count passed); f=$(count failed); e=$(count 'errors?'); s=$(count skipped)
    p=${p:-0} f=${f:-0} e=${e:-0} s=${s:-0}
    bad=$((f + e + s))
    [ "$s" -eq 0 ] || say "FAILED: $s pytest test(s) skipped; a skipped test is not a passed one"
    [ $((p + bad)) -gt 0 ] || { say "FAILED: pytest ran no test (exit $rc)"; bad=1; }
    [ "$rc" -eq 0 ] || [ "$bad" -gt 0 ] || { say "FAILED: pytest exited $rc"; bad=1; }
    record "pytest" "$p" "$bad"
fi

for x in "${failures[@]}"; do say "failed: $x"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
