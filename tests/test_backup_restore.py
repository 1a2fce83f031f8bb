"""The backup and restore docs/deployment.md gives, run for real: ``pg_dump -Fc``
of a small demo database on the PostgreSQL of ``TEST_DATABASE_URL`` and
``pg_restore`` into a new database, which then holds the same rows, is at the
latest migration and gives the same fidelity report.

Both databases are throwaway ones created here (never ``test`` itself).
Skipped with the reason without ``TEST_DATABASE_URL`` or the PostgreSQL client
programs (Debian's postgresql-client).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from data_access.core.db import engine_for
from data_access.core.migrate import current_revision, head_revision
from data_access.core.models import Base
from tests.conftest import PG_SKIP_REASON, fresh_postgres_database

REPO_ROOT = Path(__file__).resolve().parent.parent
NO_CLIENT_REASON = "Backup tests need pg_dump and pg_restore: apt-get install postgresql-client"


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore take it (no driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _cli(url: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "data_access", *args],
        cwd=REPO_ROOT,
        env={**os.environ, "DATABASE_URL": url, "AVTALSFOKUS_TODAY": "2026-11-15"},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _row_counts(url: str) -> dict[str, int]:
    engine = engine_for(url)
    with engine.connect() as connection:
        counts = {
            table.name: connection.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }
        counts["alembic_version"] = connection.scalar(text("SELECT count(*) FROM alembic_version"))
    return counts


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason=PG_SKIP_REASON)
@pytest.mark.skipif(not (shutil.which("pg_dump") and shutil.which("pg_restore")), reason=NO_CLIENT_REASON)
def test_pg_dump_and_pg_restore_give_back_the_same_database(tmp_path: Path) -> None:
    base = os.environ["TEST_DATABASE_URL"]
    source_db = fresh_postgres_database(base)
    target_db = fresh_postgres_database(base)
    source = next(source_db)
    target = next(target_db)
    try:
        _cli(source, "demo", "--lines", "600", "--end", "2026-10-31")  # migrates, then fills
        dump = tmp_path / "avtalsfokus.dump"
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump), "-d", _libpq(source)], check=True)
        # The commands of docs/deployment.md: into a new, empty database.
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", _libpq(target), str(dump)], check=True
        )

        before = _row_counts(source)
        assert before["invoice_line"] > 0 and before["need"] > 0 and before["alembic_version"] == 1
        assert _row_counts(target) == before
        assert current_revision(engine_for(target)) == head_revision()
        report = ("report", "fidelity", "--by", "department", "--format", "csv")
        assert _cli(target, *report) == _cli(source, *report)
    finally:
        for generator in (source_db, target_db):
            generator.close()  # drops the database (fresh_postgres_database's finally)
