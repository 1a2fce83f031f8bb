"""Cached reads for the pages.

Every cached function takes the run's ``DataState`` as its first argument:
Streamlit hashes the frozen dataclass by value (its URL and data version),
and an import or a contract change replaces the version, so the next run
misses the cache and reads fresh figures, for every user at once. Each
function is named after the query it wraps.

Every one only reads, so each is a ``retried_read``: a connection lost under
it (the database restarted just then) costs one more attempt, not the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
import streamlit as st

from data_access.access.viewer import Viewer
from data_access.core import reference
from data_access.core.config import database_url
from data_access.core.db import engine_for, retried_read, session_scope
from data_access.core.models import LineStatus
from data_access.core.periods import Period
from data_access.core.settings import data_version, is_demo_data
from data_access.customers import contract_buyers as buyer_queries
from data_access.customers import contracts as contract_queries
from data_access.customers import needs as need_queries
from data_access.customers import unit_overview as unit_queries
from data_access.customers import visits as visit_queries
from data_access.customers.contract_buyers import Contact, ContractCustomers
from data_access.customers.needs import HistoryEvent, InboxFilter, InboxRow, NeedStatsRow, Receipt
from data_access.customers.unit_overview import UnitOverview
from data_access.customers.visits import VisitRecord
from data_access.figures import direct_awards as award_queries
from data_access.figures import fidelity as fidelity_queries
from data_access.figures import line_listing as line_queries
from data_access.figures import spend_elsewhere as elsewhere_queries
from data_access.figures import targets as target_queries
from data_access.figures.direct_awards import DirectAwardRisk
from data_access.figures.fidelity import Dimension, FidelityFigures, SpendFilter
from data_access.figures.line_listing import LinePage, LineSort
from data_access.figures.spend_elsewhere import CategorySuppliers
from data_access.figures.targets import Targets
from data_access.importing import batches as batch_queries
from data_access.importing import profiles as profile_queries
from data_access.importing.batches import BatchListing
from data_access.importing.columns import ImportKind


@dataclass(frozen=True)
class DataState:
    """Which database a run reads and which version of its data: the key of
    every cache below (hashed by value, so a new version misses them all)."""

    url: str
    version: str
    is_demo: bool


@retried_read
def data_state() -> DataState:
    """Read once per run (one small query): the key for every cache below."""
    url = database_url()
    with session_scope(engine_for(url)) as session:
        return DataState(url, data_version(session), is_demo_data(session))


# --------------------------------------------------------------------------- reference data


@st.cache_data(show_spinner=False)
@retried_read
def data_period(state: DataState) -> reference.DataPeriod:
    """reference.data_period: the first and last invoice date in the data."""
    with session_scope(engine_for(state.url)) as session:
        return reference.data_period(session)


@st.cache_data(show_spinner=False)
@retried_read
def months_with_lines(state: DataState) -> list[date]:
    """reference.months_with_lines: the months that hold invoice lines."""
    with session_scope(engine_for(state.url)) as session:
        return reference.months_with_lines(session)


@st.cache_data(show_spinner=False)
@retried_read
def departments(state: DataState) -> list[reference.Option]:
    """reference.departments: every department, by code."""
    with session_scope(engine_for(state.url)) as session:
        return reference.departments(session)


@st.cache_data(show_spinner=False)
@retried_read
def units(state: DataState, department_ids: tuple[int, ...] = ()) -> list[reference.Option]:
    """reference.units: the units of these departments (every unit without any)."""
    with session_scope(engine_for(state.url)) as session:
        return reference.units(session, department_ids)


@st.cache_data(show_spinner=False)
@retried_read
def categories(state: DataState) -> list[reference.Option]:
    """reference.categories: every category, by code."""
    with session_scope(engine_for(state.url)) as session:
        return reference.categories(session)


@st.cache_data(show_spinner=False)
@retried_read
def suppliers(state: DataState) -> list[reference.Option]:
    """reference.suppliers: every supplier."""
    with session_scope(engine_for(state.url)) as session:
        return reference.suppliers(session)


# --------------------------------------------------------------------------- fidelity


@st.cache_data(show_spinner=False, max_entries=256)
@retried_read
def fidelity_total(state: DataState, spend_filter: SpendFilter) -> FidelityFigures:
    """fidelity.fidelity_total: the headline figures of a filter."""
    with session_scope(engine_for(state.url)) as session:
        return fidelity_queries.fidelity_total(session, spend_filter)


@st.cache_data(show_spinner=False, max_entries=256)
@retried_read
def fidelity_breakdown(state: DataState, dimension: Dimension, spend_filter: SpendFilter) -> pd.DataFrame:
    """fidelity.fidelity_breakdown per dimension, as a DataFrame (breakdown_frame)."""
    with session_scope(engine_for(state.url)) as session:
        return fidelity_queries.breakdown_frame(
            fidelity_queries.fidelity_breakdown(session, dimension, spend_filter)
        )


@st.cache_data(show_spinner=False, max_entries=64)
@retried_read
def fidelity_matrix(
    state: DataState, dimensions: tuple[Dimension, Dimension], spend_filter: SpendFilter
) -> pd.DataFrame:
    """fidelity.fidelity_matrix of two dimensions, as a DataFrame (matrix_frame)."""
    with session_scope(engine_for(state.url)) as session:
        matrix = fidelity_queries.fidelity_matrix(session, dimensions, spend_filter)
        return fidelity_queries.matrix_frame(matrix)


@st.cache_data(show_spinner=False, max_entries=256)
@retried_read
def line_page(
    state: DataState,
    spend_filter: SpendFilter,
    statuses: tuple[LineStatus, ...],
    sort: LineSort,
    descending: bool,
    page: int,
    page_size: int,
) -> LinePage:
    """line_listing.line_page: one page of the invoice lines behind a figure."""
    with session_scope(engine_for(state.url)) as session:
        return line_queries.line_page(
            session,
            spend_filter,
            statuses=statuses,
            sort=sort,
            descending=descending,
            page=page,
            page_size=page_size,
        )


@st.cache_data(show_spinner=False, max_entries=64)
@retried_read
def category_suppliers(state: DataState, category_id: int, spend_filter: SpendFilter) -> CategorySuppliers:
    """spend_elsewhere.category_suppliers: who is bought from in a category, on contract and off."""
    with session_scope(engine_for(state.url)) as session:
        return elsewhere_queries.category_suppliers(session, category_id, spend_filter)


# --------------------------------------------------------------------------- targets and direct awards


@st.cache_data(show_spinner=False)
@retried_read
def load_targets(state: DataState) -> Targets:
    """targets.load_targets: the overall and per-department fidelity targets."""
    with session_scope(engine_for(state.url)) as session:
        return target_queries.load_targets(session)


@st.cache_data(show_spinner=False)
@retried_read
def direct_award_limit(state: DataState) -> Decimal:
    """targets.direct_award_limit: the limit a year's off-contract spend is held against."""
    with session_scope(engine_for(state.url)) as session:
        return target_queries.direct_award_limit(session)


