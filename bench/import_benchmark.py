"""Import benchmark (issue 3): how close does the CLI invoice import get to
the time python-calamine alone needs to read the same workbook?

    .venv/bin/python bench/import_benchmark.py                 # 1,000,000 rows
    .venv/bin/python bench/import_benchmark.py --rows 100000 --repeat 3

Steps, all on one generated, cached workbook:

1. ``calamine read``: a child process loads the sheet with python-calamine and
   walks every row, once with ``to_python()`` and once with ``iter_rows()``;
   the faster of the two is the baseline the goal is measured against.
2. ``app reader`` / ``parse only`` (breakdown, skip with ``--no-breakdown``):
   the app's safe reader (``open_table``: zip checks, checksum, calamine,
   empty cells to None) and, on top of it, row parsing and validation without
   a database (``analyse_invoice_rows``). They show where the end-to-end time
   goes: read, parse, or database.
3. ``import → SQLite`` / ``import → PostgreSQL``: ``python -m data_access
   import invoices FILE`` into a fresh database (``init-db`` first, not timed).

Every step runs as its own child process. Wall time is measured around the
child (interpreter start-up and imports included, for the baseline too).
Peak memory is the child's RSS high-water mark from ``os.wait4(pid)``, which
returns the resource usage of exactly that child (what GNU ``time -f %M``
reports, it uses the same call); unlike ``getrusage(RUSAGE_CHILDREN)`` it is
not a maximum over every child this process ever waited for, so no
intermediate process is needed. With ``--repeat N`` the median wall time and
the largest peak memory of the N runs are reported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import statistics
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from common import Run, describe_code, run_measured  # noqa: E402

from data_access.core.orgnr import luhn_check_digit  # noqa: E402

GENERATOR_VERSION = 1  # bump when the generated content changes, so caches are not reused
HEADER = ("Fakturadatum", "Fakturanummer", "Leverantör", "Organisationsnummer", "Ansvar", "Konto", "Belopp")
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_import"
GOAL_RATIO = 3.0
GOAL_MEMORY_MB = 2048.0

# --------------------------------------------------------------------------- data

_NAME_FIRST = (
    "Nordisk", "Svensk", "Mälardalens", "Bergslagens", "Närkes", "Göta", "Norrlands", "Skandinavisk",
    "Väst", "Öst", "Syd", "Nord", "Central", "Kommun", "Läns", "Lokal", "Allmän", "Grön", "Modern",
    "Klassisk", "Ny", "Första", "Trygg", "Snabb", "Smart", "Bäst", "Stor", "Liten", "Fri", "Ren",
)  # fmt: skip
_NAME_SECOND = (
    "Bygg", "Städ", "Livsmedel", "Kontor", "Data", "IT", "Konsult", "Transport", "Måleri", "Elektro",
    "VVS", "Mark", "Trädgård", "Skol", "Vård", "Kök", "Möbel", "Papper", "Tryck", "Säkerhet",
    "Energi", "Fastighet", "Bemanning", "Taxi", "Buss", "Medicin", "Hjälpmedel", "Lek", "Sport", "Ljud",
)  # fmt: skip
_NAME_THIRD = (
    "service", "tjänst", "partner", "gruppen", "centralen", "teknik", "huset", "lagret", "handel",
    "specialisten", "kompaniet", "byrån", "verkstaden", "leverans", "system",
)  # fmt: skip
_NAME_FORM = ("AB", "AB", "AB", "i Örebro AB", "Sverige AB", "HB", "& Co AB", "Ek. för.", "KB")

_ACCOUNTS = (
    "4010 Livsmedel", "4011 Livsmedel kött", "4012 Livsmedel mejeri", "4013 Frukt och grönt",
    "4020 Förbrukningsmaterial", "4021 Kontorsmaterial", "4022 Trycksaker", "4023 Städmaterial",
    "4024 Läromedel", "4025 Böcker och tidskrifter", "4026 Medicinskt förbrukningsmaterial",
    "4027 Hygienartiklar", "4030 Inventarier", "4031 Möbler", "4032 IT-utrustning", "4033 Mobiltelefoner",
    "4034 Programvaror", "4040 Arbetskläder", "4041 Skyddsutrustning", "4050 Drivmedel",
    "4060 Leksaker och lekmaterial", "4070 Hjälpmedel", "4080 Sportmaterial", "4090 Övrigt material",
    "4110 Vatten och avlopp", "4120 El", "4130 Fjärrvärme", "4140 Avfallshantering",
    "4210 Hyra lokaler", "4211 Hyra bostäder", "4220 Leasing fordon", "4230 Hyra maskiner",
    "4310 Reparation fastighet", "4311 Reparation maskiner", "4320 Fastighetsskötsel", "4330 Städtjänster",
    "4340 Bevakning", "4350 Snöröjning", "4410 Konsulttjänster", "4411 IT-konsulter",
    "4412 Juridiska tjänster", "4413 Revision", "4420 Bemanningstjänster", "4430 Utbildning",
    "4440 Konferenser", "4450 Annonser", "4460 Tryckeritjänster", "4470 Porto", "4480 Telefoni",
    "4490 Datakommunikation", "4510 Resor", "4511 Taxi", "4512 Skolskjuts", "4513 Färdtjänst",
    "4520 Logi", "4530 Representation", "4610 Köpt vård", "4611 Köpt skolverksamhet",
    "4612 Köpt omsorg", "4620 Licensavgifter",
)  # fmt: skip


@dataclass(frozen=True)
class _Supplier:
    name: str
    org: str  # "NNNNNN-NNNN" or "NULL"


def _suppliers(rng: random.Random, count: int = 2000, without_org: int = 60) -> list[_Supplier]:
    names: set[str] = set()
    orgs: set[str] = set()
    result: list[_Supplier] = []
    while len(result) < count:
        name = (
            f"{rng.choice(_NAME_FIRST)} {rng.choice(_NAME_SECOND)}{rng.choice(_NAME_THIRD)} "
            f"{rng.choice(_NAME_FORM)}"
        )
        if name in names:
            name = f"{name} {rng.randint(2, 99)}"
            if name in names:
                continue
        nine = "55" + "".join(rng.choice("0123456789") for _ in range(7))
        digits = nine + luhn_check_digit(nine)
        if digits in orgs:
            continue
        names.add(name)
        orgs.add(digits)
        org = "NULL" if len(result) < without_org else f"{digits[:6]}-{digits[6:]}"
        result.append(_Supplier(name, org))
    rng.shuffle(result)
    return result


def _units(rng: random.Random, count: int = 300) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(f"{rng.randint(1, 9)}{rng.randint(1000, 9999)}")
    return sorted(codes)


def generate_workbook(path: Path, rows: int, seed: int) -> None:
    """A finance-system export: title, empty row, header, then ``rows`` invoice lines.

    Invoices have 1-6 lines each sharing date, number and supplier. About
    2,000 suppliers with valid org numbers (Zipf-like popularity); 60 of them
    never have one (``NULL``) and 0.5 % of other lines lack it too. 300 unit
    codes, 60 accounts, dates over 2024 as real Excel dates, 3 % credits.
    """
    from openpyxl import Workbook  # only needed when generating

    rng = random.Random(seed)
    suppliers = _suppliers(rng)
    supplier_weights = list(_cumulative(1 / (rank + 10) for rank in range(len(suppliers))))
    units = _units(rng)
    unit_weights = list(_cumulative(rng.uniform(0.2, 3.0) for _ in units))
    first_day = dt.date(2024, 1, 1)
    days = [first_day + dt.timedelta(days=offset) for offset in range(366)]
    workdays = [day for day in days if day.weekday() < 5]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Fakturarader")
    sheet.append(["Leverantörsfakturor 2024 – export från ekonomisystemet, Exempelby kommun"])
    sheet.append([])
    sheet.append(list(HEADER))

    started = time.perf_counter()
    written = 0
    invoice_number = 2_400_000
    every = max(rows // 20, 1)
    while written < rows:
        invoice_number += rng.randint(1, 7)
        supplier = rng.choices(suppliers, cum_weights=supplier_weights)[0]
        day = rng.choice(workdays)
        number = str(invoice_number)
        for _ in range(min(rng.choice((1, 1, 1, 2, 2, 3, 4, 6)), rows - written)):
            org = "NULL" if rng.random() < 0.005 else supplier.org
            amount = round(rng.lognormvariate(7.0, 1.6), 2)
            if rng.random() < 0.03:
                amount = -amount
            sheet.append(
                [
                    day,
                    number,
                    supplier.name,
                    org,
                    rng.choices(units, cum_weights=unit_weights)[0],
                    rng.choice(_ACCOUNTS),
                    amount,
                ]
            )
            written += 1
            if written % every == 0:
                elapsed = time.perf_counter() - started
                eta = elapsed / written * (rows - written)
                print(
                    f"  generated {written:>9,} / {rows:,} rows  {elapsed:6.1f} s  (about {eta:.0f} s left)",
                    flush=True,
                )
    print("  saving workbook …", flush=True)
    workbook.save(path)


def _cumulative(weights):
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def workbook_path(workdir: Path, rows: int, seed: int) -> Path:
    path = workdir / f"invoices_{rows}_seed{seed}_v{GENERATOR_VERSION}.xlsx"
    if path.is_file():
        print(f"Using cached workbook {path} ({path.stat().st_size / 1024**2:.1f} MB)")
        return path
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"Generating {path} with {rows:,} rows (seed {seed}) …", flush=True)
    started = time.perf_counter()
    partial = path.with_suffix(".partial.xlsx")
    generate_workbook(partial, rows, seed)
    partial.replace(path)  # only a complete file is ever taken from the cache
    print(
        f"Generated in {time.perf_counter() - started:.1f} s, {path.stat().st_size / 1024**2:.1f} MB",
        flush=True,
    )
    return path


# --------------------------------------------------------------------------- measuring


READ_SCRIPT = textwrap.dedent(
    """
    import sys, time
    import python_calamine
    method, path = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    loaded = time.perf_counter()
    rows = cells = 0
    if method == "to_python":
        for row in sheet.to_python():
            rows += 1
            cells += len(row)
    else:
        for row in sheet.iter_rows():
            rows += 1
            cells += len(row)
    print(f"rows={rows} cells={cells} load={loaded - started:.3f} walk={time.perf_counter() - loaded:.3f}")
    """
)

APP_READER_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from data_access.importing.files import open_table
    path = Path(sys.argv[1])
    started = time.perf_counter()
    table = open_table(path.name, path=path)
    opened = time.perf_counter()
    rows = sum(1 for _ in table.iter_rows())
    print(f"rows={rows} open={opened - started:.3f} iterate={time.perf_counter() - opened:.3f}")
    """
)

