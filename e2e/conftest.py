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
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

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


# The journeys' world is a demo that ends on a fixed day, seen from a fixed day a
# little later: the real calendar (or AVTALSFOKUS_TODAY in the environment) never
# turns its contracts into expired ones.
DEMO_END = "2026-10-31"
DEMO_TODAY = "2026-11-15"


def demo_database(folder: Path) -> str:
    """A fresh demo database in ``folder``: its URL."""
    url = f"sqlite:///{folder / 'e2e.db'}"
    subprocess.run(
        [sys.executable, "-m", "data_access", "demo", "--lines", "4000", "--end", DEMO_END],
        cwd=REPO_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,  # its output lands in pytest's captured setup output
    )
    return url


@contextmanager
def served(database_url: str, folder: Path) -> Iterator[str]:
    """``streamlit run serve.py`` (the command the README gives) on its own
    port with ``database_url``; yields its base URL and stops it afterwards."""
    env = {**os.environ, "DATABASE_URL": database_url, "AVTALSFOKUS_TODAY": DEMO_TODAY}
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = folder / "server.log"
    server_cmd = [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless", "true"]
    server_cmd += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    server_cmd += ["--browser.gatherUsageStats", "false"]
    with log_path.open("w") as log:
        proc = subprocess.Popen(server_cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
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
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