@st.cache_data(show_spinner=False, max_entries=32)
@retried_read
def direct_award_risks(state: DataState, year: int, limit: Decimal) -> list[DirectAwardRisk]:
    """direct_awards.direct_award_risks: a financial year's spend without a contract over the limit."""
    with session_scope(engine_for(state.url)) as session:
        return award_queries.direct_award_risks(session, year, limit)


# --------------------------------------------------------------------------- contracts and units


@st.cache_data(show_spinner=False, max_entries=128)
@retried_read
def search_contracts(
    state: DataState,
    today: date,
    text: str = "",
    category_ids: tuple[int, ...] = (),
    states: tuple[contract_queries.ContractState, ...] = (),
    supplier_ids: tuple[int, ...] = (),
) -> list[contract_queries.ContractListing]:
    """contracts.search_contracts: the contracts matching a search (every one without one);
    ``today`` is part of the key, so a contract's state turns with the date."""
    with session_scope(engine_for(state.url)) as session:
        return contract_queries.search_contracts(
            session,
            text=text,
            category_ids=category_ids,
            states=states,
            today=today,
            supplier_ids=supplier_ids,
        )


@st.cache_data(show_spinner=False, max_entries=16)
@retried_read
def contracts_called_off(state: DataState, first_day: date, last_day: date) -> set[int]:
    """contracts.contracts_called_off: the contracts bought on between two days."""
    with session_scope(engine_for(state.url)) as session:
        return contract_queries.contracts_called_off(session, first_day, last_day)


