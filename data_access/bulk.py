"""Fast bulk loading of invoice lines through a staging table.

Rows are copied into a temporary table (COPY on PostgreSQL, executemany on
SQLite: the ORM path costs 10x more at a million rows, RECIPES.md §9), then
the engine moves them into ``invoice_line`` classified on the way in
(``classification.insert_classified_lines``), so each line is written once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import BigInteger, Column, Date, Integer, MetaData, String, Table, text
from sqlalchemy.orm import Session

# Order of the values in every staged row.
LINE_COLUMNS: tuple[str, ...] = (
    "batch_id",
    "invoice_date",
    "invoice_number",
    "department_id",
    "unit_id",
    "supplier_id",
    "account_id",
    "amount",  # integer öre
    "posting_key",  # see InvoiceLine.posting_key; None where there is none
    "referenced_contract_id",  # the contract the invoice names, if any
)

LineTuple = tuple[
    int | None, date, str | None, int | None, int | None, int, int | None, int, str | None, int | None
]

STAGING_TABLE = "staged_invoice_line"


def create_staging_table(session: Session) -> Table:
    """A temporary table for lines on their way in; lives in this transaction."""
    staging = Table(
        STAGING_TABLE,
        MetaData(),
        Column("batch_id", Integer),
        Column("invoice_date", Date, nullable=False),
        Column("invoice_number", String(64)),
        Column("department_id", Integer),
        Column("unit_id", Integer),
        Column("supplier_id", Integer, nullable=False),
        Column("account_id", Integer),
        Column("amount", BigInteger, nullable=False),
        Column("posting_key", String(64)),
        Column("referenced_contract_id", Integer),
        prefixes=["TEMPORARY"],
    )
    staging.create(session.connection())
    return staging


def drop_staging_table(session: Session, staging: Table) -> None:
    staging.drop(session.connection())


def stage_lines(session: Session, staging: Table, rows: Iterable[LineTuple]) -> int:
    """Copy rows (in ``LINE_COLUMNS`` order) into the staging table."""
    connection = session.connection()
    columns = ", ".join(LINE_COLUMNS)
    if connection.dialect.name == "postgresql":
        count = 0
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {staging.name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    placeholders = ", ".join("?" for _ in LINE_COLUMNS)
    batch = [(row[0], row[1].isoformat(), *row[2:]) for row in rows]
    if not batch:
        return 0
    connection.exec_driver_sql(f"INSERT INTO {staging.name} ({columns}) VALUES ({placeholders})", batch)
    return len(batch)


PLANNER_TABLES = ("invoice_line", "contract", "contract_supplier", "account", "category")


def analyze_for_classification(session: Session) -> None:
    """Refresh the planner's statistics around a bulk load.

    Without them PostgreSQL plans the classification for empty tables (a hash
    join per invoice line where an index lookup would do).
    """
    for table in PLANNER_TABLES:
        session.execute(text(f"ANALYZE {table}"))
