"""What the browser journeys share: the server they drive, Streamlit's selectors,
the screen sizes, and the ways to read a page (its grids, cards and files).

One place, so a journey never imports another journey's test module (and with
it that module's tests), and a change in how Streamlit draws is made once.
``conftest.py`` holds the fixtures and hooks; this module, what tests import.
"""

from __future__ import annotations

import csv
import inspect
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import openpyxl
import pytest
from playwright.sync_api import ConsoleMessage, Locator, Page, Response, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.access import accounts
from data_access.access.roles import ROLE_PERMISSIONS, Role
from data_access.access.viewer import system
from data_access.core.db import engine_for, session_scope
from data_access.core.models import Need, Unit, UnitContact
from ui.navigation import LANDING_ORDER, PageSpec, pages_for

# --------------------------------------------------------------------------- the server

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
NO_CHROMIUM_REASON = "Browser tests need Debian's Chromium: apt-get install chromium"
SERVER_START_TIMEOUT = 60.0

# The journeys' world is a demo that ends on a fixed day, seen from a fixed day a
# little later: the real calendar (or AVTALSFOKUS_TODAY in the environment) never
# turns its contracts into expired ones.
DEMO_END = "2026-10-31"
DEMO_TODAY = "2026-11-15"

JOURNEY_MARKS = [
    pytest.mark.e2e,
    # pytest 9 warns about a fixture inside pytest-playwright itself (base_url); not ours.
    pytest.mark.filterwarnings("ignore:Session-scoped fixtures defined as instance methods"),
]


# How every journey and the load harness start Debian's Chromium.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port_in(ports: range, taken: Iterable[int] = ()) -> int | None:
    """The first port of ``ports`` nothing listens on and not in ``taken``
    (None when all are busy): each test module keeps to its own range."""
    for port in ports:
        if port in taken:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return None


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


# --------------------------------------------------------------------------- who signs in

# A throwaway demo database is not the embedded default, so the sign-in page
# offers no demo users there: the journeys sign in with local accounts, one per
# role, that demo_database adds.
E2E_PASSWORD = "e2e-lösenord-för-resor"


@dataclass(frozen=True)
class E2EAccount:
    email: str
    name: str
    roles: tuple[str, ...]


ACCOUNTS: dict[str, E2EAccount] = {
    "ledning": E2EAccount("ledning.e2e@demokommun.example", "Lena Ledning", ("ledning",)),
    "upphandlare": E2EAccount("upphandlare.e2e@demokommun.example", "Sara Upphandlare", ("upphandlare",)),
    "admin": E2EAccount("admin.e2e@demokommun.example", "Adam Admin", ("admin",)),
    "enhet": E2EAccount("enhet.e2e@demokommun.example", "Eva Enhet", ("enhet",)),
}

# The unit the enhet account acts for, chosen when the demo database is made
# (the demo is seeded, so every demo database chooses the same one).
_enhet_unit: dict[str, str] = {}


def enhet_unit_code() -> str:
    """The code of the demo unit the ``enhet`` account belongs to."""
    assert _enhet_unit, "no demo database made yet"
    return _enhet_unit["code"]


def _unit_with_contacts_and_needs(session: Session) -> str:
    """The demo unit with the most needs among those with contact people: a
    unit account then has something to see on its own pages."""
    needs = select(func.count(Need.id)).where(Need.unit_id == Unit.id).scalar_subquery()
    has_contacts = select(UnitContact.unit_id).where(UnitContact.unit_id == Unit.id).exists()
    code = session.scalar(
        select(Unit.code).where(has_contacts, needs > 0).order_by(needs.desc(), Unit.code).limit(1)
    )
    assert code, "the demo has no unit with both contact people and needs"
    return code


