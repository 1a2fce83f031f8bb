"""Messages to many units (``ui.mail``), the base address of links people
are sent (``data_access.core.config``) and the links themselves
(``ui.links``): plain functions, tested directly."""

from __future__ import annotations

from itertools import pairwise
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data_access.core import config
from ui import links
from ui.mail import MAILTO_LIMIT, mailto_batches, mailto_link, outlook_line, unique_addresses
from ui.navigation import PAGES

PAGE_PATHS = [page.url_path for page in PAGES]


def bcc_of(link: str) -> list[str]:
    """The blind-copy addresses of a mailto link, decoded, and nothing in To."""
    parts = urlsplit(link)
    assert parts.scheme == "mailto" and parts.path == "", link  # no visible recipient
    query = parse_qs(parts.query, keep_blank_values=True)
    assert set(query) == {"bcc", "subject"}, query
    return query["bcc"][0].split(",")  # parse_qs decodes (and would read a bare "+" as a space)


def subject_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["subject"][0]


def addresses(count: int, domain: str = "demokommun.example") -> list[str]:
    return [f"person.nummer{number}@{domain}" for number in range(count)]


def test_365_addresses_become_numbered_batches_that_each_fit() -> None:
    many = addresses(365)
    batches = mailto_batches(many, "KS-2024-004 Frukt och grönt")
    assert 1 < len(batches) < 10
    assert [batch.label for batch in batches] == [
        f"Skriv till grupp {number} av {len(batches)}" for number in range(1, len(batches) + 1)
    ]
    assert all(len(batch.link) <= MAILTO_LIMIT for batch in batches)
    sent = [address for batch in batches for address in bcc_of(batch.link)]
    assert sent == many  # every address exactly once, in order
    assert [address for batch in batches for address in batch.addresses] == many
    assert {subject_of(batch.link) for batch in batches} == {"KS-2024-004 Frukt och grönt"}
    # As full as the limit allows: one more address would not have fitted.
    for batch, following in pairwise(batches):
        assert len(mailto_link([*batch.addresses, following.addresses[0]], "KS-2024-004 Frukt och grönt")) > (
            MAILTO_LIMIT
        )


def test_a_short_list_is_one_message_to_all_in_bcc() -> None:
    (batch,) = mailto_batches(["bo@exempel.se", "anna@exempel.se"], "LIV-1 Livsmedel")
    assert batch.label == "Skriv till alla"
    assert batch.link == "mailto:?bcc=bo@exempel.se,anna@exempel.se&subject=LIV-1%20Livsmedel"
    assert mailto_batches([], "LIV-1") == []


def test_addresses_and_subject_are_percent_encoded() -> None:
    (batch,) = mailto_batches(["anna+kök@exempel.se", "o'brien@exempel.se"], "Avtal 5 & 6: frukt/grönt?")
    recipients = batch.link.removeprefix("mailto:?bcc=").split("&subject=")[0]
    assert recipients == "anna%2Bk%C3%B6k@exempel.se,o%27brien@exempel.se"  # "+" is not left to mean a space
    assert batch.link.endswith("&subject=Avtal%205%20%26%206%3A%20frukt%2Fgr%C3%B6nt%3F")
    assert bcc_of(batch.link) == ["anna+kök@exempel.se", "o'brien@exempel.se"]
    assert subject_of(batch.link) == "Avtal 5 & 6: frukt/grönt?"


def test_a_subject_too_long_for_any_link_is_shortened() -> None:
    (batch,) = mailto_batches(["anna@exempel.se"], "Ö" * 2_000)
    assert len(batch.link) <= MAILTO_LIMIT
    assert subject_of(batch.link).endswith("…") and subject_of(batch.link).startswith("ÖÖÖ")


def test_each_address_once_ignoring_case_and_blanks() -> None:
    listed = unique_addresses(
        ["Anna@Exempel.se", None, "", " bo@exempel.se ", "anna@exempel.se", "bo@exempel.se"]
    )
    assert listed == ["Anna@Exempel.se", "bo@exempel.se"]
    assert outlook_line(listed) == "Anna@Exempel.se; bo@exempel.se"


local_part = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäö0123456789.+-_'", min_size=1, max_size=40)


