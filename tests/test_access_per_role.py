"""Each role gets exactly its pages, and nothing else is served (AppTest, ``at.user``).

The expected pages per role are the hand-written list in ``tests/test_roles.py``
(from the issue's role text). Three layers are checked: the navigation the
app builds holds exactly those pages; a page outside them cannot be switched
to (Streamlit serves only what ``st.navigation`` received); and each page
refuses a viewer its permission does not cover when it runs anyway (its own
check in ``page_start``).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from data_access.access import accounts
from data_access.access.roles import Role
from data_access.access.viewer import system, viewer_with
from data_access.core.settings import DEMO_DATA, set_setting
from tests.app_pages import APP, provider_user, signed_in
from tests.test_roles import EXPECTED_PAGES
from ui.navigation import PAGES
from ui.signed_in import VIEWER_KEY

PAGE_FILES = {spec.title: spec.path for spec in PAGES}


def navigation_titles(app: AppTest) -> list[str]:
    """The titles of the page files ``st.navigation`` received in the last run,
    in order: the pages whose scripts can run. (The other addresses are
    functions that show the sign-in page or a refusal.)

    AppTest keeps the registry in a private attribute; the sidebar itself is not
    in its element tree."""
    titles = []
    for info in app._registered_pages.values():
        script = str(info.get("script_path") or "")
        titles += [title for title, path in PAGE_FILES.items() if script and script.endswith(path)]
    return titles


def app_for(user: dict[str, object] | None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    if user is not None:
        app = signed_in(app, user)
    return app.run()


@pytest.mark.parametrize("role", sorted(EXPECTED_PAGES))
def test_the_navigation_holds_exactly_the_roles_pages(engine: Engine, role: str) -> None:
    app = app_for(provider_user(f"{role}@kommun.example", role))
    assert not app.exception
    assert navigation_titles(app) == EXPECTED_PAGES[role]


@pytest.mark.parametrize("role", sorted(EXPECTED_PAGES))
def test_a_page_outside_the_role_is_not_served(engine: Engine, role: str) -> None:
    app = app_for(provider_user(f"{role}@kommun.example", role))
    for title, path in PAGE_FILES.items():
        if title in EXPECTED_PAGES[role]:
            continue
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(path)


def run_page_as(path: str, viewer: object) -> AppTest:
    """Run a page file on its own, as if the navigation had been bypassed."""
    app = AppTest.from_file(str(APP).replace("app.py", path), default_timeout=60)
    app.session_state[VIEWER_KEY] = viewer
    return app.run()


@pytest.mark.parametrize("role", sorted(EXPECTED_PAGES))
def test_each_page_refuses_a_role_it_does_not_allow(engine: Engine, role: str) -> None:
    viewer = viewer_with(f"{role}@kommun.example", [role])
    for title, path in PAGE_FILES.items():
        if title in EXPECTED_PAGES[role]:
            continue
        app = run_page_as(path, viewer)
        assert not app.exception, (title, [e.value for e in app.exception])
        messages = [element.value for element in app.error]
        assert any(message.startswith("Du har inte behörighet att") for message in messages), (
            title,
            messages,
        )
        assert not app.title, f"{title} showed its title to {role}"


def test_a_page_run_without_anyone_signed_in_is_refused(engine: Engine) -> None:
    app = run_page_as("pages/inbox.py", None)
    assert [element.value for element in app.error] == ["Du har inte behörighet att se inkorgen."]


def test_a_visitor_gets_only_the_sign_in_page(engine: Engine) -> None:
    app = app_for({"is_logged_in": False})
    assert navigation_titles(app) == []
    assert [title.value for title in app.title] == ["Logga in"]


def test_a_receipt_link_opens_without_sign_in(engine: Engine) -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.user = {"is_logged_in": False}
    app.query_params["kvitto"] = "okänd-token"
    app.run()
    assert navigation_titles(app) == ["Lämna behov"]


def test_several_roles_get_the_union_of_their_pages(engine: Engine) -> None:
    app = app_for(provider_user("två@kommun.example", Role.LEDNING, Role.ENHET))
    expected = set(EXPECTED_PAGES["ledning"]) | set(EXPECTED_PAGES["enhet"])
    assert set(navigation_titles(app)) == expected


def add_lena(engine: Engine) -> None:
    """A management user with a local account and the password "ett långt lösenord"."""
    with Session(engine) as session, session.begin():
        accounts.add_user(
            session,
            "lena@kommun.example",
            roles=("ledning",),
            password="ett långt lösenord",
            acting=system("test"),
        )


def test_a_local_account_signs_in_with_its_password(engine: Engine) -> None:
    add_lena(engine)
    app = app_for({"is_logged_in": False})
    app.text_input[0].input("lena@kommun.example")
    app.text_input[1].input("fel lösenord!!")
    sign_in_button(app).click().run()
    assert [element.value for element in app.error] == ["Fel e-postadress eller lösenord."]
    assert app.text_input[0].value == "lena@kommun.example"  # what was typed stays
    app.text_input[1].input("ett långt lösenord")
    sign_in_button(app).click().run()
    assert not app.exception
    assert navigation_titles(app) == EXPECTED_PAGES["ledning"]


def sign_in_button(app: AppTest) -> object:
    return next(button for button in app.button if button.label == "Logga in")


def test_demo_users_only_on_the_demo_database(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with Session(engine) as session, session.begin():
        set_setting(session, DEMO_DATA, "1")
    app = app_for({"is_logged_in": False})
    assert not [
        button for button in app.button if "demoanvändare" in str(button.label)
    ]  # not the default database
    monkeypatch.setattr("ui.signin.is_default_database", lambda url: True)
    app = app_for({"is_logged_in": False})
    labels = [str(button.label) for button in app.button]
    assert labels[:4] == [
        "Logga in som demoanvändare (ledning)",
        "Logga in som demoanvändare (upphandlare)",
        "Logga in som demoanvändare (enhet)",
        "Logga in som demoanvändare (administratör)",
    ]
    next(button for button in app.button if button.label.endswith("(upphandlare)")).click().run()
    assert navigation_titles(app) == EXPECTED_PAGES["upphandlare"]
    assert any("Demoläge" in str(warning.value) for warning in app.sidebar.warning)


def test_an_expired_id_token_signs_out(engine: Engine) -> None:
    expired = provider_user("ledning@kommun.example", "ledning") | {"exp": 1_700_000_000}  # 2023-11-14
    app = app_for(expired)
    assert navigation_titles(app) == []
    assert [title.value for title in app.title] == ["Logga in"]
    future = provider_user("ledning@kommun.example", "ledning") | {"exp": 4_102_444_800}  # 2100-01-01
    assert navigation_titles(app_for(future)) == EXPECTED_PAGES["ledning"]


def test_the_token_expiry_is_real_time_not_the_apps_date(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A demo server set to another day must neither accept an expired token
    nor refuse a fresh one: the expiry is compared with the real moment."""
    from data_access.core import clock

    user = provider_user("ledning@kommun.example", "ledning") | {"exp": 1_893_456_000}  # 2030-01-01 UTC
    monkeypatch.setattr(clock, "epoch_seconds", lambda: 1_893_456_001.0)
    with clock.frozen(date(2026, 1, 1)):
        assert navigation_titles(app_for(user)) == []
    monkeypatch.setattr(clock, "epoch_seconds", lambda: 1_893_455_999.0)
    with clock.frozen(date(2031, 1, 1)):
        assert navigation_titles(app_for(user)) == EXPECTED_PAGES["ledning"]


