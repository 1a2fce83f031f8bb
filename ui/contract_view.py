"""The contract page's blocks: the contract's facts and manager, the units
that buy on it and those that buy the same things elsewhere (with their Excel
lists), and the suppliers with the category's fidelity over time.

Every name from the data goes through ``md``: shown as written, never as a
link or an image.
"""

from __future__ import annotations

import streamlit as st

from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.core import clock
from data_access.core.periods import Period
from data_access.customers.contacts import ContactInput, set_contract_manager
from data_access.customers.contract_buyers import ContractCustomers, UnitSpend
from data_access.customers.contracts import ContractListing
from data_access.figures.fidelity import Dimension, SpendFilter
from ui import cached, links
from ui.buyers import UnitCell, buyer_table, row_details, text_or_dash
from ui.cached import DataState
from ui.chart_figures import show_trend_figures
from ui.charts import fidelity_trend
from ui.commands import run_command
from ui.customer import contact_form
from ui.drilldown import excel_download, file_stem
from ui.format import count_text, integer, iso_date, kronor, long_date, percent, short_month
from ui.mail import mailto_address
from ui.reach import CONTRACT_WORDING, contact_section
from ui.tables import records_table, swedish_table
from ui.text import md
from ui.widgets import FLASH_KEY, draw_chart

SAVED_MESSAGE = "contract_page_saved"  # shown once on the run after a save


def contract_header(contract: ContractListing) -> None:
    """The contract's name, category, validity and suppliers, and its manager
    on a line of its own, each part whole: the name, the address and the
    phone number move to the next line as units, never broken in the middle."""
    st.header(f"{md(contract.reference)} {md(contract.name)}")
    facts = st.columns([1, 1, 2])
    facts[0].markdown(f"**Kategori**  \n{md(contract.category)}")
    facts[1].markdown(f"**Gäller**  \n{iso_date(contract.valid_from)} – {iso_date(contract.valid_to)}")
    facts[2].markdown(f"**Leverantörer**  \n{md(contract.suppliers) if contract.suppliers else '–'}")
    manager = [f"**Avtalsansvarig:** {md(contract.manager_name or 'saknas')}"]
    if contract.manager_email:
        manager.append(f"[{md(contract.manager_email)}]({mailto_address(contract.manager_email)})")
    if contract.manager_phone:
        manager.append(md(contract.manager_phone))
    with st.container(horizontal=True, gap="small", key="contract_manager"):
        for part in manager:
            st.markdown(part, width="content", wrap=False)


def manager_editor(state: DataState, viewer: Viewer, contract: ContractListing) -> None:
    """What the last save did, and the form that changes the contract manager
    (for a viewer who may: the change is refused and logged in data_access too)."""
    if not viewer.may(Permission.EDIT_CONTRACT_MANAGERS):
        return
    # The contact form also leaves its own "Kontaktpersonen ... är sparad." (ui.widgets.flash):
    # taken here, so it cannot turn up later on another page; the manager's message says more.
    generic = st.session_state.pop(FLASH_KEY, None)
    if saved := st.session_state.pop(SAVED_MESSAGE, None) or generic:
        st.success(saved, icon=":material/check_circle:")
        st.toast(saved, icon=":material/check_circle:")

    def save(person: ContactInput) -> None:
        run_command(state, set_contract_manager, contract.id, person, acting=viewer)
        # The form reruns the page at once; the next run says what was saved.
        st.session_state[SAVED_MESSAGE] = f"Avtalsansvarig sparad: {md(person.name.strip())}."

    with st.expander("Ändra avtalsansvarig"):
        contact_form(
            f"manager_{contract.id}",
            "Avtalsansvarig",
            save,
            initial=ContactInput(
                name=contract.manager_name or "",
                email=contract.manager_email or "",
                phone=contract.manager_phone or "",
                role="Avtalsansvarig",
            ),
        )


def single_bid_warning(contract: ContractListing) -> None:
    """A contract won on a single bid: the question to ask before the next procurement."""
    if contract.single_bid:
        st.warning("Avtalet fick ett enda anbud: kan kraven ha stängt ute konkurrensen?")


