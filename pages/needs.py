"""Lämna behov (ordering units): tell the procurement unit, in your own words,
what you need from a contract and how it works; follow it up through the
receipt link. ``?contract=REF&unit=CODE`` fills in both; ``?kvitto=TOKEN``
shows a submission, its status and the answer."""

import streamlit as st

from data_access.access.roles import Permission
from ui import cached
from ui.needs_form import confirmation, need_about, need_form, receipt_lookup, receipt_view, submit
from ui.page import page_start
from ui.signed_in import current_viewer

token = st.query_params.get("kvitto")
if token:  # open without sign-in: the token is the key, and lookups are rate-limited
    receipt_view(receipt_lookup(token, current_viewer()))  # stops the page

start = page_start(
    "Lämna behov",
    "Berätta med egna ord vad ni behöver av ett avtal eller hur det fungerar: förpackningsstorlekar, "
    "leveranser, sortiment, leverantörens service. Upphandlingsenheten läser allt och svarar.",
    empty=None,
    permission=Permission.SUBMIT_NEEDS,
)
state, viewer = start.state, start.viewer
about, problems = need_about(state, viewer)
need = need_form(about, problems)
if need is not None:
    submit(state, viewer, need)  # reruns the page
saved = st.session_state.get("need_receipt")
confirmation(problems, cached.receipt(state, saved) if saved else None)
