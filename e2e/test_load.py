"""Many users at once (issue 14): two app servers on one PostgreSQL database
behind the shipped nginx configuration, and SESSIONS browser sessions at once
in Chromium (e2e/load.py: units sending needs by deep link, procurers on a
contract page and the inbox, management filtering the dashboard), twice.

What it proves: no session meets an error, an exception or a timeout; every
need sent is stored exactly once; a need sent through server A is the newest
in the inbox a procurer opens on server B; and each server's memory, measured
once the round's sessions have closed, levels off: the second round adds
less than a generous bound to what the first did. The figures are printed as
a table (``pytest -s`` shows it; bench/load_sessions.py is the larger run).

SESSIONS = 8 is what two shared cores carry (both servers, nginx, PostgreSQL
and eight Chromium pages on the same cores): a round takes 45-50 s and the
module about 2 minutes with its setup on a lightly loaded machine, 3.5 on a
busy one, and every action finishes well inside the harness's 90 s. At 10 a
round took 75-105 s on a busy machine; at 30 (bench/load_sessions.py) half the
sessions timed out there.
The servers forget a closed session after DISCONNECTED_TTL seconds instead of
Streamlit's 120, so that "after the sessions close" means the previous
round's sessions are gone by the end of the next round, on both rounds alike.

Needs PostgreSQL (TEST_DATABASE_URL) and Debian's nginx; skipped with the
reason otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from e2e import load
from e2e.helpers import JOURNEY_MARKS
from e2e.proxy import NGINX, NO_NGINX_REASON
from tests.conftest import PG_SKIP_REASON

pytestmark = [
    *JOURNEY_MARKS,
    pytest.mark.skipif(not NGINX.exists(), reason=NO_NGINX_REASON),
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason=PG_SKIP_REASON),
]

SESSIONS = 8
ROUNDS = 2
DISCONNECTED_TTL = 10
# Growth in the second round, per server: below a quarter of the first round's, or 50 MB.
GROWTH_SHARE, GROWTH_MB = 0.25, 50.0
# This module's loopback ports (app servers, then nginx's two listeners).
APP_PORTS = (8780, 8781)
PROXY_PORTS = range(8790, 8800)
SHARED_ENV = {
    "STREAMLIT_SERVER_COOKIE_SECRET": "e2e-load-" + "0123456789abcdef" * 3,
    "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(DISCONNECTED_TTL),
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[load.Stack]:
    tmp = tmp_path_factory.mktemp("load")
    with (
        load.throwaway_postgres(os.environ["TEST_DATABASE_URL"]) as database_url,
        load.served_behind_nginx(
            tmp,
            database_url,
            unit_accounts=SESSIONS,
            app_ports=APP_PORTS,
            proxy_ports=PROXY_PORTS,
            env=SHARED_ENV,
        ) as stack,
    ):
        yield stack


def test_many_sessions_on_two_servers_behind_the_proxy(stack: load.Stack) -> None:
    baseline = [load.rss_mb(pid) for pid in stack.pids]
    rounds, memory = [], []
    for number in range(1, ROUNDS + 1):
        rounds.append(load.run_round([stack.proxy_url], SESSIONS, number, stack.target, tag="lasttest"))
        memory.append([load.rss_mb(pid) for pid in stack.pids])
    attempted = [text for result in rounds for text in result.attempted]
    stored = load.stored_counts(stack.database_url, attempted)
    table = load.report(rounds, stored, memory, ("A", "B"))
    print(
        f"\n{SESSIONS} sessions x {ROUNDS} rounds through nginx; RSS MB at start: "
        + ", ".join(f"{mb:.0f}" for mb in baseline)
        + f"\n{table}"
    )

    assert not [error for result in rounds for error in result.errors], [r.errors for r in rounds]
    units = sum(1 for result in rounds for o in result.outcomes if o.role == "enhet")
    assert len(attempted) == units
    assert all(count == 1 for count in stored.values()), stored

    # A need sent through server A is the newest in the inbox on server B.
    text = "Lasttest: skickat via server A, läst på server B."
    seen = load.send_here_read_there(stack.servers[0], stack.servers[1], stack.target, text)
    assert seen == text
    assert load.stored_counts(stack.database_url, [text])[text] == 1

    for server, start, (first, second) in zip(("A", "B"), baseline, memory, strict=True):
        growth_first, growth_second = first - start, second - first
        bound = max(GROWTH_SHARE * growth_first, GROWTH_MB)
        assert growth_second < bound, (server, start, first, second)
