"""A real sign-in through OpenID Connect in Chromium.

A provider on loopback (``e2e/oidc.py``: oidc-provider-mock in its own
process) and an app server whose generated ``secrets.toml`` points at it. A
unit's contact person signs in at the provider (the app knows them from the
organisation data, nobody set them up) and gets only the unit's pages; the
address of a procurer's page shows them a refusal, not the page; they sign out (at the
provider too) and a procurer, added with ``users add``, signs in and gets the
inbox and the contract page. A person the app does not list gets the roles
of the provider's ``roles`` claim (Entra ID's app roles). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import select

from data_access.access import identity
from data_access.core.db import engine_for, session_scope
from data_access.core.models import AuditEvent, Person, Unit, UnitContact
from e2e.helpers import (
    APP_IDLE,
    CHROMIUM,
    DATAFRAME,
    ERROR_ALERT,
    JOURNEY_MARKS,
    LAPTOP,
    NO_CHROMIUM_REASON,
    REPO_ROOT,
    SIDEBAR,
    TIMEOUT_MS,
    Watch,
    demo_database,
    screenshot,
    served,
)
from e2e.oidc import Provider, keep_on_loopback, loopback_port, mock_provider, secrets_env, secrets_file

pytestmark = JOURNEY_MARKS

NAV_LINK = '[data-testid="stSidebarNavLink"]'
PROCURER = "petra.upphandlare@demokommun.example"
PROCURER_NAME = "Petra Upphandlare"
# Known to the app only through the provider's roles claim (Entra ID's app roles).
MANAGER = "lena.ledning@regionen.example"
MANAGER_PAGES = {"Översikt", "Avtalstrohet", "Mål", "Direktupphandlingar", "Hitta avtal"}
UNIT_PAGES = {"Hitta avtal", "Lämna behov"}
UNIT_PAGES_LATER = {"Min enhet"}  # issue 13's new page, when it exists


@dataclass(frozen=True)
class SignInWorld:
    app_url: str
    provider: Provider
    database_url: str
    unit_person: str  # a unit's contact person's e-mail (from the demo's organisation)
    unit_person_name: str
    unit_name: str


def _a_unit_contact(url: str) -> tuple[str, str, str]:
    """A demo unit's contact person who is in no other unit: e-mail, name, unit."""
    engine = engine_for(url)
    with session_scope(engine) as session:
        row = session.execute(
            select(Person.email, Person.name, Unit.name)
            .join(UnitContact, UnitContact.person_id == Person.id)
            .join(Unit, Unit.id == UnitContact.unit_id)
            .where(Person.email.is_not(None))
            .order_by(Unit.code, Person.email)
            .limit(1)
        ).one()
    engine.dispose()
    return str(row[0]).lower(), str(row[1]), str(row[2])


def _add_procurer(url: str) -> None:
    """The procurer, as the README adds a user: ``users add``, no local password."""
    command = [sys.executable, "-m", "data_access", "users", "add", PROCURER, "--role", "upphandlare"]
    command += ["--name", PROCURER_NAME, "--no-password"]
    subprocess.run(command, cwd=REPO_ROOT, env={**os.environ, "DATABASE_URL": url}, check=True)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInWorld]:
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM_REASON)
    folder = tmp_path_factory.mktemp("oidc")
    database_url = demo_database(folder)
    _add_procurer(database_url)
    email, name, unit = _a_unit_contact(database_url)
    provider_port = loopback_port()
    app_port = loopback_port(taken={provider_port})
    app_url = f"http://127.0.0.1:{app_port}"
    with mock_provider(folder, provider_port) as provider:
        provider.register(email, email=email, name=name)
        provider.register(PROCURER, email=PROCURER, name=PROCURER_NAME)
        provider.register(MANAGER, email=MANAGER, name="Lena Ledning", roles=["ledning", "okänd-roll"])
        env = secrets_env(secrets_file(folder, provider, app_url))
        with served(database_url, folder, port=app_port, extra_env=env) as base_url:
            assert base_url == app_url
            yield SignInWorld(app_url, provider, database_url, email, name, unit)


