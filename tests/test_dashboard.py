"""The management dashboard on a fixture small enough to compute by hand.

Rolling 12 months end with the last data day 2026-10-31. In that period:
Livsmedel has a contract with Menigo; ICA sells food off contract; Staples
sells office goods, a category without any contract.

    SOC/U1: Menigo 1 000,00 + 100,00 on, ICA 250,00 off
    UTB/U2: Menigo 500,00 on, ICA 750,00 off, Staples 400,00 no contract

    on 1 600,00, off 1 000,00 -> fidelity 61,5 %; coverage 2 600 / 3 000 = 86,7 %
    SOC 1 100 / 1 350 = 81,5 %; UTB 500 / 1 250 = 40,0 %
    a year earlier (Nov 2024 - Oct 2025): 300 on, 300 off -> 50,0 %
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data_access.access.viewer import system
from data_access.core.models import LineStatus
from data_access.engine.classification import classify_lines
from data_access.exports.excel import table_workbook
from data_access.figures.direct_awards import direct_award_risks
from data_access.figures.fidelity import (
    Dimension,
    SpendFilter,
    breakdown_frame,
    fidelity_breakdown,
    fidelity_matrix,
    matrix_frame,
)
from data_access.figures.line_listing import LineSort, line_page
from data_access.figures.spend_elsewhere import category_suppliers
from data_access.figures.targets import (
    TargetError,
    load_targets,
    set_department_target,
    set_direct_award_limit,
    set_overall_target,
)
from tests.app_pages import APP, signed_in
from tests.chart_spec import layers as chart_layers
from tests.chart_spec import spec as chart_spec
from tests.factories import World
from ui.charts import fidelity_heatmap, fidelity_trend
from ui.dashboard_view import DashboardView, PeriodMode, view_from_query, view_to_query
from ui.drilldown import LINE_HEADERS, line_rows
from ui.theme import STATUS_COLOURS, STATUS_LABELS

PAGE = "pages/fidelity.py"
PERIOD = SpendFilter(date_from=date(2025, 11, 1), date_to=date(2026, 10, 31))


@pytest.fixture
def fixture(engine: Engine) -> Iterator[dict[str, int]]:
    with Session(engine) as session:
        world = World(session)
        soc, utb = (
            world.department("SOC", "Socialförvaltningen"),
            world.department("UTB", "Utbildningsförvaltningen"),
        )
        u1, u2 = world.unit("U1", soc, "Äldreboende Ekbacken"), world.unit("U2", utb, "Skola Björken")
        food, office = world.category("Livsmedel"), world.category("Kontorsmaterial")
        food_account, office_account = world.account("4010", food), world.account("6110", office)
        menigo, ica, staples = world.supplier("Menigo"), world.supplier("ICA"), world.supplier("Staples")
        world.contract("LIV-1", food, [menigo], date(2024, 1, 1), date(2026, 12, 31))
        for day, amount, supplier, account, unit in (
            (date(2026, 3, 10), "1000.00", menigo, food_account, u1),
            (date(2026, 4, 10), "250.00", ica, food_account, u1),
            (date(2026, 5, 10), "500.00", menigo, food_account, u2),
            (date(2026, 6, 10), "750.00", ica, food_account, u2),
            (date(2026, 7, 10), "400.00", staples, office_account, u2),
            (date(2026, 10, 31), "100.00", menigo, food_account, u1),
            (date(2025, 3, 10), "300.00", menigo, food_account, u1),
            (date(2025, 4, 10), "300.00", ica, food_account, u1),
        ):
            world.line(day, amount, supplier, account, unit)
        classify_lines(session)
        ids = {"soc": soc.id, "utb": utb.id, "food": food.id, "ica": ica.id, "menigo": menigo.id, "u2": u2.id}
        session.commit()
    yield ids


def dashboard(query: dict[str, str] | None = None) -> AppTest:
    app = signed_in(AppTest.from_file(APP, default_timeout=60))
    for name, value in (query or {}).items():
        app.query_params[name] = value
    app.run()
    app.switch_page(PAGE).run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


def cards(app: AppTest) -> dict[str, tuple[str, str | None]]:
    return {metric.label: (metric.value, metric.delta) for metric in app.metric}


def test_cards_show_the_hand_computed_figures_and_their_change(fixture: dict[str, int]) -> None:
    app = dashboard()
    shown = cards(app)
    assert shown["Avtalstrohet"] == ("61,5\u00a0%", "+11,5\u00a0p.e.")
    assert any("jämförd med nov 2024–okt 2025" in caption.value for caption in app.caption)
    assert shown["Avtalstäckning"][0] == "86,7\u00a0%"
    assert shown["Avtalat"][0] == "1\u00a0600\u00a0kr"
    assert shown["Avtalsotroget"][0] == "1\u00a0000\u00a0kr"


def test_filters_change_every_figure(fixture: dict[str, int]) -> None:
    app = dashboard()
    app.multiselect(key="dash_departments").set_value([fixture["utb"]]).run()
    assert cards(app)["Avtalstrohet"][0] == "40,0\u00a0%"
    assert app.query_params["forv"] == str(fixture["utb"])

    app.radio(key="dash_mode").set_value(PeriodMode.YEAR).run()
    app.selectbox(key="dash_year").set_value(2025).run()
    app.multiselect(key="dash_departments").set_value([]).run()
    assert cards(app)["Avtalstrohet"][0] == "50,0\u00a0%"

    app.multiselect(key="dash_suppliers").set_value([fixture["ica"]]).run()
    assert cards(app)["Avtalstrohet"][0] == "0,0\u00a0%"


def test_the_address_opens_the_same_view(fixture: dict[str, int]) -> None:
    app = dashboard({"forv": str(fixture["soc"])})
    assert cards(app)["Avtalstrohet"][0] == "81,5\u00a0%"
    app = dashboard({"period": "ar", "ar": "2025"})
    assert cards(app)["Avtalstrohet"][0] == "50,0\u00a0%"
    broken = dashboard({"period": "ar", "ar": "tjugo", "forv": "x,99999"})  # falls back, does not fail
    assert cards(broken)["Avtalstrohet"][0] == "61,5\u00a0%"


def test_the_target_is_compared_on_the_page(fixture: dict[str, int], engine: Engine) -> None:
    with Session(engine) as session:
        set_overall_target(session, "70", acting=system("test"))
        set_department_target(session, fixture["utb"], "45,5", acting=system("test"))
        with pytest.raises(TargetError):
            set_overall_target(session, "120", acting=system("test"))
        session.commit()
    captions = [caption.value for caption in dashboard().caption]
    assert "Mål för avtalstroheten: 70\u00a0% (8,5\u00a0p.e. kvar till målet)" in captions
    captions = [caption.value for caption in dashboard({"forv": str(fixture["utb"])}).caption]
    assert "Mål för avtalstroheten: 45,5\u00a0% (5,5\u00a0p.e. kvar till målet)" in captions


def test_view_round_trips_through_the_query_string() -> None:
    views = [
        DashboardView(),
        DashboardView(mode=PeriodMode.YEAR, year=2025, department_ids=(3, 5)),
        DashboardView(
            mode=PeriodMode.MONTHS,
            first_month=date(2025, 2, 1),
            last_month=date(2025, 6, 1),
            supplier_ids=(7,),
        ),
        DashboardView(unit_ids=(1,), category_ids=(2, 4)),
    ]
    for view in views:
        assert view_from_query(view_to_query(view)) == view


def test_breakdowns_and_drill_down_totals(fixture: dict[str, int], engine: Engine) -> None:
    with Session(engine) as session:
        departments = {row.key: row for row in fidelity_breakdown(session, Dimension.DEPARTMENT, PERIOD)}
        assert departments["SOC"].figures.fidelity_pct.quantize(Decimal("0.1")) == Decimal("81.5")
        assert departments["UTB"].figures.no_contract_amount == Decimal("400.00")
        categories = {
            row.label: row.figures for row in fidelity_breakdown(session, Dimension.CATEGORY, PERIOD)
        }
        assert categories["Livsmedel"].on_amount == Decimal("1600.00")
        assert categories["Kontorsmaterial"].no_contract_amount == Decimal("400.00")

        utb = SpendFilter(
            date_from=PERIOD.date_from, date_to=PERIOD.date_to, department_ids=(fixture["utb"],)
        )
        everything = line_page(session, utb, sort=LineSort.AMOUNT, descending=True, page_size=2)
        assert everything.total_count == 3 and everything.total_amount == Decimal("1650.00")
        assert [line.amount for line in everything.rows] == [Decimal("750.00"), Decimal("500.00")]
        assert everything.page_count == 2
        off = line_page(session, utb, statuses=(LineStatus.OFF_CONTRACT,))
        assert off.total_amount == departments["UTB"].figures.off_amount

        workbook = openpyxl.load_workbook(
            io.BytesIO(table_workbook(LINE_HEADERS, line_rows(everything), notes=["Förvaltning: UTB"]))
        )
        sheet = workbook.active
        assert sheet["A1"].value == "Förvaltning: UTB"
        assert [cell.value for cell in sheet[3]] == list(LINE_HEADERS)
        assert [sheet.cell(row, 9).value for row in (4, 5)] == [750.0, 500.0]
        assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == "A3:K5"


def test_where_the_money_goes_and_direct_award_risk(fixture: dict[str, int], engine: Engine) -> None:
    with Session(engine) as session:
        found = category_suppliers(session, fixture["food"], PERIOD)
        assert [(s.name, s.amount, s.line_count, s.unit_count) for s in found.off_contract] == [
            ("ICA", Decimal("1000.00"), 2, 2)
        ]
        assert [(s.name, s.amount) for s in found.contracted] == [("Menigo", Decimal("1600.00"))]
        risks = direct_award_risks(session, 2026, Decimal("300"))
        assert [(risk.category, risk.supplier, risk.amount, risk.unit_count) for risk in risks] == [
            ("Kontorsmaterial", None, Decimal("400.00"), 1),
            ("Kontorsmaterial", "Staples", Decimal("400.00"), 1),
        ]
        assert direct_award_risks(session, 2026, Decimal("400")) == []


def test_targets_page_saves_and_refuses_with_the_typed_value_kept(
    fixture: dict[str, int], engine: Engine
) -> None:
    app = signed_in(AppTest.from_file(APP, default_timeout=60)).run()
    app.switch_page("pages/targets.py").run()
    app.text_input(key="target_overall").input("120")
    app.button[0].click().run()
    assert any("mellan 0 och 100" in error.value for error in app.error)
    assert app.text_input(key="target_overall").value == "120"
    app.text_input(key="target_overall").input("72,5")
    app.text_input(key=f"target_{fixture['utb']}").input("45")
    app.button[0].click().run()
    assert not app.exception
    with Session(engine) as session:
        targets = load_targets(session)
    assert targets.overall == Decimal("72.50") and targets.by_department == {fixture["utb"]: Decimal("45.00")}


def test_direct_award_page_lists_the_risk(fixture: dict[str, int], engine: Engine) -> None:
    with Session(engine) as session:
        set_direct_award_limit(session, "300", acting=system("test"))
        session.commit()
    app = signed_in(AppTest.from_file(APP, default_timeout=60)).run()
    app.switch_page("pages/direct_awards.py").run()
    assert not app.exception, [exception.value for exception in app.exception]
    table = app.dataframe[0].value
    assert list(table["Leverantör"]) == ["(alla leverantörer)", "Staples"]
    assert list(table["Kategori"]) == ["Kontorsmaterial", "Kontorsmaterial"]


def test_charts_draw_the_target_and_the_status_colours(fixture: dict[str, int], engine: Engine) -> None:
    with Session(engine) as session:
        months = breakdown_frame(fidelity_breakdown(session, Dimension.MONTH, PERIOD))
        cells = matrix_frame(fidelity_matrix(session, (Dimension.DEPARTMENT, Dimension.CATEGORY), PERIOD))
    trend = fidelity_trend(months, 70.0)
    assert [layer.mark for layer in chart_layers(trend)] == ["bar", "line", "rule"]
    bars, fidelity, target = chart_layers(trend)
    assert chart_spec(trend)["resolve"]["scale"]["y"] == "independent"  # kronor and per cent apart
    # The months with lines in the period, in order (none is partial: no partial_months given).
    month_order = ["mars 2026", "apr 2026", "maj 2026", "juni 2026", "juli 2026", "okt 2026"]
    # Spend per month, stacked by status in the app's colours, on-contract blue first.
    assert bars.fields() == {
        "x": ("month_text", "ordinal"),
        "y": ("amount", "quantitative"),
        "color": ("status", "nominal"),
        "order": ("status_order", "quantitative"),
    }
    assert bars.encoding["x"]["sort"] == month_order
    spend = (LineStatus.ON_CONTRACT, LineStatus.OFF_CONTRACT, LineStatus.NO_CONTRACT)
    assert bars.encoding["color"]["scale"] == {
        "domain": [STATUS_LABELS[status] for status in spend],
        "range": [STATUS_COLOURS[status] for status in spend],
    }
    assert bars.encoding["color"]["scale"]["range"][0] == "#0072B2"
    # The month's fidelity as a line, and the target as a rule, on one 0-100 axis.
    assert fidelity.fields() == {"x": ("month_text", "ordinal"), "y": ("fidelity_pct", "quantitative")}
    assert fidelity.encoding["x"]["sort"] == month_order
    assert target.fields() == {"y": ("target", "quantitative")}
    assert fidelity.encoding["y"]["scale"]["domain"] == target.encoding["y"]["scale"]["domain"] == [0, 100]
    assert [row["target"] for row in target.values] == [70.0]

    heat = fidelity_heatmap(cells.rename(columns={"first": "department", "second": "category"}))
    [cell] = chart_layers(heat)
    assert cell.mark == "rect"
    assert cell.fields() == {
        "x": ("category", "nominal"),
        "y": ("department", "nominal"),
        "color": ("fidelity_pct", "quantitative"),
    }
    scale = cell.encoding["color"]["scale"]
    assert scale["domain"] == [0, 50, 100]
    assert (scale["range"][0], scale["range"][-1]) == (
        STATUS_COLOURS[LineStatus.OFF_CONTRACT],  # low: orange
        STATUS_COLOURS[LineStatus.ON_CONTRACT],  # high: blue
    )
    assert len(cells) == 3  # SOC x Livsmedel, UTB x Livsmedel, UTB x Kontorsmaterial
    assert len(cell.values) == 3  # one rectangle each


def test_excel_numbers_are_numbers_with_grouped_formats() -> None:
    """Stored in Excel's US spelling, which a Swedish Excel shows as 1 234,50."""
    book = openpyxl.load_workbook(io.BytesIO(table_workbook(("Belopp", "Rader"), [(Decimal("1234.50"), 3)])))
    amount, count = book.active[2]
    assert (amount.value, amount.number_format) == (1234.5, "#,##0.00")
    assert (count.value, count.number_format) == (3, "#,##0")


