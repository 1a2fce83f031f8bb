"""Mål (management): the fidelity target overall and per department, which
the dashboard's cards and charts compare against."""

import streamlit as st

from data_access.core.db import engine_for, session_scope
from data_access.figures.targets import TargetError, set_department_target, set_overall_target
from ui import cached
from ui.format import typed_number, typed_percent
from ui.text import md
from ui.widgets import demo_notice, flash, show_flash

state = cached.data_state()
st.title("Mål")
demo_notice(state)
st.caption(
    "Mål för avtalstroheten. Ett mål per förvaltning gäller när dashboarden visar just den "
    "förvaltningen; annars gäller det övergripande målet. Lämna fältet tomt för att ta bort ett mål."
)
show_flash()
targets = cached.load_targets(state)
departments = cached.departments(state)

with st.form("targets"):
    overall = st.text_input("Övergripande mål (%)", value=typed_number(targets.overall), key="target_overall")
    entered = {
        department.id: st.text_input(
            f"{md(department.label)} (%)",  # a widget's label is Markdown too
            value=typed_number(targets.by_department.get(department.id)),
            key=f"target_{department.id}",
        )
        for department in departments
    }
    saved = st.form_submit_button("Spara målen", type="primary")

if saved:
    try:
        with session_scope(engine_for(state.url)) as session:
            set_overall_target(session, overall)
            for department_id, value in entered.items():
                set_department_target(session, department_id, value)
    except TargetError as error:
        st.error(f"Målen sparades inte: {md(error)}")  # it quotes what was typed; the form keeps it
    else:
        flash("Målen är sparade.")
        st.rerun()

if targets.overall is not None:
    st.metric("Övergripande mål", typed_percent(targets.overall))
