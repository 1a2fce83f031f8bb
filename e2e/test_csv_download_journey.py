"""Issue 11, point 9, in a real browser: the tables' own "Download as CSV"
cannot hand anyone a spreadsheet formula.

The grid's CSV export (Streamlit's, in the browser) writes every cell raw, so
a supplier, department or contract named ``=HYPERLINK(...)`` and a need
starting ``@SUM(1)`` would run in the reader's Excel. The app switches the
export off (``client.disableDataExport`` in ``.streamlit/config.toml``; see
the README) and offers its own Excel, which is safe. Here, on a demo with such
names imported through the real importers: the inbox, the contract catalogue
and a dashboard table each show the payload, their toolbar appears on hover
with its other buttons, and it has no "Download as CSV". Should the button
ever come back, the test downloads the file and names the live cells.

Has a server and a database of its own (it writes hostile names).
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy.orm import Session

from data_access.access.viewer import system
from data_access.core.db import engine_for
from data_access.customers.needs import NeedInput, new_token, submit_need
from data_access.exports.spreadsheet_safety import is_formula_like
from e2e.helpers import (
    APP_IDLE,
    CHROMIUM,
    DATAFRAME,
    EXCEPTION,
    JOURNEY_MARKS,
    NO_CHROMIUM_REASON,
    REPO_ROOT,
    TIMEOUT_MS,
    VIEWPORT,
    demo_database,
    served,
    sign_in,
    write_csv,
)

pytestmark = JOURNEY_MARKS

HYPERLINK = '=HYPERLINK("http://127.0.0.1:9/x","Klicka här")'
DDE = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1) Mindre förpackningar, tack"
CONTRACT_NAME = "=1+1 Skyddsutrustning"
TOOLBAR = '[data-testid="stElementToolbar"]'
TOOLBAR_BUTTON = '[data-testid="stElementToolbarButton"] button'
# Streamlit 1.67 labels the buttons in English (README: words only Streamlit
# can change); a table's label context may follow after a colon.
DOWNLOAD_BUTTON = f'{TOOLBAR_BUTTON}[aria-label^="Download as CSV"]'
SEARCH_BUTTON = f'{TOOLBAR_BUTTON}[aria-label^="Search"]'


def _import(url: str, kind: str, path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "data_access", "import", kind, str(path)],
        cwd=REPO_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
    )


def _hostile_demo(folder: Path) -> str:
    """The harness's demo plus a department, supplier and unit from an invoice
    export, a contract from a register and a need, each named with a payload.
    The invoice is big enough to lead the dashboard's department table, the
    contract ends late enough to lead the catalogue (latest end first)."""
    url = demo_database(folder)
    invoices = [
        ["Fakturadatum", "Leverantör", "Förvaltning", "Enhet", "Belopp"],
        ["2026-10-15", DDE, HYPERLINK, "@SUM(2)", "90000000,00"],
    ]
    _import(url, "invoices", write_csv(folder / "fakturor.csv", invoices))
    register = [
        ["Avtalsnummer", "Avtalsnamn", "Kategori", "Leverantör", "Giltigt från", "Giltigt till"],
        ["=2+2", CONTRACT_NAME, "Livsmedel", DDE, "2026-01-01", "2030-12-31"],
    ]
    _import(url, "contracts", write_csv(folder / "avtal.csv", register))
    engine = engine_for(url)
    with Session(engine) as session:
        submit_need(
            session, NeedInput(text=AT_SUM, submitter_name=HYPERLINK), new_token(), acting=system("e2e")
        )
        session.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM_REASON)
    folder = tmp_path_factory.mktemp("csv_download")
    with served(_hostile_demo(folder), folder) as base_url:
        yield base_url


def _open(page: Page, url: str, role: str) -> None:
    """``url`` signed in as the journeys' account of ``role`` (the address
    asked for before the sign-in opens after it)."""
    page.set_viewport_size(VIEWPORT)
    # Headless Chromium's save-file dialog never answers; without it the grid's
    # export falls back to an ordinary download, which Playwright can catch.
    page.add_init_script("delete Window.prototype.showSaveFilePicker; delete window.showSaveFilePicker;")
    sign_in(page, role, url)
    page.locator(DATAFRAME).first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def _grid_holding(page: Page, text: str) -> Locator:
    """The st.dataframe whose ARIA cells hold ``text`` (the canvas has none)."""
    cell = page.locator("[role=gridcell]", has_text=text)
    grid = page.locator(DATAFRAME).filter(has=cell).first
    expect(grid).to_be_visible(timeout=TIMEOUT_MS)
    return grid


def _live_cells(page: Page, button: Locator) -> list[str]:
    """The cells of the grid's CSV download that a spreadsheet would evaluate."""
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        button.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = csv.reader(io.StringIO(text, newline=""))
    return [cell for row in rows for cell in row if is_formula_like(cell)]


def _assert_no_csv_download(page: Page, grid: Locator, where: str) -> None:
    """Hover shows the grid's toolbar (its search button proves it is there);
    no "Download as CSV" in it, or else the file's live cells are the failure."""
    grid.scroll_into_view_if_needed()
    grid.hover()
    toolbar = page.locator(TOOLBAR).filter(has=page.locator(SEARCH_BUTTON)).first
    expect(toolbar.locator(SEARCH_BUTTON)).to_be_visible(timeout=TIMEOUT_MS)
    download = toolbar.locator(DOWNLOAD_BUTTON)
    if download.count():
        live = _live_cells(page, download.first)
        pytest.fail(f"{where}: the table offers 'Download as CSV'; its live cells: {live}", pytrace=False)


def test_the_inbox_table_has_no_csv_download(page: Page, hostile_url: str) -> None:
    _open(page, f"{hostile_url}/inkorg", "upphandlare")
    _assert_no_csv_download(page, _grid_holding(page, AT_SUM), "Inkorg")


def test_the_catalogue_table_has_no_csv_download(page: Page, hostile_url: str) -> None:
    _open(page, f"{hostile_url}/hitta-avtal", "upphandlare")
    _assert_no_csv_download(page, _grid_holding(page, CONTRACT_NAME), "Hitta avtal")


def test_the_dashboard_tables_have_no_csv_download(page: Page, hostile_url: str) -> None:
    _open(page, f"{hostile_url}/avtalstrohet", "ledning")
    grid = _grid_holding(page, re.sub(r'"Klicka här"\)$', "", HYPERLINK))
    _assert_no_csv_download(page, grid, "Avtalstrohet, förvaltningar")
    # Every other table on the page too: the switch is app-wide.
    expect(page.locator(DOWNLOAD_BUTTON)).to_have_count(0)
