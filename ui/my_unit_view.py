"""Min enhet's blocks: which of the viewer's units is shown, its fidelity
card and trend, what it bought off contract with the contracts it could have
used and their managers, and its own needs with status and answers.

Every read goes through ``ui.cached`` with the viewer, and every query there
refuses a unit that is not the viewer's. The address (``?enhet=CODE``) only
chooses among the viewer's own units: another unit's code gets a message and
the viewer's own unit, nothing of the other. Text from people (needs, answers,
names) is shown in tables or as escaped text, never as Markdown.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from data_access.access.viewer import Viewer
from data_access.core.periods import Period
from data_access.customers.own_unit import ContractToUse, OffContractSpend, OwnNeed, OwnUnit
from data_access.figures.fidelity import FidelityRow, breakdown_frame
from data_access.figures.unit_fidelity import UnitFidelity
from ui import cached
from ui.cached import DataState
from ui.charts import fidelity_trend
from ui.format import kronor, long_date, month_name, percent
from ui.mail import mailto_address
from ui.tables import records_table, swedish_table
from ui.text import md
from ui.theme import need_status_label, need_type_label
from ui.widgets import draw_chart, headline_cards, status_summary_caption

UNIT_PARAM = "enhet"
CHOICE_KEY = "my_unit_choice"
NOT_YOURS = "Enheten {} är inte din enhet. Du ser din egen enhet i stället."
NO_UNIT = (
    "Du är inte kopplad till någon enhet i Avtalsfokus. En enhet kopplas till dig när din e-postadress "
    "finns som kontaktperson för enheten, eller när administratören lägger till den på ditt konto."
)


def no_unit(state: DataState) -> None:
    """A viewer of no unit: why the page is empty, and whom to ask."""
    st.info(NO_UNIT, icon=":material/info:")
    st.text(cached.whom_to_ask(state))


def chosen_unit(units: Sequence[OwnUnit]) -> OwnUnit:
    """The unit the page shows: the one ``?enhet=`` names when it is the
    viewer's own, else the first of them; with several, a select. A code of
    another unit is answered with a message (the code as text, nothing of
    that unit, not even whether it exists); the address is left as it is, so
    the message stays while it names the other unit."""
    by_code = {unit.code: unit for unit in units}
    wanted = st.query_params.get(UNIT_PARAM)
    if wanted and wanted not in by_code:
        st.warning(NOT_YOURS.format(md(wanted)), icon=":material/lock:")
    if wanted in by_code:
        st.session_state[CHOICE_KEY] = wanted
    elif st.session_state.get(CHOICE_KEY) not in by_code:
        st.session_state[CHOICE_KEY] = units[0].code
    if len(units) == 1:
        return units[0]
    code = st.selectbox(
        "Enhet",
        list(by_code),
        format_func=lambda value: by_code[value].label,
        key=CHOICE_KEY,
        on_change=_put_choice_in_address,
    )
    return by_code[code]


def _put_choice_in_address() -> None:
    """A unit chosen in the select goes into the address, so a link to the
    page opens the same unit."""
    st.query_params[UNIT_PARAM] = st.session_state[CHOICE_KEY]


def trend_frame(fidelity: UnitFidelity) -> pd.DataFrame:
    """The months as ``breakdown_frame`` rows (key ``YYYY-MM``), the frame
    the dashboard's trend chart draws."""
    return breakdown_frame(
        [
            FidelityRow(key=item.month.strftime("%Y-%m"), label=month_name(item.month), figures=item.figures)
            for item in fidelity.months
        ]
    )


def fidelity_section(state: DataState, viewer: Viewer, unit: OwnUnit, period: Period) -> None:
    """The headline figures against the same period a year before, and the
    trend per month as a chart with its figures in a table below it."""
    fidelity = cached.my_unit_fidelity(state, viewer, unit.id, period)
    earlier_period = period.year_earlier()
    earlier = cached.my_unit_fidelity(state, viewer, unit.id, earlier_period).total
    st.markdown("### Avtalstrohet senaste 12 hela månaderna")
    st.caption(f"{long_date(period.start)} – {long_date(period.end)}")
    if not fidelity.total.amounts:
        st.caption("Enheten har inga fakturarader under perioden.")
        return
    headline_cards(
        fidelity.total,
        earlier if earlier.amounts else None,
        earlier_period=earlier_period if earlier.amounts else None,
    )
    st.caption(status_summary_caption(fidelity.total))
    st.markdown("### Utveckling per månad")
    frame = trend_frame(fidelity)
    draw_chart(fidelity_trend(frame))
    table = pd.DataFrame(
        {
            "Månad": [month_name(month.month) for month in fidelity.months],
            "Avtalstrohet": frame["fidelity_pct"],
            "Avtalat": frame["on_amount"],
            "Avtalsotroget": frame["off_amount"],
            "Avtalslöst": frame["no_contract_amount"],
        }
    )
    st.dataframe(
        swedish_table(
            table,
            {"Avtalstrohet": percent, "Avtalat": kronor, "Avtalsotroget": kronor, "Avtalslöst": kronor},
        ),
        hide_index=True,
        width="stretch",
    )


