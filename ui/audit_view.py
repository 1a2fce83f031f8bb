"""The admin's Granskningslogg page: the newest entries of the audit log in
Swedish words, filtered by action and actor, and how long the log is kept.

The log is read straight from the database on every run: it is outside the
data version (every sign-in writes to it), so a cache keyed on the version
would not see new entries. Every cell is text from the table, shown in a
dataframe (never as Markdown).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

import pandas as pd
import streamlit as st

from data_access.access import accounts, app_settings, audit, identity
from data_access.access.audit import AuditEntry
from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.core.db import engine_for, session_scope
from data_access.customers import contacts, needs, visits
from data_access.figures import targets
from data_access.importing import batches, service, upload_limit
from ui.cached import DataState
from ui.commands import run_command
from ui.format import count_text, integer
from ui.tables import records_table
from ui.widgets import count_caption, flash

R = TypeVar("R")

SHOWN = 500  # the newest entries the page lists; the filters reach older ones
EVERY = "__alla__"  # the filters' "no filter" choice (no action or e-mail is spelled so)

# The page's words for each action; an action not listed here (one added
# later) is shown as it is stored.
ACTION_LABELS: dict[str, str] = {
    accounts.SIGNED_IN: "Inloggning (lokalt konto)",
    accounts.SIGN_IN_REFUSED: "Nekad inloggning (lokalt konto)",
    identity.PROVIDER_SIGNED_IN: "Inloggning",
    identity.PROVIDER_REFUSED: "Nekad inloggning (okänd användare)",
    accounts.USER_ADDED: "Användare tillagd",
    accounts.USER_CHANGED: "Användare ändrad",
    accounts.USER_DISABLED: "Användare avstängd",
    app_settings.CHANGED: "Inställning ändrad",
    audit.PURGED: "Gamla poster borttagna",
    audit.EXPORT: "Nedladdning med personuppgifter",
    contacts.CONTACT_ADDED: "Kontaktperson tillagd",
    contacts.CONTACT_CHANGED: "Kontaktperson ändrad",
    contacts.CONTACT_REMOVED: "Kontaktperson borttagen",
    contacts.MANAGER_CHANGED: "Avtalsansvarig ändrad",
    needs.TRIAGED: "Ärende hanterat",
    visits.VISIT_ADDED: "Besök registrerat",
    service.IMPORTED: "Import",
    batches.UNDONE: "Import ångrad",
}

# What a subject's prefix names (``user:12`` is "användare 12").
SUBJECT_WORDS: dict[str, str] = {
    "user": "användare",
    "unit": "enhet",
    "contract": "avtal",
    "need": "behov",
    "person": "person",
    "batch": "import",
    "department": "förvaltning",
    "visit": "besök",
}
SETTING_NAMES: dict[str, str] = {
    identity.DOMAINS_SETTING: "kommunens e-postdomäner",
    identity.ACCESS_CONTACT_SETTING: "kontakt vid saknad behörighet",
    app_settings.BASE_URL_SETTING: "basadress i länkar",
    app_settings.RETENTION_SETTING: "granskningsloggens lagringstid",
    upload_limit.UPLOAD_LIMIT: "uppladdningsgräns",
    targets.OVERALL_TARGET: "målet för hela kommunen",
    targets.DIRECT_AWARD_LIMIT: "direktupphandlingsgränsen",
}


def _read(state: DataState, query: Callable[..., R], *args: object, **kwargs: object) -> R:
    with session_scope(engine_for(state.url)) as session:
        return query(session, *args, **kwargs)


def action_text(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def subject_text(subject: str | None) -> str:
    """``user:12`` → ``användare 12``; ``setting:audit_retention_months`` →
    ``inställning: granskningsloggens lagringstid``; anything else as stored."""
    if not subject:
        return ""
    kind, _, rest = subject.partition(":")
    if kind == "setting":
        return f"inställning: {SETTING_NAMES.get(rest, rest)}"
    if kind in SUBJECT_WORDS and rest:
        return f"{SUBJECT_WORDS[kind]} {rest}"
    return subject


def moment_text(moment: datetime) -> str:
    """``2026-03-14 10:15``."""
    return f"{moment:%Y-%m-%d %H:%M}"


def entries_frame(entries: Sequence[AuditEntry]) -> pd.DataFrame:
    return records_table(
        entries,
        {
            "Tid": lambda entry: moment_text(entry.at),
            "Vem": "actor",
            "Händelse": lambda entry: action_text(entry.action),
            "Gäller": lambda entry: subject_text(entry.subject),
            "Detaljer": lambda entry: entry.detail or "",
        },
    )


def _filters(facets: audit.LogFacets) -> tuple[str | None, str | None]:
    left, right = st.columns(2)
    action = left.selectbox(
        "Händelse",
        options=[EVERY, *facets.actions],
        format_func=lambda value: "Alla händelser" if value == EVERY else action_text(value),
        key="audit_action",
    )
    actor = right.selectbox(
        "Vem",
        options=[EVERY, *facets.actors],
        format_func=lambda value: "Alla" if value == EVERY else value,
        key="audit_actor",
    )
    return (None if action == EVERY else action), (None if actor == EVERY else actor)


def retention_section(state: DataState, viewer: Viewer) -> None:
    """How long the log is kept, how many entries are older, and (for whoever
    may change the settings) the purge."""
    months = _read(state, app_settings.retention_months)
    older = _read(state, audit.count_older_than, months, acting=viewer)
    st.header("Lagringstid")
    st.write(
        f"Loggen sparas i {integer(months)} månader (ändras under Inställningar). "
        f"{count_text(older, 'post är', 'poster är')} äldre än så."
    )
    st.caption(
        "Äldre poster tas bort med python -m data_access audit purge på servern, till exempel varje natt."
    )
    if not older or not viewer.may(Permission.MANAGE_SETTINGS):
        return
    if st.button("Ta bort de äldre posterna nu", icon=":material/delete:", key="audit_purge"):
        removed = run_command(state, audit.purge_older_than, months, acting=viewer)
        flash(f"{count_text(removed, 'post', 'poster')} togs bort.")
        st.rerun()


def audit_page(state: DataState, viewer: Viewer) -> None:
    """The whole page below its title."""
    facets = _read(state, audit.log_facets, acting=viewer)
    if not facets.total:
        st.info("Loggen är tom.", icon=":material/history:")
    else:
        action, actor = _filters(facets)
        entries = _read(state, audit.list_events, SHOWN, action=action, actor=actor, acting=viewer)
        total = facets.total if action is None and actor is None else len(entries)
        st.caption(count_caption(len(entries), total, "poster"))
        st.dataframe(entries_frame(entries), hide_index=True, width="stretch")
    retention_section(state, viewer)