def _add_accounts(url: str) -> None:
    """One local account per role in the database at ``url``. ``add_user``
    takes the acting user (``acting=``) once the write path asks for it."""
    parameters = inspect.signature(accounts.add_user).parameters
    extra: dict[str, object] = {}
    if "acting" in parameters:
        extra["acting"] = system("e2e")
    engine = engine_for(url)
    with session_scope(engine, actor="e2e") as session:
        unit_code = _unit_with_contacts_and_needs(session)
        for account in ACCOUNTS.values():
            accounts.add_user(
                session,
                account.email,
                roles=account.roles,
                unit_codes=[unit_code] if "enhet" in account.roles else [],
                password=E2E_PASSWORD,
                display_name=account.name,
                **extra,
            )
    engine.dispose()  # the server opens its own; no pooled SQLite handle stays open here
    _enhet_unit["code"] = unit_code


def demo_database(folder: Path, database_url: str | None = None) -> str:
    """A fresh demo database in ``folder`` (or at ``database_url``, an empty
    database such as a throwaway PostgreSQL one), with the journeys' local
    accounts (:data:`ACCOUNTS`): its URL."""
    url = database_url or f"sqlite:///{folder / 'e2e.db'}"
    subprocess.run(
        [sys.executable, "-m", "data_access", "demo", "--lines", "4000", "--end", DEMO_END],
        cwd=REPO_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,  # its output lands in pytest's captured setup output
    )
    _add_accounts(url)
    return url


