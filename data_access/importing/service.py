"""Whole-file imports: open and check the file, find or apply the column
mapping, run the import in one transaction. The CLI and the import page both
come through here.

Every entry point here takes the acting viewer and requires
:attr:`Permission.IMPORT_DATA` (upphandlare): opening a file for import, the
preview, the imports themselves (which record ``acting.label`` as who
imported, on the batch and in the audit log). The building blocks they call
stay unguarded, because nothing else calls them: ``invoices.import_invoices``,
``invoices.start_batch``, ``invoices.land_batch``,
``peppol_import.import_peppol``, ``registers.import_accounts``,
``registers.import_contracts``, ``registers.import_organisation`` (and
``engine.bulk.land_lines``, which the demo loader also uses).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session

from data_access.access import audit
from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.core.lengths import count_text
from data_access.exports.excel import table_workbook
from data_access.importing.columns import ColumnMapping, ImportKind, apply_profile, field_specs, guess_mapping
from data_access.importing.errors import ImportRefusedError
from data_access.importing.files import Table, open_table
from data_access.importing.invoices import (
    ImportOptions,
    InvalidRowsError,
    InvoiceImportSummary,
    Progress,
    analyse_invoice_rows,
    earlier_batches,
    import_invoices,
)
from data_access.importing.peppol import PeppolDocument, read_peppol_files
from data_access.importing.peppol_import import import_peppol
from data_access.importing.profiles import load_profile
from data_access.importing.registers import (
    InvalidRegisterRowsError,
    RegisterImportSummary,
    import_accounts,
    import_contracts,
    import_organisation,
)
from data_access.importing.upload_limit import check_upload_size

HEADER_ROWS_TO_SCAN = 40
IMPORTED = "import"  # the audit action of a stored batch
KIND_NAMES = {
    ImportKind.INVOICES: "leverantörsfakturor",
    ImportKind.CONTRACTS: "ett avtalsregister",
    ImportKind.ORGANISATION: "organisation och kontaktpersoner",
    ImportKind.ACCOUNTS: "en kontoplan",
}


@dataclass(frozen=True)
class OpenedFile:
    """A checked file and the mapping guessed (or taken from a profile) for it."""

    table: Table
    mapping: ColumnMapping
    head: list[list[object]]  # the first rows as read, for the preview


def open_for_import(
    session: Session,
    kind: ImportKind,
    file_name: str,
    *,
    data: bytes | None = None,
    path: Path | None = None,
    profile_name: str | None = None,
    acting: Viewer,
) -> OpenedFile:
    """Check the file and map its columns; ImportRefusedError says what is wrong."""
    acting.require(Permission.IMPORT_DATA)
    size = len(data) if data is not None else (path.stat().st_size if path is not None else 0)
    check_upload_size(session, file_name, size)
    table = open_table(file_name, data=data, path=path)
    head = []
    for row in table.iter_rows():
        head.append(row)
        if len(head) >= HEADER_ROWS_TO_SCAN:
            break
    if profile_name:
        mapping = apply_profile(kind, head, load_profile(session, profile_name, kind))
        if mapping is None:
            raise ImportRefusedError(
                f"{file_name} har inte de rubriker som mappningen {profile_name!r} väntar sig"
            )
    else:
        mapping = guess_mapping(kind, head)
        if mapping is None:
            raise ImportRefusedError(
                f"Hittar ingen rubrikrad i {file_name}: ingen rad ser ut som rubriker för "
                f"{KIND_NAMES[kind]} (till exempel {_example_headers(kind)})."
            )
    missing = mapping.missing_required()
    if missing:
        names = ", ".join(spec.label for spec in missing)
        raise ImportRefusedError(f"{file_name} saknar kolumner som behövs: {names}")
    return OpenedFile(table=table, mapping=mapping, head=head)


def _recorded(options: ImportOptions, acting: Viewer) -> ImportOptions:
    """The options as the batch records them: imported by the acting viewer,
    whatever name the options held."""
    return replace(options, imported_by=acting.label)


def _audit_import(
    session: Session, kind: str, summary: InvoiceImportSummary | RegisterImportSummary, acting: Viewer
) -> None:
    """The audit entry of a stored batch: its kind and counts, no file name
    (it may name a person) and no values."""
    if isinstance(summary, RegisterImportSummary):
        counts = f"created={summary.created} updated={summary.updated}"
    else:
        counts = f"imported={summary.imported} duplicates={summary.duplicates}"
    detail = f"kind={kind} rows={summary.rows_read} {counts} skipped={summary.skipped}"
    audit.record(session, IMPORTED, f"batch:{summary.batch_id}", detail, actor=acting.label)


def import_invoice_file(
    session: Session,
    opened: OpenedFile,
    options: ImportOptions,
    progress: Progress | None = None,
    *,
    acting: Viewer,
) -> InvoiceImportSummary:
    """Import an opened file in the caller's transaction (see import_invoices)."""
    acting.require(Permission.IMPORT_DATA)
    summary = import_invoices(
        session,
        opened.table.iter_rows(),
        opened.mapping,
        file_name=opened.table.file_name,
        checksum=opened.table.checksum,
        options=_recorded(options, acting),
        progress=progress,
    )
    _audit_import(session, "invoices", summary, acting)
    return summary


