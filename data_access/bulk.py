"""Fast bulk insert of invoice lines: COPY on PostgreSQL, executemany on SQLite.

The ORM path costs 10x more at a million rows (RECIPES.md §9); imports and the
demo generator stream tuples through here in chunks instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

# Order of the values in every tuple passed to insert_invoice_lines.
LINE_COLUMNS: tuple[str, ...] = (
    "batch_id",
    "invoice_date",
    "invoice_number",
    "department_id",
    "unit_id",
    "supplier_id",
    "account_id",
    "category_id",  # the account's category; the engine corrects it if not
    "amount",  # integer öre
    "status",
    "supplier_contracted",
)

LineTuple = tuple[
    int | None, date, str | None, int | None, int | None, int, int | None, int | None, int, str, bool
]


def insert_invoice_lines(session: Session, rows: Sequence[LineTuple] | Iterable[LineTuple]) -> int:
    """Insert rows (in ``LINE_COLUMNS`` order) in the session's transaction."""
    connection = session.connection()
    columns = ", ".join(LINE_COLUMNS)
    count = 0
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY invoice_line ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    placeholders = ", ".join("?" for _ in LINE_COLUMNS)
    batch = [(*row[:1], row[1].isoformat(), *row[2:]) for row in rows]
    connection.exec_driver_sql(f"INSERT INTO invoice_line ({columns}) VALUES ({placeholders})", batch)
    return len(batch)


def analyze_invoice_lines(session: Session) -> None:
    """Refresh the planner's statistics after a bulk load.

    Without them PostgreSQL plans the classification for an empty table, and a
    freshly loaded one is anything but.
    """
    session.execute(text("ANALYZE invoice_line"))
