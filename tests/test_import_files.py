"""The safe entry point for uploads: what it reads, and everything it refuses
(hostile zips, which the workbook reader shares with the PEPPOL reader, are
in test_archives.py).

Every file is built here (openpyxl workbooks, hand-made zips and CSV bytes) so
each case shows exactly what is inside it; the real samples in /work/shared are
read at the end when present.
"""

from __future__ import annotations

import hashlib
import io
import random
import time
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path

import openpyxl
import pytest

from data_access.importing.errors import ImportRefusedError
from data_access.importing.files import ReadLimits, SheetData, open_table

MB = 1024**2
REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "real-data"
OREBRO = REAL_DATA / "orebro-kommun" / "Orebro.2016-03.xlsx"
OXFORD = REAL_DATA / "uk-oxford-spend-over-500" / "expenditure-over-500-jan-mar-2014.csv"


def xlsx_bytes(build: Callable[[openpyxl.Workbook], None]) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The same zip with some members' content swapped."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
    return out.getvalue()


def make_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def refusal(
    file_name: str, data: bytes, *, limits: ReadLimits | None = None, sheet: str | None = None
) -> str:
    """The message open_table refuses the file with (failing if it doesn't)."""
    with pytest.raises(ImportRefusedError) as caught:
        open_table(file_name, data, limits=limits or ReadLimits(), sheet=sheet)
    return str(caught.value)


# ---------------------------------------------------------------------------- xlsx


def build_invoice_sheet(workbook: openpyxl.Workbook) -> None:
    sheet = workbook.active
    sheet.title = "Fakturor"
    sheet.append(["Leverantörsfakturor 2024"])
    sheet.append(["Utdrag ur ekonomisystemet"])
    sheet.append([])
    sheet.append(["Fakturadatum", "Leverantör", "Belopp", "Antal", "Betald", "Registrerad", "Tid"])
    sheet.append(
        [date(2024, 1, 31), "Åkeri & Söner AB", 1234.5, 42, True, datetime(2024, 2, 1, 8, 30), clock(13, 45)]
    )
    sheet.append([date(2024, 2, 29), "Öbergs El", -0.25, None, False, None, None])


def test_xlsx_title_rows_and_cell_types() -> None:
    data = xlsx_bytes(build_invoice_sheet)

    table = open_table("fakturor.xlsx", data)

    assert (table.kind, table.sheet_names, table.sheet_name) == ("xlsx", ["Fakturor"], "Fakturor")
    assert (table.encoding, table.delimiter) == (None, None)
    assert table.checksum == hashlib.sha256(data).hexdigest()
    rows = list(table.iter_rows())
    assert rows[0][0] == "Leverantörsfakturor 2024"
    assert rows[2] == [None] * 7  # the empty row is kept, so row numbers match Excel
    assert rows[3] == ["Fakturadatum", "Leverantör", "Belopp", "Antal", "Betald", "Registrerad", "Tid"]
    first = rows[4]
    assert first == [
        date(2024, 1, 31),
        "Åkeri & Söner AB",
        1234.5,
        42.0,
        True,
        datetime(2024, 2, 1, 8, 30),
        clock(13, 45),
    ]
    assert [type(value) for value in first] == [date, str, float, float, bool, datetime, clock]
    assert rows[5] == [date(2024, 2, 29), "Öbergs El", -0.25, None, False, None, None]
    assert len(rows) == 6


def test_xlsx_from_path_matches_bytes_and_streams(tmp_path: Path) -> None:
    data = xlsx_bytes(build_invoice_sheet)
    path = tmp_path / "upload.tmp"  # the name decides nothing
    path.write_bytes(data)

    from_path = open_table("fakturor.xlsx", path=path)
    from_bytes = open_table("fakturor.xlsx", data)

    assert from_path.checksum == from_bytes.checksum
    assert list(from_path.iter_rows()) == list(from_bytes.iter_rows())
    assert list(from_path.iter_rows()) == list(from_path.iter_rows())  # each call is a fresh pass
    sheet = from_path.sheet_data()
    assert isinstance(sheet, SheetData) and sheet.name == "Fakturor"
    assert iter(sheet.rows) is sheet.rows  # an iterator, never a materialised list


def test_xlsx_skips_an_empty_first_sheet() -> None:
    def build(workbook: openpyxl.Workbook) -> None:
        workbook.active.title = "Instruktion"
        data = workbook.create_sheet("Data")
        data.append(["Konto", "Belopp"])
        data.append([4010, 99.5])

    data = xlsx_bytes(build)

    table = open_table("två blad.xlsx", data)

    assert table.sheet_names == ["Instruktion", "Data"]
    assert table.sheet_name == "Data"
    assert list(table.iter_rows()) == [["Konto", "Belopp"], [4010.0, 99.5]]
    assert "Bladet Instruktion i två blad.xlsx är tomt" in refusal("två blad.xlsx", data, sheet="Instruktion")
    assert "Bladen i filen är: Instruktion, Data" in refusal("två blad.xlsx", data, sheet="Blad9")


