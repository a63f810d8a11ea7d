from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import amount_to_chinese
from .receivable_aging import AGING_BUCKETS, aging_aggregates

STATEMENT_TYPES = [
    ("invoice", "Invoices and Payments"),
    ("delivery", "Deliveries and Returns"),
]
INVOICE_TYPES = ("out_invoice", "out_refund")


class ReportCustomerStatement(models.AbstractModel):
    """对账单 / 结算单 of several customers at once.

    ``data``: ``{"partner_ids": [int], "company_id": int, "date_from": "YYYY-MM-DD",
    "date_to": ..., "statement_type": "invoice" | "delivery"}``; the customers come from
    ``docids`` (``/report/<type>/<name>/<ids>``) or, when the web client prints the wizard's
    action (it then sends ``data`` and no ids), from ``data["partner_ids"]``.

    A statement is the customer's whole account. Who may print it: users of Invoicing and
    sales managers seeing all documents, for any customer they can read in the selected
    companies; a salesperson for the customers whose salesperson he is (and then sees their
    payments too, through report_ext's rule on receivable journal items). Request data never
    widens this: the journal items are read through the user's record rules, the company
    must be one of the user's selected companies.

    Every figure is in the company currency and comes from a fixed number of queries,
    whatever the number of customers and documents.
    """

    _name = "report.report_ext.report_customer_statement"
    _description = "Customer Statement Report"

    # ------------------------------------------------------------------ checks
    @api.model
    def _parse_statement_data(self, docids, data):
        """(partners, company, date_from, date_to, statement_type) from the request; a
        translated UserError on anything malformed."""
        data = data or {}
        ids = docids or data.get("partner_ids") or []
        if isinstance(ids, int):
            ids = [ids]
        try:
            ids = [int(i) for i in ids]
            company_id = int(data.get("company_id") or self.env.company.id)
            date_from = fields.Date.to_date(data.get("date_from"))
            date_to = fields.Date.to_date(data.get("date_to"))
        except (TypeError, ValueError) as e:
            raise UserError(_("The statement parameters are not valid.")) from e
        if not date_from and not date_to and not data.get("date_from"):
            # /report/<type>/<name>/<ids> without options: this month, like the wizard
            date_to = fields.Date.context_today(self)
            date_from = fields.Date.start_of(date_to, "month")
        statement_type = data.get("statement_type") or "invoice"
        if statement_type not in dict(STATEMENT_TYPES):
            raise UserError(_("The statement parameters are not valid."))
        partners = self.env["res.partner"].browse(ids).exists()
        if len(partners) != len(set(ids)):
            raise UserError(_("Some of the selected customers do not exist (any more)."))
        company = self.env["res.company"].browse(company_id).exists()
        return partners, company, date_from, date_to, statement_type

    @api.model
    def _check_statement_parameters(self, partners, company, date_from, date_to):
        """Who may print comes first: a refused customer is refused whatever else the
        request says."""
        self._check_statement_access(partners)
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
        if not company or (not self.env.su and company not in self.env.companies):
            raise AccessError(
                _("You can only print statements of the companies you are working in.")
            )
        foreign = partners.filtered(lambda p: p.company_id and p.company_id != company)
        if foreign:
            raise UserError(
                _(
                    "These customers belong to another company than %(company)s: %(partners)s.",
                    company=company.name,
                    partners=", ".join(foreign.sudo().mapped("display_name")),
                )
            )

    @api.model
    def _statement_sees_all(self):
        user = self.env.user
        return (
            self.env.su
            or user.has_group("account.group_account_invoice")
            or user.has_group("sales_team.group_sale_salesman_all_leads")
        )

    @api.model
    def _check_statement_access(self, partners):
        """Refuse customers the user may not print (AccessError, translated)."""
        try:
            partners.check_access("read")
        except AccessError as e:
            raise AccessError(
                _("You are not allowed to print the statement of some of these customers.")
            ) from e
        if self._statement_sees_all():
            return
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(_("You are not allowed to print customer statements."))
        others = partners.filtered(lambda p: p.commercial_partner_id.user_id != self.env.user)
        if others:
            raise AccessError(
                _(
                    "You can only print the statements of your own customers (you are not "
                    "their salesperson): %(partners)s.",
                    partners=", ".join(others.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------ values
    @api.model
    def _get_report_values(self, docids, data=None):
        partners, company, date_from, date_to, statement_type = self._parse_statement_data(
            docids, data
        )
        partners = partners.commercial_partner_id
        self._check_statement_parameters(partners, company, date_from, date_to)
        if statement_type == "delivery":
            statements = self._get_delivery_statements(partners, company, date_from, date_to)
        else:
            statements = self._get_invoice_statements(partners, company, date_from, date_to)
        aging = self._get_aging(partners, company, date_to)
        for partner in partners:
            statement = statements[partner.id]
            # same day: what is owed first, then what settles it (never a dip below zero
            # for deliver-then-pay)
            statement["lines"].sort(
                key=lambda line: (line["date"], line["amount"] < 0, line["name"])
            )
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
        }

    # ------------------------------------------------------------------ queries
    def _receivable_domain(self, partners, company):
        return [
            ("partner_id", "child_of", partners.ids),
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
        ]

    def _receivable_lines(self, partners, company):
        """Subquery of the customers' posted receivable journal items the user may read
        (his record rules applied)."""
        lines = self.env["account.move.line"]
        lines.flush_model()
        self.env["account.move"].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        return lines._search(self._receivable_domain(partners, company)).subselect()

    def _receivable_rows(self, partners, company, condition):
        """Receivable amounts per customer and journal entry satisfying ``condition`` (on
        ``aml`` and ``move``), in one query."""
        self.env.cr.execute(
            SQL(
                """
                SELECT partner.commercial_partner_id AS partner_id, move.id AS move_id,
                       move.name, move.date, move.move_type, move.ref, move.invoice_origin,
                       move.invoice_date_due, SUM(aml.balance) AS amount
                  FROM account_move_line aml
                  JOIN account_move move ON move.id = aml.move_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE aml.id IN %(lines)s AND %(condition)s
                 GROUP BY partner.commercial_partner_id, move.id
                """,
                lines=self._receivable_lines(partners, company),
                condition=condition,
            )
        )
        return self.env.cr.dictfetchall()

    def _get_opening_balances(self, partners, company, date_from, payments_only=False):
        condition = SQL("aml.date < %s", date_from)
        if payments_only:
            condition = SQL("%s AND move.move_type NOT IN %s", condition, INVOICE_TYPES)
        opening = defaultdict(float)
        for row in self._receivable_rows(partners, company, condition):
            opening[row["partner_id"]] += row["amount"]
        return opening

    def _move_line(self, row, type_labels):
        amount = row["amount"]
        return {
            "date": row["date"],
            "name": row["name"],
            "type": type_labels.get(row["move_type"])
            if row["move_type"] in INVOICE_TYPES
            else _("Payment"),
            "reference": row["ref"] or row["invoice_origin"] or "",
            "date_due": row["invoice_date_due"] if row["move_type"] in INVOICE_TYPES else False,
            "debit": amount if amount > 0 else 0.0,
            "credit": -amount if amount < 0 else 0.0,
            "amount": amount,
        }

    def _get_invoice_statements(self, partners, company, date_from, date_to):
        """Opening balance and one line per journal entry (invoice, credit note, payment)."""
        opening = self._get_opening_balances(partners, company, date_from)
        rows = self._receivable_rows(
            partners, company, SQL("aml.date >= %s AND aml.date <= %s", date_from, date_to)
        )
        type_labels = dict(
            self.env["account.move"]._fields["move_type"]._description_selection(self.env)
        )
        statements = {p.id: {"opening": opening.get(p.id, 0.0), "lines": []} for p in partners}
        for row in rows:
            statements[row["partner_id"]]["lines"].append(self._move_line(row, type_labels))
        return statements

    def _delivery_rows(self, partners, company, date_condition):
        """Value of done deliveries (+) and customer returns (-) per picking, at the sale
        price with taxes, in one query.

        Deliveries are part of the customer's account: once the user is allowed the
        customers (``_check_statement_access``) and the company (one of his selected
        companies), their moves of that company are read whatever his stock rights
        (finance users have none)."""
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
        statements = {p.id: {"opening": 0.0, "lines": []} for p in partners}
        for row in self._delivery_rows(partners, company, SQL("move.date < %s", start)):
            statements[row["partner_id"]]["opening"] += row["amount"]
        opening_payments = self._get_opening_balances(
            partners, company, date_from, payments_only=True
        )
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
        payments = self._receivable_rows(
            partners,
            company,
            SQL(
                "aml.date >= %s AND aml.date <= %s AND move.move_type NOT IN %s",
                date_from,
                date_to,
                INVOICE_TYPES,
            ),
        )
        for row in payments:
            statements[row["partner_id"]]["lines"].append(self._move_line(row, {}))
        return statements

    def _get_aging(self, partners, company, date_to):
        """``{partner id: [not due, 0-30, 31-60, 61-90, > 90]}``: the open receivables on
        ``date_to`` by days past due (``receivable_aging``, shared with 应收分析)."""
        columns = aging_aggregates(date_to)[: len(AGING_BUCKETS)]
        self.env.cr.execute(
            SQL(
                """
                SELECT partner.commercial_partner_id, %(buckets)s
                  FROM account_move_line aml
                  JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE aml.id IN %(lines)s
                 GROUP BY partner.commercial_partner_id
                """,
                buckets=SQL(", ").join(aggregate for __, aggregate in columns),
                lines=self._receivable_lines(partners, company),
            )
        )
        aging = defaultdict(lambda: [0.0] * len(AGING_BUCKETS))
        for partner_id, *amounts in self.env.cr.fetchall():
            aging[partner_id] = amounts
        return aging
