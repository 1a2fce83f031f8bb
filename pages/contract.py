"""Avtal (procurers): who buys on a contract, who buys the same things
elsewhere, and the people to call there. ``?contract=REF`` opens a contract."""

import streamlit as st

from data_access.access.roles import Permission
from data_access.core import clock
from data_access.customers.needs import InboxFilter
from ui import cached
from ui.contract_view import (
    BuyerTables,
    contacts,
    contract_header,
    manager_editor,
    single_bid_warning,
    suppliers_and_trend,
)
from ui.customer import needs_table, visits_table
from ui.format import long_date
from ui.page import page_start, stop_with
from ui.widgets import deep_linked_choice

NOTHING_YET = "Inga avtal eller fakturarader finns ännu."

start = page_start("Avtal", empty=NOTHING_YET, permission=Permission.VIEW_CONTRACT_BUYERS)
state = start.state
listings = cached.search_contracts(state, clock.today())
if not listings:
    stop_with(NOTHING_YET)

by_reference = {listing.reference: listing for listing in listings}
reference = deep_linked_choice(
    "Avtal",
    {ref: f"{ref} {by_reference[ref].name}" for ref in sorted(by_reference)},
    param="contract",
    key="contract_choice",
    placeholder="Sök avtal på nummer eller namn",
    unknown="Avtalet {} finns inte. Välj ett avtal i listan.",
)
if reference is None:
    st.stop()
contract = by_reference[reference]

contract_header(contract)
manager_editor(state, start.viewer, contract)
single_bid_warning(contract)

period = start.recent
st.caption(f"Inköp senaste 12 hela månaderna: {long_date(period.start)} – {long_date(period.end)}")
buyers = BuyerTables(state, start.viewer, contract, period)
buyers.show()

st.header("Kontaktpersoner")
contacts(state, start.viewer, contract, buyers.customers)

st.header("Leverantörerna och kategorins avtalstrohet")
suppliers_and_trend(state, contract, period)

st.header("Behov och synpunkter om avtalet")
about = InboxFilter(contract_ids=(contract.id,))
if start.viewer.may(Permission.VIEW_INBOX):  # submitters: the inbox's permission
    needs_table(cached.inbox(state, start.viewer, about, 200), cached.need_count(state, start.viewer, about))

st.header("Besök och samtal")
visits_table(cached.visits(state, start.viewer, None, contract.id))
