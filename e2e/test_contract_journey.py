"""Journey in a real browser for a procurer, signed in: search the contract catalogue,
open a contract found there by its deep link (``/avtal?contract=REF``), see
who buys on it on a 1366 x 768 laptop (unit, amount, share and last purchase
without scrolling sideways; a unit's name opens its page; a chosen row shows
in full), and write to them: choose the group (buys on the contract, buys
elsewhere, both), and the table on screen, the Excel download, the Outlook
address line and the mail links (every address in Bcc, in numbered batches
that each fit a mail client) all name the same people.

Only reads: the shared demo database is left as it was.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest
from playwright.sync_api import Locator, Page, expect

from e2e.helpers import (
    CAPTION,
    CODE,
    DATAFRAME,
    GRID,
    GRID_ROW_PX,
    JOURNEY_MARKS,
    LAPTOP,
    MARKDOWN,
    TIMEOUT_MS,
    VIEWPORT,
    Watch,
    contract_reference,
    dataframe_with_column,
    read_workbook,
    screenshot,
    select_row,
    sign_in,
)
from ui.mail import MAILTO_LIMIT
from ui.reach import NO_CONTACTS

pytestmark = JOURNEY_MARKS

CONTACT_HEADERS = ("Enhet", "Namn", "Roll", "E-post", "Telefon", "Köper")
WHERE_THEY_BUY = {"på avtalet", "utanför avtalet", "på avtalet och utanför"}
BUYS_ON = {"på avtalet", "på avtalet och utanför"}
LOCAL_WARNING = "bara fungerar på den här datorn"
UNIT_NAME_X_PX = 90  # inside the unit column, right of the checkbox column
LAST_COLUMN_PX = 300  # "Leverantörer", the only column allowed past the edge
# In the harness's demo, the contract bought on by the most units (63, with
# over a hundred contact people): their addresses need more than one message.
BUSIEST = "KS-2024-004"

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


def _units_count(page: Page, label: str) -> int:
    """N from the bold label "**<label>** (N enheter)" (or "(1 enhet)") above a spend table."""
    text = page.locator(MARKDOWN, has_text=re.compile(f"^{re.escape(label)} \\(\\d+ enhet(er)?\\)$"))
    expect(text).to_have_count(1, timeout=TIMEOUT_MS)
    return int(re.search(r"\((\d+) enhet(er)?\)", text.inner_text()).group(1))


def _open_contract(watch: Watch, app_url: str, reference: str, name: str) -> None:
    """Open a contract by its deep link, as from a mail: a page load starts a
    new session, which asks for sign-in and then shows that contract."""
    page = watch.page
    sign_in(page, "upphandlare", f"{app_url}/avtal?contract={quote(reference)}")
    expect(page.get_by_role("heading", name="Avtal", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    title = f"{reference} {name}"
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Kontaktpersoner", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    watch.settled()
    assert parse_qs(urlparse(page.url).query) == {"contract": [reference]}, page.url
    expect(page.get_by_role("combobox", name="Avtal", exact=True)).to_have_value(title)


def _emails(records: list[dict[str, str]]) -> list[str]:
    """The contact table's addresses as shown (the grid holds mailto: links)."""
    return [record["E-post"].removeprefix("mailto:") for record in records]


def _unique(addresses: list[str]) -> list[str]:
    return list(dict.fromkeys(address for address in addresses if address))


def _mail_links(page: Page) -> list[tuple[str, str]]:
    """The "Skriv till ..." buttons: (text, href)."""
    buttons = page.get_by_role("link", name=re.compile(r"^(mail\s*)?Skriv till "))
    return [
        (button.inner_text().removeprefix("mail").strip(), button.get_attribute("href") or "")
        for button in buttons.all()
    ]


def _check_mail(page: Page, addresses: list[str], subject: str) -> int:
    """Every address once in blind copy across the mail links, each link within
    what a mail client takes, numbered when there are several; the Outlook line
    holds the same addresses. Returns the number of links."""
    links = _mail_links(page)
    assert links, "no mail link"
    if len(links) == 1:
        assert links[0][0] == "Skriv till alla", links
    else:
        assert [text for text, _ in links] == [
            f"Skriv till grupp {number} av {len(links)}" for number in range(1, len(links) + 1)
        ]
    sent: list[str] = []
    for _, href in links:
        assert len(href) <= MAILTO_LIMIT, len(href)
        parts = urlparse(href)
        assert parts.scheme == "mailto" and parts.path == "", (
            href
        )  # nobody in To: they would all see each other
        query = parse_qs(parts.query)
        assert set(query) == {"bcc", "subject"}, href
        assert query["subject"] == [subject]
        sent += query["bcc"][0].split(",")
    assert sent == addresses
    line = page.locator(CODE).filter(has_text=re.compile(r"^[^\s;]+@[^\s;]+(; |$)"))
    expect(line).to_have_count(1)
    assert line.inner_text().split() == [f"{address};" for address in addresses[:-1]] + [addresses[-1]]
    return len(links)


