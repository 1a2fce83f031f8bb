"""The "where does the money go instead?" panel: for one category, the
suppliers paid off contract beside the suppliers holding its contracts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd
import streamlit as st

from data_access.core.models import LineStatus
from data_access.figures.fidelity import SpendFilter
from data_access.figures.spend_elsewhere import SupplierSpend
from ui import cached
from ui.cached import DataState
from ui.drilldown import excel_download, show_lines
from ui.format import integer, kronor, org_number
from ui.tables import swedish_table

HEADERS = ("Leverantör", "Org.nr", "Belopp", "Rader", "Enheter")


def show_category_suppliers(state: DataState, spend_filter: SpendFilter, notes: Sequence[str]) -> None:
    options = {option.id: option.label for option in cached.categories(state)}
    category_id = st.selectbox(
        "Kategori",
        list(options),
        format_func=options.__getitem__,
        index=None,
        placeholder="Välj kategori",
        key="elsewhere_category",
    )
    if category_id is None:
        st.caption("Välj en kategori för att se vilka leverantörer som får pengarna utanför avtalet.")
        return
    found = cached.category_suppliers(state, category_id, spend_filter)
    st.caption("Välj en leverantör i en tabell för att se fakturaraderna bakom beloppet.")
    left, right = st.columns(2)
    selected: dict[LineStatus, SupplierSpend] = {}
    for column, title, suppliers, key, status in (
        (left, "Köpt utanför avtal hos", found.off_contract, "elsewhere_off", LineStatus.OFF_CONTRACT),
        (right, "Avtalade leverantörer", found.contracted, "elsewhere_on", LineStatus.ON_CONTRACT),
    ):
        with column:
            st.markdown(f"**{title}**")
            records = [
                (s.name, org_number(s.org_number), s.amount, s.line_count, s.unit_count) for s in suppliers
            ]
            if not records:
                st.caption("Inga.")
                continue
            frame = pd.DataFrame.from_records(records, columns=HEADERS)
            event = st.dataframe(
                swedish_table(frame, {"Belopp": kronor, "Rader": integer, "Enheter": integer}),
                hide_index=True,
                width="stretch",
                key=key,
                on_select="rerun",
                selection_mode="single-row",
            )
            if event.selection.rows:
                selected[status] = suppliers[event.selection.rows[0]]
            st.caption(f"Summa {kronor(sum(s.amount for s in suppliers))}")
            excel_download(
                "Ladda ner som Excel",
                HEADERS,
                records,
                notes=[*notes, f"{title}: {options[category_id]}"],
                file_name=f"{key}.xlsx",
                key=f"{key}_excel",
            )
    for status, supplier in selected.items():
        show_lines(
            state,
            replace(spend_filter, category_ids=(category_id,), supplier_ids=(supplier.supplier_id,)),
            title=f"{supplier.name}, {options[category_id]}",
            notes=notes,
            key=f"elsewhere_lines_{status.value}",
            statuses=(status,),
        )
