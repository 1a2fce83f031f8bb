"""Enhet (procurers): one unit's contact people, the contracts it buys on,
what it buys elsewhere and which contract it could have used, its needs and
its visit log. ``?unit=CODE`` opens a unit."""

import streamlit as st

from data_access.access.roles import Permission
from data_access.core import clock
from data_access.customers.needs import InboxFilter
from ui import cached
from ui.customer import follow_ups_table, needs_table, visits_table
from ui.page import page_start
from ui.text import md
from ui.unit_view import contacts, purchases, visit_form
from ui.widgets import deep_linked_choice, show_flash

# Contacts, needs and visits need no invoice lines.
start = page_start("Enhet", empty=None, permission=Permission.VIEW_CONTACTS)
state = start.state
by_code = {option.code: option for option in cached.units(state)}
code = deep_linked_choice(
    "Enhet",
    {value: by_code[value].label for value in sorted(by_code)},
    param="unit",
    key="unit_choice",
    placeholder="Sök enhet på kod eller namn",
    unknown="Enheten {} finns inte. Välj en enhet i listan.",
)
if code is None:
    st.header("Uppföljningar att göra")
    follow_ups_table(cached.open_follow_ups(state, start.viewer), clock.today())
    st.stop()
unit = by_code[code]
st.header(md(unit.label))
show_flash()

st.markdown("### Kontaktpersoner")
contacts(state, start.viewer, unit)

if start.in_data.last is not None:
    purchases(state, start.viewer, unit, start.recent)

st.markdown("### Behov och synpunkter")
about = InboxFilter(unit_ids=(unit.id,))
if start.viewer.may(Permission.VIEW_INBOX):  # submitters: the inbox's permission
    needs_table(cached.inbox(state, start.viewer, about, 200), cached.need_count(state, start.viewer, about))

st.markdown("### Besök och samtal")
visits_table(cached.visits(state, start.viewer, unit.id, None))
visit_form(state, start.viewer, unit)
