"""The "where does the money go instead?" panel: for one category, the
suppliers paid off contract beside the suppliers holding its contracts."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from data_access.fidelity import SpendFilter
from ui import cached
from ui.cached import DataState
from ui.drilldown import excel_download
from ui.format import integer, kronor

HEADERS = ("Leverantör", "Org.nr", "Belopp", "Rader", "Enheter")


def show_category_suppliers(state: DataState, spend_filter: SpendFilter, notes: Sequence[str]) -> None:
    options = {option.id: option.label for option in cached.categories(state.url, state.version)}
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
    found = cached.suppliers_in_category(state.url, state.version, category_id, spend_filter)
    left, right = st.columns(2)
    for column, title, suppliers, key in (
        (left, "Köpt utanför avtal hos", found.off_contract, "elsewhere_off"),
        (right, "Avtalade leverantörer", found.contracted, "elsewhere_on"),
    ):
        with column:
            st.markdown(f"**{title}**")
            records = [(s.name, s.org_number, s.amount, s.line_count, s.unit_count) for s in suppliers]
            if not records:
                st.caption("Inga.")
                continue
            frame = pd.DataFrame.from_records(records, columns=HEADERS)
            st.dataframe(
                frame.style.format({"Belopp": kronor, "Rader": integer, "Enheter": integer}),
                hide_index=True,
                width="stretch",
            )
            st.caption(f"Summa {kronor(sum(s.amount for s in suppliers))}")
            excel_download(
                "Ladda ner som Excel",
                HEADERS,
                records,
                notes=[*notes, f"{title}: {options[category_id]}"],
                file_name=f"{key}.xlsx",
                key=f"{key}_excel",
            )
