"""Hitta avtal's blocks: the search with its filters, and the lists of
contracts (the search's result, those expiring, those nobody bought on), each
a table whose chosen row opens in full, with its Excel download."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import streamlit as st

from data_access.core.periods import Period
from data_access.customers.contracts import ContractListing, ContractState
from data_access.figures.fidelity import Dimension, SpendFilter
from ui import cached
from ui.cached import DataState
from ui.catalogue import (
    STATE_LABELS,
    catalogue_download,
    contract_details,
    contract_table,
    fidelity_per_category,
    search_notes,
)
from ui.widgets import choice_multiselect


@dataclass(frozen=True)
class Search:
    """What was searched and filtered, and the contracts found."""

    listings: list[ContractListing]
    notes: list[str]  # above the downloaded list


def search(state: DataState, today: date) -> Search:
    """The search box and the category, state and supplier filters in one
    row; the contracts matching them all."""
    columns = st.columns([3, 2, 2, 2])
    text = columns[0].text_input("Sök", placeholder="Avtal, kategori, leverantör eller org.nr", key="search")
    names = {option.id: option.name for option in cached.categories(state)}
    category_ids = choice_multiselect(
        columns[1], "Kategori", names, key="categories", placeholder="Alla kategorier"
    )
    states = columns[2].multiselect(
        "Status",
        list(STATE_LABELS),
        default=[ContractState.ACTIVE, ContractState.EXPIRING],
        format_func=STATE_LABELS.__getitem__,
        key="states",
        select_all=False,  # Streamlit's bulk action reads "Select all"
    )
    supplier_options = {option.id: option.label for option in cached.suppliers(state)}
    supplier_ids = choice_multiselect(
        columns[3], "Leverantör", supplier_options, key="catalogue_suppliers", placeholder="Alla leverantörer"
    )
    listings = cached.search_contracts(
        state, today, text, tuple(category_ids), tuple(states), tuple(supplier_ids)
    )
    notes = search_notes(
        text,
        [names[option_id] for option_id in category_ids],
        states,
        [supplier_options[option_id] for option_id in supplier_ids],
    )
    return Search(listings, notes)


@dataclass
class ContractLists:
    """The figures every contract list shows beside each contract: the
    category's fidelity and the open needs; and which contracts were bought
    on in the period (none without invoice lines)."""

    state: DataState
    today: date
    period: Period | None  # the last 12 full months; None without invoice lines
    fidelity_by_category: dict[int, float | None] = field(default_factory=dict)
    called_off: set[int] = field(default_factory=set)
    open_needs: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.period is not None:
            spend_filter = SpendFilter(self.period.start, self.period.end)
            by_category = cached.fidelity_breakdown(self.state, Dimension.CATEGORY, spend_filter)
            self.fidelity_by_category = fidelity_per_category(by_category)
            self.called_off = cached.contracts_called_off(self.state, self.period.start, self.period.end)
        self.open_needs = cached.open_need_counts(self.state)

    def show(
        self, listings: list[ContractListing], key: str, empty: str, download: tuple[str, Sequence[str], str]
    ) -> None:
        """A table of contracts, one of which can be chosen and shown in full,
        and its Excel download (label, notes, file name); ``empty`` instead of a
        table without rows (which would read "empty")."""
        if not listings:
            st.info(empty, icon=":material/info:")
            return
        chosen = contract_table(listings, self.fidelity_by_category, self.open_needs, key=key)
        label, notes, file_name = download
        catalogue_download(
            listings,
            self.fidelity_by_category,
            self.open_needs,
            label=label,
            notes=[*notes, f"Uttaget {self.today.isoformat()}"],
            file_name=file_name,
            key=f"{key}_excel",
        )
        if chosen is not None:
            fidelity = self.fidelity_by_category.get(chosen.category_id or -1)
            contract_details(chosen, fidelity, self.open_needs.get(chosen.id, 0), key=f"{key}_details")
