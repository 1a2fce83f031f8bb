"""Vem köper vad's blocks: the categories in the order a procurer works
them, the units that buy a category on contract and elsewhere (with their
Excel lists and contact people), and the category's suppliers.

A unit "buys on contract" when it has on-contract spend in the category and
"buys elsewhere" when it has off-contract spend; one can do both. The lines
booked on a department without a unit are a row of their own, which leads
to the category on Avtalstrohet instead of a unit page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data_access.access.viewer import Viewer
from data_access.core.periods import Period
from data_access.core.reference import Option
from data_access.figures.fidelity import Dimension, SpendFilter
from ui import cached, links
from ui.buyers import UnitCell, buyer_table, row_details
from ui.cached import DataState
from ui.drilldown import excel_download
from ui.format import MISSING, count_text, integer, is_missing, kronor, org_number, percent
from ui.reach import CATEGORY_WORDING, contact_section
from ui.tables import swedish_table

NO_UNIT = "Utan enhet (bokfört direkt på förvaltning)"
AMOUNT_LABELS = {"on_amount": "Avtalat", "off_amount": "Avtalsotroget"}
SUPPLIER_HEADERS = ("Leverantör", "Org.nr", "Avtalat", "Avtalsotroget", "Rader")


def number(value: object) -> float | None:
    """A figure for Excel: a number, or an empty cell where the table shows "–"."""
    return None if is_missing(value) else float(value)


def categories_by_off_spend(state: DataState, categories: Sequence[Option], period: Period) -> list[int]:
    """The category ids, those where the most money goes elsewhere first."""
    by_category = cached.fidelity_breakdown(state, Dimension.CATEGORY, SpendFilter(period.start, period.end))
    off_spend = dict(zip(by_category["key"], by_category["off_amount"], strict=True))
    return [option.id for option in sorted(categories, key=lambda option: -off_spend.get(option.name, 0.0))]


@dataclass(frozen=True)
class CategoryBuyers:
    """One category's buyers in a period: what the tables, their downloads
    and the contact list share."""

    state: DataState
    viewer: Viewer  # who reads the contact people (and whose download is logged)
    category_id: int
    category: str
    spend_filter: SpendFilter
    notes: Sequence[str]  # above every downloaded list
    stem: str  # the category in file names

    def unit_cells(self, frame: pd.DataFrame) -> list[UnitCell]:
        """The unit page per row; the lines booked without a unit lead to the
        category on Avtalstrohet."""
        return [
            UnitCell(NO_UNIT, links.fidelity_page_link(kat=self.category_id))
            if pd.isna(unit_id)
            else UnitCell(name, links.unit_page_link(code))
            for unit_id, code, name in zip(frame["id"], frame["key"], frame["label"], strict=True)
        ]

    def units_table(
        self, title: str, frame: pd.DataFrame, first: str, second: str, key: str, download: tuple[str, str]
    ) -> None:
        """Units sorted by ``first`` (the list's amount), decisive columns first,
        and the list as Excel (``download``: the button's label, the file name)."""
        st.header(f"{title} ({count_text(len(frame), 'enhet', 'enheter')})")
        if frame.empty:
            st.caption("Inga.")
            return
        labels = AMOUNT_LABELS
        total = frame[first].sum()
        shown = pd.DataFrame(
            {
                labels[first]: list(frame[first]),
                "Andel": [amount * 100 / total if total else None for amount in frame[first]],
                labels[second]: list(frame[second]),
                "Avtalstrohet": list(frame["fidelity_pct"]),
            }
        )
        cells = self.unit_cells(frame)
        chosen = buyer_table(
            shown,
            cells,
            key=key,
            unit_width=300,
            formats={
                labels[first]: kronor,
                "Andel": percent,
                labels[second]: kronor,
                "Avtalstrohet": percent,
            },
            column_config={
                labels[first]: st.column_config.Column(width=130),
                "Andel": st.column_config.Column(width=80, help="Andel av listans belopp"),
                labels[second]: st.column_config.Column(width=130),
                "Avtalstrohet": st.column_config.Column(width=110),
            },
        )
        label, file_name = download
        excel_download(
            label,
            ("Enhet", "Kod", labels[first], "Andel (%)", labels[second], "Avtalstrohet (%)", "Rader"),
            [
                (
                    cell.name,
                    None if is_missing(unit_id) else str(code),
                    number(amount),
                    number(share),
                    number(other),
                    number(fidelity),
                    int(line_count),
                )
                for cell, unit_id, code, amount, share, other, fidelity, line_count in zip(
                    cells,
                    frame["id"],
                    frame["key"],
                    frame[first],
                    shown["Andel"],
                    frame[second],
                    frame["fidelity_pct"],
                    frame["line_count"],
                    strict=True,
                )
            ],
            notes=[f"Avtalsfokus: vem köper vad, {title.lower()}", *self.notes],
            file_name=file_name,
            key=f"{key}_excel",
        )
        if chosen is None:
            st.caption("Välj en rad för att se den i sin helhet.")
            return
        row = frame.iloc[chosen]
        has_unit = not pd.isna(row["id"])
        row_details(
            cells[chosen].name,
            [
                ("Kod", str(row["key"]) if has_unit else MISSING),
                ("Avtalat", kronor(row["on_amount"])),
                ("Avtalsotroget", kronor(row["off_amount"])),
                ("Avtalstrohet", percent(row["fidelity_pct"])),
                ("Fakturarader", integer(int(row["line_count"]))),
            ],
            ("pages/unit.py", {"unit": str(row["key"])}) if has_unit else None,
        )

    def buyers_and_contacts(self) -> None:
        """The units buying elsewhere, those buying on contract, and the
        contact people of either group or both."""
        units = cached.fidelity_breakdown(self.state, Dimension.UNIT, self.spend_filter)
        buying_off = units[units["off_amount"] > 0].sort_values("off_amount", ascending=False)
        buying_on = units[units["on_amount"] > 0].sort_values("on_amount", ascending=False)
        self.units_table(
            "Köper utanför avtal",
            buying_off,
            "off_amount",
            "on_amount",
            "category_off_table",
            ("Ladda ner köparna utanför avtal som Excel", f"köper_utanför_avtal_{self.stem}.xlsx"),
        )
        self.units_table(
            "Köper på avtal",
            buying_on,
            "on_amount",
            "off_amount",
            "category_on_table",
            ("Ladda ner köparna på avtal som Excel", f"köper_på_avtal_{self.stem}.xlsx"),
        )
        st.header("Kontaktpersoner")
        contact_section(
            self.state,
            self.viewer,
            log_subject=f"category:{self.category_id}",
            on_unit_ids=[int(unit_id) for unit_id in buying_on["id"] if not pd.isna(unit_id)],
            off_unit_ids=[int(unit_id) for unit_id in buying_off["id"] if not pd.isna(unit_id)],
            wording=CATEGORY_WORDING,
            subject=self.category,
            notes=[f"Kontaktpersoner för enheter som köper {self.category}"],
            file_name=f"kontakter_{self.stem}.xlsx",
            key="category_contacts",
        )

    def suppliers(self) -> None:
        """The category's suppliers, the most off-contract money first, and their Excel."""
        suppliers = cached.fidelity_breakdown(self.state, Dimension.SUPPLIER, self.spend_filter)
        st.header("Leverantörer i kategorin")
        ranked = suppliers.sort_values("off_amount", ascending=False)
        supplier_rows = [
            (
                label,
                # The key is the org number, or the name when the supplier has none.
                None if key == label else org_number(key),
                number(on_amount),
                number(off_amount),
                int(line_count),
            )
            for key, label, on_amount, off_amount, line_count in zip(
                ranked["key"],
                ranked["label"],
                ranked["on_amount"],
                ranked["off_amount"],
                ranked["line_count"],
                strict=True,
            )
        ]
        st.dataframe(
            pd.DataFrame.from_records(supplier_rows, columns=SUPPLIER_HEADERS)
            .fillna({"Org.nr": MISSING})
            .pipe(swedish_table, {"Avtalat": kronor, "Avtalsotroget": kronor, "Rader": integer}),
            hide_index=True,
            width="stretch",
            key="category_suppliers_table",
        )
        if supplier_rows:
            excel_download(
                "Ladda ner leverantörerna som Excel",
                SUPPLIER_HEADERS,
                supplier_rows,
                notes=["Avtalsfokus: vem köper vad, leverantörer i kategorin", *self.notes],
                file_name=f"leverantörer_{self.stem}.xlsx",
                key="category_suppliers_excel",
            )
