"""Page benchmark (issue 10, point 15): how long does every page of the
navigation take, cold and warm, on large demo databases?

    .venv/bin/python bench/page_benchmark.py                        # 200k, 1M, 5M lines, both databases
    .venv/bin/python bench/page_benchmark.py --sizes 200000 --repeat 2 --skip-postgres
    .venv/bin/python bench/page_benchmark.py --pages avtal,direktupphandlingar
    .venv/bin/python bench/page_benchmark.py --snapshot     # HEAD's committed code, not the working tree

The databases are the dashboard benchmark's (``bench/dashboard_benchmark.py``):
the deterministic demo (``python -m data_access demo --lines N --end
2026-10-31``) in the SQLite file ``/tmp/avtalsfokus-bench/dashboard_<N>.db``
and the PostgreSQL database ``bench_dashboard_<N>``, built once and reused
while they hold N lines (``init-db`` is run on a reused one, so a new
migration's indexes are added rather than the database rebuilt).

For every database and size one child process (this script with
``--child``) measures every page of ``ui.navigation.PAGES``:

- ``cold``: a fresh ``AppTest`` of ``app.py`` (with the page's query
  parameters) runs the default page, not timed; then ``st.cache_data.clear()``
  and the timed ``switch_page(page).run()``. Python's imports and the
  SQLAlchemy engine stay warm, as in a running server; only the data cache is
  empty. Each page is run once, untimed, before its first timed run, so the
  first page measured does not pay for importing Altair or openpyxl.
- ``warm``: further ``run()`` calls of the same AppTest (the cache filled), what a
  user sees when a widget changes back or a second user opens the page.

Medians of ``--repeat`` runs. Pages that need a deep link get one: the contract
page ``?contract=REF`` with its busiest contract (the most lines the page reads
in its period, the last 12 full months: lines on contract with it plus off-contract
lines of its category) and the unit page ``?unit=CODE`` with the unit that has the
most lines in that period. Goal, every page on both databases: cold < 1.0 s,
warm < 0.3 s. Benchmarks print tables; they are not timed tests.

Beside the wall time, each run's CPU time is recorded: this process's (every
thread: the script thread runs the page, SQLite runs inside it) plus, on
PostgreSQL, that of the server's backends serving the database, read from
``/proc/<pid>/schedstat`` (the server runs on this machine). On a machine
shared with other work the wall time includes waiting for a core; the CPU
time is what the page costs. A PostgreSQL database is vacuumed before it is
measured (``VACUUM (ANALYZE)``), as autovacuum would have done on a
production server after the bulk load; it is off on the shared test server.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
for _path in (REPO, REPO / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from common import (  # noqa: E402
    Run,
    code_version,
    count_statements,
    databases,
    emit,
    format_seconds,
    fresh_app,
    pages_period,
    parse_sizes,
    prepare_demo,
    print_results_heading,
    print_start,
    run_child,
    size_parser,
)

GOAL_COLD_S = 1.0
GOAL_WARM_S = 0.3
SLOW_RUN_S = 30.0  # after a page run this slow, that page is measured only once more


# --------------------------------------------------------------------------- child side


def busiest(url: str) -> dict[str, Any]:
    """The contract and the unit whose pages read the most lines, in the pages' period."""
    from sqlalchemy import func, select

    from data_access.core.db import engine_for, session_scope
    from data_access.core.models import Contract, InvoiceLine, LineStatus, Unit

    with session_scope(engine_for(url)) as session:
        period = pages_period(session)
        in_period = InvoiceLine.invoice_date.between(period.start, period.end)
        on_lines = dict(
            session.execute(
                select(InvoiceLine.contract_id, func.count())
                .where(in_period, InvoiceLine.status == LineStatus.ON_CONTRACT.value)
                .group_by(InvoiceLine.contract_id)
            ).all()
        )
        off_lines = dict(
            session.execute(
                select(InvoiceLine.category_id, func.count())
                .where(in_period, InvoiceLine.status == LineStatus.OFF_CONTRACT.value)
                .group_by(InvoiceLine.category_id)
            ).all()
        )
        contracts = session.execute(select(Contract.id, Contract.reference, Contract.category_id)).all()
        read = {
            row.reference: (
                on_lines.get(row.id, 0) + off_lines.get(row.category_id, 0),
                on_lines.get(row.id, 0),
            )
            for row in contracts
        }
        contract = max(read, key=lambda reference: (read[reference], reference))
        unit_code, unit_lines = session.execute(
            select(Unit.code, func.count())
            .join(InvoiceLine, InvoiceLine.unit_id == Unit.id)
            .where(in_period)
            .group_by(Unit.code)
            .order_by(func.count().desc(), Unit.code)
            .limit(1)
        ).one()
    return {
        "contract": contract,
        "contract_lines": read[contract][0],
        "contract_on_lines": read[contract][1],
        "unit": unit_code,
        "unit_lines": unit_lines,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }


