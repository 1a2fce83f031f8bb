"""Importing invoice lines: one file, one transaction, one batch.

Rows are parsed a chunk at a time (``invoice_rows``), their supplier, unit,
department and account resolved or created, and the lines landed in bulk,
classified on the way in (``bulk.land_lines``). Nothing is written if the file has invalid rows
and the user did not choose to skip them.

``import_invoices``, ``start_batch`` and ``land_batch`` take no acting viewer:
they are steps of the guarded entry points in ``importing.service`` (which
require IMPORT_DATA and record who imported), and nothing else calls them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from data_access.core import clock
from data_access.core.lengths import count_text
from data_access.core.models import ImportBatch, ImportBatchOverlap, InvoiceLine
from data_access.core.money import from_ore, ore_text
from data_access.engine.bulk import (
    LineTuple,
    analyze_after_bulk_load,
    land_lines,
    paused_garbage_collector,
)
from data_access.figures.unclassified import BatchUnclassified, batch_unclassified
from data_access.importing.columns import ColumnMapping
from data_access.importing.errors import ImportRefusedError
from data_access.importing.invoice_rows import (
    InvoiceChunk,
    InvoiceRow,
    RowProblem,
    read_invoice_chunks,
    refuse_batch_values,
)
from data_access.importing.resolve import PostingKeys, Resolver, natural_key

Progress = Callable[[int, str], None]  # rows read so far, message
PREVIEW_ROWS = 20
MAX_REPORTED_PROBLEMS = 50_000  # the report stays downloadable for any file; the counts stay whole


@dataclass(frozen=True)
class ImportOptions:
    period: str | None = None  # YYYY-MM for a file without a date column
    skip_invalid: bool = False  # import the valid rows and leave the rest
    profile_name: str | None = None
    # Who the batch names: the service's entry points set it to the acting
    # viewer's label, whatever the caller passed (nobody types a name).
    imported_by: str | None = None


@dataclass
class InvoiceImportSummary:
    """What an import read, wrote and left, for the page, the CLI and the batch."""

    file_name: str
    batch_id: int | None = None
    rows_read: int = 0
    imported: int = 0
    skipped: int = 0
    duplicates: int = 0
    file_total: Decimal = Decimal("0.00")
    imported_total: Decimal = Decimal("0.00")
    skipped_total: Decimal = Decimal("0.00")
    rows_with_problems: int = 0  # rows with an error: they cannot be imported
    rows_with_warnings: int = 0  # rows without an error but with a warning: imported, to be looked at
    problems: list[RowProblem] = field(default_factory=list)  # the first MAX_REPORTED_PROBLEMS
    problem_count: int = 0  # every problem found, also those beyond the list
    flagged_rows: int = 0  # supplier identified by name only
    new_suppliers: int = 0
    new_units: int = 0
    new_departments: int = 0
    new_accounts: int = 0
    earlier_batches: list[int] = field(default_factory=list)  # same checksum imported before, not undone
    overlaps: dict[int, int] = field(default_factory=dict)  # earlier batch -> its rows this file repeated
    unclassified: BatchUnclassified | None = None  # how much of what came in has no category

    @property
    def rows_with_errors(self) -> int:
        return self.rows_with_problems

    def add_problems(self, problems: Sequence[RowProblem]) -> None:
        """Count every problem; keep the first MAX_REPORTED_PROBLEMS for the report."""
        self.problem_count += len(problems)
        room = MAX_REPORTED_PROBLEMS - len(self.problems)
        if room > 0:
            self.problems.extend(problems[:room])


class InvalidRowsError(ImportRefusedError):
    """The file has rows that cannot be imported and skipping was not chosen."""

    def __init__(self, summary: InvoiceImportSummary) -> None:
        super().__init__(
            f"{summary.rows_with_problems} rader kan inte importeras. Rätta filen, eller välj att "
            "importera de giltiga raderna och hoppa över resten."
        )
        self.summary = summary


def analyse_invoice_rows(
    rows: Iterable[Sequence[object]], mapping: ColumnMapping, *, period: str | None, file_name: str
) -> tuple[InvoiceImportSummary, list[InvoiceRow]]:
    """Parse without writing: the validation report and totals, plus the
    first rows for the preview. Used before the user decides."""
    summary = InvoiceImportSummary(file_name=file_name)
    preview: list[InvoiceRow] = []
    with paused_garbage_collector():
        for chunk in read_invoice_chunks(rows, mapping, period=period):
            _count(summary, chunk)
            shown = min(PREVIEW_ROWS - len(preview), len(chunk))
            preview.extend(chunk.row(position) for position in range(shown))
    return summary, preview


def _count(summary: InvoiceImportSummary, chunk: InvoiceChunk) -> None:
    summary.rows_read += len(chunk)
    summary.file_total += from_ore(sum(amount for amount in chunk.amounts if amount is not None))
    summary.add_problems(chunk.problems)
    summary.rows_with_problems += len(chunk.invalid)
    summary.rows_with_warnings += len(chunk.warned - chunk.invalid)
    summary.flagged_rows += sum(
        1
        for position in chunk.warned
        if position not in chunk.invalid and chunk.org_numbers[position] is None
    )


def import_invoices(
    session: Session,
    rows: Iterable[Sequence[object]],
    mapping: ColumnMapping,
    *,
    file_name: str,
    checksum: str,
    options: ImportOptions = ImportOptions(),
    progress: Progress | None = None,
) -> InvoiceImportSummary:
    """Import every valid row of one file as one batch, in the caller's transaction.

    Two passes: the rows are parsed, their suppliers, units and accounts found
    or created and their posting keys made; then the lines are landed
    (``bulk.land_lines``: classified, written, summarised). Raises
    InvalidRowsError (after reading the whole file, so the report is
    complete) when rows are invalid and ``options.skip_invalid`` is off; the
    caller rolls back and nothing remains.
    """
    if mapping.columns.get("date") is None and not options.period:
        raise ImportRefusedError(
            f"{file_name} har ingen datumkolumn: ange vilken månad filen gäller (period ÅÅÅÅ-MM)."
        )
    summary = InvoiceImportSummary(file_name=file_name)
    batch = start_batch(session, summary, kind="invoices", checksum=checksum, options=options)
    with paused_garbage_collector():
        _read_and_land(session, rows, mapping, batch, summary, options, progress)
    return summary


def _read_and_land(
    session: Session,
    rows: Iterable[Sequence[object]],
    mapping: ColumnMapping,
    batch: ImportBatch,
    summary: InvoiceImportSummary,
    options: ImportOptions,
    progress: Progress | None,
) -> None:
    lines = _LineBuilder(session, batch.id)
    for chunk in read_invoice_chunks(rows, mapping, period=options.period):
        _count(summary, chunk)
        if chunk.invalid:
            summary.skipped += len(chunk.invalid)
            summary.skipped_total += from_ore(sum(chunk.amounts[position] or 0 for position in chunk.invalid))
        lines.add(chunk)
        if progress:
            progress(summary.rows_read, f"{count_text(summary.rows_read)} rader lästa")
    if summary.rows_read == 0:
        raise ImportRefusedError("Filen innehåller inga datarader under rubrikraden")
    if summary.rows_with_problems and not options.skip_invalid:
        raise InvalidRowsError(summary)

    def landing(count: int) -> None:
        if progress:
            progress(summary.rows_read, f"Klassificerar och sparar: {count_text(count)} rader")

    land_batch(session, lines.lines, batch, summary, lines.resolver, progress=landing)


def start_batch(
    session: Session, summary: InvoiceImportSummary, *, kind: str, checksum: str, options: ImportOptions
) -> ImportBatch:
    """The batch an import writes into, and the earlier batches of the same file."""
    refuse_batch_values(
        file_name=summary.file_name,
        imported_by=options.imported_by,
        profile_name=options.profile_name,
        period=options.period,
    )
    summary.earlier_batches = earlier_batches(session, checksum)
    batch = ImportBatch(
        kind=kind,
        imported_at=clock.now(),
        source_name=summary.file_name,
        checksum=checksum,
        imported_by=options.imported_by,
        profile_name=options.profile_name,
        period=options.period,
    )
    session.add(batch)
    session.flush()
    summary.batch_id = batch.id
    return batch


def land_batch(
    session: Session,
    lines: list[LineTuple],
    batch: ImportBatch,
    summary: InvoiceImportSummary,
    resolver: Resolver,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Land a batch's lines, leaving out postings already in the database,
    and record on the summary and the batch what landed, what the file
    created, and which earlier batches held the rows it repeated. The data
    version is replaced even when nothing new landed: the batch list changed."""
    known: dict[bytes, int | None] = {}
    if lines:
        days = [line[1] for line in lines]
        known = _known_postings(session, min(days), max(days))
    landed = land_lines(session, lines, known_keys=known.keys(), progress=progress)
    if known and landed.known:
        held = Counter(known[line[8]] for line in lines if line[8] is not None and line[8] in known)
        summary.overlaps = {earlier: count for earlier, count in sorted(held.items()) if earlier is not None}
        if summary.overlaps:
            session.execute(
                insert(ImportBatchOverlap),
                [
                    {"batch_id": batch.id, "earlier_batch_id": earlier, "line_count": count}
                    for earlier, count in summary.overlaps.items()
                ],
            )
    resolver.record_created(batch.id)
    analyze_after_bulk_load(session)
    summary.imported, summary.imported_total = landed.count, landed.total
    summary.duplicates = landed.known
    summary.new_suppliers, summary.new_units = resolver.new_suppliers, resolver.new_units
    summary.new_departments, summary.new_accounts = resolver.new_departments, resolver.new_accounts
    batch.row_count, batch.imported_count = summary.rows_read, summary.imported
    batch.skipped_count, batch.duplicate_count = summary.skipped, summary.duplicates
    batch.total_amount, batch.imported_amount = summary.file_total, summary.imported_total
    session.flush()
    summary.unclassified = batch_unclassified(session, batch.id)