def test_xlsx_prefers_a_visible_sheet_over_a_hidden_one() -> None:
    def build(workbook: openpyxl.Workbook) -> None:
        lookup = workbook.active
        lookup.title = "Koder"
        lookup.append(["dold lista"])
        lookup.sheet_state = "hidden"
        workbook.create_sheet("Utfall").append(["Belopp", 1.0])

    table = open_table("dold.xlsx", xlsx_bytes(build))

    assert table.sheet_name == "Utfall"
    assert open_table("dold.xlsx", xlsx_bytes(build), sheet="Koder").sheet_name == "Koder"


def test_xlsx_columns_start_at_column_a_even_when_column_a_is_empty() -> None:
    def build(workbook: openpyxl.Workbook) -> None:
        workbook.active["C2"] = "Belopp"
        workbook.active["C3"] = 10

    rows = list(open_table("indrag.xlsx", xlsx_bytes(build)).iter_rows())

    assert rows == [[None, None, None], [None, None, "Belopp"], [None, None, 10.0]]


def test_xlsx_without_any_filled_cell_is_refused() -> None:
    assert "inga ifyllda celler" in refusal("tom.xlsx", xlsx_bytes(lambda workbook: None))


# ---------------------------------------------------------------------------- csv


@pytest.mark.parametrize(
    ("data", "encoding", "delimiter", "rows"),
    [
        pytest.param(
            "Förvaltning;Leverantör;Belopp\r\nSkolförvaltningen;Åkeri & Söner AB;1 234,50\r\n"
            "Äldreomsorgen;;-500\r\n".encode("cp1252"),
            "cp1252",
            ";",
            [
                ["Förvaltning", "Leverantör", "Belopp"],
                ["Skolförvaltningen", "Åkeri & Söner AB", "1 234,50"],
                ["Äldreomsorgen", None, "-500"],
            ],
            id="semicolon-cp1252-decimal-commas",
        ),
        pytest.param(
            '\ufeffNamn,Belopp,Kommentar\r\n"Ek, Ås AB",100,"rad ett\nrad två"\r\nBo AB,200,\r\n'.encode(),
            "utf-8-sig",
            ",",
            [
                ["Namn", "Belopp", "Kommentar"],
                ["Ek, Ås AB", "100", "rad ett\nrad två"],
                ["Bo AB", "200", None],
            ],
            id="comma-utf8-bom-quoted-delimiter-and-newline",
        ),
        pytest.param(
            "Konto\tBenämning\tBelopp\n4010\tInköp, övrigt\t12,5\n".encode(),
            "utf-8",
            "\t",
            [["Konto", "Benämning", "Belopp"], ["4010", "Inköp, övrigt", "12,5"]],
            id="tab-utf8",
        ),
        pytest.param(
            "Konto\tBelopp\r\n4010\t12,5\r\n".encode("utf-16"),
            "utf-16",
            "\t",
            [["Konto", "Belopp"], ["4010", "12,5"]],
            id="excel-unicode-text-utf16",
        ),
        pytest.param(
            b"Konto;Belopp;\n\n4010;12;\n5010;;\n",
            "utf-8",
            ";",
            [["Konto", "Belopp"], [], ["4010", "12"], ["5010", None]],
            id="trailing-delimiter-on-every-line-is-dropped-blank-line-kept",
        ),
        pytest.param(
            b"Konto;Belopp\r4010;12\r",
            "utf-8",
            ";",
            [["Konto", "Belopp"], ["4010", "12"]],
            id="old-mac-line-endings",
        ),
    ],
)
def test_csv_encodings_and_delimiters(
    data: bytes, encoding: str, delimiter: str, rows: list[list[object]]
) -> None:
    table = open_table("export.csv", data)

    assert (table.kind, table.encoding, table.delimiter) == ("csv", encoding, delimiter)
    assert (table.sheet_names, table.sheet_name) == ([], "")
    assert table.checksum == hashlib.sha256(data).hexdigest()
    assert list(table.iter_rows()) == rows


def test_csv_keeps_a_trailing_empty_column_that_only_some_rows_have() -> None:
    table = open_table("x.csv", b"A;B;C\n1;2;\n")

    assert list(table.iter_rows()) == [["A", "B", "C"], ["1", "2", None]]


