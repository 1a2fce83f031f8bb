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
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
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

from import_benchmark import Run, run_measured  # noqa: E402

DEFAULT_SIZES = (200_000, 1_000_000, 5_000_000)
DEMO_END = "2026-10-31"
DEFAULT_WORKDIR = Path("/tmp/avtalsfokus-bench")
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
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


def _emit(**values: Any) -> None:
    """One JSON line per measurement, flushed: a killed child still leaves what it measured."""
    print(json.dumps(values), flush=True)


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
    from data_access.core.periods import last_full_months
    from data_access.core.reference import data_period

    with session_scope(engine_for(url)) as session:
        last = data_period(session).last
    if last is None:
        raise SystemExit("the database holds no invoice lines")
    period = last_full_months(last)
    return period.start, period.end


def _month_after(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def child_page(url: str, repeat: int, timeout: float) -> None:
    """Cold runs (fresh AppTest, cleared cache), then warm reruns of the last one."""
    import streamlit as st
    from sqlalchemy import Engine, event
    from streamlit.testing.v1 import AppTest

    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    event.listen(Engine, "before_cursor_execute", count)  # every engine, the app's included

    def timed(action: Callable[[], AppTest], kind: str) -> tuple[AppTest, float]:
        before = statements[0]
        started = time.perf_counter()
        at = action()
        seconds = time.perf_counter() - started
        if at.exception:
            raise SystemExit(f"{kind} run raised: {[element.value for element in at.exception]}")
        _emit(kind=kind, seconds=seconds, statements=statements[0] - before, metrics=len(at.metric))
        return at, seconds

    at: AppTest | None = None
    for _ in range(repeat):
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=timeout)
        at.run()  # app.py's default page; not timed
        if at.exception:
            raise SystemExit(f"app.py raised: {[element.value for element in at.exception]}")
        st.cache_data.clear()
        at, seconds = timed(lambda at=at: at.switch_page(PAGE).run(), "cold")
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
            _emit(kind="sql", seconds=time.perf_counter() - started)
    _emit(kind="sql_totals", totals=_totals(rows), start=start.isoformat(), end=end.isoformat())

    figures = None
    for _ in range(repeat):
        started = time.perf_counter()
        with session_scope(engine) as session:
            figures = fidelity_total(session, SpendFilter(date_from=start, date_to=end))
        _emit(kind="fidelity_total", seconds=time.perf_counter() - started)
    assert figures is not None
    contracted = to_ore(figures.supplier_contracted_amount)
    _emit(
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
            _emit(kind="pandas", seconds=time.perf_counter() - started, read=read, rows=len(frame))
            del frame
    assert grouped is not None
    rows = [
        (status, bool(contracted), int(amount), int(lines))
        for (status, contracted), amount, lines in zip(
            grouped.index, grouped["amount"], grouped["line_count"], strict=True
        )
    ]
    _emit(kind="pandas_totals", totals=_totals(rows))


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
        if self.run.timed_out:
            return f"killed after {self.run.wall:.0f} s"
        if self.run.returncode != 0:
            error = (self.run.stderr.strip().splitlines() or ["no output"])[-1]
            return f"exit code {self.run.returncode}: {error}"
        return None


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


def _child(mode: str, url: str, repeat: int, timeout: float) -> ChildResult:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        mode,
        "--url",
        url,
        "--repeat",
        str(repeat),
        "--timeout",
        str(timeout),
    ]
    env = dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(REPO))
    run = run_measured(command, env=env, timeout=timeout)
    records = []
    for line in run.stdout.splitlines():
        if line.startswith("{"):
            with contextlib.suppress(json.JSONDecodeError):  # a line cut short by a kill
                records.append(json.loads(line))
    return ChildResult(run, records)


def sqlite_url(workdir: Path, lines: int) -> str:
    return f"sqlite:///{workdir.resolve() / f'dashboard_{lines}.db'}"


def postgres_url(lines: int) -> str:
    return f"{PG_SERVER}/bench_dashboard_{lines}"


