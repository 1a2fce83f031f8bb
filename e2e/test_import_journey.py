"""Journey in a real browser: a procurer imports a messy finance-system export,
corrects the column mapping, sees the figures on "Avtalstrohet" change by
exactly what the file holds, and undoes the import again.

The server (and its demo database) is shared by the whole test session, so the
journey ends by undoing its import: the invoice lines and figures are as
before, whichever tests run before or after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

import openpyxl
import pytest
from playwright.sync_api import ConsoleMessage, Locator, Page, Response, expect

from data_access.orgnr import format_org_number, luhn_check_digit
from e2e.test_smoke import _is_base_path_probe, _screenshot_whole_page
from ui.format import NBSP, compact_kronor, integer, kronor

pytestmark = [
    pytest.mark.e2e,
    # pytest 9 warns about a fixture inside pytest-playwright itself (base_url); not ours.
    pytest.mark.filterwarnings("ignore:Session-scoped fixtures defined as instance methods"),
]

TIMEOUT_MS = 30_000
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
ERROR_ALERT = '[data-testid="stAlertContentError"]'
SUCCESS_ALERT = '[data-testid="stAlertContentSuccess"]'
DATAFRAME = '[data-testid="stDataFrame"]'
METRIC = '[data-testid="stMetric"]'
CAPTION = '[data-testid="stCaptionContainer"]'
# Wide enough that the glide grids draw (and expose to ARIA) every column we read.
VIEWPORT = {"width": 1700, "height": 1000}

FILE_NAME = "leverantorsfakturor-oktober-2026.xlsx"
UNIT_HEADER = "Kst"  # not a synonym of the unit field: the user has to map it
UNIT_FIELD = "Enhet (ansvar/kostnadsställe)"
STATUS_COLUMNS = ("Avtalat", "Avtalsotroget", "Avtalslöst", "Ej påverkbart", "Oklassificerat")

# In the harness's demo (seed 1, ``--end 2026-10-31``) unit 1001 belongs to
# KSF and unit 2001 to BUF. Of the demo's accounts, 6410 Kontorsmaterial has
# a contract valid all of October 2026 (so a new supplier is off contract),
# 4650 Blommor has none (no contract), 4990 is mapped to no category
# (unclassified) and 5010 Lokalhyra is not influenceable (excluded).
DEPARTMENT_OF_UNIT = {"1001": "KSF", "2001": "BUF"}
STATUS_OF_ACCOUNT = {
    "6410": "Avtalsotroget",
    "4650": "Avtalslöst",
    "4990": "Oklassificerat",
    "5010": "Ej påverkbart",
}


def _org_number(first_nine: str) -> str:
    """An invented org number that passes the Luhn check; the demo's suppliers
    do not use the 559998 prefix."""
    return format_org_number(first_nine + luhn_check_digit(first_nine))


KONTOR = _org_number("559998001")
BLOMMOR = _org_number("559998002")
LOKAL = _org_number("559998003")
LOKAL_VAT = f"SE{LOKAL.replace('-', '')}01"  # the VAT number form of an org number


@dataclass(frozen=True)
class Line:
    """One data row of the fixture: the cells as written, and what they mean."""

    invoice_date: object  # as written to the cell
    invoice_number: str
    supplier: str
    org_number: object  # as written to the cell
    unit: str
    account: object  # as written to the cell
    amount_cell: object  # as written to the cell
    amount: int  # whole kronor, so the rounded figures on the page move by exactly this

    @property
    def department(self) -> str:
        return DEPARTMENT_OF_UNIT[self.unit]

    @property
    def status(self) -> str:
        return STATUS_OF_ACCOUNT[str(self.account)]


OFFICE, FLOWERS, FIRM, PREMISES = "Testkontor AB", "Testblommor HB", "Exempelfirman AB", "Fiktiva Lokaler AB"
LINES = (
    Line(date(2026, 10, 2), "F-1001", OFFICE, KONTOR, "1001", 6410, "212 500,00", 212_500),
    Line(date(2026, 10, 5), "F-1002", OFFICE, KONTOR, "2001", "6410", 37500, 37_500),
    Line(date(2026, 10, 9), "K-1003", OFFICE, KONTOR, "1001", 6410, f"-1{NBSP}250,00", -1_250),  # credit note
    Line(date(2026, 10, 12), "F-1004", FLOWERS, BLOMMOR, "2001", 4650, "8 400,00", 8_400),
    Line(date(2026, 10, 15), "F-1005", FIRM, "NULL", "1001", 4990, "12 500,00", 12_500),
    Line(date(2026, 10, 20), "F-1006", PREMISES, LOKAL_VAT, "1001", 5010, 45000.0, 45_000),
    Line("2026-10-26", "F-1007", FLOWERS, int(BLOMMOR.replace("-", "")), "1001", "4650", "1 600,00", 1_600),
    Line(date(2026, 10, 30), "F-1008", FIRM, "saknas", "2001", 4990, "3 300,00", 3_300),
)
# Odd cells on purpose: a VAT-number form (F-1006), an org number as a number
# cell (F-1007), a date as text (F-1007), a no-break space in an amount (K-1003),
# placeholders instead of an org number ("NULL", "saknas").
FILE_TOTAL = sum(line.amount for line in LINES)  # 319 550 kr
ROWS_WITHOUT_ORG_NUMBER = 2  # "NULL" and "saknas": warnings, imported and flagged
NEW_SUPPLIERS = 4  # three by org number, one by name only


def _write_fixture(path: Path) -> Path:
    """A finance-system export as people get it: title rows, an empty row, the
    header row, Swedish text amounts mixed with numbers and a "Summa" row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Leverantörsfakturor"
    sheet.append(["Leverantörsfakturor per kostnadsställe (påhittade testdata)"])
    sheet.append(["Utdrag 2026-11-03, period 2026-10-01 – 2026-10-31"])
    sheet.append([])
    sheet.append(
        ["Fakturadatum", "Fakturanr", "Leverantörsnamn", "Org.nr", UNIT_HEADER, "Konto", "Belopp exkl. moms"]
    )
    for line in LINES:
        sheet.append(
            [
                line.invoice_date,
                line.invoice_number,
                line.supplier,
                line.org_number,
                line.unit,
                line.account,
                line.amount_cell,
            ]
        )
    sheet.append(["Summa", None, None, None, None, None, f"{FILE_TOTAL:,}".replace(",", " ") + ",00"])
    book.save(path)
    return path


