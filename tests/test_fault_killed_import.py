"""Faults (issue 14): an import killed with ``kill -9`` half-way.

An invoice import is one transaction and one batch
(``data_access.importing.invoices``): the batch row is flushed first, its
lines are landed in bulk, then the batch gets its counts and the whole
commits. A process killed in between must leave the batch whole or absent:

* absent: no new ``import_batch`` row and no new ``invoice_line``;
* whole: every batch's ``imported_count`` is the number of lines that name
  it, and no more than its ``row_count`` (``land_batch`` sets both last).

The import runs on a database of its own on the PostgreSQL server, either
as the command line does it on a schedule (``python -m data_access import
invoices FILE``) or as an app server does it for the import page (the page's
code in a process of its own, tests/page_import_process.py, after its
preview), and is killed at a moment seen in ``pg_locks`` (polled, no
sleeping): once its batch row is written (the lock writing ``import_batch``
takes; the file is still being read), or once it writes invoice lines (the
lock on ``invoice_line``). An
app session opened before keeps serving, a fresh one starts cleanly on the
same database (the migrations at start find nothing to trip over), and the
same import run again lands the whole file once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from data_access.core.db import engine_for, session_scope
from data_access.core.migrate import upgrade_database
from data_access.core.models import ImportBatch, InvoiceLine, Supplier, Unit
from data_access.demo.generator import DemoOptions, load_demo
from tests.app_pages import open_page
from tests.conftest import PG_SKIP_REASON, fresh_postgres_database

ROOT = Path(__file__).resolve().parent.parent
LINES = 60_000
WAIT_SECONDS = 180


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    """A database of its own on the PostgreSQL server, migrated, with a small demo."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip(PG_SKIP_REASON)
    for url in fresh_postgres_database(base):
        engine = engine_for(url)
        upgrade_database(engine)
        with session_scope(engine, actor="test") as session:
            load_demo(session, DemoOptions(lines=500, seed=5))
        yield url


def big_invoice_file(engine: Engine, path: Path, month: int) -> Path:
    """``LINES`` invoice lines of a month of 2025 as an export from the
    finance system (CSV, semicolons, Swedish headers), from the demo's
    suppliers and units, each with its own invoice number so that no line
    repeats another."""
    with Session(engine) as session:
        suppliers = session.execute(
            select(Supplier.name, Supplier.org_number).where(Supplier.org_number.is_not(None)).limit(40)
        ).all()
        units = session.scalars(select(Unit.code).order_by(Unit.code).limit(30)).all()
    rows = ["Fakturadatum;Fakturanr;Leverantörsnamn;Org.nr;Ansvar;Konto;Belopp exkl. moms"]
    for n in range(LINES):
        name, org_number = suppliers[n % len(suppliers)]
        day = 1 + n % 28
        amount = f"{100 + n % 9_000},{n % 100:02d}"
        unit = units[n % len(units)]
        rows.append(f"2025-{month:02d}-{day:02d};KILL-{month}-{n};{name};{org_number};{unit};4010;{amount}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def stored(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(ImportBatch)) or 0,
            session.scalar(select(func.count()).select_from(InvoiceLine)) or 0,
        )


def assert_batches_whole(engine: Engine) -> None:
    """Every batch has exactly the lines it counts, and its counts were set."""
    with Session(engine) as session:
        lines_per_batch = dict(
            session.execute(
                select(InvoiceLine.batch_id, func.count())
                .where(InvoiceLine.batch_id.is_not(None))  # the demo's lines came with no import
                .group_by(InvoiceLine.batch_id)
            ).all()
        )
        for batch in session.scalars(select(ImportBatch)):
            if batch.kind in ("invoices", "peppol") and batch.undone_at is None:
                assert batch.row_count >= batch.imported_count, f"batch {batch.id}: counts not set"
                assert lines_per_batch.pop(batch.id, 0) == batch.imported_count, (
                    f"batch {batch.id} is partial"
                )
        assert not lines_per_batch, f"lines without a whole batch: {lines_per_batch}"