def test_csv_with_an_unterminated_quote_is_refused() -> None:
    message = refusal("x.csv", 'Leverantör;Belopp\n"Åkeri AB;100\nBo AB;200\n'.encode())

    assert "citattecken" in message


def test_a_csv_named_xlsx_is_read_as_csv_by_content() -> None:
    assert open_table("egentligen.xlsx", b"a;b\n1;2\n").kind == "csv"


# ---------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("file_name", "data", "expected"),
    [
        pytest.param("tom.csv", b"", "Filen är tom", id="empty"),
        pytest.param("blankt.csv", b" \r\n\r\n", "Filen är tom", id="only-whitespace"),
        pytest.param(
            "x.xlsx",
            b"MZ\x90\x00\x03\x00\x00\x00" + random.Random(1).randbytes(2000),
            "x.xlsx är ett program, inte ett kalkylblad",
            id="renamed-exe",
        ),
        pytest.param(
            "x.csv", b"\x7fELF\x02\x01\x01" + bytes(100), "är ett program, inte ett kalkylblad", id="elf"
        ),
        pytest.param(
            "budget.xlsx",
            bytes.fromhex("D0CF11E0A1B11AE1") + bytes(512),
            "budget.xlsx är lösenordsskyddad eller i gammalt .xls-format; spara som .xlsx utan lösenord",
            id="ole2-encrypted-or-xls",
        ),
        pytest.param(
            "arkiv.xlsx",
            make_zip({"läsmig.txt": b"inte ett kalkylblad"}),
            "arkiv.xlsx är en zip-fil men inte en Excel-arbetsbok",
            id="zip-not-a-workbook",
        ),
        pytest.param(
            "kalkyl.xlsx",
            make_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
            "OpenDocument-kalkylblad (.ods)",
            id="ods-renamed",
        ),
        pytest.param(
            "kalkyl.xlsx", b"PK\x03\x04" + bytes(200), "är skadad och kan inte öppnas", id="broken-zip"
        ),
        pytest.param("slump.csv", random.Random(7).randbytes(4096), "binära data", id="random-binary"),
        pytest.param("text.csv", b"Bara en mening\nutan kolumner\n", "saknar avgränsare", id="no-delimiter"),
        pytest.param(
            "rapport.xls",
            b"<html><body><table><tr><td>Konto</td><td>Belopp</td></tr></table></body></html>",
            "är en HTML- eller XML-fil",
            id="html-disguised-as-xls",
        ),
    ],
)
def test_refusals(file_name: str, data: bytes, expected: str, calamine_forbidden: None) -> None:
    assert expected in refusal(file_name, data)


def test_a_file_over_max_file_bytes_is_refused(tmp_path: Path) -> None:
    data = b"Konto;Belopp\n" + b"4010;12\n" * 200
    path = tmp_path / "stor.csv"
    path.write_bytes(data)
    limits = ReadLimits(max_file_bytes=1000)

    assert "stor.csv är för stor (1,6 kB); största tillåtna storlek är 1000 byte" in refusal(
        "stor.csv", data, limits=limits
    )
    with pytest.raises(ImportRefusedError, match="för stor"):
        open_table("stor.csv", path=path, limits=limits)


def test_exactly_one_source_is_required() -> None:
    with pytest.raises(TypeError):
        open_table("x.csv")
    with pytest.raises(TypeError):
        open_table("x.csv", b"a;b\n", path=Path("x.csv"))


BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b"]>\n"
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)


@pytest.mark.parametrize(
    ("member", "content"),
    [
        pytest.param("xl/worksheets/sheet1.xml", BILLION_LAUGHS, id="billion-laughs-in-sheet"),
        pytest.param(
            "xl/workbook.xml",
            b'<?xml version="1.0"?><!DOCTYPE workbook [<!ENTITY x "y">]><workbook/>',
            id="entity-in-workbook",
        ),
        pytest.param(
            "xl/worksheets/sheet1.xml",
            b'<?xml version="1.0"?><!--' + b" " * 100_000 + b"--><!DOCTYPE w [<!ENTITY x 'y'>]><worksheet/>",
            id="doctype-pushed-past-the-scan-by-a-comment",
        ),
    ],
)
def test_xml_entity_declarations_are_refused_before_parsing(
    member: str, content: bytes, calamine_forbidden: None
) -> None:
    data = rezip(xlsx_bytes(build_invoice_sheet), {member: content})

    assert "DOCTYPE/ENTITY" in refusal("skratt.xlsx", data)


# ---------------------------------------------------------------------------- real samples