PARSE_ONLY_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from data_access.importing.columns import ImportKind, guess_mapping
    from data_access.importing.files import open_table
    from data_access.importing.invoices import analyse_invoice_rows
    path = Path(sys.argv[1])
    started = time.perf_counter()
    table = open_table(path.name, path=path)
    head = [row for _, row in zip(range(40), table.iter_rows())]
    mapping = guess_mapping(ImportKind.INVOICES, head)
    opened = time.perf_counter()
    summary, _ = analyse_invoice_rows(table.iter_rows(), mapping, period=None, file_name=path.name)
    print(
        f"rows={summary.rows_read} invalid={summary.rows_with_problems} flagged={summary.flagged_rows} "
        f"total={summary.file_total} open={opened - started:.3f} parse={time.perf_counter() - opened:.3f}"
    )
    """
)


@dataclass
class Step:
    name: str
    runs: list[Run]
    note: str = ""
    breakdown: bool = False  # a diagnostic row, not part of the goal

    @property
    def wall(self) -> float:
        return statistics.median(run.wall for run in self.runs)

    @property
    def timed_out(self) -> bool:
        return any(run.timed_out for run in self.runs)

    @property
    def failed(self) -> int | None:
        """The exit code of a run that failed (other than by --timeout), else None."""
        codes = [run.returncode for run in self.runs if run.returncode != 0 and not run.timed_out]
        return codes[0] if codes else None

    @property
    def peak_mb(self) -> float:
        return max(run.peak_mb for run in self.runs)


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def _child_env(database_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _check(run: Run, what: str) -> None:
    if run.returncode != 0:
        raise SystemExit(
            f"{what} failed with exit code {run.returncode}\n"
            f"--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"
        )


def measure_calamine(path: Path, repeat: int) -> tuple[Step, Step]:
    steps = []
    for method in ("to_python", "iter_rows"):
        runs = []
        for _ in range(repeat):
            run = run_measured(_python("-c", READ_SCRIPT, method, str(path)), env=_child_env())
            _check(run, f"calamine {method}")
            runs.append(run)
        step = Step(f"calamine read ({method})", runs, runs[-1].stdout.strip())
        print(f"  {step.name}: {step.wall:.2f} s, {step.peak_mb:.0f} MB  [{step.note}]", flush=True)
        steps.append(step)
    faster, slower = sorted(steps, key=lambda step: step.wall)
    slower.breakdown = True
    return faster, slower


def measure_script(name: str, script: str, path: Path, repeat: int) -> Step:
    runs = []
    for _ in range(repeat):
        run = run_measured(_python("-c", script, str(path)), env=_child_env())
        _check(run, name)
        runs.append(run)
    step = Step(name, runs, runs[-1].stdout.strip(), breakdown=True)
    print(f"  {step.name}: {step.wall:.2f} s, {step.peak_mb:.0f} MB  [{step.note}]", flush=True)
    return step


def _import_command(path: Path, profile_to: Path | None = None) -> list[str]:
    if profile_to:
        return _python(
            "-m", "cProfile", "-o", str(profile_to), "-m", "data_access", "import", "invoices", str(path)
        )
    return _python("-m", "data_access", "import", "invoices", str(path))


def _summary_note(stdout: str) -> str:
    match = re.search(r"rows read (\d+), imported (\d+), skipped (\d+), already imported (\d+)", stdout)
    if not match:
        return stdout.strip().replace("\n", " ")
    read, imported, skipped, duplicates = match.groups()
    return f"rows read {read}, imported {imported}, skipped {skipped}, duplicates {duplicates}"


def measure_import(
    name: str,
    path: Path,
    repeat: int,
    fresh_database,
    url: str,
    *,
    timeout: float | None = None,
    breakdown: bool = False,
) -> Step:
    runs = []
    for _ in range(repeat):
        fresh_database()
        init = run_measured(_python("-m", "data_access", "init-db"), env=_child_env(url))
        _check(init, f"{name}: init-db")
        print(f"    {name}: importing …", flush=True)
        run = run_measured(_import_command(path), env=_child_env(url), timeout=timeout)
        if run.timed_out:
            print(f"    run: killed after {run.wall:.0f} s (--timeout), {run.peak_mb:.0f} MB", flush=True)
            fresh_database()  # also ends the server-side statement the killed client left running
            runs.append(run)
            break  # a second run would time out as well
        runs.append(run)
        if run.returncode != 0:
            # Reported in the table instead of ending the benchmark: the other steps still count.
            print(
                f"    run FAILED with exit code {run.returncode} after {run.wall:.0f} s\n"
                f"--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}",
                flush=True,
            )
            break
        print(f"    run: {run.wall:.2f} s, {run.peak_mb:.0f} MB", flush=True)
    last = runs[-1]
    if last.timed_out:
        note = f"killed after {timeout:g} s, not finished"
    elif last.returncode != 0:
        signal_note = f" (signal {-last.returncode})" if last.returncode < 0 else ""
        error = (last.stderr.strip().splitlines() or ["no output"])[-1]
        note = f"FAILED, exit code {last.returncode}{signal_note} after {last.wall:.0f} s: {error}"
    else:
        note = _summary_note(last.stdout)
    step = Step(name, runs, note, breakdown=breakdown)
    print(f"  {step.name}: {step.wall:.2f} s, {step.peak_mb:.0f} MB  [{step.note}]", flush=True)
    print(textwrap.indent(runs[-1].stdout.rstrip(), "      "), flush=True)
    return step


def sqlite_fresh(db_file: Path):
    def fresh() -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(db_file) + suffix).unlink(missing_ok=True)

    return fresh


def postgres_fresh(url: str):
    """A function that drops and recreates the benchmark database (bench_* only)."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database or ""
    if not name.startswith("bench_"):
        raise SystemExit(
            f"refusing to drop and recreate {name!r}: the benchmark only touches bench_* databases"
        )
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)

    def fresh() -> None:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')

    return fresh, admin