@contextmanager
def served(
    database_url: str, folder: Path, *, port: int | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """``streamlit run serve.py`` (the command the README gives) on its own
    port (``port``, else a free one) with ``database_url`` and ``extra_env`` added to
    the environment; yields its base URL and stops it afterwards."""
    env = {**os.environ, "DATABASE_URL": database_url, "AVTALSFOKUS_TODAY": DEMO_TODAY, **(extra_env or {})}
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = folder / "server.log"
    server_cmd = [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless", "true"]
    server_cmd += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    server_cmd += ["--browser.gatherUsageStats", "false"]
    with log_path.open("w") as log:
        proc = subprocess.Popen(server_cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _healthy(f"{base_url}/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                state = f"exited with {proc.returncode}" if proc.poll() is not None else "timed out"
                pytest.fail(
                    f"Streamlit server did not come up ({state}). Log {log_path}:\n{log_path.read_text()}",
                    pytrace=False,
                )
            time.sleep(0.2)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --------------------------------------------------------------------------- what Streamlit draws

# First render on a 2-core machine takes up to about 8 s; leave plenty of room.
TIMEOUT_MS = 30_000
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
ERROR_ALERT = '[data-testid="stAlertContentError"]'
SUCCESS_ALERT = '[data-testid="stAlertContentSuccess"]'
INFO_ALERT = '[data-testid="stAlertContentInfo"]'
DATAFRAME = '[data-testid="stDataFrame"]'
METRIC = '[data-testid="stMetric"]'
CAPTION = '[data-testid="stCaptionContainer"]'
MARKDOWN = '[data-testid="stMarkdownContainer"]'
CODE = '[data-testid="stCode"]'
SKELETON = '[data-testid="stSkeleton"]'  # placeholder while a lazily loaded widget's code arrives
SIDEBAR = '[data-testid="stSidebar"]'
DIALOG = '[role="dialog"]'  # e.g. Streamlit's "Page not found"
GRID = "table[role=grid]"  # an st.dataframe's ARIA table (the canvas itself has no text)

# Wide enough that the glide grids draw (and expose to ARIA) every column we read.
VIEWPORT = {"width": 1700, "height": 1000}
LAPTOP = {"width": 1366, "height": 768}  # the common municipal laptop

# glide-data-grid, as st.dataframe draws it: a header row and then rows of this
# height; a selectable table has its row checkboxes in a narrow first column.
GRID_ROW_PX = 35
CHECKBOX_X_PX = 15

# Opening a page by its own URL (/hitta-avtal) makes Streamlit's frontend probe
# /hitta-avtal/_stcore/health and /hitta-avtal/_stcore/host-config to find its
# base path; both answer 404 and Chromium logs "Failed to load resource ... 404".
# That is the framework, not the app (RECIPES §10), so only these two are ignored.
BASE_PATH_PROBES = ("/_stcore/health", "/_stcore/host-config")


def is_base_path_probe(url: str) -> bool:
    return urlparse(url).path.endswith(BASE_PATH_PROBES)


class Watch:
    """A page with everything that went wrong in it so far: console errors, page
    errors and failed requests, except Streamlit's base-path probes (RECIPES §10)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        location = message.location.get("url", "") if message.location else ""
        if "Failed to load resource" in message.text and is_base_path_probe(location):
            return  # the console echo of a base-path probe, see BASE_PATH_PROBES
        self.problems.append(f"console error: {message.text} ({location})")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400 and not is_base_path_probe(response.url):
            self.problems.append(f"failed request: {response.status} {response.url}")

    def settled(self) -> None:
        """Wait for the script run to end, then fail on an exception box, an
        error message or anything in the browser's logs."""
        self.page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
        expect(self.page.locator(EXCEPTION)).to_have_count(0)
        expect(self.page.locator(ERROR_ALERT)).to_have_count(0)
        assert not self.problems, "\n".join(self.problems)


# --------------------------------------------------------------------------- signing in

SIGN_IN_HEADING = "Logga in"
SIGN_OUT_BUTTON = "Logga ut"


def sign_in_form(page: Page) -> Locator:
    """The local accounts' form on the sign-in page, once it is drawn."""
    form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_label("E-postadress", exact=True))
    expect(form).to_be_visible(timeout=TIMEOUT_MS)
    return form


def submit_sign_in(page: Page, email: str, password: str) -> None:
    """Fill in the sign-in form and press "Logga in"; the outcome is the caller's to wait for."""
    form = sign_in_form(page)
    form.get_by_label("E-postadress", exact=True).fill(email)
    form.get_by_label("Lösenord", exact=True).fill(password)
    form.get_by_role("button", name="Logga in", exact=True).click()


def sign_in(page: Page, role: str, url: str | None = None) -> None:
    """Sign in as the journeys' account for ``role`` (:data:`ACCOUNTS`) on the
    sign-in page the browser shows (after opening ``url``, if given), and wait
    until the signed-in page has loaded: the sidebar offers "Logga ut" and the
    script run has ended."""
    if url is not None:
        page.goto(url)
    account = ACCOUNTS[role]
    submit_sign_in(page, account.email, E2E_PASSWORD)
    sign_out_button = page.locator(SIDEBAR).get_by_role("button", name=SIGN_OUT_BUTTON)
    expect(sign_out_button).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def role_pages(role: str) -> tuple[PageSpec, ...]:
    """The pages the navigation offers ``role``, in its order."""
    return pages_for(ROLE_PERMISSIONS[Role(role)])


def landing_page(role: str) -> PageSpec:
    """The page ``role`` lands on after sign-in, served at ``/`` (as
    ``ui.navigation`` chooses it: the first of LANDING_ORDER it may open)."""
    allowed = role_pages(role)
    return next((spec for path in LANDING_ORDER for spec in allowed if spec.url_path == path), allowed[0])


def page_heading(spec: PageSpec) -> str:
    """A page's title as its h1 shows it: the overview's is the app's name."""
    return "Avtalsfokus" if spec.default else spec.title


def open_in_session(page: Page, path: str) -> None:
    """Open ``path`` (``/avtal?contract=...``) the way the app's own links do:
    the address changes and Streamlit reruns in the same session, without a
    page load. A sign-in lives in that session (``st.session_state``), and a
    ``page.goto`` starts a new one that asks to sign in again; so a journey
    signs in once and then moves through the app like this."""
    page.evaluate(
        """path => {
            window.history.pushState({}, "", path);
            window.dispatchEvent(new PopStateEvent("popstate"));
        }""",
        path,
    )
    wanted = urlparse(path)
    page.wait_for_url(
        lambda url: urlparse(url).path == wanted.path and urlparse(url).query == wanted.query,
        timeout=TIMEOUT_MS,
    )
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)


def open_signed_in(page: Page, app_url: str, role: str, path: str | None = None) -> None:
    """Open the app, sign in as ``role``, and then open ``path`` in that session."""
    sign_in(page, role, app_url)
    if path is not None:
        open_in_session(page, path)


def sign_out(page: Page) -> None:
    """Press "Logga ut" in the sidebar and wait for the sign-in page."""
    page.locator(SIDEBAR).get_by_role("button", name=SIGN_OUT_BUTTON).click()
    sign_in_form(page)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)


# --------------------------------------------------------------------------- reading a page


def grid_records(dataframe: Locator) -> list[dict[str, str]]:
    """The rows of an ``st.dataframe`` as {header: cell text}, from the grid's ARIA
    table (the canvas itself has no text). Cells hold the raw values, not the
    Styler's formatted text."""
    headers = {
        cell.get_attribute("aria-colindex"): cell.inner_text()
        for cell in dataframe.locator("[role=columnheader]").all()
    }
    records = []
    for row in dataframe.locator("[role=row]").all():
        cells = row.locator("[role=gridcell]").all()
        if cells:
            records.append(
                {headers[cell.get_attribute("aria-colindex")]: cell.inner_text() for cell in cells}
            )
    return records


def dataframe_with_column(page: Page, header: str) -> Locator:
    """The st.dataframe(s) with a column headed exactly ``header``."""
    header_cell = page.locator("[role=columnheader]", has_text=re.compile(f"^{re.escape(header)}$"))
    return page.locator(DATAFRAME).filter(has=header_cell)


def select_row(grid: Locator, row: int) -> None:
    """Tick a row's checkbox in a selectable st.dataframe. The grid is a canvas,
    so click by position: below the header row, in the checkbox column."""
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box, "the table is not on screen"
    y = box["y"] + GRID_ROW_PX * (row + 1) + GRID_ROW_PX / 2
    grid.page.mouse.click(box["x"] + CHECKBOX_X_PX, y)


def metrics(page: Page) -> dict[str, str]:
    """Metric label -> shown value."""
    shown = {}
    for text in page.locator(METRIC).all_inner_texts():
        label, *rest = [part.strip() for part in text.splitlines() if part.strip()]
        shown[label] = rest[0] if rest else ""
    return shown


def metric_value(page: Page, label: str) -> Locator:
    """The value of the metric card labelled exactly ``label``."""
    label_box = page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(f"^{re.escape(label)}$"))
    return page.locator(METRIC).filter(has=label_box).locator('[data-testid="stMetricValue"]')


