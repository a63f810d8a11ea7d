"""对账单 PDF of one customer with 1,000 documents in the period.

    bash scripts/bench.sh statement_pdf [N_DOCUMENTS]      (default 1000)

Creates N_DOCUMENTS posted documents for one customer in March 2026 through the ORM (80%
invoices, 10% credit notes, 10% payments) plus a few before the period, commits, starts an
Odoo HTTP server on this database (wkhtmltopdf fetches the report CSS from it, as in
production) and times, in this process, the statement values, the HTML rendering and the
whole ``_render_qweb_pdf`` (values + HTML + wkhtmltopdf), median of 3 runs after a warm-up.
Odoo has no customer statement to compare with; the core invoice PDF of one of the invoices
is timed in the same run as the plain-Odoo reference.
"""

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date

from odoo import Command
from odoo.tools import config

RUNS = 3
STATEMENT = "report_ext.action_report_customer_statement"


def _log(message):
    print(f"[bench_statement_pdf] {message}", flush=True)


def _create_documents(env, partner, n_documents):
    n_payments = n_documents // 10
    n_refunds = n_documents // 10
    n_invoices = n_documents - n_payments - n_refunds
    vals = []
    for i in range(n_invoices + n_refunds):
        day = date(2026, 3, 1 + i % 31)
        vals.append(
            {
                "move_type": "out_invoice" if i < n_invoices else "out_refund",
                "partner_id": partner.id,
                "invoice_date": day,
                "date": day,
                "invoice_line_ids": [
                    Command.create({"name": f"货款 {i}", "quantity": 1, "price_unit": 100 + i % 50})
                ],
            }
        )
    for i in range(5):  # before the period: the opening balance
        vals.append(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": date(2026, 1, 10 + i),
                "invoice_line_ids": [Command.create({"name": "期初", "price_unit": 1000})],
            }
        )
    t0 = time.time()
    moves = env["account.move"].create(vals)
    moves.action_post()
    _log(f"{len(moves)} invoices/credit notes in {time.time() - t0:.1f}s")
    journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", env.company.id)], limit=1
    )
    payments = env["account.payment"].create(
        [
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": 50 + i,
                "date": date(2026, 3, 1 + i % 31),
                "journal_id": journal.id,
            }
            for i in range(n_payments)
        ]
    )
    payments.action_post()
    _log(f"{len(payments)} payments in {time.time() - t0:.1f}s")
    return moves


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(dbname):
    port = _free_port()
    odoo_bin = os.path.join(os.path.dirname(config["root_path"]), "odoo-bin")
    command = [
        sys.executable,
        odoo_bin,
        f"--addons-path={config['addons_path']}",
        f"--data-dir={config['data_dir']}",
        f"--db_host={config['db_host']}",
        f"--db_port={config['db_port']}",
        f"--db_user={config['db_user']}",
        f"--db_password={config['db_password']}",
        "-d",
        dbname,
        f"--db-filter=^{dbname}$",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=warn",
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for __ in range(120):
        try:
            with urllib.request.urlopen(f"{url}/web/health", timeout=2):
                return server, url
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("the Odoo server did not start")


def _median(function):
    function()
    timings = []
    result = None
    for __ in range(RUNS):
        start = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), result


def main(env, args):
    n_documents = int(args[0]) if args else 1000
    partner = env["res.partner"].create({"name": "基准对账客户有限公司", "lang": "zh_CN"})
    moves = _create_documents(env, partner, n_documents)
    env.cr.commit()
    server, url = _start_server(env.cr.dbname)
    try:
        env["ir.config_parameter"].sudo().set_param("report.url", url)
        env.cr.commit()
        report = env["ir.actions.report"].with_context(lang="zh_CN")
        data = {
            "company_id": env.company.id,
            "date_from": "2026-03-01",
            "date_to": "2026-03-31",
            "statement_type": "invoice",
        }
        statement = env["report.report_ext.report_customer_statement"]

        def values():
            env.invalidate_all()
            return statement._get_report_values(partner.ids, data)

        def html():
            env.invalidate_all()
            return report._render_qweb_html(STATEMENT, partner.ids, data=data)[0]

        def pdf():
            env.invalidate_all()
            return report._render_qweb_pdf(STATEMENT, partner.ids, data=data)[0]

        values_s, result = _median(values)
        lines = len(result["statements"][partner.id]["lines"])
        html_s, __ = _median(html)
        pdf_s, content = _median(pdf)
        invoice_pdf_s, __ = _median(
            lambda: report._render_qweb_pdf("account.account_invoices", moves[:1].ids)[0]
        )
        pages = "?"
        if shutil.which("pdfinfo"):
            with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
                f.write(content)
                f.flush()
                info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True)
                pages = next(
                    (
                        line.split()[-1]
                        for line in info.stdout.splitlines()
                        if line.startswith("Pages:")
                    ),
                    "?",
                )
        print(f"statement lines in the period: {lines}, PDF pages: {pages}, {len(content)} bytes")
        print(f"FIGURE statement_values_{lines}_docs_s={values_s:.3f}")
        print(f"FIGURE statement_html_{lines}_docs_s={html_s:.3f}")
        print(f"FIGURE statement_pdf_{lines}_docs_s={pdf_s:.3f} target<10")
        print(f"FIGURE core_invoice_pdf_1_doc_s={invoice_pdf_s:.3f} (plain Odoo reference)")
    finally:
        server.terminate()
        server.wait(timeout=30)