def earlier_batches(session: Session, checksum: str) -> list[int]:
    """Batches of the same file whose rows are still in: an undone one is not."""
    return list(
        session.scalars(
            select(ImportBatch.id)
            .where(ImportBatch.checksum == checksum, ImportBatch.undone_at.is_(None))
            .order_by(ImportBatch.id)
        )
    )


def _known_postings(session: Session, first_day: date, last_day: date) -> dict[bytes, int | None]:
    """Posting key -> batch of the lines already in the database on these
    days (a key includes its posting's date, so a file can only repeat
    postings of its own days)."""
    line = InvoiceLine.__table__
    return dict(
        session.execute(
            select(line.c.posting_key, line.c.batch_id).where(
                line.c.invoice_date.between(first_day, last_day), line.c.posting_key.is_not(None)
            )
        ).all()
    )


class _LineBuilder:
    """Turns parsed chunks into lines of one batch: suppliers, units and
    accounts found or created once per distinct value, a posting key per row."""

    def __init__(self, session: Session, batch_id: int) -> None:
        self.resolver = Resolver(session)
        self.keys = PostingKeys()
        self.batch_id = batch_id
        self.lines: list[LineTuple] = []
        self._supplier: dict[tuple[str | None, str | None], tuple[int, str]] = {}
        self._organisation: dict[tuple[str | None, str | None], tuple[int | None, int | None]] = {}
        self._account: dict[str, int] = {}
        self._day: dict[date, str] = {}

    def add(self, chunk: InvoiceChunk) -> None:
        rows = zip(
            chunk.org_numbers,
            chunk.supplier_names,
            chunk.departments,
            chunk.units,
            chunk.accounts,
            chunk.account_texts,
            chunk.dates,
            chunk.invoice_numbers,
            chunk.amounts,
            strict=True,
        )
        if chunk.invalid:
            rows = (row for position, row in enumerate(rows) if position not in chunk.invalid)
        suppliers, organisations, accounts, days = (
            self._supplier,
            self._organisation,
            self._account,
            self._day,
        )
        key, append, batch_id = self.keys.key, self.lines.append, self.batch_id
        for org_number, name, department, unit, account, account_text, day, number, amount in rows:
            supplier_id, supplier_key = suppliers.get((org_number, name)) or self._new_supplier(
                org_number, name
            )
            department_id, unit_id = organisations.get((department, unit)) or self._new_organisation(
                department, unit
            )
            account_id = None
            if account is not None:
                account_id = accounts.get(account) or self._new_account(account, account_text)
            day_text = days.get(day) or days.setdefault(day, day.isoformat())
            posting = (
                supplier_key,
                number or "",
                day_text,
                account or "",
                unit or department or "",
                ore_text(amount),
            )
            append(
                (
                    batch_id,
                    day,
                    number or None,
                    department_id,
                    unit_id,
                    supplier_id,
                    account_id,
                    amount,
                    key(posting),
                    None,
                )
            )

    def _new_supplier(self, org_number: str | None, name: str | None) -> tuple[int, str]:
        found = self._supplier[(org_number, name)] = (
            self.resolver.supplier(org_number, name),
            org_number or f"name:{natural_key(name)}",
        )
        return found

    def _new_organisation(self, department: str | None, unit: str | None) -> tuple[int | None, int | None]:
        found = self._organisation[(department, unit)] = self.resolver.organisation(department, unit)
        return found

    def _new_account(self, account: str, account_text: str | None) -> int:
        found = self._account[account] = self.resolver.account(account, account_text)
        return found
