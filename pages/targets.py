"""Mål (management): the fidelity target overall and per department, which
the dashboard's cards and charts compare against."""

import streamlit as st

from data_access.access.roles import Permission
from ui import cached
from ui.format import typed_percent
from ui.page import page_start
from ui.targets_form import targets_form, targets_table
from ui.widgets import show_flash

# Targets are set before any invoice is imported.
start = page_start("Mål", empty=None, permission=Permission.VIEW_TARGETS)
state, viewer = start.state, start.viewer
may_edit = viewer.may(Permission.EDIT_TARGETS)  # ledning reads them; the admin sets them
st.caption(
    "Mål för avtalstroheten. Ett mål per förvaltning gäller när dashboarden visar just den "
    "förvaltningen; annars gäller det övergripande målet."
    + (" Lämna fältet tomt för att ta bort ett mål." if may_edit else "")
)
show_flash()
targets = cached.load_targets(state)
if may_edit:
    targets_form(state, targets, cached.departments(state), viewer)
else:
    targets_table(targets, cached.departments(state))
if targets.overall is not None:
    st.metric("Övergripande mål", typed_percent(targets.overall))
