"""Hitta avtal (everyone): search the contracts and see who is responsible
for each; procurers start their day with the two lists below the search."""

import streamlit as st

from data_access.core import clock
from data_access.core.periods import last_full_months
from data_access.customers.contracts import (
    ContractListing,
    ContractState,
    expiring_soonest_first,
    never_called_off,
)
from data_access.figures.fidelity import Dimension, SpendFilter
from ui import cached
from ui.catalogue import (
    STATE_LABELS,
    catalogue_download,
    contract_details,
    contract_table,
    fidelity_per_category,
    search_notes,
)
from ui.format import long_date
from ui.widgets import choice_multiselect, demo_notice

state = cached.data_state()
st.title("Hitta avtal")
st.write(
    "Sök bland kommunens avtal och se vem som är avtalsansvarig. Välj en rad för att se allt om avtalet."
)
demo_notice(state)

today = clock.today()
in_data = cached.data_period(state)
fidelity_by_category: dict[int, float | None] = {}
called_off: set[int] = set()
if in_data.last is not None:
    period = last_full_months(in_data.last)
    by_category = cached.fidelity_breakdown(state, Dimension.CATEGORY, SpendFilter(period.start, period.end))
    fidelity_by_category = fidelity_per_category(by_category)
    called_off = cached.contracts_called_off(state, period.start, period.end)
open_needs = cached.open_need_counts(state)


def show(listings: list[ContractListing], key: str, empty: str, download: tuple[str, list[str], str]) -> None:
    """A table of contracts, one of which can be chosen and shown in full,
    and its Excel download (label, notes, file name); ``empty`` instead of a
    table without rows (which would read "empty")."""
    if not listings:
        st.info(empty, icon=":material/info:")
        return
    chosen = contract_table(listings, fidelity_by_category, open_needs, key=key)
    label, notes, file_name = download
    catalogue_download(
        listings,
        fidelity_by_category,
        open_needs,
        label=label,
        notes=[*notes, f"Uttaget {today.isoformat()}"],
        file_name=file_name,
        key=f"{key}_excel",
    )
    if chosen is not None:
        fidelity = fidelity_by_category.get(chosen.category_id or -1)
        contract_details(chosen, fidelity, open_needs.get(chosen.id, 0), key=f"{key}_details")


search = st.columns([3, 2, 2, 2])
text = search[0].text_input("Sök", placeholder="Avtal, kategori, leverantör eller org.nr", key="search")
categories = cached.categories(state)
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
    select_all=False,  # Streamlit's bulk action reads "Select all"
)
supplier_options = {option.id: option.label for option in cached.suppliers(state)}
supplier_ids = choice_multiselect(
    search[3], "Leverantör", supplier_options, key="catalogue_suppliers", placeholder="Alla leverantörer"
)
listings = cached.search_contracts(
    state, today, text, tuple(category_ids), tuple(states), tuple(supplier_ids)
)
st.caption(f"{len(listings)} avtal")
show(
    listings,
    "catalogue",
    "Inga avtal matchar sökningen och filtren. Sök på en del av ett ord, eller välj fler statusar.",
    (
        "Ladda ner avtalen som Excel",
        search_notes(
            text,
            [names[option_id] for option_id in category_ids],
            states,
            [supplier_options[option_id] for option_id in supplier_ids],
        ),
        "avtal.xlsx",
    ),
)

everything = cached.search_contracts(state, today)
expiring = expiring_soonest_first(everything)
st.subheader(f"Upphör inom 6 månader ({len(expiring)})")
st.caption("Planera nästa upphandling: hur trogna är enheterna i kategorin, och vilka behov är obesvarade?")
show(
    expiring,
    "expiring",
    "Inga avtal upphör inom 6 månader.",
    (
        "Ladda ner avtalen som upphör som Excel",
        ["Avtalsfokus: avtal som upphör inom 6 månader, det som upphör först överst"],
        "avtal_som_upphör.xlsx",
    ),
)

if in_data.last is not None:
    unused = never_called_off(everything, called_off, period.start)
    st.subheader(f"Ingen har köpt på avtalet de senaste 12 månaderna ({len(unused)})")
    st.caption("Avtal som gällt hela perioden utan ett enda avropat köp: vet enheterna om dem?")
    show(
        unused,
        "unused",
        "Det har köpts på alla avtal som gällt de senaste 12 månaderna.",
        (
            "Ladda ner avtalen utan köp som Excel",
            [
                "Avtalsfokus: avtal utan ett enda avropat köp",
                f"Period: {long_date(period.start)} – {long_date(period.end)}",
            ],
            "avtal_utan_köp.xlsx",
        ),
    )
