"""The app's pages, grouped by who they are for.

One list used by ``app.py`` to build the navigation and by the tests to
visit every page, so a new page is tested the day it exists.

Each page names the one permission that opens it (``data_access.access.roles``),
so the navigation a user gets is :func:`pages_for` their permissions and the
page list and the role table cannot drift apart. What a page lets one change
(targets on Mål, the limit on Direktupphandlingar) is checked inside the page.
:func:`navigation_for` builds ``st.navigation`` from them on every run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from data_access.access.roles import Permission
from data_access.access.viewer import Viewer


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to app.py
    title: str
    section: str
    icon: str
    url_path: str
    default: bool = False
    permission: Permission = field(kw_only=True)  # the one that opens the page


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "pages/overview.py",
        "Översikt",
        "Avtalsfokus",
        ":material/home:",
        "oversikt",
        default=True,
        permission=Permission.VIEW_OVERVIEW,
    ),
    PageSpec(
        "pages/fidelity.py",
        "Avtalstrohet",
        "Ledning",
        ":material/monitoring:",
        "avtalstrohet",
        permission=Permission.VIEW_FIGURES,
    ),
    PageSpec(
        "pages/targets.py", "Mål", "Ledning", ":material/flag:", "mal", permission=Permission.VIEW_TARGETS
    ),
    PageSpec(
        "pages/direct_awards.py",
        "Direktupphandlingar",
        "Upphandlare",
        ":material/warning:",
        "direktupphandlingar",
        permission=Permission.VIEW_DIRECT_AWARDS,
    ),
    PageSpec(
        "pages/category_buyers.py",
        "Vem köper vad",
        "Upphandlare",
        ":material/groups:",
        "vem-koper-vad",
        permission=Permission.VIEW_CONTRACT_BUYERS,
    ),
    PageSpec(
        "pages/contract.py",
        "Avtal",
        "Upphandlare",
        ":material/handshake:",
        "avtal",
        permission=Permission.VIEW_CONTRACT_BUYERS,
    ),
    PageSpec(
        "pages/unit.py",
        "Enhet",
        "Upphandlare",
        ":material/apartment:",
        "enhet",
        permission=Permission.VIEW_CONTACTS,
    ),
    PageSpec(
        "pages/inbox.py",
        "Inkorg",
        "Upphandlare",
        ":material/inbox:",
        "inkorg",
        permission=Permission.VIEW_INBOX,
    ),
    PageSpec(
        "pages/import_data.py",
        "Importera data",
        "Upphandlare",
        ":material/upload_file:",
        "importera",
        permission=Permission.IMPORT_DATA,
    ),
    PageSpec(
        "pages/my_unit.py",
        "Min enhet",
        "Beställare",
        ":material/storefront:",
        "min-enhet",
        permission=Permission.VIEW_OWN_UNIT,
    ),
    PageSpec(
        "pages/contract_catalogue.py",
        "Hitta avtal",
        "Beställare",
        ":material/search:",
        "hitta-avtal",
        permission=Permission.VIEW_CATALOGUE,
    ),
    PageSpec(
        "pages/needs.py",
        "Lämna behov",
        "Beställare",
        ":material/edit_note:",
        "behov",
        permission=Permission.SUBMIT_NEEDS,
    ),
)


def pages_for(permissions: Iterable[Permission]) -> tuple[PageSpec, ...]:
    """The pages ``permissions`` open, in the navigation's order: what
    ``st.navigation`` receives once sign-in is wired, so a page the roles do
    not allow is not even served."""
    allowed = frozenset(permissions)
    return tuple(spec for spec in PAGES if spec.permission in allowed)


# Where a user lands when their roles do not allow Översikt (the first match wins).
LANDING_ORDER = ("oversikt", "min-enhet", "hitta-avtal")

SIGN_IN_PATH = "logga-in"
NEEDS_SPEC_PATH = "behov"  # the receipt link's page, open without sign-in
WANTED_KEY = "_wanted_page"  # the page and query a visitor asked for before signing in


def _requested_page() -> tuple[str, dict[str, str]] | None:
    """The page address and query the browser asked for (``/avtal?contract=…``),
    when it is one of the app's pages; ``None`` for the start address."""
    url = st.context.url or ""
    last = url.rstrip("/").rsplit("/", 1)[-1]
    if not any(spec.url_path == last for spec in PAGES):
        return None
    return last, {name: st.query_params[name] for name in st.query_params}


def _go_to_wanted(allowed: tuple[PageSpec, ...]) -> None:
    """After a sign-in in this session, open the page the deep link asked for
    (if the roles allow it) instead of the landing page."""
    wanted = st.session_state.pop(WANTED_KEY, None)
    if not wanted:
        return
    url_path, query = wanted
    spec = next((spec for spec in allowed if spec.url_path == url_path), None)
    if spec is not None:
        st.switch_page(spec.path, query_params=query)


def _page(spec: PageSpec, *, default: bool) -> StreamlitPage:
    return st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=default)


def navigation_for(state: object, viewer: object) -> StreamlitPage:
    """``st.navigation`` for this run: the viewer's pages, grouped by section,
    with their name and "Logga ut" in the sidebar; for a visitor, the sign-in
    page (and the receipt page when the address holds a receipt token); for a
    provider sign-in the app does not know, the "Du har inte behörighet" page."""
    from ui import signin  # signin reads the database; navigation stays importable without it

    allowed = pages_for(viewer.permissions) if isinstance(viewer, Viewer) else ()
    if allowed:
        landing = next(
            (path for path in LANDING_ORDER if any(spec.url_path == path for spec in allowed)),
            allowed[0].url_path,
        )
        sections: dict[str, list[StreamlitPage]] = {}
        for spec in allowed:
            sections.setdefault(spec.section, []).append(_page(spec, default=spec.url_path == landing))
        signin.account_sidebar(state, viewer)
        navigation = st.navigation(sections)
        _go_to_wanted(allowed)
        return navigation
    if isinstance(viewer, (signin.NoAccess, Viewer)):  # a viewer whose roles open no page
        refused = viewer if isinstance(viewer, signin.NoAccess) else signin.NoAccess(viewer.email)
        return st.navigation(
            [
                st.Page(
                    lambda: signin.no_access_page(state, refused),
                    title="Ingen behörighet",
                    url_path="ingen-behorighet",
                )
            ],
            position="hidden",
        )
    pages = [
        st.Page(lambda: signin.sign_in_page(state), title="Logga in", url_path=SIGN_IN_PATH, default=True)
    ]
    if st.query_params.get("kvitto"):
        needs = next(spec for spec in PAGES if spec.url_path == NEEDS_SPEC_PATH)
        pages.append(_page(needs, default=False))
    else:
        requested = _requested_page()
        if requested is not None:
            st.session_state[WANTED_KEY] = requested
    return st.navigation(pages, position="hidden")