def _import(url: str, path: Path, way: str) -> subprocess.Popen[str]:
    """The import as a process: the command line, or the import page's code."""
    command = {
        "cli": ["-m", "data_access", "import", "invoices", str(path), "--user", "schemalagd import"],
        "page": [str(ROOT / "tests" / "page_import_process.py"), str(path)],
    }[way]
    return subprocess.Popen(
        [sys.executable, *command],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until(condition, what: str, process: subprocess.Popen[str] | None = None) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if process is not None and process.poll() is not None:
            _, errors = process.communicate()
            pytest.fail(f"the import ended ({process.returncode}) before {what}: {errors}")
        assert time.monotonic() < deadline, f"waited {WAIT_SECONDS} s for {what}"
        time.sleep(0.02)  # polling the database, not waiting blindly


def _another_writes(engine: Engine, table: str) -> bool:
    """Another backend of this database holds the lock that writing
    ``table`` takes: the import has got that far in its transaction."""
    with engine.connect() as connection:
        return bool(
            connection.scalar(
                text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE c.relname = :table AND l.mode = 'RowExclusiveLock' AND l.granted "
                    "AND l.pid <> pg_backend_pid() AND l.database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                ),
                {"table": table},
            )
        )


def _other_backends(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
        )


# How the import runs, the table it writes when it is killed, and its file's month.
KILL_POINTS = [("cli", "import_batch", 1), ("cli", "invoice_line", 2), ("page", "invoice_line", 3)]


@pytest.mark.parametrize(
    ("way", "written", "month"), KILL_POINTS, ids=[f"{w}-{t}" for w, t, _ in KILL_POINTS]
)
def test_an_import_killed_half_way_leaves_no_partial_batch_and_the_app_serves_on(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, way: str, written: str, month: int
) -> None:
    engine = engine_for(demo_url)
    path = big_invoice_file(engine, tmp_path / f"leverantorsfakturor-2025-{month:02d}.csv", month)
    before = stored(engine)
    monkeypatch.setenv("DATABASE_URL", demo_url)
    st.cache_data.clear()
    st.cache_resource.clear()
    serving = open_page("pages/import_data.py")  # a person at work on the app meanwhile
    engine.dispose()  # the app's pooled connections are not the import's: count only the import's

    importing = _import(demo_url, path, way)
    try:
        if way == "page":  # the preview writes and rolls back: kill in the import that follows it
            assert importing.stdout is not None
            assert importing.stdout.readline() == "previewed\n", importing.communicate()[1]
        _wait_until(lambda: _another_writes(engine, written), f"it wrote {written}", importing)
    finally:
        os.kill(importing.pid, signal.SIGKILL)
        importing.communicate()
    assert importing.returncode == -signal.SIGKILL
    # The server notices the lost client and rolls its transaction back; wait for that.
    engine.dispose()
    _wait_until(lambda: _other_backends(engine) == 0, "the killed import's session to end")

    assert stored(engine) == before, "the killed import left rows behind"
    assert_batches_whole(engine)

    serving.run()  # the session opened before keeps serving
    assert not serving.exception and not serving.error
    st.cache_resource.clear()  # a restarted server: the migrations run again at start
    st.cache_data.clear()
    for page in ("pages/import_data.py", "pages/fidelity.py"):
        fresh = open_page(page)
        assert not fresh.error, [e.value for e in fresh.error]

    again = subprocess.run(
        [sys.executable, "-m", "data_access", "import", "invoices", str(path), "--user", "schemalagd import"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": demo_url},
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
    )
    assert again.returncode == 0, again.stderr
    assert stored(engine) == (before[0] + 1, before[1] + LINES)
    assert_batches_whole(engine)
    with Session(engine) as session:
        batch = session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(1)).one()
    assert (batch.source_name, batch.row_count, batch.imported_count) == (path.name, LINES, LINES)
    engine.dispose()
