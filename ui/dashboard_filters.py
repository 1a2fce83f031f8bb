"""The dashboard's filter widgets, kept in step with the address bar.

On a session's first run the widgets start from the query string (a shared
link opens the same view); after every run the query string is rewritten
from the widgets, so the address always describes what is on screen.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from data_access.core.periods import Period
from data_access.core.reference import DataPeriod, Option
from ui import cached
from ui.cached import DataState
from ui.dashboard_view import (
    PERIOD_LABELS,
    VIEW_PARAMS,
    DashboardView,
    PeriodMode,
    month_label,
    view_from_query,
    view_to_query,
    year_label,
)
from ui.format import long_date
from ui.widgets import choice_multiselect

KEYS = {
    "mode": "dash_mode",
    "year": "dash_year",
    "from": "dash_from",
    "to": "dash_to",
    "departments": "dash_departments",
    "units": "dash_units",
    "categories": "dash_categories",
    "suppliers": "dash_suppliers",
}


def _months(state: DataState, in_data: DataPeriod) -> list[date]:
    """The months that have lines: no empty year or month between imports
    is offered. The data's first month, should the summaries still be
    empty (lines being classified), so the lists are never empty."""
    assert in_data.first is not None
    return cached.months_with_lines(state) or [in_data.first.replace(day=1)]


def _start_from_address(in_data: DataPeriod, months: list[date]) -> None:
    view = view_from_query(st.query_params.to_dict())
    years = sorted({month.year for month in months})
    st.session_state[KEYS["mode"]] = view.mode
    st.session_state[KEYS["year"]] = view.year if view.year in years else years[-1]
    st.session_state[KEYS["from"]] = (
        view.first_month if view.first_month in months else months[max(0, len(months) - 12)]
    )
    st.session_state[KEYS["to"]] = view.last_month if view.last_month in months else months[-1]
    st.session_state[KEYS["departments"]] = list(view.department_ids)
    st.session_state[KEYS["units"]] = list(view.unit_ids)
    st.session_state[KEYS["categories"]] = list(view.category_ids)
    st.session_state[KEYS["suppliers"]] = list(view.supplier_ids)
    st.session_state["dash_started"] = True


def _multiselect(container, label: str, options: list[Option], key: str, placeholder: str) -> tuple[int, ...]:
    labels = {option.id: option.label for option in options}
    return choice_multiselect(container, label, labels, key=key, placeholder=placeholder)


def dashboard_filters(state: DataState, in_data: DataPeriod) -> DashboardView:
    """Draw the filters and return the view they describe."""
    months = _months(state, in_data)
    assert in_data.last is not None
    last_day = in_data.last
    if "dash_started" not in st.session_state:
        _start_from_address(in_data, months)
    period_row = st.columns([3, 2, 2])
    mode = period_row[0].radio(
        "Period", list(PeriodMode), format_func=PERIOD_LABELS.__getitem__, horizontal=True, key=KEYS["mode"]
    )
    year = first = last = None
    if mode is PeriodMode.YEAR:
        years = sorted({month.year for month in months}, reverse=True)
        year = period_row[1].selectbox(
            "År", years, format_func=lambda year: year_label(year, months, last_day), key=KEYS["year"]
        )
    elif mode is PeriodMode.MONTHS:

        def label(month: date) -> str:
            return month_label(month, last_day)

        first = period_row[1].selectbox("Från och med", months, format_func=label, key=KEYS["from"])
        last = period_row[2].selectbox("Till och med", months, format_func=label, key=KEYS["to"])
    filters = st.columns(4)
    department_ids = _multiselect(
        filters[0],
        "Förvaltning",
        cached.departments(state),
        KEYS["departments"],
        "Alla förvaltningar",
    )
    unit_ids = _multiselect(
        filters[1],
        "Enhet",
        cached.units(state, department_ids),
        KEYS["units"],
        "Alla enheter",
    )
    category_ids = _multiselect(
        filters[2],
        "Kategori",
        cached.categories(state),
        KEYS["categories"],
        "Alla kategorier",
    )
    supplier_ids = _multiselect(
        filters[3],
        "Leverantör",
        cached.suppliers(state),
        KEYS["suppliers"],
        "Alla leverantörer",
    )
    view = DashboardView(
        mode=mode,
        year=year,
        first_month=first,
        last_month=last,
        department_ids=department_ids,
        unit_ids=unit_ids,
        category_ids=category_ids,
        supplier_ids=supplier_ids,
    )
    wanted = view_to_query(view)
    for name in VIEW_PARAMS:  # other parameters (the open tab) belong to their widgets
        if name not in wanted:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != wanted[name]:
            st.query_params[name] = wanted[name]
    return view


def describe_view(state: DataState, view: DashboardView, period: Period) -> list[str]:
    """The filters as lines of text, written above every downloaded table."""

    def names(options: list[Option], ids: tuple[int, ...], everything: str) -> str:
        if not ids:
            return everything
        labels = {option.id: option.label for option in options}
        return ", ".join(labels.get(number, str(number)) for number in ids)

    return [
        "Avtalsfokus: avtalstrohet",
        f"Period: {long_date(period.start)} – {long_date(period.end)}",
        "Förvaltning: " + names(cached.departments(state), view.department_ids, "alla"),
        "Enhet: " + names(cached.units(state, ()), view.unit_ids, "alla"),
        "Kategori: " + names(cached.categories(state), view.category_ids, "alla"),
        "Leverantör: " + names(cached.suppliers(state), view.supplier_ids, "alla"),
    ]