class BuyerTables:
    """The two lists of units (on the contract, in its category elsewhere):
    what they share is the contract, the period and the month columns."""

    def __init__(self, state: DataState, viewer: Viewer, contract: ContractListing, period: Period) -> None:
        self.contract = contract
        self.period = period
        self.customers: ContractCustomers = cached.contract_customers(state, viewer, contract.id, period)
        self.department_ids = {option.name: option.id for option in cached.departments(state)}

    def unit_cell(self, row: UnitSpend) -> UnitCell:
        """The unit page; lines booked on a department without a unit lead to
        the department's spend in the category on Avtalstrohet."""
        if row.unit_code is not None:
            return UnitCell(row.unit_name, links.unit_page_link(row.unit_code))
        department_id = self.department_ids.get(row.department or "")
        filters = {"kat": self.contract.category_id} if self.contract.category_id is not None else {}
        if department_id is not None:
            filters["forv"] = department_id
        return UnitCell(row.unit_name, links.fidelity_page_link(**filters))

    def spend_rows(
        self, rows: list[UnitSpend], *, elsewhere: bool
    ) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
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
            *(f"{month:%Y-%m}" for month in self.customers.months),
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

    def spend_table(self, rows: list[UnitSpend], *, key: str, elsewhere: bool, download: str) -> None:
        """The units, decisive columns first (unit, amount, share, last
        purchase), and their Excel (``download`` names what the list holds); a
        chosen row is shown in full below."""
        if not rows:
            st.caption("Inga.")
            return
        columns: dict[str, object] = {
            "Belopp": lambda row: float(row.amount),
            "Andel": lambda row: float(row.share_pct) if row.share_pct is not None else None,
            "Senaste köp": "last_purchase",
            "Rader": "line_count",
            "Förvaltning": lambda row: text_or_dash(row.department),
            "Trend": lambda row: list(row.monthly),
        }
        if elsewhere:
            columns["Leverantörer"] = lambda row: ", ".join(row.suppliers) or "–"
        months = self.customers.months
        chosen = buyer_table(
            records_table(rows, columns),
            [self.unit_cell(row) for row in rows],
            key=key,
            formats={"Belopp": kronor, "Andel": percent, "Rader": integer},
            column_config={
                "Belopp": st.column_config.Column(width=105),
                "Andel": st.column_config.Column(width=70, help="Andel av listans belopp"),
                "Senaste köp": st.column_config.DateColumn(format="YYYY-MM-DD", width=95),
                "Rader": st.column_config.Column(width=60),
                "Förvaltning": st.column_config.TextColumn(width=160),
                "Trend": st.column_config.LineChartColumn(
                    "Per månad",
                    width=125,
                    help=f"Belopp per månad, {short_month(months[0])}–{short_month(months[-1])}",
                ),
                "Leverantörer": st.column_config.TextColumn(width=300),
            },
        )
        headers, records = self.spend_rows(rows, elsewhere=elsewhere)
        contract, period = self.contract, self.period
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

    def show(self) -> None:
        """Both lists, the units on the contract first."""
        customers = self.customers
        st.markdown(f"**Köper på avtalet** ({count_text(len(customers.buying), 'enhet', 'enheter')})")
        self.spend_table(customers.buying, key="buying_table", elsewhere=False, download="på avtalet")
        losing_units = count_text(len(customers.losing), "enhet", "enheter")
        st.markdown(f"**Köper i kategorin utanför avtalet** ({losing_units})")
        self.spend_table(customers.losing, key="losing_table", elsewhere=True, download="utanför avtalet")


def contacts(
    state: DataState, viewer: Viewer, contract: ContractListing, customers: ContractCustomers
) -> None:
    """The needs-form link to send, and the contact people of the units on
    the contract and of those buying elsewhere."""
    st.caption("Länk till behovsformuläret med avtalet ifyllt, att ta med när du skriver till enheterna:")
    base_url = links.public_base_url()
    st.code(links.needs_form_link(contract.reference, base_url=base_url), language=None)
    links.warn_if_local(base_url)
    contact_section(
        state,
        viewer,
        log_subject=f"contract:{contract.id}",
        on_unit_ids=[row.unit_id for row in customers.buying if row.unit_id is not None],
        off_unit_ids=[row.unit_id for row in customers.losing if row.unit_id is not None],
        wording=CONTRACT_WORDING,
        subject=f"{contract.reference} {contract.name}",
        notes=[f"Kontaktpersoner för {contract.reference} {contract.name}"],
        file_name=f"kontakter_{file_stem(contract.reference)}.xlsx",
        key="contacts",
    )


def suppliers_and_trend(state: DataState, contract: ContractListing, period: Period) -> None:
    """Who is bought from on contract in the category, and the category's
    fidelity month by month."""
    found = cached.category_suppliers(state, contract.category_id, SpendFilter(period.start, period.end))
    table = records_table(
        found.contracted, {"Leverantör": "name", "Köpt på avtal": lambda supplier: float(supplier.amount)}
    )
    st.dataframe(swedish_table(table, {"Köpt på avtal": kronor}), hide_index=True)
    trend = cached.fidelity_breakdown(
        state,
        Dimension.MONTH,
        SpendFilter(period.start, period.end, category_ids=(contract.category_id,)),
    )
    if not trend.empty:
        draw_chart(fidelity_trend(trend))
        show_trend_figures(trend)
