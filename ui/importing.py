"""Widgets of the import page: the mapping editor, the preview with its
validation report, the summary after an import, and the batch list."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from data_access.importing.batches import BatchInfo
from data_access.importing.columns import ColumnMapping, field_specs
from data_access.importing.invoices import InvoiceImportSummary
from data_access.importing.registers import RegisterImportSummary
from data_access.importing.service import FilePreview
from ui.format import integer, kronor, swedish_amount

KIND_LABELS = {
    "invoices": "Leverantörsfakturor",
    "contracts": "Avtalsregister",
    "organisation": "Organisation och kontaktpersoner",
    "accounts": "Kontoplan",
    "peppol": "E-fakturor (PEPPOL)",
}
NOT_IN_FILE = -1
T = TypeVar("T")


def remembered(slot: str, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """The value computed for ``key`` in this browser session, computed again
    only when the key changes. One entry per slot keeps memory bounded."""
    stored = st.session_state.get(f"_remembered_{slot}")
    if stored is not None and stored[0] == key:
        return stored[1]
    value = compute()
    st.session_state[f"_remembered_{slot}"] = (key, value)
    return value


def count_text(count: int, one: str, many: str) -> str:
    """``1 rad``, ``2 rader``: Swedish needs the noun to agree."""
    return f"{integer(count)} {one if count == 1 else many}"


def remember_flash(message: str) -> None:
    """A success message to show after the next rerun (a rerun clears the page)."""
    st.session_state["_flash"] = message


def show_flash() -> None:
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(message)


def mapping_editor(mapping: ColumnMapping, key_prefix: str) -> dict[str, int | None]:
    """One select box per field, preset with the guess; returns field -> column."""
    st.markdown(f"**Kolumner** (rubrikraden är rad {mapping.header_row + 1}; rätta om något blev fel)")
    options = [NOT_IN_FILE, *range(len(mapping.headers))]

    def label(index: int) -> str:
        if index == NOT_IN_FILE:
            return "(finns inte i filen)"
        header = mapping.headers[index] or "(tom rubrik)"
        return f"{header} (kolumn {index + 1})"

    chosen: dict[str, int | None] = {}
    columns = st.columns(4)
    for position, spec in enumerate(field_specs(mapping.kind)):
        current = mapping.columns.get(spec.name)
        value = columns[position % 4].selectbox(
            spec.label + (" *" if spec.required else ""),
            options,
            index=options.index(current if current is not None else NOT_IN_FILE),
            format_func=label,
            key=f"{key_prefix}_{spec.name}",
        )
        chosen[spec.name] = None if value == NOT_IN_FILE else value
    return chosen


def preview_report(preview: FilePreview) -> None:
    summary = preview.summary
    errors = sum(1 for p in summary.problems if p.severity.value == "fel")
    warnings = len(summary.problems) - errors
    cards = st.columns(4)
    cards[0].metric("Rader i filen", integer(summary.rows_read))
    if isinstance(summary, InvoiceImportSummary):
        cards[1].metric("Filens summa", kronor(summary.file_total))
    cards[2].metric("Fel", integer(errors), help="Rader med fel importeras inte.")
    cards[3].metric("Varningar", integer(warnings), help="Importeras, men bör granskas.")
    if isinstance(summary, InvoiceImportSummary) and summary.earlier_batches:
        batches = ", ".join(str(batch) for batch in summary.earlier_batches)
        st.warning(
            f"Samma fil har importerats förut (import {batches}). Rader som redan finns läggs inte till igen."
        )
    st.markdown("**Förhandsgranskning** (de första raderna som de tolkats)")
    sample = pd.DataFrame(preview.sample)
    formats = {"Belopp": lambda amount: "" if amount is None else swedish_amount(amount)}
    styled = sample.style.format({k: v for k, v in formats.items() if k in sample.columns}, na_rep="")
    st.dataframe(styled, hide_index=True, width="stretch")
    if summary.problems:
        st.markdown("**Valideringsrapport**")
        report = pd.DataFrame(
            [
                {
                    "Rad": p.row_number,
                    "Kolumn": p.column,
                    "Värde": p.value,
                    "Problem": p.problem,
                    "Allvar": p.severity.value,
                }
                for p in summary.problems[:2000]
            ]
        )
        st.dataframe(report, hide_index=True, width="stretch")


def import_result(summary: InvoiceImportSummary | RegisterImportSummary) -> None:
    if isinstance(summary, RegisterImportSummary):
        st.success(
            f"Import {summary.batch_id} klar: {count_text(summary.rows_read, 'rad', 'rader')} lästa, "
            f"{integer(summary.created)} nya, {integer(summary.updated)} uppdaterade, "
            f"{integer(summary.skipped)} överhoppade."
        )
        return
    st.success(
        f"Import {summary.batch_id} klar: {count_text(summary.imported, 'rad', 'rader')} importerade av "
        f"{integer(summary.rows_read)}. Filens summa {kronor(summary.file_total)}, importerat "
        f"{kronor(summary.imported_total)}."
    )
    notes = []
    if summary.skipped:
        notes.append(
            f"{integer(summary.skipped)} rader med fel hoppades över ({kronor(summary.skipped_total)})."
        )
    if summary.duplicates:
        notes.append(f"{integer(summary.duplicates)} rader fanns redan och lades inte till igen.")
    if summary.flagged_rows:
        notes.append(
            f"{integer(summary.flagged_rows)} rader har leverantörer utan giltigt organisationsnummer; "
            "de är markerade för granskning."
        )
    created = (summary.new_suppliers, summary.new_departments, summary.new_units, summary.new_accounts)
    if any(created):
        notes.append(
            "Nytt: {} leverantörer, {} förvaltningar, {} enheter, {} konton.".format(*map(integer, created))
        )
    for note in notes:
        st.info(note)


def batch_table(batches: list[BatchInfo]) -> None:
    frame = pd.DataFrame(
        [
            {
                "Import": batch.id,
                "Typ": KIND_LABELS.get(batch.kind, batch.kind),
                "Fil": batch.source_name,
                "Tid": batch.imported_at,
                "Av": batch.imported_by,
                "Rader lästa": batch.rows_read,
                "Importerade": batch.imported,
                "Överhoppade": batch.skipped,
                "Fanns redan": batch.duplicates,
                "Filens summa": float(batch.file_total),
                "Importerat belopp": float(batch.imported_total),
            }
            for batch in batches
        ]
    )
    if frame.empty:
        st.caption("Inga importer ännu.")
        return
    styled = frame.style.format({"Filens summa": kronor, "Importerat belopp": kronor})
    st.dataframe(styled, hide_index=True, width="stretch")
