"""Widgets of the import page: the kind (deep-linkable), the mapping editor,
the preview with its validation report and the summary after an import
(the batch list and its undo are ``ui.import_batches``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

import pandas as pd
import streamlit as st

from data_access.access.viewer import Viewer
from data_access.core.orgnr import format_org_number
from data_access.figures.unclassified import BatchUnclassified
from data_access.importing.columns import ColumnMapping, field_specs
from data_access.importing.invoice_rows import period_problem
from data_access.importing.invoices import InvoiceImportSummary
from data_access.importing.peppol import PeppolDocument
from data_access.importing.peppol_import import peppol_errors
from data_access.importing.registers import RegisterImportSummary
from data_access.importing.service import FilePreview, problem_count_text
from ui.format import MISSING, count_text, integer, kronor, percent, swedish_amount
from ui.tables import records_table
from ui.text import md

KIND_LABELS = {
    "invoices": "Leverantörsfakturor",
    "contracts": "Avtalsregister",
    "organisation": "Organisation och kontaktpersoner",
    "accounts": "Kontoplan",
    "peppol": "E-fakturor (PEPPOL)",
}
KIND_PARAM = "kind"  # ?kind=accounts opens the page with the account plan chosen
IMPORT_PAGE = "pages/import_data.py"
NOT_IN_FILE = -1
REPORT_ROWS_ON_SCREEN = 2_000  # the Excel report holds more
PERIOD_PLACEHOLDER = "ÅÅÅÅ-MM, t.ex. 2016-03"
WRAPPING_ROW_HEIGHT = 70  # three lines: the grid wraps long text only in rows taller than 4rem
T = TypeVar("T")

# Swedish nouns (one, many) for what an import creates or an undo removes or keeps, by table.
ENTITY_NOUNS = {
    "supplier": ("leverantör", "leverantörer"),
    "unit": ("enhet", "enheter"),
    "department": ("förvaltning", "förvaltningar"),
    "account": ("konto", "konton"),
}



def remembered(slot: str, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """The value computed for ``key`` in this browser session, computed again
    only when the key changes. One entry per slot keeps memory bounded."""
    stored = st.session_state.get(f"_remembered_{slot}")
    if stored is not None and stored[0] == key:
        return stored[1]
    value = compute()
    st.session_state[f"_remembered_{slot}"] = (key, value)
    return value


def remember_flash(message: str) -> None:
    """A success message to show after the next rerun (a rerun clears the page)."""
    st.session_state["_flash"] = message


def show_flash() -> None:
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(message)


# --------------------------------------------------------------------------- the kind


def _kind_chosen_by_hand() -> None:
    st.query_params[KIND_PARAM] = st.session_state["kind"]


def kind_choice() -> str:
    """What the file holds. ``?kind=accounts`` (a link from a notice) chooses
    the kind; choosing another writes it into the address."""
    wanted = st.query_params.get(KIND_PARAM)
    if wanted in KIND_LABELS and st.session_state.get("kind") != wanted:
        st.session_state["kind"] = wanted
    return st.radio(
        "Vad vill du importera?",
        list(KIND_LABELS),  # the first, invoices, is the default
        format_func=KIND_LABELS.__getitem__,
        key="kind",
        horizontal=True,
        on_change=_kind_chosen_by_hand,
    )


# --------------------------------------------------------------------------- before the import


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


def period_input() -> str | None:
    """The month of a file without dates. The placeholder reads as a hint
    (``ÅÅÅÅ-MM, t.ex. …``), never as a value already filled in."""
    period = st.text_input(
        "Period (ÅÅÅÅ-MM) *",
        key="period",
        placeholder=PERIOD_PLACEHOLDER,
        help="Filen saknar datum: skriv vilken månad den gäller, till exempel 2016-03 för mars 2016.",
    ).strip()
    if not period:
        st.caption("Ingen period angiven ännu: filen kan inte importeras utan en.")
        return None
    if problem := period_problem(period):  # only YYYY-MM: the batch stores it as written
        st.error(md(problem))
        return None
    return period


def importer_note(viewer: Viewer) -> None:
    """Who imports: the signed-in person, kept with the batch so everyone
    sees who read in what. Nobody types a name: the import records the viewer."""
    st.caption(f"Importeras av {md(viewer.label)}, som är inloggad. Det sparas med importen.")


def cell_text(value: object) -> str:
    """A spreadsheet cell as people read it: empty as a dash, a date without
    a time of midnight, a whole number without ``.0``, a decimal comma."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, str):
        return value if value.strip() else MISSING
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d" if value.time() == datetime.min.time() else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",").replace("-", "\u2212")
    return str(value)


