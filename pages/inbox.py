"""Inkorg (procurers): every need and feedback from the units, filtered,
counted, answered; every change recorded with the signed-in person and when."""

import streamlit as st

from data_access.access.roles import Permission
from ui import cached
from ui.inbox import inbox_filter_widgets, inbox_table, need_statistics, status_metrics
from ui.page import page_start
from ui.triage import history_table, need_details, triage_form

start = page_start(
    "Inkorg",
    "Behov och återkoppling från enheterna, nyast först. Välj en rad för att svara.",
    empty=None,
    permission=Permission.VIEW_INBOX,
)
state, viewer = start.state, start.viewer

inbox_filter, notes = inbox_filter_widgets(state)
status_metrics(cached.status_counts(state, viewer, inbox_filter))

rows = cached.inbox(state, viewer, inbox_filter)
if not rows:
    st.info("Inga behov eller synpunkter i urvalet.")
    st.stop()
need = inbox_table(state, viewer, rows, cached.need_count(state, viewer, inbox_filter), notes)
if need is not None:
    need_details(need)
    triage_form(state, viewer, need)
    history_table(cached.history(state, viewer, need.id))

need_statistics(state, viewer, inbox_filter)
