"""Page building blocks shared by several pages."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from data_access.fidelity import FidelityFigures
from data_access.models import LineStatus
from ui.cached import DataState
from ui.format import compact_kronor, integer, kronor, percent, points
from ui.theme import DEFINITIONS, STATUS_LABELS


def demo_notice(state: DataState) -> None:
    if state.is_demo:
        st.info(
            "Du ser demodata: en påhittad kommun. Peka appen mot er egen databas och importera era filer "
            "för att se riktiga siffror.",
            icon=":material/science:",
        )


def headline_cards(
    figures: FidelityFigures, earlier: FidelityFigures | None = None, target_pct: Decimal | None = None
) -> None:
    """The five headline figures with their definitions as help text; with
    ``earlier``, each shows its change against the same period a year before,
    and the fidelity card compares with the target when one is set."""

    def change_in_points(now: Decimal | None, before: Decimal | None) -> str | None:
        return None if now is None or before is None else f"{points(now - before)} mot året före"

    def change_in_kronor(now: Decimal, before: Decimal) -> str:
        sign = "+" if now >= before else "−"
        return f"{sign}{compact_kronor(abs(now - before))} mot året före"

    columns = st.columns(5)
    ratios = (
        ("Avtalstrohet", "fidelity_pct", "fidelity"),
        ("Leverantörstrohet", "supplier_fidelity_pct", "supplier_fidelity"),
        ("Avtalstäckning", "coverage_pct", "coverage"),
    )
    for column, (label, attribute, definition) in zip(columns, ratios, strict=False):
        value = getattr(figures, attribute)
        delta = change_in_points(value, getattr(earlier, attribute)) if earlier else None
        column.metric(label, percent(value), delta=delta, help=DEFINITIONS[definition])
    columns[3].metric(
        "Avtalat",
        compact_kronor(figures.on_amount),
        delta=change_in_kronor(figures.on_amount, earlier.on_amount) if earlier else None,
        help=DEFINITIONS["on"],
    )
    columns[4].metric(
        "Avtalsotroget",
        compact_kronor(figures.off_amount),
        delta=change_in_kronor(figures.off_amount, earlier.off_amount) if earlier else None,
        delta_color="inverse",  # more spend off contract is worse
        help=DEFINITIONS["off"],
    )
    if target_pct is not None:
        st.caption(target_text(figures.fidelity_pct, target_pct))


def target_text(fidelity_pct: Decimal | None, target_pct: Decimal) -> str:
    """``Mål 70,0 %: 3,4 p.e. kvar`` or ``… uppnått``."""
    if fidelity_pct is None:
        return f"Mål för avtalstroheten: {percent(target_pct)}"
    gap = fidelity_pct - target_pct
    verdict = "uppnått" if gap >= 0 else f"{points(-gap).lstrip('+')} kvar till målet"
    return f"Mål för avtalstroheten: {percent(target_pct)} ({verdict})"


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
    "in_scope_amount": "Påverkbar volym",
}


def fidelity_dataframe(frame: pd.DataFrame, *, show_key: bool = True, key: str | None = None) -> int | None:
    """A breakdown table with Swedish headers and number formats, sortable.
    With a ``key`` a row can be selected; returns the selected row's position
    in ``frame`` (None when nothing is selected)."""
    shown = frame.drop(columns=[c for c in ("id", "in_scope_amount") if c in frame.columns])
    if not show_key:
        shown = shown.drop(columns=["key"])
    amount_columns = [c for c in shown.columns if c.endswith("_amount")]
    pct_columns = [c for c in shown.columns if c.endswith("_pct")]
    styled = shown.rename(columns=FIDELITY_TABLE_LABELS).style.format(
        {FIDELITY_TABLE_LABELS[c]: kronor for c in amount_columns}
        | {FIDELITY_TABLE_LABELS[c]: percent for c in pct_columns}
        | {"Rader": integer}
    )
    if key is None:
        st.dataframe(styled, hide_index=True, width="stretch")
        return None
    event = st.dataframe(
        styled, hide_index=True, width="stretch", key=key, on_select="rerun", selection_mode="single-row"
    )
    selected = event.selection.rows if event is not None else []
    return selected[0] if selected else None


def choice_multiselect(
    container, label: str, labels: Mapping[Any, str], *, key: str, placeholder: str
) -> tuple:
    """A multiselect of ids (or codes) shown by their labels. Chosen values no
    longer offered (a hand-edited address, a narrowed department) are dropped
    first, where Streamlit would otherwise refuse the widget."""
    if key in st.session_state:
        st.session_state[key] = [value for value in st.session_state[key] if value in labels]
    return tuple(
        container.multiselect(
            label, list(labels), format_func=labels.__getitem__, placeholder=placeholder, key=key
        )
    )


def deep_linked_choice(
    label: str, labels: Mapping[str, str], *, param: str, key: str, placeholder: str, unknown: str
) -> str | None:
    """A searchable select whose choice is in the address (``?param=value``):
    a shared link opens the same record, and choosing one updates the link.
    ``unknown`` is the message for a link to a value that does not exist."""
    wanted = st.query_params.get(param)
    if key not in st.session_state and wanted in labels:
        st.session_state[key] = wanted
    chosen = st.selectbox(
        label, list(labels), format_func=labels.__getitem__, index=None, placeholder=placeholder, key=key
    )
    if chosen is not None:
        st.query_params[param] = chosen
    elif wanted and wanted not in labels:
        st.error(unknown.format(wanted))
    return chosen