REGISTER_IMPORTERS = {
    ImportKind.ACCOUNTS: import_accounts,
    ImportKind.ORGANISATION: import_organisation,
    ImportKind.CONTRACTS: import_contracts,
}


def import_file(
    session: Session,
    opened: OpenedFile,
    options: ImportOptions,
    progress: Progress | None = None,
    *,
    acting: Viewer,
) -> InvoiceImportSummary | RegisterImportSummary:
    """Import an opened file of any tabular kind in the caller's transaction."""
    acting.require(Permission.IMPORT_DATA)
    if opened.mapping.kind == ImportKind.INVOICES:
        return import_invoice_file(session, opened, options, progress, acting=acting)
    kind = opened.mapping.kind
    summary = REGISTER_IMPORTERS[kind](
        session,
        opened.table.iter_rows(),
        opened.mapping,
        file_name=opened.table.file_name,
        checksum=opened.table.checksum,
        skip_invalid=options.skip_invalid,
        user=acting.label,
    )
    _audit_import(session, kind.value, summary, acting)
    return summary


def _example_headers(kind: ImportKind) -> str:
    return ", ".join(spec.label for spec in field_specs(kind)[:4])


def read_peppol_upload(
    session: Session, file_name: str, data: bytes, *, acting: Viewer
) -> list[PeppolDocument]:
    """The e-invoices of an upload, for the page to show before importing:
    held to the upload limit and refused as the import would refuse them.
    Writes nothing."""
    acting.require(Permission.IMPORT_DATA)
    check_upload_size(session, file_name, len(data))
    return read_peppol_files(file_name, data)


def import_peppol_file(
    session: Session,
    file_name: str,
    data: bytes,
    *,
    skip_invalid: bool = False,
    acting: Viewer,
) -> InvoiceImportSummary:
    """One e-invoice (.xml) or a .zip of many, as one batch, in the caller's transaction."""
    documents = read_peppol_upload(session, file_name, data, acting=acting)
    checksum = hashlib.sha256(data).hexdigest()
    summary = import_peppol(
        session,
        documents,
        file_name=file_name,
        checksum=checksum,
        imported_by=acting.label,
        skip_invalid=skip_invalid,
    )
    _audit_import(session, "peppol", summary, acting)
    return summary


@dataclass
class FilePreview:
    """What the user sees before anything is written: the mapping, the first
    rows as parsed, and the validation report of the whole file."""

    opened: OpenedFile
    summary: InvoiceImportSummary | RegisterImportSummary
    sample: list[dict[str, object]]

    @property
    def needs_period(self) -> bool:
        mapping = self.opened.mapping
        return mapping.kind == ImportKind.INVOICES and mapping.columns.get("date") is None


