"""Importera (procurers): finance-system exports, the contract register, the
organisation, the account plan and PEPPOL e-invoices. Nothing is written
until the user has seen the preview and the validation report."""

import streamlit as st

from data_access.access.roles import Permission
from ui import cached
from ui.import_batches import batch_table, undo_form
from ui.import_flow import peppol_import, spreadsheet_import, upload_input
from ui.importing import kind_choice, show_flash
from ui.page import page_start

state = page_start(
    "Importera data",
    "Läs in leverantörsfakturor från ekonomisystemet, avtalsregistret, organisationen med "
    "kontaktpersoner, kontoplanen eller e-fakturor. Du ser en förhandsgranskning och en "
    "valideringsrapport innan något sparas, och en import av fakturor kan ångras.",
    empty=None,
    permission=Permission.IMPORT_DATA,
).state

kind = kind_choice()
upload = upload_input(kind)
if upload is not None:
    imported = peppol_import(state, upload) if kind == "peppol" else spreadsheet_import(state, upload, kind)
    if imported:
        state = cached.data_state()  # the batch list below shows the new batch

st.divider()
st.header("Importer")
show_flash()
listing = cached.batch_listing(state)
batch_table(listing)
undo_form(listing, state)
