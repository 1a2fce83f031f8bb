"""The targets page's form: the overall fidelity target and one per
department, saved together through ``ui.commands.run_command``; and, for a
viewer who may read the targets but not change them (ledning), the same
targets as a table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from data_access.access.viewer import Viewer
from data_access.core.reference import Option
from data_access.figures.targets import TargetError, Targets, set_department_target, set_overall_target
from ui.cached import DataState
from ui.commands import run_command
from ui.format import MISSING, typed_number, typed_percent
from ui.text import md
from ui.widgets import flash


def save_targets(session: Session, overall: str, by_department: Mapping[int, str], *, acting: Viewer) -> None:
    """Every target in one transaction: one refused value saves none."""
    set_overall_target(session, overall, acting=acting)
    for department_id, value in by_department.items():
        set_department_target(session, department_id, value, acting=acting)


def targets_table(targets: Targets, departments: Sequence[Option]) -> None:
    """The targets as they are set, for reading: the overall one first, then
    each department's (a dash where it has none, and the overall one applies)."""
    rows = [("Övergripande", typed_percent(targets.overall) if targets.overall is not None else MISSING)]
    rows += [
        (department.label, typed_percent(targets.by_department[department.id]))
        if department.id in targets.by_department
        else (department.label, MISSING)
        for department in departments
    ]
    st.dataframe(pd.DataFrame(rows, columns=["Förvaltning", "Mål"]), hide_index=True, key="targets_table")


def targets_form(state: DataState, targets: Targets, departments: Sequence[Option], viewer: Viewer) -> None:
    """The form, with what is set now; a refused value is said below it and
    the form keeps what was typed."""
    with st.form("targets"):
        overall = st.text_input(
            "Övergripande mål (%)", value=typed_number(targets.overall), key="target_overall"
        )
        entered = {
            department.id: st.text_input(
                f"{md(department.label)} (%)",  # a widget's label is Markdown too
                value=typed_number(targets.by_department.get(department.id)),
                key=f"target_{department.id}",
            )
            for department in departments
        }
        saved = st.form_submit_button("Spara målen", type="primary")
    if not saved:
        return
    try:
        run_command(state, save_targets, overall, entered, acting=viewer)
    except TargetError as error:
        st.error(f"Målen sparades inte: {md(error)}")  # it quotes what was typed; the form keeps it
    else:
        flash("Målen är sparade.")
        st.rerun()
