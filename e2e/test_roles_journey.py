"""Journey in a real browser through the sign-in and one role's view of the
app (issue 13): a visitor meets the sign-in page (no demo users on a database
that is not the embedded demo); a wrong password is refused in Swedish;
management (ledning) signed in has exactly its five pages in the sidebar, and
the inbox's address, in the session or opened from a link, shows the Swedish
refusal instead of the inbox; "Logga ut" leads back to the sign-in page, and
the pages ask for sign-in again.

Screenshots at 1366 x 768 of the sign-in page, the refused password and the
signed-in start page go to the screenshot folder. Only reads (and one failed
sign-in of the management account, below the slowdown's free failures).
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from data_access.access.accounts import REFUSED
from e2e.helpers import (
    ACCOUNTS,
    APP_IDLE,
    DATAFRAME,
    DIALOG,
    ERROR_ALERT,
    EXCEPTION,
    JOURNEY_MARKS,
    LAPTOP,
    SIDEBAR,
    TIMEOUT_MS,
    Watch,
    open_in_session,
    sign_in,
    sign_in_form,
    sign_out,
    submit_sign_in,
)

pytestmark = JOURNEY_MARKS

NAV_LINK = '[data-testid="stSidebarNavLink"]'
# Issue 13's role text: management's pages, in the navigation's order.
MANAGEMENT_PAGES = ("Översikt", "Avtalstrohet", "Mål", "Direktupphandlingar", "Hitta avtal")
WRONG_PASSWORD = "inte-det-rätta-lösenordet"
REFUSAL_TITLE = "Du har inte behörighet"
INBOX_REFUSAL = "Du har inte behörighet att se inkorgen."


def _h1(page: Page, text: str) -> Locator:
    return page.get_by_role("heading", name=text, exact=True, level=1)


def _on_the_sign_in_page(page: Page) -> None:
    """The sign-in page and nothing else: no navigation, no way out, no page of the app."""
    sign_in_form(page)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
    expect(_h1(page, "Logga in")).to_be_visible()
    expect(page.locator(NAV_LINK)).to_have_count(0)
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)
    expect(page.locator(DATAFRAME)).to_have_count(0)
    expect(page.locator(DIALOG)).to_have_count(0)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def _inbox_refused(page: Page) -> None:
    """The inbox's address shows the refusal, in Swedish, and none of the inbox."""
    expect(_h1(page, REFUSAL_TITLE)).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
    expect(page.locator(ERROR_ALERT, has_text=INBOX_REFUSAL)).to_be_visible()
    expect(_h1(page, "Inkorg")).to_have_count(0)
    expect(page.locator(DATAFRAME)).to_have_count(0)
    expect(page.locator(DIALOG)).to_have_count(0)  # not Streamlit's English "Page not found"
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator(NAV_LINK)).to_have_text([re.compile(f"{re.escape(t)}$") for t in MANAGEMENT_PAGES])


def test_management_signs_in_sees_its_pages_only_and_signs_out(
    page: Page, app_url: str, screenshot_dir: Path
) -> None:
    page.set_viewport_size(LAPTOP)
    watch = Watch(page)

    # 1. A visitor: the sign-in page, with the local accounts' form only.
    page.goto(app_url)
    _on_the_sign_in_page(page)
    expect(page.get_by_role("button", name=re.compile("demoanvändare"))).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "roles_1_sign_in_1366.png"))

    # 2. A wrong password: refused in Swedish, still on the sign-in page.
    submit_sign_in(page, ACCOUNTS["ledning"].email, WRONG_PASSWORD)
    expect(page.locator(ERROR_ALERT, has_text=REFUSED)).to_be_visible(timeout=TIMEOUT_MS)
    assert page.locator(ERROR_ALERT).inner_text().strip().endswith(REFUSED)
    _on_the_sign_in_page(page)
    page.screenshot(path=str(screenshot_dir / "roles_2_wrong_password_1366.png"))

    # 3. Management signed in: the start page, its name, and exactly its five pages.
    sign_in(page, "ledning")
    expect(_h1(page, "Avtalsfokus")).to_be_visible(timeout=TIMEOUT_MS)
    links = page.locator(NAV_LINK)
    # A link's text starts with its icon's name: match the end.
    expect(links).to_have_text([re.compile(f"{re.escape(title)}$") for title in MANAGEMENT_PAGES])
    sidebar = page.locator(SIDEBAR)
    expect(sidebar.get_by_text(f"Inloggad som {ACCOUNTS['ledning'].name}", exact=True)).to_be_visible()
    expect(sidebar.get_by_text("Roller: ledning", exact=True)).to_be_visible()
    watch.settled()
    page.screenshot(path=str(screenshot_dir / "roles_3_management_start_1366.png"))

    # 4. The inbox is not served: its address in the session, and opened from
    #    a link (a page load: sign in again, then the address asked for).
    open_in_session(page, "/inkorg")
    _inbox_refused(page)
    sign_in(page, "ledning", f"{app_url}/inkorg")
    _inbox_refused(page)

    # 5. Signed out: the sign-in page, and a page's address asks for sign-in again.
    sign_out(page)
    _on_the_sign_in_page(page)
    open_in_session(page, "/avtalstrohet")
    _on_the_sign_in_page(page)
    expect(_h1(page, "Avtalstrohet")).to_have_count(0)
    assert not watch.problems, "\n".join(watch.problems)
