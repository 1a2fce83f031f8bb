"""Reaching the units that buy: their contact people, a contact list for
Excel, and messages to them in blind copy (``ui.mail``), for the group the
procurer chooses: the units that buy on contract, those that buy elsewhere,
or both. Used by the contract page and Vem köper vad.

Contact people are personal data: they are read for the signed-in viewer
(who must be allowed to see them), and every download of them is logged
(``contact_download``): who, when, of what and how many rows, never the
people themselves."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from data_access.access.roles import AccessDenied, Permission
from data_access.access.viewer import Viewer
from data_access.customers.contacts import record_contact_export
from data_access.customers.contract_buyers import Contact
from data_access.exports.excel import table_workbook
from ui import cached
from ui.buyers import text_or_dash
from ui.cached import DataState
from ui.commands import run_command
from ui.drilldown import EXCEL_MIME
from ui.format import MISSING, integer
from ui.mail import MAILTO_LIMIT, mailto_address, mailto_batches, outlook_line, unique_addresses

CONTACT_HEADERS = ("Enhet", "Namn", "Roll", "E-post", "Telefon", "Köper")
NO_CONTACTS = "Enheterna har inga registrerade kontaktpersoner."
BUTTONS_PER_ROW = 4


class Group(enum.StrEnum):
    ON = "on"
    OFF = "off"
    BOTH = "both"


@dataclass(frozen=True)
class Wording:
    """How a page names where a unit buys: "på avtalet" (one contract) or
    "på avtal" (any contract of a category)."""

    on: str
    off: str

    @property
    def both(self) -> str:
        return f"{self.on} och utanför"

    def option(self, group: Group) -> str:
        """The choice as offered: "Köper på avtalet", "Köper utanför avtalet", "Båda"."""
        return {Group.ON: f"Köper {self.on}", Group.OFF: f"Köper {self.off}", Group.BOTH: "Båda"}[group]

    def description(self, group: Group) -> str:
        """The group in a sentence, for the contact list's heading."""
        where = {Group.ON: self.on, Group.OFF: self.off, Group.BOTH: f"{self.on} eller {self.off}"}[group]
        return f"Enheter som köper {where}"


CONTRACT_WORDING = Wording(on="på avtalet", off="utanför avtalet")
CATEGORY_WORDING = Wording(on="på avtal", off="utanför avtal")


def contacts_in_group(
    contacts: Sequence[Contact], on_ids: set[int], off_ids: set[int], group: Group
) -> list[Contact]:
    """The contacts of the units in ``group``, in the given order."""
    wanted = {Group.ON: on_ids, Group.OFF: off_ids, Group.BOTH: on_ids | off_ids}[group]
    return [contact for contact in contacts if contact.unit_id in wanted]


def contact_rows(
    contacts: Sequence[Contact], on_ids: set[int], off_ids: set[int], wording: Wording
) -> list[tuple[str, ...]]:
    """One row per contact, as shown and as exported: a dash where a value
    is missing, and where the unit buys."""

    def where(unit_id: int) -> str:
        if unit_id in on_ids and unit_id in off_ids:
            return wording.both
        return wording.on if unit_id in on_ids else wording.off

    return [
        (
            contact.unit_name,
            contact.name,
            text_or_dash(contact.role),
            text_or_dash(contact.email),
            text_or_dash(contact.phone),
            where(contact.unit_id),
        )
        for contact in contacts
    ]


def _contact_table(rows: list[tuple[str, ...]], key: str) -> None:
    """The contacts with each address as a mailto link (the text shows the
    address; a contact without one shows a dash)."""
    frame = pd.DataFrame.from_records(rows, columns=CONTACT_HEADERS)
    addresses = list(frame["E-post"])
    frame["E-post"] = ["" if email == MISSING else mailto_address(email) for email in addresses]
    if all(frame["E-post"]):
        # The link column's own text rule (it decodes what it shows): no Styler,
        # which costs a page run tens of milliseconds for a few hundred people.
        data: pd.DataFrame | Styler = frame
        email = st.column_config.LinkColumn(width=275, display_text=r"^mailto:(.*)$")
    else:
        written = dict(zip(frame["E-post"], addresses, strict=True))
        data = frame.style.format({"E-post": lambda link: written[link] if link else MISSING})
        email = st.column_config.LinkColumn(width=275)
    st.dataframe(
        data,
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            "Enhet": st.column_config.TextColumn(width=170),
            "Namn": st.column_config.TextColumn(width=130),
            "Roll": st.column_config.TextColumn(width=90),
            "E-post": email,
            "Telefon": st.column_config.TextColumn(width=100),
            "Köper": st.column_config.TextColumn(width=135),
        },
    )


