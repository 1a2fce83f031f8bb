"""Sign-in through the identity provider, as AppTest fakes it (``at.user``).

What ``ui.signin`` and ``app.py`` promise beyond the roles: the ID token's
``exp`` is the app's to check (Streamlit's cookie lives 30 days), so a
passed one signs out and a coming one stays; a person the provider knows but
the app does not gets "Du har inte behörighet" with whom to ask; a receipt
link works without any sign-in and opens nothing else. And the committed
``.streamlit/secrets.toml.example`` is TOML with every key ``st.login`` needs.

The real browser sign-in against a real provider is ``e2e/test_sign_in_journey.py``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data_access.access import identity
from data_access.core import clock
from data_access.core.models import AuditEvent, Need, User, UserRole
from data_access.core.settings import set_setting
from data_access.customers.needs import new_token
from tests.app_pages import APP, provider_user
from tests.factories import World
from tests.worlds import unit_on_contract
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / ".streamlit" / "secrets.toml.example"
AUTH_KEYS = {"redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"}
PROCURER = "petra@kommun.example"


def run_app(user: dict[str, object], query: dict[str, str] | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.user = dict(user)
    for name, value in (query or {}).items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def add_procurer(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        session.add(User(email=PROCURER, roles=[UserRole(role="upphandlare")]))


def with_exp(seconds_from_now: int) -> dict[str, object]:
    """The procurer signed in at the provider, the ID token expiring
    ``seconds_from_now`` from the app's now (negative: already passed)."""
    user = provider_user(PROCURER, name="Petra")
    user["exp"] = int(clock.epoch_seconds()) + seconds_from_now
    return user


def sign_ins(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        return [(event.actor, event.action) for event in session.scalars(select(AuditEvent))]


def page_scripts(app: AppTest) -> set[str]:
    """The addresses of the page files ``st.navigation`` received in the last
    run: the pages whose scripts can run (the other addresses show the sign-in
    page or a refusal). AppTest keeps them in a private attribute; the sidebar
    is not in its element tree."""
    scripts = [str(page.get("script_path") or "") for page in app._registered_pages.values()]
    return {spec.url_path for spec in PAGES for script in scripts if script and script.endswith(spec.path)}


# --------------------------------------------------------------------------- the example configuration


def test_the_secrets_example_is_toml_with_every_key_st_login_needs() -> None:
    secrets = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert set(secrets["auth"]) >= AUTH_KEYS
    assert secrets["auth"]["redirect_uri"].endswith("/oauth2callback")
    assert secrets["auth"]["server_metadata_url"].endswith("/.well-known/openid-configuration")
    assert all(isinstance(secrets["auth"][key], str) and secrets["auth"][key] for key in AUTH_KEYS)


def test_a_real_secrets_file_is_never_committed() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored
    assert not any(line.startswith("!") and "secrets" in line for line in ignored)  # no exception to it


# --------------------------------------------------------------------------- the ID token's exp


def test_a_passed_exp_signs_the_person_out(engine: Engine) -> None:
    add_procurer(engine)
    app = run_app(with_exp(-60))
    assert app.user == {"is_logged_in": False}  # st.logout ran
    assert [title.value for title in app.title] == ["Logga in"]
    assert (PROCURER, identity.PROVIDER_SIGNED_IN) not in sign_ins(engine)


def test_an_exp_to_come_keeps_the_person_signed_in(engine: Engine) -> None:
    add_procurer(engine)
    app = run_app(with_exp(600))
    assert app.user["is_logged_in"] is True and app.user["email"] == PROCURER
    assert "inkorg" in page_scripts(app)
    assert sign_ins(engine) == [(PROCURER, identity.PROVIDER_SIGNED_IN)]


def test_the_exp_is_checked_on_every_run_not_only_at_sign_in(engine: Engine) -> None:
    add_procurer(engine)
    app = run_app(with_exp(600))
    app.user = with_exp(-1)  # the same session, the token has run out since
    app.run()
    assert app.user == {"is_logged_in": False}
    assert [title.value for title in app.title] == ["Logga in"]


# --------------------------------------------------------------------------- unknown to the app


def test_an_unknown_person_is_told_they_have_no_access_and_whom_to_ask(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        session.add(User(email="admin@kommun.example", roles=[UserRole(role="admin")]))
    app = run_app(provider_user("okand@annanstans.example"))
    assert [title.value for title in app.title] == ["Du har inte behörighet"]
    texts = [text.value for text in app.text]
    assert "Du är inloggad som okand@annanstans.example, men har ingen behörighet i Avtalsfokus." in texts
    assert "Kontakta appens administratör: admin@kommun.example." in texts
    assert page_scripts(app) == set()  # the refusal at every address, no page
    assert [button.label for button in app.button] == ["Logga ut"]
    assert sign_ins(engine) == [("okand@annanstans.example", identity.PROVIDER_REFUSED)]


def test_the_no_access_page_says_what_the_admin_wrote(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        set_setting(session, identity.ACCESS_CONTACT_SETTING, "Mejla it-support@kommun.example.")
    app = run_app(provider_user("okand@annanstans.example"))
    assert "Mejla it-support@kommun.example." in [text.value for text in app.text]


def test_signing_out_from_the_no_access_page(engine: Engine) -> None:
    app = run_app(provider_user("okand@annanstans.example"))
    app.button[0].click().run()
    assert app.user == {"is_logged_in": False}
    app.run()  # the browser follows the provider's sign-out back to the app
    assert [title.value for title in app.title] == ["Logga in"]


def test_a_municipal_address_gets_the_catalogue_and_the_needs_form_without_setup(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        set_setting(session, identity.DOMAINS_SETTING, "kommun.example")
    app = run_app(provider_user("ny.person@kommun.example"))
    assert page_scripts(app) == {"hitta-avtal", "behov"}


# --------------------------------------------------------------------------- the receipt link


def test_a_receipt_link_opens_without_sign_in_and_offers_no_other_page(engine: Engine) -> None:
    token = new_token()
    with Session(engine) as session, session.begin():
        made = unit_on_contract(World(session))
        session.add(
            Need(
                token=token,
                unit_id=made.unit.id,
                contract_id=made.contract.id,
                need_type="other",
                text="Vi behöver mindre förpackningar",
            )
        )
    visitor = {"is_logged_in": False}
    app = run_app(visitor, {"kvitto": token})
    app.switch_page("pages/needs.py").run()  # the link is /behov?kvitto=...
    assert not app.exception, [exception.value for exception in app.exception]
    assert "Vi behöver mindre förpackningar" in [text.value for text in app.text]
    assert page_scripts(app) == {"behov"}  # the receipt's page and nothing else
    assert not app.sidebar.button  # no "Logga ut", nobody is signed in

    without_token = run_app(visitor)
    assert page_scripts(without_token) == set()
    assert [title.value for title in without_token.title] == ["Logga in"]
