"""Avtalstrohet's sections: the headline cards against a year before, the
trend per month, and the tabs that break the figures down (department then
unit, category, supplier, department × category, where the money goes) down
to the invoice lines. Only the open tab runs its queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

import pandas as pd
import streamlit as st

from data_access.core import clock
from data_access.core.periods import Period, partial_months
from data_access.core.reference import DataPeriod
from data_access.figures.fidelity import Dimension, SpendFilter
from ui import cached
from ui.cached import DataState
from ui.chart_figures import show_heatmap_figures, show_trend_figures
from ui.charts import PARTIAL_MARK, fidelity_bars, fidelity_heatmap, fidelity_trend, target_rule
from ui.dashboard_view import DashboardView
from ui.drilldown import excel_download, show_lines
from ui.elsewhere import show_category_suppliers
from ui.text import md
from ui.theme import DEFINITIONS
from ui.widgets import (
    draw_chart,
    fidelity_dataframe,
    headline_cards,
    status_summary_caption,
    unclassified_warning,
)

BREAKDOWN_HEADERS = (
    "Kod",
    "Namn",
    "Avtalat",
    "Avtalsotroget",
    "Avtalslöst",
    "Ej påverkbart",
    "Oklassificerat",
    "Avtalstrohet (%)",
    "Leverantörstrohet (%)",
    "Avtalstäckning (%)",
    "Rader",
)

CHART_ROWS = 25  # bars in a breakdown chart; the table below holds every row
TABS = ["Förvaltningar", "Kategorier", "Leverantörer", "Förvaltning × kategori", "Vart går pengarna?"]


@dataclass(frozen=True)
class Dashboard:
    """What every section of the page shares: the chosen view's filter, the
    lines that describe it above every download, and the target."""

    state: DataState
    in_data: DataPeriod
    view: DashboardView
    spend_filter: SpendFilter
    notes: Sequence[str]
    target: Decimal | None

    @property
    def target_value(self) -> float | None:
        return float(self.target) if self.target is not None else None

    def headline(self) -> None:
        """The five cards, each against the same days a year before."""
        figures = cached.fidelity_total(self.state, self.spend_filter)
        earlier_filter = self.view.year_earlier(self.in_data.last)
        earlier = cached.fidelity_total(self.state, earlier_filter)
        headline_cards(
            figures,
            earlier if earlier.line_counts else None,
            self.target,
            Period(earlier_filter.date_from, earlier_filter.date_to),
        )
        st.caption(status_summary_caption(figures))
        unclassified_warning(figures)
        with st.expander("Så räknas siffrorna"):
            for definition in DEFINITIONS.values():
                st.caption(definition)

    def trend(self) -> None:
        """Fidelity month by month; a month the data does not cover to its end is paler."""
        st.header("Utveckling per månad")
        trend = cached.fidelity_breakdown(self.state, Dimension.MONTH, self.spend_filter)
        unfinished = partial_months(self.in_data.first, self.in_data.last, clock.today())
        draw_chart(fidelity_trend(trend, self.target_value, unfinished))
        show_trend_figures(trend)
        if any(month.strftime("%Y-%m") in set(trend["key"]) for month in unfinished):
            st.caption(
                f"{PARTIAL_MARK.strip()} Månaden är inte komplett: fakturaraderna går till och med "
                f"{self.in_data.last.isoformat()}. Den visas blekare."
            )

    def breakdown(
        self,
        dimension: Dimension,
        title: str,
        key: str,
        scope: SpendFilter | None = None,
        show_key: bool = True,
    ) -> tuple[pd.DataFrame, pd.Series | None]:
        """A sorted chart and a selectable table of one breakdown, with its Excel
        download; returns the frame and the selected row (or None)."""
        frame = cached.fidelity_breakdown(
            self.state, dimension, self.spend_filter if scope is None else scope
        )
        if frame.empty:
            st.info("Inga fakturarader i urvalet.")
            return frame, None
        largest = frame.nlargest(CHART_ROWS, "in_scope_amount")
        chart = fidelity_bars(largest, title)
        target_value = self.target_value
        draw_chart(chart + target_rule(target_value) if target_value is not None else chart)
        if len(frame) > CHART_ROWS:
            st.caption(
                f"Diagrammet visar de {CHART_ROWS} med störst påverkbar volym; "
                f"tabellen visar alla {len(frame)}."
            )
        selected = fidelity_dataframe(frame, show_key=show_key, key=key)
        excel_download(
            f"Ladda ner {title.lower()} som Excel",
            BREAKDOWN_HEADERS,
            [tuple(row)[:11] for row in frame.itertuples(index=False)],
            notes=self.notes,
            file_name=f"avtalstrohet_{key}.xlsx",
            key=f"{key}_excel",
        )
        return frame, None if selected is None else frame.iloc[selected]

    def drill(self, row: pd.Series, scope: SpendFilter, attribute: str, key: str) -> None:
        """The lines behind a selected row: same filters plus that row's id."""
        chosen = replace(scope, **{attribute: (int(row["id"]),)})
        show_lines(self.state, chosen, title=str(row["label"]), notes=self.notes, key=key)

    def departments_tab(self) -> None:
        st.caption("Välj en förvaltning i tabellen för att se dess enheter och fakturarader.")
        _, department = self.breakdown(Dimension.DEPARTMENT, "Förvaltning", "departments")
        if department is None:
            return
        in_department = replace(self.spend_filter, department_ids=(int(department["id"]),))
        st.header(f"Enheter i {md(department['label'])}")
        _, unit = self.breakdown(Dimension.UNIT, "Enhet", "units", scope=in_department)
        if unit is not None:
            self.drill(unit, in_department, "unit_ids", "unit_lines")
        else:
            self.drill(department, self.spend_filter, "department_ids", "department_lines")

    def matrix_tab(self) -> None:
        matrix = cached.fidelity_matrix(
            self.state, (Dimension.DEPARTMENT, Dimension.CATEGORY), self.spend_filter
        )
        cells = matrix.rename(columns={"first": "department", "second": "category"})
        cells = cells.dropna(subset=["fidelity_pct"])
        if cells.empty:
            st.info("Ingen påverkbar volym i urvalet.")
        else:
            draw_chart(fidelity_heatmap(cells))
            show_heatmap_figures(cells)

    def tabs(self) -> None:
        """The breakdowns; only the open tab runs (and queries), and the open
        tab is part of the address too."""
        tabs = st.tabs(TABS, key="vy", on_change="rerun", bind="query-params")
        with tabs[0]:
            if tabs[0].open:
                self.departments_tab()
        with tabs[1]:
            if tabs[1].open:
                _, category = self.breakdown(Dimension.CATEGORY, "Kategori", "categories", show_key=False)
                if category is not None:
                    self.drill(category, self.spend_filter, "category_ids", "category_lines")
        with tabs[2]:
            if tabs[2].open:
                _, supplier = self.breakdown(Dimension.SUPPLIER, "Leverantör", "suppliers")
                if supplier is not None:
                    self.drill(supplier, self.spend_filter, "supplier_ids", "supplier_lines")
        with tabs[3]:
            if tabs[3].open:
                self.matrix_tab()
        with tabs[4]:
            if tabs[4].open:
                show_category_suppliers(self.state, self.spend_filter, self.notes)