def _sign_in_at_provider(page: Page, world: SignInWorld, sub: str, shot: Path | None = None) -> None:
    """From the app's sign-in page: "Logga in", the provider's form, back in the app."""
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible(timeout=TIMEOUT_MS)
    page.locator('[data-testid="stMain"]').get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(re.escape(world.provider.authorize_url)), timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.locator("input[name=sub]").fill(sub)
    if shot is not None:
        page.screenshot(path=str(shot))
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(re.compile("^" + re.escape(world.app_url)), timeout=TIMEOUT_MS)
    expect(page.locator(SIDEBAR).get_by_role("button", name="Logga ut")).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)


def _nav_titles(page: Page) -> set[str]:
    """The sidebar's page titles (a link's text is its icon's name, then its title)."""
    return {text.strip().splitlines()[-1].strip() for text in page.locator(NAV_LINK).all_inner_texts()}


def _sign_out(page: Page, world: SignInWorld) -> None:
    """ "Logga ut": Streamlit forgets the sign-in and sends the browser to the
    provider's end-session page, which returns to the app's sign-in page."""
    page.locator(SIDEBAR).get_by_role("button", name="Logga ut").click()
    try:
        page.wait_for_url(re.compile(re.escape(world.provider.end_session_url)), timeout=TIMEOUT_MS)
    except PlaywrightTimeoutError:
        pytest.fail(
            f"'Logga ut' never reached Streamlit's /auth/logout (the browser is at {page.url}): the "
            "sign-in cookie is still set, and a reload signs the person in again. st.logout() sends "
            "the browser there in a message that a st.rerun() right after it clears before it is sent."
        )
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile("^" + re.escape(world.app_url)), timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(SIDEBAR).get_by_role("button", name="Logga ut")).to_have_count(0)


def test_a_unit_contact_signs_in_sees_the_unit_pages_signs_out_and_a_procurer_signs_in(
    page: Page, world: SignInWorld, screenshot_dir: Path
) -> None:
    page.set_viewport_size(LAPTOP)
    outside = keep_on_loopback(page)
    watch = Watch(page)

    # A visitor gets the sign-in page and nothing else: no page in the sidebar.
    page.goto(world.app_url)
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible(timeout=TIMEOUT_MS)
    watch.settled()
    expect(page.locator(NAV_LINK)).to_have_count(0)
    screenshot(page, screenshot_dir / "sign_in_provider_01_sign_in_page.png", LAPTOP)

    # The unit's contact person: known from the organisation data alone.
    _sign_in_at_provider(
        page, world, world.unit_person, shot=screenshot_dir / "sign_in_provider_02_provider_form.png"
    )
    watch.settled()
    titles = _nav_titles(page)
    assert UNIT_PAGES <= titles <= UNIT_PAGES | UNIT_PAGES_LATER, titles
    expect(page.locator(SIDEBAR)).to_contain_text(f"Inloggad som {world.unit_person_name}")
    expect(page.locator(SIDEBAR)).to_contain_text("Roller: enhet")
    screenshot(page, screenshot_dir / "sign_in_provider_03_unit_user.png", LAPTOP)

    # A procurer's page by its address: not served to this person. The address
    # shows the Swedish refusal, the inbox's own script never runs.
    page.goto(f"{world.app_url}/inkorg")
    expect(page.get_by_role("heading", name="Du har inte behörighet")).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
    expect(page.locator(ERROR_ALERT)).to_contain_text("Du har inte behörighet att se inkorgen.")
    expect(page.get_by_role("heading", name="Inkorg")).to_have_count(0)
    expect(page.locator(DATAFRAME)).to_have_count(0)
    expect(page.locator(SIDEBAR).get_by_role("button", name="Logga ut")).to_be_visible(timeout=TIMEOUT_MS)
    assert _nav_titles(page) == titles
    screenshot(page, screenshot_dir / "sign_in_provider_04_inbox_refused.png", LAPTOP)
    assert not watch.problems, watch.problems

    _sign_out(page, world)
    watch.settled()
    expect(page.locator(NAV_LINK)).to_have_count(0)

    # The procurer, added with `users add`: the inbox and the contract page.
    _sign_in_at_provider(page, world, PROCURER)
    watch.settled()
    titles = _nav_titles(page)
    assert {"Inkorg", "Avtal"} <= titles, titles
    assert "Mål" not in titles and "Avtalstrohet" not in titles  # management's pages
    expect(page.locator(SIDEBAR)).to_contain_text(f"Inloggad som {PROCURER_NAME}")
    page.locator(NAV_LINK, has_text="Inkorg").click()
    expect(page.get_by_role("heading", name="Inkorg")).to_be_visible(timeout=TIMEOUT_MS)
    watch.settled()
    screenshot(page, screenshot_dir / "sign_in_provider_05_procurer_inbox.png", LAPTOP)

    # Both sign-ins are in the audit log, under the signed-in address.
    engine = engine_for(world.database_url)
    with session_scope(engine) as session:
        signed_in = set(
            session.scalars(select(AuditEvent.actor).where(AuditEvent.action == identity.PROVIDER_SIGNED_IN))
        )
    engine.dispose()
    assert {world.unit_person, PROCURER} <= signed_in
    # What was held back in the browser is the mock's stylesheet; the app asked nothing outside.
    assert all(url.startswith("https://cdn.jsdelivr.net/") for url in outside), outside


