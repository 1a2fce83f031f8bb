"""Hitta avtal (ordering units): search the contracts and see who is
responsible for each."""

from datetime import date

import pandas as pd
import streamlit as st

from data_access.contracts import ContractState
from ui import cached
from ui.widgets import demo_notice

STATE_LABELS = {
    ContractState.ACTIVE: "Gäller",
    ContractState.EXPIRING: "Upphör inom 6 månader",
    ContractState.EXPIRED: "Har upphört",
    ContractState.UPCOMING: "Börjar gälla senare",
}

state = cached.data_state()
st.title("Hitta avtal")
st.write("Sök bland kommunens avtal och se vem som är avtalsansvarig.")
demo_notice(state)

search = st.columns([3, 2, 2])
text = search[0].text_input("Sök", placeholder="Avtal, kategori eller leverantör", key="search")
categories = cached.categories(state.url, state.version)
names = {option.id: option.name for option in categories}
category_ids = search[1].multiselect(
    "Kategori", list(names), format_func=names.__getitem__, placeholder="Alla kategorier", key="categories"
)
states = search[2].multiselect(
    "Status",
    list(STATE_LABELS),
    default=[ContractState.ACTIVE, ContractState.EXPIRING],
    format_func=STATE_LABELS.__getitem__,
    key="states",
)
listings = cached.contract_listings(
    state.url, state.version, text, tuple(category_ids), tuple(states), date.today()
)
st.caption(f"{len(listings)} avtal")
frame = pd.DataFrame(
    [
        {
            "Avtal": listing.reference,
            "Namn": listing.name,
            "Kategori": listing.category,
            "Leverantörer": listing.suppliers,
            "Gäller från": listing.valid_from,
            "Gäller till": listing.valid_to,
            "Status": STATE_LABELS[listing.state],
            "Avtalsansvarig": listing.manager_name,
            "E-post": listing.manager_email,
            "Telefon": listing.manager_phone,
            "Antal anbud": listing.bid_count,
            "Ett anbud": "Ja" if listing.bid_count == 1 else "",
            "Upphandlat av": listing.purchasing_body or "Kommunen",
        }
        for listing in listings
    ]
)
st.dataframe(
    frame,
    hide_index=True,
    width="stretch",
    column_config={
        "Gäller från": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "Gäller till": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "Antal anbud": st.column_config.NumberColumn(
            help="Ett enda anbud kan betyda att kraven stängde ute konkurrens."
        ),
    },
)
