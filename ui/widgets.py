"""Page building blocks shared by several pages."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from data_access.core.models import LineStatus
from data_access.core.periods import Period
from data_access.figures.fidelity import FidelityFigures
from data_access.figures.unclassified import UnclassifiedShare
from ui.cached import DataState
from ui.changes import kronor_change, points_change
from ui.charts import swedish
from ui.dashboard_view import period_text
from ui.format import compact_kronor, integer, kronor, percent, points, typed_percent
from ui.importing import IMPORT_PAGE, KIND_PARAM
from ui.signed_in import may_open
from ui.tables import swedish_table
from ui.text import md
from ui.theme import DEFINITIONS, STATUS_LABELS


def draw_chart(chart: alt.TopLevelMixin) -> None:
    """A chart across the page, with Swedish number and date formats."""
    st.altair_chart(swedish(chart), width="stretch")


FLASH_KEY = "flash_message"


def flash(message: str) -> None:
    """Say ``message`` on the next run: a form that saved reruns the page,
    and a message shown before the rerun would vanish unseen."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    """The message of the action that led to this run, once."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def count_caption(shown: int, total: int, noun: str) -> str:
    """``1 234 ärenden`` or, when a list is cut, ``7 000 ärenden, de första
    5 000 visas``: a list never passes for everything when it is not."""
    if total > shown:
        return f"{integer(total)} {noun}, de första {integer(shown)} visas"
    return f"{integer(total)} {noun}"


def demo_notice(state: DataState) -> None:
    if state.is_demo:
        st.info(
            "Du ser demodata: en påhittad kommun. Peka appen mot er egen databas och importera era filer "
            "för att se riktiga siffror.",
            icon=":material/science:",
        )


def headline_cards(
    figures: FidelityFigures,
    earlier: FidelityFigures | None = None,
    target_pct: Decimal | None = None,
    earlier_period: Period | None = None,
) -> None:
    """The five headline figures with their definitions as help text; with
    ``earlier``, each shows its change against the same days a year before
    (``earlier_period``, named under the change), its arrow following the
    change and its colour saying whether that is good news; the fidelity card
    compares with the target when one is set."""
    compared = period_text(earlier_period) if earlier_period else "samma period året före"
    cards = (
        ("Avtalstrohet", percent(figures.fidelity_pct), "fidelity", "fidelity_pct", True),
        (
            "Leverantörstrohet",
            percent(figures.supplier_fidelity_pct),
            "supplier_fidelity",
            "supplier_fidelity_pct",
            True,
        ),
        ("Avtalstäckning", percent(figures.coverage_pct), "coverage", "coverage_pct", True),
        ("Avtalat", compact_kronor(figures.on_amount), "on", "on_amount", True),
        ("Avtalsotroget", compact_kronor(figures.off_amount), "off", "off_amount", False),
    )
    for column, (label, value, definition, attribute, rise_is_good) in zip(
        st.columns(len(cards)), cards, strict=True
    ):
        change = None
        if earlier is not None:
            now, before = getattr(figures, attribute), getattr(earlier, attribute)
            change = (
                kronor_change(now, before, rise_is_good=rise_is_good)
                if attribute.endswith("_amount")
                else points_change(now, before, rise_is_good=rise_is_good)
            )
        column.metric(
            label,
            value,
            delta=change.text if change else None,
            delta_color=change.colour if change else "normal",
            delta_arrow=change.arrow if change else "auto",
            help=DEFINITIONS[definition],
        )
    if earlier is not None:
        st.caption(f"Förändringen under varje siffra är jämförd med {compared}: samma dagar året före.")
    if target_pct is not None:
        st.caption(target_text(figures.fidelity_pct, target_pct))


def target_text(fidelity_pct: Decimal | None, target_pct: Decimal) -> str:
    """``Mål 70,0 %: 3,4 p.e. kvar`` or ``… uppnått``."""
    if fidelity_pct is None:
        return f"Mål för avtalstroheten: {typed_percent(target_pct)}"
    gap = fidelity_pct - target_pct
    verdict = "uppnått" if gap >= 0 else f"{points(-gap).lstrip('+')} kvar till målet"
    return f"Mål för avtalstroheten: {typed_percent(target_pct)} ({verdict})"


