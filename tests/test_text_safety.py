"""Text from files and addresses is shown as text (issue 11, point 7), and the
links the app builds carry their values URL-encoded (point 8).

``ui.text.md`` is checked here against a table of payloads and random text:
what it returns holds no Markdown construct any more (no unescaped special
character, nothing GitHub's bare-link rule or Streamlit's emoji and icon
rules could still find), and it reads exactly as written. That it renders so
in Streamlit's own Markdown is shown in Chromium by
``e2e/test_hostile_names_journey.py``; that the pages use it, below with
AppTest on both databases.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from google.protobuf.message import Message
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data_access.access.viewer import system
from data_access.core import clock
from data_access.customers.contacts import ContactInput, add_unit_contact, set_contract_manager
from data_access.customers.needs import NeedInput, new_token, submit_need
from data_access.engine.classification import classify_lines
from tests.app_pages import open_page
from tests.factories import World
from ui import links
from ui.catalogue import contract_link
from ui.format import compact_kronor, integer, kronor, long_date, percent, points, swedish_amount
from ui.mail import mailto_address
from ui.navigation import PAGES
from ui.text import WORD_JOINER, md, md_unescaped

PHISH = "[Logga in här](http://127.0.0.1:9/phish)"
IMAGE = "![i](http://127.0.0.1:9/p.png)"
HTML_IMAGE = "<img src=http://127.0.0.1:9/h.png>"
BARE_LINK = "http://127.0.0.1:9/auto"

# Every payload reads back exactly (line breaks as spaces).
PAYLOADS = [
    PHISH,
    IMAGE,
    HTML_IMAGE,
    BARE_LINK,
    "https://127.0.0.1:9/auto2 och www.example.com",
    "WWW.EXAMPLE.SE/x",
    "eva@example.com",
    "<http://127.0.0.1:9/angle>",
    "[x][1] [1]: http://127.0.0.1:9/ref",
    "[![i](http://127.0.0.1:9/p3.png)](http://127.0.0.1:9/l3)",
    "![i](http://127.0.0.1:9/p2.png 'titel')",
    ":red[röd] :blue-background[x] :material/home: :smile: :streamlit: :+1:",
    "$x^2$ och $$y$$ och 5 $ och $5",
    "**fet** _kursiv_ ~~struken~~ `kod` ==markerad==",
    "# Rubrik",
    "1. lista",
    "- punkt",
    "> citat",
    "a | b | c",
    "[^1] fotnot",
    "AT&amp;T &lt;b&gt; &#58;",
    "a\\b \\* c \\",
    "<script>alert(1)</script><b>x</b>",
    "rad ett\n\nrad två\r\n# rubrik\ttab",
    "Kök & Café (Örebro) AB, 1:a våningen",
]
SPECIAL = set("\\`*_{}[]()<>#+-.!|~$:&=^")


def _unescaped_specials(markdown: str) -> str:
    """The special characters left once every backslash escape is taken out."""
    bare = re.sub(r"\\[!-/:-@\[-`{-~]", "", markdown)
    return "".join(character for character in bare if character in SPECIAL)


def _assert_inert(markdown: str) -> None:
    assert _unescaped_specials(markdown) == "", markdown
    assert "\n" not in markdown and "\r" not in markdown
    seen = markdown.replace("\\", "")  # what a rule on the parsed text would see
    assert not re.search(r"https?://", seen, re.IGNORECASE), markdown  # bare links
    assert not re.search(r"www\.", seen, re.IGNORECASE), markdown
    assert not re.search(r"@[^" + WORD_JOINER + "]", seen), markdown  # bare e-mail addresses
    assert not re.search(r":[^" + WORD_JOINER + "]", seen), markdown  # :smile:, :material/...:


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_becomes_inert_markdown_that_reads_as_written(payload: str) -> None:
    shown = md(payload)
    _assert_inert(shown)
    assert md_unescaped(shown) == re.sub(r"[\r\n\t]+", " ", payload)


def test_the_payloads_lose_what_made_them_dangerous() -> None:
    assert md(PHISH) == (
        "\\[Logga in här\\]\\(http\\:" + WORD_JOINER + "//127\\.0\\.0\\.1\\:" + WORD_JOINER + "9/phish\\)"
    )
    assert md(IMAGE).startswith("\\!\\[i\\]\\(")
    assert md(HTML_IMAGE).startswith("\\<img src\\=")
    assert md("www.example.com") == "www" + WORD_JOINER + "\\.example\\.com"
    assert md("eva@example.com") == "eva@" + WORD_JOINER + "example\\.com"


@given(st.text())
def test_any_text_becomes_inert_and_reads_as_written(text: str) -> None:
    shown = md(text)
    _assert_inert(shown)
    assert md_unescaped(shown) == re.sub(
        r"[\r\n\t\v\f\x00-\x08\x0e-\x1f\x7f\u2028\u2029]+", " ", text.replace(WORD_JOINER, "")
    )


@given(st.text(alphabet=string.printable))
def test_escaping_twice_still_reads_as_the_once_escaped_text(text: str) -> None:
    """A caller that escapes a text already escaped shows backslashes, never markup."""
    _assert_inert(md(md(text)))


@pytest.mark.parametrize(
    "figure",
    [
        kronor(Decimal("1234.5")),
        swedish_amount(Decimal("1234.50")),
        percent(Decimal("2.2")),
        percent(Decimal("-5"), 0),
        points(Decimal("-1.25")),
        compact_kronor(Decimal("12345678")),
        integer(68021),
        long_date(date(2026, 3, 14)),
        "2026-03-14",
        "556036-0793",
    ],
)
def test_figures_the_app_formats_read_the_same_escaped(figure: str) -> None:
    assert md_unescaped(md(figure)) == figure
    assert WORD_JOINER not in md(figure)  # no invisible character in a figure


def test_number_like_values_are_escaped_too() -> None:
    assert md(None) == "None"
    assert md(2026) == "2026"
    assert md("1.") == "1\\."  # not a list item


# --------------------------------------------------------------------------- links (point 8)

AWKWARD_REFERENCES = [
    "ÖK 2024/1",
    "A & B",
    "KS#2?x=1",
    "a/b?c=d&e=f#g",
    "å ä ö + 100 %",
    PHISH,
    "  leading and trailing  ",
]


def _grid_text(link: str, pattern: str) -> str:
    """What the data grid's link column shows for ``link`` with a
    ``display_text`` pattern: the first group, '+' as a space, decoded (as
    Streamlit 1.67's frontend does)."""
    match = re.search(pattern, link)
    assert match, link
    return unquote(match.group(1).replace("+", "%20"))


@pytest.mark.parametrize("reference", AWKWARD_REFERENCES)
def test_the_catalogue_link_carries_the_reference_whole(reference: str) -> None:
    link = contract_link(reference)
    parts = urlsplit(link)
    assert parts.path == "avtal" and not parts.fragment and not parts.netloc, link  # relative, same host
    assert parse_qs(parts.query, keep_blank_values=True) == {"contract": [reference]}
    assert _grid_text(link, r"contract=(.*)$") == reference


@pytest.mark.parametrize("code", ["1001", "U 1&x=2", "a/b#c", "Ö?"])
def test_unit_and_dashboard_links_carry_their_values_whole(code: str) -> None:
    unit = urlsplit(links.unit_page_link(code))
    assert unit.path == "enhet" and parse_qs(unit.query) == {"unit": [code]}
    fidelity = urlsplit(links.fidelity_page_link(kat=3, forv=code))
    assert fidelity.path == "avtalstrohet" and parse_qs(fidelity.query) == {"kat": ["3"], "forv": [code]}
    assert links.page_link("avtal") == "avtal"


@pytest.mark.parametrize(
    "address",
    ["eva@kommun.se", "eva@kommun.se?cc=x@evil.example&body=hej", "a,b@kommun.se", "o'hara+1@kommun.se"],
)
def test_a_mailto_link_writes_to_the_one_address_and_adds_nothing(address: str) -> None:
    link = mailto_address(address, "ÖK 2024/1 & B#2? Städ")
    parts = urlsplit(link)
    assert parts.scheme == "mailto" and unquote(parts.path) == address
    assert parse_qs(parts.query) == {"subject": ["ÖK 2024/1 & B#2? Städ"]}
    assert _grid_text(mailto_address(address), r"^mailto:(.*)$") == address
    assert mailto_address(address).count("?") == 0


# --------------------------------------------------------------------------- the pages (AppTest)

TODAY = date(2026, 11, 15)
DEPARTMENT = "![d](http://127.0.0.1:9/d.png) Förvaltning"
UNIT = IMAGE
CATEGORY = f"{HTML_IMAGE} kök"
ON_SUPPLIER = PHISH
OFF_SUPPLIER = f"{BARE_LINK} AB"
REFERENCE = "ÖK 2024/1 & B#2? [x](http://127.0.0.1:9/ref)"
CONTRACT_NAME = "[Avtal](http://127.0.0.1:9/avtal) :red[röd] $x$"
MANAGER = "www.example.com Eva :material/home:"
CONTACT = "[Kontakt](http://127.0.0.1:9/k) <b>Bo</b>"
# Markdown fields of Streamlit's element protos: what the browser renders as
# Markdown (a select box's options and a code block's text are not).
MARKDOWN_FIELDS = {"body", "label", "help", "placeholder", "delta", "description"}


@pytest.fixture
def hostile(engine: Engine) -> Iterator[dict[str, object]]:
    """A small world whose every name is a payload, written as a file would
    (the importers themselves are exercised in the e2e journey)."""
    with Session(engine) as session:
        world = World(session)
        department = world.department("F9", DEPARTMENT)
        unit = world.unit("U9", department, UNIT)
        category = world.category(CATEGORY)
        account = world.account("4010", category)
        on, off = world.supplier(ON_SUPPLIER), world.supplier(OFF_SUPPLIER)
        contract = world.contract(REFERENCE, category, [on], date(2024, 1, 1), date(2027, 12, 31))
        contract.name = CONTRACT_NAME
        world.line(date(2026, 9, 10), "1000.00", on, account, unit)
        world.line(date(2026, 10, 20), "400.00", off, account, unit)
        classify_lines(session)
        set_contract_manager(
            session,
            contract.id,
            ContactInput(name=MANAGER, email="eva@example.com", phone="019-10 20 30"),
            acting=system("test"),
        )
        contact = ContactInput(name=CONTACT, email="bo@example.com", role="Kock")
        add_unit_contact(session, unit.id, contact, acting=system("test"))
        token = submit_need(
            session,
            NeedInput(text="Mindre förpackningar, tack.", unit_id=unit.id, contract_id=contract.id),
            new_token(),
            acting=system("test"),
        )
        ids = {"department": department.id, "unit": unit.id, "contract": contract.id, "token": token}
        session.commit()
    with clock.frozen(TODAY):
        yield ids


def _strings(message: Message) -> list[str]:
    """Every Markdown field in a proto and the protos inside it."""
    found = []
    for field, value in message.ListFields():
        repeated = not isinstance(value, str | bytes | Message) and hasattr(value, "__iter__")
        values = value if repeated else [value]
        for item in values:
            if isinstance(item, Message):
                found += _strings(item)
            elif isinstance(item, str) and field.name in MARKDOWN_FIELDS:
                found.append(item)
    return found


def rendered_markdown(app: AppTest) -> list[str]:
    """Every text on the page that Streamlit renders as Markdown."""
    texts: list[str] = []
    stack = [app.main, app.sidebar]
    while stack:
        node = stack.pop()
        if getattr(node, "proto", None) is not None:
            texts += _strings(node.proto)
        stack += list(getattr(node, "children", {}).values())
    return texts


def assert_nothing_live(app: AppTest) -> None:
    """No link, image, HTML, bare address or icon from the data: only the
    mailto link the contract page writes on purpose."""
    for text in rendered_markdown(app):
        assert not re.search(r"https?://|www\.|(?<!\\)[<>]", text), text
        assert not re.search(r"(?<!\\)!(?<!\\)\[|(?<!\\)\]\((?!mailto:)", text), text
        assert not re.search(r":(?:material|red|blue)", text), text


def test_the_contract_page_shows_every_name_as_written(hostile: dict[str, object]) -> None:
    app = open_page("pages/contract.py", {"contract": REFERENCE})
    assert app.header[0].value == f"{md(REFERENCE)} {md(CONTRACT_NAME)}"
    texts = rendered_markdown(app)
    assert f"**Kategori**  \n{md(CATEGORY)}" in texts
    assert any(md(ON_SUPPLIER) in text for text in texts)
    assert f"**Avtalsansvarig:** {md(MANAGER)}" in texts
    assert_nothing_live(app)
    app.session_state["buying_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    assert f"**{md(UNIT)}**" in [markdown.value for markdown in app.markdown]
    assert_nothing_live(app)


@pytest.mark.parametrize(
    ("path", "param", "message"),
    [
        ("pages/contract.py", "contract", "Avtalet {} finns inte. Välj ett avtal i listan."),
        ("pages/unit.py", "unit", "Enheten {} finns inte. Välj en enhet i listan."),
    ],
)
def test_a_value_from_the_address_bar_is_shown_as_text(
    hostile: dict[str, object], path: str, param: str, message: str
) -> None:
    for wanted in (PHISH, IMAGE, HTML_IMAGE, BARE_LINK):
        app = open_page(path, {param: wanted})
        assert [error.value for error in app.error] == [message.format(md(wanted))]
        assert_nothing_live(app)


def test_the_unit_page_shows_its_name_and_contact_as_written(hostile: dict[str, object]) -> None:
    app = open_page("pages/unit.py", {"unit": "U9"})
    assert app.header[0].value == md(f"U9 {UNIT}")
    texts = rendered_markdown(app)
    assert f"**{md('Ändra ' + CONTACT)}**" in texts  # the contact form's title
    assert app.button(key="remove_contact").label == f"Ta bort {md(CONTACT)} som kontaktperson"
    assert_nothing_live(app)
    app.button(key="remove_contact").click().run()
    assert app.warning[0].value == f"Vill du ta bort {md(CONTACT)} som kontaktperson för {md(UNIT)}?"
    assert_nothing_live(app)


def test_the_needs_form_and_its_receipt_show_names_as_written(hostile: dict[str, object]) -> None:
    form = open_page("pages/needs.py", {"contract": REFERENCE, "unit": "U9"})
    (box,) = [info.value for info in form.info if info.value.startswith("Avtalsansvarig")]
    manager = f"{md(MANAGER)}, {md('eva@example.com')}, {md('019-10 20 30')}"
    assert box == f"Avtalsansvarig för {md(REFERENCE)}: {manager}"
    assert_nothing_live(form)
    shown = open_page("pages/needs.py", {"kvitto": str(hostile["token"])})
    metrics = {metric.label: metric.value for metric in shown.metric}
    assert md(UNIT) in metrics["Enhet"] and md(REFERENCE) in metrics["Avtal"]
    assert_nothing_live(shown)


def test_the_dashboard_drill_down_and_the_targets_show_names_as_written(hostile: dict[str, object]) -> None:
    app = open_page("pages/fidelity.py")
    app.session_state["departments"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    assert f"Enheter i {md(DEPARTMENT)}" in [heading.value for heading in app.header]
    assert f"**Fakturarader: {md(DEPARTMENT)}**" in [markdown.value for markdown in app.markdown]
    assert_nothing_live(app)
    app.session_state["units"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    assert f"**Fakturarader: {md(UNIT)}**" in [markdown.value for markdown in app.markdown]
    assert_nothing_live(app)
    targets = open_page("pages/targets.py")
    assert targets.text_input(key=f"target_{hostile['department']}").label == f"{md(f'F9 {DEPARTMENT}')} (%)"
    assert_nothing_live(targets)


@pytest.mark.parametrize("page", [spec.path for spec in PAGES])
def test_no_page_renders_a_name_as_markdown(hostile: dict[str, object], page: str) -> None:
    assert_nothing_live(open_page(page))
