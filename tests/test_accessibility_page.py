"""Tillgänglighet (issue 14): the accessibility statement the law requires
is open to everyone, a visitor not signed in too; the sign-in page links to
it, and every page at the foot of its sidebar; it follows DIGG's model
statement and says whom to tell about a barrier
in the admin's own words. The axe-core figures behind it are
``e2e/test_accessibility.py``."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data_access.access import identity
from data_access.core.settings import set_setting
from tests.app_pages import APP, open_page
from ui import accessibility

DIGG_SECTIONS = [
    "Hur tillgänglig är tjänsten?",
    "Vad kan du göra om du inte kan använda delar av tjänsten?",
    "Rapportera brister i tjänstens tillgänglighet",
    "Tillsyn",
    "Teknisk information om tjänstens tillgänglighet",
    "Hur vi testat tjänsten",
]


def _visitor() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.user = {"is_logged_in": False}
    app.run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def _statement_shown(app: AppTest) -> None:
    assert [title.value for title in app.title] == [accessibility.TITLE]
    assert [header.value for header in app.header] == DIGG_SECTIONS
    assert [sub.value for sub in app.subheader] == ["Innehåll som inte är tillgängligt"]
    shown = " ".join(element.value for element in app.markdown)
    assert "lagen (2018:1937) om tillgänglighet till digital offentlig service" in shown
    assert "Myndigheten för digital förvaltning (Digg)" in shown and accessibility.DIGG_REPORT_URL in shown
    assert all(barrier.criterion in shown for barrier in accessibility.KNOWN_BARRIERS)
    assert "axe-core" in shown


def test_the_sign_in_page_links_to_the_statement(engine: Engine) -> None:
    app = _visitor()
    assert [title.value for title in app.title] == ["Logga in"]
    links = [link.proto for link in app.get("page_link")]
    assert [(link.label, link.page) for link in links] == [(accessibility.TITLE, accessibility.URL_PATH)]


def test_a_visitor_reads_the_statement_and_whom_to_tell(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        set_setting(session, identity.ACCESS_CONTACT_SETTING, "Mejla tillganglighet@kommun.example.")
    app = _visitor()
    app.switch_page(accessibility.PATH).run()
    assert not app.exception, [exception.value for exception in app.exception]
    _statement_shown(app)
    assert "Mejla tillganglighet@kommun.example." in [text.value for text in app.text]  # as text


def test_every_page_links_to_it_at_the_foot_of_the_sidebar(engine: Engine) -> None:
    app = open_page("pages/contract_catalogue.py")
    links = [link.proto for link in app.sidebar.get("page_link")]
    assert [(link.label, link.page) for link in links][-1:] == [(accessibility.TITLE, accessibility.URL_PATH)]


def test_a_signed_in_person_reads_it_too(engine: Engine) -> None:
    app = open_page(accessibility.PATH)
    _statement_shown(app)
