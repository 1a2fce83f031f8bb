"""Journey in a real browser for a need, from the unit that has it to the
procurer who answers it: signed in as the unit's user, open the needs form by
its deep link (``/behov?contract=REF&unit=CODE``), submit it with mistakes
(the messages appear, what was typed stays), correct them and submit; follow
the receipt link in a browser that is not signed in; signed in as a procurer,
answer the need in the inbox; see the answer on the receipt.

The text carries payloads (a script tag, a javascript: link, a Markdown image
from another site, a spreadsheet formula): every page shows them as the
characters typed. No dialog opens, no image element points elsewhere and the
browser asks nothing of any address but the test server's.

Writes one need (and its triage) to the shared demo database; the other
browser tests do not read needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

from playwright.sync_api import BrowserContext, Dialog, Locator, Page, Request, WebSocket, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from data_access.core.config import public_base_url
from e2e.helpers import (
    ACCOUNTS,
    APP_IDLE,
    CODE,
    DATAFRAME,
    DIALOG,
    ERROR_ALERT,
    EXCEPTION,
    INFO_ALERT,
    JOURNEY_MARKS,
    METRIC,
    SUCCESS_ALERT,
    TIMEOUT_MS,
    VIEWPORT,
    Watch,
    contract_reference,
    dataframe_with_column,
    enhet_unit_code,
    grid_records,
    metrics,
    open_in_session,
    open_signed_in,
    screenshot,
    select_row,
    sign_in,
    sign_out,
)
from ui.theme import NEED_STATUS_LABELS

pytestmark = JOURNEY_MARKS

TEXT = '[data-testid="stText"]'
FORM = '[data-testid="stForm"]'
OPEN_ATTEMPTS, OPEN_WAIT_MS = 3, 3_000

NEED_TYPE = "Leveranser"  # not the preselected first type
TOO_SHORT = "kort"
BAD_EMAIL = "inte en adress"
EMAIL = "kim.testare@demokommun.example"
# Markdown emphasis: shown as typed, or the name was rendered as Markdown.
NAME = "Kim **Testare**"
PAYLOADS = (
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "![t](https://example.org/p.png)",
    '=HYPERLINK("https://example.org";"x")',
)
NEED_TEXT = "Vi behöver mindre förpackningar av mjölk till avdelningarna. " + " ".join(PAYLOADS)
LESS_GOOD = "Leveranserna kommer sent. ![bild](https://example.org/q.png) <img src=x onerror=alert(2)>"
ANSWER = "Tack! Leverantören har nu 1-liters förpackningar. <b>Beställ</b> [här](https://example.org/shop)"
ASSIGNEE = "Sara Upphandlare"
INTERNAL = "Ringde leverantören 2026-11-27."
PROCURER = ACCOUNTS["upphandlare"].email  # a change is recorded as the signed-in person
STATUS_DONE = "Åtgärdad"
STATUS_NEW = "Ny"


# --------------------------------------------------------------------------- helpers


def _idle(page: Page) -> None:
    """The script run has ended without an exception box or Streamlit dialog
    (error messages may be expected here, unlike Watch.settled)."""
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator(DIALOG)).to_have_count(0)


def _combobox(scope: Page | Locator, label: str) -> Locator:
    return scope.get_by_role("combobox", name=label, exact=True)


def _open_list(page: Page, box: Locator, option: Locator) -> None:
    """Open a selectbox's list until ``option`` shows. The list closes again
    when the page scrolls just after the click (as when Playwright brings a box
    at the bottom of the screen into view), so click again if it did not stay open."""
    for _ in range(OPEN_ATTEMPTS - 1):
        box.scroll_into_view_if_needed()
        box.click()
        try:
            option.wait_for(timeout=OPEN_WAIT_MS)
            return
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    box.click()
    option.wait_for(timeout=TIMEOUT_MS)


def _choose(page: Page, scope: Page | Locator, label: str, option: str) -> None:
    box = _combobox(scope, label)
    wanted = page.get_by_role("option", name=option, exact=True)
    _open_list(page, box, wanted)
    wanted.click()
    expect(box).to_have_value(option)


def _first_row(grid: Locator, last_header: str) -> dict[str, str]:
    """The first data row of an ``st.dataframe`` as {header: cell text}. The grid
    draws (and exposes to ARIA) only the columns in view, and the need's text
    makes a wide column, so read it scrolled left, then scrolled right until
    the last column (``last_header``) is drawn too."""
    scroller = grid.locator(".dvn-scroller")
    first_cells = grid.locator('tbody [role=row][aria-rowindex="2"] [role=gridcell]')
    expect(first_cells.first).to_be_attached(timeout=TIMEOUT_MS)
    row = grid_records(grid)[0]
    scroller.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
    header = grid.locator("thead [role=columnheader]", has_text=re.compile(f"^{re.escape(last_header)}$"))
    expect(header).to_be_attached(timeout=TIMEOUT_MS)
    column = header.get_attribute("aria-colindex")
    expect(first_cells.and_(grid.locator(f'[aria-colindex="{column}"]'))).to_be_attached(timeout=TIMEOUT_MS)
    row.update(grid_records(grid)[0])
    scroller.evaluate("element => { element.scrollLeft = 0; }")
    return row


def _texts(page: Page) -> list[str]:
    """Everything shown with st.text, in order."""
    return page.locator(TEXT).all_inner_texts()


def _status_counts(page: Page) -> dict[str, int]:
    """The inbox's count per status (its metric cards)."""
    return {label: int(value) for label, value in metrics(page).items()}