# --------------------------------------------------------------------------- page helpers


def _wait_idle(page: Page) -> None:
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)


def _assert_clean(page: Page) -> None:
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator(ERROR_ALERT)).to_have_count(0)


def _grid_records(dataframe: Locator) -> list[dict[str, str]]:
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


def _dataframe_with_column(page: Page, header: str) -> Locator:
    return page.locator(DATAFRAME).filter(has=page.get_by_role("columnheader", name=header, exact=True))


def _metrics(page: Page) -> dict[str, str]:
    """Metric label -> shown value."""
    shown = {}
    for text in page.locator(METRIC).all_inner_texts():
        label, *rest = [part.strip() for part in text.splitlines() if part.strip()]
        shown[label] = rest[0] if rest else ""
    return shown


def _metric_value(page: Page, label: str) -> Locator:
    label_box = page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(f"^{re.escape(label)}$"))
    return page.locator(METRIC).filter(has=label_box).locator('[data-testid="stMetricValue"]')


def _swedish_int(text: str) -> int:
    """``1 348`` / ``654 420 kr`` / ``−1 250 kr`` -> int."""
    digits = text.replace("kr", "").replace(NBSP, "").replace(" ", "").replace("\u2212", "-").strip()
    return int(digits)


@dataclass(frozen=True)
class Figures:
    """What "Avtalstrohet" shows for the default period."""

    cards: dict[str, str]
    caption: str
    by_department: dict[str, dict[str, Decimal]]  # code -> status column -> amount

    def caption_amount(self, label: str) -> int:
        match = re.search(rf"{label}: ([^·]+) kr", self.caption)
        assert match, self.caption
        return _swedish_int(match.group(1))

    @property
    def line_count(self) -> int:
        match = re.search(r"· ([\d\s\u00a0]+) fakturarader", self.caption)
        assert match, self.caption
        return _swedish_int(match.group(1))


