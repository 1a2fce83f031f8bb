"""Enhet (procurers): one unit's contact people, the contracts it buys on,
what it buys elsewhere and which contract it could have used, its needs and
its visit log. ``?unit=CODE`` opens a unit."""


import pandas as pd
import streamlit as st

from data_access.core import clock
from data_access.core.db import engine_for, session_scope
from data_access.core.periods import last_full_months
from data_access.customers.contacts import (
    ContactInput,
    add_unit_contact,
    remove_unit_contact,
    update_unit_contact,
)
from data_access.customers.needs import InboxFilter
from data_access.customers.visits import VisitError, add_visit
from ui import cached
from ui.customer import contact_form, contact_table, follow_ups_table, needs_table, visits_table
from ui.drilldown import excel_download, file_stem
from ui.format import kronor, long_date
from ui.tables import swedish_table
from ui.text import md
from ui.widgets import deep_linked_choice, demo_notice, flash, show_flash

state = cached.data_state()
st.title("Enhet")
demo_notice(state)
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
    st.markdown("#### Uppföljningar att göra")
    follow_ups_table(cached.open_follow_ups(state), clock.today())
    st.stop()
unit = by_code[code]
st.subheader(md(unit.label))
show_flash()


def write(action) -> None:
    with session_scope(engine_for(state.url)) as session:
        action(session)


st.markdown("#### Kontaktpersoner")
contacts = cached.unit_contacts(state, (unit.id,))
if contacts:
    contact_table(
        pd.DataFrame(
            {
                "Namn": [c.name for c in contacts],
                "Roll": [c.role for c in contacts],
                "E-post": [c.email for c in contacts],
                "Telefon": [c.phone for c in contacts],
            }
        )
    )
else:
    st.caption("Enheten har inga kontaktpersoner registrerade.")
with st.expander("Lägg till kontaktperson"):
    contact_form(
        "new_contact",
        "Ny kontaktperson",
        lambda contact: write(lambda session: add_unit_contact(session, unit.id, contact)),
    )
if contacts:
    with st.expander("Ändra eller ta bort kontaktperson"):
        people = {contact.person_id: contact for contact in contacts}
        chosen = st.selectbox(
            "Kontaktperson", list(people), format_func=lambda pid: people[pid].name, key="edit_contact_choice"
        )
        person = people[chosen]
        contact_form(
            f"edit_contact_{chosen}",
            f"Ändra {person.name}",
            lambda contact: write(lambda session: update_unit_contact(session, unit.id, chosen, contact)),
            initial=ContactInput(
                name=person.name, email=person.email or "", phone=person.phone or "", role=person.role
            ),
        )
        confirming = st.session_state.get("remove_contact_asked") == chosen
        if not confirming and st.button(f"Ta bort {md(person.name)} som kontaktperson", key="remove_contact"):
            st.session_state["remove_contact_asked"] = chosen
            st.rerun()
        if confirming:
            st.warning(f"Vill du ta bort {md(person.name)} som kontaktperson för {md(unit.name)}?")
            yes, no = st.columns(2)
            if yes.button("Ja, ta bort", type="primary", key="remove_contact_yes"):
                write(lambda session: remove_unit_contact(session, unit.id, chosen))
                st.session_state.pop("remove_contact_asked", None)
                flash(f"{md(person.name)} är borttagen som kontaktperson.")
                st.rerun()
            if no.button("Avbryt", key="remove_contact_no"):
                st.session_state.pop("remove_contact_asked", None)
                st.rerun()

in_data = cached.data_period(state)
if in_data.last is not None:
    period = last_full_months(in_data.last)
    overview = cached.unit_overview(state, unit.id, period)
    st.markdown("#### Inköp senaste 12 hela månaderna")
    st.caption(f"{long_date(period.start)} – {long_date(period.end)}")
    for title, rows, heading, where in (  # one under the other: side by side, both were cut at 1366 px
        ("Köper på avtal", overview.on_contract, "Köpt på avtalet", "på avtal"),
        ("Köper utanför avtal, fast avtal finns", overview.off_contract, "Köpt utanför", "utanför avtal"),
    ):
        st.markdown(f"**{title}**")
        if not rows:
            st.caption("Inga.")
            continue
        st.dataframe(
            swedish_table(
                pd.DataFrame(
                    {
                        "Avtal": [row.reference for row in rows],
                        "Namn": [row.name for row in rows],
                        heading: [float(row.amount) for row in rows],
                        "Rader": [row.line_count for row in rows],
                        "Avtalsansvarig": [row.manager for row in rows],
                        "Kategori": [row.category for row in rows],
                    }
                ),
                {heading: kronor},
            ),
            hide_index=True,
            width="stretch",
        )
        excel_download(
            f"Ladda ner köpen {where} som Excel",
            ("Avtal", "Namn", heading, "Rader", "Avtalsansvarig", "E-post", "Kategori"),
            [
                (r.reference, r.name, r.amount, r.line_count, r.manager, r.manager_email, r.category)
                for r in rows
            ],
            notes=[
                f"Avtalsfokus: {unit.label}, köper {where}",
                f"Period: {long_date(period.start)} – {long_date(period.end)}",
                f"Uttaget {clock.today().isoformat()}",
            ],
            file_name=f"enhet_{file_stem(unit.code)}_köper_{file_stem(where)}.xlsx",
            key=f"unit_{file_stem(where)}_excel",
        )

st.markdown("#### Behov och synpunkter")
needs_table(
    cached.inbox(state, InboxFilter(unit_ids=(unit.id,)), 200),
    cached.need_count(state, InboxFilter(unit_ids=(unit.id,))),
)

st.markdown("#### Besök och samtal")
visits_table(cached.visits(state, unit.id, None))
listings = cached.search_contracts(state, clock.today())
contract_names = {listing.id: f"{listing.reference} {listing.name}" for listing in listings}
with st.expander("Nytt besök eller samtal"):
    problems = st.session_state.get("visit_problems", {})
    with st.form("new_visit"):
        visit_day = st.date_input("Datum", value=clock.today(), format="YYYY-MM-DD", key="visit_date")
        contract_id = st.selectbox(
            "Avtal (frivilligt)",
            list(contract_names),
            format_func=contract_names.__getitem__,
            index=None,
            key="visit_contract",
        )
        participants = st.text_input("Deltagare", key="visit_participants")
        notes = st.text_area("Anteckningar", key="visit_notes", max_chars=10_000)
        follow_up = st.date_input(
            "Följs upp",
            value=None,
            format="YYYY-MM-DD",
            key="visit_follow_up",
            help="Skriv datumet som ÅÅÅÅ-MM-DD eller välj i kalendern. Tomt: ingen uppföljning.",
        )
        for message in problems.values():
            st.error(message)
        if st.form_submit_button("Spara besöket", type="primary"):
            try:
                write(
                    lambda session: add_visit(
                        session,
                        visit_date=visit_day,
                        unit_id=unit.id,
                        contract_id=contract_id,
                        participants=participants,
                        notes=notes,
                        follow_up_date=follow_up,
                    )
                )
            except VisitError as error:
                st.session_state["visit_problems"] = error.problems
            else:
                st.session_state["visit_problems"] = {}
                flash("Besöket är sparat.")
            st.rerun()