def test_the_providers_roles_claim_gives_its_roles_to_a_person_the_app_does_not_list(
    page: Page, world: SignInWorld, screenshot_dir: Path
) -> None:
    page.set_viewport_size(LAPTOP)
    keep_on_loopback(page)
    watch = Watch(page)
    page.goto(world.app_url)
    _sign_in_at_provider(page, world, MANAGER)
    watch.settled()
    assert _nav_titles(page) == MANAGER_PAGES  # "okänd-roll" is no role: ignored
    expect(page.locator(SIDEBAR)).to_contain_text("Roller: ledning")
    screenshot(page, screenshot_dir / "sign_in_provider_06_roles_claim.png", LAPTOP)


# The expiry: ID tokens of a few seconds, on a server whose clock is the real
# one (the journeys' fixed demo day would put every token's exp weeks ahead).
TOKEN_SECONDS = 8


@pytest.fixture(scope="module")
def short_tokens(world: SignInWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInWorld]:
    """A second provider whose ID tokens expire after :data:`TOKEN_SECONDS`,
    and a second server on the same database pointed at it."""
    folder = tmp_path_factory.mktemp("oidc-expiry")
    provider_port = loopback_port()
    app_port = loopback_port(taken={provider_port})
    app_url = f"http://127.0.0.1:{app_port}"
    with mock_provider(folder, provider_port, token_seconds=TOKEN_SECONDS) as provider:
        provider.register(PROCURER, email=PROCURER, name=PROCURER_NAME)
        env = {**secrets_env(secrets_file(folder, provider, app_url)), "AVTALSFOKUS_TODAY": ""}
        with served(world.database_url, folder, port=app_port, extra_env=env):
            yield SignInWorld(app_url, provider, world.database_url, "", "", "")


def test_a_passed_id_token_exp_signs_the_person_out_at_the_next_click(
    page: Page, short_tokens: SignInWorld
) -> None:
    page.set_viewport_size(LAPTOP)
    keep_on_loopback(page)
    watch = Watch(page)
    page.goto(short_tokens.app_url)
    _sign_in_at_provider(page, short_tokens, PROCURER)
    watch.settled()
    signed_in_at = time.monotonic()
    assert "Inkorg" in _nav_titles(page)

    page.wait_for_timeout(max(0.0, TOKEN_SECONDS + 2 - (time.monotonic() - signed_in_at)) * 1000)
    page.locator(NAV_LINK, has_text="Inkorg").click()  # a run after exp: the app signs out
    page.wait_for_url(re.compile(re.escape(short_tokens.provider.end_session_url)), timeout=TIMEOUT_MS)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile("^" + re.escape(short_tokens.app_url)), timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(NAV_LINK)).to_have_count(0)
    watch.settled()

    engine = engine_for(short_tokens.database_url)
    with session_scope(engine) as session:
        refused = select(AuditEvent.actor).where(AuditEvent.action == identity.PROVIDER_REFUSED)
        assert list(session.scalars(refused)) == []  # signing out is no stranger's refused sign-in
    engine.dispose()