def test_only_the_open_tab_runs_and_the_address_names_it(fixture: dict[str, int]) -> None:
    def tables(app: AppTest) -> list[list[str]]:
        return [sorted(frame.value.get("Namn", [])) for frame in app.dataframe]

    first = dashboard()
    assert tables(first) == [["Socialförvaltningen", "Utbildningsförvaltningen"]]
    suppliers = dashboard({"vy": "Leverantörer", "forv": str(fixture["utb"])})
    assert tables(suppliers) == [["ICA", "Menigo", "Staples"]]
    assert suppliers.query_params["vy"] == "Leverantörer"


def test_the_tables_on_the_page_hold_the_hand_computed_figures(fixture: dict[str, int]) -> None:
    def rows(app: AppTest) -> dict[str, dict[str, float]]:
        (table,) = app.dataframe
        return {record["Namn"]: record for record in table.value.to_dict("records")}

    departments = rows(dashboard())
    assert departments["Socialförvaltningen"]["Avtalat"] == 1100.0
    assert departments["Socialförvaltningen"]["Avtalsotroget"] == 250.0
    assert round(departments["Socialförvaltningen"]["Avtalstrohet"], 1) == 81.5
    assert departments["Utbildningsförvaltningen"]["Avtalslöst"] == 400.0
    assert departments["Utbildningsförvaltningen"]["Rader"] == 3

    categories = rows(dashboard({"vy": "Kategorier"}))
    assert categories["Livsmedel"]["Avtalat"] == 1600.0 and categories["Livsmedel"]["Avtalsotroget"] == 1000.0
    assert categories["Kontorsmaterial"]["Avtalslöst"] == 400.0