def contract_reference(cell: str) -> str:
    """The contract reference in a catalogue row's "Avtal" cell: the reference
    itself, or a link to the contract page (``/avtal?contract=REF``) showing it."""
    found = re.search(r"(?:^|contract=)([A-Z]+-\d{4}-\d{3})$", cell)
    assert found, f"no contract reference in {cell!r}"
    return found.group(1)


def screenshot_whole_page(page: Page, path: Path) -> None:
    """Streamlit scrolls inside its main container, so ``full_page`` alone stops at the
    viewport; grow the viewport to the content's height first."""
    expect(page.locator(SKELETON)).to_have_count(0, timeout=TIMEOUT_MS)
    size = page.viewport_size or {"width": 1280, "height": 720}
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight ?? 0")
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_timeout(500)  # let charts re-lay out to the new size
    page.screenshot(path=str(path), full_page=True)


def screenshot(page: Page, path: Path, viewport: dict[str, int] = VIEWPORT) -> None:
    """The whole page, then back to the journey's ``viewport``."""
    screenshot_whole_page(page, path)
    page.set_viewport_size(viewport)


# --------------------------------------------------------------------------- files


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    """A semicolon-separated file, as Swedish spreadsheets write them."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


def read_workbook(path: Path) -> tuple[list[str], list[tuple]]:
    """An app-written workbook: its note lines (above the empty row, each a text
    in the first cell alone) and its table rows (header first)."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [tuple(row) for row in book.active.iter_rows(values_only=True)]
    book.close()
    blank = next(index for index, row in enumerate(rows) if all(cell is None for cell in row))
    notes = [row[0] for row in rows[:blank]]
    assert all(
        isinstance(note, str) and all(cell is None for cell in row[1:])
        for note, row in zip(notes, rows[:blank], strict=True)
    ), rows[:blank]
    return notes, rows[blank + 1 :]
