"""Vem köper vad (procurers): for one category, the units buying on contract
and the units buying the same things elsewhere: the people to call."""

import pandas as pd
import streamlit as st

from data_access.core import clock
from data_access.core.periods import last_full_months
from data_access.figures.fidelity import Dimension, SpendFilter
from ui import cached, links
from ui.buyers import UnitCell, buyer_table, row_details
from ui.drilldown import excel_download, file_stem
from ui.format import MISSING, count_text, integer, is_missing, kronor, long_date, org_number, percent
from ui.reach import CATEGORY_WORDING, contact_section
from ui.tables import swedish_table
from ui.widgets import demo_notice, headline_cards, status_summary_caption

NO_UNIT = "Utan enhet (bokfört direkt på förvaltning)"

state = cached.data_state()
st.title("Vem köper vad")
st.write(
    "Välj en kategori för att se vilka enheter som köper på avtal och vilka som köper utanför. "
    "Kategorierna med mest avtalsotrogna inköp står först."
)
demo_notice(state)
in_data = cached.data_period(state)
categories = cached.categories(state)
if in_data.last is None or not categories:
    st.warning("Inga fakturarader eller kategorier finns ännu.")
    st.stop()

period = last_full_months(in_data.last)
# Categories where the most money goes elsewhere come first.
by_category = cached.fidelity_breakdown(state, Dimension.CATEGORY, SpendFilter(period.start, period.end))
off_spend = dict(zip(by_category["key"], by_category["off_amount"], strict=True))
names = {option.id: option.name for option in categories}
ordered = sorted(names, key=lambda option_id: -off_spend.get(names[option_id], 0.0))
category_id = st.selectbox("Kategori", ordered, format_func=names.__getitem__, key="category")
st.caption(f"Senaste 12 hela månaderna: {long_date(period.start)} – {long_date(period.end)}")
spend_filter = SpendFilter(period.start, period.end, category_ids=(category_id,))
figures = cached.fidelity_total(state, spend_filter)
headline_cards(figures)
st.caption(status_summary_caption(figures))

units = cached.fidelity_breakdown(state, Dimension.UNIT, spend_filter)
category_stem = file_stem(names[category_id])
notes = [  # above every downloaded list
    f"Kategori: {names[category_id]}",
    f"Period: {long_date(period.start)} – {long_date(period.end)}",
    f"Uttaget {clock.today().isoformat()}",
]


def number(value: object) -> float | None:
    """A figure for Excel: a number, or an empty cell where the table shows "–"."""
    return None if is_missing(value) else float(value)


def unit_cells(frame: pd.DataFrame) -> list[UnitCell]:
    """The unit page per row; the lines booked without a unit lead to the
    category on Avtalstrohet."""
    return [
        UnitCell(NO_UNIT, links.fidelity_page_link(kat=category_id))
        if pd.isna(unit_id)
        else UnitCell(name, links.unit_page_link(code))
        for unit_id, code, name in zip(frame["id"], frame["key"], frame["label"], strict=True)
    ]


def units_table(
    title: str, frame: pd.DataFrame, first: str, second: str, key: str, download: tuple[str, str]
) -> None:
    """Units sorted by ``first`` (the list's amount), decisive columns first,
    and the list as Excel (``download``: the button's label, the file name)."""
    st.subheader(f"{title} ({count_text(len(frame), 'enhet', 'enheter')})")
    if frame.empty:
        st.caption("Inga.")
        return
    labels = {"on_amount": "Avtalat", "off_amount": "Avtalsotroget"}
    total = frame[first].sum()
    shown = pd.DataFrame(
        {
            labels[first]: list(frame[first]),
            "Andel": [amount * 100 / total if total else None for amount in frame[first]],
            labels[second]: list(frame[second]),
            "Avtalstrohet": list(frame["fidelity_pct"]),
        }
    )
    cells = unit_cells(frame)
    chosen = buyer_table(
        shown,
        cells,
        key=key,
        unit_width=300,
        formats={labels[first]: kronor, "Andel": percent, labels[second]: kronor, "Avtalstrohet": percent},
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
        notes=[f"Avtalsfokus: vem köper vad, {title.lower()}", *notes],
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


buying_off = units[units["off_amount"] > 0].sort_values("off_amount", ascending=False)
buying_on = units[units["on_amount"] > 0].sort_values("on_amount", ascending=False)
units_table(
    "Köper utanför avtal",
    buying_off,
    "off_amount",
    "on_amount",
    "category_off_table",
    ("Ladda ner köparna utanför avtal som Excel", f"köper_utanför_avtal_{category_stem}.xlsx"),
)
units_table(
    "Köper på avtal",
    buying_on,
    "on_amount",
    "off_amount",
    "category_on_table",
    ("Ladda ner köparna på avtal som Excel", f"köper_på_avtal_{category_stem}.xlsx"),
)

st.subheader("Kontaktpersoner")
category = names[category_id]
contact_section(
    state,
    on_unit_ids=[int(unit_id) for unit_id in buying_on["id"] if not pd.isna(unit_id)],
    off_unit_ids=[int(unit_id) for unit_id in buying_off["id"] if not pd.isna(unit_id)],
    wording=CATEGORY_WORDING,
    subject=category,
    notes=[f"Kontaktpersoner för enheter som köper {category}"],
    file_name=f"kontakter_{category_stem}.xlsx",
    key="category_contacts",
)

suppliers = cached.fidelity_breakdown(state, Dimension.SUPPLIER, spend_filter)
st.subheader("Leverantörer i kategorin")
ranked = suppliers.sort_values("off_amount", ascending=False)
SUPPLIER_HEADERS = ("Leverantör", "Org.nr", "Avtalat", "Avtalsotroget", "Rader")
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
        notes=["Avtalsfokus: vem köper vad, leverantörer i kategorin", *notes],
        file_name=f"leverantörer_{category_stem}.xlsx",
        key="category_suppliers_excel",
    )
