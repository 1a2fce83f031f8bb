"""Issue 11, points 7 and 8, in a real browser: names from imported files and
values from the address bar are shown as text, and the app's own links carry
their values whole.

The harness's demo gets an account plan, an organisation, a contract register
and an invoice export, read by the real importers (the service the import page
and the CLI call), in which every supplier, unit, department, contract,
category, contact person and contract manager is named with a payload: a
Markdown link, a Markdown image, an HTML image, a bare address, a colour, an
icon and a formula in dollars. Then every
page of each role's navigation and every deep link (the contract and unit pages, the
dashboard's drill-downs and its "Vart går pengarna?", Vem köper vad, the
target page, the public needs form and its receipt, the catalogue's chosen
contract) is opened in Chromium, and the payloads are typed into the address
bar as well, each signed in as a role that may open it (the receipt without
sign-in). Each view is checked for:

- no request to another host or port than the app's own server,
- no ``<a>`` pointing outside the app (but the ``mailto:`` links the app
  writes on purpose: its mail buttons and the contract manager's address),
- no ``<img>`` from outside,
- the names reading exactly as written where they are shown.

The contract reference holds a space, ``&``, ``#``, ``?``, ``/`` and ``å``:
the catalogue's link and the chosen contract's page link lead to that very
contract (point 8).

Has a server and a database of its own (it writes hostile names). Screenshots
at 1366 x 768 of the contract and unit pages go to the screenshot folder.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urljoin, urlsplit

import pytest
from playwright.sync_api import Locator, Page, Request, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.access.viewer import system
from data_access.core.db import engine_for, session_scope
from data_access.core.models import Contract, Department, Unit
from data_access.core.orgnr import luhn_check_digit
from data_access.customers.needs import NeedInput, new_token, submit_need
from data_access.importing.columns import ImportKind
from data_access.importing.invoices import ImportOptions
from data_access.importing.service import import_file, open_for_import
from e2e.helpers import (
    APP_IDLE,
    CHROMIUM,
    DATAFRAME,
    EXCEPTION,
    GRID,
    JOURNEY_MARKS,
    LAPTOP,
    MARKDOWN,
    METRIC,
    NO_CHROMIUM_REASON,
    TIMEOUT_MS,
    VIEWPORT,
    demo_database,
    landing_page,
    page_heading,
    role_pages,
    select_row,
    served,
    sign_in,
    write_csv,
)
from ui.text import WORD_JOINER

pytestmark = JOURNEY_MARKS

SHOW_TIMEOUT_S = 15

OUTSIDE = "http://127.0.0.1:9"  # nothing listens there; a request to it is the failure
PHISH = f"[Logga in här]({OUTSIDE}/phish)"
IMAGE = f"![i]({OUTSIDE}/p.png)"
HTML_IMAGE = f"<img src={OUTSIDE}/h.png>"
BARE_LINK = f"{OUTSIDE}/auto"

REFERENCE = "ÖK 2024/1 & B#2? å"  # point 8: every character a link could lose
CONTRACT_NAME = f"[Avtal]({OUTSIDE}/avtal) :red[röd] $x$"
CATEGORY = f"{HTML_IMAGE} Kök"
NO_CONTRACT_CATEGORY = f"![n]({OUTSIDE}/n.png) **Konsulter**"
DEPARTMENT = f"![d]({OUTSIDE}/d.png) Förvaltning"
UNIT = IMAGE
OTHER_UNIT = "www.example.com :material/home: Skolkök"
ON_SUPPLIER = f"![s]({OUTSIDE}/s.png) Grossisten"
OFF_SUPPLIER = PHISH
CONSULTANT = f"<img src={OUTSIDE}/c.png> Konsult AB"
MANAGER = f"{BARE_LINK} Eva Ek"
MANAGER_EMAIL = "eva.ek@example.com"
CONTACT = f"[Kontakt]({OUTSIDE}/k) Bo"
ROLE = f"![r]({OUTSIDE}/r.png)"

# Where a mailto: link is the app's own: its mail buttons and the manager's address.
OWN_MAILTO = '[data-testid="stLinkButton"], .st-key-contract_manager'
DOM_LINKS = """() => ({
    links: [...document.querySelectorAll('a[href]')].map(a => ({
        href: a.href, own: !!a.closest('OWN_MAILTO'), text: a.innerText.slice(0, 80)})),
    images: [...document.querySelectorAll('img[src]')].map(img => img.src),
})""".replace("OWN_MAILTO", OWN_MAILTO)


def _org_number(first_nine: str) -> str:
    return first_nine + luhn_check_digit(first_nine)


ON_ORG, OFF_ORG, CONSULTANT_ORG = _org_number("559900001"), _org_number("559900002"), _org_number("559900003")


def _import(url: str, kind: str, path: Path) -> None:
    """Through the importers the page and the CLI call (in this process: a
    CLI run per file would cost the journey seconds of start-up each)."""
    with session_scope(engine_for(url)) as session:
        acting = system("e2e")
        opened = open_for_import(session, ImportKind(kind), path.name, path=path, acting=acting)
        import_file(session, opened, ImportOptions(), acting=acting)


MANAGER_CELLS = [MANAGER, MANAGER_EMAIL, "1"]  # one bid
INVOICE_HEADERS = ["Fakturadatum", "Fakturanummer", "Leverantör", "Organisationsnummer"]
INVOICE_HEADERS += ["Förvaltning", "Enhet", "Konto", "Belopp"]


@dataclass(frozen=True)
class World:
    url: str
    department_id: int
    token: str


def _hostile_world(folder: Path) -> World:
    """The demo plus the payload-named files, imported in the order a
    municipality would: account plan, organisation, contracts, invoices. The
    amounts are large, so the payloads lead the dashboard's and Vem köper
    vad's lists, and the consultants pass the direct-award limit."""
    url = demo_database(folder)
    accounts = [
        ["Konto", "Kontobenämning", "Kategori", "Påverkbar"],
        ["4991", f"![a]({OUTSIDE}/a.png)", CATEGORY, "ja"],
        ["4992", "Konsulttjänster", NO_CONTRACT_CATEGORY, "ja"],
    ]
    _import(url, "accounts", write_csv(folder / "kontoplan.csv", accounts))
    organisation = [
        [
            "Förvaltningskod",
            "Förvaltning",
            "Enhetskod",
            "Enhet",
            "Kontaktperson",
            "Roll",
            "E-post",
            "Telefon",
        ],
        ["F99", DEPARTMENT, "U99", UNIT, CONTACT, ROLE, "bo@example.com", "019-10 20 30"],
        ["F99", DEPARTMENT, "U98", OTHER_UNIT, "", "", "", ""],
    ]
    _import(url, "organisation", write_csv(folder / "organisation.csv", organisation))
    register = [
        [
            "Avtalsnummer",
            "Avtalsnamn",
            "Kategori",
            "Leverantör",
            "Organisationsnummer",
            "Giltigt från",
            "Giltigt till",
            "Avtalsansvarig",
            "E-post",
            "Antal anbud",
        ],
        [REFERENCE, CONTRACT_NAME, CATEGORY, ON_SUPPLIER, ON_ORG, "2024-01-01", "2031-12-31", *MANAGER_CELLS],
    ]
    _import(url, "contracts", write_csv(folder / "avtal.csv", register))
    invoices = [
        INVOICE_HEADERS,
        ["2026-09-10", "H1", ON_SUPPLIER, ON_ORG, "F99", "U99", "4991", "40000000,00"],
        ["2026-10-12", "H2", OFF_SUPPLIER, OFF_ORG, "F99", "U99", "4991", "90000000,00"],
        ["2026-10-14", "H3", OFF_SUPPLIER, OFF_ORG, "F99", "U98", "4991", "5000000,00"],
        ["2026-10-20", "H4", CONSULTANT, CONSULTANT_ORG, "F99", "U98", "4992", "95000000,00"],
    ]
    _import(url, "invoices", write_csv(folder / "fakturor.csv", invoices))
    engine = engine_for(url)
    with Session(engine) as session:
        department_id = session.scalar(select(Department.id).where(Department.code == "F99"))
        unit_id = session.scalar(select(Unit.id).where(Unit.code == "U99"))
        contract_id = session.scalar(select(Contract.id).where(Contract.reference == REFERENCE))
        token = submit_need(
            session,
            NeedInput(text="Mindre förpackningar, tack.", unit_id=unit_id, contract_id=contract_id),
            new_token(),
            acting=system("e2e"),
        )
        session.commit()
    engine.dispose()
    assert department_id and unit_id and contract_id
    return World(url, department_id, token)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM_REASON)
    folder = tmp_path_factory.mktemp("hostile_names")
    world = _hostile_world(folder)
    with served(world.url, folder) as base_url:
        yield base_url, world


