"""Smoke test in a real browser: every page renders without an exception box,
console errors, page errors or failed requests, and the sidebar navigates."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import ConsoleMessage, Page, Response, expect

from ui.navigation import PAGES, PageSpec

pytestmark = [
    pytest.mark.e2e,
    # pytest 9 warns about a fixture inside pytest-playwright itself (base_url); not ours.
    pytest.mark.filterwarnings("ignore:Session-scoped fixtures defined as instance methods"),
]

# First render on a 2-core machine takes up to about 8 s; leave plenty of room.
TIMEOUT_MS = 30_000
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
SKELETON = '[data-testid="stSkeleton"]'  # placeholder while a lazily loaded widget's code arrives
DIALOG = '[role="dialog"]'  # e.g. Streamlit's "Page not found"

# Opening a page by its own URL (/hitta-avtal) makes Streamlit's frontend probe
# /hitta-avtal/_stcore/health and /hitta-avtal/_stcore/host-config to find its
# base path; both answer 404 and Chromium logs "Failed to load resource ... 404".
# That is the framework, not the app (RECIPES §10), so only these two are ignored.
BASE_PATH_PROBES = ("/_stcore/health", "/_stcore/host-config")


def _heading(spec: PageSpec) -> str:
    # The overview's h1 is the app's name, not its navigation title "Översikt".
    return "Avtalsfokus" if spec.default else spec.title


def _is_base_path_probe(url: str) -> bool:
    return urlparse(url).path.endswith(BASE_PATH_PROBES)


def _page_url(base_url: str, spec: PageSpec) -> str:
    return base_url if spec.default else f"{base_url}/{spec.url_path}"


def _wait_until_rendered(page: Page, spec: PageSpec) -> None:
    expect(page.get_by_role("heading", name=_heading(spec), exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator(DIALOG)).to_have_count(0)


def _screenshot_whole_page(page: Page, path: Path) -> None:
    """Streamlit scrolls inside its main container, so ``full_page`` alone stops at the
    viewport; grow the viewport to the content's height first."""
    expect(page.locator(SKELETON)).to_have_count(0, timeout=TIMEOUT_MS)
    size = page.viewport_size or {"width": 1280, "height": 720}
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight ?? 0")
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_timeout(500)  # let charts re-lay out to the new size
    page.screenshot(path=str(path), full_page=True)


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_page_renders_cleanly(page: Page, app_url: str, spec: PageSpec, screenshot_dir: Path) -> None:
    console_errors: list[str] = []
    page_errors: list[str] = []
    bad_responses: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        location = message.location.get("url", "") if message.location else ""
        if "Failed to load resource" in message.text and _is_base_path_probe(location):
            return  # the console echo of a base-path probe, see BASE_PATH_PROBES
        console_errors.append(f"{message.text} ({location})")

    def on_response(response: Response) -> None:
        if response.status >= 400 and not _is_base_path_probe(response.url):
            bad_responses.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.on("response", on_response)

    page.goto(_page_url(app_url, spec))
    _wait_until_rendered(page, spec)
    # Give late requests (charts, fonts, media) a moment to settle before judging.
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)

    _screenshot_whole_page(page, screenshot_dir / f"{spec.url_path}.png")

    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).all_inner_texts()
    assert page.locator(DIALOG).count() == 0, page.locator(DIALOG).all_inner_texts()
    assert not page_errors, f"page errors: {page_errors}"
    assert not console_errors, f"console errors: {console_errors}"
    assert not bad_responses, f"failed requests: {bad_responses}"


def test_sidebar_navigation(page: Page, app_url: str) -> None:
    default = next(spec for spec in PAGES if spec.default)
    page.goto(app_url)
    _wait_until_rendered(page, default)

    for spec in [*[s for s in PAGES if not s.default], default]:
        # Ending with the title ("Avtal" is also in "Avtalstrohet" and "Hitta avtal"; the link's
        # text starts with its icon's name).
        title = re.compile(rf"{re.escape(spec.title)}\s*$")
        page.locator('[data-testid="stSidebarNavLink"]', has_text=title).click()
        expected_path = "/" if spec.default else f"/{spec.url_path}"
        page.wait_for_url(lambda url, path=expected_path: urlparse(url).path == path, timeout=TIMEOUT_MS)
        _wait_until_rendered(page, spec)


def test_the_first_visitor_after_a_start_opens_a_deep_link_without_page_not_found(
    page: Page, tmp_path: Path
) -> None:
    """The first session of a freshly started server, opening a page by its
    address: Streamlit took ``pages/`` for its old folder navigation until
    ``st.navigation`` first ran, and said "Page not found" over the right page."""
    from e2e.conftest import demo_database, served

    spec = next(spec for spec in PAGES if spec.url_path == "avtalstrohet")
    with served(demo_database(tmp_path), tmp_path) as base_url:
        page.goto(f"{base_url}/{spec.url_path}?period=ar&ar=2026")
        _wait_until_rendered(page, spec)
        page.wait_for_timeout(1_000)  # the dialog arrived after the page had drawn
        assert page.locator(DIALOG).count() == 0, page.locator(DIALOG).all_inner_texts()
        assert urlparse(page.url).path == f"/{spec.url_path}"
