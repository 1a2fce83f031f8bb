"""Issue 11, point 9: no CSV or Excel file the app or its command line writes
holds a cell a spreadsheet would run as a formula (OWASP's CSV injection
rule, one helper: ``data_access.exports.spreadsheet_safety``), and the grid's own
"Download as CSV" is switched off (``client.disableDataExport``).

The hostile names enter through the real importer, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine

from data_access.cli import main
from data_access.exports.excel import table_workbook
from data_access.exports.spreadsheet_safety import csv_safe_row, csv_writer, is_formula_like, neutralise_text

REPO_ROOT = Path(__file__).resolve().parent.parent

HYPERLINK = '=HYPERLINK("http://127.0.0.1:9/x","y")'
DDE = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1)"
MINUS_FORMULA = "-2+3"
TAB = "\t=1"
CARRIAGE_RETURN = "\r=1"
PAYLOADS = (HYPERLINK, DDE, AT_SUM, MINUS_FORMULA, TAB, CARRIAGE_RETURN, '=1+2";=1+2', "-", "+5", "-1e5")
PLAIN = ("Menigo Foodservice AB", "Solgläntan", "2025-03", "ALL", "", "Kök & café", "a=b", "1-2", "−5 %")
NUMBERS = ("-1234.50", "-5", "0.00", "1234.50", "-0.00", "85.07")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_like_text_gets_a_quote(payload: str) -> None:
    assert is_formula_like(payload)
    assert neutralise_text(payload) == "'" + payload


@pytest.mark.parametrize("text", PLAIN + NUMBERS)
def test_plain_text_and_plain_numbers_stay_as_they_are(text: str) -> None:
    """Names that merely contain a trigger, and the command line's amounts
    (a credit is ``-1234.50``), are not formulas: a quote would turn a number
    into text and break a sum."""
    assert not is_formula_like(text)
    assert neutralise_text(text) == text


def test_a_csv_row_keeps_its_cells_whole_and_numbers_as_numbers() -> None:
    """The writer's quoting keeps a separator or a quote inside its cell, so
    nothing after the quote-prefixed start can open a second, live cell."""
    out = io.StringIO()
    csv_writer(out).writerow(['=1+2";=1+2,=3', -5, 1.5, None, "-200.00", "Kök & café"])
    assert out.getvalue() == '"\'=1+2"";=1+2,=3",-5,1.5,,-200.00,Kök & café\n'
    assert csv_safe_row(["@SUM(1)", -5, None]) == ["'@SUM(1)", -5, None]


def test_a_carriage_return_inside_a_cell_cannot_start_a_row() -> None:
    """Python's writer leaves a bare CR unquoted when rows end in \\n, and a
    spreadsheet takes it for a row end: the formula after it would be live."""
    sneaky = "Menigo\r" + DDE
    bare = io.StringIO()
    csv.writer(bare, lineterminator="\n").writerow([sneaky, "1.00"])
    assert bare.getvalue() == f"Menigo\r{DDE},1.00\n"  # what the helper guards against

    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerows([["key", "amount"], [sneaky, "1.00"], ["\r=1", "-2.00"]])
    assert out.getvalue() == (f'key,amount\n"Menigo\r{DDE}","1.00"\n"\'\r=1","-2.00"\n')
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [
        ["key", "amount"],
        [sneaky, "1.00"],
        ["'\r=1", "-2.00"],
    ]


def test_excel_stores_formula_like_text_as_quote_prefixed_strings() -> None:
    """Excel shows the text without a quote and never evaluates it, not even
    after someone edits the cell; numbers stay numbers."""
    from decimal import Decimal

    book = openpyxl.load_workbook(
        io.BytesIO(
            table_workbook(
                ["Leverantör", "Belopp"],
                [[payload, Decimal("-1234.50")] for payload in PAYLOADS] + [["Menigo", Decimal("10")]],
                notes=[HYPERLINK],
            )
        )
    )
    sheet = book.active
    assert (sheet["A1"].value, sheet["A1"].data_type, sheet["A1"].quotePrefix) == (HYPERLINK, "s", True)
    rows = list(sheet.iter_rows(min_row=4, values_only=False))
    for (name, amount), payload in zip(rows, PAYLOADS, strict=False):
        # XML reads a stored carriage return back as a line feed.
        assert (name.value, name.data_type, name.quotePrefix) == (payload.replace("\r", "\n"), "s", True)
        assert (amount.value, amount.data_type) == (-1234.5, "n")
    menigo = rows[-1][0]
    assert (menigo.value, menigo.quotePrefix) == ("Menigo", False)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def _invoice_file(path: Path) -> Path:
    """An invoice export whose supplier names and unit codes are payloads (no
    org numbers, so the report's supplier key is the name)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Fakturadatum", "Leverantör", "Enhet", "Belopp"])
        writer.writerow(["2025-03-01", HYPERLINK, AT_SUM, "1000,00"])
        writer.writerow(["2025-03-02", DDE, MINUS_FORMULA, "-200,00"])
        writer.writerow(["2025-03-03", "Menigo", "1001", "50,00"])
    return path


def _report(by: str) -> list[list[str]]:
    out = io.StringIO()
    assert main(["report", "fidelity", "--by", by], out=out) == 0
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_the_fidelity_report_csv_neutralises_names_from_imported_files(
    engine: Engine, tmp_path: Path
) -> None:
    assert main(["import", "invoices", str(_invoice_file(tmp_path / "export.csv"))], out=io.StringIO()) == 0

    suppliers = _report("supplier")
    keys = [row[0] for row in suppliers[1:]]
    assert "'" + HYPERLINK in keys and "'" + DDE in keys and "Menigo" in keys
    units = {row[0]: row for row in _report("unit")[1:]}
    assert {"'" + AT_SUM, "'" + MINUS_FORMULA, "1001", "ALL"} <= set(units)
    # The amounts stay numbers: a credit's minus sign gets no quote.
    assert units["'" + MINUS_FORMULA][1:6].count("-200.00") == 1
    for row in suppliers + list(units.values()):
        assert not any(is_formula_like(cell) for cell in row), row


def test_the_grid_download_is_switched_off_for_the_whole_app() -> None:
    """Streamlit 1.67 has no per-table switch for its "Download as CSV"; the
    app-wide ``client.disableDataExport`` hides it on every st.dataframe and
    chart table (the browser test checks it on real pages)."""
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
