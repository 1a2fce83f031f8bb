"""Direktupphandlingar (procurers): spend without a contract that passes the
direct-award limit in a financial year, per category and supplier: the list
to have before the auditors ask."""

import streamlit as st

from data_access.access.roles import Permission
from ui import cached
from ui.dashboard_view import year_label
from ui.direct_awards_view import limit_form, risks_table
from ui.format import kronor
from ui.page import page_start
from ui.widgets import show_flash

start = page_start("Direktupphandlingar", permission=Permission.VIEW_DIRECT_AWARDS)
state, last, viewer = start.state, start.last, start.viewer
limit = cached.direct_award_limit(state)
st.caption(
    "Köp utan avtal av samma slag räknas samman över räkenskapsåret (LOU 19 kap. 8 §). Listan visar "
    f"kategorier, och leverantörer inom en kategori, vars avtalslösa köp passerar {kronor(limit)}."
)
show_flash()
months = cached.months_with_lines(state)
years = sorted({month.year for month in months}, reverse=True) or [last.year]
columns = st.columns([1, 2])
year = columns[0].selectbox(
    "Räkenskapsår", years, format_func=lambda year: year_label(year, months, last), key="award_year"
)
if viewer.may(Permission.EDIT_DIRECT_AWARD_LIMIT):  # ledning reads the list, without the form
    with columns[1].popover("Ändra gränsen"), st.form("award_limit"):
        limit_form(state, limit, viewer)

risks = cached.direct_award_risks(state, year, limit)
if not risks:
    st.success(f"Inga avtalslösa köp över gränsen {year}.")
    st.stop()
risks_table(state, risks, year, limit)
