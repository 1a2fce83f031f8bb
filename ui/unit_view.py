"""The unit page's blocks: its contact people (added, changed, removed), what
it buys on contract and elsewhere (with the Excel lists), and the form that
logs a visit. Every change goes through ``ui.commands.run_command`` for the
signed-in viewer, who is what the change and the audit log record (the visit
form asks for no name of who logs it); every download holding contact
details is logged."""

from __future__ import annotations

import streamlit as st

from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.core import clock
from data_access.core.periods import Period
from data_access.core.reference import Option
from data_access.customers.contacts import (
    ContactInput,
    add_unit_contact,
    remove_unit_contact,
    update_unit_contact,
)
from data_access.customers.unit_overview import UnitContractSpend
from data_access.customers.visits import VisitError, add_visit
from ui import cached
from ui.cached import DataState
from ui.commands import run_command
from ui.customer import contact_form, contact_table
from ui.drilldown import file_stem
from ui.format import kronor, long_date
from ui.reach import contact_download
from ui.tables import records_table, swedish_table
from ui.text import md
from ui.widgets import flash

REMOVE_ASKED = "remove_contact_asked"  # the person whose removal waits for a yes
VISIT_PROBLEMS = "visit_problems"


def contacts(state: DataState, viewer: Viewer, unit: Option) -> None:
    """The unit's contact people, and the forms that add, change and remove one."""
    people = cached.unit_contacts(state, viewer, (unit.id,))
    if people:
        contact_table(people)
    else:
        st.caption("Enheten har inga kontaktpersoner registrerade.")
    with st.expander("Lägg till kontaktperson"):
        contact_form(
            "new_contact",
            "Ny kontaktperson",
            lambda contact: run_command(state, add_unit_contact, unit.id, contact, acting=viewer),
        )
    if not people:
        return
    with st.expander("Ändra eller ta bort kontaktperson"):
        by_id = {contact.person_id: contact for contact in people}
        chosen = st.selectbox(
            "Kontaktperson", list(by_id), format_func=lambda pid: by_id[pid].name, key="edit_contact_choice"
        )
        person = by_id[chosen]
        contact_form(
            f"edit_contact_{chosen}",
            f"Ändra {person.name}",
            lambda contact: run_command(state, update_unit_contact, unit.id, chosen, contact, acting=viewer),
            initial=ContactInput(
                name=person.name, email=person.email or "", phone=person.phone or "", role=person.role
            ),
        )
        confirming = st.session_state.get(REMOVE_ASKED) == chosen
        if not confirming and st.button(f"Ta bort {md(person.name)} som kontaktperson", key="remove_contact"):
            st.session_state[REMOVE_ASKED] = chosen
            st.rerun()
        if confirming:
            st.warning(f"Vill du ta bort {md(person.name)} som kontaktperson för {md(unit.name)}?")
            yes, no = st.columns(2)
            if yes.button("Ja, ta bort", type="primary", key="remove_contact_yes"):
                run_command(state, remove_unit_contact, unit.id, chosen, acting=viewer)
                st.session_state.pop(REMOVE_ASKED, None)
                flash(f"{md(person.name)} är borttagen som kontaktperson.")
                st.rerun()
            if no.button("Avbryt", key="remove_contact_no"):
                st.session_state.pop(REMOVE_ASKED, None)
                st.rerun()


def _spend_list(
    state: DataState,
    viewer: Viewer,
    unit: Option,
    period: Period,
    rows: list[UnitContractSpend],
    heading: str,
    where: str,
) -> None:
    """One list of contracts with the unit's spend (``heading`` names the
    amount, ``where`` the list in the download) and its Excel, which holds
    the contract managers' addresses and is logged as a contact download."""
    table = records_table(
        rows,
        {
            "Avtal": "reference",
            "Namn": "name",
            heading: lambda row: float(row.amount),
            "Rader": "line_count",
            "Avtalsansvarig": "manager",
            "Kategori": "category",
        },
    )
    st.dataframe(swedish_table(table, {heading: kronor}), hide_index=True, width="stretch")
    contact_download(
        state,
        viewer,
        f"Ladda ner köpen {where} som Excel",
        ("Avtal", "Namn", heading, "Rader", "Avtalsansvarig", "E-post", "Kategori"),
        [(r.reference, r.name, r.amount, r.line_count, r.manager, r.manager_email, r.category) for r in rows],
        subject=f"unit:{unit.id}",
        notes=[
            f"Avtalsfokus: {unit.label}, köper {where}",
            f"Period: {long_date(period.start)} – {long_date(period.end)}",
            f"Uttaget {clock.today().isoformat()}",
        ],
        file_name=f"enhet_{file_stem(unit.code)}_köper_{file_stem(where)}.xlsx",
        key=f"unit_{file_stem(where)}_excel",
    )


def purchases(state: DataState, viewer: Viewer, unit: Option, period: Period) -> None:
    """The contracts the unit buys on, and those it could have bought on
    where it bought elsewhere, one under the other: side by side, both were
    cut at 1366 px."""
    overview = cached.unit_overview(state, unit.id, period)
    st.markdown("### Inköp senaste 12 hela månaderna")
    st.caption(f"{long_date(period.start)} – {long_date(period.end)}")
    for title, rows, heading, where in (
        ("Köper på avtal", overview.on_contract, "Köpt på avtalet", "på avtal"),
        ("Köper utanför avtal, fast avtal finns", overview.off_contract, "Köpt utanför", "utanför avtal"),
    ):
        st.markdown(f"**{title}**")
        if rows:
            _spend_list(state, viewer, unit, period, rows, heading, where)
        else:
            st.caption("Inga.")


def visit_form(state: DataState, viewer: Viewer, unit: Option) -> None:
    """Log a visit or a call (for a viewer who may); a refused value is shown
    in the form, which keeps what was typed. Who logged it is the viewer."""
    if not viewer.may(Permission.EDIT_VISITS):
        return
    listings = cached.search_contracts(state, clock.today())
    contract_names = {listing.id: f"{listing.reference} {listing.name}" for listing in listings}
    with st.expander("Nytt besök eller samtal"):
        problems = st.session_state.get(VISIT_PROBLEMS, {})
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
                    run_command(
                        state,
                        add_visit,
                        visit_date=visit_day,
                        unit_id=unit.id,
                        contract_id=contract_id,
                        participants=participants,
                        notes=notes,
                        follow_up_date=follow_up,
                        acting=viewer,
                    )
                except VisitError as error:
                    st.session_state[VISIT_PROBLEMS] = error.problems
                else:
                    st.session_state[VISIT_PROBLEMS] = {}
                    flash("Besöket är sparat.")
                st.rerun()