def test_unit_and_category_filters(fixture: dict[str, int]) -> None:
    app = dashboard()
    app.multiselect(key="dash_units").set_value([fixture["u2"]]).run()
    assert cards(app)["Avtalstrohet"][0] == "40,0\u00a0%"
    app.multiselect(key="dash_units").set_value([]).run()
    app.multiselect(key="dash_categories").set_value([fixture["food"]]).run()
    shown = cards(app)
    assert shown["Avtalstrohet"][0] == "61,5\u00a0%" and shown["Avtalstäckning"][0] == "100,0\u00a0%"
    assert app.query_params["kat"] == str(fixture["food"])


def add_line(engine: Engine, day: date, amount: str, supplier: str = "ICA") -> None:
    """One more food line for unit U1, classified like the others."""
    from sqlalchemy import select

    from data_access.core.models import Account, Supplier, Unit

    with Session(engine) as session:
        world = World(session)
        world.line(
            day,
            amount,
            session.scalar(select(Supplier).where(Supplier.name == supplier)),
            session.scalar(select(Account).where(Account.number == "4010")),
            session.scalar(select(Unit).where(Unit.code == "U1")),
        )
        classify_lines(session)
        session.commit()


def test_a_running_year_is_compared_with_the_same_months_a_year_earlier(
    fixture: dict[str, int], engine: Engine
) -> None:
    """2026 has lines up to October: it is compared with January to October
    2025, not with all of 2025 (whose December would make the rise look
    four times larger), and the card says which months."""
    add_line(engine, date(2025, 12, 10), "1300.00")  # all of 2025: 300 / 1 900 = 18,8 %
    app = dashboard({"period": "ar", "ar": "2026"})
    assert cards(app)["Avtalstrohet"] == ("61,5\u00a0%", "+11,5\u00a0p.e.")  # against 50,0 %
    assert any("jämförd med jan–okt 2025: samma dagar" in caption.value for caption in app.caption)