def record_contact_download(state: DataState, viewer: Viewer, subject: str, rows: int) -> None:
    """The audit entry of a contact download, through the one write path."""
    run_command(state, record_contact_export, subject, rows, acting=viewer)


def contact_download(
    state: DataState,
    viewer: Viewer,
    label: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    subject: str,
    notes: Sequence[str],
    file_name: str,
    key: str,
) -> None:
    """An Excel download of a table holding contact people (``subject``:
    what it is of, ``contract:12``). The workbook is made when the button is
    pressed, and the press logs the download (the callback runs before the
    rerun), so the log holds every download, with its row count."""
    st.download_button(
        label,
        data=lambda: table_workbook(headers, list(rows), notes=notes),
        file_name=file_name,
        mime=EXCEL_MIME,
        key=key,
        icon=":material/download:",
        on_click=record_contact_download,
        args=(state, viewer, subject, len(rows)),
    )


def contact_section(
    state: DataState,
    viewer: Viewer,
    *,
    log_subject: str,
    on_unit_ids: Sequence[int],
    off_unit_ids: Sequence[int],
    wording: Wording,
    subject: str,
    notes: Sequence[str],
    file_name: str,
    key: str,
) -> None:
    """Choose a group; see its contact people, download them (the download
    logged as of ``log_subject``), write to them."""
    if not viewer.may(Permission.VIEW_CONTACTS):
        st.caption(str(AccessDenied(Permission.VIEW_CONTACTS)))
        return
    on_ids, off_ids = set(on_unit_ids), set(off_unit_ids)
    contacts = cached.unit_contacts(state, viewer, tuple(sorted(on_ids | off_ids)))
    if not contacts:
        st.caption(NO_CONTACTS)
        return
    counts = {group: len(contacts_in_group(contacts, on_ids, off_ids, group)) for group in Group}
    group = st.radio(
        "Vilka vill du nå?",
        list(Group),
        index=list(Group).index(Group.BOTH),
        format_func=lambda option: f"{wording.option(option)} ({integer(counts[option])} personer)",
        horizontal=True,
        key=f"{key}_group",
    )
    chosen = contacts_in_group(contacts, on_ids, off_ids, group)
    if not chosen:
        st.caption("Enheterna i gruppen har inga registrerade kontaktpersoner.")
        return
    rows = contact_rows(chosen, on_ids, off_ids, wording)
    _contact_table(rows, key=f"{key}_table")
    contact_download(
        state,
        viewer,
        "Ladda ner kontaktlistan",
        CONTACT_HEADERS,
        rows,
        subject=log_subject,
        notes=[*notes, wording.description(group)],
        file_name=file_name,
        key=f"{key}_excel",
    )
    addresses = unique_addresses(contact.email for contact in chosen)
    if not addresses:
        st.caption("Ingen av kontaktpersonerna i gruppen har en e-postadress.")
        return
    batches = mailto_batches(addresses, subject)
    if len(batches) == 1:
        st.caption(f"{integer(len(addresses))} adresser som dold kopia (Bcc): ingen mottagare ser de andras.")
    else:
        st.caption(
            f"{integer(len(addresses))} adresser som dold kopia (Bcc), uppdelade på {len(batches)} "
            f"meddelanden: en e-postlänk rymmer omkring {integer(MAILTO_LIMIT)} tecken, så skicka alla "
            f"{len(batches)}."
        )
    for start in range(0, len(batches), BUTTONS_PER_ROW):
        columns = st.columns(BUTTONS_PER_ROW)
        for column, batch in zip(columns, batches[start : start + BUTTONS_PER_ROW], strict=False):
            column.link_button(
                batch.label,
                batch.link,
                icon=":material/mail:",
                help=f"{integer(len(batch.addresses))} adresser som dold kopia (Bcc)",
                key=f"{key}_mail_{batch.number}",
            )
    st.caption("Adresserna i gruppen, att klistra in i fältet Hemlig kopia (Bcc) i Outlook:")
    line = outlook_line(addresses)
    # The whole line, wrapped: a box that scrolls cannot be reached by keyboard
    # (Streamlit's code block takes no focus; axe scrollable-region-focusable).
    st.code(line, language=None, wrap_lines=True, height="content")
