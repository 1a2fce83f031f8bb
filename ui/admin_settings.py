"""The admin's Inställningar page: the settings with their current values,
one form per group, each saved in one unit of work through ``run_command``.

``data_access.access.app_settings`` and ``data_access.importing.upload_limit``
check every value (a refusal is said in Swedish below its form, which keeps
what was typed) and write each change to the audit log. Targets and the
direct-award limit are changed where they are used, on Mål and
Direktupphandlingar: this page links there.

The values are read straight from the database on every run: a settings
page that showed a cached value after a change would be the one place where
that matters most.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from data_access.access import app_settings, audit, identity
from data_access.access.app_settings import AppSettings, SettingError
from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.core import config
from data_access.core.db import engine_for, session_scope
from data_access.importing import upload_limit
from data_access.importing.upload_limit import MAX_UPLOAD_MB, UploadLimitError
from ui import links
from ui.cached import DataState
from ui.commands import run_command
from ui.format import count_text
from ui.signed_in import require_viewer
from ui.text import md
from ui.widgets import flash

R = TypeVar("R")

TARGETS_PAGE = "pages/targets.py"
DIRECT_AWARDS_PAGE = "pages/direct_awards.py"
AUDIT_PAGE = "pages/audit_log.py"


def _read(state: DataState, query: Callable[..., R], *args: object, **kwargs: object) -> R:
    with session_scope(engine_for(state.url)) as session:
        return query(session, *args, **kwargs)


def save_access(session: Session, domains: str, contact: str, *, acting: Viewer) -> None:
    """The domains and the contact together: one refused value saves neither."""
    app_settings.set_municipal_domains(session, domains, acting=acting)
    app_settings.set_access_contact(session, contact, acting=acting)


def _saved(state: DataState, command: Callable[..., object], *args: object, what: str) -> None:
    """Run the form's command; say a refusal, or flash and rerun."""
    try:
        run_command(state, command, *args, acting=require_viewer(Permission.MANAGE_SETTINGS))
    except (SettingError, UploadLimitError) as error:
        st.error(f"{what} sparades inte: {md(error)}")
    else:
        flash(f"{what} är sparad.")
        st.rerun()


def access_form(state: DataState, current: AppSettings) -> None:
    st.header("Inloggning och åtkomst")
    with st.form("settings_access"):
        domains = st.text_area(
            "Kommunens e-postdomäner",
            value=", ".join(current.municipal_domains),
            key="setting_domains",
            help="Alla som loggar in med en adress i de här domänerna (och deras underdomäner) får söka "
            "avtal och lämna behov. Skriv domänerna med komma emellan, t.ex. lund.se, skola.lund.se. "
            "Lämna tomt så får bara upplagda användare och enheternas kontaktpersoner tillgång.",
        )
        contact = st.text_area(
            "Kontakt för den som saknar behörighet",
            value=current.access_contact or "",
            key="setting_access_contact",
            help="Visas på sidan 'Du har inte behörighet'. Lämna tomt så visas appens administratörer.",
        )
        submitted = st.form_submit_button("Spara", type="primary", key="save_access")
    if submitted:
        _saved(state, save_access, domains, contact, what="Inställningen för åtkomst")
    shown = _read(state, identity.access_contact)
    st.caption("Den som saknar behörighet ser nu:")
    st.text(shown)


def base_url_form(state: DataState, current: AppSettings) -> None:
    st.header("Adress i länkar")
    environment = config.configured_base_url()
    detected = links.detected_base_url()
    if current.base_url:
        source = "inställningen här"
    elif environment:
        source = "AVTALSFOKUS_BASE_URL på servern"
    elif detected:
        source = "adressen du når appen på just nu"
    else:
        source = "standardadressen"
    effective = links.public_base_url()  # what the links are built with, from the same rules
    st.caption(
        "Länkar som skickas till enheterna (formuläret för behov, kvittot) börjar med den här adressen. "
        "Inställningen gäller före AVTALSFOKUS_BASE_URL och före adressen appen nås på."
    )
    with st.form("settings_base_url"):
        url = st.text_input(
            "Basadress",
            value=current.base_url or "",
            key="setting_base_url",
            help="Hela adressen med https (eller http) först, och sökvägen om appen ligger under en, "
            "som avtal.kommun.se/avtalsfokus. Lämna tomt för att ta bort inställningen.",
        )
        submitted = st.form_submit_button("Spara", type="primary", key="save_base_url")
    if submitted:
        _saved(state, app_settings.set_base_url, url, what="Basadressen")
    st.caption(f"Länkarna börjar nu med ({source}):")
    st.code(effective, language=None)  # an address to copy, never a live link
    links.warn_if_local(effective)


def upload_form(state: DataState) -> None:
    st.header("Uppladdning")
    current = _read(state, upload_limit.upload_limit_mb)
    with st.form("settings_upload"):
        megabytes = st.number_input(
            "Största fil som importen tar emot (MB)",
            min_value=1,
            max_value=MAX_UPLOAD_MB,
            value=current,
            step=1,
            key="setting_upload_mb",
            help=f"Högst {MAX_UPLOAD_MB} MB, som är vad appens server tar emot.",
        )
        submitted = st.form_submit_button("Spara", type="primary", key="save_upload")
    if submitted:
        _saved(state, upload_limit.set_upload_limit, int(megabytes), what="Uppladdningsgränsen")


def retention_form(state: DataState, viewer: Viewer, current: AppSettings) -> None:
    st.header("Granskningslogg")
    with st.form("settings_retention"):
        months = st.number_input(
            "Spara granskningsloggen (månader)",
            min_value=1,
            max_value=app_settings.MAX_RETENTION_MONTHS,
            value=current.retention_months,
            step=1,
            key="setting_retention",
            help="Äldre poster tas bort med python -m data_access audit purge på servern "
            "(till exempel varje natt), eller på sidan Granskningslogg.",
        )
        submitted = st.form_submit_button("Spara", type="primary", key="save_retention")
    if submitted:
        _saved(state, app_settings.set_retention_months, int(months), what="Lagringstiden")
    older = _read(state, audit.count_older_than, current.retention_months, acting=viewer)
    st.caption(
        f"{count_text(older, 'post', 'poster')} i loggen är äldre än {current.retention_months} månader."
    )


def elsewhere_links() -> None:
    st.header("Mål och direktupphandlingsgräns")
    st.caption("De ändras på sidorna där de används:")
    st.page_link(TARGETS_PAGE, label="Mål för avtalstroheten", icon=":material/flag:")
    st.page_link(DIRECT_AWARDS_PAGE, label="Direktupphandlingsgränsen", icon=":material/warning:")


def settings_page(state: DataState, viewer: Viewer) -> None:
    """The whole page below its title."""
    current = _read(state, app_settings.load_settings)
    access_form(state, current)
    base_url_form(state, current)
    upload_form(state)
    retention_form(state, viewer, current)
    elsewhere_links()
