"""Avtalstrohet (management): fidelity broken down by department, unit,
category, supplier, month or year, for a chosen period."""

import streamlit as st

from data_access.fidelity import Dimension, SpendFilter
from data_access.periods import last_full_months
from ui import cached
from ui.charts import fidelity_bars, spend_by_status
from ui.widgets import demo_notice, fidelity_dataframe, headline_cards, status_summary_caption

BREAKDOWNS = {
    Dimension.DEPARTMENT: "Förvaltning",
    Dimension.UNIT: "Enhet",
    Dimension.CATEGORY: "Kategori",
    Dimension.SUPPLIER: "Leverantör",
    Dimension.MONTH: "Månad",
    Dimension.YEAR: "År",
}

state = cached.data_state()
st.title("Avtalstrohet")
demo_notice(state)
in_data = cached.data_period(state.url, state.version)
if in_data.first is None or in_data.last is None:
    st.warning("Inga fakturarader finns ännu.")
    st.stop()

default = last_full_months(in_data.last)
filters = st.columns([2, 2, 3])
chosen = filters[0].date_input(
    "Period",
    value=(default.start, default.end),
    min_value=in_data.first,
    max_value=in_data.last,
    format="YYYY-MM-DD",
    key="period",
)
dimension = filters[1].selectbox(
    "Dela upp per", list(BREAKDOWNS), format_func=BREAKDOWNS.__getitem__, key="breakdown"
)
departments = cached.departments(state.url, state.version)
department_ids = filters[2].multiselect(
    "Förvaltning",
    [option.id for option in departments],
    format_func={option.id: option.label for option in departments}.__getitem__,
    placeholder="Alla förvaltningar",
    key="departments",
)
if not isinstance(chosen, tuple) or len(chosen) != 2:
    st.info("Välj både start- och slutdatum för perioden.")
    st.stop()

spend_filter = SpendFilter(date_from=chosen[0], date_to=chosen[1], department_ids=tuple(department_ids))
figures = cached.fidelity_total(state.url, state.version, spend_filter)
headline_cards(figures)
st.caption(status_summary_caption(figures))

frame = cached.fidelity_table(state.url, state.version, dimension, spend_filter)
title = BREAKDOWNS[dimension]
if dimension in (Dimension.MONTH, Dimension.YEAR):
    st.altair_chart(spend_by_status(frame, "key", title), width="stretch")
else:
    worst = frame.dropna(subset=["fidelity_pct"]).nsmallest(25, "fidelity_pct")
    st.subheader(f"Lägst avtalstrohet per {title.lower()}")
    st.altair_chart(fidelity_bars(worst, title), width="stretch")
st.subheader(f"Alla per {title.lower()}")
fidelity_dataframe(frame, show_key=dimension not in (Dimension.CATEGORY, Dimension.MONTH, Dimension.YEAR))
