"""Many users at once, at a larger scale (issue 14): e2e/test_load.py's setup
and scripted users with more sessions and rounds, printing its table.

    .venv/bin/python bench/load_sessions.py                       # 30 sessions, 2 rounds
    .venv/bin/python bench/load_sessions.py --sessions 40 --rounds 3 --servers 3

A throwaway database on the PostgreSQL server of ``--database-url`` (default
TEST_DATABASE_URL, else the shared server at 127.0.0.1:5432) gets the demo
(4,000 lines) and one unit account per session; ``--servers`` app servers run
on it behind the shipped nginx configuration (Debian's nginx on loopback,
TLS with a throwaway certificate); then each round opens every session at
once in one Chromium (e2e/load.py: half units sending a need by deep link, a
quarter procurers on a contract page and the inbox, a quarter management
filtering Avtalstrohet) and closes them. Afterwards: errors, every need
stored exactly once, a need sent through the first server read in the inbox
on the second, and each server's RSS after each round. Everything is removed
at the end. A benchmark prints; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from common import code_version, print_results_heading  # noqa: E402

from e2e import load  # noqa: E402

APP_PORTS = (8784, 8785, 8786, 8787)
PROXY_PORTS = range(8790, 8800)
LOGS = Path("/tmp/avtalsfokus-load-logs")
DISCONNECTED_TTL = 10  # as e2e/test_load.py: a closed session is forgotten by the next round's end


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=30, help="browser sessions at once per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds an action may take")
    parser.add_argument("--servers", type=int, default=2, choices=range(2, len(APP_PORTS) + 1))
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL server where a database may be created (and dropped)",
    )
    args = parser.parse_args()
    version, identity = code_version()
    env = {
        "STREAMLIT_SERVER_COOKIE_SECRET": "bench-load-" + "0123456789abcdef" * 3,
        "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(DISCONNECTED_TTL),
    }
    names = [chr(ord("A") + number) for number in range(args.servers)]
    with (
        tempfile.TemporaryDirectory(prefix="avtalsfokus-load-") as folder,
        load.throwaway_postgres(args.database_url) as database_url,
        load.served_behind_nginx(
            Path(folder),
            database_url,
            unit_accounts=args.sessions,
            app_ports=APP_PORTS[: args.servers],
            proxy_ports=PROXY_PORTS,
            env=env,
        ) as stack,
    ):
        baseline = [load.rss_mb(pid) for pid in stack.pids]
        rounds, memory = [], []
        for number in range(1, args.rounds + 1):
            rounds.append(
                load.run_round(
                    [stack.proxy_url],
                    args.sessions,
                    number,
                    stack.target,
                    tag="bench",
                    timeout_ms=int(args.timeout * 1000),
                )
            )
            memory.append([load.rss_mb(pid) for pid in stack.pids])
            print(f"round {number}: {rounds[-1].seconds:.1f} s, {len(rounds[-1].errors)} errors", flush=True)
        attempted = [text for result in rounds for text in result.attempted]
        stored = load.stored_counts(database_url, attempted)
        text = "Bench: skickat via server A, läst på server B."
        seen = load.send_here_read_there(stack.servers[0], stack.servers[1], stack.target, text)
        cross = load.stored_counts(database_url, [text])[text]
        if any(result.errors for result in rounds):  # the servers' logs name each error reference
            LOGS.mkdir(parents=True, exist_ok=True)
            for log in Path(folder).glob("server*/server.log"):
                shutil.copy(log, LOGS / f"{log.parent.name}.log")
            print(f"The servers' logs are kept in {LOGS}")

    print_results_heading(version, identity)
    print(
        f"\n{args.sessions} sessions at once x {args.rounds} rounds, {args.servers} app servers "
        "behind nginx, PostgreSQL; RSS MB at start: " + ", ".join(f"{mb:.0f}" for mb in baseline) + "\n"
    )
    print(load.report(rounds, stored, memory, names))
    duplicates = sum(1 for count in stored.values() if count > 1)
    missing = sum(1 for count in stored.values() if count == 0)
    print(
        f"\nWrites: {len(attempted)} attempted, {len(attempted) - missing - duplicates} stored exactly once, "
        f"{missing} missing, {duplicates} stored twice or more."
    )
    print(
        f"Sent through A, newest in the inbox on B: {'yes' if seen == text else f'no ({seen!r})'}, "
        f"stored {cross}x."
    )
    for result in rounds:
        for error in result.errors:
            print(f"error: {error}")


if __name__ == "__main__":
    main()
