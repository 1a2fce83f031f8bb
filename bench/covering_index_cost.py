"""What the contract page's covering index costs an import: 1,000,000
ready-made lines written (``bench/write_floor.py``'s lines and writers) into the
schema as migrated, and into the same schema with ``ix_invoice_line_category_date``
narrowed back to ``(category_id, invoice_date)`` as in migrations 0006-0008,
alternating, on SQLite and PostgreSQL. Prints one table.

    .venv/bin/python bench/covering_index_cost.py [--lines N] [--rounds R]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import write_floor
from sqlalchemy import text

from data_access.core.db import engine_for

VARIANTS = ("covering (0011)", "narrow (0006–0008)")


def narrow(url: str) -> None:
    engine = engine_for(url)
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_invoice_line_category_date"))
        connection.execute(
            text("CREATE INDEX ix_invoice_line_category_date ON invoice_line (category_id, invoice_date)")
        )
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--postgres-admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    lines = write_floor.synthetic_lines(args.lines)
    fresh = write_floor.postgres_database(args.postgres_admin_url, "bench_write_floor")
    print(f"Writing {args.lines:,} lines\n\n| round | category index | SQLite write s | PostgreSQL write s |")
    print("|---:|---|---:|---:|")
    for round_number in range(1, args.rounds + 1):
        for variant in VARIANTS:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "lines.db"
                write_floor.prepare(f"sqlite:///{path}", "as migrated")
                if variant != VARIANTS[0]:
                    narrow(f"sqlite:///{path}")
                sqlite_s = write_floor.write_sqlite(path, lines, foreign_keys=True)
            url = fresh()
            write_floor.prepare(url, "as migrated")
            if variant != VARIANTS[0]:
                narrow(url)
            postgres_s = write_floor.write_postgres(url, lines)
            print(f"| {round_number} | {variant} | {sqlite_s:.2f} | {postgres_s:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
