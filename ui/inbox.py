"""The inbox's parts: its filters (widgets in, an ``InboxFilter`` out), the
count per status, the list with its Excel export and the statistics per
contract or category with their charts.

Everything here reads the inbox for the signed-in viewer (the reads refuse
anyone without the inbox's permission). The Excel list holds the units' own
words about their work, so each download is logged in the audit log (who,
how many rows; never the text) when its button is clicked."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.access.viewer import Viewer
from data_access.core import clock
from data_access.customers.needs import InboxFilter, InboxRow, NeedStatsRow, record_inbox_export
from data_access.exports.excel import table_workbook
from ui import cached
from ui.cached import DataState
from ui.chart_figures import show_needs_by_type_figures, show_needs_per_month_figures
from ui.charts import PARTIAL_MARK, busiest_needs_chart, monthly_needs_chart
from ui.commands import run_command
from ui.drilldown import EXCEL_MIME
from ui.format import integer, month_name, whole_percent
from ui.tables import swedish_table
from ui.theme import NEED_STATUS_LABELS, NEED_TYPE_LABELS, need_status_label, need_type_label
from ui.widgets import choice_multiselect, count_caption, draw_chart

HEADERS = (  # what a procurer reads first comes first: the need and its status
    "Behov",
    "Status",
    "Inkom",
    "Enhet",
    "Avtal",
    "Typ",
    "Handläggare",
    "Svar",
    "Förvaltning",
    "Kategori",
    "Referens",
    "Leverantörens service",
    "Upphandlingens service",
)
DATE_HELP = "Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-03-14, eller välj i kalendern. Tomt: alla datum."
KNOWS_MANAGER = "Vet vem som är avtalsansvarig"
RATING_COLUMNS = ("Leverantörens service", "Upphandlingens service")


def contract_or_category(row: InboxRow) -> str | None:
    """What a need is about: its contract, else its category."""
    if row.contract:
        return row.contract
    return f"{row.category} (inget avtal)" if row.category else None


def inbox_filter_widgets(state: DataState) -> tuple[InboxFilter, list[str]]:
    """The filters, and the lines that describe them above an export."""
    first, second = st.columns(4), st.columns(4)
    listings = cached.search_contracts(state, clock.today())
    contracts = {listing.id: f"{listing.reference} {listing.name}" for listing in listings}
    categories = {option.id: option.name for option in cached.categories(state)}
    departments = {option.id: option.label for option in cached.departments(state)}
    statuses = choice_multiselect(
        first[0], "Status", NEED_STATUS_LABELS, key="inbox_status", placeholder="Alla"
    )
    contract_ids = choice_multiselect(first[1], "Avtal", contracts, key="inbox_contracts", placeholder="Alla")
    category_ids = choice_multiselect(
        first[2], "Kategori", categories, key="inbox_categories", placeholder="Alla"
    )
    types = choice_multiselect(first[3], "Typ", NEED_TYPE_LABELS, key="inbox_types", placeholder="Alla")
    department_ids = choice_multiselect(
        second[0], "Förvaltning", departments, key="inbox_departments", placeholder="Alla"
    )
    units = {option.id: option.label for option in cached.units(state, department_ids)}
    unit_ids = choice_multiselect(second[1], "Enhet", units, key="inbox_units", placeholder="Alla")
    date_from = second[2].date_input(
        "Inkom från", value=None, format="YYYY-MM-DD", key="inbox_from", help=DATE_HELP
    )
    date_to = second[3].date_input(
        "Inkom till", value=None, format="YYYY-MM-DD", key="inbox_to", help=DATE_HELP
    )
    chosen = InboxFilter(
        statuses=tuple(statuses),
        contract_ids=tuple(contract_ids),
        category_ids=tuple(category_ids),
        department_ids=tuple(department_ids),
        unit_ids=tuple(unit_ids),
        need_types=tuple(types),
        date_from=date_from,
        date_to=date_to,
    )

    def names(labels: dict, ids: list) -> str:
        return ", ".join(str(labels[i]) for i in ids) if ids else "alla"

    notes = [
        "Avtalsfokus: behov och återkoppling",
        f"Status: {names(NEED_STATUS_LABELS, statuses)}",
        f"Avtal: {names(contracts, contract_ids)}",
        f"Kategori: {names(categories, category_ids)}",
        f"Typ: {names(NEED_TYPE_LABELS, types)}",
        f"Förvaltning: {names(departments, department_ids)}; enhet: {names(units, unit_ids)}",
        f"Inkom: {date_from or 'från början'} – {date_to or 'i dag'}",
    ]
    return chosen, notes


def inbox_rows(rows: list[InboxRow]) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
    """Headers and rows for the table and its Excel export."""
    return HEADERS, [
        (
            row.text,
            need_status_label(row.status),
            row.created_at,
            row.unit,
            contract_or_category(row),
            need_type_label(row.need_type),
            row.assignee,
            row.answer,
            row.department,
            row.category,
            row.reference,
            row.supplier_rating,
            row.procurement_rating,
        )
        for row in rows
    ]


def status_metrics(counts: dict[str, int]) -> None:
    """One count per status, in the order a need moves through them."""
    for column, (status, label) in zip(
        st.columns(len(NEED_STATUS_LABELS)), NEED_STATUS_LABELS.items(), strict=True
    ):
        column.metric(label, counts.get(status, 0))


def inbox_table(
    state: DataState, viewer: Viewer, rows: list[InboxRow], total: int, notes: list[str]
) -> InboxRow | None:
    """The needs as a list to choose from, how many there are and the list
    as Excel (with the filters in ``notes``; each download logged as
    ``viewer``). Returns the chosen need."""
    headers, records = inbox_rows(rows)
    event = st.dataframe(
        swedish_table(
            pd.DataFrame.from_records(records, columns=headers), dict.fromkeys(RATING_COLUMNS, integer)
        ),
        hide_index=True,
        width="stretch",
        key="inbox_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "Behov": st.column_config.TextColumn(width="large"),
            "Status": st.column_config.TextColumn(width=150),
        },
    )
    shown_count = count_caption(len(rows), total, "ärenden")
    st.caption(f"{shown_count}. Välj en rad för att läsa hela texten och svara.")
    st.download_button(
        "Ladda ner listan som Excel",
        data=lambda: table_workbook(headers, records, notes=[*notes, shown_count]),
        file_name="behov.xlsx",
        mime=EXCEL_MIME,
        key="inbox_excel",
        icon=":material/download:",
        on_click=record_download,
        args=(state, viewer, len(records)),
    )
    return rows[event.selection.rows[0]] if event.selection.rows else None


def record_download(state: DataState, viewer: Viewer, rows: int) -> None:
    """The download button's callback: the audit entry for one inbox export."""
    run_command(state, record_inbox_export, rows, acting=viewer)


