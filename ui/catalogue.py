"""Hitta avtal's tables: the contracts with who is responsible for each, and
the chosen contract in full.

The columns a unit comes for (the contract, its name and category, the
contract manager with e-mail and phone, valid to, state) come first and fit
beside the sidebar at 1366 px; the rest follows. Rows are three lines high so
long names wrap instead of being cut, and the manager's column is as wide as
the longest address in the table, so an address never breaks. Every cell is
text people read: "–" where a value is missing, never "None" or "nan"
(``st.dataframe`` shows a missing cell as "None" whatever a Styler says).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from decimal import Decimal

import pandas as pd
import streamlit as st

from data_access.customers.contracts import ContractListing, ContractState, single_bid
from ui import links
from ui.drilldown import excel_download
from ui.format import MISSING, NBSP, integer, percent
from ui.mail import mailto_address
from ui.signed_in import may_open

STATE_LABELS = {
    ContractState.ACTIVE: "Gäller",
    ContractState.EXPIRING: "Upphör inom 6 månader",
    ContractState.EXPIRED: "Har upphört",
    ContractState.UPCOMING: "Börjar gälla senare",
}

CONTRACT = "Avtal"
NAME = "Namn"
CATEGORY = "Kategori"
MANAGER = "Avtalsansvarig"
VALID_TO = "Gäller till"
STATE = "Status"
SUPPLIERS = "Leverantörer"
VALID_FROM = "Gäller från"
FIDELITY = "Avtalstrohet i kategorin"
OPEN_NEEDS = "Öppna behov"
BIDS = "Antal anbud"
SINGLE_BID = "Ett anbud"
PURCHASED_BY = "Upphandlat av"
COLUMNS = (
    CONTRACT,
    NAME,
    CATEGORY,
    MANAGER,
    VALID_TO,
    STATE,
    SUPPLIERS,
    VALID_FROM,
    FIDELITY,
    OPEN_NEEDS,
    BIDS,
    SINGLE_BID,
    PURCHASED_BY,
)

ROW_HEIGHT = 70  # three lines: Streamlit wraps cell text only in rows taller than 4rem
# Widths in pixels. With the sidebar open, a 1366 px screen leaves about 905 px
# for the table: the row-choice boxes (40), then 110 + 145 + 145 + the manager
# (290 for the demo's longest address) + 86 + 90. Names and categories wrap
# onto three lines; the manager's column is never narrower than its longest
# line, so an address never wraps.
WIDTHS = {CONTRACT: 110, NAME: 145, CATEGORY: 145, VALID_TO: 86, STATE: 90, SUPPLIERS: 260}
MANAGER_WIDTH = (150, 320)
_PIXELS_PER_CHARACTER = 7.3  # measured in Chromium: 270 px for a 37-character address in the grid's font
_CELL_PADDING = 18

FIGURE_SPACE = "\u2007"  # as wide as a digit, and sorted before one


def contract_link(reference: str) -> str:
    """The contract page for one contract, relative and URL-encoded
    (``ui.links``); the table shows the reference decoded from the link, so
    ``ÖK 2024/1 & B#2?`` reads as typed."""
    return links.contract_page_link(reference)


def manager_lines(listing: ContractListing) -> list[str]:
    """Name, e-mail and phone, those that are set."""
    parts = [listing.manager_name, listing.manager_email, listing.manager_phone]
    return [part.strip() for part in parts if part and part.strip()]


def manager_text(listing: ContractListing) -> str:
    """``Eva Ek, eva.ek@kommun.se, 019-21 10 00`` on one line the grid wraps
    at spaces only (it shows a line break as a space): the phone number's
    spaces do not break, and an address has none. "–" when nobody is set."""
    lines = manager_lines(listing)
    if listing.manager_phone and lines and lines[-1] == listing.manager_phone.strip():
        lines[-1] = lines[-1].replace(" ", NBSP)
    return ", ".join(lines) if lines else MISSING


def supplier_text(listing: ContractListing) -> str:
    """``Menigo Foodservice AB (556036-0793), ICA AB (556021-0261)``; a
    supplier known only by name has no number in brackets."""
    if not listing.supplier_list:
        return listing.suppliers or MISSING
    return ", ".join(
        f"{supplier.name} ({supplier.org_number_text})" if supplier.org_number else supplier.name
        for supplier in listing.supplier_list
    )


def sortable_figures(texts: Sequence[str]) -> list[str]:
    """Formatted figures padded on the left with figure spaces to one width:
    shown right-aligned they line up, and sorted as text they come in the
    order of their values (the dash for a missing value first), where
    "100,0 %" would otherwise sort before "9,5 %"."""
    width = max((len(text) for text in texts), default=0)
    return [text.rjust(width, FIGURE_SPACE) for text in texts]


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float | Decimal) and value != value)  # NaN


def fidelity_text(value: float | Decimal | None) -> str:
    """``55,2 %``; "–" where the category had no spend to measure."""
    return MISSING if _is_missing(value) else percent(value)


