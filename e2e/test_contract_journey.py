"""Journey in a real browser for a procurer: search the contract catalogue,
open a contract found there by its deep link (``/avtal?contract=REF``), and
take its contact people along: the table on screen, the Excel download, the
Outlook address line and the "Skriv till alla" mailto link all name the same
people.

Only reads: the shared demo database is left as it was.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import openpyxl
import pytest
from playwright.sync_api import Locator, Page, expect

from e2e.test_import_journey import VIEWPORT, Watch, _dataframe_with_column, _screenshot

pytestmark = [
    pytest.mark.e2e,
    # pytest 9 warns about a fixture inside pytest-playwright itself (base_url); not ours.
    pytest.mark.filterwarnings("ignore:Session-scoped fixtures defined as instance methods"),
]

TIMEOUT_MS = 30_000
DATAFRAME = '[data-testid="stDataFrame"]'
CAPTION = '[data-testid="stCaptionContainer"]'
CODE = '[data-testid="stCode"]'
MARKDOWN = '[data-testid="stMarkdownContainer"]'
GRID = "table[role=grid]"
CONTACT_HEADERS = ("Enhet", "Namn", "Roll", "E-post", "Telefon", "Köper")
WHERE_THEY_BUY = {"på avtalet", "utanför avtalet", "på avtalet och utanför"}
NO_CONTACTS = "Enheterna har inga registrerade kontaktpersoner."

# A category name, typed in lower case (the search ignores case). In the
# harness's demo (seed 1, ``--end 2026-10-31``) two contracts in force match
# it, newest end date first: KS-2026-083 "Idrottsmaterial – utegym", which
# nobody has bought on yet (so no contact people), and KS-2024-045
# "Idrottsmaterial", bought on by six units. The journey does not rely on
# that order: it opens the catalogue's rows in turn until one has contacts.
SEARCH = "idrottsmaterial"

# The JavaScript that reads a glide grid's ARIA table in one go (the canvas
# has no text): {row index: {column index: text}} for the rows drawn now.
READ_GRID = """table => Object.fromEntries(
    [...table.querySelectorAll('tbody [role=row]')].map(row => [
        row.getAttribute('aria-rowindex'),
        Object.fromEntries([...row.querySelectorAll('[role=gridcell]')].map(
            cell => [cell.getAttribute('aria-colindex'), cell.innerText]))
    ]))"""


def _row_count(grid: Locator) -> int:
    """The number of data rows in an ``st.dataframe``, as its ARIA table
    announces it (header row not counted)."""
    return int(grid.locator(GRID).get_attribute("aria-rowcount") or "1") - 1


def _all_records(grid: Locator) -> list[dict[str, str]]:
    """Every row of an ``st.dataframe`` as {header: cell text}, in order.

    The grid draws, and exposes to ARIA, only the rows in view (about a dozen),
    so scroll it a screenful at a time and collect rows by their row index."""
    table = grid.locator(GRID)
    headers = {
        cell.get_attribute("aria-colindex"): cell.inner_text()
        for cell in table.locator("thead [role=columnheader]").all()
    }
    total = _row_count(grid)
    scroller = grid.locator(".dvn-scroller")
    scroller.evaluate("element => { element.scrollTop = 0; }")
    rows: dict[int, dict[str, str]] = {}
    for _ in range(total + 1):  # each step brings at least one new row
        for index, cells in table.evaluate(READ_GRID).items():
            if cells:
                rows[int(index)] = {headers[column]: text for column, text in cells.items()}
        if len(rows) >= total:
            break
        last = max(rows, default=1)
        scroller.evaluate("element => { element.scrollTop += element.clientHeight * 0.7; }")
        expect(table.locator(f'tbody [role=row][aria-rowindex="{last + 1}"]')).to_be_attached()
    scroller.evaluate("element => { element.scrollTop = 0; }")
    assert sorted(rows) == list(range(2, total + 2)), f"read rows {sorted(rows)} of {total}"
    return [rows[index] for index in sorted(rows)]


def _reference(cell: str) -> str:
    """The contract reference in a catalogue row's "Avtal" cell: the reference
    itself, or a link to the contract page (``/avtal?contract=REF``) showing it."""
    found = re.search(r"(?:^|contract=)([A-Z]+-\d{4}-\d{3})$", cell)
    assert found, f"no contract reference in {cell!r}"
    return found.group(1)


def _units_count(page: Page, label: str) -> int:
    """N from the bold label "**<label>** (N enheter)" above a spend table."""
    text = page.locator(MARKDOWN, has_text=re.compile(f"^{re.escape(label)} \\(\\d+ enheter\\)$"))
    expect(text).to_have_count(1, timeout=TIMEOUT_MS)
    return int(re.search(r"\((\d+) enheter\)", text.inner_text()).group(1))


def _read_workbook(path: Path) -> tuple[list[str], list[tuple]]:
    """The file's note lines (above the empty row) and its table rows (header first)."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [tuple(row) for row in book.active.iter_rows(values_only=True)]
    book.close()
    blank = next(index for index, row in enumerate(rows) if all(cell is None for cell in row))
    notes = [row[0] for row in rows[:blank]]
    assert all(all(cell is None for cell in row[1:]) for row in rows[:blank]), rows[:blank]
    return notes, rows[blank + 1 :]