def with_columns(opened: OpenedFile, columns: dict[str, int | None]) -> OpenedFile:
    """The same file with the user's corrections to the mapping."""
    mapping = ColumnMapping(
        kind=opened.mapping.kind,
        header_row=opened.mapping.header_row,
        headers=opened.mapping.headers,
        columns={**opened.mapping.columns, **columns},
    )
    missing = mapping.missing_required()
    if missing:
        raise ImportRefusedError("Välj en kolumn för: " + ", ".join(spec.label for spec in missing))
    return OpenedFile(table=opened.table, mapping=mapping, head=opened.head)


def preview_import(
    session: Session, opened: OpenedFile, options: ImportOptions, *, acting: Viewer
) -> FilePreview:
    """Validate the whole file without keeping anything.

    Invoices are parsed without touching the database; a register import is
    run for real and rolled back, so its report is exactly what importing would
    say. The session is rolled back either way: give it a session of its own.
    """
    acting.require(Permission.IMPORT_DATA)
    mapping = opened.mapping
    try:
        if mapping.kind == ImportKind.INVOICES:
            period = options.period if mapping.columns.get("date") is None else None
            summary, rows = analyse_invoice_rows(
                opened.table.iter_rows(), mapping, period=period, file_name=opened.table.file_name
            )
            sample = [
                {
                    "Rad": row.row_number,
                    "Datum": row.invoice_date,
                    "Fakturanummer": row.invoice_number,
                    "Leverantör": row.supplier_name,
                    "Organisationsnummer": row.org_number,
                    "Förvaltning": row.department,
                    "Enhet": row.unit,
                    "Konto": row.account,
                    "Belopp": row.amount,
                }
                for row in rows
            ]
            summary.earlier_batches = earlier_batches(session, opened.table.checksum)
            return FilePreview(opened, summary, sample)
        try:
            summary = import_file(session, opened, replace(options, skip_invalid=True), acting=acting)
        except (InvalidRegisterRowsError, InvalidRowsError) as error:
            summary = error.summary
        sample = [
            {
                spec.label: _cell_text(row, mapping.columns.get(spec.name))
                for spec in field_specs(mapping.kind)
            }
            for row in opened.head[mapping.header_row + 1 : mapping.header_row + 21]
        ]
        return FilePreview(opened, summary, sample)
    finally:
        session.rollback()


def _cell_text(row: list[object], index: int | None) -> object:
    return row[index] if index is not None and index < len(row) else None


def problems_workbook(preview: FilePreview) -> bytes:
    """The validation report as a formatted Excel file. Its notes give the
    whole file's counts, and say so when the list below is cut."""
    return table_workbook(
        ["Rad", "Kolumn", "Värde", "Problem", "Allvar"],
        ([p.row_number, p.column, p.value, p.problem, p.severity.value] for p in preview.summary.problems),
        sheet_title="Valideringsrapport",
        notes=report_notes(preview),
        widths=[8, 24, 30, 70, 10],
    )


def report_notes(preview: FilePreview) -> list[str]:
    """The lines above the validation report's table: the file's counts."""
    summary = preview.summary
    return [
        f"Fil: {preview.opened.table.file_name}",
        f"Rader i filen: {count_text(summary.rows_read)}",
        f"Rader med fel (importeras inte): {count_text(summary.rows_with_errors)}",
        f"Rader med varningar (importeras, bör granskas): {count_text(summary.rows_with_warnings)}",
        problem_count_text(summary.problem_count, len(summary.problems)),
    ]


def problem_count_text(total: int, listed: int) -> str:
    """``68 080 anmärkningar, de första 50 000 visas`` when the list is cut."""
    noun = "anmärkning" if total == 1 else "anmärkningar"
    text = f"{count_text(total)} {noun}"
    if listed < total:
        text += f", de första {count_text(listed)} visas"
    return text
