"""The contract page and Vem köper vad, as a procurer uses them: who buys,
written the Swedish way and with nothing raw on screen; unit names that open
the unit page; messages in blind copy to the group chosen, in batches that
fit a mail client; links to send that point where the app is reached; and a
saved contract manager that says so.

The fixture (last 12 full months: Nov 2025 - Oct 2026):

    LIV-1 covers Livsmedel with Menigo.
    U1 Ekbacken (SOC): Menigo 1 000 + 100 on contract; ICA 250 off
    U2 Björken (UTB): Menigo 500 on contract; ICA 750 off
    U3 Granen (UTB): ICA 300 off, never on contract
    SOC without a unit: ICA 40 off
    Contacts: Anna (U1, no phone), Bo (U2), Cilla and 110 cooks (U3)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from data_access.access.viewer import system
from data_access.customers.contacts import ContactInput, add_unit_contact
from data_access.customers.contract_buyers import Contact
from data_access.engine.classification import classify_lines
from tests.app_pages import open_page
from tests.factories import World
from tests.worlds import add_buyer_contacts, livsmedel_buyers
from ui.mail import MAILTO_LIMIT
from ui.reach import CONTRACT_WORDING, Group, contact_rows, contacts_in_group
from ui.text import md

NBSP = "\u00a0"
RAW = ("None", "none", "nan", "NaN", "NaT", "empty", "<NA>")
COOKS = [f"kock.nummer{number}@granen.exempel.se" for number in range(110)]


@pytest.fixture
def buyers(engine: Engine) -> Iterator[dict[str, int]]:
    with Session(engine) as session:
        world = World(session)
        made = livsmedel_buyers(world)
        world.line(date(2026, 9, 1), "40.00", made.other, made.account, department=made.soc)  # without a unit
        classify_lines(session)
        add_buyer_contacts(session, made)
        for number, email in enumerate(COOKS):
            add_unit_contact(
                session,
                made.u3.id,
                ContactInput(name=f"Kock {number:03d}", email=email, role="Kock"),
                acting=system("test"),
            )
        ids = {
            "contract": made.contract.id,
            "u1": made.u1.id,
            "u2": made.u2.id,
            "u3": made.u3.id,
            "soc": made.soc.id,
            "food": made.food.id,
        }
        session.commit()
    yield ids


def contract_page(url: str | None = None) -> AppTest:
    return open_page("pages/contract.py", query={"contract": "LIV-1"}, url=url)


def shown(frame) -> pd.DataFrame:
    """A table as the grid shows it: the Styler's text where there is one."""
    display = frame.proto.arrow_data.styler.display_values
    return convert_arrow_bytes_to_pandas_df(display) if display else frame.value


def table(app: AppTest, key: str):
    (found,) = [frame for frame in app.dataframe if frame.key == key]
    return found


def mail_buttons(app: AppTest) -> list[tuple[str, str]]:
    return [(button.proto.label, button.proto.url) for button in app.get("link_button")]


def bcc(link: str) -> list[str]:
    parts = urlsplit(link)
    assert parts.scheme == "mailto" and parts.path == "", link  # nobody in To
    return parse_qs(parts.query)["bcc"][0].split(",")


def visible_text(app: AppTest) -> list[str]:
    """Every text the page shows outside its tables."""
    texts = [
        element.value for kind in ("markdown", "caption", "code", "header") for element in app.get(kind)
    ]
    return texts + [str(metric.value) for metric in app.metric]


def assert_nothing_raw(values: list[str]) -> None:
    for value in values:
        words = str(value).replace("(", " ").replace(")", " ").split()
        assert not any(word in RAW for word in words), value


def test_buyer_tables_lead_with_unit_amount_share_and_last_purchase(buyers: dict[str, int]) -> None:
    app = contract_page()
    buying, losing = table(app, "buying_table"), table(app, "losing_table")
    for frame in (buying, losing):
        assert list(frame.value.columns[:4]) == ["Enhet", "Belopp", "Andel", "Senaste köp"]
    on_screen = shown(buying)
    assert list(on_screen["Enhet"]) == ["Ekbacken", "Björken"]
    assert list(on_screen["Belopp"]) == [f"1{NBSP}100{NBSP}kr", f"500{NBSP}kr"]
    assert list(on_screen["Andel"]) == [f"68,8{NBSP}%", f"31,2{NBSP}%"]  # of 1 600, half to even
    # The names open the unit page, relative to the page (any host, any path prefix).
    assert list(buying.value["Enhet"]) == ["enhet?unit=U1", "enhet?unit=U2"]
    assert list(buying.value["Senaste köp"]) == [date(2026, 10, 31), date(2026, 5, 10)]

    elsewhere = shown(losing)
    assert list(elsewhere["Enhet"]) == ["Björken", "Granen", "Ekbacken", "Socialförvaltningen (utan enhet)"]
    labels = [markdown.value for markdown in app.markdown]
    assert "**Köper på avtalet** (2 enheter)" in labels
    assert "**Köper i kategorin utanför avtalet** (4 enheter)" in labels
    assert list(elsewhere["Belopp"])[-1] == f"40{NBSP}kr"
    # The lines without a unit lead to their department's spend in the category.
    assert losing.value["Enhet"].iloc[-1] == f"avtalstrohet?kat={buyers['food']}&forv={buyers['soc']}"
    # Stacked, not side by side: neither table sits in a column of its own.
    for column in app.columns:
        assert not [
            frame for frame in column.get("dataframe") if frame.key in {"buying_table", "losing_table"}
        ]


