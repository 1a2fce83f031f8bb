"""What the benchmark scripts share, so that each says only what it measures.

- Which code was measured (``describe_code``, ``code_version``): a table is
  only worth the commit printed with it.
- The demo databases the dashboard and page benchmarks measure: an SQLite
  file and a PostgreSQL database per size, built once by the deterministic
  demo and reused while they hold that many lines (``ensure_demo``,
  ``prepare_demo``, ``databases``).
- Measuring a child process (``run_measured``: wall time, peak RSS, a
  timeout). The dashboard and page benchmarks measure in children that are
  the script again with ``--child``; a child reports one JSON line per
  measurement (``emit``), the parent reads them back (``run_child``). In the
  child a fresh AppTest has run ``app.py``'s default page with an empty data
  cache (``fresh_app``) and every SQL statement is counted
  (``count_statements``).
- The options every size-by-database benchmark takes (``size_parser``,
  ``parse_sizes``) and the heading of its results (``print_results_heading``).

The scripts run as ``.venv/bin/python bench/<script>.py``: this folder is then
the first on ``sys.path``, and each script puts the repository there too.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
    from streamlit.testing.v1 import AppTest

    from data_access.core.periods import Period

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (200_000, 1_000_000, 5_000_000)
DEMO_END = "2026-10-31"
DEFAULT_WORKDIR = Path("/tmp/avtalsfokus-bench")
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"

# --------------------------------------------------------------------------- the code measured


def git(code: Path, *arguments: str) -> str:
    """What ``git ARGUMENTS`` prints in the checkout ``code``; raises OSError
    or CalledProcessError where there is no git or no checkout."""
    return subprocess.run(["git", *arguments], cwd=code, capture_output=True, text=True, check=True).stdout


def describe_code(code: Path, paths: Sequence[str], *, unknown: str) -> str:
    """The short commit of ``code``, with how many files under ``paths`` differ
    from it ("abc1234 + 2 uncommitted file(s) in data_access"); ``unknown``
    outside a git checkout."""
    try:
        commit = git(code, "rev-parse", "--short", "HEAD").strip()
        changed = git(code, "status", "--porcelain", "--", *paths).splitlines()
    except (OSError, subprocess.CalledProcessError):
        return unknown
    return commit + (f" + {len(changed)} uncommitted file(s) in {'/'.join(paths)}" if changed else "")


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
    try:
        commit = git(REPO, "rev-parse", "--short", "HEAD").strip()
        changed = git(REPO, "status", "--porcelain", "--", *paths).splitlines()
        digest = hashlib.sha1(git(REPO, "diff", "HEAD", "--", *paths).encode())
        for name in sorted(
            git(REPO, "ls-files", "--others", "--exclude-standard", "--", *paths).splitlines()
        ):
            with contextlib.suppress(OSError):
                digest.update(name.encode() + (REPO / name).read_bytes())
        tree = git(REPO, "ls-tree", "-r", "HEAD", "--", *paths)
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)", "unknown"
    identity = hashlib.sha1(tree.encode() + digest.digest()).hexdigest()
    if not changed:
        return commit, identity
    fingerprint = digest.hexdigest()[:8]
    label = f"{commit} + {len(changed)} uncommitted file(s) in the app's code (fingerprint {fingerprint})"
    return label, identity


# --------------------------------------------------------------------------- the demo databases


def sqlite_url(workdir: Path, lines: int) -> str:
    return f"sqlite:///{workdir.resolve() / f'dashboard_{lines}.db'}"


def postgres_url(lines: int) -> str:
    return f"{PG_SERVER}/bench_dashboard_{lines}"


def child_env(url: str) -> dict[str, str]:
    """The environment of a child working on ``url``: the app's configured
    database, and the repository importable."""
    return dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(REPO))


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


def _data_access(url: str, *arguments: str) -> None:
    """``python -m data_access ARGUMENTS`` on ``url``; a failure ends the benchmark with its output."""
    done = subprocess.run(
        [sys.executable, "-m", "data_access", *arguments],
        cwd=REPO,
        env=child_env(url),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed for {url}:\n{done.stdout}\n{done.stderr}")


def ensure_demo(url: str, lines: int) -> float | None:
    """Reuse the database if it holds ``lines`` lines; else generate it. Returns the generation time."""
    if stored_lines(url) == lines:
        return None
    recreate(url)
    started = time.perf_counter()
    for arguments in (["init-db"], ["demo", "--lines", str(lines), "--end", DEMO_END]):
        _data_access(url, *arguments)
    generated = time.perf_counter() - started
    found = stored_lines(url)
    if found != lines:
        print(f"  warning: the demo wrote {found} lines, not {lines}", flush=True)
    return generated


def prepare_demo(database: str, url: str, lines: int, *, upgrade_reused: bool = False) -> float | None:
    """``ensure_demo``, saying which database it is and whether it was reused
    or generated (and in how long). With ``upgrade_reused`` a reused database
    gets the latest migrations (new indexes), as the app would at start."""
    print(f"\n{database}, {lines:,} lines: {url}", flush=True)
    started = time.perf_counter()
    generated = ensure_demo(url, lines)
    if generated is not None:
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    elif upgrade_reused:
        print("  reusing the existing database (schema upgraded if needed)", flush=True)
        _data_access(url, "init-db")
    else:
        print("  reusing the existing database", flush=True)
    return generated


def pages_period(session: Session) -> Period:
    """The period the pages show by default: the last 12 full months of the
    data in the database (a benchmark of an empty database ends here)."""
    from data_access.core.periods import last_full_months
    from data_access.core.reference import data_period

    last = data_period(session).last
    if last is None:
        raise SystemExit("the database holds no invoice lines")
    return last_full_months(last)


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


def databases(args: argparse.Namespace) -> tuple[list[tuple[str, Callable[[int], str]]], str | None]:
    """The databases to measure (name, URL of a size), and why PostgreSQL is
    left out (None: it is measured). ``--skip-sqlite`` where a script has it."""
    chosen: list[tuple[str, Callable[[int], str]]] = []
    if not getattr(args, "skip_sqlite", False):
        chosen.append(("SQLite", lambda size: sqlite_url(args.workdir, size)))
    skipped = "--skip-postgres given" if args.skip_postgres else postgres_problem()
    if skipped is None:
        chosen.append(("PostgreSQL", postgres_url))
    else:
        print(f"PostgreSQL skipped: {skipped}", flush=True)
    return chosen, skipped


# --------------------------------------------------------------------------- measuring children


@dataclass
class Run:
    """How one measured child ended: wall time, its own peak RSS and output."""

    wall: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str
    rss_timeline: list[tuple[float, float]] = field(default_factory=list)  # (seconds, MB)
    timed_out: bool = False

    @property
    def problem(self) -> str | None:
        """Why the child did not finish well (killed, or its exit code and last
        line of stderr); None when it did."""
        if self.timed_out:
            return f"killed after {self.wall:.0f} s"
        if self.returncode != 0:
            error = (self.stderr.strip().splitlines() or ["no output"])[-1]
            return f"exit code {self.returncode}: {error}"
        return None


def run_measured(
    command: list[str], env: dict[str, str] | None = None, poll: float = 0.25, timeout: float | None = None
) -> Run:
    """Run a child to completion: wall time and its own peak RSS (os.wait4).

    A sampler thread also reads VmRSS from /proc every ``poll`` seconds, only
    to show when in the run the memory was taken; the peak comes from wait4.
    After ``timeout`` seconds the child is killed and the run marked timed out.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=REPO)
        timeline: list[tuple[float, float]] = []
        done = threading.Event()

        def sample() -> None:
            status = Path(f"/proc/{process.pid}/status")
            while not done.wait(poll):
                try:
                    text = status.read_text()
                except OSError:
                    return
                match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
                if match:
                    timeline.append((time.perf_counter() - started, int(match.group(1)) / 1024))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            process.kill()  # only this child; it has not been reaped yet, so the pid is still its own

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if timer:
            timer.cancel()
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # ru_maxrss is in kilobytes on Linux (bytes on macOS).
        peak = usage.ru_maxrss / (1024**2 if sys.platform == "darwin" else 1024)
        return Run(wall, peak, process.returncode, out.read(), err.read(), timeline, killed.is_set())