def sample_frame(preview: FilePreview) -> pd.DataFrame:
    """The first rows as they were read, as text: no raw ``None`` or ``nan``,
    org numbers as ``NNNNNN-NNNN``, amounts with Swedish grouping."""
    formats: dict[str, Callable[[object], str]] = {
        "Belopp": lambda amount: swedish_amount(amount),  # type: ignore[arg-type]
        "Organisationsnummer": lambda digits: format_org_number(str(digits)),
        "Datum": lambda day: day.isoformat(),  # type: ignore[attr-defined]
    }
    rows = []
    for record in preview.sample:
        shown = {}
        for column, value in record.items():
            if column == "Rad":
                shown[column] = value
            elif value is None or value == "":
                shown[column] = MISSING
            elif isinstance(preview.summary, InvoiceImportSummary) and column in formats:
                shown[column] = formats[column](value)
            else:
                shown[column] = cell_text(value)
        rows.append(shown)
    return pd.DataFrame(rows)


def preview_report(preview: FilePreview) -> None:
    """The whole file's counts, the first rows and the validation report.
    The counts are the file's, however long the report; a cut list says so."""
    summary = preview.summary
    cards = st.columns(4)
    cards[0].metric("Rader i filen", integer(summary.rows_read))
    if isinstance(summary, InvoiceImportSummary):
        cards[1].metric("Filens summa", kronor(summary.file_total))
    cards[2].metric("Fel", integer(summary.rows_with_errors), help="Rader med fel: de importeras inte.")
    cards[3].metric(
        "Varningar",
        integer(summary.rows_with_warnings),
        help="Rader med varningar: de importeras, men bör granskas.",
    )
    if isinstance(summary, InvoiceImportSummary) and summary.earlier_batches:
        batches = ", ".join(str(batch) for batch in summary.earlier_batches)
        st.warning(
            f"Samma fil har importerats förut (import {batches}). Rader som redan finns läggs inte till igen."
        )
    st.markdown("**Förhandsgranskning** (de första raderna som de tolkats)")
    st.dataframe(sample_frame(preview), hide_index=True, width="stretch")
    if summary.problems:
        st.markdown("**Valideringsrapport**")
        shown = summary.problems[:REPORT_ROWS_ON_SCREEN]
        st.caption(report_caption(summary.problem_count, len(shown), len(summary.problems)))
        report = records_table(
            shown,
            {
                "Rad": "row_number",
                "Kolumn": "column",
                "Värde": lambda p: p.value or MISSING,
                "Problem": "problem",
                "Allvar": "severity.value",
            },
        )
        st.dataframe(
            report,
            hide_index=True,
            width="stretch",
            row_height=WRAPPING_ROW_HEIGHT,
            column_config={
                "Rad": st.column_config.NumberColumn(width=60),
                "Kolumn": st.column_config.TextColumn(width=160),  # "Organisationsnummer" whole
                "Värde": st.column_config.TextColumn(width=130),
                "Problem": st.column_config.TextColumn(width="large"),
                "Allvar": st.column_config.TextColumn(width=80),
            },
        )


def report_caption(total: int, on_screen: int, in_excel: int) -> str:
    """How much of the validation report the page and the Excel file hold."""
    text = problem_count_text(total, on_screen)
    if on_screen < total:
        if in_excel < total:
            text += f" här; valideringsrapporten i Excel har de första {integer(in_excel)}"
        else:
            text += " här; valideringsrapporten i Excel har alla"
    return text + "."


def _org_number_text(document: PeppolDocument) -> str:
    if document.seller_org_number:
        return format_org_number(document.seller_org_number)
    return document.seller_org_problem or MISSING


def peppol_frame(documents: Sequence[PeppolDocument]) -> pd.DataFrame:
    """The e-invoices of an upload, one row each, as text."""
    return records_table(
        documents,
        {
            "Fil": "source_name",
            "Typ": lambda d: "Kreditnota" if d.kind == "credit_note" else "Faktura",
            "Fakturanummer": "invoice_number",
            "Datum": lambda d: d.issue_date.isoformat(),
            "Säljare": lambda d: d.seller_name or MISSING,
            "Organisationsnummer": _org_number_text,
            "Köparens referens": lambda d: d.buyer_reference or MISSING,
            "Avtalsreferens": lambda d: d.contract_reference or MISSING,
            "Rader": lambda d: integer(len(d.lines)),
            "Belopp": lambda d: kronor(d.total),
        },
    )


