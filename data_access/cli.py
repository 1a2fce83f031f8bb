"""Command line: ``python -m data_access --help``.

Everything the app can do to the database without a browser: create or
upgrade it, fill it with the demo, print fidelity reports for scripts, manage
the users who may sign in and purge the audit log.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TextIO

from data_access.access import accounts, app_settings, audit
from data_access.access.viewer import Viewer, system
from data_access.core.db import get_engine, is_database_unreachable, session_scope
from data_access.core.lengths import max_length
from data_access.core.migrate import upgrade_database
from data_access.core.models import ROLES, ImportBatch
from data_access.core.work import Actor
from data_access.demo.generator import DatabaseNotEmptyError, DemoOptions, load_demo
from data_access.exports.spreadsheet_safety import csv_writer
from data_access.figures.fidelity import (
    STATUS_AMOUNT_COLUMNS,
    Dimension,
    FidelityFigures,
    SpendFilter,
    fidelity_breakdown,
    fidelity_total,
)
from data_access.importing.columns import ImportKind
from data_access.importing.errors import ImportRefusedError, ValueProblemError
from data_access.importing.invoice_rows import period_problem
from data_access.importing.invoices import ImportOptions, InvalidRowsError, InvoiceImportSummary
from data_access.importing.peppol import read_upload
from data_access.importing.registers import InvalidRegisterRowsError, RegisterImportSummary
from data_access.importing.service import import_file, import_peppol_file, open_for_import

REPORT_COLUMNS = ("key", *STATUS_AMOUNT_COLUMNS, "fidelity_pct", "coverage_pct")


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from error


def _month(text: str) -> str:
    """``--period``: exactly YYYY-MM, a real month (it is stored as written)."""
    if period_problem(text):
        shown = text if len(text) <= 40 else text[:39] + "…"
        raise argparse.ArgumentTypeError(f"not a month in the form YYYY-MM (e.g. 2016-03): {shown!r}")
    return text


# Who the command line's changes are recorded as when neither --user nor the
# operating system names anyone (a container without $USER).
CLI_ACTOR = "kommandorad"


def cli_actor(user: str | None = None) -> Actor:
    """The acting user of a command-line change: ``--user``, else the
    operating system's user, else :data:`CLI_ACTOR`."""
    return Actor.named(user or os.environ.get("USER"), default=CLI_ACTOR)


def cli_viewer(user: str | None = None) -> Viewer:
    """Who a command-line change acts as: every role (whoever runs the command
    on the server may do anything), named as :func:`cli_actor`."""
    return system(cli_actor(user).name)


def _user(text: str) -> str:
    """``--user``: recorded on the batch, so it must fit there."""
    limit = max_length(ImportBatch.imported_by)
    if len(text) > limit:
        raise argparse.ArgumentTypeError(f"{len(text)} characters; at most {limit} fit")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m data_access", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("init-db", help="create or upgrade the configured database (DATABASE_URL)")

    demo = commands.add_parser("demo", help="fill the configured, empty database with demo data")
    demo.add_argument("--lines", type=int, default=DemoOptions.lines, help="invoice lines (default 200000)")
    demo.add_argument("--seed", type=int, default=DemoOptions.seed, help="random seed (default 1)")
    demo.add_argument("--end", type=_iso_date, help="last invoice date (default: end of last month)")

    importer = commands.add_parser(
        "import", help="import files; all or nothing: on any failure nothing is written (exit code 1)"
    )
    importer.add_argument("kind", choices=IMPORT_KINDS)
    importer.add_argument("files", nargs="+", type=Path, metavar="FILE")
    importer.add_argument("--profile", help="a saved column mapping to use instead of guessing")
    importer.add_argument("--period", type=_month, help="YYYY-MM, for invoice files without a date column")
    importer.add_argument("--skip-invalid", action="store_true", help="import the valid rows, skip the rest")
    importer.add_argument("--user", type=_user, default=os.environ.get("USER"), help="recorded on the batch")

    report = commands.add_parser("report", help="print a report")
    kinds = report.add_subparsers(dest="report", required=True)
    fidelity = kinds.add_parser("fidelity", help="contract fidelity per key, plus an ALL row")
    fidelity.add_argument("--by", required=True, choices=[dimension.value for dimension in Dimension])
    fidelity.add_argument("--from", dest="date_from", type=_iso_date, help="first day, inclusive")
    fidelity.add_argument("--to", dest="date_to", type=_iso_date, help="last day, inclusive")
    fidelity.add_argument("--format", choices=("csv", "table"), default="csv")
    add_user_commands(commands)
    return parser