def open_address(app: AppTest, url_path: str) -> AppTest:
    """Ask for the page at ``/url_path`` as a browser opening that address does:
    Streamlit hashes a page's url_path into the page the session requests
    (``StreamlitPage._script_hash``); AppTest's public ``switch_page`` only
    reaches pages with a script file, and the refusals are functions."""
    app._page_hash = calc_hash(url_path)
    return app.run()


def test_an_address_the_role_does_not_open_shows_the_refusal(engine: Engine) -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.user = provider_user("ledning@kommun.example", "ledning")
    open_address(app, "inkorg")
    assert [title.value for title in app.title] == ["Du har inte behörighet"]
    assert [element.value for element in app.error] == ["Du har inte behörighet att se inkorgen."]


def test_a_deep_link_opens_after_signing_in(engine: Engine) -> None:
    add_lena(engine)
    app = AppTest.from_file(APP, default_timeout=60)
    app.user = {"is_logged_in": False}
    app.query_params["kat"] = "7"
    open_address(app, "avtalstrohet")
    assert [title.value for title in app.title] == ["Logga in"]
    app.text_input[0].input("lena@kommun.example")
    app.text_input[1].input("ett långt lösenord")
    sign_in_button(app).click().run()
    assert not app.exception
    assert [title.value for title in app.title] == ["Avtalstrohet"]
    assert app.query_params.get("kat") == "7"
