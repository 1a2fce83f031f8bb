"""The admin's pages (issue 13): Användare, Inställningar, Granskningslogg,
and the settings behind them.

The settings refuse what they cannot use, in Swedish, and log each change
(never a value that could be personal); only an admin changes them. The
pages run as an admin signed in at the provider: a user added through the
form is listed and in the log, a settings change is logged, the log page
lists its entries; a procurer does not get the admin pages at all.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from data_access.access import accounts, app_settings, audit, identity
from data_access.access.app_settings import SettingError
from data_access.access.roles import AccessDenied
from data_access.access.viewer import Viewer, system, viewer_with
from data_access.cli import main
from data_access.core import clock, config
from data_access.core.db import session_scope
from data_access.core.models import AppSetting, AuditEvent, User
from data_access.importing import upload_limit
from tests.app_pages import APP, open_page, provider_user, signed_in
from tests.factories import World
from tests.test_text_safety import BARE_LINK, DEPARTMENT, HTML_IMAGE, IMAGE, PHISH, assert_nothing_live
from ui.text import md_unescaped

ADMIN = system("admin@kommun.example")
ADMIN_USER = provider_user("admin@kommun.example", "admin")
NOT_ADMINS = [
    viewer_with("l@x.example", ["ledning"]),
    viewer_with("u@x.example", ["upphandlare"]),
    viewer_with("e@x.example", ["enhet"], unit_ids=[1]),
]


@pytest.fixture
def units(engine: Engine) -> Engine:
    with Session(engine) as session:
        world = World(session)
        department = world.department("SOC", "Socialförvaltningen")
        world.unit("1001", department, "Ekbacken")
        world.unit("1002", department, "Solgläntan")
        session.commit()
    return engine


def change(engine: Engine, command: Callable[..., object], *args: object, acting: Viewer = ADMIN) -> object:
    with session_scope(engine, actor=acting.label) as session:
        return command(session, *args, acting=acting)


def logged(engine: Engine, action: str = app_settings.CHANGED) -> list[tuple[str, str | None, str | None]]:
    with Session(engine) as session:
        rows = session.execute(
            select(AuditEvent.actor, AuditEvent.subject, AuditEvent.detail)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def settings(engine: Engine) -> app_settings.AppSettings:
    with Session(engine) as session:
        return app_settings.load_settings(session)


# --------------------------------------------------------------------------- the settings


def test_the_defaults(engine: Engine) -> None:
    assert settings(engine) == app_settings.AppSettings((), None, None, 24)


def test_domains_are_checked_stored_and_logged_by_count(engine: Engine) -> None:
    assert change(engine, app_settings.set_municipal_domains, "Lund.se; @skola.lund.se\nhöör.se") == (
        "lund.se",
        "skola.lund.se",
        "höör.se",
    )
    with Session(engine) as session:
        assert identity.municipal_domains(session) == ("lund.se", "skola.lund.se", "höör.se")
    for refused, words in (
        ("lund", "Ogiltig domän"),
        ("lund.se, gmail.com", "e-posttjänst"),
        ("10.0.0.1", "IP-adress"),
        ("under_streck.se", "Ogiltig domän"),
    ):
        with pytest.raises(SettingError, match=words):
            change(engine, app_settings.set_municipal_domains, refused)
    assert settings(engine).municipal_domains == ("lund.se", "skola.lund.se", "höör.se")
    change(
        engine, app_settings.set_municipal_domains, "lund.se, skola.lund.se, höör.se"
    )  # the same: no change
    change(engine, app_settings.set_municipal_domains, "")
    assert settings(engine).municipal_domains == ()
    assert logged(engine) == [
        ("admin@kommun.example", "setting:municipal_domains", "domains=3"),
        ("admin@kommun.example", "setting:municipal_domains", "domains=0"),
    ]


def test_the_access_contact_is_shown_but_never_logged(engine: Engine) -> None:
    change(engine, app_settings.set_access_contact, "  Eva Ek,\n eva.ek@kommun.example ")
    with Session(engine) as session:
        assert identity.access_contact(session) == "Eva Ek, eva.ek@kommun.example"
    assert logged(engine) == [("admin@kommun.example", "setting:access_contact", "length=29")]
    with pytest.raises(SettingError, match="högst 500 tecken"):
        change(engine, app_settings.set_access_contact, "x" * 501)
    change(engine, app_settings.set_access_contact, "")
    with Session(engine) as session:
        assert identity.access_contact(session) == "Kontakta upphandlingsenheten."


@pytest.mark.parametrize(
    "typed",
    ["avtal.kommun.se", "ftp://avtal.kommun.se", "https://", "https://avtal.kommun.se/?a=1",
     "https://avtal.kommun.se/#x", "https://eva:hemligt@avtal.kommun.se", "https://avtal.kommun.se:port",
     "https://avtal kommun.se", "javascript:alert(1)"],
)  # fmt: skip
def test_a_base_address_that_is_no_web_address_is_refused(engine: Engine, typed: str) -> None:
    with pytest.raises(SettingError, match="Basadressen ska vara en webbadress"):
        change(engine, app_settings.set_base_url, typed)
    assert settings(engine).base_url is None
    assert logged(engine) == []


def test_the_admins_base_address_wins_over_the_environment_and_the_detected_one(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AVTALSFOKUS_BASE_URL", "https://miljo.kommun.se")
    assert change(engine, app_settings.set_base_url, " HTTPS://avtal.kommun.se/avtalsfokus/ ") == (
        "https://avtal.kommun.se/avtalsfokus"
    )
    stored = settings(engine).base_url
    assert config.public_base_url("http://localhost:8501", admin_setting=stored) == (
        "https://avtal.kommun.se/avtalsfokus"
    )
    assert config.public_base_url("http://localhost:8501", admin_setting=None) == "https://miljo.kommun.se"
    assert logged(engine) == [
        ("admin@kommun.example", "setting:public_base_url", "url=https://avtal.kommun.se/avtalsfokus")
    ]
    change(engine, app_settings.set_base_url, "")
    assert settings(engine).base_url is None


def test_a_base_address_written_by_hand_into_the_table_is_not_trusted(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(AppSetting(key=app_settings.BASE_URL_SETTING, value="javascript:alert(1)"))
    assert settings(engine).base_url is None


def test_the_retention_months(engine: Engine) -> None:
    for refused in ("0", "121", "tolv", "1.5", -3):
        with pytest.raises(SettingError, match="mellan 1 och 120"):
            change(engine, app_settings.set_retention_months, refused)
    assert change(engine, app_settings.set_retention_months, " 36 ") == 36
    assert settings(engine).retention_months == 36
    assert logged(engine) == [("admin@kommun.example", "setting:audit_retention_months", "months=36")]
    with session_scope(engine) as session:
        session.get(AppSetting, app_settings.RETENTION_SETTING).value = "9999"  # type: ignore[union-attr]
    assert settings(engine).retention_months == 24  # out of range: the default


def test_purge_without_months_uses_the_retention_setting(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    with clock.frozen(datetime(2027, 6, 1).date()):
        for moment in (datetime(2025, 5, 1), datetime(2026, 5, 1), datetime(2027, 5, 1)):
            with session_scope(engine) as session:
                session.add(AuditEvent(at=moment, actor="Anna", action="export"))
        out = io.StringIO()
        assert main(["audit", "purge"], out=out) == 0  # 24 months: only the one from 2025 goes
        assert out.getvalue().startswith("Removed 1 audit entries older than 24 months")
        change(engine, app_settings.set_retention_months, 6)
        out = io.StringIO()
        assert main(["audit", "purge"], out=out) == 0
        assert out.getvalue().startswith("Removed 1 audit entries older than 6 months")
    with Session(engine) as session:
        left = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert left == ["export", "audit_purged", "setting_changed", "audit_purged"]


SETTING_CHANGES: dict[str, Callable[[Session, Viewer], object]] = {
    "set_municipal_domains": lambda s, v: app_settings.set_municipal_domains(s, "lund.se", acting=v),
    "set_access_contact": lambda s, v: app_settings.set_access_contact(s, "Ring växeln", acting=v),
    "set_base_url": lambda s, v: app_settings.set_base_url(s, "https://avtal.lund.se", acting=v),
    "set_retention_months": lambda s, v: app_settings.set_retention_months(s, 12, acting=v),
    "set_upload_limit": lambda s, v: upload_limit.set_upload_limit(s, 50, acting=v),
}


def everything(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as connection:
        return tuple(
            tuple(connection.execute(select(table)).all())
            for table in (AppSetting.__table__, AuditEvent.__table__)
        )


@pytest.mark.parametrize("name", sorted(SETTING_CHANGES))
def test_only_an_admin_changes_a_setting(engine: Engine, name: str) -> None:
    before = everything(engine)
    for viewer in NOT_ADMINS:
        with pytest.raises(AccessDenied, match="ändra inställningar"), session_scope(engine) as session:
            SETTING_CHANGES[name](session, viewer)
    assert everything(engine) == before
    with session_scope(engine) as session:
        SETTING_CHANGES[name](session, viewer_with("a@x.example", ["admin"]))
    assert everything(engine) != before


# --------------------------------------------------------------------------- the pages


def admin_page(path: str) -> AppTest:
    return open_page(path, user=ADMIN_USER)


def button(app: AppTest, label: str) -> Button:
    (found,) = [widget for widget in app.button if widget.label == label]
    return found


def test_an_admin_adds_a_user_through_the_form_and_sees_it_listed_and_logged(units: Engine) -> None:
    app = admin_page("pages/users.py")
    assert any("kontaktperson för en enhet" in caption.value for caption in app.caption)
    app.text_input(key="add_email_0").input("Eva.Ek@Kommun.example")
    app.text_input(key="add_name_0").input("Eva Ek")
    app.multiselect(key="add_roles_0").select("enhet").select("ledning")
    app.multiselect(key="add_units_0").select("1002")
    button(app, "Lägg till").click().run()
    assert not app.exception and not app.error, [error.value for error in app.error]
    assert [md_unescaped(success.value) for success in app.success] == [
        "eva.ek@kommun.example är tillagd (ledning, enhet)."
    ]
    table = app.dataframe[0].value
    assert table.to_dict("records") == [
        {
            "E-post": "eva.ek@kommun.example",
            "Namn": "Eva Ek",
            "Roller": "ledning, enhet",
            "Enheter": "1002",
            "Avstängd": False,
            "Lokalt lösenord": False,
        }
    ]
    assert app.text_input(key="add_email_1").value == ""  # the form starts afresh
    (entry,) = logged(units, accounts.USER_ADDED)
    assert entry[0] == "admin@kommun.example" and entry[2] == "roles=ledning,enhet units=1 password=no"

    log_page = admin_page("pages/audit_log.py")
    shown = log_page.dataframe[0].value
    added = shown[shown["Händelse"] == "Användare tillagd"]
    assert list(added["Vem"]) == ["admin@kommun.example"]
    assert list(added["Gäller"]) == [f"användare {entry[1].split(':')[1]}"]  # type: ignore[union-attr]


def test_a_refused_user_keeps_what_was_typed(units: Engine) -> None:
    app = admin_page("pages/users.py")
    app.text_input(key="add_email_0").input("Eva Ek")
    app.text_input(key="add_name_0").input("Eva Ek")
    app.multiselect(key="add_roles_0").select("enhet")
    button(app, "Lägg till").click().run()
    assert md_unescaped(next(error.value for error in app.error)).startswith(
        "Användaren lades inte till: Ogiltig e-postadress"
    )
    assert app.text_input(key="add_email_0").value == "Eva Ek"
    assert app.multiselect(key="add_roles_0").value == ["enhet"]
    with Session(units) as session:
        assert accounts.list_users(session, acting=ADMIN) == []


def test_an_admin_changes_roles_and_units_and_disables_a_user(units: Engine) -> None:
    with session_scope(units) as session:
        user_id = accounts.add_user(session, "bo@kommun.example", roles=("ledning",), acting=ADMIN).id
    app = admin_page("pages/users.py")
    app.multiselect(key=f"change_roles_{user_id}").select("enhet")
    button(app, "Spara roller och enheter").click().run()
    assert md_unescaped(next(error.value for error in app.error)).startswith(
        "Ändringen sparades inte: En användare med rollen enhet"
    )
    app.multiselect(key=f"change_units_{user_id}").select("1001")
    button(app, "Spara roller och enheter").click().run()
    assert not app.error
    assert app.dataframe[0].value.iloc[0]["Enheter"] == "1001"
    button(app, "Stäng av").click().run()
    assert bool(app.dataframe[0].value.iloc[0]["Avstängd"]) is True
    button(app, "Släpp in igen").click().run()
    assert bool(app.dataframe[0].value.iloc[0]["Avstängd"]) is False
    assert [detail for _, _, detail in logged(units, accounts.USER_CHANGED)] == [
        "roles=ledning,enhet units=1",
        "enabled",
    ]
    assert len(logged(units, accounts.USER_DISABLED)) == 1


def test_an_admin_sets_a_local_password(units: Engine) -> None:
    with session_scope(units) as session:
        user_id = accounts.add_user(session, "bo@kommun.example", roles=("ledning",), acting=ADMIN).id
    app = admin_page("pages/users.py")
    app.text_input(key=f"password_{user_id}_new").input("kort")
    app.button(key=f"save_password_{user_id}").click().run()
    assert md_unescaped(app.error[0].value) == "Lösenordet byttes inte: Lösenordet måste ha minst 10 tecken."
    app.text_input(key=f"password_{user_id}_new").input("ett-långt-lösenord")
    app.button(key=f"save_password_{user_id}").click().run()
    assert not app.error
    assert app.dataframe[0].value.iloc[0]["Lokalt lösenord"]
    assert [detail for _, _, detail in logged(units, accounts.USER_CHANGED)] == ["password"]
    with session_scope(units) as session:
        assert isinstance(accounts.authenticate(session, "bo@kommun.example", "ett-långt-lösenord"), User)


def test_a_settings_change_is_logged_and_shown(engine: Engine) -> None:
    app = admin_page("pages/settings.py")
    assert [link.label for link in app.main.get("page_link")] == [
        "Mål för avtalstroheten",
        "Direktupphandlingsgränsen",
    ]
    app.text_input(key="setting_base_url").input("avtal.kommun.se")
    app.button(key="save_base_url").click().run()
    assert md_unescaped(next(error.value for error in app.error)).startswith("Basadressen sparades inte")
    assert app.text_input(key="setting_base_url").value == "avtal.kommun.se"  # kept as typed

    app.text_input(key="setting_base_url").input("https://avtal.kommun.se/")
    app.button(key="save_base_url").click().run()
    assert not app.error
    assert [success.value for success in app.success] == ["Basadressen är sparad."]
    assert [code.value for code in app.code] == ["https://avtal.kommun.se"]
    assert logged(engine) == [
        ("admin@kommun.example", "setting:public_base_url", "url=https://avtal.kommun.se")
    ]

    app.text_area(key="setting_domains").input("kommun.example")
    app.button(key="save_access").click().run()
    app.number_input(key="setting_retention").set_value(12)
    app.button(key="save_retention").click().run()
    app.number_input(key="setting_upload_mb").set_value(50)
    app.button(key="save_upload").click().run()
    assert not app.error
    assert [subject for _, subject, _ in logged(engine)] == [
        "setting:public_base_url",
        "setting:municipal_domains",  # the contact did not change: not logged
        "setting:audit_retention_months",
        "setting:upload_limit_mb",
    ]
    current = settings(engine)
    assert (current.municipal_domains, current.retention_months) == (("kommun.example",), 12)


def test_the_links_follow_the_admins_base_address_before_the_environment(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AVTALSFOKUS_BASE_URL", "https://miljo.kommun.example")
    app = open_page("pages/settings.py", user=ADMIN_USER, url="http://127.0.0.1:8501/installningar")
    assert [code.value for code in app.code] == ["https://miljo.kommun.example"]
    app.text_input(key="setting_base_url").input("https://avtal.kommun.example/af")
    app.button(key="save_base_url").click().run()
    # The cache saw the change:
    assert [code.value for code in app.code] == ["https://avtal.kommun.example/af"]
    assert any("(inställningen här)" in caption.value for caption in app.caption)


def test_the_audit_page_lists_and_filters_the_entries(engine: Engine) -> None:
    with clock.frozen(datetime(2026, 3, 14).date()):
        for moment, actor, action, subject in (
            (datetime(2023, 1, 2, 8, 0), "gammal@kommun.example", "export", "contract:7"),
            (datetime(2026, 3, 14, 10, 15), "eva@kommun.example", "export", "contract:7"),
            (
                datetime(2026, 3, 14, 10, 16),
                "bo@kommun.example",
                "setting_changed",
                "setting:upload_limit_mb",
            ),
            (datetime(2026, 3, 14, 10, 17), "bo@kommun.example", "something_new", None),
        ):
            with session_scope(engine) as session:
                session.add(
                    AuditEvent(at=moment, actor=actor, action=action, subject=subject, detail="rows=3")
                )
        app = open_page("pages/audit_log.py", user=ADMIN_USER, today=datetime(2026, 3, 14).date())
        table = app.dataframe[0].value
        rows = table.to_dict("records")
        by_actor = {row["Vem"]: row for row in rows}
        assert by_actor["eva@kommun.example"] == {
            "Tid": "2026-03-14 10:15",
            "Vem": "eva@kommun.example",
            "Händelse": "Nedladdning med personuppgifter",
            "Gäller": "avtal 7",
            "Detaljer": "rows=3",
        }
        assert [row["Händelse"] for row in rows if row["Vem"] == "bo@kommun.example"] == [
            "something_new",  # an action without Swedish words yet is shown as stored
            "Inställning ändrad",
        ]
        assert any("1 post är äldre" in markdown.value for markdown in app.markdown)

        app.selectbox(key="audit_action").select("export").run()
        assert set(app.dataframe[0].value["Vem"]) == {"eva@kommun.example", "gammal@kommun.example"}
        app.selectbox(key="audit_actor").select("eva@kommun.example").run()
        assert list(app.dataframe[0].value["Vem"]) == ["eva@kommun.example"]

        app.button(key="audit_purge").click().run()
        assert [success.value for success in app.success] == ["1 post togs bort."]
    with Session(engine) as session:
        assert session.scalar(select(AuditEvent.detail).where(AuditEvent.action == audit.PURGED)) == (
            "months=24 removed=1"
        )


def test_a_procurer_does_not_get_the_admin_pages(engine: Engine) -> None:
    app = signed_in(
        AppTest.from_file(APP, default_timeout=60), provider_user("u@kommun.example", "upphandlare")
    )
    app.run()
    for path in ("pages/users.py", "pages/settings.py", "pages/audit_log.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(path)


def test_names_from_the_database_are_shown_as_written(engine: Engine) -> None:
    with session_scope(engine) as session:
        world = World(session)
        world.unit("1001", world.department(name=DEPARTMENT), IMAGE)
        session.flush()
        accounts.add_user(
            session,
            "eva@kommun.example",
            roles=("enhet",),
            unit_codes=("1001",),
            display_name=PHISH,
            acting=ADMIN,
        )
        audit.record(session, "export", BARE_LINK, HTML_IMAGE, actor="eva@kommun.example")
        app_settings.set_access_contact(session, PHISH, acting=ADMIN)
    users = admin_page("pages/users.py")
    assert users.dataframe[0].value.iloc[0]["Namn"] == PHISH  # a cell of text
    for app in (users, admin_page("pages/audit_log.py")):
        assert_nothing_live(app)
    settings_page = admin_page("pages/settings.py")
    assert PHISH in [text.value for text in settings_page.text]  # st.text: plain text, no Markdown
    assert not [markdown for markdown in settings_page.markdown if "phish" in markdown.value]
    users.text_input(key="add_email_0").input("bo@kommun.example")
    users.text_input(key="add_name_0").input(PHISH)
    users.multiselect(key="add_roles_0").select("ledning")
    button(users, "Lägg till").click().run()
    assert not users.error
    assert_nothing_live(users)
