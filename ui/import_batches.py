"""The import page's batch list and its undo: what came in, who brought it,
what became of it, and the form that takes one import back out again."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from data_access.access.roles import Permission
from data_access.importing.batches import (
    BatchInfo,
    BatchListing,
    BatchUndoError,
    UndoResult,
    undo_batch,
)
from ui.cached import DataState
from ui.commands import run_command
from ui.format import MISSING, count_text, integer, kronor
from ui.importing import ENTITY_NOUNS, KIND_LABELS, WRAPPING_ROW_HEIGHT, held_by, remember_flash
from ui.signed_in import require_viewer
from ui.tables import records_table
from ui.text import md

UNDO_CONFIRMATION = "Ja, ta bort exakt de rader som importen lade till"

# What keeps a created row, by the table that refers to it.
USED_BY = {
    "invoice_line": "fakturarader från andra importer",
    "contract_supplier": "avtal",
    "unit": "enheter",
    "unit_contact": "kontaktpersoner",
    "need": "behov",
    "feedback": "återkoppling",
    "visit": "besök",
    "department": "egna mål",
    "account": "kontoplanen",
}




def batch_result_text(batch: BatchInfo) -> str:
    """``0 nya rader, 68 021 fanns redan (i import 1)``; when import 1 was
    undone since, that those rows are gone."""
    if batch.kind not in ("invoices", "peppol"):
        parts = [count_text(batch.imported, "rad inläst", "rader inlästa")]
    else:
        parts = [count_text(batch.imported, "ny rad", "nya rader")]
        if batch.duplicates:
            text = f"{integer(batch.duplicates)} fanns redan"
            active = [overlap.earlier_batch_id for overlap in batch.overlaps if not overlap.earlier_undone]
            gone = [overlap for overlap in batch.overlaps if overlap.earlier_undone]
            if active:
                text += held_by(active)
            for overlap in gone:
                text += (
                    f"; {integer(overlap.line_count)} av dem i import {overlap.earlier_batch_id}, "
                    "som är ångrad: de raderna finns inte längre"
                )
            parts.append(text)
    if batch.skipped:
        parts.append(f"{integer(batch.skipped)} med fel överhoppade")
    return ", ".join(parts)


def batch_status_text(batch: BatchInfo) -> str:
    if batch.undone_at is None:
        return "importerad"
    who = f" av {batch.undone_by}" if batch.undone_by else ""
    return f"ångrad {batch.undone_at:%Y-%m-%d %H:%M}{who}"


def batch_frame(batches: Sequence[BatchInfo]) -> pd.DataFrame:
    """The batch list as text: who, when, what came in, and what became of it."""
    return records_table(
        batches,
        {
            "Import": "id",
            "Status": batch_status_text,
            "Fil": "source_name",
            "Resultat": batch_result_text,
            "Tid": lambda b: f"{b.imported_at:%Y-%m-%d %H:%M}" if b.imported_at else MISSING,
            "Av": lambda b: b.imported_by or MISSING,
            "Typ": lambda b: KIND_LABELS.get(b.kind, b.kind),
            "Rader lästa": lambda b: integer(b.rows_read),
            "Importerat belopp": lambda b: kronor(b.imported_total),
        },
    )


def batch_table(listing: BatchListing) -> None:
    if not listing.batches:
        st.caption("Inga importer ännu.")
        return
    if listing.is_cut:
        st.caption(f"{integer(listing.total)} importer, de senaste {integer(len(listing.batches))} visas.")
    st.dataframe(
        batch_frame(listing.batches),
        hide_index=True,
        width="stretch",
        row_height=WRAPPING_ROW_HEIGHT,
        # What people look for first fits 1366 px with the sidebar open: which
        # import, whether it is undone (who, when), the file and what came in.
        column_config={
            "Import": st.column_config.NumberColumn(width=60),
            "Status": st.column_config.TextColumn(width=150),
            "Fil": st.column_config.TextColumn(width=190),
            "Resultat": st.column_config.TextColumn(width=270),
            "Tid": st.column_config.TextColumn(width=130),
            "Av": st.column_config.TextColumn(width=110),
        },
    )


def batch_label(batch: BatchInfo) -> str:
    """The undo choice. Only what never changes (a changed label would make
    Streamlit drop the choice)."""
    return f"{batch.id}: {batch.source_name} ({batch.imported_at:%Y-%m-%d %H:%M})"


def _listed(counts: dict[str, int]) -> str:
    items = [
        count_text(count, *ENTITY_NOUNS.get(entity, (entity, entity))) for entity, count in counts.items()
    ]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} och {items[-1]}"


def undo_message(result: UndoResult) -> str:
    """What an undo removed and what it left, and why."""
    removed = "fakturarad borttagen" if result.lines_removed == 1 else "fakturarader borttagna"
    text = f"Import {result.batch_id} är ångrad: {integer(result.lines_removed)} {removed}."
    if result.removed:
        text += f" Borttaget, eftersom bara importen använde dem: {_listed(result.removed)}."
    if result.kept:
        reasons = sorted(
            {USED_BY.get(table, "annat") for tables in result.kept_because.values() for table in tables}
        )
        text += f" Kvar, eftersom annat använder dem ({', '.join(reasons)}): {_listed(result.kept)}."
    if result.later_batches_affected:
        later = ", ".join(str(batch_id) for batch_id in result.later_batches_affected)
        text += (
            f" Import {later} hittade samma rader (”fanns redan”); de finns inte längre. Importera filen "
            "igen om raderna ska vara kvar."
        )
    return text


def undo_form(listing: BatchListing, data_state: DataState) -> None:
    """Choose an invoice batch, confirm, undo, as the signed-in viewer.
    Nothing is preselected, so an undo is always chosen on purpose."""
    viewer = require_viewer(Permission.IMPORT_DATA)
    if listing.batches:
        st.caption(
            "Att ångra en import av fakturor tar bort exakt dess rader, och de leverantörer, enheter, "
            "förvaltningar och konton den skapade som inget annat använder. Ett avtalsregister, en "
            "organisationsfil eller en kontoplan kan inte ångras (de skriver över tidigare värden): "
            "importera en rättad fil i stället."
        )
    undoable = {batch.id: batch for batch in listing.batches if batch.can_be_undone}
    if not undoable:
        if listing.batches:
            st.caption("Ingen import att ångra.")
        return
    with st.form("undo", enter_to_submit=False):
        st.selectbox(
            "Ångra en import",
            list(undoable),
            format_func=lambda batch_id: batch_label(undoable[batch_id]),
            index=None,
            placeholder="Välj en import",
            key="undo_batch",
        )
        st.caption(f"Ångras av {md(viewer.label)}, som är inloggad. Det står i listan vid importen.")
        st.checkbox(UNDO_CONFIRMATION, key="undo_sure")
        st.form_submit_button("Ångra importen", on_click=_undo_submitted, args=(data_state,))
        warning = st.session_state.pop("_undo_warning", None)
        if warning:
            st.warning(md(warning))  # an undo's refusal may name what it found


def _undo_submitted(data_state: DataState) -> None:
    """Runs before the page (a form callback), with the values as submitted:
    a second tab still showing an undone batch gets "redan ångrad", and a
    done undo unticks the confirmation, so the next one is confirmed anew.
    The undo is recorded as the signed-in viewer."""
    state = st.session_state
    chosen, sure = state.get("undo_batch"), state.get("undo_sure")
    if not isinstance(chosen, int):
        state["_undo_warning"] = "Välj vilken import som ska ångras."
        return
    if not sure:
        state["_undo_warning"] = "Bekräfta först att importen ska ångras."
        return
    state["undo_sure"] = False
    try:
        result = run_command(data_state, undo_batch, chosen, acting=require_viewer(Permission.IMPORT_DATA))
    except BatchUndoError as error:
        state["_undo_warning"] = str(error)
        return
    state["undo_batch"] = None
    remember_flash(undo_message(result))
