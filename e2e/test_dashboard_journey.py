"""Journey in a real browser on the management dashboard "Avtalstrohet",
signed in as management (ledning): open it, narrow it to one department with
the filter (the address follows), drill from the department to one of its
units and on to the invoice lines, download them as Excel and check the file
against the figures on screen.

Only reads: the shared demo database is left as it was.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Locator, Page, expect

from e2e.helpers import (
    CAPTION,
    DATAFRAME,
    JOURNEY_MARKS,
    METRIC,
    TIMEOUT_MS,
    VIEWPORT,
    Watch,
    grid_records,
    metric_value,
    read_workbook,
    screenshot,
    select_row,
    sign_in,
)
from ui.drilldown import LINE_HEADERS, PAGE_SIZE
from ui.format import integer, kronor

pytestmark = JOURNEY_MARKS

DATA_ROW = "[role=row]:has([role=gridcell])"

# In the harness's demo (seed 1, ``--end 2026-10-31``) department 3 is VOF, the
# biggest buyer in the default period (the last 12 full months): 373 lines, so
# its own lines take four pages, while each of its units has a few lines.
DEPARTMENT_ID = 3
DEPARTMENT_OPTION = "VOF Vård- och omsorgsförvaltningen"
DEPARTMENT = "Vård- och omsorgsförvaltningen"
AMOUNT_COLUMNS = ("Avtalat", "Avtalsotroget", "Avtalslöst", "Ej påverkbart", "Oklassificerat")


def _lines_caption(count: int, total: Decimal, page: int, pages: int) -> str:
    """The caption under a list of invoice lines, as ui.drilldown writes it."""
    return (
        f"{integer(count)} rader, summa {kronor(total)} · "
        f"sida {page} av {integer(pages)} ({PAGE_SIZE} rader per sida)"
    )


def _card_changes(page: Page) -> dict[str, tuple[str, str | None]]:
    """Each card's change as shown and the direction of its arrow."""
    changes = {}
    for card in page.locator(METRIC).all():
        label = card.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        delta = card.locator('[data-testid="stMetricDelta"]')
        if not delta.count():
            changes[label] = ("", None)
            continue
        up = delta.locator('[data-testid="stMetricDeltaIcon-Up"]').count()
        down = delta.locator('[data-testid="stMetricDeltaIcon-Down"]').count()
        changes[label] = (delta.inner_text().strip(), "up" if up else "down" if down else None)
    return changes


def _data_rows(grid: Locator) -> Locator:
    return grid.locator(DATA_ROW)


def _status_amounts(record: dict[str, str]) -> Decimal:
    """A breakdown row's total: its five status columns (raw cell values)."""
    return sum((Decimal(record[column]) for column in AMOUNT_COLUMNS), Decimal(0))


def _download(page: Page, button: Locator, folder: Path, name: str) -> tuple[list[str], list[tuple]]:
    """Click an Excel download button; return the file's note lines (above the
    empty row) and its table rows (header first)."""
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        button.click()
    assert download.value.suggested_filename == "fakturarader.xlsx"
    path = folder / name
    download.value.save_as(path)  # openpyxl wants the .xlsx suffix
    return read_workbook(path)


