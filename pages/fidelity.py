"""Avtalstrohet (management): how high, where low, whether improving, and
where the off-contract money goes, down to the invoice lines."""

from dataclasses import replace

import streamlit as st

from data_access.core import clock
from data_access.core.periods import Period, partial_months
from data_access.figures.fidelity import Dimension
from ui import cached
from ui.charts import PARTIAL_MARK, fidelity_bars, fidelity_heatmap, fidelity_trend, target_rule
from ui.dashboard_filters import dashboard_filters, describe_view
from ui.drilldown import excel_download, show_lines
from ui.elsewhere import show_category_suppliers
from ui.text import md
from ui.theme import DEFINITIONS
from ui.widgets import (
    demo_notice,
    draw_chart,
    fidelity_dataframe,
    headline_cards,
    status_summary_caption,
    unclassified_warning,
)

BREAKDOWN_HEADERS = (
    "Kod",
    "Namn",
    "Avtalat",
    "Avtalsotroget",
    "Avtalslöst",
    "Ej påverkbart",
    "Oklassificerat",
    "Avtalstrohet (%)",
    "Leverantörstrohet (%)",
    "Avtalstäckning (%)",
    "Rader",
)

CHART_ROWS = 25  # bars in a breakdown chart; the table below holds every row

state = cached.data_state()
st.title("Avtalstrohet")
demo_notice(state)
in_data = cached.data_period(state)
if in_data.first is None or in_data.last is None:
    st.warning("Inga fakturarader finns ännu. Importera leverantörsfakturor under Importera data.")
    st.stop()

view = dashboard_filters(state, in_data)
period = view.period(in_data.last)
spend_filter = view.spend_filter(in_data.last)
notes = describe_view(state, view, period)
target = cached.load_targets(state).for_departments(view.department_ids)
target_value = float(target) if target is not None else None

figures = cached.fidelity_total(state, spend_filter)
earlier_filter = view.year_earlier(in_data.last)
earlier = cached.fidelity_total(state, earlier_filter)
headline_cards(
    figures,
    earlier if earlier.line_counts else None,
    target,
    Period(earlier_filter.date_from, earlier_filter.date_to),
)
st.caption(status_summary_caption(figures))
unclassified_warning(figures)
with st.expander("Så räknas siffrorna"):
    for definition in DEFINITIONS.values():
        st.caption(definition)

st.subheader("Utveckling per månad")
trend = cached.fidelity_breakdown(state, Dimension.MONTH, spend_filter)
unfinished = partial_months(in_data.first, in_data.last, clock.today())
draw_chart(fidelity_trend(trend, target_value, unfinished))
if any(month.strftime("%Y-%m") in set(trend["key"]) for month in unfinished):
    st.caption(
        f"{PARTIAL_MARK.strip()} Månaden är inte komplett: fakturaraderna går till och med "
        f"{in_data.last.isoformat()}. Den visas blekare."
    )


def breakdown(dimension: Dimension, title: str, key: str, scope=spend_filter, show_key: bool = True):
    """A sorted chart and a selectable table of one breakdown, with its Excel
    download; returns the frame and the selected row (or None)."""
    frame = cached.fidelity_breakdown(state, dimension, scope)
    if frame.empty:
        st.info("Inga fakturarader i urvalet.")
        return frame, None
    largest = frame.nlargest(CHART_ROWS, "in_scope_amount")
    chart = fidelity_bars(largest, title)
    draw_chart(chart + target_rule(target_value) if target_value is not None else chart)
    if len(frame) > CHART_ROWS:
        st.caption(
            f"Diagrammet visar de {CHART_ROWS} med störst påverkbar volym; tabellen visar alla {len(frame)}."
        )
    selected = fidelity_dataframe(frame, show_key=show_key, key=key)
    excel_download(
        f"Ladda ner {title.lower()} som Excel",
        BREAKDOWN_HEADERS,
        [tuple(row)[:11] for row in frame.itertuples(index=False)],
        notes=notes,
        file_name=f"avtalstrohet_{key}.xlsx",
        key=f"{key}_excel",
    )
    return frame, None if selected is None else frame.iloc[selected]


def drill(row, scope, attribute: str, key: str) -> None:
    """The lines behind a selected row: same filters plus that row's id."""
    chosen = replace(scope, **{attribute: (int(row["id"]),)})
    show_lines(state, chosen, title=str(row["label"]), notes=notes, key=key)


# Only the open tab runs (and queries); the open tab is part of the address too.
tabs = st.tabs(
    ["Förvaltningar", "Kategorier", "Leverantörer", "Förvaltning × kategori", "Vart går pengarna?"],
    key="vy",
    on_change="rerun",
    bind="query-params",
)
with tabs[0]:
    if tabs[0].open:
        st.caption("Välj en förvaltning i tabellen för att se dess enheter och fakturarader.")
        _, department = breakdown(Dimension.DEPARTMENT, "Förvaltning", "departments")
        if department is not None:
            in_department = replace(spend_filter, department_ids=(int(department["id"]),))
            st.subheader(f"Enheter i {md(department['label'])}")
            _, unit = breakdown(Dimension.UNIT, "Enhet", "units", scope=in_department)
            if unit is not None:
                drill(unit, in_department, "unit_ids", "unit_lines")
            else:
                drill(department, spend_filter, "department_ids", "department_lines")
with tabs[1]:
    if tabs[1].open:
        _, category = breakdown(Dimension.CATEGORY, "Kategori", "categories", show_key=False)
        if category is not None:
            drill(category, spend_filter, "category_ids", "category_lines")
with tabs[2]:
    if tabs[2].open:
        _, supplier = breakdown(Dimension.SUPPLIER, "Leverantör", "suppliers")
        if supplier is not None:
            drill(supplier, spend_filter, "supplier_ids", "supplier_lines")
with tabs[3]:
    if tabs[3].open:
        matrix = cached.fidelity_matrix(state, (Dimension.DEPARTMENT, Dimension.CATEGORY), spend_filter)
        cells = matrix.rename(columns={"first": "department", "second": "category"})
        cells = cells.dropna(subset=["fidelity_pct"])
        if cells.empty:
            st.info("Ingen påverkbar volym i urvalet.")
        else:
            draw_chart(fidelity_heatmap(cells))
with tabs[4]:
    if tabs[4].open:
        show_category_suppliers(state, spend_filter, notes)
