"""Landing new invoice lines in bulk: classified in memory, written once,
added to the summaries.

Every bulk writer (the spreadsheet and PEPPOL imports, the demo generator)
hands its lines to ``land_lines`` as tuples in ``LINE_COLUMNS`` order. Each
line gets its verdict from ``verdicts.Catalogue`` on the way through, is
streamed into ``invoice_line`` (COPY on PostgreSQL, one ``executemany`` on
SQLite: the ORM path costs 10x more at a million rows, RECIPES.md §9), and
is counted into month totals that are appended to the summaries. Summaries
are additive, and their readers always sum, so a batch's totals can be added
without rebuilding the months it touches; a reclassification
(``classification.refresh_summaries``) rebuilds and compacts them.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Table, insert, select, text
from sqlalchemy.orm import Session

from data_access.core.models import InvoiceLine
from data_access.core.tables import SUMMARY_TABLES
from data_access.core.work import mark_written
from data_access.engine.verdicts import Catalogue, Verdict

# Order of the values in every line handed to ``land_lines``.
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
WRITTEN_COLUMNS = (*LINE_COLUMNS, "category_id", "status", "contract_id", "supplier_contracted")

LineTuple = tuple[
    int | None, date, str | None, int | None, int | None, int, int | None, int, bytes | None, int | None
]
Progress = Callable[[int], None]  # lines landed so far
PROGRESS_EVERY = 50_000

# Summary keys: month, department, unit or supplier, category, status, supplier flag.
_SummaryKey = tuple[date, int | None, int | None, int | None, str, bool]


@dataclass
class Landed:
    """What ``land_lines`` wrote."""

    count: int = 0
    total_ore: int = 0
    known: int = 0  # lines left out because their posting key was already in the database

    @property
    def total(self) -> Decimal:
        return Decimal(self.total_ore).scaleb(-2)


class _MonthTotals:
    """Amount and line count per summary key, for each summary grain."""

    def __init__(self) -> None:
        self.by_unit: dict[_SummaryKey, list[int]] = {}
        self.by_supplier: dict[_SummaryKey, list[int]] = {}
        self._months: dict[date, date] = {}

    def add(
        self,
        day: date,
        department: int | None,
        unit: int | None,
        supplier: int,
        verdict: Verdict,
        amount: int,
    ) -> None:
        month = self._months.get(day)
        if month is None:
            month = self._months[day] = day.replace(day=1)
        category_id, status, _contract, contracted = verdict
        for totals, key in (
            (self.by_unit, (month, department, unit, category_id, status, contracted)),
            (self.by_supplier, (month, department, supplier, category_id, status, contracted)),
        ):
            found = totals.get(key)
            if found is None:
                totals[key] = [amount, 1]
            else:
                found[0] += amount
                found[1] += 1

    def rows(self, table: Table) -> list[dict[str, object]]:
        """The rows to append to one summary table."""
        if "supplier_id" in table.c:
            return [_summary_row(key, "supplier_id", totals) for key, totals in self.by_supplier.items()]
        if "unit_id" in table.c:
            return [_summary_row(key, "unit_id", totals) for key, totals in self.by_unit.items()]
        by_department: dict[tuple, list[int]] = {}
        for (month, department, _unit, *rest), (amount, count) in self.by_unit.items():
            found = by_department.setdefault((month, department, None, *rest), [0, 0])
            found[0] += amount
            found[1] += count
        return [_summary_row(key, None, totals) for key, totals in by_department.items()]


def _summary_row(key: tuple, grain: str | None, totals: list[int]) -> dict[str, object]:
    month, department, member, category_id, status, contracted = key
    row: dict[str, object] = {
        "month": month,
        "department_id": department,
        "category_id": category_id,
        "status": status,
        "supplier_contracted": contracted,
        "amount": Decimal(totals[0]).scaleb(-2),
        "line_count": totals[1],
    }
    if grain:
        row[grain] = member
    return row


@contextmanager
def paused_garbage_collector() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bulk load builds
    millions of small objects it keeps: each collection walks every one of
    them again, which tripled the time of reading a million rows. Nothing a
    bulk load makes forms a reference cycle; collection resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _IsoDays(dict[date, str]):
    """``date.isoformat()`` once per distinct day."""

    def __missing__(self, day: date) -> str:
        text = self[day] = day.isoformat()
        return text


def known_posting_keys(session: Session, first_day: date, last_day: date) -> set[bytes]:
    """Posting keys already in the database on these days: a key includes its
    posting's date, so a file can only repeat postings of its own days."""
    line = InvoiceLine.__table__
    return set(
        session.scalars(
            select(line.c.posting_key).where(
                line.c.invoice_date.between(first_day, last_day), line.c.posting_key.is_not(None)
            )
        )
    )


def land_lines(
    session: Session,
    lines: Iterable[LineTuple],
    *,
    known_keys: set[bytes] | frozenset[bytes] = frozenset(),
    progress: Progress | None = None,
) -> Landed:
    """Classify, write and summarise new lines in the caller's transaction.

    Lines whose posting key is in ``known_keys`` (``known_posting_keys``) are
    left out: a re-imported file adds nothing twice. The lines go in by a
    DBAPI cursor, around the session, so this marks the session written
    (``core.work``): its commit replaces the data version.
    """
    landed = Landed()
    totals = _MonthTotals()
    verdict_of = Catalogue(session).verdict
    connection = session.connection()
    is_postgresql = connection.dialect.name == "postgresql"

    def fresh() -> Iterator[LineTuple]:
        for line in lines:
            if line[8] is not None and line[8] in known_keys:
                landed.known += 1
            else:
                yield line

    def classified() -> Iterator[tuple]:
        count = total = 0
        add, iso_days = totals.add, _IsoDays()
        for line in fresh() if known_keys else lines:
            _batch, day, _number, department, unit, supplier, account, amount, _key, referenced = line
            verdict = verdict_of(account, referenced, supplier, day)
            add(day, department, unit, supplier, verdict, amount)
            count += 1
            total += amount
            if progress and count % PROGRESS_EVERY == 0:
                progress(count)
            if is_postgresql:
                yield (*line, *verdict)
            else:  # SQLite stores dates as ISO text
                yield (line[0], iso_days[day], *line[2:], *verdict)
        landed.count, landed.total_ore = count, total

    columns = ", ".join(WRITTEN_COLUMNS)
    cursor = connection.connection.driver_connection.cursor()
    if is_postgresql:
        with cursor.copy(f"COPY invoice_line ({columns}) FROM STDIN") as copy:
            for row in classified():
                copy.write_row(row)
    else:
        placeholders = ", ".join("?" for _ in WRITTEN_COLUMNS)
        cursor.executemany(f"INSERT INTO invoice_line ({columns}) VALUES ({placeholders})", classified())

    for table in SUMMARY_TABLES:
        rows = totals.rows(table)
        if rows:
            session.execute(insert(table), rows)
    if landed.count:  # the lines went around the session, which must still know
        mark_written(session)
    return landed


PLANNER_TABLES = ("invoice_line", *(table.name for table in SUMMARY_TABLES))


def analyze_after_bulk_load(session: Session) -> None:
    """Refresh the planner's statistics after a bulk load, so that the first
    reports do not plan for the empty tables they saw before."""
    for table in PLANNER_TABLES:
        session.execute(text(f"ANALYZE {table}"))
