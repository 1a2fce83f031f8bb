"""Issue 11, points 4-6: an upload's cost in time and memory is bounded by its
real size, and a refusal names what is really wrong.

The hostile files are generated here, never committed. Where a case is slow on
unbounded code, the test asserts a bound that does not depend on machine speed
(a count of calls, a limit lowered through the limits object) so it stays small
and fast, and fails at once on the code before the fix. The hostile zips
of both readers (zip bombs, too many entries) are in test_archives.py.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data_access.cli import main
from data_access.core.models import ImportBatch
from data_access.importing import columns, peppol
from data_access.importing.columns import MAX_HEADER_CHARS, ImportKind, apply_profile, guess_mapping
from data_access.importing.errors import ImportRefusedError
from data_access.importing.files import ReadLimits, open_table
from data_access.importing.peppol import PeppolLimits, read_peppol_files
from tests.handmade import peppol_invoice, replace_member, xlsx_with

MB = 1024**2

# --- point 5: guessing the column mapping is linear in the header's size --------------------------


@pytest.fixture
def fold_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count fold() calls in the column module; fold never sees a long cell."""
    calls = [0]
    real = columns.fold

    def counting(text: object) -> str:
        calls[0] += 1
        assert len(str(text or "")) <= MAX_HEADER_CHARS, "a cell too long to be a header was folded"
        if calls[0] > 50_000:
            raise AssertionError("guessing folds far more than once per header cell")
        return real(text)

    monkeypatch.setattr(columns, "fold", counting)
    return calls


def test_guessing_folds_each_header_cell_about_once(fold_calls: list[int]) -> None:
    # 500 columns x 20 rows: the code before folded every field's synonyms again
    # for every cell (about 1.3 million calls here; 11 million for 5,000 columns).
    width = 500
    rows = [[f"Kolumn {index}" for index in range(width)] for _ in range(19)]
    rows.insert(5, ["Fakturadatum", "Leverantör", "Org.nr", *(f"x{i}" for i in range(width - 4)), "Belopp"])
    mapping = guess_mapping(ImportKind.INVOICES, rows)
    assert mapping is not None and mapping.header_row == 5
    found = [mapping.columns[name] for name in ("date", "supplier_name", "org_number", "amount")]
    assert found == [0, 1, 2, width - 1]
    cells = sum(len(row) for row in rows)
    # One fold per cell and one per word of it ("Kolumn 7" has two), plus the synonyms once.
    assert fold_calls[0] <= 3 * cells + 500


def test_a_huge_cell_in_the_first_rows_is_not_folded(fold_calls: list[int]) -> None:
    huge = "Belopp " * 1_500_000  # 10 MB; folding it took seconds, per field
    rows = [["Rapport", huge], ["Leverantör", "Belopp", huge], ["Menigo AB", "100", "x"]]
    mapping = guess_mapping(ImportKind.INVOICES, rows)
    assert mapping is not None
    assert (mapping.header_row, mapping.columns["supplier_name"], mapping.columns["amount"]) == (1, 0, 1)


def test_a_long_cell_names_no_column() -> None:
    # A header row is short text; a cell of 201 characters that mentions a
    # synonym as one of its words is a note, not the amount column.
    note = "Belopp " + "x" * (MAX_HEADER_CHARS - 6)
    assert len(note) == MAX_HEADER_CHARS + 1
    mapping = guess_mapping(ImportKind.INVOICES, [["Leverantör", note, "Summa belopp"]])
    assert mapping is not None and mapping.columns["amount"] == 2


def test_a_saved_profile_still_finds_its_headers_beside_huge_cells(fold_calls: list[int]) -> None:
    rows = [["x" * 10_000_000, "Lev.namn", "Nettobelopp"], ["", "Menigo AB", "100"]]
    mapping = apply_profile(ImportKind.INVOICES, rows, {"supplier_name": "Lev.namn", "amount": "Nettobelopp"})
    assert mapping is not None
    assert (mapping.columns["supplier_name"], mapping.columns["amount"]) == (1, 2)


def test_a_csv_wider_than_the_column_limit_is_refused_before_guessing(fold_calls: list[int]) -> None:
    # 5,000 columns x 20 rows (250 KB) took a minute of CPU to guess.
    rows = [";".join(f"Kolumn {index}" for index in range(5000))] + [";".join("1" * 5000)] * 19
    message = csv_refusal("bred.csv", ("\n".join(rows) + "\n").encode())
    assert "rad 1 har en ifylld cell i kolumn GJH (kolumn 5\u00a0000)" in message
    assert "högst 200 kolumner" in message and message.endswith("Inget importerades.")
    assert fold_calls[0] == 0