def fidelity_per_category(breakdown: pd.DataFrame) -> dict[int, float | None]:
    """Category id -> fidelity from the category breakdown (the row of lines
    without a category has no id and is left out)."""
    return {
        int(category_id): None if _is_missing(pct) else pct
        for category_id, pct in zip(breakdown["id"], breakdown["fidelity_pct"], strict=True)
        if not _is_missing(category_id)
    }


def single_bid_text(bid_count: int | None) -> str:
    """The catalogue's "Ett anbud" column: Ja, Nej or a dash."""
    alone = single_bid(bid_count)
    if alone is None:
        return MISSING
    return "Ja" if alone else "Nej"


def catalogue_frame(
    listings: Sequence[ContractListing],
    fidelity_by_category: Mapping[int, float | Decimal | None],
    open_needs: Mapping[int, int],
) -> pd.DataFrame:
    """The table as shown (its Excel download is ``catalogue_rows``)."""
    fidelity = sortable_figures(
        [fidelity_text(fidelity_by_category.get(item.category_id or -1)) for item in listings]
    )
    bids = sortable_figures([integer(item.bid_count) for item in listings])
    rows = [
        {
            CONTRACT: contract_link(item.reference),
            NAME: item.name,
            CATEGORY: item.category,
            MANAGER: manager_text(item),
            VALID_TO: item.valid_to,
            STATE: STATE_LABELS[item.state],
            SUPPLIERS: supplier_text(item),
            VALID_FROM: item.valid_from,
            FIDELITY: fidelity[index],
            OPEN_NEEDS: open_needs.get(item.id, 0),
            BIDS: bids[index],
            SINGLE_BID: single_bid_text(item.bid_count),
            PURCHASED_BY: item.purchasing_body or "Kommunen",
        }
        for index, item in enumerate(listings)
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


EXPORT_HEADERS = (
    CONTRACT,
    NAME,
    CATEGORY,
    MANAGER,
    "E-post",
    "Telefon",
    VALID_TO,
    STATE,
    SUPPLIERS,
    VALID_FROM,
    f"{FIDELITY} (%)",
    OPEN_NEEDS,
    BIDS,
    SINGLE_BID,
    PURCHASED_BY,
)


def catalogue_rows(
    listings: Sequence[ContractListing],
    fidelity_by_category: Mapping[int, float | Decimal | None],
    open_needs: Mapping[int, int],
) -> list[tuple[object, ...]]:
    """The table as shown, for Excel: the same rows in the same order, but the
    reference as written (not the link), the manager's name, address and
    phone in columns of their own, dates as dates and figures as numbers, so
    Excel can sort, filter and sum them; an empty cell where a value is
    missing. Names go to ``data_access.exports.excel`` as text, which never lets one
    run as a formula."""
    rows = []
    for item in listings:
        fidelity = fidelity_by_category.get(item.category_id or -1)
        rows.append(
            (
                item.reference,
                item.name,
                item.category,
                item.manager_name or None,
                item.manager_email or None,
                item.manager_phone or None,
                item.valid_to,
                STATE_LABELS[item.state],
                None if not (item.supplier_list or item.suppliers) else supplier_text(item),
                item.valid_from,
                None if _is_missing(fidelity) else float(fidelity),
                open_needs.get(item.id, 0),
                item.bid_count,
                None if item.bid_count is None else single_bid_text(item.bid_count),
                item.purchasing_body or "Kommunen",
            )
        )
    return rows


def search_notes(
    text: str,
    categories: Sequence[str],
    states: Sequence[ContractState],
    suppliers: Sequence[str],
) -> list[str]:
    """The search and the filters as lines of text, written above the
    downloaded list (as the dashboard and the inbox write theirs)."""

    def names(chosen: Sequence[str]) -> str:
        return ", ".join(chosen) if chosen else "alla"

    return [
        "Avtalsfokus: avtalskatalogen",
        f"Sökt: {text.strip()}" if text.strip() else "Sökt: inget (alla avtal)",
        f"Kategori: {names(categories)}",
        f"Status: {names([STATE_LABELS[state] for state in states])}",
        f"Leverantör: {names(suppliers)}",
    ]


def catalogue_download(
    listings: Sequence[ContractListing],
    fidelity_by_category: Mapping[int, float | Decimal | None],
    open_needs: Mapping[int, int],
    *,
    label: str,
    notes: Sequence[str],
    file_name: str,
    key: str,
) -> None:
    """The list below its table as an Excel workbook (``ui.drilldown``'s
    button), its notes and the number of contracts written above it."""
    excel_download(
        label,
        EXPORT_HEADERS,
        catalogue_rows(listings, fidelity_by_category, open_needs),
        notes=[*notes, f"{integer(len(listings))} avtal"],
        file_name=file_name,
        key=key,
    )


def manager_width(listings: Sequence[ContractListing]) -> int:
    """Wide enough for the longest of the managers' names, addresses and
    phone numbers in the table: the grid wraps the cell at spaces, so each
    fits on a line of its own and no address is cut or broken."""
    longest = max((len(line) + 1 for item in listings for line in manager_lines(item)), default=0)  # + ","
    low, high = MANAGER_WIDTH
    return max(low, min(high, round(longest * _PIXELS_PER_CHARACTER) + _CELL_PADDING))


def column_config(listings: Sequence[ContractListing]) -> dict:
    return {
        CONTRACT: st.column_config.LinkColumn(
            width=WIDTHS[CONTRACT],
            help="Öppna avtalet: vilka som köper på det och vilka som köper utanför",
            display_text=r"contract=(.*)$",
        ),
        NAME: st.column_config.TextColumn(width=WIDTHS[NAME]),
        CATEGORY: st.column_config.TextColumn(width=WIDTHS[CATEGORY]),
        MANAGER: st.column_config.TextColumn(
            width=manager_width(listings), help="Den som enheterna vänder sig till om avtalet"
        ),
        VALID_TO: st.column_config.DateColumn(format="YYYY-MM-DD", width=WIDTHS[VALID_TO]),
        STATE: st.column_config.TextColumn(width=WIDTHS[STATE]),
        SUPPLIERS: st.column_config.TextColumn(width=WIDTHS[SUPPLIERS], help="Med organisationsnummer"),
        VALID_FROM: st.column_config.DateColumn(format="YYYY-MM-DD"),
        FIDELITY: st.column_config.TextColumn(
            alignment="right", help="Senaste 12 hela månaderna, hela kategorin"
        ),
        OPEN_NEEDS: st.column_config.NumberColumn(format="%d"),
        BIDS: st.column_config.TextColumn(
            alignment="right", help="Ett enda anbud kan betyda att kraven stängde ute konkurrens."
        ),
    }


def table_key(key: str, contract_ids: Sequence[int]) -> str:
    """The table's widget key: ``key`` plus a digest of the rows it shows."""
    shown = hashlib.sha1(",".join(map(str, contract_ids)).encode()).hexdigest()[:10]
    return f"{key}_{shown}"


def contract_table(
    listings: Sequence[ContractListing],
    fidelity_by_category: Mapping[int, float | Decimal | None],
    open_needs: Mapping[int, int],
    *,
    key: str,
) -> ContractListing | None:
    """The contracts as a table in which one row can be chosen; returns the
    chosen contract. The key carries the rows shown, so a new search never
    keeps a choice that pointed at another contract."""
    frame = catalogue_frame(listings, fidelity_by_category, open_needs)
    event = st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        row_height=ROW_HEIGHT,
        column_config=column_config(listings),
        key=table_key(key, [item.id for item in listings]),
        on_select="rerun",
        selection_mode="single-row",
    )
    rows = event.selection.rows if event is not None else []
    return listings[rows[0]] if rows and rows[0] < len(listings) else None


