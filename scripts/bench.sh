#!/usr/bin/env bash
# Benchmarks that print figures side by side with plain Odoo, on a scratch copy of the template.
#   bash scripts/bench.sh                 every tests/benchmarks/bench_*.py
#   bash scripts/bench.sh low_stock [ARGS...]   one of them (ARGS are passed to main(env, args))
# Each benchmark defines main(env, args) and prints lines "FIGURE name=value target...".
# One that reads $JXC_PLAIN_DB gets a copy of plain Odoo (the same modules without our addons)
# to open in the same process (Odoo serves several databases), so both are measured in turns.
source "$(dirname "$0")/common.sh"
ensure_all
ensure_template
if [ $# -gt 0 ]; then topics=("$1"); shift; else
    topics=(); for f in "$REPO"/tests/benchmarks/bench_*.py; do
        [ -e "$f" ] || continue; b=${f##*/bench_}; topics+=("${b%.py}"); done
fi
[ ${#topics[@]} -gt 0 ] || die "no benchmark in tests/benchmarks/"
status=0
for topic in "${topics[@]}"; do
    file=$REPO/tests/benchmarks/bench_$topic.py
    [ -f "$file" ] || die "no benchmark $file"
    db=jxc_bench_${topic}_$$
    copy_db "$TEMPLATE_DB" "$db"
    say "benchmark $topic on $db"
    args=$(printf '%s\n' "$@" | "$VENV/bin/python" -c 'import json,sys; print(json.dumps([l for l in sys.stdin.read().split("\n") if l]))')
    plain_db=
    if grep -q 'JXC_PLAIN_DB' "$file"; then
        # a second database, plain Odoo, that the benchmark opens in the same process
        ensure_plain_template
        plain_db=jxc_bench_plain_${topic}_$$
        copy_db "$PLAIN_TEMPLATE_DB" "$plain_db"
    fi
    export JXC_PLAIN_DB=$plain_db
    if ! printf 'import runpy, sys\nsys.path.insert(0, %s)\nrunpy.run_path(%s)["main"](env, %s)\n' \
            "'$REPO'" "'$file'" "$args" \
            | odoo_bin shell -d "$db" --no-http --max-cron-threads=0 --log-level=warn \
              --limit-time-real=0 --limit-time-cpu=0; then
        say "FAILED: benchmark $topic"; status=1
    fi
    drop_db "$db"
    [ -z "$plain_db" ] || drop_db "$plain_db"
done
exit $status
