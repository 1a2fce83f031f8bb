"""records_table: query records become a table by header, from an attribute,
a dotted attribute or a function; no records still give the headers."""

from __future__ import annotations

from dataclasses import dataclass

from ui.tables import records_table


@dataclass
class Place:
    name: str


@dataclass
class Row:
    amount: float
    place: Place


def test_attributes_dotted_attributes_and_functions() -> None:
    rows = [Row(2.5, Place("A")), Row(10.0, Place("B"))]
    columns = {"Belopp": "amount", "Plats": "place.name", "Dubbelt": lambda row: row.amount * 2}
    frame = records_table(rows, columns)
    assert list(frame.columns) == ["Belopp", "Plats", "Dubbelt"]
    assert frame.to_dict("list") == {"Belopp": [2.5, 10.0], "Plats": ["A", "B"], "Dubbelt": [5.0, 20.0]}


def test_no_records_keep_the_headers() -> None:
    frame = records_table(iter([]), {"Namn": "name", "Belopp": "amount"})
    assert frame.empty and list(frame.columns) == ["Namn", "Belopp"]