def test_the_year_list_offers_years_with_lines_and_marks_partial_ones(
    fixture: dict[str, int], engine: Engine
) -> None:
    add_line(engine, date(2022, 6, 1), "10.00")  # an old import: 2023 and 2024 have no lines
    app = dashboard({"period": "ar", "ar": "2026"})
    year = app.selectbox(key="dash_year")
    assert year.options == ["2026 (mars–okt)", "2025 (mars–apr)", "2022 (juni)"]


def test_a_month_the_data_stops_in_is_marked_on_the_trend(fixture: dict[str, int], engine: Engine) -> None:
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    add_line(engine, date(2026, 11, 3), "100.00", supplier="Menigo")
    app = dashboard({"period": "ar", "ar": "2026"})
    trend = app.get("vega_lite_chart")[0]
    spec = json.loads(trend.proto.spec)
    assert spec["config"]["locale"]["time"]["months"][4] == "maj"  # Swedish axes
    months = set()
    for dataset in trend.proto.datasets:
        frame = convert_arrow_bytes_to_pandas_df(dataset.data.data)
        if "month_text" in frame:
            pairs = zip(frame["month_text"], frame["partial"], strict=True)
            months |= {(text, bool(partial)) for text, partial in pairs}
    assert ("nov 2026 *", True) in months and ("okt 2026", False) in months
    assert any("till och med 2026-11-03" in caption.value for caption in app.caption)
    assert any("jämförd med 2025-01-01 – 2025-11-03" in caption.value for caption in app.caption)


