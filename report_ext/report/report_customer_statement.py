from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import amount_to_chinese

STATEMENT_TYPES = [
    ("invoice", "Invoices and Payments"),
    ("delivery", "Deliveries and Returns"),
]
AGING_BUCKETS = [("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("> 90", 91, None)]
INVOICE_TYPES = ("out_invoice", "out_refund")


class ReportCustomerStatement(models.AbstractModel):
    """对账单 / 结算单 of several customers at once.

    ``data``: ``{"company_id": int, "date_from": "YYYY-MM-DD", "date_to": ..., "statement_type":
    "invoice" | "delivery"}``; ``docids``: customers. Every figure is in the company currency
    and comes from a fixed number of queries, whatever the number of customers and documents.
    """

    _name = "report.report_ext.report_customer_statement"
    _description = "Customer Statement Report"

    # ------------------------------------------------------------------ checks
    @api.model
    def _check_statement_parameters(self, partners, company, date_from, date_to):
        if not date_from or not date_to:
            raise UserError(_("Set the start and end dates of the statement period."))
        if date_to < date_from:
            raise UserError(
                _(
                    "The statement period ends (%(end)s) before it starts (%(start)s).",
                    start=date_from,
                    end=date_to,
                )
            )
        if not partners:
            raise UserError(_("Select at least one customer."))
        foreign = partners.filtered(lambda p: p.company_id and p.company_id != company)
        if foreign:
            raise UserError(
                _(
                    "These customers belong to another company than %(company)s: %(partners)s.",
                    company=company.name,
                    partners=", ".join(foreign.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------ values
    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        partners = self.env["res.partner"].browse(docids).commercial_partner_id
        company = self.env["res.company"].browse(data.get("company_id")) or self.env.company
        date_from = fields.Date.to_date(data.get("date_from"))
        date_to = fields.Date.to_date(data.get("date_to"))
        self._check_statement_parameters(partners, company, date_from, date_to)
        statement_type = data.get("statement_type") or "invoice"
        if statement_type == "delivery":
            statements = self._get_delivery_statements(partners, company, date_from, date_to)
        else:
            statements = self._get_invoice_statements(partners, company, date_from, date_to)
        aging = self._get_aging(partners, company, date_to)
        for partner in partners:
            statement = statements[partner.id]
            balance = statement["opening"]
            for line in statement["lines"]:
                balance += line["amount"]
                line["balance"] = balance
            statement["closing"] = balance
            statement["closing_cn"] = amount_to_chinese(balance, env=self.env)
            statement["aging"] = aging[partner.id]
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "currency": company.currency_id,
            "date_from": date_from,
            "date_to": date_to,
            "statement_type": statement_type,
            "statements": statements,
            "aging_labels": [label for label, __, __ in AGING_BUCKETS],
        }

    def _receivable_domain(self, partners, company):
        return [
            ("partner_id", "in", partners.ids),
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
        ]

    def _get_opening_balances(self, partners, company, date_from, extra_domain=()):
        groups = self.env["account.move.line"]._read_group(
            [*self._receivable_domain(partners, company), ("date", "<", date_from), *extra_domain],
            ["partner_id"],
            ["balance:sum"],
        )
        return {partner.id: balance for partner, balance in groups}

    def _get_invoice_statements(self, partners, company, date_from, date_to):
        """Opening balance and one line per journal entry (invoice, credit note, payment)."""
        opening = self._get_opening_balances(partners, company, date_from)
        groups = self.env["account.move.line"]._read_group(
            [
                *self._receivable_domain(partners, company),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ],
            ["partner_id", "move_id"],
            ["balance:sum"],
        )
        moves = self.env["account.move"].browse({move.id for __, move, __ in groups})
        moves.fetch(["name", "date", "move_type", "ref", "invoice_date_due", "invoice_origin"])
        type_labels = dict(
            self.env["account.move"]._fields["move_type"]._description_selection(self.env)
        )
        statements = {p.id: {"opening": opening.get(p.id, 0.0), "lines": []} for p in partners}
        for partner, move, amount in groups:
            statements[partner.id]["lines"].append(
                {
                    "date": move.date,
                    "name": move.name,
                    "type": type_labels.get(move.move_type)
                    if move.move_type in INVOICE_TYPES
                    else _("Payment"),
                    "reference": move.ref or move.invoice_origin or "",
                    "date_due": move.invoice_date_due,
                    "debit": amount if amount > 0 else 0.0,
                    "credit": -amount if amount < 0 else 0.0,
                    "amount": amount,
                }
            )
        for statement in statements.values():
            statement["lines"].sort(key=lambda line: (line["date"], line["name"]))
        return statements

    def _delivery_rows(self, partners, company, date_condition):
        """Value of done deliveries (+) and customer returns (-) per picking, at the sale
        price with taxes, in one query."""
        self.env["stock.move"].flush_model()
        self.env["stock.picking"].flush_model()
        self.env["sale.order.line"].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT partner.commercial_partner_id AS partner_id, picking.id AS picking_id,
                       picking.name, MAX(move.date)::date AS date, picking.origin,
                       SUM(CASE WHEN dest.usage = 'customer' THEN 1 ELSE -1 END
                           * move.quantity
                           * COALESCE(line.price_total / NULLIF(line.product_uom_qty, 0), 0)
                       ) AS amount
                  FROM stock_move move
                  JOIN stock_picking picking ON picking.id = move.picking_id
                  JOIN res_partner partner ON partner.id = picking.partner_id
                  JOIN stock_location src ON src.id = move.location_id
                  JOIN stock_location dest ON dest.id = move.location_dest_id
                  LEFT JOIN sale_order_line line ON line.id = move.sale_line_id
                 WHERE move.state = 'done'
                   AND move.company_id = %(company)s
                   AND partner.commercial_partner_id IN %(partners)s
                   AND (dest.usage = 'customer') <> (src.usage = 'customer')
                   AND %(date_condition)s
                 GROUP BY partner.commercial_partner_id, picking.id, picking.name, picking.origin
                """,
                company=company.id,
                partners=tuple(partners.ids),
                date_condition=date_condition,
            )
        )
        return self.env.cr.dictfetchall()

    def _get_delivery_statements(self, partners, company, date_from, date_to):
        """Opening balance and lines for customers who reconcile on deliveries: deliveries
        (+) and returns (-) at the sale price with taxes, and payments (-)."""
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(fields.Date.add(date_to, days=1))
        payment_domain = [("move_id.move_type", "not in", INVOICE_TYPES)]
        statements = {p.id: {"opening": 0.0, "lines": []} for p in partners}
        for row in self._delivery_rows(partners, company, SQL("move.date < %s", start)):
            statements[row["partner_id"]]["opening"] += row["amount"]
        opening_payments = self._get_opening_balances(partners, company, date_from, payment_domain)
        for partner_id, amount in opening_payments.items():
            statements[partner_id]["opening"] += amount
        rows = self._delivery_rows(
            partners, company, SQL("move.date >= %s AND move.date < %s", start, end)
        )
        for row in rows:
            row["amount"] = company.currency_id.round(row["amount"])
            statements[row["partner_id"]]["lines"].append(
                {
                    "date": row["date"],
                    "name": row["name"],
                    "type": _("Delivery") if row["amount"] >= 0 else _("Return"),
                    "reference": row["origin"] or "",
                    "date_due": False,
                    "debit": row["amount"] if row["amount"] > 0 else 0.0,
                    "credit": -row["amount"] if row["amount"] < 0 else 0.0,
                    "amount": row["amount"],
                }
            )
        payments = self.env["account.move.line"]._read_group(
            self._receivable_domain(partners, company)
            + payment_domain
            + [("date", ">=", date_from), ("date", "<=", date_to)],
            ["partner_id", "move_id"],
            ["balance:sum"],
        )
        self.env["account.move"].browse({m.id for __, m, __ in payments}).fetch(
            ["name", "date", "ref"]
        )
        for partner, move, amount in payments:
            statements[partner.id]["lines"].append(
                {
                    "date": move.date,
                    "name": move.name,
                    "type": _("Payment"),
                    "reference": move.ref or "",
                    "date_due": False,
                    "debit": amount if amount > 0 else 0.0,
                    "credit": -amount if amount < 0 else 0.0,
                    "amount": amount,
                }
            )
        for statement in statements.values():
            statement["lines"].sort(key=lambda line: (line["date"], line["name"]))
        return statements

    def _get_aging(self, partners, company, date_to):
        """Open receivable amounts of items dated up to ``date_to`` by days past due at
        ``date_to`` (0-30 includes items not due yet), in one query."""
        self.env["account.move.line"].flush_model()
        overdue_days = SQL("(%s::date - COALESCE(aml.date_maturity, aml.date))", date_to)
        buckets = []
        for __, low, high in AGING_BUCKETS:
            condition = SQL("%s >= %s", overdue_days, low) if low else SQL("TRUE")
            if high is not None:
                condition = SQL("%s AND %s <= %s", condition, overdue_days, high)
            buckets.append(
                SQL("COALESCE(SUM(aml.amount_residual) FILTER (WHERE %s), 0)", condition)
            )
        self.env.cr.execute(
            SQL(
                """
                SELECT aml.partner_id, %(buckets)s
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                 WHERE aml.partner_id IN %(partners)s
                   AND aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND aml.date <= %(date_to)s
                   AND NOT aml.reconciled
                 GROUP BY aml.partner_id
                """,
                buckets=SQL(", ").join(buckets),
                partners=tuple(partners.ids),
                company=company.id,
                date_to=date_to,
            )
        )
        aging = defaultdict(lambda: [0.0] * len(AGING_BUCKETS))
        for partner_id, *amounts in self.env.cr.fetchall():
            aging[partner_id] = amounts
        return aging
