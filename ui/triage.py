"""One need chosen in the inbox: what the unit wrote, the procurer's triage
form and the need's history.

The unit's words, the submitter's name and address are their own text:
shown with ``st.text``, never as Markdown. Every saved change is recorded
as the signed-in person (``needs.triage`` takes the viewer), never a typed
name, in the need's history and in the audit log.
"""

from __future__ import annotations

import streamlit as st

from data_access.access.viewer import Viewer
from data_access.customers.needs import STATUSES, HistoryEvent, InboxRow, NeedError, Triage, triage
from ui.cached import DataState
from ui.commands import run_command
from ui.tables import records_table, swedish_table
from ui.text import md
from ui.theme import NEED_FIELD_LABELS, need_status_label, need_type_label

KNOWS_TEXT = {True: "ja", False: "nej", None: "–"}


def need_details(need: InboxRow) -> None:
    """The need as the unit sent it, with its feedback when it has any."""
    st.header(f"{md(need.reference)}: {md(need_type_label(need.need_type))}")
    st.text(  # the submitter's name and address are their own text: never Markdown
        f"{need.unit or 'Enhet saknas'} · {need.contract or need.category or 'inget avtal'} · "
        f"inkom {need.created_at:%Y-%m-%d}"
        + (f" · {need.submitter_name}" if need.submitter_name else "")
        + (f" <{need.submitter_email}>" if need.submitter_email else "")
    )
    st.text(need.text)  # the unit's own words, as text
    if need.good_text or need.less_good_text or need.supplier_rating or need.procurement_rating:
        st.markdown("**Återkoppling**")
        st.text(
            f"Leverantörens service: {need.supplier_rating or '–'} · Upphandlingsenhetens service: "
            f"{need.procurement_rating or '–'} · Vet vem som är avtalsansvarig: "
            f"{KNOWS_TEXT[need.knows_contract_manager]}"
        )
        if need.good_text:
            st.text(f"Bra: {need.good_text}")
        if need.less_good_text:
            st.text(f"Mindre bra: {need.less_good_text}")


def triage_form(state: DataState, viewer: Viewer, need: InboxRow) -> None:
    """Status, handler, the answer the unit sees and internal notes; saved
    as ``viewer``, and said in a toast."""
    with st.form(f"triage_{need.id}"):
        statuses = list(STATUSES)
        status = st.selectbox(
            "Status", statuses, index=statuses.index(need.status), format_func=need_status_label
        )
        assignee = st.text_input("Handläggare", value=need.assignee or "")
        answer = st.text_area("Svar till enheten (syns på kvittot)", value=need.answer or "", max_chars=5_000)
        internal = st.text_area(
            "Interna anteckningar (syns inte för enheten)", value=need.internal_notes or ""
        )
        st.caption(f"Ändringen sparas i historiken som {md(viewer.label)}.")
        if st.form_submit_button("Spara", type="primary"):
            change = Triage(status, assignee, answer, internal)
            try:
                changed = run_command(state, triage, need.id, change, acting=viewer)
            except NeedError as error:
                st.error(str(error))
            else:
                st.toast(f"{changed} ändringar sparade." if changed else "Inget ändrades.")
                st.rerun()


def shown_change(event: HistoryEvent) -> tuple[str, str | None, str | None]:
    """The field a history event changed and its old and new value, in the
    words the inbox uses (``Status``, ``Ny`` → ``Under behandling``)."""

    def shown(value: str | None) -> str | None:
        return need_status_label(value) if event.field == "status" and value else value

    return NEED_FIELD_LABELS.get(event.field, event.field), shown(event.old_value), shown(event.new_value)


def history_table(events: list[HistoryEvent]) -> None:
    """Every change to the need, oldest first: when, who, what, from, to."""
    if not events:
        return
    st.markdown("**Historik**")
    history = records_table(
        events,
        {
            "När": "changed_at",
            "Vem": "changed_by",
            "Fält": lambda event: shown_change(event)[0],
            "Från": lambda event: shown_change(event)[1],
            "Till": lambda event: shown_change(event)[2],
        },
    )
    st.dataframe(
        swedish_table(history, {"När": lambda moment: f"{moment:%Y-%m-%d %H:%M}"}),
        hide_index=True,
        width="stretch",
    )
