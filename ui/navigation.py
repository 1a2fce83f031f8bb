"""The app's pages, grouped by who they are for.

One list used by ``app.py`` to build the navigation and by the tests to
visit every page, so a new page is tested the day it exists.

Each page names the one permission that opens it (``data_access.access.roles``),
so the navigation a user gets is :func:`pages_for` their permissions and the
page list and the role table cannot drift apart. What a page lets one change
(targets on Mål, the limit on Direktupphandlingar) is checked inside the page.
Until sign-in is wired, ``app.py`` still builds the navigation from all of
:data:`PAGES`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from data_access.access.roles import Permission


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
