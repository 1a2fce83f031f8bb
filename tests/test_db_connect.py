"""Connecting: a PostgreSQL host that accepts but never answers is given up on
after the configured timeout, so a page can say the database does not answer
instead of hanging for the operating system's two minutes."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from data_access.core import db


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A loopback port that accepts connections and then says nothing."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


def test_a_postgresql_that_never_answers_is_given_up_on_after_the_timeout(
    silent_listener: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "PG_CONNECT_TIMEOUT_SECONDS", 1)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{silent_listener}/nothing"
    db.engine_for.cache_clear()
    engine = db.engine_for(url)
    outcome: list[BaseException | None] = []

    def connect() -> None:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    # In a thread, so that a connection that waits forever fails the test instead of hanging it.
    attempt = threading.Thread(target=connect, daemon=True)
    started = time.monotonic()
    attempt.start()
    attempt.join(timeout=10)
    assert not attempt.is_alive(), "still waiting for the silent server after 10 s"
    assert isinstance(outcome[0], OperationalError)
    assert time.monotonic() - started < 10
    engine.dispose()
    db.engine_for.cache_clear()


def test_a_connect_timeout_in_the_url_wins() -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=3"
    db.engine_for.cache_clear()
    engine = db.engine_for(url)
    arguments = engine.dialect.create_connect_args(engine.url)[1]
    assert arguments["connect_timeout"] == "3"
    db.engine_for.cache_clear()
