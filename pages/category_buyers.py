"""Vem köper vad (procurers): for one category, the units buying on contract
and the units buying the same things elsewhere: the people to call."""

import streamlit as st

from data_access.fidelity import Dimension, SpendFilter
from data_access.periods import last_full_months
from ui import cached
from ui.format import long_date
from ui.widgets import demo_notice, fidelity_dataframe, headline_cards, status_summary_caption

state = cached.data_state()
st.title("Vem köper vad")
st.write(
    "Välj en kategori för att se vilka enheter som köper på avtal och vilka som köper utanför. "
    "Kategorierna med mest avtalsotrogna inköp står först."
)
demo_notice(state)
in_data = cached.data_period(state.url, state.version)
categories = cached.categories(state.url, state.version)
if in_data.last is None or not categories:
    st.warning("Inga fakturarader eller kategorier finns ännu.")
    st.stop()

period = last_full_months(in_data.last)
# Categories where the most money goes elsewhere come first.
by_category = cached.fidelity_table(
    state.url, state.version, Dimension.CATEGORY, SpendFilter(period.start, period.end)
)
off_spend = dict(zip(by_category["key"], by_category["off_amount"], strict=True))
names = {option.id: option.name for option in categories}
ordered = sorted(names, key=lambda option_id: -off_spend.get(names[option_id], 0.0))
category_id = st.selectbox("Kategori", ordered, format_func=names.__getitem__, key="category")
st.caption(f"Senaste 12 hela månaderna: {long_date(period.start)} – {long_date(period.end)}")
spend_filter = SpendFilter(period.start, period.end, category_ids=(category_id,))
figures = cached.fidelity_total(state.url, state.version, spend_filter)
headline_cards(figures)
st.caption(status_summary_caption(figures))

units = cached.fidelity_table(state.url, state.version, Dimension.UNIT, spend_filter)
buying_off = units[units["off_amount"] > 0].sort_values("off_amount", ascending=False)
buying_on = units[units["on_amount"] > 0].sort_values("on_amount", ascending=False)
left, right = st.columns(2)
with left:
    st.subheader(f"Köper utanför avtal ({len(buying_off)} enheter)")
    fidelity_dataframe(buying_off[["key", "label", "off_amount", "on_amount", "fidelity_pct"]])
with right:
    st.subheader(f"Köper på avtal ({len(buying_on)} enheter)")
    fidelity_dataframe(buying_on[["key", "label", "on_amount", "off_amount", "fidelity_pct"]])

suppliers = cached.fidelity_table(state.url, state.version, Dimension.SUPPLIER, spend_filter)
st.subheader("Leverantörer i kategorin")
fidelity_dataframe(
    suppliers.sort_values("off_amount", ascending=False)[
        ["key", "label", "on_amount", "off_amount", "line_count"]
    ]
)
