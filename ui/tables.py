"""Tables as people read them: Swedish numbers and dates, a dash where a
value is missing, never "None" or "nan".

``st.dataframe`` shows a float as "2.7" and a missing cell as "None"; a
Styler gives every cell the text it should show while the frame underneath
keeps its numbers and dates, so sorting a column still sorts by value. But
Streamlit ignores a Styler's text for a missing cell (checked in Chromium with
1.67), so a column with gaps is turned into its text here: missing cells read
"–", and numbers are padded on the left with spaces (which sort before
digits) so the column still sorts by size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from operator import attrgetter
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from ui.format import MISSING, decimal_number, integer, is_missing, iso_date

Formatter = Callable[[object], str]
Column = str | Callable[[Any], object]  # an attribute name, or a function of the record


def records_table(records: Iterable[object], columns: Mapping[str, Column]) -> pd.DataFrame:
    """One row per record, one column per header: the attribute it names
    (dots reach further, ``"unit.name"``) or what the function makes of the
    record. Pages build their tables from query records this one way, and an
    empty list still gives a table with its headers."""
    rows = list(records)
    getters = {header: attrgetter(how) if isinstance(how, str) else how for header, how in columns.items()}
    return pd.DataFrame({header: [get(row) for row in rows] for header, get in getters.items()})


def _cell_date(value: object) -> str:
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.date().isoformat()
    if isinstance(value, date):
        return iso_date(value)
    return str(value)


def _default_formatter(series: pd.Series) -> Formatter | None:
    """How a column is shown when the caller does not say: whole numbers
    grouped, other numbers with one decimal and a decimal comma, dates as
    2026-03-14."""
    if pd.api.types.is_bool_dtype(series):
        return lambda value: "ja" if value else "nej"
    if pd.api.types.is_integer_dtype(series):
        return integer
    if pd.api.types.is_float_dtype(series):
        return decimal_number
    if pd.api.types.is_datetime64_any_dtype(series):
        return _cell_date
    sample = series.dropna()
    if not sample.empty and all(isinstance(value, date) for value in sample.head(50)):
        return _cell_date
    return None


def _as_text(series: pd.Series, formatter: Formatter | None) -> pd.Series:
    """A column with gaps as the text it shows: "–" in the gaps; numbers
    padded to one width so that sorting the text sorts the numbers."""
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    texts = [MISSING if is_missing(value) else (formatter or str)(value) for value in series]
    if numeric:
        width = max((len(text) for text in texts if text != MISSING), default=0)
        texts = [text if text == MISSING else text.rjust(width) for text in texts]
    return pd.Series(texts, index=series.index, dtype=object)


def swedish_table(frame: pd.DataFrame, formats: Mapping[str, Formatter] | None = None) -> Styler:
    """The frame styled for ``st.dataframe``: ``formats`` per column, a
    sensible Swedish default for the others, and "–" in every empty cell."""
    chosen: dict[str, Formatter] = {}
    shown = frame.copy()
    for column in frame.columns:
        formatter = (formats or {}).get(column) or _default_formatter(frame[column])
        if frame[column].isna().any():
            shown[column] = _as_text(frame[column], formatter)
        elif formatter is not None:
            chosen[column] = formatter
    return shown.style.format(chosen, na_rep=MISSING)