def _open_fidelity(page: Page) -> Figures:
    """Go to "Avtalstrohet" through the sidebar and read its figures."""
    page.locator('[data-testid="stSidebarNavLink"]', has_text="Avtalstrohet").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/avtalstrohet", timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Avtalstrohet", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    caption = page.locator(CAPTION, has_text="fakturarader")
    expect(caption).to_be_visible(timeout=TIMEOUT_MS)
    table = _dataframe_with_column(page, "Avtalsotroget")
    expect(table.locator("[role=gridcell]").first).to_be_attached(timeout=TIMEOUT_MS)
    _wait_idle(page)
    _assert_clean(page)
    by_department = {
        record["Kod"]: {column: Decimal(record[column]) for column in STATUS_COLUMNS}
        for record in _grid_records(table)
    }
    return Figures(_metrics(page), caption.inner_text(), by_department)


def _open_import_page(page: Page) -> None:
    page.locator('[data-testid="stSidebarNavLink"]', has_text="Importera data").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/importera", timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Importera data", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Importer", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    _wait_idle(page)
    _assert_clean(page)


def _screenshot(page: Page, path: Path) -> None:
    """The whole page (see test_smoke), then back to the journey's viewport."""
    _screenshot_whole_page(page, path)
    page.set_viewport_size(VIEWPORT)


