"""Text that a spreadsheet would run as a formula, made inert: one rule for
every CSV and Excel file the app or its command line writes.

Names in the database come from other people's files (suppliers, units,
categories, contracts) and from the public needs form. A cell such as
``=HYPERLINK("http://x","y")``, ``+cmd|' /C calc'!A0`` or ``@SUM(1)``, opened
in Excel or LibreOffice, is evaluated: it can show a phishing link, pull
data out of the sheet or, with DDE, start a program on the reader's machine.

The rule is OWASP's (CSV injection): a text cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is formula-like. In a CSV it
is written with a single quote in front, so the spreadsheet shows it as text;
embedded separators, quotes and line breaks are left to :mod:`csv`'s
quoting, which keeps the whole value in its one cell. One gap in that
quoting is closed here: with rows ending in ``\n``, Python's writer leaves a
field holding a carriage return unquoted, and a spreadsheet takes that bare
CR for the end of a row, so ``Menigo\r=HYPERLINK(...)`` would start a new
row with a live formula that the first-character rule never saw.
:func:`csv_writer` quotes such a row's cells. In an Excel file the
cell is a string cell marked "quote prefix" (``data_access.exports.excel``): it shows
exactly the text, and stays text even when someone edits it and presses
Enter.

One deliberate exception: a plain decimal number such as ``-1234.50`` or
``-5`` (an optional minus sign, ASCII digits, at most one decimal point and
digits after it) is left as it is. That is how the command line writes
credit amounts, and a spreadsheet reads it as the number it is; it cannot
call a function or reach another cell, so a quote would only turn a number
into text and break sums. ``-2+3``, ``-1e5``, ``+5`` and ``-`` alone are
not plain numbers and get the quote.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TextIO

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISING_PREFIX = "'"
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula (OWASP's
    triggers), plain decimal numbers excepted (see the module docstring)."""
    return text.startswith(FORMULA_TRIGGERS) and _PLAIN_NUMBER.fullmatch(text) is None


def neutralise_text(text: str) -> str:
    """``text`` as a CSV cell that no spreadsheet evaluates: a single quote in
    front when it is formula-like, otherwise unchanged."""
    return NEUTRALISING_PREFIX + text if is_formula_like(text) else text


def csv_safe_row(cells: Iterable[object]) -> list[object]:
    """A row for :func:`csv.writer`: every text cell through
    :func:`neutralise_text`; numbers, dates and ``None`` as they are (the
    writer turns them into digits, which no spreadsheet evaluates)."""
    return [neutralise_text(cell) if isinstance(cell, str) else cell for cell in cells]


class SafeCsvWriter:
    """:func:`csv.writer`'s minimal quoting and ``\n`` line ends, with every
    row through :func:`csv_safe_row`; a row with a carriage return in a text
    cell is written with every cell quoted (see the module docstring)."""

    def __init__(self, out: TextIO) -> None:
        self._minimal = csv.writer(out, lineterminator="\n")
        self._quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row: Iterable[object]) -> None:
        cells = csv_safe_row(row)
        bare_cr = any(isinstance(cell, str) and "\r" in cell for cell in cells)
        (self._quoted if bare_cr else self._minimal).writerow(cells)

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO) -> SafeCsvWriter:
    """The writer for every CSV the app or its command line writes."""
    return SafeCsvWriter(out)
