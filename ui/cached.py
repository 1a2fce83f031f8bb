"""Cached reads for the pages.

Every cached function takes the database URL and its data version as its
first arguments: an import or a contract change replaces the version, so the
next run misses the cache and reads fresh figures, for every user at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
import streamlit as st

from data_access.core import reference
from data_access.core.config import database_url
from data_access.core.db import engine_for, session_scope
from data_access.core.models import LineStatus
from data_access.core.periods import Period
from data_access.core.settings import data_version, is_demo_data
from data_access.customers import contract_buyers
from data_access.customers import contracts as contract_queries
from data_access.customers import needs as need_queries
from data_access.customers import visits as visit_queries
from data_access.customers.contract_buyers import Contact, ContractCustomers
from data_access.customers.needs import HistoryEvent, InboxFilter, InboxRow, NeedStatsRow
from data_access.customers.unit_overview import UnitOverview, unit_overview
from data_access.customers.visits import VisitRecord
from data_access.figures.direct_awards import DirectAwardRisk, direct_award_risks
from data_access.figures.fidelity import (
    Dimension,
    FidelityFigures,
    SpendFilter,
    breakdown_frame,
    fidelity_breakdown,
    fidelity_matrix,
    matrix_frame,
)
from data_access.figures.fidelity import fidelity_total as _fidelity_total
from data_access.figures.line_listing import LinePage, LineSort, line_page
from data_access.figures.spend_elsewhere import CategorySuppliers, category_suppliers
from data_access.figures.targets import Targets, direct_award_limit, load_targets
from data_access.importing.columns import ImportKind
from data_access.importing.profiles import profile_names


@dataclass(frozen=True)
class DataState:
    """Which database a run reads and which version of its data."""

    url: str
    version: str
    is_demo: bool


def data_state() -> DataState:
    """Read once per run (one small query): the key for every cache below."""
    url = database_url()
    with session_scope(engine_for(url)) as session:
        return DataState(url, data_version(session), is_demo_data(session))


@st.cache_data(show_spinner=False, max_entries=256)
def fidelity_total(url: str, version: str, spend_filter: SpendFilter) -> FidelityFigures:
    with session_scope(engine_for(url)) as session:
        return _fidelity_total(session, spend_filter)


@st.cache_data(show_spinner=False, max_entries=256)
def fidelity_table(url: str, version: str, dimension: Dimension, spend_filter: SpendFilter) -> pd.DataFrame:
    with session_scope(engine_for(url)) as session:
        return breakdown_frame(fidelity_breakdown(session, dimension, spend_filter))


@st.cache_data(show_spinner=False)
def data_period(url: str, version: str) -> reference.DataPeriod:
    with session_scope(engine_for(url)) as session:
        return reference.data_period(session)


@st.cache_data(show_spinner=False)
def months_with_lines(url: str, version: str) -> list[date]:
    with session_scope(engine_for(url)) as session:
        return reference.months_with_lines(session)


@st.cache_data(show_spinner=False)
def departments(url: str, version: str) -> list[reference.Option]:
    with session_scope(engine_for(url)) as session:
        return reference.departments(session)


@st.cache_data(show_spinner=False)
def categories(url: str, version: str) -> list[reference.Option]:
    with session_scope(engine_for(url)) as session:
        return reference.categories(session)


@st.cache_data(show_spinner=False, max_entries=128)
def contract_listings(
    url: str,
    version: str,
    text: str,
    category_ids: tuple[int, ...],
    states: tuple[contract_queries.ContractState, ...],
    today: date,
    supplier_ids: tuple[int, ...] = (),
) -> list[contract_queries.ContractListing]:
    with session_scope(engine_for(url)) as session:
        return contract_queries.search_contracts(
            session,
            text=text,
            category_ids=category_ids,
            states=states,
            today=today,
            supplier_ids=supplier_ids,
        )


@st.cache_data(show_spinner=False)
def import_profiles(url: str, version: str, kind: ImportKind) -> list[str]:
    with session_scope(engine_for(url)) as session:
        return profile_names(session, kind)


@st.cache_data(show_spinner=False, max_entries=64)
def fidelity_matrix_table(
    url: str, version: str, dimensions: tuple[Dimension, Dimension], spend_filter: SpendFilter
) -> pd.DataFrame:
    with session_scope(engine_for(url)) as session:
        return matrix_frame(fidelity_matrix(session, dimensions, spend_filter))


@st.cache_data(show_spinner=False)
def targets(url: str, version: str) -> Targets:
    with session_scope(engine_for(url)) as session:
        return load_targets(session)


@st.cache_data(show_spinner=False)
def award_limit(url: str, version: str) -> Decimal:
    with session_scope(engine_for(url)) as session:
        return direct_award_limit(session)


@st.cache_data(show_spinner=False, max_entries=32)
def award_risks(url: str, version: str, year: int, limit: Decimal) -> list[DirectAwardRisk]:
    with session_scope(engine_for(url)) as session:
        return direct_award_risks(session, year, limit)


@st.cache_data(show_spinner=False, max_entries=256)
def lines(
    url: str,
    version: str,
    spend_filter: SpendFilter,
    statuses: tuple[LineStatus, ...],
    sort: LineSort,
    descending: bool,
    page: int,
    page_size: int,
) -> LinePage:
    with session_scope(engine_for(url)) as session:
        return line_page(
            session,
            spend_filter,
            statuses=statuses,
            sort=sort,
            descending=descending,
            page=page,
            page_size=page_size,
        )


@st.cache_data(show_spinner=False, max_entries=64)
def suppliers_in_category(
    url: str, version: str, category_id: int, spend_filter: SpendFilter
) -> CategorySuppliers:
    with session_scope(engine_for(url)) as session:
        return category_suppliers(session, category_id, spend_filter)


@st.cache_data(show_spinner=False)
def units(url: str, version: str, department_ids: tuple[int, ...]) -> list[reference.Option]:
    with session_scope(engine_for(url)) as session:
        return reference.units(session, department_ids)


@st.cache_data(show_spinner=False)
def suppliers(url: str, version: str) -> list[reference.Option]:
    with session_scope(engine_for(url)) as session:
        return reference.suppliers(session)


@st.cache_data(show_spinner=False, max_entries=64)
def contract_customers(url: str, version: str, contract_id: int, period: Period) -> ContractCustomers:
    with session_scope(engine_for(url)) as session:
        return contract_buyers.contract_customers(session, contract_id, period)


@st.cache_data(show_spinner=False, max_entries=64)
def contacts_of_units(url: str, version: str, unit_ids: tuple[int, ...]) -> list[Contact]:
    with session_scope(engine_for(url)) as session:
        return contract_buyers.unit_contacts(session, list(unit_ids))


@st.cache_data(show_spinner=False, max_entries=64)
def visit_log(url: str, version: str, unit_id: int | None, contract_id: int | None) -> list[VisitRecord]:
    with session_scope(engine_for(url)) as session:
        return visit_queries.visits(session, unit_id=unit_id, contract_id=contract_id)


@st.cache_data(show_spinner=False, max_entries=16)
def follow_ups(url: str, version: str) -> list[VisitRecord]:
    """Follow-ups not yet done, the most overdue first."""
    with session_scope(engine_for(url)) as session:
        return visit_queries.open_follow_ups(session)


@st.cache_data(show_spinner=False, max_entries=64)
def needs(url: str, version: str, unit_id: int | None, contract_id: int | None) -> list[InboxRow]:
    """A unit's or a contract's needs, newest first (the inbox's query)."""
    about = InboxFilter(
        unit_ids=(unit_id,) if unit_id is not None else (),
        contract_ids=(contract_id,) if contract_id is not None else (),
    )
    with session_scope(engine_for(url)) as session:
        return need_queries.inbox(session, about, limit=200)


@st.cache_data(show_spinner=False, max_entries=64)
def unit_spend(url: str, version: str, unit_id: int, period: Period) -> UnitOverview:
    with session_scope(engine_for(url)) as session:
        return unit_overview(session, unit_id, period)


@st.cache_data(show_spinner=False)
def all_units(url: str, version: str) -> list[reference.Option]:
    with session_scope(engine_for(url)) as session:
        return reference.units(session)


@st.cache_data(show_spinner=False, max_entries=16)
def called_off(url: str, version: str, first_day: date, last_day: date) -> set[int]:
    with session_scope(engine_for(url)) as session:
        return contract_queries.contracts_called_off(session, first_day, last_day)


@st.cache_data(show_spinner=False)
def open_needs(url: str, version: str) -> dict[int, int]:
    with session_scope(engine_for(url)) as session:
        return contract_queries.open_need_counts(session)


@st.cache_data(show_spinner=False, max_entries=64)
def need_inbox(url: str, version: str, inbox_filter: InboxFilter) -> list[InboxRow]:
    with session_scope(engine_for(url)) as session:
        return need_queries.inbox(session, inbox_filter)


@st.cache_data(show_spinner=False, max_entries=64)
def need_total(url: str, version: str, inbox_filter: InboxFilter) -> int:
    """How many needs the filter holds (a list may show only the first)."""
    with session_scope(engine_for(url)) as session:
        return need_queries.need_count(session, inbox_filter)


@st.cache_data(show_spinner=False, max_entries=64)
def need_counts(url: str, version: str, inbox_filter: InboxFilter) -> dict[str, int]:
    with session_scope(engine_for(url)) as session:
        return need_queries.status_counts(session, inbox_filter)


@st.cache_data(show_spinner=False, max_entries=32)
def need_statistics(url: str, version: str, by: str, inbox_filter: InboxFilter) -> list[NeedStatsRow]:
    with session_scope(engine_for(url)) as session:
        return need_queries.need_stats(session, by, inbox_filter)


@st.cache_data(show_spinner=False, max_entries=64)
def need_history(url: str, version: str, need_id: int) -> list[HistoryEvent]:
    with session_scope(engine_for(url)) as session:
        return need_queries.history(session, need_id)
