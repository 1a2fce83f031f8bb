"""The app's pages, grouped by who they are for.

One list used by ``app.py`` to build the navigation and by the tests to
visit every page, so a new page is tested the day it exists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to app.py
    title: str
    section: str
    icon: str
    url_path: str
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Översikt", "Avtalsfokus", ":material/home:", "oversikt", default=True),
    PageSpec("pages/fidelity.py", "Avtalstrohet", "Ledning", ":material/monitoring:", "avtalstrohet"),
    PageSpec("pages/targets.py", "Mål", "Ledning", ":material/flag:", "mal"),
    PageSpec(
        "pages/direct_awards.py",
        "Direktupphandlingar",
        "Upphandlare",
        ":material/warning:",
        "direktupphandlingar",
    ),
    PageSpec(
        "pages/category_buyers.py", "Vem köper vad", "Upphandlare", ":material/groups:", "vem-koper-vad"
    ),
    PageSpec("pages/contract.py", "Avtal", "Upphandlare", ":material/handshake:", "avtal"),
    PageSpec("pages/unit.py", "Enhet", "Upphandlare", ":material/apartment:", "enhet"),
    PageSpec("pages/inbox.py", "Inkorg", "Upphandlare", ":material/inbox:", "inkorg"),
    PageSpec("pages/import_data.py", "Importera data", "Upphandlare", ":material/upload_file:", "importera"),
    PageSpec("pages/contract_catalogue.py", "Hitta avtal", "Beställare", ":material/search:", "hitta-avtal"),
    PageSpec("pages/needs.py", "Lämna behov", "Beställare", ":material/edit_note:", "behov"),
)