@st.cache_data(show_spinner=False)
@retried_read
def open_need_counts(state: DataState) -> dict[int, int]:
    """contracts.open_need_counts: open needs per contract."""
    with session_scope(engine_for(state.url)) as session:
        return contract_queries.open_need_counts(session)


@st.cache_data(show_spinner=False, max_entries=64)
@retried_read
def contract_customers(
    state: DataState, viewer: Viewer, contract_id: int, period: Period
) -> ContractCustomers:
    """contract_buyers.contract_customers: who buys on a contract and who buys
    the same elsewhere (the viewer in the key: refused to a role without it)."""
    with session_scope(engine_for(state.url)) as session:
        return buyer_queries.contract_customers(session, contract_id, period, acting=viewer)


@st.cache_data(show_spinner=False, max_entries=64)
@retried_read
def unit_contacts(state: DataState, viewer: Viewer, unit_ids: tuple[int, ...]) -> list[Contact]:
    """contract_buyers.unit_contacts: the contact people of these units
    (personal data: the viewer is in the key)."""
    with session_scope(engine_for(state.url)) as session:
        return buyer_queries.unit_contacts(session, list(unit_ids), acting=viewer)


@st.cache_data(show_spinner=False, max_entries=64)
@retried_read
def unit_overview(state: DataState, unit_id: int, period: Period) -> UnitOverview:
    """unit_overview.unit_overview: what a unit buys, on contract and elsewhere."""
    with session_scope(engine_for(state.url)) as session:
        return unit_queries.unit_overview(session, unit_id, period)


@st.cache_data(show_spinner=False, max_entries=64)
@retried_read
def visits(
    state: DataState, viewer: Viewer, unit_id: int | None, contract_id: int | None
) -> list[VisitRecord]:
    """visits.visits: the visit log of a unit or a contract (the viewer in the key)."""
    with session_scope(engine_for(state.url)) as session:
        return visit_queries.visits(session, unit_id=unit_id, contract_id=contract_id, acting=viewer)


@st.cache_data(show_spinner=False, max_entries=16)
@retried_read
def open_follow_ups(state: DataState, viewer: Viewer) -> list[VisitRecord]:
    """visits.open_follow_ups: follow-ups not yet done, the most overdue first
    (the viewer in the key)."""
    with session_scope(engine_for(state.url)) as session:
        return visit_queries.open_follow_ups(session, acting=viewer)


# --------------------------------------------------------------------------- needs


@st.cache_data(show_spinner=False, max_entries=64)
@retried_read
def inbox(
    state: DataState, viewer: Viewer, inbox_filter: InboxFilter, limit: int | None = None
) -> list[InboxRow]:
    """needs.inbox: the needs a filter holds, newest first (at most ``limit``);
    submitters and notes, so for ``viewer`` (in the cache key) only."""
    with session_scope(engine_for(state.url)) as session:
        return need_queries.inbox(session, inbox_filter, limit=limit, acting=viewer)


@st.cache_data(show_spinner=False, max_entries=64)
@retried_read
def need_count(state: DataState, viewer: Viewer, inbox_filter: InboxFilter) -> int:
    """needs.need_count: how many needs the filter holds (a list may show only the first)."""
    with session_scope(engine_for(state.url)) as session:
        return need_queries.need_count(session, inbox_filter, acting=viewer)


@st.cache_data(show_spinner=False, max_entries=64)
@retried_read
def status_counts(state: DataState, viewer: Viewer, inbox_filter: InboxFilter) -> dict[str, int]:
    """needs.status_counts: the filter's needs per status."""
    with session_scope(engine_for(state.url)) as session:
        return need_queries.status_counts(session, inbox_filter, acting=viewer)


