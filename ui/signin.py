"""Sign-in: who the run acts for, and the pages a visitor sees before that.

Three ways in, chosen by configuration, never by the visitor:

* **The identity provider** (OpenID Connect through ``st.login``) when
  ``.streamlit/secrets.toml`` has an ``[auth]`` section. The signed-in e-mail
  (and the provider's ``roles`` claim) becomes a viewer through
  ``data_access.access.identity``. Streamlit's sign-in cookie lives 30 days
  and Streamlit does not look at the ID token's ``exp``: :func:`run_viewer`
  signs the person out once it has passed (real time: ``clock.epoch_seconds``).
* **Local accounts** (``python -m data_access users add ... --password-stdin``)
  where no provider is configured: e-mail and password, argon2 and the
  per-account slowdown in ``data_access.access.accounts``.
* **Demo users**, one per role, only on the embedded demo database.

Who is signed in locally or as a demo user is kept in the session (per
browser tab), and resolved again on every run, so a disabled account stops at
the next click. AppTest's ``at.user`` fakes the provider's ``st.user``.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from data_access.access import accounts, identity
from data_access.access.roles import AccessDenied, Permission, Role
from data_access.access.viewer import Viewer
from data_access.core import clock
from data_access.core.config import is_default_database
from data_access.core.db import engine_for, session_scope
from ui import accessibility
from ui.cached import DataState

LOCAL_EMAIL_KEY = "_signed_in_email"  # a local account's e-mail, after its password was right
DEMO_ROLE_KEY = "_demo_role"  # the demo role chosen on the sign-in page
AUDITED_KEY = "_provider_sign_in_logged"  # the provider sign-in of this session is in the audit log


@dataclass(frozen=True)
class NoAccess:
    """Signed in at the identity provider, but unknown to the app."""

    email: str


def provider_configured() -> bool:
    """True when ``secrets.toml`` configures an identity provider (``[auth]``)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False
    except Exception:  # an unreadable secrets file is no provider; Streamlit logs why
        return False


def demo_sign_in_offered(state: DataState) -> bool:
    """Demo users only on the embedded demo database, never on real data."""
    return state.is_demo and is_default_database(state.url)


def _token_expired(expires: object) -> bool:
    if isinstance(expires, bool) or not isinstance(expires, int | float):
        return False
    return expires <= clock.epoch_seconds()


def run_viewer(state: DataState) -> Viewer | NoAccess | None:
    """Who this run acts for: a viewer, a provider sign-in the app does not
    know (:class:`NoAccess`), or ``None`` for a visitor not signed in."""
    user = st.user
    if user.get("is_logged_in"):
        if _token_expired(user.get("exp")):
            st.logout()  # clears the sign-in cookie; this run goes on as a visitor's
            st.session_state.pop(AUDITED_KEY, None)
            return None
        email = str(user.get("email") or "")
        claim = user.get("roles") or ()
        roles = [claim] if isinstance(claim, str) else [str(role) for role in claim]
        with session_scope(engine_for(state.url)) as session:
            viewer = identity.resolve_viewer(session, email, str(user.get("name") or ""), roles)
        if not st.session_state.get(AUDITED_KEY):
            with session_scope(engine_for(state.url)) as session:
                identity.record_provider_sign_in(session, email, viewer)
            st.session_state[AUDITED_KEY] = True
        return viewer if viewer is not None else NoAccess(email)
    email = st.session_state.get(LOCAL_EMAIL_KEY)
    if email:
        with session_scope(engine_for(state.url)) as session:
            viewer = identity.resolve_viewer(session, email)
        if viewer is None:
            st.session_state.pop(LOCAL_EMAIL_KEY, None)
        return viewer
    role = st.session_state.get(DEMO_ROLE_KEY)
    if role and demo_sign_in_offered(state):
        with session_scope(engine_for(state.url)) as session:
            return identity.demo_viewer(session, Role(role))
    return None


