"""Tables on screen: what st.dataframe gets holds no None or NaN (it would
write "None"), and a column with gaps still sorts by value."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ui.tables import swedish_table


def test_gaps_read_as_a_dash_and_numbers_keep_their_order() -> None:
    frame = pd.DataFrame(
        {
            "Namn": ["A", None, "C"],
            "Andel": [2.25, None, 10.5],
            "Antal": [3, 12, 7],
            "Datum": [date(2026, 3, 14), None, date(2025, 1, 2)],
        }
    )
    styled = swedish_table(frame, {"Andel": lambda value: f"{value:.1f}".replace(".", ",")})
    data = styled.data
    assert list(data["Namn"]) == ["A", "–", "C"]
    assert list(data["Andel"]) == [" 2,2", "–", "10,5"]
    assert sorted(data["Andel"]) == [" 2,2", "10,5", "–"]  # as the browser sorts text: by size, gaps last
    assert list(data["Datum"]) == ["2026-03-14", "–", "2025-01-02"]
    assert data["Antal"].dtype.kind == "i"  # no gaps: the numbers themselves, shown grouped
    shown = styled.to_string()
    assert "None" not in shown and "nan" not in shown.lower()
