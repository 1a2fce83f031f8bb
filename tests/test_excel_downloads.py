"""Issue 11, point 9: with the grid's own "Download as CSV" off for the whole
app, the lists people take to Excel have an Excel download of their own
(``ui.drilldown.excel_download``, written by ``data_access.exports.excel``): Hitta
avtal's three lists, Vem köper vad's buyers and suppliers, the unit page's
purchases and the contract page's buyers.

Each test presses nothing: it reads the button AppTest sees and runs the very
callable the server would run on a click, then opens the bytes with openpyxl.
The fixture names a contract, a unit, a category, a supplier, a department
and a contract manager with spreadsheet formulas; the workbooks hold them as
text cells (never a formula), and their figures equal plain SQL over the
invoice lines.

The fixture (last 12 full months: Nov 2025 - Oct 2026; today 2026-11-30):

    LIV-1 "=HYPERLINK(...)" covers "@SUM(1) Livsmedel" with Menigo; ends 2026-12-31 (expiring)
    KON-1 covers Kontorsmaterial with Menigo; nobody buys on it (unused)
    U1 Ekbacken (SOC "@SUM(2) ..."): Menigo 1 000 + 100 on contract; "+cmd|..." 250 off
    U2 "=HYPERLINK(...)" (UTB): Menigo 500 on contract; "+cmd|..." 750 off
    U3 "-1+1 Granen" (UTB): "+cmd|..." 300 off, never on contract
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from data_access.core import clock
from data_access.core.models import Contract, Person
from data_access.core.settings import bump_data_version
from data_access.engine.classification import classify_lines
from tests import app_pages
from tests.factories import World
from tests.worlds import livsmedel_buyers, organisation

TODAY = date(2026, 11, 30)
PERIOD = (date(2025, 11, 1), date(2026, 10, 31))
HYPERLINK = '=HYPERLINK("http://127.0.0.1:9/x","Klicka här")'
DDE = "+cmd|' /C calc'!A0"
CATEGORY = "@SUM(1) Livsmedel"
DEPARTMENT = "@SUM(2) Socialförvaltningen"
MANAGER = "=1+1 Eva Avtal"
PHONE = "+46 19-21 10 00"  # a real phone number that Excel would read as a formula
GRANEN = "-1+1 Granen"


@pytest.fixture
def hostile(engine: Engine) -> Iterator[dict[str, int]]:
    with Session(engine) as session:
        world = World(session)
        manager = Person(name=MANAGER, email="eva@exempel.se", phone=PHONE)
        session.add(manager)
        session.flush()
        buyers = livsmedel_buyers(
            world,
            organisation(world, DEPARTMENT, ("Ekbacken", HYPERLINK, GRANEN)),
            category=CATEGORY,
            other_supplier=DDE,
            manager=manager,
        )
        session.get(Contract, buyers.contract.id).name = HYPERLINK
        world.line(date(2025, 3, 1), "999.00", buyers.menigo, buyers.account, buyers.u3)  # before the period
        world.contract(
            "KON-1", world.category("Kontorsmaterial"), [buyers.menigo], date(2024, 1, 1), date(2028, 12, 31)
        )
        classify_lines(session)
        bump_data_version(session)
        ids = {"food": buyers.food.id, "liv": buyers.contract.id}
        session.commit()
    yield ids


# --- reading a download as the browser would get it ---------------------------------------


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[MediaFileManager]]:
    """The media file managers of the runs: AppTest makes a new one per run
    and leaves it unreachable afterwards, so keep them."""
    managers: list[MediaFileManager] = []

    class Kept(MediaFileManager):
        def __init__(self, storage: MemoryMediaFileStorage) -> None:
            super().__init__(storage)
            self.kept_storage = storage
            managers.append(self)

    monkeypatch.setattr(app_test_module, "MediaFileManager", Kept)
    yield managers


@dataclass(frozen=True)
class Download:
    file_name: str
    mime: str
    content: bytes


def download(app: AppTest, managers: list[MediaFileManager], label: str) -> Download:
    """What pressing the button labelled ``label`` hands the browser: the
    workbook is made on the click (a deferred download), so run its maker."""
    (button,) = [button for button in app.get("download_button") if button.proto.label == label]
    file_id = button.proto.deferred_file_id
    assert file_id, "the workbook is made on the click, not on every run"
    manager = managers[-1]  # the last run's
    url = manager.execute_deferred(file_id)
    stored = manager.kept_storage.get_file(url.rsplit("/", 1)[1].split(".")[0])
    return Download(stored.filename, stored.mimetype, stored.content)


@dataclass(frozen=True)
class Table:
    notes: list[str]
    headers: list[str]
    rows: list[dict[str, object]]

    def column(self, header: str) -> list[object]:
        return [row[header] for row in self.rows]


def no_formula_anywhere(book: openpyxl.Workbook) -> None:
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.quotePrefix, f"{cell.coordinate} {cell.value!r} would turn live when edited"


def read_table(content: bytes, first_header: str) -> Table:
    """The one sheet: notes above, then the header row (found by its first
    cell) and the rows, each a dict by header. No cell is a formula."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    no_formula_anywhere(book)
    values = [list(row) for row in book.active.iter_rows(values_only=True)]
    at = next(index for index, row in enumerate(values) if row and row[0] == first_header)
    headers = [str(header) for header in values[at]]
    notes = [row[0] for row in values[:at] if row and row[0] is not None]
    rows = [dict(zip(headers, row, strict=True)) for row in values[at + 1 :]]
    return Table(notes, headers, rows)


