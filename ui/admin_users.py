"""The admin's Användare page: who may sign in, with which roles and units,
and the forms that add a user, change their roles and units, and stop or
let them in again.

The users are read straight from the database on every run, not cached:
the user tables are outside the data version (``data_access.core.models``),
so a cache keyed on it would not see a change. Every change goes through
``run_command`` with the signed-in admin, and ``data_access.access.accounts``
checks the role, the rules (an ``enhet`` user has units, the last admin stays)
and writes the audit entry.

A rejected form keeps what was typed: the widgets keep their state and the
refusal is said below the form. A form that saved starts empty again: its
widgets get new keys (a generation counter in the session), since Streamlit
does not let a run change a widget's value after it was drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import pandas as pd
import streamlit as st

from data_access.access import accounts, identity
from data_access.access.accounts import AccountError, UserRow
from data_access.access.roles import Permission, Role
from data_access.access.viewer import Viewer
from data_access.core.db import engine_for, session_scope
from data_access.core.reference import Option
from ui import cached
from ui.cached import DataState
from ui.commands import run_command
from ui.signed_in import require_viewer
from ui.signin import provider_configured
from ui.tables import records_table, swedish_table
from ui.text import md
from ui.widgets import flash

R = TypeVar("R")

ROLE_NAMES = identity.DEMO_ROLE_NAMES  # ledning, upphandlare, enhet, administratör
ROLE_HELP = (
    "ledning: översikt, avtalstrohet, mål och direktupphandlingar (läsa) och Hitta avtal. "
    "upphandlare: avtal, enheter, kontaktpersoner, besök, inkorgen och importer. "
    "enhet: Hitta avtal, Lämna behov och den egna enhetens sida (välj enheterna). "
    "administratör: användare, inställningar och granskningsloggen."
)
IMPLICIT_ACCESS = (
    "Alla behöver inte läggas upp här. Den som är kontaktperson för en enhet (från "
    "organisationsimporten) blir enhetsanvändare för den enheten när hen loggar in, och alla med en "
    "e-postadress i kommunens egna domäner (Inställningar) får söka avtal och lämna behov. En "
    "användare här får sina roller utöver det; en avstängd användare kommer inte in alls."
)
GENERATION_KEY = "_admin_add_user_generation"
USER_COLUMNS = ("E-post", "Namn", "Roller", "Enheter", "Avstängd", "Lokalt lösenord")


def _read(state: DataState, query: Callable[..., R], *args: object, **kwargs: object) -> R:
    """One uncached read of the user tables (outside the data version)."""
    with session_scope(engine_for(state.url)) as session:
        return query(session, *args, **kwargs)


def role_text(roles: Sequence[str]) -> str:
    """``ledning, enhet`` in the page's words, in the roles' own order."""
    held = set(roles)
    return ", ".join(ROLE_NAMES[role] for role in Role if role.value in held)


def users_frame(rows: Sequence[UserRow]) -> pd.DataFrame:
    """The user list as the page shows it; every cell is text from the table."""
    return records_table(
        rows,
        {
            "E-post": "email",
            "Namn": lambda row: row.display_name or "",
            "Roller": lambda row: role_text(row.roles),
            "Enheter": lambda row: ", ".join(row.unit_codes),
            "Avstängd": "disabled",
            "Lokalt lösenord": "has_password",
        },
    )


def _role_options() -> list[str]:
    return [role.value for role in Role]


def _unit_picker(label: str, units: Sequence[Option], *, default: Sequence[str] = (), key: str) -> list[str]:
    labels = {unit.code: unit.label for unit in units}
    return st.multiselect(
        label,
        options=list(labels),
        default=[code for code in default if code in labels],
        format_func=lambda code: labels.get(code, code),
        key=key,
        help="Bara för rollen enhet: de enheter användaren ser och lämnar behov för.",
        placeholder="Välj enheter",
    )


def users_section(state: DataState, viewer: Viewer) -> list[UserRow]:
    """The table of every user; returns the rows for the forms below."""
    rows = _read(state, accounts.list_users, acting=viewer)
    st.header("Användare")
    st.caption(IMPLICIT_ACCESS)
    if not rows:
        st.info("Inga användare är upplagda ännu.", icon=":material/person_off:")
        return rows
    st.dataframe(swedish_table(users_frame(rows)), hide_index=True, width="stretch")
    return rows


def add_user_form(state: DataState, units: Sequence[Option]) -> None:
    """E-mail, name, roles and units (and a password where local accounts are
    how people sign in); saved together or not at all."""
    generation = st.session_state.get(GENERATION_KEY, 0)
    local_accounts = not provider_configured()
    st.header("Lägg till användare")
    with st.form(f"add_user_{generation}"):
        email = st.text_input("E-postadress", key=f"add_email_{generation}")
        name = st.text_input("Namn (visas i appen)", key=f"add_name_{generation}")
        roles = st.multiselect(
            "Roller",
            options=_role_options(),
            format_func=lambda role: ROLE_NAMES[Role(role)],
            key=f"add_roles_{generation}",
            help=ROLE_HELP,
            placeholder="Välj roller",
        )
        unit_codes = _unit_picker("Enheter", units, key=f"add_units_{generation}")
        password = ""
        if local_accounts:
            password = st.text_input(
                "Lösenord (lämna tomt om användaren loggar in via kommunens inloggning)",
                type="password",
                autocomplete="new-password",
                key=f"add_password_{generation}",
            )
        submitted = st.form_submit_button("Lägg till", type="primary", icon=":material/person_add:")
    if not submitted:
        return
    try:
        user = run_command(
            state,
            accounts.add_user,
            email,
            roles=roles,
            unit_codes=unit_codes,
            password=password or None,
            display_name=name,
            acting=require_viewer(Permission.MANAGE_USERS),
        )
    except AccountError as error:
        st.error(f"Användaren lades inte till: {md(error)}")  # quotes what was typed; the form keeps it
        return
    st.session_state[GENERATION_KEY] = generation + 1
    flash(f"{md(user.email)} är tillagd ({role_text(roles)}).")
    st.rerun()


def change_user_form(state: DataState, rows: Sequence[UserRow], units: Sequence[Option]) -> None:
    """Pick a user; change their roles and units, or stop or let them in again."""
    if not rows:
        return
    st.header("Ändra användare")
    by_email = {row.email: row for row in rows}
    email = st.selectbox("Användare", options=list(by_email), key="change_user")
    row = by_email[email]
    with st.form(f"change_user_{row.id}"):
        roles = st.multiselect(
            "Roller",
            options=_role_options(),
            default=list(row.roles),
            format_func=lambda role: ROLE_NAMES[Role(role)],
            key=f"change_roles_{row.id}",
            help=ROLE_HELP,
        )
        unit_codes = _unit_picker("Enheter", units, default=row.unit_codes, key=f"change_units_{row.id}")
        saved = st.form_submit_button("Spara roller och enheter", type="primary")
    if saved:
        try:
            run_command(
                state,
                accounts.set_roles,
                row.email,
                roles,
                unit_codes=unit_codes,
                acting=require_viewer(Permission.MANAGE_USERS),
            )
        except AccountError as error:
            st.error(f"Ändringen sparades inte: {md(error)}")
        else:
            flash(f"Rollerna för {md(row.email)} är sparade.")
            st.rerun()
    _access_button(state, row)
    if not provider_configured():
        _password_form(state, row)


def _password_form(state: DataState, row: UserRow) -> None:
    """A new local password (where local accounts are how people sign in).
    The field empties on every submit, refused or not: a password is never
    kept in the session for the next run."""
    with st.form(f"password_{row.id}", clear_on_submit=True):
        password = st.text_input(
            "Nytt lösenord", type="password", autocomplete="new-password", key=f"password_{row.id}_new"
        )
        saved = st.form_submit_button("Byt lösenord", key=f"save_password_{row.id}")
    if not saved:
        return
    try:
        run_command(
            state, accounts.set_password, row.email, password, acting=require_viewer(Permission.MANAGE_USERS)
        )
    except AccountError as error:
        st.error(f"Lösenordet byttes inte: {md(error)}")
    else:
        flash(f"{md(row.email)} har ett nytt lösenord.")
        st.rerun()


def _access_button(state: DataState, row: UserRow) -> None:
    if row.disabled:
        st.caption("Användaren är avstängd och kan inte logga in.")
        pressed = st.button("Släpp in igen", icon=":material/lock_open:", key=f"enable_{row.id}")
        command, done = accounts.enable_user, "kan logga in igen"
    else:
        pressed = st.button("Stäng av", icon=":material/block:", key=f"disable_{row.id}")
        command, done = accounts.disable_user, "är avstängd"
    if not pressed:
        return
    try:
        run_command(state, command, row.email, acting=require_viewer(Permission.MANAGE_USERS))
    except AccountError as error:
        st.error(md(error))
    else:
        flash(f"{md(row.email)} {done}.")
        st.rerun()


def users_page(state: DataState, viewer: Viewer) -> None:
    """The whole page below its title."""
    rows = users_section(state, viewer)
    units = cached.units(state)
    add_user_form(state, units)
    change_user_form(state, rows, units)
