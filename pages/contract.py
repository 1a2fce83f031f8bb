"""Avtal (procurers): who buys on a contract, who buys the same things
elsewhere, and the people to call there. ``?contract=REF`` opens a contract."""


import pandas as pd
import streamlit as st

from data_access import clock
from data_access.config import needs_form_link
from data_access.contacts import ContactInput, set_contract_manager
from data_access.contract_buyers import email_line, mailto_link
from data_access.db import engine_for, session_scope
from data_access.fidelity import Dimension, SpendFilter
from data_access.periods import last_full_months
from ui import cached
from ui.charts import fidelity_trend
from ui.customer import contact_form, contact_table, needs_table, visits_table
from ui.drilldown import excel_download
from ui.format import kronor, long_date
from ui.widgets import deep_linked_choice, demo_notice


def save_manager(contract_id: int, person: ContactInput) -> None:
    with session_scope(engine_for(state.url)) as session:
        set_contract_manager(session, contract_id, person)


CONTACT_HEADERS = ("Enhet", "Namn", "Roll", "E-post", "Telefon", "Köper")

state = cached.data_state()
st.title("Avtal")
demo_notice(state)
in_data = cached.data_period(state.url, state.version)
listings = cached.contract_listings(state.url, state.version, "", (), (), clock.today())
if not listings or in_data.last is None:
    st.warning("Inga avtal eller fakturarader finns ännu.")
    st.stop()

by_reference = {listing.reference: listing for listing in listings}
reference = deep_linked_choice(
    "Avtal",
    {ref: f"{ref} {by_reference[ref].name}" for ref in sorted(by_reference)},
    param="contract",
    key="contract_choice",
    placeholder="Sök avtal på nummer eller namn",
    unknown="Avtalet {} finns inte. Välj ett avtal i listan.",
)
if reference is None:
    st.stop()
contract = by_reference[reference]

st.subheader(f"{contract.reference} {contract.name}")
facts = st.columns(4)
facts[0].markdown(f"**Kategori**  \n{contract.category}")
facts[1].markdown(f"**Gäller**  \n{contract.valid_from:%Y-%m-%d} – {contract.valid_to:%Y-%m-%d}")
facts[2].markdown(f"**Leverantörer**  \n{contract.suppliers or '–'}")
facts[3].markdown(
    f"**Avtalsansvarig**  \n{contract.manager_name or 'saknas'}  \n"
    f"{contract.manager_email or ''} {contract.manager_phone or ''}"
)
with st.expander("Ändra avtalsansvarig"):
    contact_form(
        f"manager_{contract.id}",
        "Avtalsansvarig",
        lambda person: save_manager(contract.id, person),
        initial=ContactInput(
            name=contract.manager_name or "",
            email=contract.manager_email or "",
            phone=contract.manager_phone or "",
            role="Avtalsansvarig",
        ),
    )
if contract.bid_count == 1:
    st.warning("Avtalet fick ett enda anbud: kan kraven ha stängt ute konkurrensen?")

st.caption("Länk till behovsformuläret med avtalet ifyllt, att skicka till enheterna:")
st.code(needs_form_link(contract.reference), language=None)

period = last_full_months(in_data.last)
st.caption(f"Inköp senaste 12 hela månaderna: {long_date(period.start)} – {long_date(period.end)}")
customers = cached.contract_customers(state.url, state.version, contract.id, period)
month_labels = [month.strftime("%Y-%m") for month in customers.months]


def spend_table(rows, *, elsewhere: bool) -> None:
    frame = pd.DataFrame(
        {
            "Enhet": [row.unit_name for row in rows],
            "Förvaltning": [row.department for row in rows],
            "Belopp": [float(row.amount) for row in rows],
            "Andel %": [float(row.share_pct) if row.share_pct is not None else None for row in rows],
            "Rader": [row.line_count for row in rows],
            "Första köp": [row.first_purchase for row in rows],
            "Senaste köp": [row.last_purchase for row in rows],
            "Trend": [list(row.monthly) for row in rows],
            **({"Leverantörer": [", ".join(row.suppliers[:3]) for row in rows]} if elsewhere else {}),
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            "Belopp": st.column_config.NumberColumn(format="%.0f kr"),
            "Andel %": st.column_config.NumberColumn(format="%.1f"),
            "Trend": st.column_config.LineChartColumn(f"Per månad {month_labels[0]}–{month_labels[-1]}"),
            "Första köp": st.column_config.DateColumn(format="YYYY-MM-DD"),
            "Senaste köp": st.column_config.DateColumn(format="YYYY-MM-DD"),
        },
    )


left, right = st.columns(2)
with left:
    st.markdown(f"**Köper på avtalet** ({len(customers.buying)} enheter)")
    spend_table(customers.buying, elsewhere=False)
with right:
    st.markdown(f"**Köper i kategorin utanför avtalet** ({len(customers.losing)} enheter)")
    spend_table(customers.losing, elsewhere=True)

st.subheader("Kontaktpersoner")
buying_ids = tuple(row.unit_id for row in customers.buying if row.unit_id is not None)
losing_ids = tuple(row.unit_id for row in customers.losing if row.unit_id is not None)
contacts = cached.contacts_of_units(
    state.url, state.version, tuple(sorted(set(buying_ids) | set(losing_ids)))
)
if not contacts:
    st.caption("Enheterna har inga registrerade kontaktpersoner.")
else:
    where = {unit_id: "på avtalet" for unit_id in buying_ids}
    for unit_id in losing_ids:
        where[unit_id] = "på avtalet och utanför" if unit_id in where else "utanför avtalet"
    rows = [(c.unit_name, c.name, c.role, c.email, c.phone, where.get(c.unit_id, "")) for c in contacts]
    contact_table(pd.DataFrame.from_records(rows, columns=CONTACT_HEADERS))
    actions = st.columns([1, 1, 2])
    with actions[0]:
        excel_download(
            "Ladda ner kontaktlistan",
            CONTACT_HEADERS,
            rows,
            notes=[f"Kontaktpersoner för {contract.reference} {contract.name}"],
            file_name=f"kontakter_{contract.reference}.xlsx",
            key="contacts_excel",
        )
    actions[1].link_button(
        "Skriv till alla",
        mailto_link(contacts, f"{contract.reference} {contract.name}"),
        icon=":material/mail:",
    )
    st.caption("Alla e-postadresser, att klistra in i Outlook:")
    st.code(email_line(contacts), language=None)

st.subheader("Leverantörerna och kategorins avtalstrohet")
found = cached.suppliers_in_category(
    state.url, state.version, contract.category_id, SpendFilter(period.start, period.end)
)
st.dataframe(
    pd.DataFrame(
        {
            "Leverantör": [s.name for s in found.contracted],
            "Köpt på avtal": [kronor(s.amount) for s in found.contracted],
        }
    ),
    hide_index=True,
)
trend = cached.fidelity_table(
    state.url,
    state.version,
    Dimension.MONTH,
    SpendFilter(period.start, period.end, category_ids=(contract.category_id,)),
)
if not trend.empty:
    st.altair_chart(fidelity_trend(trend), width="stretch")

st.subheader("Behov och synpunkter om avtalet")
needs_table(cached.needs(state.url, state.version, None, contract.id))

st.subheader("Besök och samtal")
visits_table(cached.visit_log(state.url, state.version, None, contract.id))
