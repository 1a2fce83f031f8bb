"""Real-browser tests: a Streamlit server on a throwaway demo database, driven
by pytest-playwright with Debian's Chromium (no ``playwright install``).

Without ``/usr/bin/chromium`` every test here is skipped, with the reason shown.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from e2e.helpers import CHROMIUM, CHROMIUM_ARGS, NO_CHROMIUM_REASON, REPO_ROOT, demo_database, served

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in e2e/ as e2e, and skip them all when Chromium is missing."""
    skip = pytest.mark.skip(reason=NO_CHROMIUM_REASON)
    for item in items:
        if E2E_DIR not in Path(str(item.fspath)).resolve().parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if not CHROMIUM.exists():
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or REPO_ROOT / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server on a fresh demo database, shared by the journeys; its base URL.

    No warm-up visit: ``serve.py`` tells Streamlit at start-up that the app
    navigates with ``st.navigation``, so even the first visitor's deep link opens
    without the "Page not found" dialog (``test_smoke`` proves it on a server of
    its own)."""
    if not CHROMIUM.exists():  # no browser, no point in starting a server
        pytest.skip(NO_CHROMIUM_REASON)
    tmp = tmp_path_factory.mktemp("e2e")
    with served(demo_database(tmp), tmp) as base_url:
        yield base_url
