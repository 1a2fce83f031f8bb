"""Hitta avtal (everyone): search the contracts and see who is responsible
for each; procurers start their day with the two lists below the search."""

import streamlit as st

from data_access.access.roles import Permission
from data_access.core import clock
from data_access.customers.contracts import expiring_soonest_first, never_called_off
from ui import cached
from ui.catalogue_view import ContractLists, search
from ui.format import long_date
from ui.page import page_start

start = page_start(
    "Hitta avtal",
    "Sök bland kommunens avtal och se vem som är avtalsansvarig. Välj en rad för att se allt om avtalet.",
    empty=None,  # the contracts are there before any invoice
    permission=Permission.VIEW_CATALOGUE,
)
state, today = start.state, clock.today()
period = start.recent if start.in_data.last is not None else None
lists = ContractLists(state, today, period)

found = search(state, today)
st.caption(f"{len(found.listings)} avtal")
lists.show(
    found.listings,
    "catalogue",
    "Inga avtal matchar sökningen och filtren. Sök på en del av ett ord, eller välj fler statusar.",
    ("Ladda ner avtalen som Excel", found.notes, "avtal.xlsx"),
)

everything = cached.search_contracts(state, today)
expiring = expiring_soonest_first(everything)
st.header(f"Upphör inom 6 månader ({len(expiring)})")
st.caption("Planera nästa upphandling: hur trogna är enheterna i kategorin, och vilka behov är obesvarade?")
lists.show(
    expiring,
    "expiring",
    "Inga avtal upphör inom 6 månader.",
    (
        "Ladda ner avtalen som upphör som Excel",
        ["Avtalsfokus: avtal som upphör inom 6 månader, det som upphör först överst"],
        "avtal_som_upphör.xlsx",
    ),
)

if period is not None:
    unused = never_called_off(everything, lists.called_off, period.start)
    st.header(f"Ingen har köpt på avtalet de senaste 12 månaderna ({len(unused)})")
    st.caption("Avtal som gällt hela perioden utan ett enda avropat köp: vet enheterna om dem?")
    lists.show(
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
