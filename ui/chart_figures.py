"""The figures of a chart as a table beside it (issue 14, WCAG 1.1.1 and
1.4.1): a chart is a picture to a screen reader and colour to the eye, so
every chart the app draws has its numbers in a table or a text too.

The charts whose page already lists the same figures (a breakdown's bars
above its table, Min enhet's month table) need nothing; these are the others:
a month trend, the department × category heatmap and the inbox's two needs
charts. Each table sits under its chart in an expander, "Siffrorna i
diagrammet", one keyboard press away and out of the way otherwise; it is an
HTML table (``st.table``), which a screen reader reads cell by cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd
import streamlit as st

from data_access.customers.needs import NeedStatsRow, busiest, need_totals_by_month
from ui.format import kronor, month_name, percent
from ui.tables import Formatter, swedish_table
from ui.theme import NEED_TYPE_LABELS, need_type_label

FIGURES_LABEL = "Siffrorna i diagrammet"
MONTH_HEADERS = {
    "Månad": "key",
    "Avtalstrohet": "fidelity_pct",
    "Avtalat": "on_amount",
    "Avtalsotroget": "off_amount",
    "Avtalslöst": "no_contract_amount",
}
AMOUNT_FORMATS: dict[str, Formatter] = {
    "Avtalstrohet": percent,
    "Avtalat": kronor,
    "Avtalsotroget": kronor,
    "Avtalslöst": kronor,
}


def show_figures(table: pd.DataFrame, formats: Mapping[str, Formatter] | None = None) -> None:
    """``table`` under the chart just drawn, in the expander every chart's figures use."""
    with st.expander(FIGURES_LABEL):
        st.table(swedish_table(table, formats).hide(axis="index"))


def _month(key: object) -> str:
    """``mars 2026`` for a month key (``2026-03``, a date or a timestamp)."""
    day = pd.Timestamp(str(key)).date() if isinstance(key, str) else pd.Timestamp(key).date()
    return month_name(day)


def trend_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A fidelity breakdown by month (``fidelity_trend``'s frame) as the
    month's fidelity and its amounts per status."""
    table = pd.DataFrame({header: frame[column] for header, column in MONTH_HEADERS.items()})
    return table.assign(Månad=[_month(key) for key in frame["key"]])


def show_trend_figures(frame: pd.DataFrame) -> None:
    show_figures(trend_table(frame), AMOUNT_FORMATS)


def heatmap_table(cells: pd.DataFrame) -> pd.DataFrame:
    """The heatmap's cells: fidelity, influenceable spend and off-contract
    spend per department and category, lowest fidelity first."""
    table = pd.DataFrame(
        {
            "Förvaltning": cells["department"],
            "Kategori": cells["category"],
            "Avtalstrohet": cells["fidelity_pct"],
            "Påverkbar volym": cells["in_scope_amount"],
            "Avtalsotroget": cells["off_amount"],
        }
    )
    return table.sort_values(["Avtalstrohet", "Förvaltning", "Kategori"]).reset_index(drop=True)


def show_heatmap_figures(cells: pd.DataFrame) -> None:
    show_figures(
        heatmap_table(cells),
        {"Avtalstrohet": percent, "Påverkbar volym": kronor, "Avtalsotroget": kronor},
    )


def needs_by_type_table(rows: Sequence[NeedStatsRow], key_header: str) -> pd.DataFrame:
    """The busiest chart's bars: needs per contract or category and type
    (the types as columns, in the form's order), most needs first."""
    chosen = busiest(list(rows))
    frame = pd.DataFrame([row.__dict__ for row in chosen], columns=["key", "need_type", "needs"])
    pivot = frame.pivot_table(index="key", columns="need_type", values="needs", aggfunc="sum", fill_value=0)
    types = [code for code in NEED_TYPE_LABELS if code in pivot.columns]
    table = pivot[types].rename(columns=need_type_label)
    table.insert(0, "Behov", pivot[types].sum(axis=1))
    table = table.sort_values("Behov", ascending=False, kind="stable")
    return table.rename_axis(None, axis=1).reset_index().rename(columns={"key": key_header})


def needs_per_month_table(rows: Sequence[NeedStatsRow], running_month: date) -> pd.DataFrame:
    """The monthly chart's bars: needs received per month, the running month said so."""
    totals = need_totals_by_month(list(rows))
    months = [month_name(month) + (" (pågår)" if month == running_month else "") for month in totals]
    return pd.DataFrame({"Månad": months, "Behov": list(totals.values())})


def show_needs_by_type_figures(rows: Sequence[NeedStatsRow], key_header: str) -> None:
    show_figures(needs_by_type_table(rows, key_header))


def show_needs_per_month_figures(rows: Sequence[NeedStatsRow], running_month: date) -> None:
    show_figures(needs_per_month_table(rows, running_month))
