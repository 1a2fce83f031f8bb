"""Many users at once (issue 14): N browser sessions in one Chromium, each a
Playwright context of its own, driven together with asyncio against one or
more base addresses (the proxy, or each app server's own address).

Shared by ``e2e/test_load.py`` (two servers behind nginx, in CI) and
``bench/load_sessions.py`` (the same at a larger scale). The async API is
used because the sync one cannot drive many pages at once from one thread;
it runs in a thread of its own, so a sync Playwright that pytest-playwright
may hold in the main thread is never disturbed.

Each session is one scripted user:

- a unit (``enhet``): sign in, open the needs form by its deep link
  (``/behov?contract=REF&unit=CODE``), submit a need with a text of its own;
- a procurer (``upphandlare``): sign in, open a contract page, open the inbox;
- management (``ledning``): sign in, open Avtalstrohet, filter on a department.

Every action is timed from its start (a click, an address) to a finished
page: the awaited content drawn and Streamlit's script no longer running. An
action fails on an exception box, an error message (the app's "Något gick
fel") or a timeout; the session then stops, and the failure is counted.
Afterwards the database is asked whether every submitted text is stored
exactly once. Each unit session signs in with an account of its own
(``add_unit_accounts``): the needs form limits each user to 5 needs a minute,
as it should, and the load is many units, not one unit many times.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from sqlalchemy import func, select

from data_access.access import accounts
from data_access.access.viewer import system
from data_access.core.db import engine_for, session_scope
from data_access.core.models import Need
from data_access.customers.contracts import search_contracts
from e2e.helpers import (
    ACCOUNTS,
    APP_IDLE,
    CHROMIUM,
    CHROMIUM_ARGS,
    DATAFRAME,
    DEMO_TODAY,
    E2E_PASSWORD,
    ERROR_ALERT,
    EXCEPTION,
    METRIC,
    SIDEBAR,
    SIGN_OUT_BUTTON,
    SUCCESS_ALERT,
    VIEWPORT,
    demo_database,
    enhet_unit_code,
    served,
)
from e2e.proxy import proxied
from tests.conftest import fresh_postgres_database
from ui.theme import NEED_STATUS_LABELS

# Under load on two shared cores a page can take far longer than alone.
LOAD_TIMEOUT_MS = 90_000
# The mix of a busy morning: half the sessions are units sending needs.
MIX = ("enhet", "upphandlare", "enhet", "ledning")
DEPARTMENT_OPTIONS = 3  # management sessions filter on one of the first departments
NEED_TEXT = "{tag}: vi behöver mindre förpackningar, session {index} i omgång {round}."


@dataclass(frozen=True)
class Target:
    """What the sessions open: a contract for the deep links and the contract
    page, the unit the unit accounts act for, and those accounts."""

    contract: str
    unit_code: str
    unit_accounts: tuple[str, ...]


@dataclass
class Outcome:
    """One session: its role, where it went, its timed actions, its error."""

    role: str
    base_url: str
    timings: list[tuple[str, float]] = field(default_factory=list)
    error: str | None = None
    submitted: str | None = None  # the need's text, once the form was sent


@dataclass
class RoundResult:
    outcomes: list[Outcome]
    seconds: float

    @property
    def errors(self) -> list[str]:
        return [f"{o.role} via {o.base_url}: {o.error}" for o in self.outcomes if o.error]

    @property
    def attempted(self) -> list[str]:
        """Texts whose form was sent (the click on Skicka happened)."""
        return [o.submitted for o in self.outcomes if o.submitted]


# --------------------------------------------------------------------------- the world


def add_unit_accounts(database_url: str, unit_code: str, count: int, tag: str = "load") -> tuple[str, ...]:
    """``count`` unit accounts for ``unit_code`` (password :data:`E2E_PASSWORD`)."""
    emails = tuple(f"enhet.{tag}{index}@demokommun.example" for index in range(count))
    engine = engine_for(database_url)
    with session_scope(engine, actor="load") as session:
        for index, email in enumerate(emails):
            accounts.add_user(
                session,
                email,
                roles=("enhet",),
                unit_codes=[unit_code],
                password=E2E_PASSWORD,
                display_name=f"Enhet Last {index}",
                acting=system("load"),
            )
    engine.dispose()
    return emails


def stored_counts(database_url: str, texts: Sequence[str]) -> Counter[str]:
    """How many needs hold each of ``texts``, exactly as typed."""
    engine = engine_for(database_url)
    with session_scope(engine, actor="load") as session:
        rows = session.execute(
            select(Need.text, func.count(Need.id)).where(Need.text.in_(list(texts))).group_by(Need.text)
        ).all()
    engine.dispose()
    counts: Counter[str] = Counter({text: 0 for text in texts})
    counts.update({text: count for text, count in rows})
    return counts


def server_pid(port: int) -> int:
    """The pid of the ``streamlit run`` serving ``port`` (found by its command line)."""
    wanted = ["--server.port", str(port)]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if "streamlit" in args and any(args[i : i + 2] == wanted for i in range(len(args) - 1)):
            return int(proc.name)
    raise LookupError(f"no streamlit server on port {port}")


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (VmRSS in /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise LookupError(f"no VmRSS for {pid}")


def first_contract(database_url: str) -> str:
    """The reference of the contract the catalogue lists first (the needs journey's choice)."""
    engine = engine_for(database_url)
    with session_scope(engine, actor="load") as session:
        reference = search_contracts(session, today=date.fromisoformat(DEMO_TODAY))[0].reference
    engine.dispose()
    return reference


@contextmanager
def throwaway_postgres(base_url: str) -> Iterator[str]:
    """A fresh database on the PostgreSQL server of ``base_url`` (a unique
    name, dropped afterwards, as tests/conftest.py makes them): its URL."""
    yield from fresh_postgres_database(base_url)


@dataclass(frozen=True)
class Stack:
    """Two (or more) app servers on one demo database behind the shipped nginx."""

    database_url: str
    proxy_url: str
    servers: tuple[str, ...]  # each app server's own address
    pids: tuple[int, ...]
    target: Target


@contextmanager
def served_behind_nginx(
    folder: Path,
    database_url: str,
    *,
    unit_accounts: int,
    app_ports: Sequence[int],
    proxy_ports: range,
    env: dict[str, str],
) -> Iterator[Stack]:
    """The demo in the empty database at ``database_url`` with ``unit_accounts``
    more unit accounts, an app server on each of ``app_ports`` (with ``env``),
    and nginx with the shipped configuration in front of them on two ports of
    ``proxy_ports``; stopped afterwards (the database is the caller's)."""
    with ExitStack() as stack:
        demo_database(folder, database_url)
        unit_code = enhet_unit_code()
        target = Target(
            first_contract(database_url),
            unit_code,
            add_unit_accounts(database_url, unit_code, unit_accounts),
        )
        servers = []
        for number, port in enumerate(app_ports):
            server_folder = folder / f"server{number}"
            server_folder.mkdir()
            servers.append(stack.enter_context(served(database_url, server_folder, port=port, extra_env=env)))
        proxy = stack.enter_context(proxied(servers, folder / "nginx", ports=proxy_ports))
        pids = tuple(server_pid(port) for port in app_ports)
        yield Stack(database_url, proxy.url, tuple(servers), pids, target)


# --------------------------------------------------------------------------- one page


class ActionFailed(Exception):
    """The page showed an exception box or an error message."""


async def _finished(page: Page, timeout_ms: int) -> None:
    """The script run has ended, with no exception box and no error message."""
    await page.wait_for_selector(APP_IDLE, timeout=timeout_ms)
    if await page.locator(EXCEPTION).count():
        raise ActionFailed("exception box: " + (await page.locator(EXCEPTION).first.inner_text())[:200])
    if await page.locator(ERROR_ALERT).count():
        raise ActionFailed("error message: " + (await page.locator(ERROR_ALERT).first.inner_text())[:200])


def _sign_in_form(page: Page):  # a Locator
    return page.locator('[data-testid="stForm"]').filter(has=page.get_by_label("E-postadress", exact=True))


async def _first_load(page: Page, base_url: str, timeout_ms: int) -> None:
    """A new browser opens the app: the sign-in page, drawn."""
    await page.goto(base_url + "/", timeout=timeout_ms)
    await _sign_in_form(page).wait_for(timeout=timeout_ms)


async def _sign_in(page: Page, email: str, timeout_ms: int) -> None:
    """Sign in on the sign-in page: the role's landing page, drawn."""
    form = _sign_in_form(page)
    await form.get_by_label("E-postadress", exact=True).fill(email)
    await form.get_by_label("Lösenord", exact=True).fill(E2E_PASSWORD)
    await form.get_by_role("button", name="Logga in", exact=True).click()
    await page.locator(SIDEBAR).get_by_role("button", name=SIGN_OUT_BUTTON).wait_for(timeout=timeout_ms)


async def _open(page: Page, path: str) -> None:
    """Move to ``path`` in the same session, as the app's own links do
    (``e2e.helpers.open_in_session``): a page load would start a new session."""
    await page.evaluate(
        """path => {
            window.history.pushState({}, "", path);
            window.dispatchEvent(new PopStateEvent("popstate"));
        }""",
        path,
    )


def _heading(page: Page, name: str | re.Pattern[str]):
    return page.get_by_role("heading", name=name, exact=isinstance(name, str))


class _Session:
    def __init__(self, page: Page, outcome: Outcome, timeout_ms: int) -> None:
        self.page, self.outcome, self.timeout_ms = page, outcome, timeout_ms

    async def timed(self, kind: str, action) -> None:
        start = time.perf_counter()
        await action()
        await _finished(self.page, self.timeout_ms)
        self.outcome.timings.append((kind, time.perf_counter() - start))

    async def sign_in(self, email: str) -> None:
        await self.timed("first load", lambda: _first_load(self.page, self.outcome.base_url, self.timeout_ms))
        await self.timed("sign in", lambda: _sign_in(self.page, email, self.timeout_ms))

    async def unit(self, target: Target, text: str) -> None:
        page, timeout = self.page, self.timeout_ms
        form = page.locator('[data-testid="stForm"]')

        async def open_form() -> None:
            await _open(page, f"/behov?contract={quote(target.contract)}&unit={quote(target.unit_code)}")
            await _heading(page, "Lämna behov").wait_for(timeout=timeout)
            await form.get_by_role("button", name="Skicka").wait_for(timeout=timeout)

        async def submit() -> None:
            await form.get_by_role("textbox", name="Beskriv behovet *", exact=True).fill(text)
            await form.get_by_role("button", name="Skicka").click()
            self.outcome.submitted = text
            success = page.locator(SUCCESS_ALERT, has_text="Tack! Ert behov är inlämnat med referens")
            await success.wait_for(timeout=timeout)

        await self.timed("needs form (deep link)", open_form)
        await self.timed("submit need", submit)

    async def procurer(self, target: Target) -> None:
        page, timeout = self.page, self.timeout_ms

        async def contract() -> None:
            await _open(page, f"/avtal?contract={quote(target.contract)}")
            await _heading(page, re.compile(f"^{re.escape(target.contract)} ")).wait_for(timeout=timeout)
            await _heading(page, "Kontaktpersoner").wait_for(timeout=timeout)

        async def inbox() -> None:
            await _open(page, "/inkorg")
            await _heading(page, "Inkorg").wait_for(timeout=timeout)
            await page.locator(METRIC).nth(len(NEED_STATUS_LABELS) - 1).wait_for(timeout=timeout)
            await (
                page.locator(DATAFRAME)
                .first.locator("[role=gridcell]")
                .first.wait_for(state="attached", timeout=timeout)
            )

        await self.timed("contract page", contract)
        await self.timed("inbox", inbox)

    async def management(self, department: int) -> None:
        page, timeout = self.page, self.timeout_ms

        async def dashboard() -> None:
            await _open(page, "/avtalstrohet")
            await _heading(page, "Avtalstrohet").wait_for(timeout=timeout)
            await page.locator(METRIC).nth(4).wait_for(timeout=timeout)

        async def filter_department() -> None:
            await page.get_by_role("combobox", name="Förvaltning", exact=True).click()
            await page.get_by_role("option").nth(department).click()
            await page.keyboard.press("Escape")  # the list stays open for more choices
            await page.wait_for_url(lambda url: "forv=" in url, timeout=timeout)

        await self.timed("dashboard", dashboard)
        await self.timed("dashboard filter", filter_department)


async def inbox_first_need(page: Page, timeout_ms: int) -> str:
    """The text of the first (newest) need in the inbox of a signed-in procurer."""
    await _open(page, "/inkorg")
    await _heading(page, "Inkorg").wait_for(timeout=timeout_ms)
    grid = page.locator(DATAFRAME).first
    first = grid.locator('tbody [role=row][aria-rowindex="2"] [role=gridcell]').first
    await first.wait_for(state="attached", timeout=timeout_ms)
    await _finished(page, timeout_ms)
    return (await first.inner_text()).strip()


# --------------------------------------------------------------------------- many at once


async def _one(
    browser: Browser, outcome: Outcome, index: int, round_no: int, target: Target, tag: str, timeout_ms: int
) -> None:
    context = await browser.new_context(viewport=VIEWPORT, ignore_https_errors=True)
    try:
        page = await context.new_page()
        session = _Session(page, outcome, timeout_ms)
        if outcome.role == "enhet":
            email = target.unit_accounts[index % len(target.unit_accounts)]
            await session.sign_in(email)
            await session.unit(target, NEED_TEXT.format(tag=tag, index=index, round=round_no))
        elif outcome.role == "upphandlare":
            await session.sign_in(ACCOUNTS["upphandlare"].email)
            await session.procurer(target)
        else:
            await session.sign_in(ACCOUNTS["ledning"].email)
            await session.management(index % DEPARTMENT_OPTIONS)
    except (ActionFailed, PlaywrightError) as error:  # a timeout is a PlaywrightError too
        outcome.error = f"{type(error).__name__}: {str(error).splitlines()[0][:300]}"
    finally:
        await context.close()


async def _round(
    base_urls: Sequence[str], sessions: int, round_no: int, target: Target, tag: str, timeout_ms: int
) -> RoundResult:
    outcomes = [Outcome(MIX[i % len(MIX)], base_urls[i % len(base_urls)]) for i in range(sessions)]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        start = time.perf_counter()
        await asyncio.gather(
            *(_one(browser, o, i, round_no, target, tag, timeout_ms) for i, o in enumerate(outcomes))
        )
        seconds = time.perf_counter() - start
        await browser.close()
    return RoundResult(outcomes, seconds)


def _in_thread(coroutine):
    """Run ``coroutine`` to its end in a thread of its own (its own event loop)."""
    result: dict[str, object] = {}

    def work() -> None:
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as error:  # handed back to the caller's thread
            result["error"] = error

    thread = threading.Thread(target=work, name="load")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["value"]


def run_round(
    base_urls: Sequence[str],
    sessions: int,
    round_no: int,
    target: Target,
    *,
    tag: str,
    timeout_ms: int = LOAD_TIMEOUT_MS,
) -> RoundResult:
    """``sessions`` scripted users at once, spread over ``base_urls`` in turn."""
    return _in_thread(_round(base_urls, sessions, round_no, target, tag, timeout_ms))


async def _cross_check(send_url: str, read_url: str, target: Target, text: str, timeout_ms: int) -> str:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        outcome = Outcome("enhet", send_url)
        context = await browser.new_context(viewport=VIEWPORT, ignore_https_errors=True)
        page = await context.new_page()
        unit = _Session(page, outcome, timeout_ms)
        await unit.sign_in(target.unit_accounts[0])
        await unit.unit(target, text)
        await context.close()
        context = await browser.new_context(viewport=VIEWPORT, ignore_https_errors=True)
        page = await context.new_page()
        procurer = _Session(page, Outcome("upphandlare", read_url), timeout_ms)
        await procurer.sign_in(ACCOUNTS["upphandlare"].email)
        seen = await inbox_first_need(page, timeout_ms)
        await context.close()
        await browser.close()
    return seen


def send_here_read_there(
    send_url: str, read_url: str, target: Target, text: str, timeout_ms: int = LOAD_TIMEOUT_MS
) -> str:
    """A unit sends ``text`` through ``send_url``; a procurer then opens the inbox
    through ``read_url``: the first need's text there."""
    return _in_thread(_cross_check(send_url, read_url, target, text, timeout_ms))


# --------------------------------------------------------------------------- the table


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(share * 100) - 1]