def query_params(page_path: str, targets: dict[str, Any]) -> dict[str, str]:
    """The deep link a page needs to show its busiest case."""
    if page_path == "pages/contract.py":
        return {"contract": targets["contract"]}
    if page_path == "pages/unit.py":
        return {"unit": targets["unit"]}
    return {}


def _database_cpu(url: str) -> Callable[[], dict[int, int]]:
    """CPU nanoseconds used so far by each PostgreSQL backend serving this
    database (``/proc/<pid>/schedstat``; the server runs on this machine), read
    through a connection of its own that SQLAlchemy never sees. SQLite works
    inside this process: nothing to add."""
    if not url.startswith("postgresql"):
        return dict
    import psycopg
    from sqlalchemy.engine import make_url

    monitor = psycopg.connect(
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True
    )

    def read() -> dict[int, int]:
        pids = monitor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        used = {}
        for (pid,) in pids:
            with contextlib.suppress(OSError, ValueError, IndexError):
                used[pid] = int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        return used

    return read


def child_pages(url: str, repeat: int, timeout: float, only: set[str]) -> None:
    from ui.navigation import PAGES

    targets = busiest(url)
    emit(kind="targets", **targets)
    statements = count_statements()
    database_cpu = _database_cpu(url)

    for spec in PAGES:
        if only and spec.url_path not in only:
            continue
        params = query_params(spec.path, targets)
        fresh_app(timeout, params).switch_page(spec.path).run()  # imports; not timed
        at = None
        for kind in ("cold", "warm"):
            for _ in range(repeat):
                if kind == "cold":
                    at = fresh_app(timeout, params)
                    run = at.switch_page(spec.path).run
                else:
                    assert at is not None
                    run = at.run
                server_before = database_cpu()
                before, cpu_started, started = statements[0], time.process_time(), time.perf_counter()
                run()
                seconds = time.perf_counter() - started
                cpu = time.process_time() - cpu_started
                server_after = database_cpu()
                server = sum(used - server_before.get(pid, 0) for pid, used in server_after.items()) / 1e9
                if at.exception:
                    raise SystemExit(
                        f"{spec.title} ({kind}) raised: {[element.value for element in at.exception]}"
                    )
                emit(
                    kind=kind,
                    page=spec.url_path,
                    title=spec.title,
                    seconds=seconds,
                    cpu=cpu + server,
                    server_cpu=server,
                    statements=statements[0] - before,
                    query="&".join(f"{name}={value}" for name, value in params.items()),
                )
                if seconds > SLOW_RUN_S:
                    break


# --------------------------------------------------------------------------- parent side


@dataclass
class Measurement:
    database: str
    lines: int
    run: Run
    records: list[dict[str, Any]] = field(default_factory=list)

    load: tuple[float, float] = (0.0, 0.0)  # load average before and after the child

    def seconds(self, page: str, kind: str, measure: str = "seconds") -> list[float]:
        return [r[measure] for r in self.records if r.get("page") == page and r["kind"] == kind]

    def median(self, page: str, kind: str, measure: str = "seconds") -> float | None:
        values = self.seconds(page, kind, measure)
        return statistics.median(values) if values else None

    def statements(self, page: str, kind: str) -> str:
        values = sorted(
            {r["statements"] for r in self.records if r.get("page") == page and r["kind"] == kind}
        )
        return "/".join(str(value) for value in values) or "–"

    @property
    def targets(self) -> dict[str, Any] | None:
        return next((r for r in self.records if r["kind"] == "targets"), None)

    @property
    def problem(self) -> str | None:
        return self.run.problem


