"""Översikt: the headline fidelity figures and where each user group goes next."""

import streamlit as st

from data_access.access.roles import Permission
from data_access.figures.fidelity import SpendFilter
from ui import cached
from ui.format import long_date
from ui.navigation import pages_for
from ui.page import page_start
from ui.widgets import headline_cards, status_summary_caption, unclassified_warning

start = page_start(
    "Avtalsfokus",
    "Avtalstrohet med kunden i fokus: vem köper på avtalen, vem köper utanför, och varför.",
    empty=None,  # the way to the other pages is shown either way
    permission=Permission.VIEW_OVERVIEW,
)
if start.in_data.last is None:
    st.warning("Databasen innehåller inga fakturarader ännu. Importera leverantörsfakturor för att börja.")
else:
    period = start.recent
    figures = cached.fidelity_total(start.state, SpendFilter(period.start, period.end))
    st.header(f"Senaste 12 hela månaderna: {long_date(period.start)} – {long_date(period.end)}")
    headline_cards(figures)
    st.caption(status_summary_caption(figures))
    unclassified_warning(figures)

st.divider()
WHO_COMES_FOR_WHAT = {
    "Ledning": "Hur hög är avtalstroheten, var är den låg och blir den bättre?",
    "Upphandlare": "Vem köper på avtalen och vem köper utanför, vad behöver enheterna, och var finns risker?",
    "Beställare": "Vilka avtal finns och vem är avtalsansvarig?",
}
# A card per section the viewer has pages in, with only those pages.
mine = pages_for(start.viewer.permissions)
sections = {spec.section for spec in mine}
cards = {section: text for section, text in WHO_COMES_FOR_WHAT.items() if section in sections}
for column, (section, text) in zip(st.columns(len(cards) or 1), cards.items(), strict=False):
    with column.container(border=True):
        st.markdown(f"**{section}**")
        st.write(text)
        for spec in mine:
            if spec.section == section:
                st.page_link(spec.path, label=spec.title, icon=spec.icon)
