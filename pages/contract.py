"""Avtal (procurers): who buys on a contract, who buys the same things
elsewhere, and the people to call there. ``?contract=REF`` opens a contract."""

import pandas as pd
import streamlit as st

from data_access.core import clock
from data_access.core.db import engine_for, session_scope
from data_access.core.periods import last_full_months
from data_access.customers.contacts import ContactInput, set_contract_manager
from data_access.customers.contract_buyers import UnitSpend
from data_access.customers.needs import InboxFilter
from data_access.figures.fidelity import Dimension, SpendFilter
from ui import cached, links
from ui.buyers import UnitCell, buyer_table, row_details, text_or_dash
from ui.charts import fidelity_trend
from ui.customer import contact_form, needs_table, visits_table
from ui.drilldown import excel_download, file_stem
from ui.format import count_text, integer, iso_date, kronor, long_date, percent, short_month
from ui.mail import mailto_address
from ui.reach import CONTRACT_WORDING, contact_section
from ui.tables import swedish_table
from ui.text import md
from ui.widgets import FLASH_KEY, deep_linked_choice, demo_notice, draw_chart

SAVED_MESSAGE = "contract_page_saved"  # shown once on the run after a save


def save_manager(contract_id: int, person: ContactInput) -> None:
    with session_scope(engine_for(state.url)) as session:
        set_contract_manager(session, contract_id, person)
    # The form reruns the page at once; the next run says what was saved.
    st.session_state[SAVED_MESSAGE] = f"Avtalsansvarig sparad: {md(person.name.strip())}."


state = cached.data_state()
st.title("Avtal")
demo_notice(state)
in_data = cached.data_period(state)
listings = cached.search_contracts(state, clock.today())
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

# Every name from the data goes through md: shown as written, never as a link or an image.
st.subheader(f"{md(contract.reference)} {md(contract.name)}")
facts = st.columns([1, 1, 2])
facts[0].markdown(f"**Kategori**  \n{md(contract.category)}")
facts[1].markdown(f"**Gäller**  \n{iso_date(contract.valid_from)} – {iso_date(contract.valid_to)}")
facts[2].markdown(f"**Leverantörer**  \n{md(contract.suppliers) if contract.suppliers else '–'}")
# The manager on a line of its own, each part whole: the name, the address and
# the phone number move to the next line as units, never broken in the middle.
manager = [f"**Avtalsansvarig:** {md(contract.manager_name or 'saknas')}"]
if contract.manager_email:
    manager.append(f"[{md(contract.manager_email)}]({mailto_address(contract.manager_email)})")
if contract.manager_phone:
    manager.append(md(contract.manager_phone))
with st.container(horizontal=True, gap="small", key="contract_manager"):
    for part in manager:
        st.markdown(part, width="content", wrap=False)
# The contact form also leaves its own "Kontaktpersonen ... är sparad." (ui.widgets.flash):
# taken here, so it cannot turn up later on another page; the manager's message says more.
generic = st.session_state.pop(FLASH_KEY, None)
if saved := st.session_state.pop(SAVED_MESSAGE, None) or generic:
    st.success(saved, icon=":material/check_circle:")
    st.toast(saved, icon=":material/check_circle:")
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

period = last_full_months(in_data.last)
st.caption(f"Inköp senaste 12 hela månaderna: {long_date(period.start)} – {long_date(period.end)}")
customers = cached.contract_customers(state, contract.id, period)
months_shown = f"{short_month(customers.months[0])}–{short_month(customers.months[-1])}"
department_ids = {option.name: option.id for option in cached.departments(state)}


def unit_cell(row: UnitSpend) -> UnitCell:
    """The unit page; lines booked on a department without a unit lead to
    the department's spend in the category on Avtalstrohet."""
    if row.unit_code is not None:
        return UnitCell(row.unit_name, links.unit_page_link(row.unit_code))
    department_id = department_ids.get(row.department or "")
    filters = {"kat": contract.category_id} if contract.category_id is not None else {}
    if department_id is not None:
        filters["forv"] = department_id
    return UnitCell(row.unit_name, links.fidelity_page_link(**filters))


def spend_rows(rows: list[UnitSpend], *, elsewhere: bool) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
    """The table for Excel: the same units and figures, the unit's code, the
    first purchase and, instead of the sparkline, the amount of every month."""
    headers = (
        "Enhet",
        "Kod",
        "Förvaltning",
        "Belopp",
        "Andel (%)",
        "Rader",
        "Första köp",
        "Senaste köp",
        *(("Leverantörer",) if elsewhere else ()),
        *(f"{month:%Y-%m}" for month in customers.months),
    )
    records = [
        (
            row.unit_name,
            row.unit_code,
            row.department,
            row.amount,
            row.share_pct,
            row.line_count,
            row.first_purchase,
            row.last_purchase,
            *((", ".join(row.suppliers) or None,) if elsewhere else ()),
            *row.monthly,
        )
        for row in rows
    ]
    return headers, records