def add_user_commands(commands: argparse._SubParsersAction) -> None:
    """``users add|list|disable|enable|roles|password`` and ``audit purge``."""
    users = commands.add_parser("users", help="the users who may sign in, their roles and units")
    actions = users.add_subparsers(dest="users", required=True)
    add = actions.add_parser(
        "add", help="add a user; asks for a local password unless --password-stdin or --no-password"
    )
    add.add_argument("email")
    add.add_argument("--role", action="append", required=True, choices=ROLES, help="repeat for several")
    add.add_argument("--unit", action="append", default=[], metavar="CODE", help="a unit of an enhet user")
    add.add_argument("--name", help="the name shown in the app")
    password = add.add_mutually_exclusive_group()
    password.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    password.add_argument(
        "--no-password", action="store_true", help="no local password: signs in through the identity provider"
    )
    actions.add_parser("list", help="every user with roles, units and status")
    disable = actions.add_parser("disable", help="stop a user from signing in")
    disable.add_argument("email")
    enable = actions.add_parser("enable", help="let a disabled user sign in again")
    enable.add_argument("email")
    roles = actions.add_parser("roles", help="replace a user's roles (and with --unit, their units)")
    roles.add_argument("email")
    roles.add_argument("--role", action="append", required=True, choices=ROLES, help="repeat for several")
    roles.add_argument("--unit", action="append", metavar="CODE", help="a unit of an enhet user; repeat")
    new_password = actions.add_parser("password", help="set a user's local password; asks for it twice")
    new_password.add_argument("email")
    new_password.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    new_password.set_defaults(no_password=False)

    log = commands.add_parser("audit", help="the audit log")
    log_actions = log.add_subparsers(dest="audit", required=True)
    purge = log_actions.add_parser("purge", help="delete entries older than the retention period")
    purge.add_argument(
        "--months", type=_months, help="keep this many months (default: the retention setting, 24 unless set)"
    )


