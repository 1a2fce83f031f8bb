"""Every chart has its figures beside it (issue 14): the month trend and the
heatmap on Avtalstrohet, the trend on a contract page and the inbox's two
needs charts each have a table of the same numbers under them, in the
expander "Siffrorna i diagrammet". The charts whose page lists the same
figures already (a breakdown above its table, Min enhet's months) are not
repeated."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data_access.core.models import Need
from data_access.customers.needs import NeedStatsRow, new_token
from data_access.engine.classification import classify_lines
from tests.app_pages import open_page
from tests.factories import World
from tests.worlds import unit_on_contract
from ui.chart_figures import (
    FIGURES_LABEL,
    heatmap_table,
    needs_by_type_table,
    needs_per_month_table,
    trend_table,
)


def _world(engine: Engine) -> None:
    with Session(engine) as session:
        world = World(session)
        soc = world.department("SOC", "Socialförvaltningen")
        unit = world.unit("U1", soc, "Ekbacken")
        food = world.category("Livsmedel")
        account = world.account("4010", food)
        menigo, ica = world.supplier("Menigo"), world.supplier("ICA")
        world.contract("LIV-1", food, [menigo], date(2024, 1, 1), date(2026, 12, 31))
        world.line(date(2026, 3, 10), "1000.00", menigo, account, unit)
        world.line(date(2026, 4, 10), "250.00", ica, account, unit)
        world.line(date(2026, 10, 31), "100.00", menigo, account, unit)  # the data ends with October
        classify_lines(session)
        session.commit()


def _figure_tables(app: AppTest) -> list[pd.DataFrame]:
    """The tables inside the expanders labelled "Siffrorna i diagrammet"."""
    return [
        table.value
        for expander in app.expander
        if expander.label == FIGURES_LABEL
        for table in expander.get("table")
    ]


def test_the_dashboard_trend_has_its_months_in_a_table(engine: Engine) -> None:
    _world(engine)
    app = open_page("pages/fidelity.py", today=date(2026, 11, 15))
    [trend] = _figure_tables(app)
    months = {row["Månad"]: (row["Avtalat"], row["Avtalsotroget"]) for row in trend.to_dict("records")}
    assert months == {"mars 2026": (1000.0, 0.0), "april 2026": (0.0, 250.0), "oktober 2026": (100.0, 0.0)}


def test_the_heatmap_has_its_cells_in_a_table(engine: Engine) -> None:
    _world(engine)
    app = open_page("pages/fidelity.py", {"vy": "Förvaltning × kategori"}, today=date(2026, 11, 15))
    cells = _figure_tables(app)[-1]
    assert cells.to_dict("records") == [
        {
            "Förvaltning": "Socialförvaltningen",
            "Kategori": "Livsmedel",
            "Avtalstrohet": 1100 / 1350 * 100,
            "Påverkbar volym": 1350.0,
            "Avtalsotroget": 250.0,
        }
    ]


def test_the_contract_trend_has_its_months_in_a_table(engine: Engine) -> None:
    _world(engine)
    app = open_page("pages/contract.py", {"contract": "LIV-1"}, today=date(2026, 11, 15))
    [trend] = _figure_tables(app)
    assert {"mars 2026", "april 2026", "oktober 2026"} <= set(trend["Månad"])


def test_the_inbox_charts_have_their_counts_in_tables(engine: Engine) -> None:
    with Session(engine) as session:
        made = unit_on_contract(World(session))
        for kind, day in (("delivery", datetime(2026, 10, 5)), ("price", datetime(2026, 11, 2))):
            session.add(
                Need(
                    token=new_token(),
                    unit_id=made.unit.id,
                    contract_id=made.contract.id,
                    need_type=kind,
                    text="Mindre förpackningar, tack",
                    created_at=day,
                )
            )
        session.commit()
    app = open_page("pages/inbox.py", today=date(2026, 11, 15))
    by_type, per_month = _figure_tables(app)
    assert by_type.to_dict("records") == [{"Avtal": "LIV-1", "Behov": 2, "Leveranser": 1, "Pris": 1}]
    assert per_month.to_dict("records") == [
        {"Månad": "oktober 2026", "Behov": 1},
        {"Månad": "november 2026 (pågår)", "Behov": 1},
    ]


def test_the_frames_behind_the_tables() -> None:
    months = pd.DataFrame(
        {
            "key": pd.to_datetime(["2026-03-01", "2026-04-01"]),
            "fidelity_pct": [100.0, 0.0],
            "on_amount": [1000.0, 0.0],
            "off_amount": [0.0, 250.0],
            "no_contract_amount": [0.0, 0.0],
        }
    )
    assert trend_table(months)["Månad"].tolist() == ["mars 2026", "april 2026"]
    cells = pd.DataFrame(
        {
            "department": ["SOC", "UTB"],
            "category": ["Mat", "Mat"],
            "fidelity_pct": [90.0, 40.0],
            "in_scope_amount": [10.0, 5.0],
            "off_amount": [1.0, 3.0],
        }
    )
    assert heatmap_table(cells)["Förvaltning"].tolist() == ["UTB", "SOC"]  # lowest fidelity first
    rows = [
        NeedStatsRow("LIV-1", date(2026, 10, 1), "delivery", 2, 0, 0, 0, 0, 0, 0),
        NeedStatsRow("LIV-1", date(2026, 11, 1), "price", 1, 0, 0, 0, 0, 0, 0),
        NeedStatsRow("KON-2", date(2026, 11, 1), "price", 1, 0, 0, 0, 0, 0, 0),
    ]
    by_type = needs_by_type_table(rows, "Avtal")
    assert by_type.to_dict("records") == [
        {"Avtal": "LIV-1", "Behov": 3, "Leveranser": 2, "Pris": 1},
        {"Avtal": "KON-2", "Behov": 1, "Leveranser": 0, "Pris": 1},
    ]
    assert needs_per_month_table(rows, date(2026, 11, 1)).to_dict("records") == [
        {"Månad": "oktober 2026", "Behov": 2},
        {"Månad": "november 2026 (pågår)", "Behov": 2},
    ]