def emit(**values: Any) -> None:
    """One JSON line per measurement, flushed: a killed child still leaves what it measured."""
    print(json.dumps(values), flush=True)


def run_child(
    script: Path, child: Sequence[str], url: str, args: argparse.Namespace, *extra: str, timeout: float
) -> tuple[Run, list[dict[str, Any]]]:
    """Run ``script --child [child] --url URL --repeat N --timeout S [extra]``
    measured (killed after ``timeout`` seconds), and the records it emitted."""
    command = [
        sys.executable,
        str(script),
        "--child",
        *child,
        "--url",
        url,
        "--repeat",
        str(args.repeat),
        "--timeout",
        str(args.timeout),
        *extra,
    ]
    run = run_measured(command, env=child_env(url), timeout=timeout)
    records = []
    for line in run.stdout.splitlines():
        if line.startswith("{"):
            with contextlib.suppress(json.JSONDecodeError):  # a line cut short by a kill
                records.append(json.loads(line))
    return run, records


def count_statements() -> list[int]:
    """From now on, every SQL statement any engine runs (the app's included)
    adds one to the returned counter's only item."""
    from sqlalchemy import Engine, event

    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    event.listen(Engine, "before_cursor_execute", count)
    return statements


def fresh_app(timeout: float, params: Mapping[str, str] | None = None) -> AppTest:
    """A new AppTest of ``app.py`` with the query ``params`` that has run the
    default page (not timed), with an empty data cache: the page switched to
    next runs cold, with Python's imports and the engine warm, as in a running
    server."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=timeout)
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.run()
    if at.exception:
        raise SystemExit(f"app.py raised: {[element.value for element in at.exception]}")
    st.cache_data.clear()
    return at


# --------------------------------------------------------------------------- options and report


def size_parser(doc: str, repeat_help: str) -> argparse.ArgumentParser:
    """The options of a benchmark of demo databases by size: ``--sizes``,
    ``--repeat``, ``--skip-postgres``, ``--workdir`` and the child's ``--url``."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in DEFAULT_SIZES),
        help="invoice lines per database, comma-separated (200000,1000000,5000000)",
    )
    parser.add_argument("--repeat", type=int, default=5, help=repeat_help)
    parser.add_argument("--skip-postgres", action="store_true", help="only SQLite")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="where the SQLite files live")
    parser.add_argument("--url", help=argparse.SUPPRESS)
    return parser


