"""Vem köper vad (procurers): for one category, the units buying on contract
and the units buying the same things elsewhere: the people to call."""

import streamlit as st

from data_access.access.roles import Permission
from data_access.core import clock
from data_access.figures.fidelity import SpendFilter
from ui import cached
from ui.category_view import CategoryBuyers, categories_by_off_spend
from ui.drilldown import file_stem
from ui.format import long_date
from ui.page import page_start, stop_with
from ui.widgets import headline_cards, status_summary_caption

NOTHING_YET = "Inga fakturarader eller kategorier finns ännu."

start = page_start(
    "Vem köper vad",
    "Välj en kategori för att se vilka enheter som köper på avtal och vilka som köper utanför. "
    "Kategorierna med mest avtalsotrogna inköp står först.",
    empty=NOTHING_YET,
    permission=Permission.VIEW_CONTRACT_BUYERS,
)
state = start.state
categories = cached.categories(state)
if not categories:
    stop_with(NOTHING_YET)

period = start.recent
names = {option.id: option.name for option in categories}
ordered = categories_by_off_spend(state, categories, period)
category_id = st.selectbox("Kategori", ordered, format_func=names.__getitem__, key="category")
st.caption(f"Senaste 12 hela månaderna: {long_date(period.start)} – {long_date(period.end)}")
spend_filter = SpendFilter(period.start, period.end, category_ids=(category_id,))
figures = cached.fidelity_total(state, spend_filter)
headline_cards(figures)
st.caption(status_summary_caption(figures))

buyers = CategoryBuyers(
    state,
    start.viewer,
    category_id,
    names[category_id],
    spend_filter,
    notes=[
        f"Kategori: {names[category_id]}",
        f"Period: {long_date(period.start)} – {long_date(period.end)}",
        f"Uttaget {clock.today().isoformat()}",
    ],
    stem=file_stem(names[category_id]),
)
buyers.buyers_and_contacts()
buyers.suppliers()