def test_mostly_unclassified_spend_says_why_and_links_to_the_account_plan(
    fixture: dict[str, int], engine: Engine
) -> None:
    from sqlalchemy import select

    from data_access.core.models import Supplier, Unit

    assert not [w for w in dashboard().warning if "oklassificerad" in w.value]
    with Session(engine) as session:  # an export whose accounts the account plan does not know
        world = World(session)
        staples = session.scalar(select(Supplier).where(Supplier.name == "Staples"))
        unit = session.scalar(select(Unit).where(Unit.code == "U2"))
        world.line(date(2026, 9, 1), "9000.00", staples, None, unit)
        classify_lines(session)
        session.commit()
    app = dashboard()
    (warning,) = [w.value for w in app.warning if "oklassificerad" in w.value]
    assert warning.startswith("75\u00a0% av den påverkbara volymen (9\u00a0000\u00a0kr, 1 fakturarad)")
    assert "Importera kontoplanen" in warning
    links = {link.proto.label: link.proto.page for link in app.main.get("page_link")}
    assert links["Importera kontoplanen"] == "importera"  # the import page's address


def test_where_the_money_goes_shows_org_numbers_with_their_dash(fixture: dict[str, int]) -> None:
    app = dashboard({"vy": "Vart går pengarna?"})
    app.selectbox(key="elsewhere_category").set_value(fixture["food"]).run()
    off, contracted = (frame.value for frame in app.dataframe[:2])
    assert list(off["Leverantör"]) == ["ICA"] and list(contracted["Leverantör"]) == ["Menigo"]
    for number in [*off["Org.nr"], *contracted["Org.nr"]]:
        assert len(number) == 11 and number[6] == "-" and number.replace("-", "").isdigit(), number


def test_the_supplier_filter_writes_org_numbers_with_their_dash(fixture: dict[str, int]) -> None:
    options = dashboard().multiselect(key="dash_suppliers").options
    assert len(options) == 3
    for option in options:
        number, name = option.split(" ", 1)
        assert len(number) == 11 and number[6] == "-" and name in {"ICA", "Menigo", "Staples"}, option
