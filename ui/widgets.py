"""Page building blocks shared by several pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.fidelity import FidelityFigures
from data_access.models import LineStatus
from ui.cached import DataState
from ui.format import compact_kronor, integer, kronor, percent
from ui.theme import DEFINITIONS, STATUS_LABELS


def demo_notice(state: DataState) -> None:
    if state.is_demo:
        st.info(
            "Du ser demodata: en påhittad kommun. Peka appen mot er egen databas och importera era filer "
            "för att se riktiga siffror.",
            icon=":material/science:",
        )


def headline_cards(figures: FidelityFigures) -> None:
    """The five headline figures with their definitions as help text."""
    columns = st.columns(5)
    columns[0].metric("Avtalstrohet", percent(figures.fidelity_pct), help=DEFINITIONS["fidelity"])
    columns[1].metric(
        "Leverantörstrohet", percent(figures.supplier_fidelity_pct), help=DEFINITIONS["supplier_fidelity"]
    )
    columns[2].metric("Avtalstäckning", percent(figures.coverage_pct), help=DEFINITIONS["coverage"])
    columns[3].metric("Avtalat", compact_kronor(figures.on_amount), help=DEFINITIONS["on"])
    columns[4].metric("Avtalsotroget", compact_kronor(figures.off_amount), help=DEFINITIONS["off"])


def status_summary_caption(figures: FidelityFigures) -> str:
    """One line with what is outside the fidelity ratio, so nothing is hidden."""
    return (
        f"{STATUS_LABELS[LineStatus.NO_CONTRACT]}: {kronor(figures.no_contract_amount)} · "
        f"{STATUS_LABELS[LineStatus.UNCLASSIFIED]}: {kronor(figures.amount(LineStatus.UNCLASSIFIED))} · "
        f"{STATUS_LABELS[LineStatus.EXCLUDED]}: {kronor(figures.amount(LineStatus.EXCLUDED))} · "
        f"{integer(sum(figures.line_counts.values()))} fakturarader"
    )


FIDELITY_TABLE_LABELS = {
    "key": "Kod",
    "label": "Namn",
    "on_amount": "Avtalat",
    "off_amount": "Avtalsotroget",
    "no_contract_amount": "Avtalslöst",
    "excluded_amount": "Ej påverkbart",
    "unclassified_amount": "Oklassificerat",
    "fidelity_pct": "Avtalstrohet",
    "supplier_fidelity_pct": "Leverantörstrohet",
    "coverage_pct": "Avtalstäckning",
    "line_count": "Rader",
}


def fidelity_dataframe(frame: pd.DataFrame, *, show_key: bool = True) -> None:
    """A breakdown table with Swedish headers and number formats, sortable."""
    shown = frame if show_key else frame.drop(columns=["key"])
    amount_columns = [c for c in shown.columns if c.endswith("_amount")]
    pct_columns = [c for c in shown.columns if c.endswith("_pct")]
    styled = shown.rename(columns=FIDELITY_TABLE_LABELS).style.format(
        {FIDELITY_TABLE_LABELS[c]: kronor for c in amount_columns}
        | {FIDELITY_TABLE_LABELS[c]: percent for c in pct_columns}
        | {"Rader": integer}
    )
    st.dataframe(styled, hide_index=True, width="stretch")
