"""Smoke test in a real browser: every page renders without an exception box,
console errors, page errors or failed requests, and the sidebar navigates."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import (
    APP_IDLE,
    DIALOG,
    EXCEPTION,
    JOURNEY_MARKS,
    TIMEOUT_MS,
    Watch,
    demo_database,
    screenshot_whole_page,
    served,
)
from ui.navigation import PAGES, PageSpec

pytestmark = JOURNEY_MARKS


def _heading(spec: PageSpec) -> str:
    # The overview's h1 is the app's name, not its navigation title "Översikt".
    return "Avtalsfokus" if spec.default else spec.title


def _page_url(base_url: str, spec: PageSpec) -> str:
    return base_url if spec.default else f"{base_url}/{spec.url_path}"


def _wait_until_rendered(page: Page, spec: PageSpec) -> None:
    expect(page.get_by_role("heading", name=_heading(spec), exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator(DIALOG)).to_have_count(0)


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_page_renders_cleanly(page: Page, app_url: str, spec: PageSpec, screenshot_dir: Path) -> None:
    watch = Watch(page)  # page errors, console errors and failed requests
    page.goto(_page_url(app_url, spec))
    _wait_until_rendered(page, spec)
    # Give late requests (charts, fonts, media) a moment to settle before judging.
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)

    screenshot_whole_page(page, screenshot_dir / f"{spec.url_path}.png")

    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).all_inner_texts()
    assert page.locator(DIALOG).count() == 0, page.locator(DIALOG).all_inner_texts()
    assert not watch.problems, "\n".join(watch.problems)


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
    spec = next(spec for spec in PAGES if spec.url_path == "avtalstrohet")
    with served(demo_database(tmp_path), tmp_path) as base_url:
        page.goto(f"{base_url}/{spec.url_path}?period=ar&ar=2026")
        _wait_until_rendered(page, spec)
        page.wait_for_timeout(1_000)  # the dialog arrived after the page had drawn
        assert page.locator(DIALOG).count() == 0, page.locator(DIALOG).all_inner_texts()
        assert urlparse(page.url).path == f"/{spec.url_path}"
