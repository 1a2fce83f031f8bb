"""Importing invoice lines: one file, one transaction, one batch.

Rows are parsed (``invoice_rows``), their supplier, unit, department and
account resolved or created, staged in bulk, and moved into ``invoice_line``
classified on the way in. Nothing is written if the file has invalid rows
and the user did not choose to skip them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from data_access.bulk import (
    LineTuple,
    analyze_for_classification,
    create_staging_table,
    drop_staging_table,
    stage_lines,
)
from data_access.classification import insert_classified_lines
from data_access.importing.columns import ColumnMapping
from data_access.importing.errors import ImportRefusedError
from data_access.importing.invoice_rows import (
    InvoiceRow,
    RowProblem,
    Severity,
    read_invoice_rows,
)
from data_access.importing.resolve import PostingKeys, Resolver, natural_key
from data_access.models import ImportBatch, InvoiceLine
from data_access.money import to_ore

Progress = Callable[[int, str], None]  # rows read so far, message
CHUNK_SIZE = 20_000
MAX_REPORTED_PROBLEMS = 50_000  # the report stays downloadable for any file


@dataclass(frozen=True)
class ImportOptions:
    period: str | None = None  # YYYY-MM for a file without a date column
    skip_invalid: bool = False  # import the valid rows and leave the rest
    profile_name: str | None = None
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
    rows_with_problems: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    flagged_rows: int = 0  # supplier identified by name only
    new_suppliers: int = 0
    new_units: int = 0
    new_departments: int = 0
    new_accounts: int = 0
    earlier_batches: list[int] = field(default_factory=list)  # same checksum imported before

    def add_problems(self, problems: Sequence[RowProblem]) -> None:
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
    for row in read_invoice_rows(rows, mapping, period=period):
        _count(summary, row)
        if len(preview) < 20:
            preview.append(row)
    return summary, preview


def _count(summary: InvoiceImportSummary, row: InvoiceRow) -> None:
    summary.rows_read += 1
    if row.amount is not None:
        summary.file_total += row.amount
    if row.problems:
        summary.add_problems(row.problems)
    if not row.is_valid:
        summary.rows_with_problems += 1
    elif any(problem.severity is Severity.WARNING for problem in row.problems) and row.org_number is None:
        summary.flagged_rows += 1


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

    Raises InvalidRowsError (after reading the whole file, so the report is
    complete) when rows are invalid and ``options.skip_invalid`` is off; the
    caller rolls back and nothing remains.
    """
    if mapping.columns.get("date") is None and not options.period:
        raise ImportRefusedError(
            f"{file_name} har ingen datumkolumn: ange vilken månad filen gäller (period ÅÅÅÅ-MM)."
        )
    summary = InvoiceImportSummary(file_name=file_name)
    summary.earlier_batches = list(
        session.scalars(
            select(ImportBatch.id).where(ImportBatch.checksum == checksum).order_by(ImportBatch.id)
        )
    )
    batch = ImportBatch(
        kind="invoices",
        source_name=file_name,
        checksum=checksum,
        imported_by=options.imported_by,
        profile_name=options.profile_name,
        period=options.period,
    )
    session.add(batch)
    session.flush()
    summary.batch_id = batch.id

    resolver = Resolver(session)
    keys = PostingKeys()
    staging = create_staging_table(session)
    chunk: list[LineTuple] = []
    for row in read_invoice_rows(rows, mapping, period=options.period):
        _count(summary, row)
        if not row.is_valid:
            summary.skipped += 1
            summary.skipped_total += row.amount or Decimal(0)
            continue
        chunk.append(_line_tuple(row, batch.id, resolver, keys))
        if len(chunk) >= CHUNK_SIZE:
            stage_lines(session, staging, chunk)
            chunk.clear()
            if progress:
                progress(summary.rows_read, f"{summary.rows_read:,} rader lästa".replace(",", " "))
    stage_lines(session, staging, chunk)
    if summary.rows_read == 0:
        raise ImportRefusedError("Filen innehåller inga datarader under rubrikraden")
    if summary.rows_with_problems and not options.skip_invalid:
        raise InvalidRowsError(summary)

    if progress:
        progress(summary.rows_read, "Klassificerar avtalstrohet")
    land_staged_lines(session, staging, batch, summary, resolver)
    return summary


def land_staged_lines(
    session: Session, staging: Table, batch: ImportBatch, summary: InvoiceImportSummary, resolver: Resolver
) -> None:
    """Move the staged lines of a batch into ``invoice_line`` classified,
    leaving out postings already there, and record on the summary and the
    batch what landed."""
    analyze_for_classification(session)
    insert_classified_lines(session, staging, skip_known_postings=True)
    drop_staging_table(session, staging)
    # Counted, not taken from the driver's rowcount, which SQLite leaves at -1 here.
    count, total = session.execute(
        select(func.count(), func.sum(InvoiceLine.amount)).where(InvoiceLine.batch_id == batch.id)
    ).one()
    summary.imported, summary.imported_total = count, total or Decimal("0.00")
    summary.duplicates = summary.rows_read - summary.skipped - summary.imported
    summary.new_suppliers, summary.new_units = resolver.new_suppliers, resolver.new_units
    summary.new_departments, summary.new_accounts = resolver.new_departments, resolver.new_accounts
    batch.row_count, batch.imported_count = summary.rows_read, summary.imported
    batch.skipped_count, batch.duplicate_count = summary.skipped, summary.duplicates
    batch.total_amount, batch.imported_amount = summary.file_total, summary.imported_total
    session.flush()


def _line_tuple(row: InvoiceRow, batch_id: int, resolver: Resolver, keys: PostingKeys) -> LineTuple:
    assert row.invoice_date is not None and row.amount is not None  # guaranteed for valid rows
    supplier_id = resolver.supplier(row.org_number, row.supplier_name)
    department_id, unit_id = resolver.organisation(row.department, row.unit)
    account_id = resolver.account(row.account, row.account_text) if row.account else None
    posting = (
        row.org_number or f"name:{natural_key(row.supplier_name)}",
        row.invoice_number or "",
        row.invoice_date.isoformat(),
        row.account or "",
        row.unit or row.department or "",
        str(row.amount),
    )
    return (
        batch_id,
        row.invoice_date,
        row.invoice_number[:64] if row.invoice_number else None,
        department_id,
        unit_id,
        supplier_id,
        account_id,
        to_ore(row.amount),
        keys.key(posting),
        None,
    )
