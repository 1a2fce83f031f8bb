"""Tables of the units that buy something (on a contract, in a category
elsewhere), for the contract page and Vem köper vad.

Every unit name opens the unit page (a link column whose text is the name),
amounts and shares are formatted the Swedish way, nothing missing shows as
"None", and choosing a row shows it in full below the table: the grid cuts
long text, and wraps none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ui.format import MISSING, is_missing
from ui.tables import swedish_table
from ui.text import md
from ui.widgets import chosen_row

UNIT_COLUMN = "Enhet"


@dataclass(frozen=True)
class UnitCell:
    """What the unit column shows (the name) and where it leads."""

    name: str
    link: str


def text_or_dash(value: object) -> str:
    return MISSING if is_missing(value) or value == "" else str(value)


def buyer_table(
    frame: pd.DataFrame,
    units: Sequence[UnitCell],
    *,
    key: str,
    formats: Mapping[str, Callable[[object], str]],
    column_config: Mapping[str, object],
    unit_width: int = 240,
) -> int | None:
    """Draw the unit links followed by ``frame`` and return the position of
    the chosen row, or None. Columns in ``formats`` are shown through their
    formatter; text columns must hold no missing value (``text_or_dash``)."""
    shown = frame.copy()
    shown.insert(0, UNIT_COLUMN, [unit.link for unit in units])
    names = {unit.link: unit.name for unit in units}
    # swedish_table: a column with a gap (a share of a list that sums to zero)
    # becomes its text, since Streamlit would write "None" over the Styler's dash.
    styled = swedish_table(shown, {UNIT_COLUMN: lambda link: names.get(link, MISSING), **formats})
    return chosen_row(
        styled,
        key=key,
        column_config={
            UNIT_COLUMN: st.column_config.LinkColumn(
                UNIT_COLUMN, width=unit_width, pinned=True, help="Öppnar enhetens sida"
            ),
            **column_config,
        },
    )


def row_details(
    title: str, facts: Sequence[tuple[str, str]], page_link: tuple[str, dict[str, str]] | None
) -> None:
    """A chosen row in full: its name and every fact, wrapped as needed."""
    with st.container(border=True):
        st.markdown(f"**{md(title)}**")
        st.markdown("  \n".join(f"{label}: {md(value)}" for label, value in facts))
        if page_link is not None:
            page, params = page_link
            st.page_link(page, label="Öppna enhetens sida", icon=":material/apartment:", query_params=params)