def _check_excel(page: Page, folder: Path, reference: str, name: str, group: str, shown: list[dict]) -> None:
    """The contact list file: the group's people, as on screen."""
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.get_by_role("button", name="Ladda ner kontaktlistan").click()
    assert download.value.suggested_filename == f"kontakter_{reference}.xlsx"
    path = folder / f"kontakter_{reference}_{len(shown)}.xlsx"
    download.value.save_as(path)  # openpyxl wants the .xlsx suffix
    notes, table = read_workbook(path)
    assert notes == [f"Kontaktpersoner för {reference} {name}", group]
    header, *rows = table
    assert header == CONTACT_HEADERS
    excel = [dict(zip(CONTACT_HEADERS, (str(cell) for cell in row), strict=True)) for row in rows]
    on_screen = [{**person, "E-post": person["E-post"].removeprefix("mailto:") or "–"} for person in shown]
    assert excel == on_screen
    assert not any(cell in {"None", "nan", ""} for person in excel for cell in person.values()), excel


def _sideways_overflow(grid: Locator) -> int:
    """How many pixels of a table lie beyond its right edge (scrolled to)."""
    width, visible = grid.locator(".dvn-scroller").evaluate("e => [e.scrollWidth, e.clientWidth]")
    return width - visible


def test_search_catalogue_open_contract_and_write_to_its_buyers(
    page: Page, app_url: str, screenshot_dir: Path, tmp_path: Path
) -> None:
    page.set_viewport_size(VIEWPORT)
    watch = Watch(page)
    count_caption = page.locator(CAPTION, has_text=re.compile(r"^\d+ avtal$"))
    # The search results are the page's first table (lists for procurers follow).
    catalogue = dataframe_with_column(page, "Leverantörer").first

    # 1. Signed in as a procurer, the catalogue: the contracts in force, as many rows as the caption says.
    sign_in(page, "upphandlare", f"{app_url}/hitta-avtal")
    expect(page.get_by_role("heading", name="Hitta avtal", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(count_caption).to_be_visible(timeout=TIMEOUT_MS)
    watch.settled()
    everything = int(count_caption.inner_text().split()[0])
    assert everything > 2
    expect(catalogue.locator(GRID)).to_have_attribute(
        "aria-rowcount", str(everything + 1), timeout=TIMEOUT_MS
    )
    assert len({contract_reference(row["Avtal"]) for row in _all_records(catalogue)}) == everything
    screenshot(page, screenshot_dir / "contract_1_catalogue.png")

    # 2. Search: fewer contracts, every one matching the word somewhere.
    search = page.get_by_role("textbox", name="Sök", exact=True)
    expect(search).to_have_attribute("placeholder", re.compile(r"^Avtal, kategori"))
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
    screenshot(page, screenshot_dir / "contract_2_search.png")

    # 3. On the laptop: open the listed contracts by their deep links until one
    #    has buyers with contact people.
    page.set_viewport_size(LAPTOP)
    for number, row in enumerate(listed, start=1):
        reference, name = contract_reference(row["Avtal"]), row["Namn"]
        _open_contract(watch, app_url, reference, name)
        buyers = _units_count(page, "Köper på avtalet")
        _units_count(page, "Köper i kategorin utanför avtalet")
        if page.get_by_text(NO_CONTACTS, exact=True).is_visible():
            expect(page.get_by_role("button", name="Ladda ner kontaktlistan")).to_have_count(0)
            expect(page.get_by_role("link", name=re.compile("Skriv till"))).to_have_count(0)
            screenshot(page, screenshot_dir / f"contract_3_{number}_no_contacts.png", LAPTOP)
            continue
        if buyers > 0:
            break
    else:
        pytest.fail(f"none of the contracts found for {SEARCH!r} has buyers with contact people: {listed}")

    # 4. Who buys: unit, amount, share and last purchase first, and on screen
    #    without scrolling sideways (only the suppliers column may lie beyond).
    tables = page.locator(DATAFRAME).filter(
        has=page.locator("[role=columnheader]", has_text=re.compile("^Senaste köp$"))
    )
    buying = tables.first
    expect(buying.locator(GRID)).to_have_attribute("aria-rowcount", str(buyers + 1), timeout=TIMEOUT_MS)
    for table in tables.all():
        table.scroll_into_view_if_needed()
        headers = table.locator("thead [role=columnheader]").all_inner_texts()
        assert headers[:4] == ["Enhet", "Belopp", "Andel", "Senaste köp"], headers
        allowed = LAST_COLUMN_PX if headers[-1] == "Leverantörer" else 0
        assert _sideways_overflow(table) <= allowed, headers
    first = _all_records(buying)[0]
    unit_code = parse_qs(urlparse(first["Enhet"]).query)["unit"][0]
    assert re.fullmatch(r"enhet\?unit=[^&]+", first["Enhet"]), first  # the name links to the unit page
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", first["Senaste köp"]), first
    buying.scroll_into_view_if_needed()
    screenshot(page, screenshot_dir / "contract_3_buyers.png", LAPTOP)

    # A unit's name opens its page (in a new tab: a new session, which asks
    # for sign-in and then shows the page the link named).
    box = buying.bounding_box()
    assert box
    with page.context.expect_page(timeout=TIMEOUT_MS) as opened:
        point = (box["x"] + UNIT_NAME_X_PX, box["y"] + GRID_ROW_PX * 1.5)
        page.mouse.move(*point)
        page.mouse.click(*point)
    unit_page = opened.value
    sign_in(unit_page, "upphandlare")
    expect(unit_page.get_by_role("heading", name="Enhet", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    assert parse_qs(urlparse(unit_page.url).query) == {"unit": [unit_code]}, unit_page.url
    expect(unit_page.get_by_role("heading", name=re.compile(f"^{re.escape(unit_code)} "))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    unit_page.close()

    # A chosen row shows in full, with the way to the unit page.
    select_row(buying, 0)
    watch.settled()
    expect(page.get_by_role("link", name="Öppna enhetens sida")).to_be_visible(timeout=TIMEOUT_MS)
    details = page.locator(MARKDOWN).filter(
        has_text=re.compile(r"^Förvaltning: .+\nBelopp: [\d\u00a0]+\u00a0kr\n")
    )
    expect(details).to_have_count(1)
    expect(details).to_contain_text(re.compile(r"Senaste köp: \d{4}-\d{2}-\d{2}$"))

    # The contract manager's address is one piece, on one line.
    manager = page.locator(".st-key-contract_manager")  # the keyed container of its parts
    expect(manager.locator(MARKDOWN, has_text=re.compile("^Avtalsansvarig: "))).to_have_count(1)
    for address in manager.locator("a[href^='mailto:']").all():
        assert address.evaluate("element => element.getClientRects().length") == 1, address.inner_text()

    # 5. The needs form link to send: where the app is reached, and a warning,
    #    since here that is this computer.
    needs_link = page.locator(CODE).filter(has_text="/behov?contract=")
    expect(needs_link).to_have_text(f"{app_url}/behov?contract={quote(reference)}")
    expect(page.get_by_text(re.compile(LOCAL_WARNING))).to_be_visible()

    # 6. Both groups (the default): the contact people on screen, in the file,
    #    the Outlook line and the mail links in Bcc.
    both = page.get_by_role("radio", name=re.compile(r"^Båda \("))
    expect(both).to_be_checked()
    contacts = dataframe_with_column(page, "Roll")
    expect(contacts).to_have_count(1)
    assert tuple(contacts.locator("thead [role=columnheader]").all_inner_texts()) == CONTACT_HEADERS
    everyone = _all_records(contacts)
    assert everyone, "the contact table is empty"
    assert {person["Köper"] for person in everyone} <= WHERE_THEY_BUY, everyone
    assert all(re.fullmatch(r"[^@\s;,]+@[^@\s;,]+", email) for email in _emails(everyone) if email)
    _check_excel(
        page, tmp_path, reference, name, "Enheter som köper på avtalet eller utanför avtalet", everyone
    )
    _check_mail(page, _unique(_emails(everyone)), f"{reference} {name}")
    screenshot(page, screenshot_dir / "contract_4_contacts_both.png", LAPTOP)

    # 7. Only those who buy on the contract: everything follows the choice.
    # The radio input itself is hidden under its label: click the label's text.
    page.locator('[data-testid="stRadio"] label', has_text=re.compile(r"^Köper på avtalet \(")).click()
    expect(page.get_by_role("radio", name=re.compile(r"^Köper på avtalet \("))).to_be_checked()
    watch.settled()
    on_contract = [person for person in everyone if person["Köper"] in BUYS_ON]
    expect(contacts.locator(GRID)).to_have_attribute("aria-rowcount", str(len(on_contract) + 1))
    assert _all_records(contacts) == on_contract
    _check_excel(page, tmp_path, reference, name, "Enheter som köper på avtalet", on_contract)
    _check_mail(page, _unique(_emails(on_contract)), f"{reference} {name}")
    screenshot(page, screenshot_dir / "contract_5_contacts_on_contract.png", LAPTOP)

    # 8. The busiest contract: more addresses than one link holds, so numbered
    #    messages, every address in exactly one of them.
    sign_in(page, "upphandlare", f"{app_url}/avtal?contract={BUSIEST}")
    expect(page.get_by_role("heading", name=re.compile(f"^{BUSIEST} "))).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Kontaktpersoner", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    watch.settled()
    contacts = dataframe_with_column(page, "Roll")
    contacts.scroll_into_view_if_needed()
    expect(contacts.locator("thead [role=columnheader]")).to_have_count(len(CONTACT_HEADERS))
    title = page.get_by_role("combobox", name="Avtal", exact=True).input_value()
    assert title.startswith(f"{BUSIEST} "), title
    messages = _check_mail(page, _unique(_emails(_all_records(contacts))), title)
    assert messages > 1, "the busiest contract's addresses fit in one link: no batches were tested"
    expect(page.locator(CAPTION).filter(has_text=f"uppdelade på {messages} meddelanden")).to_have_count(1)
    screenshot(page, screenshot_dir / "contract_6_batches.png", LAPTOP)
    assert not watch.problems, "\n".join(watch.problems)