def test_filter_drill_to_lines_and_download_matches_screen(
    page: Page, app_url: str, screenshot_dir: Path, tmp_path: Path
) -> None:
    page.set_viewport_size(VIEWPORT)
    watch = Watch(page)
    fidelity = metric_value(page, "Avtalstrohet")
    status_caption = page.locator(CAPTION, has_text=re.compile(r"\d fakturarader$"))
    panel = page.get_by_role("tabpanel", name="Förvaltningar")
    departments, units, lines = (panel.locator(DATAFRAME).nth(index) for index in range(3))

    # 1. Open the dashboard (signed in as management): no filters in the address, every department listed.
    sign_in(page, "ledning", f"{app_url}/avtalstrohet")
    expect(page.get_by_role("heading", name="Avtalstrohet", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(fidelity).to_have_text(re.compile(r"^\d+,\d\u00a0%$"), timeout=TIMEOUT_MS)
    watch.settled()
    assert urlparse(page.url).query == ""
    expect(page.get_by_role("radio", name="Senaste 12 hela månaderna")).to_be_checked()
    expect(page.locator(METRIC)).to_have_count(5)
    expect(page.get_by_role("tab")).to_have_text(
        ["Förvaltningar", "Kategorier", "Leverantörer", "Förvaltning × kategori", "Vart går pengarna?"]
    )
    expect(_data_rows(departments)).to_have_count(8, timeout=TIMEOUT_MS)
    everyone = fidelity.inner_text()
    all_lines = status_caption.inner_text()
    screenshot(page, screenshot_dir / "dashboard_1_opened.png")
    # Every card's arrow follows the sign of its change (a fall written with the
    # typographic minus once showed an up arrow).
    changes = _card_changes(page)
    assert len(changes) == 5 and all(text for text, _ in changes.values()), changes
    for label, (text, arrow) in changes.items():
        expected = "down" if text.startswith("\u2212") else None if text.startswith("0") else "up"
        assert arrow == expected, (label, text, arrow)

    # 2. Filter on one department: the address says so, the figures follow.
    page.get_by_role("combobox", name="Förvaltning", exact=True).click()
    page.get_by_role("option", name=DEPARTMENT_OPTION, exact=True).click()
    page.keyboard.press("Escape")  # the list stays open for more choices
    page.wait_for_url(lambda url: "forv=" in url, timeout=TIMEOUT_MS)
    expect(status_caption).not_to_have_text(all_lines, timeout=TIMEOUT_MS)
    watch.settled()
    assert parse_qs(urlparse(page.url).query) == {"forv": [str(DEPARTMENT_ID)]}
    expect(fidelity).not_to_have_text(everyone)
    expect(fidelity).to_have_text(re.compile(r"^\d+,\d\u00a0%$"))
    # The table is redrawn with the one department (its ARIA rows lag the run).
    expect(_data_rows(departments)).to_have_count(1, timeout=TIMEOUT_MS)
    [department] = grid_records(departments)
    assert department["Namn"] == DEPARTMENT, department
    department_lines = int(department["Rader"])
    assert department_lines > PAGE_SIZE, "the department's lines should need more than one page"
    expect(status_caption).to_contain_text(f"· {integer(department_lines)} fakturarader")
    screenshot(page, screenshot_dir / "dashboard_2_filtered.png")

    # 3. Select the department: its units, and its lines a page at a time.
    select_row(departments, 0)
    expect(page.get_by_role("heading", name=f"Enheter i {DEPARTMENT}")).to_be_visible(timeout=TIMEOUT_MS)
    expect(panel.get_by_text(f"Fakturarader: {DEPARTMENT}", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    pages = -(-department_lines // PAGE_SIZE)
    caption = panel.locator(CAPTION, has_text="rader per sida")
    expect(caption).to_have_text(
        _lines_caption(department_lines, _status_amounts(department), 1, pages), timeout=TIMEOUT_MS
    )
    watch.settled()
    assert parse_qs(urlparse(page.url).query) == {"forv": [str(DEPARTMENT_ID)]}  # a selection is not a filter
    notes, table = _download(
        page, panel.get_by_role("button", name="Ladda ner sidan som Excel"), tmp_path, "department.xlsx"
    )
    assert f"Förvaltning: {DEPARTMENT_OPTION}" in notes
    assert notes[-1] == f"Rader: {DEPARTMENT}, sida 1 av {pages}"
    assert table[0] == LINE_HEADERS
    assert len(table) - 1 == PAGE_SIZE  # the page shown, not every line
    screenshot(page, screenshot_dir / "dashboard_3_department.png")

    # 4. Select the first unit: its lines fit on one page.
    expect(_data_rows(units).first).to_be_attached(timeout=TIMEOUT_MS)
    unit_records = {record["Namn"]: record for record in grid_records(units)}
    select_row(units, 0)
    title = panel.get_by_text(re.compile(r"^Fakturarader: "))
    expect(title).not_to_have_text(f"Fakturarader: {DEPARTMENT}", timeout=TIMEOUT_MS)
    watch.settled()
    unit_name = title.inner_text().removeprefix("Fakturarader: ")
    unit = unit_records[unit_name]
    unit_lines, unit_total = int(unit["Rader"]), _status_amounts(unit)
    assert 0 < unit_lines <= PAGE_SIZE, unit
    expect(caption).to_have_text(_lines_caption(unit_lines, unit_total, 1, 1), timeout=TIMEOUT_MS)
    unit_cells = lines.locator("[role=gridcell]", has_text=re.compile(f"^{re.escape(unit_name)}$"))
    expect(unit_cells).to_have_count(unit_lines, timeout=TIMEOUT_MS)
    expect(_data_rows(lines)).to_have_count(unit_lines)
    shown = grid_records(lines)
    screenshot(page, screenshot_dir / "dashboard_4_unit_lines.png")

    # 5. Download the lines: the same rows as on screen, adding up to the caption.
    notes, table = _download(
        page, panel.get_by_role("button", name="Ladda ner sidan som Excel"), tmp_path, "unit.xlsx"
    )
    assert notes[:3] == [
        "Avtalsfokus: avtalstrohet",
        "Period: 1 november 2025 – 31 oktober 2026",
        f"Förvaltning: {DEPARTMENT_OPTION}",
    ]
    assert notes[-1] == f"Rader: {unit_name}, sida 1 av 1"
    header, *rows = table
    assert header == LINE_HEADERS
    amount = header.index("Belopp")
    assert amount == 8  # column I
    assert len(rows) == unit_lines
    assert {row[header.index("Förvaltning")] for row in rows} == {DEPARTMENT}
    assert {row[header.index("Enhet")] for row in rows} == {unit_name}
    assert [row[header.index("Fakturanummer")] for row in rows] == [line["Fakturanummer"] for line in shown]
    excel_total = sum((Decimal(str(row[amount])) for row in rows), Decimal(0))
    assert excel_total == unit_total  # to the öre, against the unit's row in the table
    assert caption.inner_text() == _lines_caption(len(rows), excel_total, 1, 1)  # the caption's "summa"
    watch.settled()
    screenshot(page, screenshot_dir / "dashboard_5_downloaded.png")
    assert not watch.problems, "\n".join(watch.problems)
