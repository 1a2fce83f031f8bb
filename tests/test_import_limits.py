"""Issue 11, points 4-6: an upload's cost in time and memory is bounded by its
real size, and a refusal names what is really wrong.

The hostile files are generated here, never committed. Where a case is slow on
unbounded code, the test asserts a bound that does not depend on machine speed
(a count of calls, a limit lowered through the limits object) so it stays small
and fast, and fails at once on the code before the fix.
"""

from __future__ import annotations

import pytest

from data_access.importing import columns
from data_access.importing.columns import MAX_HEADER_CHARS, ImportKind, apply_profile, guess_mapping
from data_access.importing.errors import ImportRefusedError
from data_access.importing.files import ReadLimits, open_table

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