def report(
    rounds: Sequence[RoundResult],
    stored: Counter[str],
    rss: Sequence[Sequence[float]],
    servers: Sequence[str],
) -> str:
    """The figures as Markdown tables: per action kind (over every round), and per round."""
    lines = ["| action | n | p50 s | p95 s | max s |", "|---|---:|---:|---:|---:|"]
    by_kind: dict[str, list[float]] = {}
    for result in rounds:
        for outcome in result.outcomes:
            for kind, seconds in outcome.timings:
                by_kind.setdefault(kind, []).append(seconds)
    for kind, values in by_kind.items():
        lines.append(
            f"| {kind} | {len(values)} | {_percentile(values, 0.5):.2f} | {_percentile(values, 0.95):.2f} "
            f"| {max(values):.2f} |"
        )
    every = [s for values in by_kind.values() for s in values]
    if every:
        lines.append(
            f"| **every action** | {len(every)} | {_percentile(every, 0.5):.2f} "
            f"| {_percentile(every, 0.95):.2f} | {max(every):.2f} |"
        )
    lines += [
        "",
        "| round | sessions | actions | errors | wall s | writes attempted | stored once | "
        + " | ".join(f"RSS MB {name}" for name in servers)
        + " |",
        "|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * len(servers),
    ]
    for number, (result, memory) in enumerate(zip(rounds, rss, strict=True), start=1):
        attempted = result.attempted
        once = sum(1 for text in attempted if stored[text] == 1)
        actions = sum(len(o.timings) for o in result.outcomes)
        lines.append(
            f"| {number} | {len(result.outcomes)} | {actions} | {len(result.errors)} | {result.seconds:.1f} "
            f"| {len(attempted)} | {once} | " + " | ".join(f"{mb:.0f}" for mb in memory) + " |"
        )
    return "\n".join(lines)