def test_nothing_raw_on_the_contract_page(buyers: dict[str, int]) -> None:
    app = contract_page()
    for frame in app.dataframe:
        on_screen = shown(frame)
        assert_nothing_raw([str(value) for column in on_screen.columns for value in on_screen[column]])
        assert not on_screen.isna().any().any(), on_screen
    assert_nothing_raw(visible_text(app))
    contacts = shown(app.dataframe[2])
    assert contacts.set_index("Namn").loc["Anna Ek", "Telefon"] == "–"


def test_a_chosen_row_is_shown_in_full_with_a_link_to_the_unit(buyers: dict[str, int]) -> None:
    app = contract_page()
    app.session_state["losing_table"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    app.run()
    assert not app.exception
    details = [markdown.value for markdown in app.markdown]
    assert "**Granen**" in details
    assert any("Leverantörer: ICA" in text and "Senaste köp: 2026\\-08\\-01" in text for text in details)
    (link,) = app.main.get("page_link")
    assert (link.proto.label, link.proto.page, link.proto.query_string) == (
        "Öppna enhetens sida",
        "enhet",
        "unit=U3",
    )


def test_write_to_the_chosen_group_in_blind_copy_batches(buyers: dict[str, int]) -> None:
    app = contract_page()
    group = app.radio(key="contacts_group")
    assert group.value == Group.BOTH
    assert group.options == [
        "Köper på avtalet (2 personer)",
        "Köper utanför avtalet (113 personer)",
        "Båda (113 personer)",
    ]
    everyone = [
        "bo@exempel.se",
        "anna@exempel.se",
        "cilla@exempel.se",
        *COOKS,
    ]  # by unit: Björken, Ekbacken, Granen
    buttons = mail_buttons(app)
    assert len(buttons) > 1  # 113 addresses do not fit in one link
    assert [label for label, _ in buttons] == [
        f"Skriv till grupp {n} av {len(buttons)}" for n in range(1, len(buttons) + 1)
    ]
    assert all(len(link) <= MAILTO_LIMIT for _, link in buttons)
    assert [address for _, link in buttons for address in bcc(link)] == everyone
    assert {parse_qs(urlsplit(link).query)["subject"][0] for _, link in buttons} == {"LIV-1 Avtal LIV-1"}
    assert app.code[1].value == "; ".join(everyone)

    group.set_value(Group.ON).run()
    (button,) = mail_buttons(app)
    assert button[0] == "Skriv till alla" and bcc(button[1]) == ["bo@exempel.se", "anna@exempel.se"]
    assert app.code[1].value == "bo@exempel.se; anna@exempel.se"
    assert list(shown(app.dataframe[2])["Namn"]) == ["Bo Björk", "Anna Ek"]  # the table follows the group

    app.radio(key="contacts_group").set_value(Group.OFF).run()
    assert "cilla@exempel.se" in app.code[1].value and len(mail_buttons(app)) == len(buttons)


def test_the_contact_list_follows_the_group() -> None:
    contacts = [
        Contact(1, "Ekbacken", 10, "Anna Ek", "Kock", "anna@exempel.se", None),
        Contact(2, "Björken", 11, "Bo Björk", "", None, "019-10"),
        Contact(3, "Granen", 12, "Cilla Gran", "Kock", "cilla@exempel.se", "019-40"),
    ]
    on, off = {1, 2}, {1, 3}
    assert [c.name for c in contacts_in_group(contacts, on, off, Group.ON)] == ["Anna Ek", "Bo Björk"]
    assert [c.name for c in contacts_in_group(contacts, on, off, Group.OFF)] == ["Anna Ek", "Cilla Gran"]
    assert len(contacts_in_group(contacts, on, off, Group.BOTH)) == 3
    assert contact_rows(contacts, on, off, CONTRACT_WORDING) == [
        ("Ekbacken", "Anna Ek", "Kock", "anna@exempel.se", "–", "på avtalet och utanför"),
        ("Björken", "Bo Björk", "–", "–", "019-10", "på avtalet"),
        ("Granen", "Cilla Gran", "Kock", "cilla@exempel.se", "019-40", "utanför avtalet"),
    ]


def test_the_needs_link_points_where_the_app_is_reached(buyers: dict[str, int]) -> None:
    app = contract_page(url="https://intra.kommun.example/avtalsfokus/avtal")
    assert app.code[0].value == "https://intra.kommun.example/avtalsfokus/behov?contract=LIV-1"
    assert not app.warning


def test_a_link_to_localhost_warns_the_procurer(buyers: dict[str, int]) -> None:
    for url in (None, "http://127.0.0.1:8641/avtal"):
        app = contract_page(url=url)
        assert app.code[0].value.endswith("/behov?contract=LIV-1")
        assert app.code[0].value.startswith(("http://localhost:8501", "http://127.0.0.1:8641"))
        assert any("bara fungerar på den här datorn" in warning.value for warning in app.warning)


def test_the_configured_address_wins(buyers: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVTALSFOKUS_BASE_URL", "https://avtal.kommun.example")
    app = contract_page(url="http://127.0.0.1:8641/avtal")
    assert app.code[0].value == "https://avtal.kommun.example/behov?contract=LIV-1"
    assert not app.warning


def test_the_receipt_link_points_where_the_app_is_reached(buyers: dict[str, int]) -> None:
    app = open_page(
        "pages/needs.py", query={"contract": "LIV-1", "unit": "U1"}, url="https://intra.kommun.example/behov"
    )
    app.text_area(key="need_text").input("Vi behöver mindre förpackningar av mjölk.")
    app.button(key="FormSubmitter:need_form-Skicka").click().run()
    assert any("Tack!" in success.value for success in app.success)
    assert app.code[0].value.startswith("https://intra.kommun.example/behov?kvitto=")


def test_saving_the_contract_manager_says_so(buyers: dict[str, int]) -> None:
    app = contract_page()
    form = f"manager_{buyers['contract']}"
    app.text_input(key=f"{form}_name").input("Eva Avtal")
    app.text_input(key=f"{form}_email").input("eva.avtalsansvarig@exempel.se")
    app.button(key=f"FormSubmitter:{form}-Spara").click().run()
    assert [success.value for success in app.success] == ["Avtalsansvarig sparad: Eva Avtal."]
    assert [toast.value for toast in app.toast] == ["Avtalsansvarig sparad: Eva Avtal."]
    # On a line of its own, in parts that wrap as wholes (name, address, phone):
    # the address is one link that no line break cuts.
    manager = app.container("contract_manager")
    parts = [markdown.proto.body for markdown in manager.get("markdown")]
    assert parts == [
        "**Avtalsansvarig:** Eva Avtal",
        f"[{md('eva.avtalsansvarig@exempel.se')}](mailto:eva.avtalsansvarig@exempel.se)",
    ]
    assert all(not markdown.proto.wrap for markdown in manager.get("markdown"))
    for column in app.columns:
        assert not [markdown for markdown in column.get("markdown") if "Avtalsansvarig" in markdown.value]
    app.run()
    assert not app.success  # said once


def test_vem_koper_vad_links_units_and_reaches_them(buyers: dict[str, int]) -> None:
    app = open_page("pages/category_buyers.py")
    off, on = table(app, "category_off_table"), table(app, "category_on_table")
    assert list(shown(off)["Enhet"]) == [
        "Björken",
        "Granen",
        "Ekbacken",
        "Utan enhet (bokfört direkt på förvaltning)",
    ]
    assert list(off.value["Enhet"])[:3] == ["enhet?unit=U2", "enhet?unit=U3", "enhet?unit=U1"]
    assert list(shown(on)["Avtalat"]) == [f"1{NBSP}100{NBSP}kr", f"500{NBSP}kr"]
    for frame in app.dataframe:
        on_screen = shown(frame)
        assert_nothing_raw([str(value) for column in on_screen.columns for value in on_screen[column]])
    assert_nothing_raw(visible_text(app))
    suppliers = shown(app.dataframe[-1])
    assert all(len(number) == 11 and number[6] == "-" for number in suppliers["Org.nr"])

    assert [button.label for button in app.get("download_button")] == [
        "Ladda ner köparna utanför avtal som Excel",
        "Ladda ner köparna på avtal som Excel",
        "Ladda ner kontaktlistan",
        "Ladda ner leverantörerna som Excel",
    ]
    assert len(mail_buttons(app)) > 1  # everyone, in batches
    app.radio(key="category_contacts_group").set_value(Group.ON).run()
    (button,) = mail_buttons(app)
    assert bcc(button[1]) == ["bo@exempel.se", "anna@exempel.se"]
    assert parse_qs(urlsplit(button[1]).query)["subject"] == ["Livsmedel"]


def test_a_link_to_another_record_of_the_same_page_opens_that_record(buyers: dict[str, int]) -> None:
    """Within one session, ``/enhet?unit=U1`` and then a link to ``/enhet?unit=U2``
    shows U2: the address wins whenever it changed, not only the first time."""
    app = open_page("pages/unit.py", {"unit": "U1"})
    assert app.selectbox(key="unit_choice").value == "U1"
    app.query_params["unit"] = "U2"
    app.run()
    assert not app.exception
    assert app.selectbox(key="unit_choice").value == "U2"
    app.selectbox(key="unit_choice").set_value("U3").run()  # choosing in the select still works
    assert app.query_params["unit"] == "U3"
    assert app.selectbox(key="unit_choice").value == "U3"