def _months(text: str) -> int:
    try:
        months = int(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a whole number of months: {text!r}") from error
    if months < 1:
        raise argparse.ArgumentTypeError("at least 1 month")
    return months


def _amount(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f}"


def _pct(value: Decimal | None) -> str:
    return "" if value is None else _amount(value)


def report_row(key: str, figures: FidelityFigures) -> list[str]:
    """One CSV row in REPORT_COLUMNS order."""
    return [
        key,
        *(_amount(amount) for amount in figures.status_amounts()),
        _pct(figures.fidelity_pct),
        _pct(figures.coverage_pct),
    ]


def write_fidelity_report(out: TextIO, dimension: Dimension, spend_filter: SpendFilter, fmt: str) -> None:
    with session_scope() as session:
        rows = [
            report_row(row.key, row.figures) for row in fidelity_breakdown(session, dimension, spend_filter)
        ]
        rows.append(report_row("ALL", fidelity_total(session, spend_filter)))
    if fmt == "csv":  # names come from imported files: no cell may run as a formula
        writer = csv_writer(out)
        writer.writerow(REPORT_COLUMNS)
        writer.writerows(rows)
        return
    table = [list(REPORT_COLUMNS), *rows]
    widths = [max(len(row[index]) for row in table) for index in range(len(REPORT_COLUMNS))]
    for row in table:
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        out.write("  ".join(cells).rstrip() + "\n")


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run one command; exit code 0 on success, 1 when it failed (nothing
    written), 2 for a usage error, 3 when the database does not answer."""
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        return _run(args, out)
    except Exception as error:
        if not is_database_unreachable(error):
            raise
        # The operator's own terminal: say where it tried (without a password)
        # and why, but not a page of traceback.
        where = get_engine().url.render_as_string(hide_password=True)
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        print(f"error: the database does not answer ({where}): {reason}", file=sys.stderr)
        return 3


def _run(args: argparse.Namespace, out: TextIO) -> int:
    upgrade_database(get_engine())
    if args.command == "init-db":
        print(f"Database ready: {get_engine().url.render_as_string(hide_password=True)}", file=out)
        return 0
    if args.command == "demo":
        started = time.perf_counter()

        def progress(fraction: float, message: str) -> None:
            print(f"{fraction:4.0%}  {message}", file=sys.stderr)

        try:
            with session_scope(actor=cli_actor()) as session:
                lines = load_demo(
                    session, DemoOptions(lines=args.lines, seed=args.seed, end_date=args.end), progress
                )
        except DatabaseNotEmptyError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        where = get_engine().url.render_as_string(hide_password=True)
        print(
            f"Loaded {lines} demo invoice lines into {where} in {time.perf_counter() - started:.1f} s",
            file=out,
        )
        return 0
    if args.command == "import":
        return run_import(args, out)
    if args.command == "users":
        return run_users(args, out)
    if args.command == "audit" and args.audit == "purge":
        with session_scope(actor=cli_actor()) as session:
            months = args.months or app_settings.retention_months(session)
            removed = audit.purge_older_than(session, months, acting=cli_viewer())
        print(f"Removed {removed} audit entries older than {months} months", file=out)
        return 0
    if args.command == "report" and args.report == "fidelity":
        if args.date_from and args.date_to and args.date_from > args.date_to:
            print("error: --from is after --to", file=sys.stderr)
            return 2
        spend_filter = SpendFilter(date_from=args.date_from, date_to=args.date_to)
        write_fidelity_report(out, Dimension(args.by), spend_filter, args.format)
        return 0
    return 2


def _new_password(args: argparse.Namespace) -> str | None:
    """The new user's password: from stdin, none, or typed twice without echo."""
    if args.no_password:
        return None
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Lösenord: ")
    if getpass.getpass("Samma lösenord igen: ") != first:
        raise accounts.AccountError("Lösenorden är inte lika.")
    return first


def run_users(args: argparse.Namespace, out: TextIO) -> int:
    """``users add|list|disable|enable|roles|password``: one unit of work
    each, refused as a whole."""
    acting = cli_viewer()
    try:
        if args.users == "add":
            password = _new_password(args)
            with session_scope(actor=cli_actor()) as session:
                user = accounts.add_user(
                    session,
                    args.email,
                    roles=args.role,
                    unit_codes=args.unit,
                    password=password,
                    display_name=args.name,
                    acting=acting,
                )
                email, kind = user.email, "local password" if password is not None else "identity provider"
            print(f"Added user {email} ({', '.join(args.role)}; {kind})", file=out)
        elif args.users == "disable":
            with session_scope(actor=cli_actor()) as session:
                email = accounts.disable_user(session, args.email, acting=acting).email
            print(f"Disabled user {email}", file=out)
        elif args.users == "enable":
            with session_scope(actor=cli_actor()) as session:
                email = accounts.enable_user(session, args.email, acting=acting).email
            print(f"Enabled user {email}", file=out)
        elif args.users == "roles":
            with session_scope(actor=cli_actor()) as session:
                user = accounts.set_roles(session, args.email, args.role, unit_codes=args.unit, acting=acting)
                email, units = user.email, len(user.units)
            print(f"User {email}: {', '.join(args.role)}; {units} units", file=out)
        elif args.users == "password":
            password = _new_password(args) or ""
            with session_scope(actor=cli_actor()) as session:
                email = accounts.set_password(session, args.email, password, acting=acting).email
            print(f"New password for {email}", file=out)
        else:
            with session_scope() as session:
                rows = accounts.list_users(session, acting=acting)
            for row in rows:
                status = "disabled" if row.disabled else "active"
                sign_in = "password" if row.has_password else "identity provider"
                units = f"  units {','.join(row.unit_codes)}" if row.unit_codes else ""
                print(f"{row.email}  {','.join(row.roles)}{units}  {status}, {sign_in}", file=out)
    except accounts.AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


IMPORT_KINDS = ("invoices", "contracts", "organisation", "accounts", "peppol")


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    """Import every file in one transaction, one batch each; print a summary per file."""
    options = ImportOptions(period=args.period, skip_invalid=args.skip_invalid, profile_name=args.profile)
    acting = cli_viewer(args.user)  # recorded on each batch and in the audit log
    try:
        with session_scope(actor=cli_actor(args.user)) as session:
            for path in args.files:
                if not path.is_file():
                    raise ImportRefusedError(f"Filen finns inte: {path}")
                if args.kind == "peppol":
                    print(
                        format_summary(
                            import_peppol_file(
                                session,
                                path.name,
                                read_upload(path),  # refused by its size before it is read
                                skip_invalid=args.skip_invalid,
                                acting=acting,
                            )
                        ),
                        file=out,
                    )
                    continue
                opened = open_for_import(
                    session,
                    ImportKind(args.kind),
                    path.name,
                    path=path,
                    profile_name=args.profile,
                    acting=acting,
                )
                summary = import_file(session, opened, options, acting=acting)
                print(format_summary(summary), file=out)
    except (InvalidRowsError, InvalidRegisterRowsError) as error:
        print(f"error: {error}", file=sys.stderr)
        for problem in error.summary.problems[:50]:
            print(
                f"  rad {problem.row_number}, {problem.column}: {problem.value!r}: {problem.problem}",
                file=sys.stderr,
            )
        print("Ingenting importerades.", file=sys.stderr)
        return 1
    except (ImportRefusedError, ValueProblemError) as error:
        print(f"error: {error}\nIngenting importerades.", file=sys.stderr)
        return 1
    return 0


def format_summary(summary: InvoiceImportSummary | RegisterImportSummary) -> str:
    """The lines a scheduled job's log needs to show what came in."""
    if isinstance(summary, RegisterImportSummary):
        return (
            f"{summary.file_name}: batch {summary.batch_id}\n  rows read {summary.rows_read}, "
            f"created {summary.created}, updated {summary.updated}, skipped {summary.skipped}"
        )
    lines = [
        f"{summary.file_name}: batch {summary.batch_id}",
        f"  rows read {summary.rows_read}, imported {summary.imported}, skipped {summary.skipped}, "
        f"already imported {summary.duplicates}",
        f"  file total {_amount(summary.file_total)}, imported total {_amount(summary.imported_total)}",
        f"  new suppliers {summary.new_suppliers} (identified by name only, to review: rows "
        f"{summary.flagged_rows}), new units {summary.new_units}, new departments "
        f"{summary.new_departments}, new accounts {summary.new_accounts}",
    ]
    if summary.earlier_batches:
        batches = ", ".join(str(batch) for batch in summary.earlier_batches)
        lines.append(f"  the same file was imported before as batch {batches}")
    return "\n".join(lines)
