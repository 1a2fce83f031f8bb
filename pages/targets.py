"""Mål (management): the fidelity target overall and per department, which
the dashboard's cards and charts compare against."""

import streamlit as st

from ui import cached
from ui.format import typed_percent
from ui.page import page_start
from ui.targets_form import targets_form
from ui.widgets import show_flash

state = page_start("Mål", empty=None).state  # targets are set before any invoice is imported
st.caption(
    "Mål för avtalstroheten. Ett mål per förvaltning gäller när dashboarden visar just den "
    "förvaltningen; annars gäller det övergripande målet. Lämna fältet tomt för att ta bort ett mål."
)
show_flash()
targets = cached.load_targets(state)
targets_form(state, targets, cached.departments(state))
if targets.overall is not None:
    st.metric("Övergripande mål", typed_percent(targets.overall))
