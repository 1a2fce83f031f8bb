"""A need submitted with the keyboard alone (issue 14, WCAG 2.1.1), in Chromium.

A unit user (role ``enhet``) signs in, and from then on uses only
``page.keyboard``: Tab to "Lämna behov" in the menu and Enter; Tab to the
description and type it; Tab on to "Skicka" and Enter; then reads the receipt:
the reference and the receipt link. The need is stored once, with the text as
typed. The unit is the person's only one (chosen already), the name and e-mail
come from the sign-in, so the description is all there is to type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from data_access.core.db import engine_for, session_scope
from data_access.core.models import Need
from data_access.customers.needs import reference_of
from e2e.helpers import (
    APP_IDLE,
    CHROMIUM,
    CODE,
    EXCEPTION,
    JOURNEY_MARKS,
    NO_CHROMIUM_REASON,
    SUCCESS_ALERT,
    TIMEOUT_MS,
    VIEWPORT,
    Watch,
    demo_database,
    served,
    sign_in,
)

pytestmark = JOURNEY_MARKS

PORT = 8701
NEED_TEXT = "Vi behöver mindre förpackningar av handskar, de stora räcker i ett halvår."
MAX_TABS = 80  # far more than the page has; a focus that never arrives fails


@dataclass
class World:
    url: str
    database: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One server for the module, on a fresh demo database."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM_REASON)
    tmp = tmp_path_factory.mktemp("keyboard")
    database = demo_database(tmp)
    with served(database, tmp, port=PORT) as base_url:
        yield World(base_url, database)


def _focused(page: Page) -> dict[str, str]:
    """What has the keyboard focus: its tag, accessible label and text."""
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            return {tag: e?.tagName ?? "", label: e?.getAttribute("aria-label") ?? "",
                    text: (e?.innerText ?? "").trim()};
        }"""
    )


def _tab_to(page: Page, wanted: str, *, key: str = "label") -> None:
    """Press Tab until the focused element's ``key`` (label or text) ends
    with ``wanted``; fail after :data:`MAX_TABS` presses."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused[key].endswith(wanted):
            return
        seen.append(focused[key] or focused["text"][:30] or focused["tag"])
    pytest.fail(f"Tab never reached {wanted!r}; it went through {seen}", pytrace=False)


def test_a_unit_submits_a_need_with_the_keyboard_only(page: Page, world: World) -> None:
    page.set_viewport_size(VIEWPORT)
    watch = Watch(page)
    sign_in(page, "enhet", world.url)
    expect(page.get_by_role("heading", name="Min enhet", exact=True, level=1)).to_be_visible(
        timeout=TIMEOUT_MS
    )

    # From here on, only the keyboard.
    _tab_to(page, "Lämna behov", key="text")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Lämna behov", exact=True, level=1)).to_be_visible(
        timeout=TIMEOUT_MS
    )
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
    expect(page.get_by_role("textbox", name="Er e-post")).not_to_have_value("", timeout=TIMEOUT_MS)

    _tab_to(page, "Beskriv behovet *")
    page.keyboard.type(NEED_TEXT)
    _tab_to(page, "Skicka", key="text")
    page.keyboard.press("Enter")

    success = page.locator(SUCCESS_ALERT)
    expect(success).to_contain_text("Tack! Ert behov är inlämnat med referens", timeout=TIMEOUT_MS)
    reference = re.search(r"referens (\S+)\.", success.inner_text())
    assert reference, success.inner_text()
    receipt = page.locator(CODE).filter(has_text="/behov?kvitto=")
    expect(receipt).to_have_count(1)
    token = receipt.inner_text().strip().rsplit("kvitto=", 1)[1]
    watch.settled()
    expect(page.locator(EXCEPTION)).to_have_count(0)

    engine = engine_for(world.database)
    with session_scope(engine, actor="e2e") as session:
        stored = session.scalars(select(Need).where(Need.text == NEED_TEXT)).all()
        assert [(need.token, reference_of(need.id)) for need in stored] == [(token, reference.group(1))]
    engine.dispose()
