"""axe-core (issue 14, "Accessible to everyone") on every page and its main
states, in Chromium: no critical or serious violation in what the app controls.

axe-core comes with ``axe-playwright-python`` (a dev requirement), injected
into the page by Playwright. Each page is opened signed in as a role that may
open it (one sign-in per role, then the app's own way of moving between
pages); the cheap main states are checked too: a dashboard drill-down open,
the needs form submitted empty, an inbox row chosen, a catalogue search that
finds nothing. The sign-in page and Tillgänglighet are checked as a visitor.

What only Streamlit can fix is excluded by rule id AND selector
(:data:`EXCLUSIONS`, each naming its upstream issue), nothing broader; the
Tillgänglighet page lists the same things as known exceptions. Each state
prints a table: rule, impact, how many elements before the fixes of issue 14
(:data:`BEFORE`, measured on this tree before them) and now.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select

from data_access.core.db import engine_for, session_scope
from data_access.core.models import Contract
from e2e.helpers import (
    APP_IDLE,
    CAPTION,
    CHROMIUM,
    DATAFRAME,
    EXCEPTION,
    JOURNEY_MARKS,
    NO_CHROMIUM_REASON,
    SKELETON,
    TIMEOUT_MS,
    VIEWPORT,
    demo_database,
    enhet_unit_code,
    open_in_session,
    select_row,
    served,
    sign_in,
    sign_in_form,
)

pytestmark = JOURNEY_MARKS

PORT = 8700
BLOCKING = ("critical", "serious")
AXE = Axe()


@dataclass(frozen=True)
class Exclusion:
    """One rule on one kind of element that only Streamlit can fix."""

    rule: str
    selector: str  # CSS: a violating element inside (or at) this is Streamlit's
    upstream: str  # the Streamlit issue that tracks it


SIDEBAR_NAV = '[data-testid="stSidebarNavItems"]'  # Streamlit's page menu (st.navigation)
# Streamlit draws the menu as a <ul> holding a <div> per section (its
# <header> and the links' <li>): a list with other children than <li> (axe
# "list") and list items whose parent is no list (axe "listitem"), WCAG 1.3.1.
# Nothing in st.navigation's API changes that markup. No issue for exactly
# this was found upstream; it belongs under Streamlit's open accessibility
# issue streamlit/streamlit#8399 ("Basic accessibility web features": the
# page's structure cannot be controlled). The statement lists it.
STREAMLIT_NAV_ISSUE = "https://github.com/streamlit/streamlit/issues/8399"
EXCLUSIONS: tuple[Exclusion, ...] = (
    Exclusion("list", SIDEBAR_NAV, STREAMLIT_NAV_ISSUE),
    Exclusion("listitem", SIDEBAR_NAV, STREAMLIT_NAV_ISSUE),
)


@dataclass(frozen=True)
class State:
    """A page, or one of its states, as one role sees it."""

    name: str
    role: str  # "" for a visitor who is not signed in
    path: str  # opened in the session (the landing page is "/")
    heading: str  # the h1 that says the page has drawn
    act: Callable[[Page], None] | None = field(default=None, compare=False)


def _drill_down(page: Page) -> None:
    departments = page.get_by_role("tabpanel", name="Förvaltningar").locator(DATAFRAME).first
    expect(departments.locator("[role=gridcell]").first).to_be_attached(timeout=TIMEOUT_MS)
    select_row(departments, 0)
    expect(page.get_by_role("heading", name=re.compile("^Enheter i "))).to_be_visible(timeout=TIMEOUT_MS)


def _needs_submitted_empty(page: Page) -> None:
    form = page.locator('[data-testid="stForm"]')
    form.get_by_role("button", name="Skicka").click()
    expect(page.get_by_text("Behovet skickades inte", exact=False)).to_be_visible(timeout=TIMEOUT_MS)


def _inbox_row_chosen(page: Page) -> None:
    inbox = page.locator(DATAFRAME).first
    expect(inbox.locator("[role=gridcell]").first).to_be_attached(timeout=TIMEOUT_MS)
    select_row(inbox, 0)
    expect(page.locator('[data-testid="stForm"]')).to_be_visible(timeout=TIMEOUT_MS)


def _empty_search(page: Page) -> None:
    page.get_by_role("textbox", name="Sök", exact=True).fill("zzqx ingen träff")
    page.keyboard.press("Enter")
    expect(page.locator(CAPTION).or_(page.get_by_text(re.compile("[Ii]nga avtal")))).not_to_have_count(
        0, timeout=TIMEOUT_MS
    )


def _states(contract: str, unit: str) -> list[State]:
    return [
        State("logga-in", "", "/", "Logga in"),
        State("tillganglighet", "", "/tillganglighet", "Tillgänglighet"),
        State("oversikt", "ledning", "/", "Avtalsfokus"),
        State("avtalstrohet", "ledning", "/avtalstrohet", "Avtalstrohet"),
        State("avtalstrohet, förvaltning vald", "ledning", "/avtalstrohet", "Avtalstrohet", _drill_down),
        State("mal", "ledning", "/mal", "Mål"),
        State("direktupphandlingar", "ledning", "/direktupphandlingar", "Direktupphandlingar"),
        State("hitta-avtal", "ledning", "/hitta-avtal", "Hitta avtal"),
        State("hitta-avtal, sökning utan träff", "ledning", "/hitta-avtal", "Hitta avtal", _empty_search),
        State("vem-koper-vad", "upphandlare", "/vem-koper-vad", "Vem köper vad"),
        State("avtal", "upphandlare", f"/avtal?contract={contract}", "Avtal"),
        State("enhet", "upphandlare", f"/enhet?unit={unit}", "Enhet"),
        State("inkorg", "upphandlare", "/inkorg", "Inkorg"),
        State("inkorg, rad vald", "upphandlare", "/inkorg", "Inkorg", _inbox_row_chosen),
        State("importera", "upphandlare", "/importera", "Importera data"),
        State("min-enhet", "enhet", "/", "Min enhet"),
        State("behov", "enhet", "/behov", "Lämna behov"),
        State("behov, skickat tomt", "enhet", "/behov", "Lämna behov", _needs_submitted_empty),
        State("anvandare", "admin", "/anvandare", "Användare"),
        State("installningar", "admin", "/installningar", "Inställningar"),
        State("granskningslogg", "admin", "/granskningslogg", "Granskningslogg"),
    ]


# Elements per blocking rule and page before issue 14's fixes (measured on this tree first).
BEFORE: dict[str, dict[str, tuple[str, int]]] = {
    "logga-in": {
        "color-contrast": ("serious", 1),
        "heading-order": ("moderate", 1),
    },
    "oversikt": {
        "color-contrast": ("serious", 1),
        "heading-order": ("moderate", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 5),
    },
    "avtalstrohet": {
        "color-contrast": ("serious", 2),
        "heading-order": ("moderate", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 5),
    },
    "avtalstrohet, förvaltning vald": {
        "color-contrast": ("serious", 1),
        "heading-order": ("moderate", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 5),
    },
    "mal": {
        "color-contrast": ("serious", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 5),
    },
    "direktupphandlingar": {
        "color-contrast": ("serious", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 5),
    },
    "hitta-avtal": {
        "color-contrast": ("serious", 2),
        "heading-order": ("moderate", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 5),
    },
    "hitta-avtal, sökning utan träff": {
        "color-contrast": ("serious", 2),
        "heading-order": ("moderate", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 5),
    },
    "vem-koper-vad": {
        "color-contrast": ("serious", 3),
        "heading-order": ("moderate", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 8),
    },
    "avtal": {
        "color-contrast": ("serious", 1),
        "heading-order": ("moderate", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 8),
        "scrollable-region-focusable": ("serious", 1),
    },
    "enhet": {
        "color-contrast": ("serious", 1),
        "heading-order": ("moderate", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 8),
    },
    "inkorg": {
        "color-contrast": ("serious", 1),
        "heading-order": ("moderate", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 8),
    },
    "inkorg, rad vald": {
        "color-contrast": ("serious", 1),
        "heading-order": ("moderate", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 8),
    },
    "importera": {
        "color-contrast": ("serious", 1),
        "heading-order": ("moderate", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 8),
        "presentation-role-conflict": ("minor", 1),
    },
    "min-enhet": {
        "color-contrast": ("serious", 3),
        "heading-order": ("moderate", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 3),
    },
    "behov": {
        "color-contrast": ("serious", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 3),
    },
    "behov, skickat tomt": {
        "list": ("serious", 1),
        "listitem": ("serious", 3),
    },
    "anvandare": {
        "color-contrast": ("serious", 1),
        "heading-order": ("moderate", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 5),
    },
    "installningar": {
        "color-contrast": ("serious", 2),
        "heading-order": ("moderate", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 5),
    },
    "granskningslogg": {
        "color-contrast": ("serious", 2),
        "heading-order": ("moderate", 1),
        "list": ("serious", 1),
        "listitem": ("serious", 5),
    },
}


@dataclass
class World:
    url: str
    contract: str
    unit: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One server for the module, on a fresh demo database."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM_REASON)
    tmp = tmp_path_factory.mktemp("a11y")
    database = demo_database(tmp)
    engine = engine_for(database)
    with session_scope(engine, actor="e2e") as session:
        contract = session.scalar(select(Contract.reference).order_by(Contract.reference).limit(1))
    engine.dispose()
    assert contract
    with served(database, tmp, port=PORT) as base_url:
        yield World(base_url, contract, enhet_unit_code())


def _excluded(page: Page, rule: str, target: list) -> Exclusion | None:
    for exclusion in EXCLUSIONS:
        if exclusion.rule != rule or not isinstance(target[0], str):
            continue
        inside = page.evaluate(
            "([target, selector]) => !!document.querySelector(target)?.closest(selector)",
            [target[0], exclusion.selector],
        )
        if inside:
            return exclusion
    return None


def _audit(page: Page) -> tuple[dict[str, tuple[str, int]], dict[str, tuple[str, int]], list[str]]:
    """axe on the page as it is: (rule -> (impact, elements)) counted by the
    app's part and by Streamlit's excluded part, and the blocking details."""
    results = AXE.run(page).response
    ours: dict[str, tuple[str, int]] = {}
    theirs: dict[str, tuple[str, int]] = {}
    details: list[str] = []
    for violation in results["violations"]:
        rule, impact = violation["id"], violation["impact"] or "?"
        for node in violation["nodes"]:
            bucket = theirs if _excluded(page, rule, node["target"]) else ours
            bucket[rule] = (impact, bucket.get(rule, (impact, 0))[1] + 1)
            if bucket is ours:
                details.append(f"{rule} ({impact}) {node['target']}: {node['html'][:160]}")
    return ours, theirs, details


def _table(name: str, ours: dict[str, tuple[str, int]], theirs: dict[str, tuple[str, int]]) -> str:
    before = BEFORE.get(name, {})
    rules = sorted(set(before) | set(ours) | set(theirs))
    lines = [f"\n== {name}", f"{'rule':32} {'impact':9} {'before':>6} {'after':>6} {'excluded':>8}"]
    for rule in rules:
        impact = (ours.get(rule) or theirs.get(rule) or before.get(rule))[0]
        lines.append(
            f"{rule:32} {impact:9} {before.get(rule, ('', 0))[1]:6} "
            f"{ours.get(rule, ('', 0))[1]:6} {theirs.get(rule, ('', 0))[1]:8}"
        )
    return "\n".join(lines)


def _rendered(page: Page, heading: str) -> None:
    expect(page.get_by_role("heading", name=heading, exact=True, level=1)).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
    expect(page.locator(SKELETON)).to_have_count(0, timeout=TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)


ROLES = ("", "ledning", "upphandlare", "enhet", "admin")


@pytest.mark.parametrize("role", ROLES, ids=[role or "besökare" for role in ROLES])
def test_no_serious_violation_in_what_the_app_controls(page: Page, world: World, role: str) -> None:
    page.set_viewport_size(VIEWPORT)
    page.goto(world.url)
    if role:
        sign_in(page, role)
    else:
        sign_in_form(page)
    failures: list[str] = []
    where = "/"
    for state in _states(world.contract, world.unit):
        if state.role != role:
            continue
        if state.path != where:
            open_in_session(page, state.path)
            where = state.path
        _rendered(page, state.heading)
        if state.act is not None:
            state.act(page)
            _rendered(page, state.heading)
        ours, theirs, details = _audit(page)
        print(_table(state.name, ours, theirs))
        for detail in details:
            print("   ", detail)
        failures += [
            f"{state.name}: {detail}" for detail in details if detail.split(" ", 2)[1][1:-1] in BLOCKING
        ]
    assert not failures, "\n".join(failures)
