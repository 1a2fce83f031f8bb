"""The inbox's filters and tables: widgets in, an ``InboxFilter`` and rows out."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from data_access.needs import NEED_STATUS_LABELS, NEED_TYPE_LABELS, InboxFilter, InboxRow, NeedStatsRow
from ui import cached
from ui.cached import DataState

HEADERS = (
    "Referens",
    "Inkom",
    "Förvaltning",
    "Enhet",
    "Avtal",
    "Kategori",
    "Typ",
    "Behov",
    "Status",
    "Handläggare",
    "Svar",
    "Leverantörens service",
    "Upphandlingens service",
)


def inbox_filter_widgets(state: DataState) -> tuple[InboxFilter, list[str]]:
    """The filters, and the lines that describe them above an export."""
    first, second = st.columns(4), st.columns(4)
    statuses = first[0].multiselect(
        "Status",
        list(NEED_STATUS_LABELS),
        format_func=NEED_STATUS_LABELS.__getitem__,
        placeholder="Alla",
        key="inbox_status",
    )
    listings = cached.contract_listings(state.url, state.version, "", (), (), date.today())
    contracts = {listing.id: f"{listing.reference} {listing.name}" for listing in listings}
    contract_ids = first[1].multiselect(
        "Avtal", list(contracts), format_func=contracts.__getitem__, placeholder="Alla", key="inbox_contracts"
    )
    categories = {option.id: option.name for option in cached.categories(state.url, state.version)}
    category_ids = first[2].multiselect(
        "Kategori",
        list(categories),
        format_func=categories.__getitem__,
        placeholder="Alla",
        key="inbox_categories",
    )
    types = first[3].multiselect(
        "Typ",
        list(NEED_TYPE_LABELS),
        format_func=NEED_TYPE_LABELS.__getitem__,
        placeholder="Alla",
        key="inbox_types",
    )
    departments = {option.id: option.label for option in cached.departments(state.url, state.version)}
    department_ids = second[0].multiselect(
        "Förvaltning",
        list(departments),
        format_func=departments.__getitem__,
        placeholder="Alla",
        key="inbox_departments",
    )
    units = {
        option.id: option.label for option in cached.units(state.url, state.version, tuple(department_ids))
    }
    st.session_state["inbox_units"] = [uid for uid in st.session_state.get("inbox_units", []) if uid in units]
    unit_ids = second[1].multiselect(
        "Enhet", list(units), format_func=units.__getitem__, placeholder="Alla", key="inbox_units"
    )
    date_from = second[2].date_input("Inkom från", value=None, format="YYYY-MM-DD", key="inbox_from")
    date_to = second[3].date_input("Inkom till", value=None, format="YYYY-MM-DD", key="inbox_to")
    chosen = InboxFilter(
        statuses=tuple(statuses),
        contract_ids=tuple(contract_ids),
        category_ids=tuple(category_ids),
        department_ids=tuple(department_ids),
        unit_ids=tuple(unit_ids),
        need_types=tuple(types),
        date_from=date_from,
        date_to=date_to,
    )

    def names(labels: dict, ids: list) -> str:
        return ", ".join(str(labels[i]) for i in ids) if ids else "alla"

    notes = [
        "Avtalsfokus: behov och återkoppling",
        f"Status: {names(NEED_STATUS_LABELS, statuses)}",
        f"Avtal: {names(contracts, contract_ids)}",
        f"Kategori: {names(categories, category_ids)}",
        f"Typ: {names(NEED_TYPE_LABELS, types)}",
        f"Förvaltning: {names(departments, department_ids)}; enhet: {names(units, unit_ids)}",
        f"Inkom: {date_from or 'från början'} – {date_to or 'idag'}",
    ]
    return chosen, notes


def inbox_rows(rows: list[InboxRow]) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
    """Headers and rows for the table and its Excel export."""
    return HEADERS, [
        (
            row.reference,
            row.created_at,
            row.department,
            row.unit,
            row.contract,
            row.category,
            NEED_TYPE_LABELS.get(row.need_type, row.need_type),
            row.text,
            NEED_STATUS_LABELS.get(row.status, row.status),
            row.assignee,
            row.answer,
            row.supplier_rating,
            row.procurement_rating,
        )
        for row in rows
    ]


def stats_frame(rows: list[NeedStatsRow]) -> pd.DataFrame:
    return pd.DataFrame([row.__dict__ for row in rows])