def measure(database: str, url: str, lines: int, args: argparse.Namespace) -> Measurement:
    prepare_demo(database, url, lines, upgrade_reused=True)
    if url.startswith("postgresql"):
        _vacuum(url)
    load_before = os.getloadavg()[0]
    pages = ",".join(sorted(args.pages))
    script = Path(__file__).resolve()
    run, records = run_child(script, [], url, args, "--pages", pages, timeout=args.timeout * 4)
    measurement = Measurement(database, lines, run, records, (load_before, os.getloadavg()[0]))
    for page in dict.fromkeys(r["page"] for r in records if "page" in r):
        cold, warm = measurement.seconds(page, "cold"), measurement.seconds(page, "warm")
        cpu = measurement.seconds(page, "cold", "cpu")
        print(
            f"  {page}: cold {', '.join(map(format_seconds, cold))} s "
            f"(CPU {', '.join(map(format_seconds, cpu))} s); "
            f"warm {', '.join(map(format_seconds, warm))} s",
            flush=True,
        )
    if measurement.problem:
        print(f"  [{measurement.problem}]\n{run.stderr[-3000:]}", flush=True)
    return measurement


def _vacuum(url: str) -> None:
    """What autovacuum does after a bulk load on a production server: the
    visibility map that lets PostgreSQL answer from an index alone, and fresh
    statistics. Autovacuum is off on the shared test server these benchmarks
    run against, so without this every index-only read would fetch the table's
    pages (the busiest contract's lines: 0.5 s instead of 0.07 s)."""
    import psycopg
    from sqlalchemy.engine import make_url

    address = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    started = time.perf_counter()
    with psycopg.connect(address, autocommit=True) as connection:
        for table in ("invoice_line", "summary_department", "summary_unit", "summary_supplier"):
            connection.execute(f"VACUUM (ANALYZE) {table}")
    print(f"  VACUUM (ANALYZE) in {time.perf_counter() - started:.1f} s", flush=True)