@pytest.fixture
def watched_page(page: Page) -> Iterator[Page]:
    """The page, failing the test afterwards on console errors, page errors and
    failed requests (except Streamlit's base-path probes, as in test_smoke)."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        location = message.location.get("url", "") if message.location else ""
        if "Failed to load resource" in message.text and _is_base_path_probe(location):
            return
        problems.append(f"console error: {message.text} ({location})")

    def on_response(response: Response) -> None:
        if response.status >= 400 and not _is_base_path_probe(response.url):
            problems.append(f"failed request: {response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("response", on_response)
    page.set_viewport_size(VIEWPORT)
    yield page
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- the journey


def test_import_correct_mapping_see_figures_change_and_undo(
    watched_page: Page, app_url: str, screenshot_dir: Path, tmp_path: Path
) -> None:
    page = watched_page
    fixture = _write_fixture(tmp_path / FILE_NAME)

    # Before: the figures of the default period (the last 12 full months,
    # November 2025 to October 2026), read before anything is imported.
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Avtalsfokus", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    _wait_idle(page)
    before = _open_fidelity(page)
    assert set(DEPARTMENT_OF_UNIT.values()) <= set(before.by_department), before.by_department

    # 1-2. Upload the export; the preview counts the data rows (not the title,
    # empty or "Summa" rows) and adds them up.
    page.goto(f"{app_url}/importera")
    expect(page.get_by_role("heading", name="Importera data", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    _wait_idle(page)
    expect(page.get_by_role("radio", name="Leverantörsfakturor")).to_be_checked()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(fixture)
    expect(_metric_value(page, "Rader i filen")).to_have_text(integer(len(LINES)), timeout=TIMEOUT_MS)
    _wait_idle(page)
    _assert_clean(page)
    assert _metrics(page) == {
        "Rader i filen": integer(len(LINES)),
        "Filens summa": kronor(FILE_TOTAL),
        "Fel": "0",
        "Varningar": integer(ROWS_WITHOUT_ORG_NUMBER),
    }
    unit_select = page.locator('[data-testid="stSelectbox"]').filter(has_text=UNIT_FIELD)
    expect(unit_select).to_contain_text("(finns inte i filen)")
    preview = _dataframe_with_column(page, "Enhet")
    rows = _grid_records(preview)
    assert [row["Fakturanummer"] for row in rows] == [line.invoice_number for line in LINES]
    assert all(row["Enhet"] == "" for row in rows), rows
    _screenshot(page, screenshot_dir / "import-1-preview.png")

    # 3. Map the unit field to the "Kst" column: the preview shows the unit codes.
    unit_select.click()
    page.get_by_role("option", name=re.compile(rf"^{UNIT_HEADER} ")).click()
    expect(unit_select).to_contain_text(f"{UNIT_HEADER} (kolumn 5)")
    expect(preview.get_by_role("gridcell", name="2001").first).to_be_attached(timeout=TIMEOUT_MS)
    _wait_idle(page)
    _assert_clean(page)
    assert [row["Enhet"] for row in _grid_records(preview)] == [line.unit for line in LINES]
    _screenshot(page, screenshot_dir / "import-2-mapped.png")

    # 5. Import: one batch, listed in the "Importer" table.
    page.get_by_role("button", name="Importera", exact=True).click()
    success = page.locator(SUCCESS_ALERT, has_text="klar")
    expect(success).to_be_visible(timeout=TIMEOUT_MS)
    _wait_idle(page)
    _assert_clean(page)
    match = re.search(r"Import (\d+) klar", success.inner_text())
    assert match, success.inner_text()
    batch_id = match.group(1)
    expect(success).to_contain_text(
        f"{integer(len(LINES))} rader importerade av {integer(len(LINES))}. "
        f"Filens summa {kronor(FILE_TOTAL)}, importerat {kronor(FILE_TOTAL)}."
    )
    info = page.locator('[data-testid="stAlertContentInfo"]')
    expect(info.filter(has_text="utan giltigt organisationsnummer")).to_contain_text(
        f"{ROWS_WITHOUT_ORG_NUMBER} rader"
    )
    # Existing units and accounts were found, not created again.
    expect(info.filter(has_text="Nytt:")).to_have_text(
        f"Nytt: {NEW_SUPPLIERS} leverantörer, 0 förvaltningar, 0 enheter, 0 konton."
    )
    batches = page.locator(DATAFRAME).last
    expect(batches.get_by_role("gridcell", name=FILE_NAME)).to_be_attached(timeout=TIMEOUT_MS)
    listed = [row for row in _grid_records(batches) if row.get("Fil") == FILE_NAME]
    assert len(listed) == 1 and listed[0]["Import"] == batch_id, listed
    _screenshot(page, screenshot_dir / "import-3-imported.png")

    # 6. "Avtalstrohet" moved by exactly what the file holds, per department and status.
    after = _open_fidelity(page)
    _screenshot(page, screenshot_dir / "import-4-fidelity-after.png")
    expected = {code: dict(amounts) for code, amounts in before.by_department.items()}
    for line in LINES:
        expected[line.department][line.status] += line.amount
    assert after.by_department == expected
    delta = {status: sum(line.amount for line in LINES if line.status == status) for status in STATUS_COLUMNS}
    assert after.line_count == before.line_count + len(LINES)
    for label in ("Avtalslöst", "Oklassificerat", "Ej påverkbart"):
        assert after.caption_amount(label) == before.caption_amount(label) + delta[label], label
    assert after.cards["Avtalat"] == before.cards["Avtalat"]  # new suppliers are on no contract
    off_before = sum(amounts["Avtalsotroget"] for amounts in before.by_department.values())
    assert before.cards["Avtalsotroget"] == compact_kronor(off_before)
    assert after.cards["Avtalsotroget"] == compact_kronor(off_before + delta["Avtalsotroget"])
    assert after.cards["Avtalsotroget"] != before.cards["Avtalsotroget"]
    assert after.cards["Avtalstrohet"] != before.cards["Avtalstrohet"]

    # 7. Undo the batch (the newest is preselected), then the figures are back.
    _open_import_page(page)
    undo_select = page.locator('[data-testid="stSelectbox"]').filter(has_text="Ångra en import")
    expect(undo_select).to_contain_text(f"{batch_id}: {FILE_NAME} (")
    page.locator(
        '[data-testid="stCheckbox"]', has_text="Ja, ta bort exakt de rader som importen lade till"
    ).click()
    page.get_by_role("button", name="Ångra importen").click()
    expect(page.get_by_text("är ångrad")).to_be_visible(timeout=TIMEOUT_MS)
    _wait_idle(page)
    _assert_clean(page)
    _screenshot(page, screenshot_dir / "import-5-undone.png")

    restored = _open_fidelity(page)
    _screenshot(page, screenshot_dir / "import-6-fidelity-restored.png")
    assert restored.line_count == before.line_count
    assert restored.caption == before.caption
    assert restored.cards == before.cards
    assert restored.by_department == before.by_department
