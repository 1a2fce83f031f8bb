"""The headline cards' changes: every card's arrow follows the change, and
its colour says whether that change is good news (issue 10, point 1)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from data_access.core.models import LineStatus
from data_access.figures.fidelity import FidelityFigures
from ui.changes import CardChange, kronor_change, points_change

ON, OFF, NONE = LineStatus.ON_CONTRACT, LineStatus.OFF_CONTRACT, LineStatus.NO_CONTRACT


def figures(on: str, off: str, no_contract: str, supplier_contracted: str) -> FidelityFigures:
    amounts = {ON: Decimal(on), OFF: Decimal(off), NONE: Decimal(no_contract)}
    return FidelityFigures(
        amounts=amounts,
        line_counts={status: 1 for status in amounts},
        supplier_contracted_amount=Decimal(supplier_contracted),
    )


# Before: on 5 mnkr, off 5 mnkr, no contract 10 mnkr: fidelity 50 %, coverage 50 %,
# supplier fidelity 6/20 = 30 %. Better: on 8, off 2, no contract 2, supplier 10/12.
BEFORE = figures("5000000", "5000000", "10000000", "6000000")
BETTER = figures("8000000", "2000000", "2000000", "10000000")


def show_cards(now: FidelityFigures, before: FidelityFigures) -> dict[str, MetricProto]:
    def script(now, before):  # its source runs alone: no annotations
        from datetime import date

        from data_access.core.periods import Period
        from ui.widgets import headline_cards

        headline_cards(now, before, None, Period(date(2025, 1, 1), date(2025, 11, 30)))

    app = AppTest.from_function(script, args=(now, before), default_timeout=30).run()
    assert not app.exception
    assert [caption.value for caption in app.caption] == [
        "Förändringen under varje siffra är jämförd med jan–nov 2025: samma dagar året före."
    ]
    return {metric.label: metric.proto for metric in app.metric}


UP, DOWN = MetricProto.MetricDirection.UP, MetricProto.MetricDirection.DOWN
GREEN, RED = MetricProto.MetricColor.GREEN, MetricProto.MetricColor.RED


@pytest.mark.parametrize(
    ("now", "before", "expected"),
    [
        (
            BETTER,
            BEFORE,
            {
                "Avtalstrohet": ("+30,0\u00a0p.e.", UP, GREEN),
                "Leverantörstrohet": ("+53,3\u00a0p.e.", UP, GREEN),
                "Avtalstäckning": ("+33,3\u00a0p.e.", UP, GREEN),
                "Avtalat": ("+3,0\u00a0mnkr", UP, GREEN),
                "Avtalsotroget": ("\u22123,0\u00a0mnkr", DOWN, GREEN),  # less off contract is good
            },
        ),
        (
            BEFORE,
            BETTER,
            {
                "Avtalstrohet": ("\u221230,0\u00a0p.e.", DOWN, RED),
                "Leverantörstrohet": ("\u221253,3\u00a0p.e.", DOWN, RED),
                "Avtalstäckning": ("\u221233,3\u00a0p.e.", DOWN, RED),
                "Avtalat": ("\u22123,0\u00a0mnkr", DOWN, RED),
                "Avtalsotroget": ("+3,0\u00a0mnkr", UP, RED),  # more off contract is bad
            },
        ),
    ],
    ids=["every-card-improves", "every-card-worsens"],
)
def test_every_card_shows_its_rise_and_fall_the_right_way(
    now: FidelityFigures, before: FidelityFigures, expected: dict[str, tuple[str, int, int]]
) -> None:
    shown = show_cards(now, before)
    assert {label: (card.delta, card.direction, card.color) for label, card in shown.items()} == expected


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (points_change(Decimal("50"), Decimal("50"), rise_is_good=True), ("0,0\u00a0p.e.", "off", "gray")),
        (points_change(Decimal("50.01"), Decimal("50"), rise_is_good=True), ("0,0\u00a0p.e.", "off", "gray")),
        (kronor_change(Decimal("10"), Decimal("10"), rise_is_good=False), ("0\u00a0kr", "off", "gray")),
        (
            kronor_change(Decimal("0"), Decimal("11300000"), rise_is_good=False),
            ("\u221211,3\u00a0mnkr", "down", "green"),
        ),
        (
            kronor_change(Decimal("1"), Decimal("16500001"), rise_is_good=True),
            ("\u221216,5\u00a0mnkr", "down", "red"),
        ),
        (kronor_change(Decimal("250"), Decimal("0"), rise_is_good=False), ("+250\u00a0kr", "up", "red")),
    ],
)
def test_no_change_has_no_arrow_and_a_fall_is_never_an_up_arrow(
    change: CardChange, expected: tuple[str, str, str]
) -> None:
    assert (change.text, change.arrow, change.colour) == expected


def test_undefined_shares_have_no_change() -> None:
    assert points_change(None, Decimal("50"), rise_is_good=True) is None
    assert points_change(Decimal("50"), None, rise_is_good=True) is None
