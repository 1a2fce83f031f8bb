"""Needs and feedback: validation, receipts, triage with history, and
submissions that are never lost under concurrency (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import threading
from datetime import date

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data_access.access.viewer import system, viewer_with
from data_access.core.db import session_scope
from data_access.core.models import Need, NeedEvent
from data_access.customers.needs import (
    NEED_TYPES,
    STATUSES,
    InboxFilter,
    NeedError,
    NeedInput,
    NeedStatsRow,
    Triage,
    busiest,
    history,
    inbox,
    need_stats,
    new_token,
    receipt,
    status_counts,
    submit_need,
    triage,
)
from data_access.exports.excel import table_workbook
from tests.app_pages import open_page
from tests.factories import World
from tests.worlds import unit_on_contract
from ui.inbox import inbox_rows, stats_frame, stats_summary
from ui.theme import NEED_STATUS_LABELS, NEED_TYPE_LABELS, need_status_label, need_type_label
from ui.triage import shown_change

PROCURER = viewer_with("ulla@kommun.example", ["upphandlare"], name="Upphandlare Ulla")
SUBMITTER = system("test")  # may submit for any unit

PAYLOADS = (
    "<script>alert(1)</script> mer text",
    "[x](javascript:alert(1)) klicka här",
    "![t](https://example.org/p.png) en bild",
    '=HYPERLINK("https://example.org";"klicka")',
)


@pytest.fixture
def unit_and_contract(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        world = World(session)
        made = unit_on_contract(world)
        ids = {
            "unit": made.unit.id,
            "contract": made.contract.id,
            "category": made.food.id,
            "department": made.department.id,
        }
        session.commit()
    return ids


def test_validation_names_every_field() -> None:
    problems = NeedInput(text="kort", need_type="okänd", submitter_email="a@", supplier_rating=7).problems()
    assert set(problems) == {"text", "need_type", "submitter_email", "supplier_rating"}
    assert NeedInput(text="x" * 5001).problems()["text"].startswith("Texten får vara högst 5 000 tecken")
    assert NeedInput(text="Mindre förpackningar, tack", need_type="package_size").problems() == {}


def test_submit_receipt_and_a_double_click_stores_once(
    engine: Engine, unit_and_contract: dict[str, int]
) -> None:
    token = new_token()
    need = NeedInput(
        text="Vi behöver mindre förpackningar av mjölk.",
        need_type="package_size",
        unit_id=unit_and_contract["unit"],
        contract_id=unit_and_contract["contract"],
        supplier_rating=4,
        knows_contract_manager=False,
    )
    with session_scope(engine) as session:
        submit_need(session, need, token, acting=SUBMITTER)
        submit_need(session, need, token, acting=SUBMITTER)  # the second click
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Need)) == 1
        shown = receipt(session, token)
        assert shown is not None and shown.contract == "LIV-1" and shown.category == "Livsmedel"
        assert need_status_label(shown.status) == "Ny" and shown.reference.startswith("B-")
        assert receipt(session, new_token()) is None and receipt(session, "1") is None
    assert len(token) >= 32  # 192 random bits, not a counter


def test_payloads_are_stored_verbatim(engine: Engine, unit_and_contract: dict[str, int]) -> None:
    with session_scope(engine) as session:
        tokens = [
            submit_need(session, NeedInput(text=payload), new_token(), acting=SUBMITTER)
            for payload in PAYLOADS
        ]
    with session_scope(engine) as session:
        assert [receipt(session, token).text for token in tokens] == list(PAYLOADS)


def test_triage_records_who_and_when_and_the_unit_sees_the_answer(
    engine: Engine, unit_and_contract: dict[str, int]
) -> None:
    token = new_token()
    with session_scope(engine) as session:
        submit_need(
            session,
            NeedInput(text="Leveranserna kommer för sent.", need_type="delivery"),
            token,
            acting=SUBMITTER,
        )
    with session_scope(engine) as session:
        need_id = session.scalar(select(Need.id))
        with pytest.raises(NeedError):
            triage(session, need_id, Triage(status="okänd"), acting=PROCURER)
        changed = Triage(status="in_progress", assignee="Upphandlare Ulla")
        assert triage(session, need_id, changed, acting=PROCURER) == 2
        assert triage(session, need_id, changed, acting=PROCURER) == 0
        triage(
            session,
            need_id,
            Triage(
                status="resolved",
                assignee="Upphandlare Ulla",
                answer="Leverantören har nya tider.",
                internal_notes="Ringde Menigo.",
            ),
            acting=PROCURER,
        )
    with session_scope(engine) as session:
        events = history(session, need_id, acting=PROCURER)
        assert [shown_change(event) for event in events] == [
            ("Status", "Ny", "Under behandling"),
            ("Handläggare", None, "Upphandlare Ulla"),
            ("Status", "Under behandling", "Åtgärdad"),
            ("Svar", None, "Leverantören har nya tider."),
            ("Anteckningar", None, "Ringde Menigo."),
        ]
        assert all(event.changed_by == "ulla@kommun.example" for event in events)  # the signed-in e-mail
        shown = receipt(session, token)
        assert (need_status_label(shown.status), shown.answer) == ("Åtgärdad", "Leverantören har nya tider.")
        assert "Ringde" not in repr(shown)  # internal notes never reach the unit
        assert status_counts(session, acting=PROCURER)["resolved"] == 1
        resolved = inbox(session, InboxFilter(statuses=("resolved",)), acting=PROCURER)
        assert [row.status for row in resolved] == ["resolved"]
        assert inbox(session, InboxFilter(need_types=("price",)), acting=PROCURER) == []


def test_fifty_concurrent_submissions_all_land(engine: Engine, unit_and_contract: dict[str, int]) -> None:
    errors: list[BaseException] = []

    def submit_five(thread: int) -> None:
        try:
            for number in range(5):
                with session_scope(engine) as session:
                    submit_need(
                        session,
                        NeedInput(
                            text=f"Behov nummer {number} från tråd {thread}",
                            unit_id=unit_and_contract["unit"],
                        ),
                        new_token(),
                        acting=SUBMITTER,
                    )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=submit_five, args=(thread,)) for thread in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Need)) == 50
        assert session.scalar(select(func.count()).select_from(NeedEvent)) == 0


def needs_page(query: dict[str, str] | None = None) -> AppTest:
    return open_page("pages/needs.py", query)


def test_the_form_keeps_typed_text_on_errors_and_then_submits(
    engine: Engine, unit_and_contract: dict[str, int]
) -> None:
    app = needs_page({"contract": "LIV-1", "unit": "U1"})
    assert app.selectbox(key="need_contract").value == unit_and_contract["contract"]  # the deep link
    assert app.selectbox(key="need_unit").value == unit_and_contract["unit"]
    app.text_area(key="need_text").input("kort")
    app.text_input(key="need_email").input("inte en adress")
    app.button(key="FormSubmitter:need_form-Skicka").click().run()
    errors = [error.value for error in app.error]
    assert any("minst 10 tecken" in error for error in errors) and any(
        "giltig e-postadress" in error for error in errors
    )
    assert (
        app.text_area(key="need_text").value == "kort"
        and app.text_input(key="need_email").value == "inte en adress"
    )
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Need)) == 0

    app.text_area(key="need_text").input(PAYLOADS[0] + " " + PAYLOADS[1] + " " + PAYLOADS[2])
    app.text_input(key="need_email").input("kock@exempel.se")
    app.selectbox(key="need_type").set_value("package_size")
    app.button(key="FormSubmitter:need_form-Skicka").click().run()
    assert any("Tack!" in success.value for success in app.success)
    with Session(engine) as session:
        stored = session.scalars(select(Need)).one()
    assert stored.text == PAYLOADS[0] + " " + PAYLOADS[1] + " " + PAYLOADS[2]
    assert (stored.contract_id, stored.unit_id, stored.need_type) == (
        unit_and_contract["contract"],
        unit_and_contract["unit"],
        "package_size",
    )
    assert app.code[0].value.endswith(f"/behov?kvitto={stored.token}")
    assert app.text_area(key="need_text").value == ""  # emptied: clicking again stores nothing twice
    app.button(key="FormSubmitter:need_form-Skicka").click().run()
    assert any("minst 10 tecken" in error.value for error in app.error)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Need)) == 1

    inbox_page = open_page("pages/inbox.py")
    listed = inbox_page.dataframe[0].value.iloc[0]
    assert (listed["Behov"], listed["Avtal"], listed["Enhet"], listed["Typ"], listed["Status"]) == (
        stored.text,
        "LIV-1",
        "Ekbacken",
        "Förpackningsstorlek",
        "Ny",
    )

    shown = needs_page({"kvitto": stored.token})
    assert shown.text[0].value == stored.text  # shown as text, characters intact
    assert not any("<script>" in markdown.value for markdown in shown.markdown)
    assert needs_page({"kvitto": "gissat"}).error[0].value.startswith("Det finns inget ärende")


def test_every_code_the_data_layer_accepts_has_its_words_in_order() -> None:
    # The inbox counts statuses and the form offers types in the words' order.
    assert tuple(NEED_STATUS_LABELS) == STATUSES and tuple(NEED_TYPE_LABELS) == NEED_TYPES


def test_the_chart_keeps_the_busiest_and_of_equals_the_first_by_name() -> None:
    def row(key: str, needs: int, month: int = 1) -> NeedStatsRow:
        return NeedStatsRow(key, date(2026, month, 1), "other", needs, 0, 0, 0, 0, 0, 0)

    rows = [row("C", 2), row("A", 1), row("B", 1), row("A", 1, month=2), row("D", 1)]
    assert [(kept.key, kept.month.month) for kept in busiest(rows, count=2)] == [("C", 1), ("A", 1), ("A", 2)]
    assert {kept.key for kept in busiest(rows, count=3)} == {"A", "B", "C"}  # B before D: same count
    assert busiest([], count=15) == []


def test_stats_per_contract_and_category(engine: Engine, unit_and_contract: dict[str, int]) -> None:
    with session_scope(engine) as session:
        for rating, knows, need_type in (
            (4, True, "delivery"),
            (2, False, "delivery"),
            (None, None, "price"),
        ):
            submit_need(
                session,
                NeedInput(
                    text="Ett behov om avtalet, tack.",
                    need_type=need_type,
                    contract_id=unit_and_contract["contract"],
                    supplier_rating=rating,
                    knows_contract_manager=knows,
                ),
                new_token(),
                acting=SUBMITTER,
            )
    with session_scope(engine) as session:
        by_contract = need_stats(session, "contract", acting=PROCURER)
        by_category = need_stats(session, "category", acting=PROCURER)
    delivery = next(row for row in by_contract if need_type_label(row.need_type) == "Leveranser")
    assert (delivery.key, delivery.needs, delivery.supplier_rating_sum, delivery.ratings) == (
        "LIV-1",
        2,
        6,
        2,
    )
    assert (delivery.knows_manager, delivery.asked_knows_manager) == (1, 2)
    summary = stats_summary(stats_frame(by_contract), "contract").iloc[0]
    assert (summary["Avtal"], summary["Behov"], summary["Leverantörens service (snitt)"]) == ("LIV-1", 3, 3.0)
    assert summary["Vet vem som är avtalsansvarig"] == 50.0  # one of the two who answered
    assert sorted((row.key, need_type_label(row.need_type), row.needs) for row in by_category) == [
        ("Livsmedel", "Leveranser", 2),
        ("Livsmedel", "Pris", 1),
    ]


def test_inbox_page_lists_triages_and_exports(engine: Engine, unit_and_contract: dict[str, int]) -> None:
    token = new_token()
    with session_scope(engine) as session:
        submit_need(
            session,
            NeedInput(
                text=PAYLOADS[3],
                need_type="price",
                unit_id=unit_and_contract["unit"],
                contract_id=unit_and_contract["contract"],
            ),
            token,
            acting=SUBMITTER,
        )
    app = open_page("pages/inbox.py")
    assert {metric.label: metric.value for metric in app.metric}["Ny"] == "1"
    table = app.dataframe[0].value
    assert list(table["Behov"]) == [PAYLOADS[3]] and list(table["Avtal"]) == ["LIV-1"]
    assert list(table["Enhet"]) == ["Ekbacken"] and list(table["Typ"]) == ["Pris"]
    app.multiselect(key="inbox_status").set_value(["resolved"]).run()
    assert not app.dataframe  # an empty table would read "empty": a sentence says it instead
    assert [info.value for info in app.info if "urvalet" in info.value] == [
        "Inga behov eller synpunkter i urvalet."
    ]

    with session_scope(engine) as session:
        need_id = session.scalar(select(Need.id))
        triage(session, need_id, Triage(status="declined", answer="Priset följer avtalet."), acting=PROCURER)
    with session_scope(engine) as session:
        assert receipt(session, token).answer == "Priset följer avtalet."

    headers, records = inbox_rows(inbox_listing(engine))
    sheet = openpyxl.load_workbook(
        io.BytesIO(table_workbook(headers, records, notes=["Status: alla"]))
    ).active
    cell = sheet.cell(4, headers.index("Behov") + 1)  # a note, an empty row, the header, the row
    assert (cell.value, cell.data_type) == (PAYLOADS[3], "s")  # text, never a formula


def inbox_listing(engine: Engine) -> list:
    with session_scope(engine) as session:
        return inbox(session, acting=PROCURER)