def unclassified_warning(figures: FidelityFigures) -> None:
    """When much of the spend has no category, say why the figures are thin
    and what to do, instead of leaving a page of dashes."""
    share = UnclassifiedShare(
        amount=figures.amount(LineStatus.UNCLASSIFIED),
        in_scope_amount=figures.in_scope_amount,
        line_count=figures.count(LineStatus.UNCLASSIFIED),
    )
    if not share.notice_due:
        return
    st.warning(
        f"{percent(share.share_pct, 0)} av den påverkbara volymen ({kronor(share.amount)}, "
        f"{integer(share.line_count)} {'fakturarad' if share.line_count == 1 else 'fakturarader'}) "
        "är oklassificerad: raderna har konton som inte finns "
        "i kontoplanen, så de har ingen kategori och kan varken räknas som avtalade eller avtalsotrogna. "
        "Importera kontoplanen (konto, kategori, påverkbar ja/nej), så klassas raderna om.",
        icon=":material/category:",
    )
    if may_open(IMPORT_PAGE):
        st.page_link(
            IMPORT_PAGE,
            label="Importera kontoplanen",
            icon=":material/upload_file:",
            query_params={KIND_PARAM: "accounts"},
        )


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


FIDELITY_COLUMN_ORDER = (  # the name, then what management came for: how high, how much off
    "key",
    "label",
    "fidelity_pct",
    "off_amount",
    "on_amount",
    "no_contract_amount",
    "supplier_fidelity_pct",
    "coverage_pct",
    "unclassified_amount",
    "excluded_amount",
    "line_count",
)


def fidelity_dataframe(frame: pd.DataFrame, *, show_key: bool = True, key: str | None = None) -> int | None:
    """A breakdown table with Swedish headers and number formats, sortable.
    With a ``key`` a row can be selected; returns the selected row's position
    in ``frame`` (None when nothing is selected)."""
    shown = frame.drop(columns=[c for c in ("id", "in_scope_amount") if c in frame.columns])
    if not show_key:
        shown = shown.drop(columns=["key"])
    shown = shown[[c for c in FIDELITY_COLUMN_ORDER if c in shown.columns]]
    amount_columns = [c for c in shown.columns if c.endswith("_amount")]
    pct_columns = [c for c in shown.columns if c.endswith("_pct")]
    styled = swedish_table(
        shown.rename(columns=FIDELITY_TABLE_LABELS),
        {FIDELITY_TABLE_LABELS[c]: kronor for c in amount_columns}
        | {FIDELITY_TABLE_LABELS[c]: percent for c in pct_columns}
        | {"Rader": integer},
    )
    widths = {  # wide enough for "10 680 807 kr" and "100,0 %", so nothing is cut at 1366 px
        FIDELITY_TABLE_LABELS[c]: st.column_config.Column(width=112 if c.endswith("_amount") else 96)
        for c in shown.columns
        if c.endswith(("_amount", "_pct"))
    } | {"Kod": st.column_config.Column(width="small")}
    if key is None:
        st.dataframe(styled, hide_index=True, width="stretch", column_config=widths)
        return None
    return chosen_row(styled, key=key, column_config=widths)


def chosen_row(data: object, *, key: str, column_config: Mapping[str, Any]) -> int | None:
    """A table across the page of which one row can be chosen (a choice
    reruns the page); the chosen row's position in ``data``, or None when
    none is chosen, or when no choice can be made (the first run of a bare
    script, where ``st.dataframe`` returns no event)."""
    event = st.dataframe(
        data,
        hide_index=True,
        width="stretch",
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        column_config=column_config,
    )
    rows = event.selection.rows if event is not None else []
    return rows[0] if rows else None


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
            label,
            list(labels),
            format_func=labels.__getitem__,
            placeholder=placeholder,
            key=key,
            select_all=False,  # Streamlit's bulk action reads "Select all"; an empty choice means all
        )
    )


def deep_linked_choice(
    label: str, labels: Mapping[str, str], *, param: str, key: str, placeholder: str, unknown: str
) -> str | None:
    """A searchable select whose choice is in the address (``?param=value``):
    a shared link opens the same record, and choosing one updates the link.
    ``unknown`` is the message for a link to a value that does not exist.

    The address wins whenever it changed since the last run (a link to the
    same page with another record, within one session), not only on the
    first: otherwise the select kept the record it showed first."""
    wanted = st.query_params.get(param)
    seen_key = f"{key}__address"  # the address value this select last followed or wrote
    if wanted in labels and (key not in st.session_state or st.session_state.get(seen_key) != wanted):
        st.session_state[key] = wanted
    st.session_state[seen_key] = wanted
    chosen = st.selectbox(
        label, list(labels), format_func=labels.__getitem__, index=None, placeholder=placeholder, key=key
    )
    if chosen is not None:
        st.query_params[param] = chosen
        st.session_state[seen_key] = chosen
    elif wanted and wanted not in labels:
        st.error(unknown.format(md(wanted)))  # what the address says, as text: never a link
    return chosen
