"""Excel files for people to open: bold frozen header, auto filter, Swedish
number formats, the filters written above the table, and no formulas.

Every text is stored as a string cell, never a formula; text that Excel
would evaluate (the rule in ``data_access.exports.spreadsheet_safety``, shared with
every CSV the app writes) is also marked "quote prefix", so a supplier name or
a unit's free text can never run as a formula in someone's Excel, not even
after someone edits the cell and presses Enter. The reader sees the text as it
is, without a quote.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from data_access.exports.spreadsheet_safety import is_formula_like

# Number formats are stored in Excel's US spelling and shown in the reader's
# regional settings: a Swedish Excel shows "#,##0.00" as 1 234 567,89.
AMOUNT_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"


def _cell(sheet, value: object, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=None)
    if isinstance(value, str):
        # Control characters (from an imported cell, say) cannot be stored in
        # a worksheet at all: openpyxl refuses the whole file. A replacement
        # mark shows where one was.
        cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if is_formula_like(value):
            cell.quotePrefix = True  # and it stays text when someone edits it
    elif isinstance(value, Decimal | float):
        cell.value = float(value)
        cell.number_format = AMOUNT_FORMAT
    elif isinstance(value, bool) or value is None:
        cell.value = value
    elif isinstance(value, int):
        cell.value = value
        cell.number_format = INTEGER_FORMAT
    elif isinstance(value, datetime | date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def table_workbook(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str = "Data",
    notes: Sequence[str] = (),
    widths: Sequence[int] | None = None,
) -> bytes:
    """One sheet: ``notes`` (for example the filters) above a header row and the rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31])
    for index, header in enumerate(headers, start=1):
        width = widths[index - 1] if widths else max(12, min(60, len(header) + 4))
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = len(notes) + (2 if notes else 1)
    sheet.freeze_panes = f"A{header_row + 1}"  # before the first row: write-only sheets need it so
    for note in notes:
        sheet.append([_cell(sheet, note)])
    if notes:
        sheet.append([])
    sheet.append([_cell(sheet, header, bold=True) for header in headers])
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
        count += 1
    last_column = get_column_letter(max(len(headers), 1))
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + max(count, 1)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
