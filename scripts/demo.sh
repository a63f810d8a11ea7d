#!/usr/bin/env bash
# One command: PostgreSQL, Odoo 18 with the three addons, Simplified Chinese and the Chinese demo
# data, served at http://127.0.0.1:8069 by nginx in front of a multi-process server (2 HTTP
# workers + cron + the gevent worker for /websocket), as Odoo's deployment docs prescribe.
# Re-runnable: an existing database is kept (updated when the addons changed), nginx's config
# written again and both servers restarted. Settings (environment): JXC_DEMO_DB (jxc_demo),
# JXC_HTTP_PORT (8069, nginx), JXC_ODOO_PORT (18069, Odoo's HTTP workers, internal),
# JXC_GEVENT_PORT (8072, internal), JXC_PIDFILE, ODOO_SRC (/opt/odoo), JXC_HOME (/var/lib/jxc).
#   bash scripts/demo.sh           start (or restart)
#   bash scripts/demo.sh --stop    stop the server
source "$(dirname "$0")/common.sh"

DB=${JXC_DEMO_DB:-jxc_demo}
PORT=${JXC_HTTP_PORT:-8069}
ODOO_PORT=${JXC_ODOO_PORT:-18069}
GEVENT_PORT=${JXC_GEVENT_PORT:-8072}
PIDFILE=${JXC_PIDFILE:-$JXC_HOME/odoo-$DB.pid}
NGINX_DIR=$JXC_HOME/nginx-$DB
LOG=$LOG_DIR/odoo-$DB.log
STAMP=$JXC_HOME/demo-$DB.hash

stop_server() {
    [ -f "$PIDFILE" ] || return 0
    local pid i
    pid=$(cat "$PIDFILE")
    if kill -0 "$pid" 2>/dev/null; then
        say "stopping the Odoo server (pid $pid)"
        kill "$pid"
        for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
}

if [ "${1:-}" = --stop ]; then
    nginx_stop "$NGINX_DIR"
    stop_server
    exit 0
fi

ensure_all
mkdir -p "$LOG_DIR" "$(dirname "$PIDFILE")"
nginx_stop "$NGINX_DIR"
stop_server
hash=$(addons_hash)
if ! db_exists "$DB"; then
    # without Odoo's English demo (US companies, Deco Addict, furniture): the suite's Chinese
    # demo company on the Chinese chart of accounts (l10n_cn) is loaded next
    say "creating database $DB with the addons, l10n_cn, zh_CN and the Chinese demo data (a few minutes)"
    install_log=$LOG_DIR/install-$DB.log demo_log=$LOG_DIR/demo-$DB.log
    rm -f "$install_log" "$demo_log"   # Odoo appends to a log file: only this run's lines
    odoo_bin -d "$DB" -i "$ADDONS,$EXTRA_MODULES,l10n_cn" --without-demo=all --load-language=zh_CN \
        --stop-after-init --no-http --max-cron-threads=0 --logfile="$install_log" \
        || { drop_db "$DB"; die "installing the addons into $DB failed (see $install_log)."; }
    odoo_bin shell -d "$DB" --no-http --max-cron-threads=0 --log-level=warn \
        <"$REPO/scripts/load_demo.py" >"$demo_log" 2>&1 \
        || { cat "$demo_log" >&2; drop_db "$DB"; die "loading the demo data into $DB failed (see $demo_log)."; }
    bad='^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) |Traceback'
    if grep -qE "$bad" "$install_log" "$demo_log" || ! grep -q 'demo data loaded' "$demo_log"; then
        grep -hE -A40 "$bad" "$install_log" "$demo_log" | head -80 >&2
        drop_db "$DB"
        die "installing the addons or the demo data into $DB logged errors (see $install_log, $demo_log)."
    fi
    echo "$hash" >"$STAMP"
elif [ "$(cat "$STAMP" 2>/dev/null)" != "$hash" ]; then
    say "updating the addons in $DB"
    odoo_bin -d "$DB" -u "$ADDONS" --stop-after-init --no-http --max-cron-threads=0 \
        --logfile="$LOG_DIR/update-$DB.log" || die "updating $DB failed (see $LOG_DIR/update-$DB.log)."
    echo "$hash" >"$STAMP"
fi

url=http://127.0.0.1:$PORT
# wkhtmltopdf fetches the reports' CSS from web.base.url: point it at this server
psql -d "$DB" -qc "UPDATE ir_config_parameter SET value = '$url' WHERE key = 'web.base.url'" >/dev/null

say "starting Odoo ($DB) on 127.0.0.1:$ODOO_PORT (websocket $GEVENT_PORT) with 2 workers and cron; log: $LOG"
setsid nohup "$VENV/bin/python" "$ODOO_SRC/odoo-bin" \
    --addons-path="$(addons_path)" --data-dir="$DATA_DIR" \
    --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" --db_password="$PGPASSWORD" \
    -d "$DB" --db-filter="^$DB\$" --http-interface=127.0.0.1 --http-port="$ODOO_PORT" \
    --gevent-port="$GEVENT_PORT" --workers=2 --max-cron-threads=1 --proxy-mode \
    --pidfile="$PIDFILE" --logfile="$LOG" </dev/null >/dev/null 2>&1 &
say "starting nginx on $url (/websocket → $GEVENT_PORT, the rest → $ODOO_PORT); config: $NGINX_DIR/nginx.conf"
nginx_conf "$NGINX_DIR" "$PORT" "$ODOO_PORT" "$GEVENT_PORT"
nginx_start "$NGINX_DIR"
for _ in $(seq 1 90); do
    # the gevent worker (websocket) starts after the HTTP workers
    if curl -fsS "$url/web/health" >/dev/null 2>&1 && (: </dev/tcp/127.0.0.1/"$GEVENT_PORT") 2>/dev/null; then
        cat <<EOF
[jxc] Odoo is up: $url   (database $DB, pid $(cat "$PIDFILE" 2>/dev/null))
      log in as  admin / admin      (管理员, 上海鸿运商贸有限公司)
                 sales / sales      (销售员 张伟)       sales2 / sales2  (销售员 赵敏)
                 approver / approver (审核员 李娜)      warehouse / warehouse (仓管 王强)
                 buyer / buyer      (采购 刘洋)         finance / finance (财务 陈静)
      stop with: bash scripts/demo.sh --stop
EOF
        exit 0
    fi
    sleep 1
done
tail -20 "$LOG" >&2
nginx_stop "$NGINX_DIR"
die "Odoo did not answer on $url/web/health within 90 s (see $LOG)."