@given(
    st.lists(st.tuples(local_part, st.sampled_from(["exempel.se", "kommun.example", "ö.se"])), max_size=300),
    st.text(max_size=120),
    st.integers(min_value=300, max_value=3_000),
)
def test_batches_hold_every_address_once_and_stay_under_any_limit(
    parts: list[tuple[str, str]], subject: str, limit: int
) -> None:
    wanted = unique_addresses(f"{local}@{domain}" for local, domain in parts)
    batches = mailto_batches(wanted, subject, limit=limit)
    assert [address for batch in batches for address in bcc_of(batch.link)] == wanted
    assert all(len(batch.link) <= limit for batch in batches)
    assert all(batch.total == len(batches) for batch in batches)
    assert all(" " not in batch.link and "\n" not in batch.link for batch in batches)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://avtal.kommun.se/avtal", "https://avtal.kommun.se"),
        ("https://avtal.kommun.se/avtal/", "https://avtal.kommun.se"),
        ("https://intra.kommun.se/avtalsfokus/avtal", "https://intra.kommun.se/avtalsfokus"),
        ("https://intra.kommun.se/avtalsfokus", "https://intra.kommun.se/avtalsfokus"),
        ("http://10.0.0.5:8501/behov", "http://10.0.0.5:8501"),
        ("http://10.0.0.5:8501", "http://10.0.0.5:8501"),
        ("http://10.0.0.5:8501/vem-koper-vad", "http://10.0.0.5:8501"),
        ("", None),
        (None, None),
        ("inte en adress", None),
    ],
)
def test_the_base_address_from_the_browsers_address(url: str | None, expected: str | None) -> None:
    assert config.base_from_page_url(url, PAGE_PATHS) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Host": "avtal.kommun.se"}, "http://avtal.kommun.se"),
        ({"Host": "avtal.kommun.se", "Origin": "https://avtal.kommun.se"}, "https://avtal.kommun.se"),
        (
            {"Host": "127.0.0.1:8501", "X-Forwarded-Host": "avtal.kommun.se", "X-Forwarded-Proto": "https"},
            "https://avtal.kommun.se",
        ),
        (
            {
                "host": "app:8501",
                "x-forwarded-host": "intra.se, proxy",
                "x-forwarded-prefix": "/avtalsfokus/",
            },
            "http://intra.se/avtalsfokus",
        ),
        ({}, None),
    ],
)
def test_the_base_address_from_the_request_headers(headers: dict[str, str], expected: str | None) -> None:
    assert config.base_from_headers(headers) == expected


def test_the_setting_beats_the_detected_address(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(config, "SECRETS_FILE", tmp_path / "no-secrets.toml")
    monkeypatch.delenv("AVTALSFOKUS_BASE_URL", raising=False)
    assert config.public_base_url() == "http://localhost:8501"
    assert config.public_base_url("https://intra.se/avtalsfokus/") == "https://intra.se/avtalsfokus"
    assert links.receipt_link("abc-_1", base_url="https://intra.se") == "https://intra.se/behov?kvitto=abc-_1"
    monkeypatch.setenv("AVTALSFOKUS_BASE_URL", "https://avtal.kommun.se/")
    assert config.public_base_url("https://intra.se/avtalsfokus") == "https://avtal.kommun.se"


def test_a_sent_link_opens_the_needs_page_on_the_same_base() -> None:
    """The needs form and receipt links go to the needs page of the page list,
    and an app opened from one finds the base address it was sent with."""
    (needs_page,) = (page.url_path for page in PAGES if page.path == "pages/needs.py")
    base = "https://intra.se/avtalsfokus"
    form = links.needs_form_link("ÖK 2024/1 & B#2?", "U 1", base_url=base)
    receipt = links.receipt_link("abc-_1", base_url=base)
    for link, query in (
        (form, {"contract": ["ÖK 2024/1 & B#2?"], "unit": ["U 1"]}),
        (receipt, {"kvitto": ["abc-_1"]}),
    ):
        parts = urlsplit(link)
        assert parts.path == f"/avtalsfokus/{needs_page}" and parse_qs(parts.query) == query, link
        assert config.base_from_page_url(link, PAGE_PATHS) == base
    assert urlsplit(links.needs_form_link("LIV-1", base_url=base)).query == "contract=LIV-1"  # no empty unit


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://localhost:8501", True),
        ("http://127.0.0.1:8641", True),
        ("http://[::1]:8501", True),
        ("http://0.0.0.0:8501", True),
        ("http://app.localhost", True),
        ("https://avtal.kommun.se", False),
        ("http://10.0.0.5:8501", False),
    ],
)
def test_which_addresses_work_only_on_this_computer(url: str, local: bool) -> None:
    assert config.is_local_address(url) is local
