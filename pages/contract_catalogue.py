"""Hitta avtal (everyone): search the contracts and see who is responsible
for each; procurers start their day with the two lists below the search."""

from datetime import date

import pandas as pd
import streamlit as st

from data_access.contracts import ContractListing, ContractState, expiring_soonest_first, never_called_off
from data_access.fidelity import Dimension, SpendFilter
from data_access.periods import last_full_months
from ui import cached
from ui.widgets import choice_multiselect, demo_notice

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

today = date.today()
in_data = cached.data_period(state.url, state.version)
fidelity_by_category: dict[str, float] = {}
called_off: set[int] = set()
if in_data.last is not None:
    period = last_full_months(in_data.last)
    by_category = cached.fidelity_table(
        state.url, state.version, Dimension.CATEGORY, SpendFilter(period.start, period.end)
    )
    fidelity_by_category = dict(zip(by_category["key"], by_category["fidelity_pct"], strict=True))
    called_off = cached.called_off(state.url, state.version, period.start, period.end)
open_needs = cached.open_needs(state.url, state.version)


def contract_frame(listings: list[ContractListing]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Avtal": f"/avtal?contract={listing.reference}",
                "Namn": listing.name,
                "Kategori": listing.category,
                "Leverantörer": listing.suppliers,
                "Gäller från": listing.valid_from,
                "Gäller till": listing.valid_to,
                "Status": STATE_LABELS[listing.state],
                "Avtalstrohet i kategorin": fidelity_by_category.get(listing.category),
                "Öppna behov": open_needs.get(listing.id, 0),
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


COLUMNS = {
    "Avtal": st.column_config.LinkColumn(
        help="Öppna avtalet: vilka som köper på det och vilka som köper utanför",
        display_text=r"contract=(.*)$",
    ),
    "Gäller från": st.column_config.DateColumn(format="YYYY-MM-DD"),
    "Gäller till": st.column_config.DateColumn(format="YYYY-MM-DD"),
    "Avtalstrohet i kategorin": st.column_config.NumberColumn(
        format="%.1f %%", help="Senaste 12 hela månaderna, hela kategorin"
    ),
    "Antal anbud": st.column_config.NumberColumn(
        help="Ett enda anbud kan betyda att kraven stängde ute konkurrens."
    ),
}


def show(listings: list[ContractListing], key: str) -> None:
    st.dataframe(contract_frame(listings), hide_index=True, width="stretch", column_config=COLUMNS, key=key)


search = st.columns([3, 2, 2, 2])
text = search[0].text_input("Sök", placeholder="Avtal, kategori eller leverantör", key="search")
categories = cached.categories(state.url, state.version)
names = {option.id: option.name for option in categories}
category_ids = choice_multiselect(
    search[1], "Kategori", names, key="categories", placeholder="Alla kategorier"
)
states = search[2].multiselect(
    "Status",
    list(STATE_LABELS),
    default=[ContractState.ACTIVE, ContractState.EXPIRING],
    format_func=STATE_LABELS.__getitem__,
    key="states",
)
supplier_options = {option.id: option.label for option in cached.suppliers(state.url, state.version)}
supplier_ids = choice_multiselect(
    search[3], "Leverantör", supplier_options, key="catalogue_suppliers", placeholder="Alla leverantörer"
)
listings = cached.contract_listings(
    state.url, state.version, text, tuple(category_ids), tuple(states), today, tuple(supplier_ids)
)
st.caption(f"{len(listings)} avtal")
show(listings, "catalogue")

everything = cached.contract_listings(state.url, state.version, "", (), (), today)
expiring = expiring_soonest_first(everything)
st.subheader(f"Upphör inom 6 månader ({len(expiring)})")
st.caption("Planera nästa upphandling: hur trogna är enheterna i kategorin, och vilka behov är obesvarade?")
show(expiring, "expiring")

if in_data.last is not None:
    unused = never_called_off(everything, called_off, period.start)
    st.subheader(f"Ingen har köpt på avtalet de senaste 12 månaderna ({len(unused)})")
    st.caption("Avtal som gällt hela perioden utan ett enda avropat köp: vet enheterna om dem?")
    show(unused, "unused")
