"""Direktupphandlingar's blocks: the form that changes the direct-award
limit, and the year's spend without a contract over it, per category and
supplier, down to the invoice lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import streamlit as st

from data_access.access.viewer import Viewer
from data_access.core import clock
from data_access.core.models import LineStatus
from data_access.figures.direct_awards import DirectAwardRisk
from data_access.figures.fidelity import SpendFilter
from data_access.figures.targets import TargetError, set_direct_award_limit
from ui.cached import DataState
from ui.commands import run_command
from ui.drilldown import excel_download, show_lines
from ui.format import grouped, integer, kronor, org_number
from ui.text import md
from ui.widgets import flash

HEADERS = ("Kategori", "Leverantör", "Org.nr", "Avtalslöst belopp", "Leverantörer", "Enheter")


def limit_form(state: DataState, limit: Decimal, viewer: Viewer) -> None:
    """Change the limit; a refused value is said in the form's place. Only
    for a viewer who may change it (the page shows it to no one else)."""
    entered = st.text_input("Direktupphandlingsgräns (kr)", value=grouped(limit, 0), key="award_limit_value")
    if st.form_submit_button("Spara gränsen"):
        try:
            run_command(state, set_direct_award_limit, entered, acting=viewer)
        except TargetError as error:
            st.error(md(error))  # it quotes what was typed
        else:
            flash("Direktupphandlingsgränsen är sparad.")
            st.rerun()


def risk_rows(risks: list[DirectAwardRisk]) -> list[tuple[object, ...]]:
    """One row per category, or per supplier within one, as shown and as exported."""
    return [
        (
            risk.category,
            risk.supplier or "(alla leverantörer)",
            org_number(risk.org_number),
            risk.amount,
            risk.supplier_count,
            risk.unit_count,
        )
        for risk in risks
    ]


def risks_table(state: DataState, risks: list[DirectAwardRisk], year: int, limit: Decimal) -> None:
    """The risks, their Excel, and the invoice lines behind a chosen row."""
    rows = risk_rows(risks)
    frame = pd.DataFrame.from_records(rows, columns=HEADERS)
    event = st.dataframe(
        frame.style.format({"Avtalslöst belopp": kronor, "Leverantörer": integer, "Enheter": integer}),
        hide_index=True,
        width="stretch",
        key="awards_table",
        on_select="rerun",
        selection_mode="single-row",
    )
    excel_download(
        "Ladda ner som Excel",
        HEADERS,
        rows,
        notes=[f"Avtalslösa köp över {kronor(limit)} under {year}", f"Uttaget {clock.today().isoformat()}"],
        file_name=f"direktupphandlingar_{year}.xlsx",
        key="awards_excel",
    )
    if not event.selection.rows:
        st.caption("Välj en rad för att se fakturaraderna bakom beloppet.")
        return
    risk = risks[event.selection.rows[0]]
    show_lines(
        state,
        SpendFilter(
            date_from=date(year, 1, 1),
            date_to=date(year, 12, 31),
            category_ids=(risk.category_id,),
            supplier_ids=(risk.supplier_id,) if risk.supplier_id else (),
        ),
        title=f"{risk.category}, {risk.supplier or 'alla leverantörer'}, {year}",
        notes=[f"Avtalslösa köp {year}"],
        key="awards_lines",
        statuses=(LineStatus.NO_CONTRACT,),
    )
