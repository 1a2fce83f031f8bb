"""Inkorg (procurers): every need and feedback from the units, filtered,
counted, answered; every change recorded with who and when."""

import streamlit as st

from ui import cached
from ui.inbox import inbox_filter_widgets, inbox_table, need_statistics, status_metrics
from ui.page import page_start
from ui.triage import history_table, need_details, triage_form

state = page_start(
    "Inkorg", "Behov och återkoppling från enheterna, nyast först. Välj en rad för att svara.", empty=None
).state

inbox_filter, notes = inbox_filter_widgets(state)
status_metrics(cached.status_counts(state, inbox_filter))

rows = cached.inbox(state, inbox_filter)
if not rows:
    st.info("Inga behov eller synpunkter i urvalet.")
    st.stop()
need = inbox_table(rows, cached.need_count(state, inbox_filter), notes)
if need is not None:
    need_details(need)
    triage_form(state, need)
    history_table(cached.history(state, need.id))

need_statistics(state, inbox_filter)