def need_statistics(state: DataState, viewer: Viewer, inbox_filter: InboxFilter) -> None:
    """Needs per contract or category: the busiest as a chart by type, every
    month as a chart (the running month marked), and a table of counts,
    average ratings and who knows the contract manager."""
    st.header("Per avtal och kategori")
    by = st.segmented_control(
        "Gruppera på",
        ["contract", "category"],
        format_func={"contract": "Avtal", "category": "Kategori"}.get,
        default="contract",
        key="inbox_stats_by",
    ) or "contract"
    rows = cached.need_stats(state, viewer, by, inbox_filter)
    if not rows:
        st.caption("Inga behov i urvalet.")
        return
    draw_chart(busiest_needs_chart(rows))
    show_needs_by_type_figures(rows, "Kategori" if by == "category" else "Avtal")
    running_month = clock.today().replace(day=1)
    draw_chart(monthly_needs_chart(rows, running_month))
    show_needs_per_month_figures(rows, running_month)
    if any(row.month == running_month for row in rows):
        st.caption(f"{PARTIAL_MARK.strip()} {month_name(running_month).capitalize()} pågår fortfarande.")
    st.dataframe(
        swedish_table(stats_summary(stats_frame(rows), by), {KNOWS_MANAGER: whole_percent}),
        hide_index=True,
        width="stretch",
    )


def stats_frame(rows: list[NeedStatsRow]) -> pd.DataFrame:
    return pd.DataFrame([row.__dict__ for row in rows])


_SUM_COLUMNS = (
    "supplier_rating_sum",
    "procurement_rating_sum",
    "ratings",
    "procurement_ratings",
    "knows_manager",
    "asked_knows_manager",
)


def stats_summary(stats: pd.DataFrame, by: str) -> pd.DataFrame:
    """One row per contract or category: needs, average ratings and the share
    who know the contract manager, from the sums ``need_stats`` grouped in SQL.
    Most needs first."""
    summary = stats.groupby("key", as_index=False).sum(numeric_only=True)
    summary = summary.assign(
        **{
            "Leverantörens service (snitt)": (summary["supplier_rating_sum"] / summary["ratings"]).round(1),
            "Upphandlingens service (snitt)": (
                summary["procurement_rating_sum"] / summary["procurement_ratings"]
            ).round(1),
            KNOWS_MANAGER: 100 * summary["knows_manager"] / summary["asked_knows_manager"],
        }
    )
    summary = summary.rename(columns={"key": "Kategori" if by == "category" else "Avtal", "needs": "Behov"})
    return summary.drop(columns=list(_SUM_COLUMNS)).sort_values("Behov", ascending=False)
