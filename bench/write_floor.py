"""The database's share of an import: how long writing N ready-made invoice
lines into ``invoice_line`` takes, before any reading or parsing.

    .venv/bin/python bench/write_floor.py                 # 1,000,000 lines
    .venv/bin/python bench/write_floor.py --lines 200000

The import benchmark measures end to end against the time python-calamine
takes to read the file. This script isolates the part no parser can speed
up: the database receiving the lines through the same path the importer uses
(one ``executemany`` on SQLite, ``COPY`` on PostgreSQL) into the schema as
migrated, with its five secondary indexes and five foreign keys. Then the
same with the foreign keys dropped, and with only the primary key, to show
what each costs. Lines are synthetic but shaped like an export (300 units,
3,000 suppliers, 60 accounts, a year of dates, random 16-byte posting keys).
Each variant gets a fresh database.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

from data_access.core.db import engine_for
from data_access.core.migrate import upgrade_database
from data_access.core.models import Account, Department, ImportBatch, Supplier, Unit
from data_access.engine.bulk import WRITTEN_COLUMNS

FOREIGN_KEYS = (
    "fk_invoice_line_account_id_account",
    "fk_invoice_line_batch_id_import_batch",
    "fk_invoice_line_department_id_department",
    "fk_invoice_line_supplier_id_supplier",
    "fk_invoice_line_unit_id_unit",
)
SECONDARY_INDEXES = (
    "ix_invoice_line_batch_id",
    "ix_invoice_line_invoice_date",
    "ix_invoice_line_supplier_date",
    "ix_invoice_line_unit_date",
    "uq_invoice_line_posting_key",
)
VARIANTS = ("as migrated", "without foreign keys", "primary key only")


def synthetic_lines(count: int, seed: int = 1) -> list[tuple]:
    """Lines in ``WRITTEN_COLUMNS`` order, classified, ready to write."""
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    days = [start + timedelta(days=offset) for offset in range(365)]
    statuses = ("on", "off", "no_contract", "excluded", "unclassified")
    return [
        (
            1,
            rng.choice(days),
            f"F{rng.randrange(10**7)}",
            1,
            rng.randrange(1, 301),
            rng.randrange(1, 3001),
            rng.randrange(1, 61),
            rng.randrange(-(10**6), 10**8),
            rng.randbytes(16),
            None,
            rng.randrange(1, 49),
            rng.choice(statuses),
            None,
            rng.random() < 0.6,
        )
        for _ in range(count)
    ]


def prepare(url: str, variant: str) -> None:
    """Schema at head, the rows the lines point at, then the variant's drops."""
    engine = engine_for(url)
    upgrade_database(engine)
    with engine.begin() as connection:
        connection.execute(insert(Department.__table__), [{"id": 1, "code": "D", "name": "D"}])
        connection.execute(
            insert(Unit.__table__),
            [{"id": n, "code": f"U{n}", "name": f"U{n}", "department_id": 1} for n in range(1, 301)],
        )
        connection.execute(insert(Supplier.__table__), [{"id": n, "name": f"S{n}"} for n in range(1, 3001)])
        connection.execute(
            insert(Account.__table__), [{"id": n, "number": f"4{n:03d}"} for n in range(1, 61)]
        )
        connection.execute(insert(ImportBatch.__table__), [{"id": 1, "kind": "invoices", "source_name": "x"}])
        if connection.dialect.name == "postgresql":
            if variant != "as migrated":
                for name in FOREIGN_KEYS:
                    connection.execute(text(f"ALTER TABLE invoice_line DROP CONSTRAINT {name}"))
            if variant == "primary key only":
                for name in SECONDARY_INDEXES:
                    connection.execute(text(f"DROP INDEX {name}"))
        elif variant == "primary key only":
            for name in SECONDARY_INDEXES:
                connection.execute(text(f"DROP INDEX {name}"))
    engine.dispose()


def write_sqlite(path: Path, lines: list[tuple], foreign_keys: bool) -> float:
    connection = sqlite3.connect(path)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    rows = [(line[0], line[1].isoformat(), *line[2:]) for line in lines]
    columns, placeholders = ", ".join(WRITTEN_COLUMNS), ", ".join("?" * len(WRITTEN_COLUMNS))
    started = time.perf_counter()
    connection.executemany(f"INSERT INTO invoice_line ({columns}) VALUES ({placeholders})", rows)
    connection.commit()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def write_postgres(url: str, lines: list[tuple]) -> float:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        started = time.perf_counter()
        with connection.cursor().copy(f"COPY invoice_line ({', '.join(WRITTEN_COLUMNS)}) FROM STDIN") as copy:
            for line in lines:
                copy.write_row(line)
        connection.commit()
        return time.perf_counter() - started


def postgres_database(admin_url: str, name: str) -> Callable[[], str]:
    import psycopg

    def fresh() -> str:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"

    return fresh


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--postgres-admin-url",
        default=os.environ.get("BENCH_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args(argv)
    lines = synthetic_lines(args.lines)
    print(f"Writing {args.lines:,} ready-made lines into invoice_line\n")
    print("| database | schema | write s | lines/s |")
    print("|---|---|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for variant in VARIANTS:
            path = Path(folder) / f"{variant.replace(' ', '_')}.db"
            prepare(f"sqlite:///{path}", variant)
            elapsed = write_sqlite(path, lines, foreign_keys=variant == "as migrated")
            print(f"| SQLite | {variant} | {elapsed:.2f} | {args.lines / elapsed:,.0f} |", flush=True)
    if not args.skip_postgres:
        fresh = postgres_database(args.postgres_admin_url, "bench_write_floor")
        for variant in VARIANTS:
            url = fresh()
            prepare(url, variant)
            elapsed = write_postgres(url, lines)
            print(f"| PostgreSQL | {variant} | {elapsed:.2f} | {args.lines / elapsed:,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
