"""Real-browser tests: a Streamlit server on a throwaway demo database, driven
by pytest-playwright with Debian's Chromium (no ``playwright install``).

Without ``/usr/bin/chromium`` every test here is skipped, with the reason shown.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NO_CHROMIUM_REASON = "Browser tests need Debian's Chromium: apt-get install chromium"
E2E_DIR = Path(__file__).resolve().parent
SERVER_START_TIMEOUT = 60.0
FIRST_RENDER_TIMEOUT_MS = 30_000


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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _warm_up(browser: Browser, base_url: str, log_path: Path) -> None:
    """Run the entry script once in a throwaway session.

    Streamlit learns the page list only when ``st.navigation`` first runs. Until then,
    the very first session of a fresh server that opens a non-default page by its URL
    (say /hitta-avtal) gets a spurious "Page not found" dialog and console error, drawn
    over the correct page (streamlit/streamlit#8860, still present in 1.67). Real users
    meet that only once per server start; without this warm-up the smoke tests would
    pass or fail depending on which test happens to run first.
    """
    page = browser.new_page()
    try:
        page.goto(base_url)
        page.locator('[data-testid="stSidebarNavLink"]').first.wait_for(timeout=FIRST_RENDER_TIMEOUT_MS)
        page.wait_for_selector(
            '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=FIRST_RENDER_TIMEOUT_MS
        )
    except Exception as error:
        pytest.fail(f"Warm-up visit to {base_url} failed: {error}\nServer log:\n{log_path.read_text()}")
    finally:
        page.close()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[str]:
    """Start ``streamlit run app.py`` on a fresh demo database; yield its base URL.

    The server is warmed up with one visit to the main page before any test runs; see
    ``_warm_up`` for why.
    """
    if not CHROMIUM.exists():  # no browser, no point in starting a server
        pytest.skip(NO_CHROMIUM_REASON)
    tmp = tmp_path_factory.mktemp("e2e")
    env = os.environ.copy()
    env["DATABASE_URL"] = f"sqlite:///{tmp / 'e2e.db'}"
    subprocess.run(
        [sys.executable, "-m", "data_access", "demo", "--lines", "4000", "--end", "2026-10-31"],
        cwd=REPO_ROOT,
        env=env,
        check=True,  # its output lands in pytest's captured setup output
    )

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp / "server.log"
    server_cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    server_cmd += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    server_cmd += ["--browser.gatherUsageStats", "false"]
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            server_cmd,
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _healthy(f"{base_url}/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                state = f"exited with {proc.returncode}" if proc.poll() is not None else "timed out"
                pytest.fail(
                    f"Streamlit server did not come up ({state}). Log {log_path}:\n{log_path.read_text()}",
                    pytrace=False,
                )
            time.sleep(0.2)
        _warm_up(browser, base_url, log_path)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