def mailto(listing: ContractListing) -> str:
    """A message to the contract manager about the contract."""
    return mailto_address(listing.manager_email or "", f"{listing.reference} {listing.name}")


def contract_details(
    listing: ContractListing, fidelity: float | Decimal | None, open_need_count: int, *, key: str
) -> None:
    """The chosen contract in full: every text unshortened, the manager's
    address on a line of its own, and where to go next. Values from the data
    are shown with ``st.text``: never read as Markdown."""
    with st.container(border=True, key=key):
        st.caption("Valt avtal")
        st.text(f"{listing.reference} · {listing.name}")
        about, manager = st.columns(2)
        with about:
            st.text(
                "\n".join(
                    [
                        f"Kategori: {listing.category}",
                        f"Gäller: {listing.valid_from.isoformat()} – {listing.valid_to.isoformat()} "
                        f"({STATE_LABELS[listing.state].lower()})",
                        f"Upphandlat av: {listing.purchasing_body or 'Kommunen'}",
                        f"Antal anbud: {integer(listing.bid_count)}",
                        f"Avtalstrohet i kategorin: {fidelity_text(fidelity)}",
                        f"Öppna behov: {integer(open_need_count)}",
                    ]
                )
            )
            st.text(
                "Leverantörer:\n"
                + (
                    "\n".join(
                        f"{supplier.name}, org.nr {supplier.org_number_text or MISSING}"
                        for supplier in listing.supplier_list
                    )
                    or MISSING
                )
            )
        with manager:
            st.caption("Avtalsansvarig")
            if listing.manager_name or listing.manager_email:
                st.text("\n".join(manager_lines(listing)))
            else:
                st.text("Ingen avtalsansvarig är angiven. Fråga upphandlingsenheten.")
            if listing.manager_email:
                st.link_button("Skriv e-post", mailto(listing), icon=":material/mail:")
            if may_open("pages/needs.py"):
                st.page_link(
                    "pages/needs.py",
                    label="Lämna behov eller återkoppling om avtalet",
                    icon=":material/edit_note:",
                    query_params={"contract": listing.reference},
                )
            if may_open("pages/contract.py"):
                st.page_link(
                    "pages/contract.py",
                    label="Öppna avtalets sida",
                    icon=":material/handshake:",
                    query_params={"contract": listing.reference},
                )
