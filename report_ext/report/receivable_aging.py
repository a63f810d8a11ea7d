"""One definition of receivable aging, shared by 应收分析 and the 对账单.

Aging as of a date D, over posted receivable journal items dated on or before D:

- each item counts at its **open amount on D**: its residual amount now, with the
  reconciliations made after D undone (an invoice paid on D+1 is still open on D); credits
  and payments not reconciled on D are negative items;
- its **aging date** is its due date, or its invoice date (else its entry date) when it has
  none; ``D - aging date`` is its number of days past due;
- items whose aging date is after D are **not due**; the others fall in the buckets
  0-30, 31-60, 61-90 and over 90 days past due. Not due + the buckets = the open balance
  on D.

``aging_aggregates()`` returns the SQL aggregates of both reports, on an
``account_move_line`` aliased ``aml``; the rows it aggregates are chosen by the caller
(record rules applied).
"""

from odoo.tools import SQL

# (column, label, first day past due, last day past due)
AGING_BUCKETS = [
    ("aging_not_due", "Not Due", None, -1),
    ("aging_0_30", "0-30", 0, 30),
    ("aging_31_60", "31-60", 31, 60),
    ("aging_61_90", "61-90", 61, 90),
    ("aging_over_90", "> 90", 91, None),
]


def aging_date(alias="aml"):
    """The date an item ages from: due date, else invoice date, else entry date."""
    return SQL(
        "COALESCE(%(a)s.date_maturity, %(a)s.invoice_date, %(a)s.date)", a=SQL.identifier(alias)
    )


def open_amount_on(as_of, alias="aml"):
    """The item's open amount on ``as_of`` in company currency: its residual amount with
    the partial reconciliations dated after ``as_of`` added back. Items never reconciled
    (no matching number) cost no subquery."""
    a = SQL.identifier(alias)
    return SQL(
        """(CASE WHEN %(a)s.matching_number IS NULL THEN %(a)s.amount_residual
            ELSE %(a)s.amount_residual
                + COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                             WHERE p.debit_move_id = %(a)s.id AND p.max_date > %(d)s), 0)
                - COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                             WHERE p.credit_move_id = %(a)s.id AND p.max_date > %(d)s), 0)
            END)""",
        a=a,
        d=as_of,
    )


def aging_condition(as_of, low, high, alias="aml"):
    """Condition on an item dated up to ``as_of`` for ``low <= days past due <= high``."""
    days = SQL("(%s::date - %s)", as_of, aging_date(alias))
    conditions = [SQL("%s::date <= %s", SQL.identifier(alias, "date"), as_of)]
    if low is not None:
        conditions.append(SQL("%s >= %s", days, low))
    if high is not None:
        conditions.append(SQL("%s <= %s", days, high))
    return SQL(" AND ").join(conditions)


def aging_aggregates(as_of, alias="aml"):
    """``[(column, SQL aggregate)]``: the open amount on ``as_of`` of each bucket (0 when
    empty), then ``amount_due`` (every item dated up to ``as_of``) and ``amount_overdue``
    (items past due)."""
    open_amount = open_amount_on(as_of, alias)
    columns = [
        (
            column,
            SQL(
                "COALESCE(SUM(%s) FILTER (WHERE %s), 0)",
                open_amount,
                aging_condition(as_of, low, high, alias),
            ),
        )
        for column, __, low, high in AGING_BUCKETS
    ]
    columns.append(
        (
            "amount_due",
            SQL(
                "COALESCE(SUM(%s) FILTER (WHERE %s), 0)",
                open_amount,
                aging_condition(as_of, None, None, alias),
            ),
        )
    )
    columns.append(
        (
            "amount_overdue",
            SQL(
                "COALESCE(SUM(%s) FILTER (WHERE %s), 0)",
                open_amount,
                aging_condition(as_of, 1, None, alias),
            ),
        )
    )
    return columns