def parse_sizes(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """The parsed options, ``--sizes`` as a list of whole numbers of at least
    1, and ``--repeat`` at least 1 (else a usage error)."""
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas")
    if args.repeat < 1 or not args.sizes or min(args.sizes) < 1:
        parser.error("--repeat and every size must be at least 1")
    return args


def print_start(name: str, args: argparse.Namespace, version: str) -> tuple[float, float, float]:
    """The line a run starts with; returns the load average at the start."""
    load = os.getloadavg()
    print(
        f"{name}: sizes {', '.join(f'{size:,}' for size in args.sizes)}, repeat {args.repeat}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}, code {version}, "
        f"load average {load[0]:.2f}",
        flush=True,
    )
    return load


def print_results_heading(version: str, identity: str, *, snapshot: bool = False) -> None:
    """The heading of the results: date, code and platform, and whether the
    app's code changed during the run (not asked of a ``snapshot``, a copy of
    a commit that nobody edits)."""
    print(f"\n## Results ({dt.date.today().isoformat()}, {os.cpu_count()} CPUs)\n")
    print(f"Code {version}; Python {platform.python_version()}; {platform.platform()}")
    if snapshot:
        return
    version_at_end, identity_at_end = code_version()
    if identity_at_end != identity:
        print(f"Note: the app's code changed during the run; at the end it was {version_at_end}")
    elif version_at_end != version:
        print(f"(HEAD moved to {version_at_end} during the run, without changes to the app's code)")


def format_seconds(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    if value >= 0.01:
        return f"{value:.3f}"
    return f"{value:.4f}"