def test_empty_cells_padding_a_csv_row_do_not_count_as_columns() -> None:
    data = ("Leverantör;Belopp" + ";" * 4999 + "\nMenigo AB;100" + ";" * 4999 + "\n").encode()
    rows = list(open_table("utfylld.csv", data).iter_rows())
    assert rows[1][:2] == ["Menigo AB", "100"]


# --- point 6: a refusal names the cell that is too big ------------------------------------------


def csv_refusal(file_name: str, data: bytes, limits: ReadLimits | None = None) -> str:
    with pytest.raises(ImportRefusedError) as caught:
        open_table(file_name, data, limits=limits or ReadLimits())
    return str(caught.value)


def test_a_10_mb_csv_cell_is_named_not_blamed_on_a_quote() -> None:
    cell = "x" * (10 * MB)
    data = ("Belopp;Leverantör;Beskrivning\n100;Menigo AB;" + cell + "\n200;Menigo AB;ok\n").encode()
    message = csv_refusal("cell.csv", data)
    assert message.startswith("cell.csv: cellen på rad 2, kolumn C är 10,0 MB (10\u00a0485\u00a0760 tecken)")
    assert "högst 32\u00a0767 tecken" in message and "citattecken" not in message


def test_the_csv_cell_limit_counts_rows_as_excel_does() -> None:
    # Row 2 is one record over two lines, row 3 is blank: the long cell is B4.
    data = 'Leverantör;Belopp\n"Menigo\nAB";100\n\nÖbergs El;12345678901\n'.encode()
    limits = ReadLimits(max_cell_chars=10)
    assert "cellen på rad 4, kolumn B har 11 tecken;" in csv_refusal("rader.csv", data, limits)
    assert open_table("rader.csv", data, limits=ReadLimits(max_cell_chars=11)).kind == "csv"


def test_a_cell_between_excels_limit_and_the_csv_modules_is_refused() -> None:
    # 40,000 characters: the csv module's own limit (131,072) let it through.
    data = ("Leverantör;Belopp\n" + "å" * 40_000 + ";100\n").encode()
    message = csv_refusal("lang.csv", data)
    assert "cellen på rad 2, kolumn A har 40\u00a0000 tecken; en cell får innehålla högst 32\u00a0767" in (
        message
    )


def test_an_unterminated_quote_before_a_long_tail_still_blames_the_quote() -> None:
    data = ('Leverantör;Belopp\n"Menigo AB;100\n' + "x;1\n" * 20).encode()
    message = csv_refusal("citat.csv", data, ReadLimits(max_cell_chars=10))
    assert "citattecken" in message and "cellen" not in message


HEADER = ["Belopp", "Leverantör", "Beskrivning"]
SHORT = ["Belopp", "Namn", "Text"]  # within a lowered limit of 10 characters


@pytest.mark.parametrize("shared", [True, False], ids=["shared string", "inline string"])
def test_a_10_mb_repetitive_xlsx_cell_is_named_not_called_a_zip_bomb(
    shared: bool, calamine_forbidden: None
) -> None:
    data = xlsx_with([HEADER, [100, "Menigo AB", "a" * (10 * MB)], [200, "Menigo AB", "ok"]], shared=shared)
    assert len(data) < 50_000  # it compresses about a thousand times, like a zip bomb
    message = csv_refusal("cell.xlsx", data)
    assert message.startswith("cell.xlsx: cellen på rad 2, kolumn C är 10,0 MB; en cell får innehålla högst")
    assert "zip-bomb" not in message and message.endswith("Inget importerades.")


def test_a_long_xlsx_cell_that_compresses_normally_is_refused_too(calamine_forbidden: None) -> None:
    rows = [SHORT, [100, "Menigo AB", "kort"], [200, "12345678901", "kort"]]
    for shared in (True, False):
        message = csv_refusal("lang.xlsx", xlsx_with(rows, shared=shared), ReadLimits(max_cell_chars=10))
        assert message.startswith("lang.xlsx: cellen på rad 3, kolumn B har 11 tecken; en cell får innehålla")


def test_the_xlsx_cell_limit_counts_characters_not_bytes() -> None:
    # Ten characters: 35 bytes of XML (å is two bytes in UTF-8, & is written &amp;).
    limits = ReadLimits(max_cell_chars=10)
    table = open_table("tio.xlsx", xlsx_with([SHORT, [1, "å&å&å&å&å&", "x"]]), limits=limits)
    assert list(table.iter_rows())[1][1] == "å&å&å&å&å&"
    refused = csv_refusal("elva.xlsx", xlsx_with([SHORT, [1, "å&å&å&å&å&x", "x"]]), limits)
    assert "cellen på rad 2, kolumn B" in refused