def stored_lines(url: str) -> int | None:
    """Invoice lines in the database, None if it or the table does not exist."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    if url.startswith("sqlite:") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM invoice_line")).scalar_one())
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def recreate(url: str) -> None:
    """An empty database: the SQLite file removed, or the bench_* PostgreSQL database recreated."""
    if url.startswith("sqlite:"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database or ""
    if not name.startswith("bench_"):
        raise SystemExit(f"refusing to drop and recreate {name!r}: only bench_* databases are touched")
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def ensure_demo(url: str, lines: int) -> float | None:
    """Reuse the database if it holds ``lines`` lines; else generate it. Returns the generation time."""
    if stored_lines(url) == lines:
        return None
    recreate(url)
    env = dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(REPO))
    started = time.perf_counter()
    for arguments in (["init-db"], ["demo", "--lines", str(lines), "--end", DEMO_END]):
        done = subprocess.run(
            [sys.executable, "-m", "data_access", *arguments],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(arguments)} failed for {url}:\n{done.stdout}\n{done.stderr}")
    generated = time.perf_counter() - started
    found = stored_lines(url)
    if found != lines:
        print(f"  warning: the demo wrote {found} lines, not {lines}", flush=True)
    return generated


def postgres_problem() -> str | None:
    try:
        import psycopg

        with psycopg.connect(
            f"{PG_SERVER.replace('+psycopg', '')}/postgres", connect_timeout=5
        ) as connection:
            connection.execute("SELECT 1")
    except Exception as error:  # any failure means: skip, and say why
        return f"{type(error).__name__}: {str(error).strip()}"
    return None


def measure(
    database: str, url: str, lines: int, args: argparse.Namespace
) -> Measurement:  # one database, one size
    print(f"\n{database}, {lines:,} lines: {url}", flush=True)
    started = time.perf_counter()
    generated = ensure_demo(url, lines)
    if generated is None:
        print("  reusing the existing database", flush=True)
    else:
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    page = _child("page", url, args.repeat, args.timeout)
    report_child("page", page)
    sql = _child("sql", url, args.repeat, args.timeout)
    report_child("sql", sql)
    pandas = None
    if not args.skip_pandas:
        pandas = _child("pandas", url, args.repeat, args.timeout)
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
        f"{kind} " + ", ".join(_seconds(value) for value in values) for kind, values in timings.items()
    )
    problem = f"  [{child.problem}]" if child.problem else ""
    print(f"  {mode}: {shown or 'nothing measured'} s; peak {child.run.peak_mb:,.0f} MB{problem}", flush=True)
    if child.problem and not child.run.timed_out:
        print(child.run.stderr[-3000:], flush=True)


# --------------------------------------------------------------------------- report


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    if value >= 0.01:
        return f"{value:.3f}"
    return f"{value:.4f}"


def _cell(value: float | None, child: ChildResult | None) -> str:
    text = _seconds(value)
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
            return f"{_seconds(min(values))}–{_seconds(max(values))}" if values else "–"

        def statements(kind: str, m: Measurement = m) -> str:
            values = sorted({r["statements"] for r in m.page.records if r["kind"] == kind})
            return "/".join(str(value) for value in values) or "–"

        pandas_records = [r for r in m.pandas.records if r["kind"] == "pandas"] if m.pandas else []
        read = statistics.median(r["read"] for r in pandas_records) if pandas_records else None
        rows = f"{pandas_records[0]['rows']:,}" if pandas_records else "–"
        pandas_peak = f"{m.pandas.run.peak_mb:,.0f}" if m.pandas else "–"
        lines.append(
            f"| {m.database} | {m.lines:,} | {spread('cold')} | {spread('warm')} "
            f"| {statements('cold')} / {statements('warm')} | {_seconds(m.floor)} "
            f"| {_seconds(m.median(m.sql, 'fidelity_total'))} "
            f"| {m.page.run.peak_mb:,.0f} | {rows} | {_seconds(read)} | {pandas_peak} | {m.totals_check()} |"
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
            f"- {m.database}: cold {_seconds(cold)} s {verdict(cold_ok)}, "
            f"warm {_seconds(warm)} s {verdict(warm_ok)}, "
            f"cold ÷ SQL {_times(ratio)} "
            f"{verdict(None if ratio is None else ratio <= GOAL_RATIO)} "
            f"(a bare page running only that SQL: {_seconds(m.floor)} s, "
            f"{_times(m.floor / m.fast_sql if m.floor is not None and m.fast_sql else None)} the SQL)"
        )
    return "\n".join(lines)


def code_version() -> tuple[str, str]:
    """The commit measured (with a fingerprint of uncommitted changes to the
    app's code), and an identity of the app's code as measured.

    The page is measured as it is in the working tree; when that differs from
    the commit, the fingerprint (a hash of the diff and the untracked files)
    tells two runs of the same uncommitted code apart from different code. The
    identity also covers the committed tree of the app's folders, so a commit
    that touches only tests or docs during a run does not count as a change.
    """
    paths = ["app.py", "pages", "ui", "data_access", "migrations"]

    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", *arguments], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout

    try:
        commit = git("rev-parse", "--short", "HEAD").strip()
        changed = git("status", "--porcelain", "--", *paths).splitlines()
        digest = hashlib.sha1(git("diff", "HEAD", "--", *paths).encode())
        for name in sorted(git("ls-files", "--others", "--exclude-standard", "--", *paths).splitlines()):
            with contextlib.suppress(OSError):
                digest.update(name.encode() + (REPO / name).read_bytes())
        tree = git("ls-tree", "-r", "HEAD", "--", *paths)
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)", "unknown"
    identity = hashlib.sha1(tree.encode() + digest.digest()).hexdigest()
    if not changed:
        return commit, identity
    fingerprint = digest.hexdigest()[:8]
    label = f"{commit} + {len(changed)} uncommitted file(s) in the app's code (fingerprint {fingerprint})"
    return label, identity


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in DEFAULT_SIZES),
        help="invoice lines per database, comma-separated (200000,1000000,5000000)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measurement; medians (5)")
    parser.add_argument("--skip-postgres", action="store_true", help="only SQLite")
    parser.add_argument("--skip-pandas", action="store_true", help="leave out the pandas read+group")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="where the SQLite files live")
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds before a measuring child is killed (900)"
    )
    parser.add_argument("--child", choices=("page", "sql", "pandas"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas")
    if args.repeat < 1 or not args.sizes or min(args.sizes) < 1:
        parser.error("--repeat and every size must be at least 1")
    return args


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
    load = os.getloadavg()
    print(
        f"Dashboard benchmark: sizes {', '.join(f'{size:,}' for size in args.sizes)}, repeat {args.repeat}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}, code {version}, "
        f"load average {load[0]:.2f}",
        flush=True,
    )
    databases = [("SQLite", lambda size: sqlite_url(args.workdir, size))]
    skipped_pg = "--skip-postgres given" if args.skip_postgres else postgres_problem()
    if skipped_pg is None:
        databases.append(("PostgreSQL", postgres_url))
    else:
        print(f"PostgreSQL skipped: {skipped_pg}", flush=True)

    measurements = [
        measure(database, url_for(size), size, args) for database, url_for in databases for size in args.sizes
    ]

    period = next((m.sql.first("sql_totals") for m in measurements if m.sql.first("sql_totals")), None)
    print(f"\n## Results ({dt.date.today().isoformat()}, {os.cpu_count()} CPUs)\n")
    print(f"Code {version}; Python {platform.python_version()}; {platform.platform()}")
    version_at_end, identity_at_end = code_version()
    if identity_at_end != identity:
        print(f"Note: the app's code changed during the run; at the end it was {version_at_end}")
    elif version_at_end != version:
        print(f"(HEAD moved to {version_at_end} during the run, without changes to the app's code)")
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