def _open_contract(watch: Watch, app_url: str, reference: str, name: str) -> None:
    """Open a contract by its deep link; the page shows that contract."""
    page = watch.page
    page.goto(f"{app_url}/avtal?contract={quote(reference)}")
    expect(page.get_by_role("heading", name="Avtal", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    title = f"{reference} {name}"
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Kontaktpersoner", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    watch.settled()
    assert parse_qs(urlparse(page.url).query) == {"contract": [reference]}, page.url
    expect(page.get_by_role("combobox", name="Avtal", exact=True)).to_have_value(title)


def test_search_catalogue_open_contract_and_download_contacts(
    page: Page, app_url: str, screenshot_dir: Path, tmp_path: Path
) -> None:
    page.set_viewport_size(VIEWPORT)
    watch = Watch(page)
    count_caption = page.locator(CAPTION, has_text=re.compile(r"^\d+ avtal$"))
    # The search results are the page's first table (lists for procurers follow).
    catalogue = _dataframe_with_column(page, "Leverantörer").first

    # 1. The catalogue: the contracts in force, as many rows as the caption says.
    page.goto(f"{app_url}/hitta-avtal")
    expect(page.get_by_role("heading", name="Hitta avtal", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(count_caption).to_be_visible(timeout=TIMEOUT_MS)
    watch.settled()
    everything = int(count_caption.inner_text().split()[0])
    assert everything > 2
    expect(catalogue.locator(GRID)).to_have_attribute(
        "aria-rowcount", str(everything + 1), timeout=TIMEOUT_MS
    )
    assert len({_reference(row["Avtal"]) for row in _all_records(catalogue)}) == everything
    _screenshot(page, screenshot_dir / "contract_1_catalogue.png")

    # 2. Search: fewer contracts, every one matching the word somewhere.
    search = page.get_by_role("textbox", name="Sök", exact=True)
    expect(search).to_have_attribute("placeholder", "Avtal, kategori, leverantör eller org.nr")
    search.fill(SEARCH)
    search.press("Enter")
    expect(count_caption).not_to_have_text(f"{everything} avtal", timeout=TIMEOUT_MS)
    watch.settled()
    found = int(count_caption.inner_text().split()[0])
    assert 0 < found < everything
    expect(catalogue.locator(GRID)).to_have_attribute("aria-rowcount", str(found + 1), timeout=TIMEOUT_MS)
    listed = _all_records(catalogue)
    assert len(listed) == found
    for row in listed:
        searched = " ".join(row[column] for column in ("Avtal", "Namn", "Kategori", "Leverantörer"))
        assert SEARCH in searched.lower(), row
    _screenshot(page, screenshot_dir / "contract_2_search.png")

    # 3. Open the listed contracts by their deep links until one has contact people.
    for number, row in enumerate(listed, start=1):
        reference, name = _reference(row["Avtal"]), row["Namn"]
        _open_contract(watch, app_url, reference, name)
        buyers = _units_count(page, "Köper på avtalet")
        _units_count(page, "Köper i kategorin utanför avtalet")
        if page.get_by_text(NO_CONTACTS, exact=True).is_visible():
            expect(page.get_by_role("button", name="Ladda ner kontaktlistan")).to_have_count(0)
            expect(page.get_by_role("link", name="Skriv till alla")).to_have_count(0)
            _screenshot(page, screenshot_dir / f"contract_3_{number}_no_contacts.png")
            continue
        if buyers > 0:
            break
    else:
        pytest.fail(f"none of the contracts found for {SEARCH!r} has buyers with contact people: {listed}")
    buying = page.locator(DATAFRAME).filter(
        has=page.locator("[role=columnheader]", has_text=re.compile("^Första köp$"))
    )
    expect(buying.first.locator(GRID)).to_have_attribute("aria-rowcount", str(buyers + 1), timeout=TIMEOUT_MS)

    # 4. The contact people on screen.
    contacts = _dataframe_with_column(page, "Roll")
    expect(contacts).to_have_count(1)
    headers = contacts.locator("thead [role=columnheader]").all_inner_texts()
    assert tuple(headers) == CONTACT_HEADERS
    # The table links each address (mailto:); the grid holds the link, the cell shows the address.
    shown = [
        {**person, "E-post": person["E-post"].removeprefix("mailto:")} for person in _all_records(contacts)
    ]
    assert shown, "the contact table is empty"
    assert {person["Köper"] for person in shown} <= WHERE_THEY_BUY, shown
    shown_emails = [person["E-post"] for person in shown]
    assert all(re.fullmatch(r"[^@\s;,]+@[^@\s;,]+", email) for email in shown_emails if email), shown_emails
    _screenshot(page, screenshot_dir / "contract_4_contacts.png")

    # 5. Download the contact list: the same people, in the same order.
    download_button = page.get_by_role("button", name="Ladda ner kontaktlistan")
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        download_button.click()
    assert download.value.suggested_filename == f"kontakter_{reference}.xlsx"
    path = tmp_path / f"kontakter_{reference}.xlsx"
    download.value.save_as(path)  # openpyxl wants the .xlsx suffix
    notes, table = _read_workbook(path)
    assert notes == [f"Kontaktpersoner för {reference} {name}"]
    header, *rows = table
    assert header == CONTACT_HEADERS
    assert len(rows) == len(shown)
    excel = [
        dict(zip(CONTACT_HEADERS, ("" if cell is None else str(cell) for cell in row), strict=True))
        for row in rows
    ]
    assert [person["E-post"] for person in excel] == shown_emails
    assert excel == shown
    addresses = list(dict.fromkeys(email for email in shown_emails if email))
    assert addresses, "no contact has an e-mail address"

    # 6. The address line for Outlook and the mailto link name every address once.
    line = page.locator(CODE).filter(has_text=re.compile(r"^[^\s;]+@"))
    expect(line).to_have_count(1)
    assert line.inner_text().strip() == "; ".join(addresses)
    href = page.get_by_role("link", name="Skriv till alla").get_attribute("href") or ""
    assert href.startswith("mailto:"), href
    recipients, _, query = href.removeprefix("mailto:").partition("?")
    assert recipients.split(",") == addresses
    assert all(address in href for address in addresses)
    assert parse_qs(query) == {"subject": [f"{reference} {name}"]}
    watch.settled()
    _screenshot(page, screenshot_dir / "contract_5_downloaded.png")
    assert not watch.problems, "\n".join(watch.problems)