def test_a_cell_as_long_as_excel_allows_is_read() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.append([100, "Menigo AB", "å" * 32_767])  # 65,534 bytes of XML
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = list(open_table("excel.xlsx", buffer.getvalue()).iter_rows())
    assert len(rows[1][2]) == 32_767


def test_a_long_shared_string_no_cell_uses_is_still_refused(calamine_forbidden: None) -> None:
    data = xlsx_with([SHORT, [1, "Menigo", "x"]])
    used = b"".join(b"<si><t>%s</t></si>" % text.encode() for text in [*SHORT, "Menigo", "x"])
    sst = b'<sst xmlns="main">' + used + b"<si><t>" + b"y" * 40_000 + b"</t></si></sst>"
    message = csv_refusal("oanvand.xlsx", replace_member(data, "xl/sharedStrings.xml", sst))
    assert message.startswith("oanvand.xlsx: en text i ett av bladen har 40\u00a0000 tecken;")


# --- point 4: PEPPOL parsed incrementally, every limit a setting ------------------------------------


def peppol_refusal(name: str, data: bytes, limits: PeppolLimits | None = None) -> str:
    with pytest.raises(ImportRefusedError) as caught:
        read_peppol_files(name, data, limits=limits or PeppolLimits())
    return str(caught.value)


def test_the_peppol_limits_leave_room_for_real_invoices() -> None:
    limits = PeppolLimits()
    assert (limits.max_document_bytes, limits.max_total_bytes, limits.max_upload_bytes) == (
        50 * MB,
        200 * MB,
        200 * MB,
    )
    assert (limits.max_elements, limits.max_total_elements, limits.archive.max_members) == (
        1_000_000,
        5_000_000,
        10_000,
    )
    # An invoice with 10,000 fully described lines is some 20 MB and 350,000 elements.
    (document,) = read_peppol_files("stor.xml", peppol_invoice(lines=10_000))
    assert len(document.lines) == 10_000


def test_a_document_over_the_size_limit_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a document over the size limit was parsed")

    monkeypatch.setattr(peppol, "DefusedXMLParser", never)
    data = peppol_invoice(lines=200)
    message = peppol_refusal("stor.xml", data, PeppolLimits(max_document_bytes=len(data) - 1))
    assert message.startswith("stor.xml: en e-faktura får vara högst")
    assert message.endswith("Inget importerades.")


def test_a_flood_of_elements_is_refused_at_the_element_limit_in_bounded_memory() -> None:
    # 200,000 tiny elements (4.4 MB): the whole tree took about 19 MB before
    # (1.8 GB for 4 million); now nothing the reading does not use is built
    # (0.3 MB), and the element limit stops a file long before the end.
    flood = peppol_invoice(filler="<cbc:Note>x</cbc:Note>" * 200_000)
    tracemalloc.start()
    try:
        (document,) = read_peppol_files("noter.xml", flood)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert document.invoice_number == "F-1" and peak < 2 * MB
    message = peppol_refusal("noter.xml", flood, PeppolLimits(max_elements=50_000))
    assert "noter.xml: filen har fler än 50\u00a0000 XML-element" in message


def test_the_element_limit_counts_every_file_of_a_zip() -> None:
    data = zipped({f"{index}.xml": peppol_invoice(lines=20) for index in range(5)})
    assert len(read_peppol_files("fem.zip", data)) == 5
    message = peppol_refusal("fem.zip", data, PeppolLimits(max_total_elements=300))
    assert "filerna har tillsammans fler än 300 XML-element" in message


def test_nesting_deeper_than_any_invoice_is_refused() -> None:
    deep = peppol_invoice(filler="<cbc:Note>" * 80 + "x" + "</cbc:Note>" * 80)
    assert "ligger mer än 64 nivåer djupt" in peppol_refusal("djup.xml", deep)


def zipped(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "size", "expected"),
    [
        (
            "stor.zip",
            250 * MB,
            "stor.zip: filen är 250,0 MB; en zip-fil med e-fakturor får vara högst 200,0 MB",
        ),
        ("stor.xml", 51 * MB, "stor.xml: en e-faktura får vara högst 50,0 MB och filen är 51,0 MB"),
    ],
)
def test_the_cli_refuses_an_oversized_peppol_file_before_reading_it(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    size: int,
    expected: str,
) -> None:
    path = tmp_path / name
    with path.open("wb") as handle:
        handle.truncate(size)  # sparse: nothing is written
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == path:
            raise AssertionError("the CLI read a file over the size limit")
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert main(["import", "peppol", str(path)]) == 1
    error = capsys.readouterr().err
    assert expected in error and "Ingenting importerades." in error
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0