def sign_out() -> None:
    """End the sign-in: the provider's cookie, or the session's local or demo user."""
    st.session_state.pop(LOCAL_EMAIL_KEY, None)
    st.session_state.pop(DEMO_ROLE_KEY, None)
    st.session_state.pop(AUDITED_KEY, None)
    if st.user.get("is_logged_in"):
        st.logout()  # sends the browser to the provider's sign-out
        st.stop()  # a rerun here would drop that message, and the sign-in cookie would stay
    st.rerun()


def _sign_in_locally(state: DataState, email: str, password: str) -> str | None:
    """Check the password; None when it was right, else the refusal's words."""
    with session_scope(engine_for(state.url)) as session:
        outcome = accounts.authenticate(session, email, password)
    if isinstance(outcome, accounts.SignInRefusal):
        return outcome.message
    st.session_state[LOCAL_EMAIL_KEY] = outcome.email
    return None


def sign_in_page(state: DataState) -> None:
    """The only page a visitor who is not signed in gets."""
    st.title("Logga in")
    st.write("Avtalsfokus visar avtalstrohet, vem som köper på avtalen och enheternas behov.")
    accessibility.link()  # the statement the law requires, reachable without an account
    if provider_configured():
        st.write("Logga in med ditt konto i kommunen.")
        if st.button("Logga in", type="primary", icon=":material/login:"):
            st.login()
        return
    if demo_sign_in_offered(state):
        _demo_buttons()
    _local_form(state)


def _demo_buttons() -> None:
    st.info(
        "Det här är en demo med en påhittad kommun. Välj vem du vill vara: varje roll ser sina sidor.",
        icon=":material/science:",
    )
    columns = st.columns(len(Role))
    for column, role in zip(columns, Role, strict=True):
        label = f"Logga in som demoanvändare ({identity.DEMO_ROLE_NAMES[role]})"
        if column.button(label, key=f"demo_{role.value}", use_container_width=True):
            st.session_state[DEMO_ROLE_KEY] = role.value
            st.rerun()


def _local_form(state: DataState) -> None:
    with st.form("local_sign_in", width=480):  # a sign-in form, not a page-wide one
        st.header("Med e-post och lösenord")
        email = st.text_input("E-postadress", autocomplete="username")
        password = st.text_input("Lösenord", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Logga in", type="primary")
    if submitted:
        refusal = _sign_in_locally(state, email, password)
        if refusal is None:
            st.rerun()
        st.error(refusal, width=480)  # under the form, as wide as it
    with session_scope(engine_for(state.url)) as session:
        contact = identity.access_contact(session)
    st.caption("Har du inget konto eller har glömt lösenordet?")
    st.text(contact)  # the admin's own words: shown as text


def no_access_page(state: DataState, refused: NoAccess) -> None:
    """A provider sign-in the app does not know: say so, and whom to ask."""
    st.title("Du har inte behörighet")
    with session_scope(engine_for(state.url)) as session:
        contact = identity.access_contact(session)
    st.text(f"Du är inloggad som {refused.email or 'okänd'}, men har ingen behörighet i Avtalsfokus.")
    st.text(contact)
    if st.button("Logga ut", icon=":material/logout:"):
        sign_out()


def account_sidebar(state: DataState, viewer: Viewer) -> None:
    """Who is signed in, with which roles, and the way out; in demo mode, a
    banner that says so."""
    with st.sidebar:
        if st.session_state.get(DEMO_ROLE_KEY):
            st.warning("Demoläge: påhittad kommun och demoanvändare.", icon=":material/science:")
        st.caption(f"Inloggad som {viewer.greeting}")
        roles = ", ".join(identity.DEMO_ROLE_NAMES[role] for role in Role if role in viewer.roles)
        if roles:
            st.caption(f"Roller: {roles}")
        if st.button("Logga ut", icon=":material/logout:", key="sign_out"):
            sign_out()


def refused_page(permission: Permission) -> None:
    """What a signed-in person sees at the address of a page their roles do not open."""
    st.title("Du har inte behörighet")
    st.error(str(AccessDenied(permission)), icon=":material/lock:")
    st.write("Välj en av dina sidor i menyn. Behöver du mer behörighet, kontakta appens administratör.")
