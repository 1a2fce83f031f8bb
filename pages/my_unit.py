"""Min enhet (ordering units): the unit's own fidelity and trend, what it
bought off contract and which contract it could have used with that
contract's manager, and its own needs with status and answers.
``?enhet=CODE`` chooses among the viewer's own units; never another's."""

import streamlit as st

from data_access.access.roles import Permission
from ui import cached
from ui.my_unit_view import chosen_unit, fidelity_section, needs_section, no_unit, off_contract_section
from ui.page import NO_LINES, page_start
from ui.text import md

start = page_start(
    "Min enhet",
    "Hur mycket din enhet köper på avtal, vad den köper utanför avtal och vilket avtal som finns, "
    "och enhetens behov med status och svar.",
    permission=Permission.VIEW_OWN_UNIT,
    empty=None,  # the needs are shown without invoice lines
)
state, viewer = start.state, start.viewer
units = cached.my_units(state, viewer)
if not units:
    no_unit(state)
    st.stop()
unit = chosen_unit(units)
st.header(md(unit.label), anchor=False)

if start.in_data.last is None:
    st.caption(NO_LINES)
else:
    fidelity_section(state, viewer, unit, start.recent)
    off_contract_section(state, viewer, unit, start.recent)

needs_section(state, viewer, unit)