@pytest.mark.skipif(not OREBRO.exists(), reason=f"real sample missing: {OREBRO}")
def test_real_orebro_workbook(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.perf_counter()
    table = open_table(OREBRO.name, path=OREBRO)
    opened = time.perf_counter()
    rows = table.iter_rows()
    header_at, header = next((i, row) for i, row in enumerate(rows) if any(v is not None for v in row))
    data_rows = sum(1 for row in rows if any(value is not None for value in row))
    finished = time.perf_counter()

    assert table.kind == "xlsx"
    assert table.sheet_name == "Blad2"  # the workbook's only sheet
    assert header == ["RN1/FÖRVALTNING", "LEVERANTÖR", "ORGANISATIO", "FAKT NR", "KONTO", "UTFALL"]
    assert header_at == 0
    assert data_rows == 68_021
    with capsys.disabled():
        print(
            f"\nÖrebro {OREBRO.stat().st_size / MB:.1f} MB: open_table {opened - started:.2f} s "
            f"(checks + calamine load), iterate {68_022} rows {finished - opened:.2f} s"
        )


@pytest.mark.skipif(not OXFORD.exists(), reason=f"real sample missing: {OXFORD}")
def test_real_oxford_csv() -> None:
    table = open_table(OXFORD.name, path=OXFORD)
    rows = list(table.iter_rows())

    assert (table.kind, table.encoding, table.delimiter) == ("csv", "utf-8", ",")
    assert rows[0][:3] == ["body_name", "organisational_unit", "expenditure_category"]
    assert rows[1][1] == "Policy, Culture and Communication"  # a quoted comma stays in its field
    assert {len(row) for row in rows} == {10}
    assert len(rows) == 3861


# ------------------------------------------------------------- sheets that claim to be huge (issue 11)


def one_far_cell(cell: str) -> Callable[[openpyxl.Workbook], None]:
    def build(workbook: openpyxl.Workbook) -> None:
        sheet = workbook.active
        sheet["A1"], sheet["B1"], sheet[cell] = "Belopp", "Leverantör", 1

    return build


def declared_dimension(ref: str) -> bytes:
    """A small honest sheet whose <dimension> claims ``ref``."""
    data = xlsx_bytes(one_far_cell("B2"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    start = sheet_xml.index(b"<dimension ref=\"") + len(b"<dimension ref=\"")
    end = sheet_xml.index(b'"', start)
    return rezip(data, {"xl/worksheets/sheet1.xml": sheet_xml[:start] + ref.encode() + sheet_xml[end:]})


@pytest.mark.parametrize(
    ("data", "reach"),
    [
        pytest.param(xlsx_bytes(one_far_cell("XFD1048576")), "XFD1048576", id="one-cell-at-XFD1048576"),
        pytest.param(xlsx_bytes(one_far_cell("ZZ100000")), "ZZ100000", id="one-cell-at-ZZ100000"),
        pytest.param(xlsx_bytes(one_far_cell("HA2")), "HA2", id="201-columns"),
        pytest.param(xlsx_bytes(one_far_cell("AD1048576")), "AD1048576", id="over-30-million-cells"),
        pytest.param(declared_dimension("A1:XFD1048576"), "XFD1048576", id="a-lying-dimension"),
    ],
)
def test_a_sheet_beyond_the_limits_is_refused_before_any_reader_allocates(
    data: bytes, reach: str, calamine_forbidden: None
) -> None:
    """A 5 KB file with one cell at XFD1048576 made calamine ask for 512 GB and
    abort the server: the sheet's extent is read from the zip first."""
    message = refusal("langt-ut.xlsx", data)
    assert f"sträcker sig till {reach}" in message and "Inget importerades" in message


def test_a_sheet_within_the_limits_is_read() -> None:
    table = open_table("nara.xlsx", xlsx_bytes(one_far_cell("GR100")), limits=ReadLimits())  # 200 columns
    assert len(next(iter(table.iter_rows()))) == 200


def test_the_sheet_limits_are_settings() -> None:
    data = xlsx_bytes(one_far_cell("C10"))
    assert "sträcker sig till C10" in refusal("liten.xlsx", data, limits=ReadLimits(max_sheet_rows=9))
    assert "sträcker sig till C10" in refusal("liten.xlsx", data, limits=ReadLimits(max_sheet_cells=29))
    assert open_table("liten.xlsx", data, limits=ReadLimits(max_sheet_cells=30)).sheet_name


def test_a_far_cell_written_with_other_whitespace_or_quotes_is_found(calamine_forbidden: None) -> None:
    data = xlsx_bytes(one_far_cell("B2"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    sneaky = sheet_xml.replace(b'<c r="B2"', b"<c\n\tr = 'XFD1048576'")
    assert sneaky != sheet_xml
    message = refusal("listig.xlsx", rezip(data, {"xl/worksheets/sheet1.xml": sneaky}))
    assert "sträcker sig till XFD1048576" in message
