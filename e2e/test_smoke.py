"""Smoke test in a real browser: every page renders without an exception box,
console errors, page errors or failed requests, and the sidebar navigates.

Each page is opened signed in as a role that may open it (a procurer where the
procurer may, else management, a unit, the admin), and each role's sidebar
leads to each of its pages."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from data_access.access.roles import ROLE_PERMISSIONS, Role
from e2e.helpers import (
    APP_IDLE,
    DIALOG,
    EXCEPTION,
    JOURNEY_MARKS,
    TIMEOUT_MS,
    Watch,
    demo_database,
    landing_page,
    open_in_session,
    page_heading,
    role_pages,
    screenshot_whole_page,
    served,
    sign_in,
    sign_in_form,
)
from ui.navigation import PAGES, PageSpec

pytestmark = JOURNEY_MARKS

# Who opens a page in the smoke test: the first of these whose role may.
ROLE_ORDER = (Role.UPPHANDLARE, Role.LEDNING, Role.ENHET, Role.ADMIN)


def _role_for(spec: PageSpec) -> Role:
    return next(role for role in ROLE_ORDER if spec.permission in ROLE_PERMISSIONS[role])


def _pages_of(role: Role) -> tuple[PageSpec, ...]:
    return role_pages(role.value)


def _landing(role: Role) -> PageSpec:
    return landing_page(role.value)


def _path(spec: PageSpec, role: Role) -> str:
    return "/" if spec == _landing(role) else f"/{spec.url_path}"


def _wait_until_rendered(page: Page, spec: PageSpec) -> None:
    heading = page.get_by_role("heading", name=page_heading(spec), exact=True, level=1)
    expect(heading).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator(DIALOG)).to_have_count(0)


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_page_renders_cleanly(page: Page, app_url: str, spec: PageSpec, screenshot_dir: Path) -> None:
    watch = Watch(page)  # page errors, console errors and failed requests
    role = _role_for(spec)
    sign_in(page, role.value, app_url)
    if spec != _landing(role):
        open_in_session(page, _path(spec, role))
    _wait_until_rendered(page, spec)
    # Give late requests (charts, fonts, media) a moment to settle before judging.
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)

    screenshot_whole_page(page, screenshot_dir / f"{spec.url_path}.png")

    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).all_inner_texts()
    assert page.locator(DIALOG).count() == 0, page.locator(DIALOG).all_inner_texts()
    assert not watch.problems, "\n".join(watch.problems)


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_sidebar_navigation(page: Page, app_url: str, role: Role) -> None:
    landing = _landing(role)
    sign_in(page, role.value, app_url)
    _wait_until_rendered(page, landing)
    links = page.locator('[data-testid="stSidebarNavLink"]')
    expect(links).to_have_count(len(_pages_of(role)))

    for spec in [*[s for s in _pages_of(role) if s != landing], landing]:
        # Ending with the title ("Avtal" is also in "Avtalstrohet" and "Hitta avtal"; the link's
        # text starts with its icon's name).
        title = re.compile(rf"{re.escape(spec.title)}\s*$")
        links.filter(has_text=title).click()
        expected_path = _path(spec, role)
        page.wait_for_url(lambda url, path=expected_path: urlparse(url).path == path, timeout=TIMEOUT_MS)
        _wait_until_rendered(page, spec)


def test_the_first_visitor_after_a_start_opens_a_deep_link_without_page_not_found(
    page: Page, tmp_path: Path
) -> None:
    """The first session of a freshly started server, opening a page by its
    address: Streamlit took ``pages/`` for its old folder navigation until
    ``st.navigation`` first ran, and said "Page not found" over the right page.
    Now the address asks for sign-in first, and then shows the page it names."""
    spec = next(spec for spec in PAGES if spec.url_path == "avtalstrohet")
    with served(demo_database(tmp_path), tmp_path) as base_url:
        page.goto(f"{base_url}/{spec.url_path}?period=ar&ar=2026")
        sign_in_form(page)
        page.wait_for_timeout(1_000)  # the dialog arrived after the page had drawn
        assert page.locator(DIALOG).count() == 0, page.locator(DIALOG).all_inner_texts()
        sign_in(page, Role.LEDNING.value)
        _wait_until_rendered(page, spec)
        page.wait_for_timeout(1_000)
        assert page.locator(DIALOG).count() == 0, page.locator(DIALOG).all_inner_texts()
        assert urlparse(page.url).path == f"/{spec.url_path}"
        assert urlparse(page.url).query == "period=ar&ar=2026"