def _pages_in_order(measurements: list[Measurement]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for m in measurements:
        for record in m.records:
            if "page" in record:
                seen.setdefault(record["page"], record["title"])
    return list(seen.items())


def _pair(m: Measurement, page: str, measure: str = "seconds") -> str:
    cold, warm = m.median(page, "cold", measure), m.median(page, "warm", measure)
    if cold is None and warm is None:
        return "–"
    over = (cold is not None and cold >= GOAL_COLD_S) or (warm is not None and warm >= GOAL_WARM_S)
    text = f"{format_seconds(cold)} / {format_seconds(warm)}"
    return f"**{text}**" if over else text


def markdown_table(measurements: list[Measurement], measure: str = "seconds") -> str:
    head = "| page | deep link | " + " | ".join(f"{m.database} {m.lines:,}" for m in measurements) + " |"
    rule = "|---|---|" + "---:|" * len(measurements)
    rows = [head, rule]
    for page, title in _pages_in_order(measurements):
        links = {
            record["query"]
            for m in measurements
            for record in m.records
            if record.get("page") == page and record.get("query")
        }
        link = ", ".join(f"`?{query}`" for query in sorted(links)) or ""
        cells = " | ".join(_pair(m, page, measure) for m in measurements)
        rows.append(f"| {title} | {link} | {cells} |")
    return "\n".join(rows)


def details_table(measurements: list[Measurement]) -> str:
    rows = [
        "| database | lines | page | cold min–max | warm min–max | cold CPU (of it database) "
        "| SQL statements cold / warm |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for m in measurements:
        for page, title in _pages_in_order([m]):

            def spread(kind: str, page: str = page, m: Measurement = m) -> str:
                values = m.seconds(page, kind)
                return f"{format_seconds(min(values))}–{format_seconds(max(values))}" if values else "–"

            cpu, server = m.median(page, "cold", "cpu"), m.median(page, "cold", "server_cpu")
            rows.append(
                f"| {m.database} | {m.lines:,} | {title} | {spread('cold')} | {spread('warm')} "
                f"| {format_seconds(cpu)} ({format_seconds(server)}) "
                f"| {m.statements(page, 'cold')} / {m.statements(page, 'warm')} |"
            )
    return "\n".join(rows)


def goal_check(measurements: list[Measurement], measure: str = "seconds") -> str:
    failures = []
    for m in measurements:
        for page, title in _pages_in_order([m]):
            cold, warm = m.median(page, "cold", measure), m.median(page, "warm", measure)
            if cold is None or cold >= GOAL_COLD_S or warm is None or warm >= GOAL_WARM_S:
                failures.append(
                    f"{m.database} {m.lines:,} {title}: "
                    f"cold {format_seconds(cold)} s, warm {format_seconds(warm)} s"
                )
        if m.problem:
            failures.append(f"{m.database} {m.lines:,}: {m.problem}")
    verdict = "PASS, every page" if not failures else "FAIL: " + "; ".join(failures)
    what = "wall" if measure == "seconds" else "CPU"
    return f"Goal ({what}): cold < {GOAL_COLD_S:g} s and warm < {GOAL_WARM_S:g} s on every page: {verdict}"


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = size_parser(__doc__, "timed runs per page and kind; medians (5)")
    parser.add_argument("--skip-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--pages", default="", help="url paths of the pages to measure (default: all)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds one page run may take (300)")
    parser.add_argument(
        "--snapshot",
        action="store_true",
        help="measure the committed code (git archive HEAD into the workdir), not a working tree "
        "that others may be editing during the run",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parse_sizes(parser, argv)
    args.pages = {page.strip() for page in args.pages.split(",") if page.strip()}
    return args


def run_snapshot(args: argparse.Namespace, argv: list[str]) -> int:
    """Run this benchmark from a copy of HEAD's files, so that a colleague's
    edit in the shared working tree cannot change or break the code mid-run."""
    import subprocess
    import tarfile
    from io import BytesIO

    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    target = args.workdir / f"code-{commit[:12]}"
    if not (target / "app.py").exists():
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=REPO, capture_output=True, check=True).stdout
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
    arguments = [argument for argument in argv if argument != "--snapshot"]
    env = dict(
        os.environ,
        PAGE_BENCHMARK_CODE=f"{commit[:7]} (committed, run from {target})",
        PAGE_BENCHMARK_COMMAND=" ".join([Path(sys.executable).name, *sys.argv]),
    )
    return subprocess.run(
        [sys.executable, str(target / "bench" / Path(__file__).name), *arguments], env=env
    ).returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.child:
        child_pages(args.url, args.repeat, args.timeout, args.pages)
        return 0
    if args.snapshot:
        return run_snapshot(args, argv)

    version, identity = code_version()
    version = os.environ.get("PAGE_BENCHMARK_CODE", version)
    load = print_start("Page benchmark", args, version)
    measured, skipped_pg = databases(args)
    measurements = [
        measure(database, url_for(size), size, args) for database, url_for in measured for size in args.sizes
    ]

    print_results_heading(version, identity, snapshot="PAGE_BENCHMARK_CODE" in os.environ)
    command = os.environ.get("PAGE_BENCHMARK_COMMAND", " ".join([Path(sys.executable).name, *sys.argv]))
    print(f"Command: {command}")
    print(f"Load average at start {load[0]:.2f}, at end {os.getloadavg()[0]:.2f}\n")
    print("Wall time, median seconds, cold / warm; **bold**: over the goal.\n")
    print(markdown_table(measurements))
    print()
    print(goal_check(measurements))
    print(
        "\nCPU time of the same runs, median seconds, cold / warm: this process (every thread) plus, on "
        "PostgreSQL, the server's backends for the database. On an otherwise idle machine the wall time "
        "comes close to it; the difference is time spent waiting for a core.\n"
    )
    print(markdown_table(measurements, "cpu"))
    print()
    print(goal_check(measurements, "cpu"))
    print(
        "\nLoad average (1 min) before and after each database's run: "
        + "; ".join(f"{m.database} {m.lines:,}: {m.load[0]:.1f} → {m.load[1]:.1f}" for m in measurements)
    )
    if skipped_pg:
        print(f"- PostgreSQL: skipped ({skipped_pg})")
    print("\nBusiest contract and unit (the deep links), lines the page reads in its period:\n")
    for m in measurements:
        targets = m.targets
        if targets:
            print(
                f"- {m.database} {m.lines:,}: contract {targets['contract']} "
                f"({targets['contract_lines']:,} lines, {targets['contract_on_lines']:,} on contract), "
                f"unit {targets['unit']} ({targets['unit_lines']:,} lines), "
                f"period {targets['start']} – {targets['end']}"
            )
    print("\nDetails (same run):\n")
    print(details_table(measurements))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
