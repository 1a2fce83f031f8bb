"""The invoice lines behind any figure on the dashboard, and Excel downloads
of every table with the filters written above it."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from data_access.core.models import LineStatus
from data_access.exports.excel import table_workbook
from data_access.figures.fidelity import MISSING_LABELS, Dimension, SpendFilter
from data_access.figures.line_listing import LinePage, LineSort
from ui import cached
from ui.cached import DataState
from ui.format import integer, kronor, org_number
from ui.tables import swedish_table
from ui.text import md
from ui.theme import STATUS_LABELS

PAGE_SIZE = 100
SORT_LABELS = {
    LineSort.DATE: "Datum",
    LineSort.AMOUNT: "Belopp",
    LineSort.SUPPLIER: "Leverantör",
    LineSort.UNIT: "Enhet",
    LineSort.DEPARTMENT: "Förvaltning",
    LineSort.CATEGORY: "Kategori",
    LineSort.STATUS: "Status",
}
LINE_HEADERS = (
    "Datum",
    "Fakturanummer",
    "Förvaltning",
    "Enhet",
    "Leverantör",
    "Org.nr",
    "Konto",
    "Kategori",
    "Belopp",
    "Status",
    "Avtal",
)
EXCEL_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FILE_UNSAFE = re.compile(r"[^\w-]+")


def file_stem(text: str, limit: int = 60) -> str:
    """A name from the data as part of a download's file name: letters (å, ä
    and ö too), digits, "-" and "_" only, so no slash, dot or quote in a
    unit code or category makes a folder or another extension of it."""
    return _FILE_UNSAFE.sub("_", text).strip("_")[:limit] or "lista"


def excel_download(
    label: str,
    headers: Sequence[str],
    rows: list[Sequence[object]],
    *,
    notes: Sequence[str],
    file_name: str,
    key: str,
) -> None:
    """A download button for a formatted workbook of one table. The workbook
    is made when the button is pressed, not on every run of the page."""
    st.download_button(
        label,
        data=lambda: table_workbook(headers, rows, notes=notes),
        file_name=file_name,
        mime=EXCEL_MIME,
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def line_rows(page: LinePage) -> list[tuple[object, ...]]:
    return [
        (
            line.invoice_date,
            line.invoice_number,
            line.department,
            line.unit,
            line.supplier,
            org_number(line.org_number),
            line.account,
            line.category or MISSING_LABELS[Dimension.CATEGORY],
            line.amount,
            STATUS_LABELS.get(line.status, line.status.value),
            line.contract,
        )
        for line in page.rows
    ]


def show_lines(
    state: DataState,
    spend_filter: SpendFilter,
    *,
    title: str,
    notes: Sequence[str],
    key: str,
    statuses: tuple[LineStatus, ...] = (),
) -> LinePage:
    """A paged, sortable list of the lines of a slice, with its totals and a
    download of the page shown. Returns the page (for tests and callers)."""
    st.markdown(f"**Fakturarader: {md(title)}**")  # a unit's, supplier's or category's name
    controls = st.columns([2, 2, 1, 1])
    status_choice = controls[0].selectbox(
        "Status",
        [None, *STATUS_LABELS],
        index=0 if not statuses else [None, *STATUS_LABELS].index(statuses[0]),
        format_func=lambda status: "Alla" if status is None else STATUS_LABELS[status],
        key=f"{key}_status",
    )
    sort = controls[1].selectbox(
        "Sortera på", list(SORT_LABELS), format_func=SORT_LABELS.__getitem__, key=f"{key}_sort"
    )
    descending = controls[2].toggle("Fallande", value=True, key=f"{key}_desc")
    page_number = controls[3].number_input("Sida", min_value=1, value=1, step=1, key=f"{key}_page")
    chosen = (status_choice,) if status_choice is not None else ()
    page = cached.line_page(state, spend_filter, chosen, sort, descending, int(page_number), PAGE_SIZE)
    rows = line_rows(page)
    frame = pd.DataFrame.from_records(rows, columns=LINE_HEADERS)
    if frame.empty:
        st.info("Inga fakturarader med den statusen i urvalet.")
        return page
    st.dataframe(swedish_table(frame, {"Belopp": kronor}), hide_index=True, width="stretch")
    st.caption(
        f"{integer(page.total_count)} rader, summa {kronor(page.total_amount)} · "
        f"sida {page.page} av {integer(page.page_count)} ({PAGE_SIZE} rader per sida)"
    )
    excel_download(
        "Ladda ner sidan som Excel",
        LINE_HEADERS,
        rows,
        notes=[*notes, f"Rader: {title}, sida {page.page} av {page.page_count}"],
        file_name="fakturarader.xlsx",
        key=f"{key}_excel",
    )
    return page