@st.cache_data(show_spinner=False, max_entries=32)
@retried_read
def need_stats(state: DataState, viewer: Viewer, by: str, inbox_filter: InboxFilter) -> list[NeedStatsRow]:
    """needs.need_stats: the filter's needs and ratings per contract, unit or category."""
    with session_scope(engine_for(state.url)) as session:
        return need_queries.need_stats(session, by, inbox_filter, acting=viewer)


@st.cache_data(show_spinner=False, max_entries=64)
@retried_read
def history(state: DataState, viewer: Viewer, need_id: int) -> list[HistoryEvent]:
    """needs.history: every change of a need, with who and when (and the internal notes)."""
    with session_scope(engine_for(state.url)) as session:
        return need_queries.history(session, need_id, acting=viewer)


@st.cache_data(show_spinner=False, max_entries=256)
@retried_read
def receipt(state: DataState, token: str) -> Receipt | None:
    """needs.receipt: what a receipt link shows the unit (None for an unknown token);
    open without sign-in, the token is the key (the page limits how often it is asked)."""
    with session_scope(engine_for(state.url)) as session:
        return need_queries.receipt(session, token)


# --------------------------------------------------------------------------- importing


@st.cache_data(show_spinner=False)
@retried_read
def profile_names(state: DataState, kind: ImportKind) -> list[str]:
    """profiles.profile_names: the saved column mappings of an import kind."""
    with session_scope(engine_for(state.url)) as session:
        return profile_queries.profile_names(session, kind)


@st.cache_data(show_spinner=False)
@retried_read
def batch_listing(state: DataState) -> BatchListing:
    """batches.batch_listing: the imports so far (every import and undo replaces the version)."""
    with session_scope(engine_for(state.url)) as session:
        return batch_queries.batch_listing(session)


# --------------------------------------------------------------------------- Min enhet
# Imported here rather than at the top so that this section is one block at the
# end of the file. Every read takes the viewer right after the state: the
# answer depends on the viewer's units, so the viewer is in the cache key.

from data_access.access import identity as identity_queries  # noqa: E402
from data_access.access import viewer as viewer_types  # noqa: E402
from data_access.customers import own_unit as own_unit_queries  # noqa: E402
from data_access.figures import unit_fidelity as unit_fidelity_queries  # noqa: E402


@st.cache_data(show_spinner=False, max_entries=256)
@retried_read
def my_units(state: DataState, viewer: viewer_types.Viewer) -> list[own_unit_queries.OwnUnit]:
    """own_unit.own_units: the units the viewer belongs to."""
    with session_scope(engine_for(state.url)) as session:
        return own_unit_queries.own_units(session, acting=viewer)


@st.cache_data(show_spinner=False, max_entries=256)
@retried_read
def my_unit_fidelity(
    state: DataState, viewer: viewer_types.Viewer, unit_id: int, period: Period
) -> unit_fidelity_queries.UnitFidelity:
    """unit_fidelity.unit_fidelity: one of the viewer's units, over the period and per month."""
    with session_scope(engine_for(state.url)) as session:
        return unit_fidelity_queries.unit_fidelity(session, unit_id, period, acting=viewer)


@st.cache_data(show_spinner=False, max_entries=256)
@retried_read
def my_unit_off_contract(
    state: DataState, viewer: viewer_types.Viewer, unit_id: int, period: Period
) -> list[own_unit_queries.OffContractSpend]:
    """own_unit.off_contract_spend: what the unit bought off contract, and the contracts it could use."""
    with session_scope(engine_for(state.url)) as session:
        return own_unit_queries.off_contract_spend(session, unit_id, period, acting=viewer)


@st.cache_data(show_spinner=False, max_entries=256)
@retried_read
def my_unit_needs(
    state: DataState, viewer: viewer_types.Viewer, unit_id: int
) -> list[own_unit_queries.OwnNeed]:
    """own_unit.own_needs: the unit's needs with status and answer, no internal notes."""
    with session_scope(engine_for(state.url)) as session:
        return own_unit_queries.own_needs(session, unit_id, acting=viewer)


@st.cache_data(show_spinner=False)
@retried_read
def whom_to_ask(state: DataState) -> str:
    """identity.access_contact: whom a person without access (or without a unit) should ask."""
    with session_scope(engine_for(state.url)) as session:
        return identity_queries.access_contact(session)
