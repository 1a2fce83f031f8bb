"""Building blocks for the contract and unit pages: needs, visits and the
contact form. Everything a unit wrote is shown as plain text in tables,
never as Markdown or HTML."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import streamlit as st

from data_access.customers.contacts import ContactError, ContactInput
from data_access.customers.contract_buyers import Contact
from data_access.customers.needs import InboxRow
from data_access.customers.visits import VisitRecord
from ui.format import integer
from ui.inbox import contract_or_category
from ui.mail import mailto_address
from ui.tables import records_table, swedish_table
from ui.text import md
from ui.theme import need_status_label, need_type_label
from ui.widgets import count_caption, flash

CONTACT_FIELDS = {"name": "Namn", "role": "Roll", "email": "E-post", "phone": "Telefon"}


def contact_table(contacts: Sequence[Contact]) -> None:
    """Contact people with their e-mail addresses as mailto links."""
    linked = records_table(
        contacts,
        {
            "Namn": "name",
            "Roll": "role",
            "E-post": lambda contact: mailto_address(contact.email) if contact.email else None,
            "Telefon": "phone",
        },
    )
    st.dataframe(
        linked,
        hide_index=True,
        width="stretch",
        column_config={"E-post": st.column_config.LinkColumn(display_text=r"^mailto:(.*)$")},
    )


def needs_table(records: list[InboxRow], total: int | None = None) -> None:
    """Needs and feedback, the text and status first; with ``total``, says
    when the list shows only the first of them."""
    if not records:
        st.caption("Inga behov eller synpunkter ännu.")
        return
    frame = records_table(
        records,
        {
            "Behov": "text",
            "Status": lambda record: need_status_label(record.status),
            "Inkom": "created_at",
            "Enhet": "unit",
            "Avtal": contract_or_category,
            "Typ": lambda record: need_type_label(record.need_type),
            "Svar": "answer",
            "Leverantörens service (1–5)": "supplier_rating",
        },
    )
    st.dataframe(
        swedish_table(frame, {"Leverantörens service (1–5)": integer}),
        hide_index=True,
        width="stretch",
        column_config={"Behov": st.column_config.TextColumn(width="large")},
    )
    if total is not None and total > len(records):
        st.caption(count_caption(len(records), total, "behov och synpunkter"))


def visits_table(records: list[VisitRecord]) -> None:
    if not records:
        st.caption("Inga besök eller samtal ännu.")
        return
    frame = records_table(
        records,
        {
            "Datum": "visit_date",
            "Enhet": "unit_name",
            "Avtal": "contract",
            "Deltagare": "participants",
            "Anteckningar": "notes",
            "Följs upp": "follow_up_date",
            "Registrerat av": "recorded_by",
        },
    )
    st.dataframe(swedish_table(frame), hide_index=True, width="stretch")


OVERDUE = "försenad"


def follow_ups_table(records: list[VisitRecord], today: date) -> None:
    """Follow-ups not yet done: the date first, the overdue ones first and
    marked, and the unit, so a procurer sees whom to call today."""
    if not records:
        st.caption("Inga uppföljningar väntar.")
        return
    frame = records_table(
        records,
        {
            "Följs upp": "follow_up_date",
            "Läge": lambda visit: OVERDUE if visit.follow_up_date < today else "",
            "Enhet": "unit_name",
            "Avtal": "contract",
            "Besök": "visit_date",
            "Anteckningar": "notes",
        },
    )
    st.dataframe(
        swedish_table(frame).map(
            lambda value: "color: #B00020; font-weight: bold" if value == OVERDUE else "", subset=["Läge"]
        ),
        hide_index=True,
        width="stretch",
    )
    overdue = sum(1 for visit in records if visit.follow_up_date < today)
    if overdue:
        st.caption(f"{integer(overdue)} försenade: datumet har passerat utan att ett nytt besök loggats.")


def contact_form(
    key: str, title: str, save: Callable[[ContactInput], None], initial: ContactInput | None = None
) -> None:
    """A form for one contact person. On a refused value the form shows what
    is wrong next to the field and keeps everything typed; on success it
    empties itself (or keeps the saved values when editing)."""
    if st.session_state.pop(f"{key}_saved", False) and initial is None:
        for field in CONTACT_FIELDS:
            st.session_state[f"{key}_{field}"] = ""
    problems: dict[str, str] = st.session_state.get(f"{key}_problems", {})
    with st.form(key):
        st.markdown(f"**{md(title)}**")  # an "Ändra <name>" holds a name from the data
        values = {}
        for field, label in CONTACT_FIELDS.items():
            if initial is not None and f"{key}_{field}" not in st.session_state:
                st.session_state[f"{key}_{field}"] = getattr(initial, field) or ""
            values[field] = st.text_input(label + (" *" if field == "name" else ""), key=f"{key}_{field}")
            if field in problems:
                st.error(md(problems[field]))  # it may quote what was typed
        submitted = st.form_submit_button("Spara", type="primary")
    if submitted:
        try:
            save(ContactInput(**values))
        except ContactError as error:
            st.session_state[f"{key}_problems"] = error.problems
            st.rerun()
        st.session_state[f"{key}_problems"] = {}
        st.session_state[f"{key}_saved"] = True
        flash(f"Kontaktpersonen {md(values['name'].strip())} är sparad.")
        st.rerun()