def open_page(path: str, query: dict[str, str] | None = None) -> AppTest:
    return app_pages.open_page(path, query, today=TODAY)


def labels(app: AppTest) -> list[str]:
    return [button.proto.label for button in app.get("download_button")]


# --- the other route: plain SQL over the invoice lines --------------------------------------


def sql_amounts(
    engine: Engine, group: str, where: str = "", **params: object
) -> dict[object, dict[str, object]]:
    """Per ``group`` (a column expression): kronor on and off contract and
    the lines counted, in the category, within the period (amounts are
    stored as whole öre)."""
    query = f"""
        SELECT {group} AS name,
               SUM(CASE WHEN l.status = 'on' THEN l.amount ELSE 0 END) AS on_amount,
               SUM(CASE WHEN l.status = 'off' THEN l.amount ELSE 0 END) AS off_amount,
               COUNT(*) AS line_count
        FROM invoice_line l
        JOIN unit u ON u.id = l.unit_id
        JOIN supplier s ON s.id = l.supplier_id
        WHERE l.category_id = :category AND l.invoice_date BETWEEN :start AND :end {where}
        GROUP BY {group}
    """
    with engine.connect() as connection:
        result = connection.execute(text(query), {"start": PERIOD[0], "end": PERIOD[1], **params})
        return {
            row.name: {
                "on": Decimal(row.on_amount) / 100,
                "off": Decimal(row.off_amount) / 100,
                "lines": int(row.line_count),
            }
            for row in result
        }


