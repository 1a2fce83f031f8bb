"""Dashboard benchmark (issue 4): how fast is the fidelity page (``pages/fidelity.py``,
URL ``/avtalstrohet``) on large demo databases, next to the fastest SQL that could
produce its headline figures and next to the way such apps are often written?

    .venv/bin/python bench/dashboard_benchmark.py                   # 200k, 1M, 5M lines, both databases
    .venv/bin/python bench/dashboard_benchmark.py --sizes 20000 --repeat 2 --skip-postgres

For every size the demo generator (``python -m data_access demo --lines N
--end 2026-10-31``, deterministic) fills an SQLite file
``/tmp/avtalsfokus-bench/dashboard_<N>.db`` and a PostgreSQL database
``bench_dashboard_<N>``. Both are kept and reused while they hold N lines, so
re-runs skip the generation (a few minutes per database at 5,000,000 lines).

Measured per database and size, each part in its own child process (this
script with ``--child``), so that imports, engines and caches of one
measurement never leak into another; the parent records the child's peak RSS
with ``os.wait4``:

1. ``page cold``: a full script run of the page in Streamlit's AppTest with an
   empty ``st.cache_data``. A fresh AppTest runs ``app.py`` (the default page,
   not timed), then ``st.cache_data.clear()``, then the timed
   ``switch_page("pages/fidelity.py").run()``. The process keeps its imports
   and its SQLAlchemy engine (a server process does too); only the data cache
   is empty. Median of ``--repeat`` runs, each with a new AppTest.
2. ``page warm``: further ``run()`` calls of the same page on the same AppTest,
   after the cold run filled the cache (what a user sees when changing a
   widget back, or a second user opening the page). Median of ``--repeat``.
3. ``fastest SQL``: one hand-written query that yields the page's headline
   figures (amount and line count per status, and the supplier-contracted
   amount) for the page's default period, the last 12 full months, from the
   coarsest summary table (``summary_department``; the 12 months are whole, so
   no partial month has to come from the lines). Median of ``--repeat``
   executions on one warm connection, rows fetched. Its totals are checked
   against ``data_access.figures.fidelity.fidelity_total`` (whose time is shown too).
4. ``pandas read+group``: the common way: ``pd.read_sql`` of every invoice line
   of the period, then ``groupby("status")``; its totals are checked as well.
   Its child's peak memory is shown, since that is the other cost of the way.
5. ``bare page`` (details table): the floor of any Streamlit page, a ten-line
   script (written to a temporary folder) that runs the fastest SQL on every
   run and shows the amounts in ``st.metric``s; median of ``--repeat``
   AppTest runs after one untimed run. It tells how much of "cold ÷ SQL" is
   the app's work and how much the cost of a script run as such.

Goal at 5,000,000 lines, on both databases: page cold < 1.0 s, page warm <
0.3 s, and page cold ≤ 3× the fastest SQL. Timings are wall-clock medians on
whatever machine runs this; the page is still being developed, so the page
columns hold for the commit printed with the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
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

PAGE = "pages/fidelity.py"
GOAL_LINES = 5_000_000
GOAL_COLD_S = 1.0
GOAL_WARM_S = 0.3
GOAL_RATIO = 3.0
SLOW_RUN_S = 60.0  # after a page run this slow, the child measures it only once

FAST_SQL = """
SELECT status, supplier_contracted, SUM(amount) AS amount, SUM(line_count) AS line_count
FROM summary_department
WHERE month >= :start AND month < :end
GROUP BY status, supplier_contracted
"""
PANDAS_SQL = """
SELECT invoice_date, department_id, unit_id, supplier_id, category_id, status, supplier_contracted, amount
FROM invoice_line
WHERE invoice_date BETWEEN :start AND :end
"""
FLOOR_SCRIPT = """
import datetime as dt
import os

import streamlit as st
from sqlalchemy import Date, bindparam, create_engine, text