def postgres_unreachable_reason(admin_url: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect(admin_url, connect_timeout=5) as connection:
            connection.execute("SELECT 1")
    except Exception as error:  # any failure means: skip, and say why
        return f"{type(error).__name__}: {str(error).strip()}"
    return None


def print_profile(profile_file: Path, limit: int = 25) -> None:
    import pstats

    stats = pstats.Stats(str(profile_file))
    for key in ("cumulative", "tottime"):
        print(f"\n--- cProfile of the SQLite import, top {limit} by {key}")
        stats.sort_stats(key).print_stats(limit)


# --------------------------------------------------------------------------- report


def markdown_table(rows: int, baseline: Step, steps: list[Step]) -> str:
    lines = [
        "| rows | step | wall s | rows/s | peak MB | × calamine read |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for step in steps:
        ratio = step.wall / baseline.wall
        name = f"{step.name} *(breakdown)*" if step.breakdown else step.name
        more, fewer = (">", "<") if step.timed_out else ("", "")
        if step.failed is not None:
            lines.append(f"| {rows:,} | {name} | failed (exit {step.failed}) | – | – | – |")
            continue
        lines.append(
            f"| {rows:,} | {name} | {more}{step.wall:.2f} | {fewer}{rows / step.wall:,.0f} "
            f"| {step.peak_mb:,.0f} | {more}{ratio:.2f} |"
        )
    return "\n".join(lines)


def goal_check(baseline: Step, imports: list[Step]) -> str:
    lines = [
        f"Goal: end-to-end ≤ {GOAL_RATIO:g}× calamine read ({GOAL_RATIO * baseline.wall:.2f} s) "
        f"and peak memory < {GOAL_MEMORY_MB / 1024:g} GB"
    ]
    for step in imports:
        ratio = step.wall / baseline.wall
        if step.failed is not None:
            lines.append(f"- {step.name}: FAIL (the import exited with code {step.failed})")
            continue
        time_ok = ratio <= GOAL_RATIO and not step.timed_out
        memory_ok = step.peak_mb < GOAL_MEMORY_MB
        lines.append(
            f"- {step.name}: time {'>' if step.timed_out else ''}{ratio:.2f}× "
            f"{'PASS' if time_ok else 'FAIL'}, "
            f"memory {step.peak_mb:,.0f} MB{' (until killed)' if step.timed_out else ''} "
            f"{'PASS' if memory_ok else 'FAIL'}"
        )
    return "\n".join(lines)


def rss_summary(step: Step) -> str:
    timeline = step.runs[-1].rss_timeline
    if not timeline:
        return f"- {step.name}: no RSS samples"
    # Sample the timeline at ~10 evenly spaced points: when memory grows, and when it falls.
    stride = max(len(timeline) // 10, 1)
    points = timeline[::stride]
    if points[-1] != timeline[-1]:
        points.append(timeline[-1])
    peak_at, peak = max(timeline, key=lambda point: point[1])
    shown = ", ".join(f"{seconds:.1f}s {mb:.0f}" for seconds, mb in points)
    return f"- {step.name} (MB at seconds): {shown}; highest sample {peak:.0f} MB at {peak_at:.0f}s"


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="data rows in the workbook (1,000,000)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/avtalsfokus-bench"), help="cache folder")
    parser.add_argument("--seed", type=int, default=2024, help="random seed of the generated data")
    parser.add_argument("--repeat", type=int, default=1, help="runs per step; the median wall time is shown")
    parser.add_argument("--skip-postgres", action="store_true", help="only SQLite")
    parser.add_argument("--postgres-url", default=DEFAULT_PG_URL, help="a bench_* database, recreated")
    parser.add_argument(
        "--no-breakdown", action="store_true", help="skip the app-reader and parse-only steps"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also run the SQLite import under cProfile (not timed)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=1800,
        help="seconds before an import run is killed and reported as not finished (1800; 0: never)",
    )
    args = parser.parse_args(argv)
    if args.rows < 1 or args.repeat < 1:
        parser.error("--rows and --repeat must be at least 1")
    args.timeout = args.timeout or None
    return args


def code_version() -> str:
    """The commit measured, and whether data_access had uncommitted changes."""
    return describe_code(REPO, ["data_access", "migrations"], unknown="unknown (no git)")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    version = code_version()
    print(
        f"Import benchmark: {args.rows:,} rows, repeat {args.repeat}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.platform()}, code {version}",
        flush=True,
    )
    path = workbook_path(args.workdir, args.rows, args.seed)

    print("\nMeasuring …", flush=True)
    baseline, other_read = measure_calamine(path, args.repeat)
    steps = [baseline]
    if not args.no_breakdown:
        steps.append(other_read)
        steps.append(
            measure_script("app reader (open_table + iter_rows)", APP_READER_SCRIPT, path, args.repeat)
        )
        steps.append(measure_script("parse only (no database)", PARSE_ONLY_SCRIPT, path, args.repeat))

    imports = []
    sqlite_db = args.workdir / "bench_import.db"
    sqlite_url = f"sqlite:///{sqlite_db}"
    imports.append(
        measure_import(
            "import → SQLite", path, args.repeat, sqlite_fresh(sqlite_db), sqlite_url, timeout=args.timeout
        )
    )

    skipped_pg = None
    if args.skip_postgres:
        skipped_pg = "--skip-postgres given"
    else:
        fresh, admin = postgres_fresh(args.postgres_url)
        skipped_pg = postgres_unreachable_reason(admin)
        if skipped_pg is None:
            imports.append(
                measure_import(
                    "import → PostgreSQL", path, args.repeat, fresh, args.postgres_url, timeout=args.timeout
                )
            )
    if skipped_pg:
        print(f"  PostgreSQL skipped: {skipped_pg}", flush=True)
    steps.extend(imports)

    print(f"\n## Results ({dt.date.today().isoformat()}, {os.cpu_count()} CPUs)\n")
    print(f"File: {path} ({path.stat().st_size / 1024**2:.1f} MB); code {version}")
    print(f"Command: {' '.join([Path(sys.executable).name, *sys.argv])}\n")
    print(markdown_table(args.rows, baseline, steps))
    print()
    print(goal_check(baseline, [step for step in imports if not step.breakdown]))
    if skipped_pg:
        print(f"- import → PostgreSQL: skipped ({skipped_pg})")
    print("\nNotes per step:")
    for step in steps:
        print(f"- {step.name}: {step.note}")
    print("\nRSS over time (last run, sampled from /proc):")
    for step in imports:
        print(rss_summary(step))

    if args.profile:
        profile_file = args.workdir / f"import_sqlite_{args.rows}.prof"
        sqlite_fresh(sqlite_db)()
        _check(run_measured(_python("-m", "data_access", "init-db"), env=_child_env(sqlite_url)), "init-db")
        run = run_measured(_import_command(path, profile_file), env=_child_env(sqlite_url))
        _check(run, "profiled import")
        print(f"\nProfiled SQLite import (cProfile overhead included): {run.wall:.2f} s")
        print_profile(profile_file)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