def close(value: object, expected: Decimal | float) -> bool:
    """A figure cell (a number, not text) equal to ``expected`` to the öre."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and abs(value - float(expected)) < 0.005
    )


# --- Hitta avtal ------------------------------------------------------------------------------


def test_catalogue_downloads_the_list_as_filtered_with_its_figures(
    hostile: dict[str, int], engine: Engine, media: list[MediaFileManager]
) -> None:
    app = open_page("pages/contract_catalogue.py")
    assert labels(app) == [
        "Ladda ner avtalen som Excel",
        "Ladda ner avtalen som upphör som Excel",
        "Ladda ner avtalen utan köp som Excel",
    ]
    got = download(app, media, "Ladda ner avtalen som Excel")
    assert got.file_name == "avtal.xlsx"
    assert got.mime == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    table = read_table(got.content, "Avtal")
    # The same contracts in the same order as the table on screen, the reference as written.
    on_screen = app.dataframe[0].value
    assert table.column("Avtal") == [link.split("contract=", 1)[1] for link in on_screen["Avtal"]]
    assert table.column("Avtal") == ["KON-1", "LIV-1"]  # latest end first
    assert table.column("Namn") == list(on_screen["Namn"])
    liv = table.rows[1]
    assert liv["Namn"] == HYPERLINK and liv["Kategori"] == CATEGORY
    assert (liv["Avtalsansvarig"], liv["E-post"], liv["Telefon"]) == (MANAGER, "eva@exempel.se", PHONE)
    assert liv["Gäller till"].date() == date(2026, 12, 31) and liv["Status"] == "Upphör inom 6 månader"
    assert liv["Leverantörer"].startswith("Menigo (")
    # Fidelity in the category, by SQL: on / (on + off) over the period.
    totals = sql_amounts(engine, "l.category_id", category=hostile["food"])[hostile["food"]]
    fidelity = totals["on"] * 100 / (totals["on"] + totals["off"])
    assert close(liv["Avtalstrohet i kategorin (%)"], fidelity)  # 1 600 / 2 900 = 55,17 %
    shown = on_screen.set_index("Namn").loc[HYPERLINK, "Avtalstrohet i kategorin"]
    assert shown.lstrip("\u2007") == f"{fidelity:.1f}".replace(".", ",") + "\u00a0%"
    assert table.rows[0]["Avtalstrohet i kategorin (%)"] is None  # Kontorsmaterial: no spend
    assert (liv["Öppna behov"], liv["Antal anbud"], liv["Ett anbud"]) == (0, 3, "Nej")
    assert table.notes[0] == "Avtalsfokus: avtalskatalogen"
    assert "Status: Gäller, Upphör inom 6 månader" in table.notes
    assert table.notes[-2:] == [f"Uttaget {TODAY.isoformat()}", "2 avtal"]

    expiring = read_table(download(app, media, "Ladda ner avtalen som upphör som Excel").content, "Avtal")
    assert expiring.column("Avtal") == ["LIV-1"]
    unused = download(app, media, "Ladda ner avtalen utan köp som Excel")
    assert unused.file_name == "avtal_utan_köp.xlsx"
    assert read_table(unused.content, "Avtal").column("Avtal") == ["KON-1"]

    # A search narrows the download as it narrows the table, and the notes say so.
    with clock.frozen(TODAY):
        app.text_input(key="search").input(HYPERLINK).run()
    assert not app.exception
    found = read_table(download(app, media, "Ladda ner avtalen som Excel").content, "Avtal")
    assert found.column("Avtal") == ["LIV-1"]
    assert f"Sökt: {HYPERLINK}" in found.notes and found.notes[-1] == "1 avtal"


# --- Vem köper vad -------------------------------------------------------------------------


def test_vem_koper_vad_downloads_the_buyers_and_suppliers(
    hostile: dict[str, int], engine: Engine, media: list[MediaFileManager]
) -> None:
    app = open_page("pages/category_buyers.py")
    assert labels(app) == [
        "Ladda ner köparna utanför avtal som Excel",
        "Ladda ner köparna på avtal som Excel",
        "Ladda ner leverantörerna som Excel",  # the fixture has no contact people
    ]
    by_unit = sql_amounts(engine, "u.name", category=hostile["food"])

    off = download(app, media, "Ladda ner köparna utanför avtal som Excel")
    assert off.file_name == "köper_utanför_avtal_SUM_1_Livsmedel.xlsx"
    table = read_table(off.content, "Enhet")
    assert table.headers == [
        "Enhet",
        "Kod",
        "Avtalsotroget",
        "Andel (%)",
        "Avtalat",
        "Avtalstrohet (%)",
        "Rader",
    ]
    assert table.column("Enhet") == [HYPERLINK, GRANEN, "Ekbacken"]  # most off-contract first
    assert table.column("Kod") == ["U2", "U3", "U1"]
    total_off = sum(figures["off"] for figures in by_unit.values())
    for row in table.rows:
        figures = by_unit[row["Enhet"]]
        assert close(row["Avtalsotroget"], figures["off"]) and close(row["Avtalat"], figures["on"])
        assert close(row["Andel (%)"], figures["off"] * 100 / total_off)
        assert close(row["Avtalstrohet (%)"], figures["on"] * 100 / (figures["on"] + figures["off"]))
        assert row["Rader"] == figures["lines"]
    # The same figures as the table on screen.
    (on_screen,) = [frame.value for frame in app.dataframe if frame.key == "category_off_table"]
    assert [round(value, 2) for value in on_screen["Avtalsotroget"]] == table.column("Avtalsotroget")
    assert table.notes == [
        "Avtalsfokus: vem köper vad, köper utanför avtal",
        f"Kategori: {CATEGORY}",
        "Period: 1 november 2025 – 31 oktober 2026",
        f"Uttaget {TODAY.isoformat()}",
    ]

    on = read_table(download(app, media, "Ladda ner köparna på avtal som Excel").content, "Enhet")
    assert on.column("Enhet") == ["Ekbacken", HYPERLINK]
    assert [row["Avtalat"] for row in on.rows] == [float(by_unit[name]["on"]) for name in on.column("Enhet")]
    assert on.column("Andel (%)") == [pytest.approx(1100 * 100 / 1600), pytest.approx(500 * 100 / 1600)]

    suppliers = read_table(download(app, media, "Ladda ner leverantörerna som Excel").content, "Leverantör")
    by_supplier = sql_amounts(engine, "s.name", category=hostile["food"])
    assert suppliers.column("Leverantör") == [DDE, "Menigo"]
    for row in suppliers.rows:
        figures = by_supplier[row["Leverantör"]]
        assert close(row["Avtalat"], figures["on"]) and close(row["Avtalsotroget"], figures["off"])
        assert row["Rader"] == figures["lines"]
        assert len(row["Org.nr"]) == 11 and row["Org.nr"][6] == "-"


# --- Enhet and Avtal -------------------------------------------------------------------------


def test_unit_page_downloads_its_purchases(
    hostile: dict[str, int], engine: Engine, media: list[MediaFileManager]
) -> None:
    app = open_page("pages/unit.py", {"unit": "U2"})
    assert labels(app) == ["Ladda ner köpen på avtal som Excel", "Ladda ner köpen utanför avtal som Excel"]
    figures = sql_amounts(engine, "u.code", "AND u.code = :code", category=hostile["food"], code="U2")["U2"]

    on = download(app, media, "Ladda ner köpen på avtal som Excel")
    assert on.file_name == "enhet_U2_köper_på_avtal.xlsx"
    table = read_table(on.content, "Avtal")
    assert table.headers == [
        "Avtal",
        "Namn",
        "Köpt på avtalet",
        "Rader",
        "Avtalsansvarig",
        "E-post",
        "Kategori",
    ]
    assert [(row["Avtal"], row["Namn"], row["Avtalsansvarig"], row["Kategori"]) for row in table.rows] == [
        ("LIV-1", HYPERLINK, MANAGER, CATEGORY)
    ]
    assert close(table.rows[0]["Köpt på avtalet"], figures["on"]) and table.rows[0]["Rader"] == 1
    assert table.notes == [
        f"Avtalsfokus: U2 {HYPERLINK}, köper på avtal",  # a note too is text, never a formula
        "Period: 1 november 2025 – 31 oktober 2026",
        f"Uttaget {TODAY.isoformat()}",
    ]

    off = read_table(download(app, media, "Ladda ner köpen utanför avtal som Excel").content, "Avtal")
    assert off.column("Avtal") == ["LIV-1"]  # the contract it could have used
    assert close(off.rows[0]["Köpt utanför"], figures["off"])
    (on_screen,) = [frame.value for frame in app.dataframe if "Köpt på avtalet" in frame.value.columns]
    assert on_screen["Köpt på avtalet"].tolist() == table.column("Köpt på avtalet")


def test_contract_page_downloads_its_buyers_with_every_month(
    hostile: dict[str, int], engine: Engine, media: list[MediaFileManager]
) -> None:
    app = open_page("pages/contract.py", {"contract": "LIV-1"})
    assert labels(app) == [
        "Ladda ner köparna på avtalet som Excel",
        "Ladda ner köparna utanför avtalet som Excel",
    ]
    contract_only = sql_amounts(
        engine,
        "u.name",
        "AND l.status = 'on' AND l.contract_id = :contract",
        category=hostile["food"],
        contract=hostile["liv"],
    )
    buying = download(app, media, "Ladda ner köparna på avtalet som Excel")
    assert buying.file_name == "LIV-1_köper_på_avtalet.xlsx"
    table = read_table(buying.content, "Enhet")
    months = ["2025-11", "2025-12", *(f"2026-{month:02d}" for month in range(1, 11))]
    assert table.headers == [
        "Enhet", "Kod", "Förvaltning", "Belopp", "Andel (%)", "Rader", "Första köp", "Senaste köp", *months
    ]  # fmt: skip
    assert table.column("Enhet") == ["Ekbacken", HYPERLINK]
    assert table.column("Förvaltning") == [DEPARTMENT, "Utbildningsförvaltningen"]
    for row in table.rows:
        figures = contract_only[row["Enhet"]]
        assert close(row["Belopp"], figures["on"]) and row["Rader"] == figures["lines"]
        assert sum(row[month] for month in months) == pytest.approx(float(figures["on"]))
    assert table.rows[0]["2026-03"] == 1000.0 and table.rows[0]["Senaste köp"].date() == date(2026, 10, 31)
    assert table.column("Belopp") == list(app.dataframe[0].value["Belopp"])

    losing = read_table(download(app, media, "Ladda ner köparna utanför avtalet som Excel").content, "Enhet")
    assert losing.column("Enhet") == [HYPERLINK, GRANEN, "Ekbacken"]
    assert losing.column("Leverantörer") == [DDE, DDE, DDE]
    by_unit = sql_amounts(engine, "u.name", category=hostile["food"])
    assert [row["Belopp"] for row in losing.rows] == [
        float(by_unit[name]["off"]) for name in losing.column("Enhet")
    ]