def _assert_nothing_injected(page: Page) -> None:
    """None of the payloads became markup: no image from elsewhere, no
    javascript: link, no script holding the typed code."""
    expect(page.locator('img[src*="example.org"]')).to_have_count(0)
    expect(page.locator('img[src="x"]')).to_have_count(0)
    expect(page.locator('a[href^="javascript:" i]')).to_have_count(0)
    expect(page.locator('a[href*="example.org"]')).to_have_count(0)
    scripts = page.evaluate("() => [...document.scripts].map(script => script.textContent)")
    assert not [script for script in scripts if "alert(" in script], "a payload became a script"


def _open_inbox(watch: Watch) -> Locator:
    """Open the inbox (signed in as a procurer); its table once drawn."""
    page = watch.page
    open_in_session(page, "/inkorg")
    expect(page.get_by_role("heading", name="Inkorg", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(METRIC)).to_have_count(len(NEED_STATUS_LABELS), timeout=TIMEOUT_MS)
    # The page's first table. (Not found by a header: the grid's ARIA table
    # holds only the columns in view, and _first_row scrolls it.)
    inbox = page.locator(DATAFRAME).first
    expect(inbox.locator("thead [role=columnheader]").first).to_have_text("Behov", timeout=TIMEOUT_MS)
    expect(inbox.locator("[role=gridcell]").first).to_be_attached(timeout=TIMEOUT_MS)
    watch.settled()
    return inbox


def _open_receipt(watch: Watch, app_url: str, query: str) -> None:
    """Open the receipt link as the unit gets it: by its address, not signed in."""
    page = watch.page
    page.goto(f"{app_url}/behov?{query}")
    expect(page.get_by_role("heading", name="Ditt ärende", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("Det här skrev ni", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    watch.settled()
    expect(page.get_by_label("E-postadress", exact=True)).to_have_count(0)  # no sign-in asked
    expect(page.locator(DIALOG)).to_have_count(0)


class _Traffic:
    """Every dialog, request and websocket of the pages it follows."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.sockets: list[str] = []

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _on_websocket(self, socket: WebSocket) -> None:
        self.sockets.append(socket.url)

    def follow(self, page: Page) -> None:
        page.on("dialog", self._on_dialog)
        page.on("request", self._on_request)
        page.on("websocket", self._on_websocket)


@contextmanager
def _fresh_page(page: Page, traffic: _Traffic) -> Iterator[Watch]:
    """A page in a browser context of its own (no sign-in, no session), as
    when the unit opens the receipt link from its mail; followed like the rest."""
    browser = page.context.browser
    assert browser is not None
    context: BrowserContext = browser.new_context(viewport=VIEWPORT)
    try:
        fresh = context.new_page()
        traffic.follow(fresh)
        watch = Watch(fresh)
        yield watch
        assert not watch.problems, "\n".join(watch.problems)
    finally:
        context.close()


# --------------------------------------------------------------------------- the journey


def test_submit_need_with_payloads_answer_it_and_read_the_receipt(
    page: Page, app_url: str, screenshot_dir: Path
) -> None:
    page.set_viewport_size(VIEWPORT)
    watch = Watch(page)
    traffic = _Traffic()
    traffic.follow(page)
    server = urlparse(app_url).netloc

    # 0. The inbox before, seen by a procurer: how many needs per status.
    open_signed_in(page, app_url, "upphandlare")
    _open_inbox(watch)
    counts_before = _status_counts(page)
    assert list(counts_before) == list(NEED_STATUS_LABELS.values()), counts_before
    sign_out(page)

    # The unit's user: a contract in force, from the catalogue.
    sign_in(page, "enhet")
    open_in_session(page, "/hitta-avtal")
    expect(page.get_by_role("heading", name="Hitta avtal", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    catalogue = dataframe_with_column(page, "Leverantörer").first
    expect(catalogue.locator("[role=gridcell]").first).to_be_attached(timeout=TIMEOUT_MS)
    watch.settled()
    first_contract = grid_records(catalogue)[0]
    reference, contract_name = contract_reference(first_contract["Avtal"]), first_contract["Namn"]
    unit_code = enhet_unit_code()

    # 1. The deep link fills in the contract and the unit, and names the contract manager.
    open_in_session(page, f"/behov?contract={quote(reference)}&unit={quote(unit_code)}")
    expect(page.get_by_role("heading", name="Lämna behov", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    form = page.locator(FORM)
    expect(form.get_by_role("button", name="Skicka")).to_be_visible(timeout=TIMEOUT_MS)
    watch.settled()
    expect(_combobox(page, "Avtal")).to_have_value(f"{reference} {contract_name}")
    unit_label = _combobox(page, "Enhet").input_value()
    assert unit_label.startswith(f"{unit_code} "), unit_label
    unit_name = unit_label.split(" ", 1)[1]
    expect(page.locator(INFO_ALERT, has_text=f"Avtalsansvarig för {reference}: ")).to_be_visible()
    expect(form.locator('[data-testid="stAlertContentWarning"]')).to_contain_text("känsliga personuppgifter")
    expect(_combobox(form, "Vad gäller det?")).to_have_value("Förpackningsstorlek")
    screenshot(page, screenshot_dir / "needs_1_deep_link.png")

    # 2. Too short a text and an invalid e-mail address: the messages, nothing sent, nothing lost.
    text_area = form.get_by_role("textbox", name="Beskriv behovet *", exact=True)
    name_input = form.get_by_role("textbox", name="Ert namn", exact=True)
    email_input = form.get_by_role("textbox", name="Er e-post", exact=True)
    less_good_area = form.get_by_role("textbox", name="Det här fungerar mindre bra", exact=True)
    _choose(page, form, "Vad gäller det?", NEED_TYPE)
    text_area.fill(TOO_SHORT)
    name_input.fill(NAME)
    email_input.fill(BAD_EMAIL)
    _choose(page, form, "Leverantörens service (1–5)", "2")
    _choose(page, form, "Jag vet vem som är avtalsansvarig", "Nej")
    less_good_area.fill(LESS_GOOD)
    form.get_by_role("button", name="Skicka").click()
    not_sent = page.locator(ERROR_ALERT, has_text="Behovet skickades inte: ")
    expect(not_sent).to_be_visible(timeout=TIMEOUT_MS)
    _idle(page)
    expect(form.locator(ERROR_ALERT, has_text="Beskriv behovet med minst 10 tecken.")).to_be_visible()
    expect(form.locator(ERROR_ALERT, has_text="Det är ingen giltig e-postadress.")).to_be_visible()
    expect(page.locator(ERROR_ALERT)).to_have_count(3)
    expect(page.locator(SUCCESS_ALERT)).to_have_count(0)
    expect(text_area).to_have_value(TOO_SHORT)
    expect(name_input).to_have_value(NAME)
    expect(email_input).to_have_value(BAD_EMAIL)
    expect(less_good_area).to_have_value(LESS_GOOD)
    expect(_combobox(form, "Vad gäller det?")).to_have_value(NEED_TYPE)
    expect(_combobox(form, "Leverantörens service (1–5)")).to_have_value("2")
    expect(_combobox(form, "Jag vet vem som är avtalsansvarig")).to_have_value("Nej")
    expect(_combobox(page, "Avtal")).to_have_value(f"{reference} {contract_name}")
    expect(_combobox(page, "Enhet")).to_have_value(unit_label)
    assert not watch.problems, "\n".join(watch.problems)
    screenshot(page, screenshot_dir / "needs_2_validation_errors.png")

    # 3. Corrected: sent, with a reference number and a receipt link.
    text_area.fill(NEED_TEXT)
    email_input.fill(EMAIL)
    form.get_by_role("button", name="Skicka").click()
    success = page.locator(SUCCESS_ALERT, has_text="Tack! Ert behov är inlämnat med referens")
    expect(success).to_be_visible(timeout=TIMEOUT_MS)
    watch.settled()  # no error message left
    # The alert's text starts with its icon's name ("check_circle").
    found = re.search(
        r"\nTack! Ert behov är inlämnat med referens (B-\d{6})\.$", success.inner_text().strip()
    )
    assert found, success.inner_text()
    need_reference = found.group(1)
    link = page.locator(CODE).filter(has_text="/behov?kvitto=")
    expect(link).to_have_count(1)
    receipt_link = link.inner_text().strip()
    # The address the app is reached at (here the test server), unless AVTALSFOKUS_BASE_URL says otherwise.
    assert receipt_link.startswith(f"{public_base_url(app_url)}/behov?kvitto="), receipt_link
    query = urlparse(receipt_link).query
    token = parse_qs(query)["kvitto"][0]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", token), token  # unguessable, not a counter
    _assert_nothing_injected(page)
    screenshot(page, screenshot_dir / "needs_3_submitted.png")

    # 4. The receipt, on the test server's own address, in a browser that is
    #    not signed in: the text exactly as typed, status "Ny".
    with _fresh_page(page, traffic) as receipt:
        _open_receipt(receipt, app_url, query)
        expect(receipt.page.get_by_text(f"Referens {need_reference}", exact=False)).to_be_visible()
        assert metrics(receipt.page) == {
            "Status": STATUS_NEW,
            "Typ": NEED_TYPE,
            "Avtal": reference,
            "Enhet": unit_name,
        }
        assert _texts(receipt.page) == [NEED_TEXT, "Inget svar ännu."]
        _assert_nothing_injected(receipt.page)
        screenshot(receipt.page, screenshot_dir / "needs_4_receipt_new.png")

    # 5. The procurer's inbox: one more new need, listed first, the text as typed.
    sign_out(page)
    sign_in(page, "upphandlare")
    inbox = _open_inbox(watch)
    assert _status_counts(page) == {**counts_before, STATUS_NEW: counts_before[STATUS_NEW] + 1}
    first = _first_row(inbox, "Upphandlingens service")
    assert first["Referens"] == need_reference, first
    assert first["Behov"] == NEED_TEXT, first
    assert (first["Avtal"], first["Enhet"], first["Typ"], first["Status"]) == (
        reference,
        unit_name,
        NEED_TYPE,
        STATUS_NEW,
    ), first
    _assert_nothing_injected(page)
    screenshot(page, screenshot_dir / "needs_5_inbox.png")

    # 6. Select it: its details as text, and the triage form.
    select_row(inbox, 0)
    expect(page.get_by_role("heading", name=f"{need_reference}: {NEED_TYPE}")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    triage_form = page.locator(FORM)
    expect(triage_form.get_by_role("button", name="Spara")).to_be_visible(timeout=TIMEOUT_MS)
    watch.settled()
    texts = _texts(page)
    assert texts[0].endswith(f" · {NAME} <{EMAIL}>"), texts
    assert texts[0].startswith(f"{unit_name} · {reference} · inkom "), texts
    assert texts[1] == NEED_TEXT, texts
    assert f"Mindre bra: {LESS_GOOD}" in texts, texts
    assert any(text.startswith("Leverantörens service: 2 ·") and text.endswith(": nej") for text in texts)
    expect(_combobox(triage_form, "Status")).to_have_value(STATUS_NEW)
    _assert_nothing_injected(page)
    screenshot(page, screenshot_dir / "needs_6_selected.png")

    # 7. Answer it: status, assignee, answer, notes, and who did it.
    _choose(page, triage_form, "Status", STATUS_DONE)
    triage_form.get_by_role("textbox", name="Handläggare", exact=True).fill(ASSIGNEE)
    triage_form.get_by_role("textbox", name="Svar till enheten (syns på kvittot)", exact=True).fill(ANSWER)
    triage_form.get_by_role("textbox", name="Interna anteckningar (syns inte för enheten)").fill(INTERNAL)
    triage_form.get_by_role("button", name="Spara").click()
    history = dataframe_with_column(page, "Vem")
    expect(history.locator("[role=gridcell]").first).to_be_attached(timeout=TIMEOUT_MS)
    expect(history.locator("[role=row]:has([role=gridcell])")).to_have_count(4, timeout=TIMEOUT_MS)
    watch.settled()
    changes = grid_records(history)
    assert [(change["Vem"], change["Fält"]) for change in changes] == [
        (PROCURER, "Status"),
        (PROCURER, "Handläggare"),
        (PROCURER, "Svar"),
        (PROCURER, "Anteckningar"),
    ], changes
    # The status change: today the history shows the stored codes ("new" ->
    # "resolved"), not the words the rest of the page uses; either is accepted.
    assert (changes[0]["Från"], changes[0]["Till"]) in {(STATUS_NEW, STATUS_DONE), ("new", "resolved")}, (
        changes
    )
    assert [(change["Från"], change["Till"]) for change in changes[1:]] == [  # nothing before: a dash
        ("–", ASSIGNEE),
        ("–", ANSWER),
        ("–", INTERNAL),
    ], changes
    assert _status_counts(page) == {
        **counts_before,
        STATUS_DONE: counts_before[STATUS_DONE] + 1,
    }
    _assert_nothing_injected(page)
    screenshot(page, screenshot_dir / "needs_7_answered.png")

    # 8. The receipt again, not signed in: "Åtgärdad" and the answer, as written.
    with _fresh_page(page, traffic) as receipt:
        _open_receipt(receipt, app_url, query)
        expect(receipt.page.locator('[data-testid="stMetricValue"]').first).to_have_text(STATUS_DONE)
        assert metrics(receipt.page)["Status"] == STATUS_DONE
        assert _texts(receipt.page) == [NEED_TEXT, ANSWER]
        _assert_nothing_injected(receipt.page)
        screenshot(receipt.page, screenshot_dir / "needs_8_receipt_answered.png")

    # Throughout: no dialog, nothing asked of any other address, nothing in the logs.
    assert not traffic.dialogs, traffic.dialogs
    outside = [
        url
        for url in traffic.requests + traffic.sockets
        if urlparse(url).scheme not in ("data", "blob") and urlparse(url).netloc != server
    ]
    assert not outside, outside
    assert not [url for url in traffic.requests if "example.org" in url], traffic.requests
    assert not watch.problems, "\n".join(watch.problems)