@st.cache_resource
def engine():
    return create_engine(os.environ["DATABASE_URL"])


query = text({sql!r}).bindparams(bindparam("start", type_=Date), bindparam("end", type_=Date))
params = {{"start": dt.date.fromisoformat({start!r}), "end": dt.date.fromisoformat({end!r})}}
with engine().connect() as connection:
    rows = connection.execute(query, params).all()
amounts = {{}}
for status, _, amount, _ in rows:
    amounts[status] = amounts.get(status, 0) + int(amount or 0)
for column, (status, amount) in zip(st.columns(len(amounts) or 1), sorted(amounts.items())):
    column.metric(status, f"{{amount / 100:,.0f}} kr")
"""
IN_SCOPE = ("on", "off", "no_contract", "unclassified")  # data_access.figures.fidelity.IN_SCOPE
NOT_REPORTED = "pending"  # never part of a report

# --------------------------------------------------------------------------- child side

Totals = dict[str, Any]  # {"amounts": {status: öre}, "counts": {status: n}, "contracted": öre}


def _totals(rows: Iterable[tuple[str, bool, int, int]]) -> Totals:
    """(status, supplier_contracted, öre, lines) rows to the headline totals."""
    amounts: dict[str, int] = {}
    counts: dict[str, int] = {}
    contracted = 0
    for status, supplier_contracted, amount, lines in rows:
        if status == NOT_REPORTED:
            continue
        amounts[status] = amounts.get(status, 0) + int(amount or 0)
        counts[status] = counts.get(status, 0) + int(lines or 0)
        if supplier_contracted and status in IN_SCOPE:
            contracted += int(amount or 0)
    return {"amounts": amounts, "counts": counts, "contracted": contracted}


def _default_period(url: str) -> tuple[dt.date, dt.date]:
    from data_access.core.db import engine_for, session_scope

    with session_scope(engine_for(url)) as session:
        period = pages_period(session)
    return period.start, period.end


def _month_after(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def child_page(url: str, repeat: int, timeout: float) -> None:
    """Cold runs (fresh AppTest, cleared cache), then warm reruns of the last one."""
    from streamlit.testing.v1 import AppTest

    statements = count_statements()

    def timed(action: Callable[[], AppTest], kind: str) -> tuple[AppTest, float]:
        before = statements[0]
        started = time.perf_counter()
        at = action()
        seconds = time.perf_counter() - started
        if at.exception:
            raise SystemExit(f"{kind} run raised: {[element.value for element in at.exception]}")
        emit(kind=kind, seconds=seconds, statements=statements[0] - before, metrics=len(at.metric))
        return at, seconds

    at: AppTest | None = None
    for _ in range(repeat):
        fresh = fresh_app(timeout)
        at, seconds = timed(lambda fresh=fresh: fresh.switch_page(PAGE).run(), "cold")
        if seconds > SLOW_RUN_S:
            break
    assert at is not None
    for _ in range(repeat):
        _, seconds = timed(lambda: at.run(), "warm")
        if seconds > SLOW_RUN_S:
            break

    # The floor: a bare Streamlit page that runs the fastest SQL on every run and shows the totals.
    start, end = _default_period(url)
    folder = Path(tempfile.mkdtemp(prefix="dashboard-floor-", dir="/tmp"))
    script = folder / "floor.py"
    script.write_text(
        FLOOR_SCRIPT.format(sql=FAST_SQL, start=start.isoformat(), end=_month_after(end).isoformat())
    )
    try:
        floor = AppTest.from_file(str(script), default_timeout=timeout)
        floor.run()  # imports and the engine; not timed
        for _ in range(repeat):
            timed(lambda: floor.run(), "floor")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def child_sql(url: str, repeat: int) -> None:
    """The fastest SQL for the headline figures, and fidelity_total() for comparison."""
    from sqlalchemy import Date, bindparam, text

    from data_access.core.db import engine_for, session_scope
    from data_access.core.money import to_ore
    from data_access.figures.fidelity import SpendFilter, fidelity_total

    start, end = _default_period(url)
    engine = engine_for(url)
    query = text(FAST_SQL).bindparams(bindparam("start", type_=Date), bindparam("end", type_=Date))
    params = {"start": start, "end": _month_after(end)}
    with engine.connect() as connection:
        rows = connection.execute(query, params).all()  # warms the connection and the page cache
        for _ in range(repeat):
            started = time.perf_counter()
            rows = connection.execute(query, params).all()
            emit(kind="sql", seconds=time.perf_counter() - started)
    emit(kind="sql_totals", totals=_totals(rows), start=start.isoformat(), end=end.isoformat())

    figures = None
    for _ in range(repeat):
        started = time.perf_counter()
        with session_scope(engine) as session:
            figures = fidelity_total(session, SpendFilter(date_from=start, date_to=end))
        emit(kind="fidelity_total", seconds=time.perf_counter() - started)
    assert figures is not None
    contracted = to_ore(figures.supplier_contracted_amount)
    emit(
        kind="app_totals",
        totals={
            "amounts": {status.value: to_ore(amount) for status, amount in figures.amounts.items()},
            "counts": {status.value: count for status, count in figures.line_counts.items()},
            "contracted": contracted,
        },
    )


def child_pandas(url: str, repeat: int) -> None:
    """The common way: every line of the period into a DataFrame, then group in pandas."""
    import pandas as pd
    from sqlalchemy import Date, bindparam, create_engine, text

    start, end = _default_period(url)
    engine = create_engine(url)
    query = text(PANDAS_SQL).bindparams(bindparam("start", type_=Date), bindparam("end", type_=Date))
    grouped = None
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
        for _ in range(repeat):
            started = time.perf_counter()
            frame = pd.read_sql(query, connection, params={"start": start, "end": end})
            read = time.perf_counter() - started
            grouped = frame.groupby(["status", "supplier_contracted"]).agg(
                amount=("amount", "sum"), line_count=("amount", "size")
            )
            emit(kind="pandas", seconds=time.perf_counter() - started, read=read, rows=len(frame))
            del frame
    assert grouped is not None
    rows = [
        (status, bool(contracted), int(amount), int(lines))
        for (status, contracted), amount, lines in zip(
            grouped.index, grouped["amount"], grouped["line_count"], strict=True
        )
    ]
    emit(kind="pandas_totals", totals=_totals(rows))


# --------------------------------------------------------------------------- parent side


@dataclass
class ChildResult:
    """What one child reported (parsed JSON lines) and how it ended."""

    run: Run
    records: list[dict[str, Any]] = field(default_factory=list)

    def seconds(self, kind: str) -> list[float]:
        return [record["seconds"] for record in self.records if record["kind"] == kind]

    def first(self, kind: str) -> dict[str, Any] | None:
        return next((record for record in self.records if record["kind"] == kind), None)

    @property
    def problem(self) -> str | None:
        return self.run.problem


@dataclass
class Measurement:
    database: str
    lines: int
    page: ChildResult
    sql: ChildResult
    pandas: ChildResult | None
    generated_s: float | None  # None: an existing database was reused

    def median(self, child: ChildResult | None, kind: str) -> float | None:
        values = child.seconds(kind) if child else []
        return statistics.median(values) if values else None

    @property
    def cold(self) -> float | None:
        return self.median(self.page, "cold")

    @property
    def warm(self) -> float | None:
        return self.median(self.page, "warm")

    @property
    def floor(self) -> float | None:
        return self.median(self.page, "floor")

    @property
    def fast_sql(self) -> float | None:
        return self.median(self.sql, "sql")

    @property
    def pandas_s(self) -> float | None:
        return self.median(self.pandas, "pandas")

    def totals_check(self) -> str:
        app = self.sql.first("app_totals")
        if app is None:
            return "not checked"
        notes = []
        for name, child, kind in (("SQL", self.sql, "sql_totals"), ("pandas", self.pandas, "pandas_totals")):
            record = child.first(kind) if child else None
            if record is None:
                continue
            notes.append(f"{name} {'equal' if record['totals'] == app['totals'] else 'DIFFERENT'}")
        return ", ".join(notes) or "not checked"


def _child(mode: str, url: str, args: argparse.Namespace) -> ChildResult:
    return ChildResult(*run_child(Path(__file__).resolve(), [mode], url, args, timeout=args.timeout))


def measure(
    database: str, url: str, lines: int, args: argparse.Namespace
) -> Measurement:  # one database, one size
    generated = prepare_demo(database, url, lines)
    page = _child("page", url, args)
    report_child("page", page)
    sql = _child("sql", url, args)
    report_child("sql", sql)
    pandas = None
    if not args.skip_pandas:
        pandas = _child("pandas", url, args)
        report_child("pandas", pandas)
    measurement = Measurement(database, lines, page, sql, pandas, generated)
    check = measurement.totals_check()
    print(f"  headline totals vs fidelity_total(): {check}", flush=True)
    if "DIFFERENT" in check:
        print("  WARNING: the totals differ from fidelity_total():", flush=True)
        for child, kind in ((sql, "sql_totals"), (sql, "app_totals"), (pandas, "pandas_totals")):
            record = child.first(kind) if child else None
            print(f"    {kind}: {record and record['totals']}", flush=True)
    return measurement


def report_child(mode: str, child: ChildResult) -> None:
    timings = {}
    for record in child.records:
        if "seconds" in record:
            timings.setdefault(record["kind"], []).append(record["seconds"])
    shown = "; ".join(
        f"{kind} " + ", ".join(format_seconds(value) for value in values) for kind, values in timings.items()
    )
    problem = f"  [{child.problem}]" if child.problem else ""
    print(f"  {mode}: {shown or 'nothing measured'} s; peak {child.run.peak_mb:,.0f} MB{problem}", flush=True)
    if child.problem and not child.run.timed_out:
        print(child.run.stderr[-3000:], flush=True)


# --------------------------------------------------------------------------- report


def _cell(value: float | None, child: ChildResult | None) -> str:
    text = format_seconds(value)
    if child is not None and child.problem:
        text += " (killed)" if child.run.timed_out else " (failed)"
    return text


def _times(ratio: float | None) -> str:
    if ratio is None:
        return "–"
    return f"{ratio:.1f}×" if ratio < 10 else f"{ratio:,.0f}×"


def _ratio(measurement: Measurement) -> float | None:
    cold, sql = measurement.cold, measurement.fast_sql
    return cold / sql if cold is not None and sql else None


def markdown_table(measurements: list[Measurement]) -> str:
    lines = [
        "| database | lines | page cold (median s) | page warm (median s) | fastest SQL (s) "
        "| pandas read+group (s) | cold ÷ SQL |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for m in measurements:
        ratio = _ratio(m)
        lines.append(
            f"| {m.database} | {m.lines:,} | {_cell(m.cold, m.page)} | {_cell(m.warm, m.page)} "
            f"| {_cell(m.fast_sql, m.sql)} | {_cell(m.pandas_s, m.pandas)} "
            f"| {_times(ratio)} |"
        )
    return "\n".join(lines)


def details_table(measurements: list[Measurement]) -> str:
    lines = [
        "| database | lines | cold min–max | warm min–max | SQL statements cold / warm run | bare page (s) "
        "| fidelity_total() (s) | page child peak MB | pandas rows | pandas read only (s) "
        "| pandas peak MB | totals vs fidelity_total() |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for m in measurements:

        def spread(kind: str, m: Measurement = m) -> str:
            values = m.page.seconds(kind)
            return f"{format_seconds(min(values))}–{format_seconds(max(values))}" if values else "–"

        def statements(kind: str, m: Measurement = m) -> str:
            values = sorted({r["statements"] for r in m.page.records if r["kind"] == kind})
            return "/".join(str(value) for value in values) or "–"

        pandas_records = [r for r in m.pandas.records if r["kind"] == "pandas"] if m.pandas else []
        read = statistics.median(r["read"] for r in pandas_records) if pandas_records else None
        rows = f"{pandas_records[0]['rows']:,}" if pandas_records else "–"
        pandas_peak = f"{m.pandas.run.peak_mb:,.0f}" if m.pandas else "–"
        lines.append(
            f"| {m.database} | {m.lines:,} | {spread('cold')} | {spread('warm')} "
            f"| {statements('cold')} / {statements('warm')} | {format_seconds(m.floor)} "
            f"| {format_seconds(m.median(m.sql, 'fidelity_total'))} "
            f"| {m.page.run.peak_mb:,.0f} | {rows} | {format_seconds(read)} | {pandas_peak} "
            f"| {m.totals_check()} |"
        )
    return "\n".join(lines)


def goal_check(measurements: list[Measurement]) -> str:
    at_goal = [m for m in measurements if m.lines == GOAL_LINES]
    lines = [
        f"Goal at {GOAL_LINES:,} lines: page cold < {GOAL_COLD_S:g} s, page warm < {GOAL_WARM_S:g} s, "
        f"page cold ≤ {GOAL_RATIO:g}× the fastest SQL"
    ]
    if not at_goal:
        lines.append(f"- not measured (no {GOAL_LINES:,}-line run in --sizes)")

    def verdict(ok: bool | None) -> str:
        return "–" if ok is None else ("PASS" if ok else "FAIL")

    for m in at_goal:
        cold, warm, ratio = m.cold, m.warm, _ratio(m)
        cold_ok = None if cold is None else cold < GOAL_COLD_S
        warm_ok = None if warm is None else warm < GOAL_WARM_S
        lines.append(
            f"- {m.database}: cold {format_seconds(cold)} s {verdict(cold_ok)}, "
            f"warm {format_seconds(warm)} s {verdict(warm_ok)}, "
            f"cold ÷ SQL {_times(ratio)} "
            f"{verdict(None if ratio is None else ratio <= GOAL_RATIO)} "
            f"(a bare page running only that SQL: {format_seconds(m.floor)} s, "
            f"{_times(m.floor / m.fast_sql if m.floor is not None and m.fast_sql else None)} the SQL)"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = size_parser(__doc__, "timed runs per measurement; medians (5)")
    parser.add_argument("--skip-pandas", action="store_true", help="leave out the pandas read+group")
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds before a measuring child is killed (900)"
    )
    parser.add_argument("--child", choices=("page", "sql", "pandas"), help=argparse.SUPPRESS)
    return parse_sizes(parser, argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        {
            "page": lambda: child_page(args.url, args.repeat, args.timeout),
            "sql": lambda: child_sql(args.url, args.repeat),
            "pandas": lambda: child_pandas(args.url, args.repeat),
        }[args.child]()
        return 0

    version, identity = code_version()
    load = print_start("Dashboard benchmark", args, version)
    measured, skipped_pg = databases(args)
    measurements = [
        measure(database, url_for(size), size, args) for database, url_for in measured for size in args.sizes
    ]

    period = next((m.sql.first("sql_totals") for m in measurements if m.sql.first("sql_totals")), None)
    print_results_heading(version, identity)
    print(f"Command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    if period:
        print(f"Page period (its default, the last 12 full months): {period['start']} – {period['end']}")
    print(f"Load average at start {load[0]:.2f}, at end {os.getloadavg()[0]:.2f}\n")
    print(markdown_table(measurements))
    print()
    print(goal_check(measurements))
    if skipped_pg:
        print(f"- PostgreSQL: skipped ({skipped_pg})")
    print("\nDetails (same run):\n")
    print(details_table(measurements))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
