"""Errors shown to users, in a real browser (issue 11, point 3): the app served
as the README says (``streamlit run serve.py``) with a PostgreSQL URL nothing
listens on. Every page and a deep link say that the database does not answer,
with a reference that the server log holds with the traceback; neither the page
nor anything the server sends the browser names the host, port, password,
driver, exception or a file path."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, WebSocket, expect

from e2e.helpers import (
    APP_IDLE,
    CHROMIUM,
    ERROR_ALERT,
    EXCEPTION,
    JOURNEY_MARKS,
    LAPTOP,
    NO_CHROMIUM_REASON,
    TIMEOUT_MS,
    free_port,
    served,
)
from ui.errors import DATABASE_DOWN

pytestmark = JOURNEY_MARKS

REFERENCE = re.compile(r"\b[0-9A-F]{8}\b")
PASSWORD = "hemligt-lösen"


class DownServer:
    def __init__(self, base_url: str, log: Path, port: int) -> None:
        self.base_url, self.log, self.port = base_url, log, port


@pytest.fixture(scope="module")
def down_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DownServer]:
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM_REASON)
    folder = tmp_path_factory.mktemp("database-down")
    port = free_port()  # nothing listens there
    url = f"postgresql+psycopg://avtalsfokus:{PASSWORD}@127.0.0.1:{port}/avtalsfokus"
    with served(url, folder) as base_url:
        yield DownServer(base_url, folder / "server.log", port)


def _error_details(server: DownServer) -> tuple[str, ...]:
    """What the failure carries: none of it may reach the browser."""
    return (
        "127.0.0.1",
        str(server.port),
        PASSWORD,
        "Traceback",
        "OperationalError",
        "psycopg",
        "sqlalchemy",
        "Connection refused",
    )


# File paths must not be on the page. (Streamlit itself sends the main script's
# path, /…/app.py, in every session's first message; no setting turns that off,
# so the paths are checked on the page, the details above on the wire too.)
PATHS = ("/work/", str(Path(__file__).resolve().parent.parent), ".py", "site-packages")


@pytest.mark.parametrize("path", ["", "/hitta-avtal", "/inkorg", "/avtal?contract=LIV-1"])
def test_the_database_being_down_is_said_in_swedish_and_nothing_technical_reaches_the_browser(
    page: Page, down_server: DownServer, path: str, screenshot_dir: Path
) -> None:
    frames: list[bytes] = []

    def keep(data: bytes | str) -> None:
        frames.append(data if isinstance(data, bytes) else data.encode())

    def on_websocket(socket: WebSocket) -> None:
        socket.on("framereceived", keep)

    page.on("websocket", on_websocket)
    page.set_viewport_size(LAPTOP)
    page.goto(down_server.base_url + path)
    box = page.locator(ERROR_ALERT)
    expect(box).to_contain_text(DATABASE_DOWN, timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)

    shown = page.locator("body").inner_text()
    sent = b"".join(frames)
    for word in _error_details(down_server):
        assert word not in shown, f"{word!r} on the page"
        assert word.encode() not in sent, f"{word!r} sent to the browser"
    for path_part in PATHS:
        assert path_part not in shown, f"{path_part!r} on the page"

    match = REFERENCE.search(box.inner_text())
    assert match, box.inner_text()
    log = down_server.log.read_text()
    logged = log[log.index(f"Reference {match.group(0)}") :]
    assert "Traceback" in logged and "Connection refused" in logged, logged[:2000]

    if path.startswith("/avtal"):
        page.screenshot(path=str(screenshot_dir / "database-down-1366x768.png"))
