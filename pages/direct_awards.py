"""Direktupphandlingar (procurers): spend without a contract that passes the
direct-award limit in a financial year, per category and supplier: the list
to have before the auditors ask."""

from datetime import date

import pandas as pd
import streamlit as st

from data_access.core import clock
from data_access.core.db import engine_for, session_scope
from data_access.core.models import LineStatus
from data_access.figures.fidelity import SpendFilter
from data_access.figures.targets import TargetError, set_direct_award_limit
from ui import cached
from ui.dashboard_view import year_label
from ui.drilldown import excel_download, show_lines
from ui.format import grouped, integer, kronor, org_number
from ui.text import md
from ui.widgets import demo_notice, flash, show_flash

HEADERS = ("Kategori", "Leverantör", "Org.nr", "Avtalslöst belopp", "Leverantörer", "Enheter")

state = cached.data_state()
st.title("Direktupphandlingar")
demo_notice(state)
in_data = cached.data_period(state)
if in_data.first is None or in_data.last is None:
    st.warning("Inga fakturarader finns ännu.")
    st.stop()

limit = cached.direct_award_limit(state)
st.caption(
    "Köp utan avtal av samma slag räknas samman över räkenskapsåret (LOU 19 kap. 8 §). Listan visar "
    f"kategorier, och leverantörer inom en kategori, vars avtalslösa köp passerar {kronor(limit)}."
)
show_flash()
months = cached.months_with_lines(state)
years = sorted({month.year for month in months}, reverse=True) or [in_data.last.year]
columns = st.columns([1, 2])
year = columns[0].selectbox(
    "Räkenskapsår", years, format_func=lambda year: year_label(year, months, in_data.last), key="award_year"
)
with columns[1].popover("Ändra gränsen"), st.form("award_limit"):
    entered = st.text_input("Direktupphandlingsgräns (kr)", value=grouped(limit, 0), key="award_limit_value")
    if st.form_submit_button("Spara gränsen"):
        try:
            with session_scope(engine_for(state.url)) as session:
                set_direct_award_limit(session, entered)
        except TargetError as error:
            st.error(md(error))  # it quotes what was typed
        else:
            flash("Direktupphandlingsgränsen är sparad.")
            st.rerun()

risks = cached.direct_award_risks(state, year, limit)
if not risks:
    st.success(f"Inga avtalslösa köp över gränsen {year}.")
    st.stop()
rows = [
    (
        risk.category,
        risk.supplier or "(alla leverantörer)",
        org_number(risk.org_number),
        risk.amount,
        risk.supplier_count,
        risk.unit_count,
    )
    for risk in risks
]
frame = pd.DataFrame.from_records(rows, columns=HEADERS)
event = st.dataframe(
    frame.style.format({"Avtalslöst belopp": kronor, "Leverantörer": integer, "Enheter": integer}),
    hide_index=True,
    width="stretch",
    key="awards_table",
    on_select="rerun",
    selection_mode="single-row",
)
excel_download(
    "Ladda ner som Excel",
    HEADERS,
    rows,
    notes=[f"Avtalslösa köp över {kronor(limit)} under {year}", f"Uttaget {clock.today().isoformat()}"],
    file_name=f"direktupphandlingar_{year}.xlsx",
    key="awards_excel",
)

if event.selection.rows:
    risk = risks[event.selection.rows[0]]
    show_lines(
        state,
        SpendFilter(
            date_from=date(year, 1, 1),
            date_to=date(year, 12, 31),
            category_ids=(risk.category_id,),
            supplier_ids=(risk.supplier_id,) if risk.supplier_id else (),
        ),
        title=f"{risk.category}, {risk.supplier or 'alla leverantörer'}, {year}",
        notes=[f"Avtalslösa köp {year}"],
        key="awards_lines",
        statuses=(LineStatus.NO_CONTRACT,),
    )
else:
    st.caption("Välj en rad för att se fakturaraderna bakom beloppet.")