def spend_table(rows: list[UnitSpend], *, key: str, elsewhere: bool, download: str) -> None:
    """The units, decisive columns first (unit, amount, share, last
    purchase), and their Excel (``download`` names what the list holds); a
    chosen row is shown in full below."""
    if not rows:
        st.caption("Inga.")
        return
    frame = pd.DataFrame(
        {
            "Belopp": [float(row.amount) for row in rows],
            "Andel": [float(row.share_pct) if row.share_pct is not None else None for row in rows],
            "Senaste köp": [row.last_purchase for row in rows],
            "Rader": [row.line_count for row in rows],
            "Förvaltning": [text_or_dash(row.department) for row in rows],
            "Trend": [list(row.monthly) for row in rows],
            **({"Leverantörer": [", ".join(row.suppliers) or "–" for row in rows]} if elsewhere else {}),
        }
    )
    chosen = buyer_table(
        frame,
        [unit_cell(row) for row in rows],
        key=key,
        formats={"Belopp": kronor, "Andel": percent, "Rader": integer},
        column_config={
            "Belopp": st.column_config.Column(width=105),
            "Andel": st.column_config.Column(width=70, help="Andel av listans belopp"),
            "Senaste köp": st.column_config.DateColumn(format="YYYY-MM-DD", width=95),
            "Rader": st.column_config.Column(width=60),
            "Förvaltning": st.column_config.TextColumn(width=160),
            "Trend": st.column_config.LineChartColumn(
                "Per månad", width=125, help=f"Belopp per månad, {months_shown}"
            ),
            "Leverantörer": st.column_config.TextColumn(width=300),
        },
    )
    headers, records = spend_rows(rows, elsewhere=elsewhere)
    excel_download(
        f"Ladda ner köparna {download} som Excel",
        headers,
        records,
        notes=[
            f"Avtalsfokus: {contract.reference} {contract.name}, enheter som köper {download}",
            f"Period: {long_date(period.start)} – {long_date(period.end)}",
            f"Uttaget {clock.today().isoformat()}",
        ],
        file_name=f"{file_stem(contract.reference)}_köper_{file_stem(download)}.xlsx",
        key=f"{key}_excel",
    )
    if chosen is None:
        st.caption("Välj en rad för att se den i sin helhet.")
        return
    row = rows[chosen]
    row_details(
        row.unit_name,
        [
            ("Förvaltning", text_or_dash(row.department)),
            ("Belopp", kronor(row.amount)),
            ("Andel av listan", percent(row.share_pct)),
            ("Fakturarader", integer(row.line_count)),
            ("Första köp", iso_date(row.first_purchase)),
            ("Senaste köp", iso_date(row.last_purchase)),
            *([("Leverantörer", ", ".join(row.suppliers) or "–")] if elsewhere else []),
        ],
        ("pages/unit.py", {"unit": row.unit_code}) if row.unit_code is not None else None,
    )


st.markdown(f"**Köper på avtalet** ({count_text(len(customers.buying), 'enhet', 'enheter')})")
spend_table(customers.buying, key="buying_table", elsewhere=False, download="på avtalet")
losing_units = count_text(len(customers.losing), "enhet", "enheter")
st.markdown(f"**Köper i kategorin utanför avtalet** ({losing_units})")
spend_table(customers.losing, key="losing_table", elsewhere=True, download="utanför avtalet")

st.subheader("Kontaktpersoner")
st.caption("Länk till behovsformuläret med avtalet ifyllt, att ta med när du skriver till enheterna:")
base_url = links.public_base_url()
st.code(links.needs_form_link(contract.reference, base_url=base_url), language=None)
links.warn_if_local(base_url)
contact_section(
    state,
    on_unit_ids=[row.unit_id for row in customers.buying if row.unit_id is not None],
    off_unit_ids=[row.unit_id for row in customers.losing if row.unit_id is not None],
    wording=CONTRACT_WORDING,
    subject=f"{contract.reference} {contract.name}",
    notes=[f"Kontaktpersoner för {contract.reference} {contract.name}"],
    file_name=f"kontakter_{file_stem(contract.reference)}.xlsx",
    key="contacts",
)

st.subheader("Leverantörerna och kategorins avtalstrohet")
found = cached.category_suppliers(state, contract.category_id, SpendFilter(period.start, period.end))
st.dataframe(
    swedish_table(
        pd.DataFrame(
            {
                "Leverantör": [s.name for s in found.contracted],
                "Köpt på avtal": [float(s.amount) for s in found.contracted],
            }
        ),
        {"Köpt på avtal": kronor},
    ),
    hide_index=True,
)
trend = cached.fidelity_breakdown(
    state,
    Dimension.MONTH,
    SpendFilter(period.start, period.end, category_ids=(contract.category_id,)),
)
if not trend.empty:
    draw_chart(fidelity_trend(trend))

st.subheader("Behov och synpunkter om avtalet")
needs_table(
    cached.inbox(state, InboxFilter(contract_ids=(contract.id,)), 200),
    cached.need_count(state, InboxFilter(contract_ids=(contract.id,))),
)

st.subheader("Besök och samtal")
visits_table(cached.visits(state, None, contract.id))