def _contracts_text(row: OffContractSpend) -> str | None:
    """The references only: the table below names each contract in full."""
    return ", ".join(item.reference for item in row.contracts) or None


def _managers_text(row: OffContractSpend) -> str | None:
    names = dict.fromkeys(item.manager for item in row.contracts if item.manager)
    return ", ".join(names) or None


def usable_contracts(rows: Sequence[OffContractSpend]) -> list[ContractToUse]:
    """Each contract the off-contract rows name, once, in their order."""
    found: dict[int, ContractToUse] = {}
    for row in rows:
        for item in row.contracts:
            found.setdefault(item.contract_id, item)
    return list(found.values())


def off_contract_section(state: DataState, viewer: Viewer, unit: OwnUnit, period: Period) -> None:
    """What the unit bought off contract per category and supplier, with the
    contracts it could have used; then those contracts with their managers."""
    rows = cached.my_unit_off_contract(state, viewer, unit.id, period)
    st.markdown("### Köpt utanför avtal, fast avtal finns")
    if not rows:
        st.caption("Enheten har inte köpt något utanför avtal under perioden.")
        return
    st.caption(
        "Köp i en kategori där ett avtal gällde på köpdagen, från en leverantör som inte är med på avtalet. "
        "Fråga avtalsansvarig hur ni beställer på avtalet."
    )
    table = records_table(
        rows,
        {
            "Kategori": "category",
            "Leverantör": "supplier",
            "Köpt utanför avtal": lambda row: float(row.amount),
            "Avtal som finns": _contracts_text,
            "Avtalsansvarig": _managers_text,
            "Senaste köp": "last_purchase",
            "Rader": "line_count",
        },
    )
    st.dataframe(swedish_table(table, {"Köpt utanför avtal": kronor}), hide_index=True, width="stretch")
    contracts = usable_contracts(rows)
    st.markdown("#### Avtalen ni kan använda och deras avtalsansvariga")
    table = records_table(
        contracts,
        {
            "Avtal": "reference",
            "Namn": "name",
            "Giltigt till": "valid_to",
            "Avtalsansvarig": "manager",
            "E-post": lambda item: mailto_address(item.manager_email) if item.manager_email else None,
            "Telefon": "manager_phone",
        },
    )
    st.dataframe(
        swedish_table(table),
        hide_index=True,
        width="stretch",
        column_config={"E-post": st.column_config.LinkColumn(display_text=r"^mailto:(.*)$")},
    )


def _about(need: OwnNeed) -> str | None:
    if need.contract:
        return f"{need.contract} {need.contract_name or ''}".strip()
    return f"{need.category} (inget avtal)" if need.category else None


def needs_section(state: DataState, viewer: Viewer, unit: OwnUnit) -> None:
    """The unit's needs with their status and the procurement unit's answer,
    and the way to submit another for this unit."""
    st.markdown("### Enhetens behov och synpunkter")
    st.page_link(
        "pages/needs.py",
        label=f"Lämna ett behov för {md(unit.name)}",
        icon=":material/edit_note:",
        query_params={"unit": unit.code},
    )
    needs = cached.my_unit_needs(state, viewer, unit.id)
    if not needs:
        st.caption("Enheten har inte lämnat några behov ännu.")
        return
    table = records_table(
        needs,
        {
            "Inkom": "created_at",
            "Status": lambda need: need_status_label(need.status),
            "Behov": "text",
            "Svar från upphandlingsenheten": "answer",
            "Avtal": _about,
            "Typ": lambda need: need_type_label(need.need_type),
            "Referens": "reference",
            "Senast ändrad": "updated_at",
        },
    )
    # Status, the need and the answer first and wide enough to read at 1366 px;
    # the rest may scroll.
    st.dataframe(
        swedish_table(table),
        hide_index=True,
        width="stretch",
        column_config={
            "Behov": st.column_config.TextColumn(width="medium"),
            "Svar från upphandlingsenheten": st.column_config.TextColumn(width="medium"),
        },
    )
