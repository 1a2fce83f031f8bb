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

from collections.abc import Callable, Iterable
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
    PageSpec(
        "pages/users.py",
        "Användare",
        "Administration",
        ":material/manage_accounts:",
        "anvandare",
        permission=Permission.MANAGE_USERS,
    ),
    PageSpec(
        "pages/settings.py",
        "Inställningar",
        "Administration",
        ":material/settings:",
        "installningar",
        permission=Permission.MANAGE_SETTINGS,
    ),
    PageSpec(
        "pages/audit_log.py",
        "Granskningslogg",
        "Administration",
        ":material/history:",
        "granskningslogg",
        permission=Permission.VIEW_AUDIT,
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


def _refusal(spec: PageSpec) -> StreamlitPage:
    """A page the roles do not open, kept at its address: the address shows
    the Swedish refusal instead of Streamlit's English "Page not found", and
    the page's own script is never run."""
    from ui import signin

    return st.Page(
        lambda: signin.refused_page(spec.permission),
        title=spec.title,
        url_path=spec.url_path,
        visibility="hidden",
    )


def _page(spec: PageSpec, *, default: bool) -> StreamlitPage:
    return st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=default)


def _accessibility() -> StreamlitPage:
    """Tillgänglighet, open to everyone (the law's statement needs no
    account): outside PAGES, as it needs no permission. Hidden from the
    menu: the sidebar's last line links to it on every page (``ui.page``),
    and the sign-in page has its own link."""
    from ui import accessibility

    return st.Page(
        accessibility.PATH,
        title=accessibility.TITLE,
        icon=accessibility.ICON,
        url_path=accessibility.URL_PATH,
        visibility="hidden",
    )


def _everywhere(show: Callable[[], None], title: str) -> list[StreamlitPage]:
    """``show`` at the sign-in address and at every page's address, so
    whatever address a visitor opens is found (no English "Page not found")."""
    return [
        st.Page(show, title=title, url_path=path, default=path == SIGN_IN_PATH)
        for path in (SIGN_IN_PATH, *(spec.url_path for spec in PAGES))
    ]


def navigation_for(state: object, viewer: object) -> StreamlitPage:
    """``st.navigation`` for this run.

    A viewer gets their pages, grouped by section, with their name and "Logga
    ut" in the sidebar; the other pages' addresses are hidden refusals (the
    page's script never runs), and the sign-in address leads to the landing
    page. A visitor gets the sign-in page at every address (the receipt page
    itself when the address holds a receipt token), so a deep link asks for
    the sign-in at its own address and, signed in, the same address and query
    open the page. A provider sign-in the app does not know gets the "Du har
    inte behörighet" page at every address.
    """
    from ui import signin  # signin reads the database; navigation stays importable without it

    allowed = pages_for(viewer.permissions) if isinstance(viewer, Viewer) else ()
    if allowed:
        landing = next(
            (spec for path in LANDING_ORDER for spec in allowed if spec.url_path == path),
            allowed[0],
        )
        sections: dict[str, list[StreamlitPage]] = {}
        for spec in allowed:
            sections.setdefault(spec.section, []).append(_page(spec, default=spec is landing))
        hidden = [_refusal(spec) for spec in PAGES if spec not in allowed]
        hidden.append(
            st.Page(
                lambda: st.switch_page(landing.path),
                title=landing.title,
                url_path=SIGN_IN_PATH,
                visibility="hidden",
            )
        )
        hidden.append(_accessibility())
        sections.setdefault(allowed[-1].section, []).extend(hidden)
        signin.account_sidebar(state, viewer)
        return st.navigation(sections)
    if isinstance(viewer, (signin.NoAccess, Viewer)):  # a viewer whose roles open no page
        refused = viewer if isinstance(viewer, signin.NoAccess) else signin.NoAccess(viewer.email)
        return st.navigation(
            [
                *_everywhere(lambda: signin.no_access_page(state, refused), "Ingen behörighet"),
                _accessibility(),
            ],
            position="hidden",
        )
    pages = [*_everywhere(lambda: signin.sign_in_page(state), "Logga in"), _accessibility()]
    if st.query_params.get("kvitto"):  # a receipt link: the token is the key
        needs = next(spec for spec in PAGES if spec.url_path == NEEDS_SPEC_PATH)
        pages = [page for page in pages if page.url_path != NEEDS_SPEC_PATH] + [_page(needs, default=False)]
    return st.navigation(pages, position="hidden")