def peppol_refusals(documents: Sequence[PeppolDocument]) -> tuple[bool, bool]:
    """The e-invoices that cannot be imported (a value that does not fit its
    column) and why, and the choice to skip them. Returns (any refused,
    skip them): as for a spreadsheet, the import waits for that choice."""
    errors = peppol_errors(list(documents))
    if not errors:
        return False, False
    refused = len({problem.row_number for problem in errors})
    st.error(
        f"{count_text(refused, 'e-faktura', 'e-fakturor')} av {integer(len(documents))} kan inte importeras:"
    )
    st.dataframe(
        records_table(
            errors, {"Dokument": "row_number", "Fält": "column", "Värde": "value", "Problem": "problem"}
        ),
        hide_index=True,
        width="stretch",
    )
    skip = st.checkbox(
        "Importera de giltiga e-fakturorna och hoppa över dem med fel", key="skip_invalid_peppol"
    )
    return True, skip


# --------------------------------------------------------------------------- after the import


def invoice_result_text(summary: InvoiceImportSummary) -> str:
    """``Import 2 klar: 68 021 rader lästa, 0 nya rader, 68 021 fanns redan (i import 1). …``"""
    parts = [
        count_text(summary.rows_read, "rad läst", "rader lästa"),
        count_text(summary.imported, "ny rad", "nya rader"),
    ]
    if summary.duplicates:
        parts.append(f"{integer(summary.duplicates)} fanns redan{held_by(list(summary.overlaps))}")
    if summary.skipped:
        parts.append(f"{integer(summary.skipped)} med fel överhoppade ({kronor(summary.skipped_total)})")
    return (
        f"Import {summary.batch_id} klar: {', '.join(parts)}. Filens summa {kronor(summary.file_total)}, "
        f"importerat {kronor(summary.imported_total)}."
    )


def held_by(batch_ids: Sequence[int]) -> str:
    """`` (i import 3, 5)``: the earlier imports that already hold these lines."""
    if not batch_ids:
        return ""
    return f" (i import {', '.join(str(batch_id) for batch_id in batch_ids)})"


def import_result(summary: InvoiceImportSummary | RegisterImportSummary) -> None:
    if isinstance(summary, RegisterImportSummary):
        st.success(
            f"Import {summary.batch_id} klar: {count_text(summary.rows_read, 'rad', 'rader')} lästa, "
            f"{integer(summary.created)} nya, {integer(summary.updated)} uppdaterade, "
            f"{integer(summary.skipped)} överhoppade."
        )
        return
    st.success(invoice_result_text(summary))
    notes = []
    if summary.flagged_rows:
        rows = count_text(summary.flagged_rows, "rad har en leverantör", "rader har leverantörer")
        notes.append(f"{rows} utan giltigt organisationsnummer; de är markerade för granskning.")
    created = {
        "supplier": summary.new_suppliers,
        "department": summary.new_departments,
        "unit": summary.new_units,
        "account": summary.new_accounts,
    }
    if any(created.values()):
        notes.append(
            f"Nytt: {', '.join(count_text(n, *ENTITY_NOUNS[entity]) for entity, n in created.items())}."
        )
    for note in notes:
        st.info(note)
    if summary.unclassified is not None and summary.unclassified.notice_due:
        unclassified_notice(summary.unclassified)


def unclassified_notice_text(spend: BatchUnclassified) -> str:
    """Why most of an import's spend is unclassified, and what to do about it."""
    text = (
        f"{percent(spend.share_pct)} av importens påverkbara belopp ({kronor(spend.amount)} av "
        f"{kronor(spend.in_scope_amount)}) blev oklassificerat: raderna har ingen kategori, så det går inte "
        "att säga om köpen är avtalade eller avtalsotrogna, och avtalstroheten visas som –."
    )
    if spend.account_plan_helps:
        largest = "; ".join(  # names may hold commas
            f"{md(account.number)} {md(account.name)}" if account.name else md(account.number)
            for account in spend.largest_accounts[:3]
        )
        text += (
            f" {count_text(spend.unmapped_account_count, 'konto', 'konton')} saknar kategori i kontoplanen "
            f"(störst: {largest}). Importera kontoplanen (konto, kategori, påverkbar ja/nej): raderna "
            "klassas om direkt."
        )
    if spend.without_account_lines:
        text += (
            f" {count_text(spend.without_account_lines, 'rad', 'rader')} "
            f"({kronor(spend.without_account_amount)}) saknar konto: om filen har en kontokolumn, "
            "välj den i kolumnmappningen och importera igen."
        )
    return text


def unclassified_notice(spend: BatchUnclassified) -> None:
    st.warning(unclassified_notice_text(spend), icon=":material/category:")
    if spend.account_plan_helps:
        st.page_link(
            IMPORT_PAGE,
            label="Importera kontoplanen",
            icon=":material/upload_file:",
            query_params={KIND_PARAM: "accounts"},
        )