def _read(text: str) -> str:
    """Text as a reader sees it: the escape's word joiners are invisible."""
    return " ".join(text.replace(WORD_JOINER, "").split())


@dataclass
class Journey:
    """A page, its base address, and everything that went wrong, per view."""

    page: Page
    base_url: str
    view: str = ""
    views: int = 0
    outside_requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    timings: list[tuple[str, float]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.page.on("request", self._on_request)

    def _on_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.base_url:
            self.outside_requests.append(f"{self.view}: {request.url}")

    def open(self, view: str, path: str | None, heading: str, role: str | None = None) -> None:
        """Go to ``path`` (None: a click has already gone), signed in as
        ``role`` (a page load is a new session, which asks for sign-in; the
        address asked for opens after it; None: a page open without sign-in),
        and wait until the page with ``heading`` is drawn."""
        self.timings.append((self.view, time.monotonic() - self.started))
        self.started = time.monotonic()
        self.view, self.views = view, self.views + 1
        if path is not None and role is None:
            self.page.goto(self.base_url + path)
        elif path is not None:
            sign_in(self.page, role, self.base_url + path)
        title = self.page.get_by_role("heading", name=heading, exact=True, level=1)
        expect(title).to_be_visible(timeout=TIMEOUT_MS)
        self.settled()

    def settled(self) -> None:
        self.page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
        expect(self.page.locator(EXCEPTION)).to_have_count(0)
        self.page.wait_for_timeout(150)  # an image the run drew is requested at once
        self.check_dom()

    def check_dom(self) -> None:
        found = self.page.evaluate(DOM_LINKS)
        for link in found["links"]:
            href = link["href"]
            if href.startswith(self.base_url + "/") or href == self.base_url:
                continue
            if href.startswith("mailto:") and link["own"]:
                continue
            self.problems.append(f"{self.view}: link to {href} ({link['text']!r})")
        for source in found["images"]:
            if not source.startswith((self.base_url + "/", "data:", "blob:")):
                self.problems.append(f"{self.view}: image from {source}")

    def shows(self, selector: str, text: str, *, exact: bool = False) -> bool:
        """Some element matching ``selector`` reads ``text`` (whole, or
        within), soon: a rerun may still be drawing. Noted as a problem if not."""
        wanted = _read(text)
        deadline = time.monotonic() + SHOW_TIMEOUT_S
        read: list[str] = []
        while time.monotonic() < deadline:
            read = [_read(shown) for shown in self.page.locator(selector).all_inner_texts()]
            if any(shown == wanted if exact else wanted in shown for shown in read):
                return True
            self.page.wait_for_timeout(200)
        self.problems.append(f"{self.view}: no {selector} reads {text!r}; read {read[-8:]}")
        return False

    def select_row(self, grid: Locator, row: int = 0) -> None:
        """Tick a row once the grid has stopped moving (a chart drawn above
        it pushes it down), and wait for the rerun."""
        grid.scroll_into_view_if_needed()
        box = None
        for _ in range(30):
            self.page.wait_for_timeout(100)
            now = grid.bounding_box()
            if now is not None and now == box:
                break
            box = now
        select_row(grid, row)
        self.page.wait_for_timeout(200)
        self.settled()


HEADING = '[data-testid="stHeading"]'
NAV_LINK = '[data-testid="stSidebarNavLink"]'
SCROLL_TO_FOOT = """element => {
    element.scrollIntoView({block: 'end'});
    element.closest('[data-testid=stMain]')?.scrollBy(0, 40);
}"""
ALERT = '[data-testid="stAlert"]'
LABEL = '[data-testid="stWidgetLabel"]'
BUTTON = '[data-testid="stButton"] button'


def _grid(page: Page, header: str) -> Locator:
    """The st.dataframe with a column headed ``header``."""
    return page.locator(DATAFRAME).filter(has=page.locator("[role=columnheader]", has_text=header)).first


def _tab(journey: Journey, name: str) -> None:
    journey.page.get_by_role("tab", name=name, exact=True).click()
    journey.page.wait_for_timeout(200)
    journey.settled()


def _dashboard(journey: Journey, world: World) -> None:
    """The drill-downs: a department, its units, their lines; a category's and
    a supplier's lines; and where the category's money goes instead."""
    page = journey.page
    journey.open(
        "dashboard department", f"/avtalstrohet?forv={world.department_id}", "Avtalstrohet", "ledning"
    )
    journey.select_row(_grid(page, "Avtalstrohet"))
    journey.shows(HEADING, f"Enheter i {DEPARTMENT}", exact=True)
    journey.shows(MARKDOWN, f"Fakturarader: {DEPARTMENT}", exact=True)
    journey.select_row(page.locator(DATAFRAME).nth(1))  # its units: either may come first
    unit = _read(page.locator(DATAFRAME).nth(1).locator("[role=gridcell]", has_text="U9").first.inner_text())
    journey.shows(MARKDOWN, f"Fakturarader: {UNIT if unit == 'U99' else OTHER_UNIT}", exact=True)

    journey.open("dashboard elsewhere", "/avtalstrohet", "Avtalstrohet", "ledning")
    _tab(journey, "Vart går pengarna?")
    page.get_by_placeholder("Välj kategori", exact=True).click()
    page.get_by_role("option", name=CATEGORY, exact=True).click()
    page.wait_for_timeout(200)
    journey.settled()
    journey.select_row(_grid(page, "Org.nr"))
    journey.shows(MARKDOWN, f"Fakturarader: {OFF_SUPPLIER}, {CATEGORY}", exact=True)


def _contract_page(journey: Journey, screenshot: Path) -> None:
    page = journey.page
    journey.open("contract", f"/avtal?{urlencode({'contract': REFERENCE})}", "Avtal", "upphandlare")
    journey.shows(HEADING, f"{REFERENCE} {CONTRACT_NAME}", exact=True)
    journey.shows(MARKDOWN, f"Kategori {CATEGORY}", exact=True)
    journey.shows(MARKDOWN, f"Leverantörer {ON_SUPPLIER}", exact=True)
    journey.shows(MARKDOWN, f"Avtalsansvarig: {MANAGER}", exact=True)
    page.set_viewport_size(LAPTOP)
    page.wait_for_timeout(300)
    page.screenshot(path=str(screenshot))
    page.set_viewport_size(VIEWPORT)
    journey.select_row(_grid(page, "Senaste köp"))
    journey.shows(MARKDOWN, UNIT, exact=True)  # the chosen unit, in full


def _unit_page(journey: Journey, screenshots: Path) -> None:
    page = journey.page
    journey.open("unit", "/enhet?unit=U99", "Enhet", "upphandlare")
    journey.shows(HEADING, f"U99 {UNIT}", exact=True)
    page.set_viewport_size(LAPTOP)
    page.wait_for_timeout(300)
    page.screenshot(path=str(screenshots / "hostile_unit_1366.png"))
    page.get_by_text("Ändra eller ta bort kontaktperson", exact=True).click()
    journey.settled()
    journey.shows(MARKDOWN, f"Ändra {CONTACT}", exact=True)
    journey.shows(BUTTON, f"Ta bort {CONTACT} som kontaktperson", exact=True)
    # The "Ta bort" button at the foot of the screen: the form and its title above it.
    page.locator(BUTTON, has_text="Ta bort").evaluate(SCROLL_TO_FOOT)
    page.wait_for_timeout(300)
    page.screenshot(path=str(screenshots / "hostile_unit_contact_form_1366.png"))
    page.set_viewport_size(VIEWPORT)
    page.locator(BUTTON, has_text="Ta bort").click()
    page.wait_for_timeout(200)
    journey.settled()
    journey.shows(ALERT, f"Vill du ta bort {CONTACT} som kontaktperson för {UNIT}?", exact=True)


def _catalogue(journey: Journey) -> None:
    """The contract chosen in Hitta avtal: its link in the table and its page
    link both open that very contract (point 8)."""
    page = journey.page
    journey.open("catalogue", "/hitta-avtal", "Hitta avtal", "upphandlare")
    search = page.get_by_role("textbox", name="Sök", exact=True)
    search.fill("ÖK 2024/1")
    search.press("Enter")
    page.wait_for_timeout(300)
    journey.settled()
    grid = _grid(page, "Leverantörer")
    expect(grid.locator(GRID)).to_have_attribute("aria-rowcount", "2", timeout=TIMEOUT_MS)
    headers = grid.locator("thead [role=columnheader]")
    column = next(  # the contract column's ARIA index: its cells hold the links
        header.get_attribute("aria-colindex") for header in headers.all() if header.inner_text() == "Avtal"
    )
    cell = grid.locator(f'tbody [role=row] [role=gridcell][aria-colindex="{column}"]').first.inner_text()
    table_link = urljoin(page.url, cell)
    journey.select_row(grid)
    page_link = page.get_by_role("link", name="Öppna avtalets sida").get_attribute("href") or ""
    for link in (table_link, urljoin(page.url, page_link)):
        if parse_qs(urlsplit(link).query).get("contract") != [REFERENCE]:
            journey.problems.append(f"catalogue: {link} does not carry {REFERENCE!r}")
    journey.view, journey.views = "catalogue link", journey.views + 1
    sign_in(page, "upphandlare", table_link)  # the table's link opens a new tab: a new session
    expect(page.get_by_role("heading", name="Avtal", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    journey.settled()
    journey.shows(HEADING, f"{REFERENCE} {CONTRACT_NAME}", exact=True)


def _needs(journey: Journey, world: World) -> None:
    needs_form = f"/behov?{urlencode({'contract': REFERENCE, 'unit': 'U99'})}"
    journey.open("needs form", needs_form, "Lämna behov", "enhet")
    journey.shows(ALERT, f"Avtalsansvarig för {REFERENCE}: {MANAGER}, {MANAGER_EMAIL}")  # after its icon
    journey.open("receipt", f"/behov?kvitto={world.token}", "Ditt ärende")
    journey.shows(METRIC, UNIT)
    journey.shows(METRIC, REFERENCE)


def _others(journey: Journey) -> None:
    page = journey.page
    journey.open("targets", "/mal", "Mål", "admin")  # the admin sets them, so sees their labels
    journey.shows(LABEL, f"F99 {DEPARTMENT} (%)", exact=True)
    journey.open("direct awards", "/direktupphandlingar", "Direktupphandlingar", "upphandlare")
    journey.select_row(_grid(page, "Avtalslöst belopp"))
    journey.shows(MARKDOWN, f"Fakturarader: {NO_CONTRACT_CATEGORY}")
    journey.open("who buys what", "/vem-koper-vad", "Vem köper vad", "upphandlare")
    journey.select_row(_grid(page, "Avtalsotroget"))
    journey.shows(MARKDOWN, UNIT, exact=True)
    journey.open("inbox", "/inkorg", "Inkorg", "upphandlare")
    journey.select_row(_grid(page, "Behov"))


ROLES = ("upphandlare", "ledning", "enhet", "admin")

REFLECTED: list[tuple[str, str, str, str]] = [
    (f"/avtal?contract={quote(payload)}", "Avtal", "Avtalet {} finns inte. Välj ett avtal i listan.", payload)
    for payload in (PHISH, HTML_IMAGE, BARE_LINK)
] + [
    (f"/enhet?unit={quote(payload)}", "Enhet", "Enheten {} finns inte. Välj en enhet i listan.", payload)
    for payload in (IMAGE,)
]


def test_no_name_or_address_is_markdown_nor_reaches_another_host(
    page: Page, hostile: tuple[str, World], screenshot_dir: Path
) -> None:
    base_url, world = hostile
    page.set_viewport_size(VIEWPORT)
    journey = Journey(page, base_url)

    for role in ROLES:  # every page of every role's navigation, as it first opens, through the sidebar
        landing = landing_page(role)
        journey.open(f"{role}: page /", "/", page_heading(landing), role)  # where the role lands
        for spec in role_pages(role):
            if spec != landing:
                page.locator(f'{NAV_LINK}[href$="/{spec.url_path}"]').click()
                journey.open(f"{role}: page {spec.url_path}", None, page_heading(spec))
    _contract_page(journey, screenshot_dir / "hostile_contract_1366.png")
    _unit_page(journey, screenshot_dir)
    _dashboard(journey, world)
    _others(journey)
    _needs(journey, world)
    _catalogue(journey)
    for path, heading, message, payload in REFLECTED:
        journey.open(f"address bar {path}", path, heading, "upphandlare")
        journey.shows(ALERT, message.format(payload), exact=True)
    page.wait_for_timeout(500)  # a late request still counts

    summary = (
        f"{journey.views} views, {len(journey.outside_requests)} requests to another host, "
        f"{len(journey.problems)} other problems"
    )
    print(summary)
    print("\n".join(f"{seconds:5.1f} s {view}" for view, seconds in journey.timings[1:]))
    assert not journey.outside_requests and not journey.problems, "\n".join(
        [summary, *journey.outside_requests, *journey.problems]
    )
