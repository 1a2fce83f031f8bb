"""Inkorg (procurers): every need and feedback from the units, filtered,
counted, answered; every change recorded with who and when."""

import pandas as pd
import streamlit as st

from data_access.core import clock
from data_access.core.db import engine_for, session_scope
from data_access.customers.needs import NEED_STATUS_LABELS, NEED_TYPE_LABELS, NeedError, Triage, triage
from ui import cached
from ui.charts import PARTIAL_MARK, needs_by_key, needs_per_month
from ui.drilldown import excel_download
from ui.format import integer, month_name, whole_percent
from ui.inbox import (
    KNOWS_MANAGER,
    RATING_COLUMNS,
    inbox_filter_widgets,
    inbox_rows,
    stats_frame,
    stats_summary,
)
from ui.tables import swedish_table
from ui.text import md
from ui.widgets import count_caption, demo_notice, draw_chart

state = cached.data_state()
st.title("Inkorg")
st.write("Behov och återkoppling från enheterna, nyast först. Välj en rad för att svara.")
demo_notice(state)

inbox_filter, notes = inbox_filter_widgets(state)
counts = cached.status_counts(state, inbox_filter)
for column, (status, label) in zip(
    st.columns(len(NEED_STATUS_LABELS)), NEED_STATUS_LABELS.items(), strict=True
):
    column.metric(label, counts.get(status, 0))

rows = cached.inbox(state, inbox_filter)
total = cached.need_count(state, inbox_filter)
headers, records = inbox_rows(rows)
if not rows:
    st.info("Inga behov eller synpunkter i urvalet.")
    st.stop()
event = st.dataframe(
    swedish_table(
        pd.DataFrame.from_records(records, columns=headers), dict.fromkeys(RATING_COLUMNS, integer)
    ),
    hide_index=True,
    width="stretch",
    key="inbox_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        "Behov": st.column_config.TextColumn(width="large"),
        "Status": st.column_config.TextColumn(width=150),
    },
)
shown_count = count_caption(len(rows), total, "ärenden")
st.caption(f"{shown_count}. Välj en rad för att läsa hela texten och svara.")
excel_download(
    "Ladda ner listan som Excel",
    headers,
    records,
    notes=[*notes, shown_count],
    file_name="behov.xlsx",
    key="inbox_excel",
)

if event.selection.rows:
    need = rows[event.selection.rows[0]]
    st.subheader(f"{md(need.reference)}: {md(NEED_TYPE_LABELS.get(need.need_type, need.need_type))}")
    st.text(  # the submitter's name and address are their own text: never Markdown
        f"{need.unit or 'Enhet saknas'} · {need.contract or need.category or 'inget avtal'} · "
        f"inkom {need.created_at:%Y-%m-%d}"
        + (f" · {need.submitter_name}" if need.submitter_name else "")
        + (f" <{need.submitter_email}>" if need.submitter_email else "")
    )
    st.text(need.text)  # the unit's own words, as text
    if need.good_text or need.less_good_text or need.supplier_rating or need.procurement_rating:
        st.markdown("**Återkoppling**")
        st.text(
            f"Leverantörens service: {need.supplier_rating or '–'} · Upphandlingsenhetens service: "
            f"{need.procurement_rating or '–'} · Vet vem som är avtalsansvarig: "
            f"{ {True: 'ja', False: 'nej', None: '–'}[need.knows_contract_manager] }"
        )
        if need.good_text:
            st.text(f"Bra: {need.good_text}")
        if need.less_good_text:
            st.text(f"Mindre bra: {need.less_good_text}")
    with st.form(f"triage_{need.id}"):
        statuses = list(NEED_STATUS_LABELS)
        status = st.selectbox(
            "Status", statuses, index=statuses.index(need.status), format_func=NEED_STATUS_LABELS.__getitem__
        )
        assignee = st.text_input("Handläggare", value=need.assignee or "")
        answer = st.text_area("Svar till enheten (syns på kvittot)", value=need.answer or "", max_chars=5_000)
        internal = st.text_area(
            "Interna anteckningar (syns inte för enheten)", value=need.internal_notes or ""
        )
        who = st.text_input("Ditt namn (loggas med ändringen) *", key="triage_by")
        if st.form_submit_button("Spara", type="primary"):
            try:
                with session_scope(engine_for(state.url)) as session:
                    changed = triage(session, need.id, Triage(status, assignee, answer, internal), by=who)
            except NeedError as error:
                st.error(str(error))
            else:
                st.toast(f"{changed} ändringar sparade." if changed else "Inget ändrades.")
                st.rerun()
    events = cached.history(state, need.id)
    if events:
        st.markdown("**Historik**")
        history = pd.DataFrame(
            {
                "När": [event.changed_at for event in events],
                "Vem": [event.changed_by for event in events],
                "Fält": [event.field for event in events],
                "Från": [event.old_value for event in events],
                "Till": [event.new_value for event in events],
            }
        )
        st.dataframe(
            swedish_table(history, {"När": lambda moment: f"{moment:%Y-%m-%d %H:%M}"}),
            hide_index=True,
            width="stretch",
        )

st.subheader("Per avtal och kategori")
by = st.segmented_control(
    "Gruppera på",
    ["contract", "category"],
    format_func={"contract": "Avtal", "category": "Kategori"}.get,
    default="contract",
    key="inbox_stats_by",
)
stats = stats_frame(cached.need_stats(state, by or "contract", inbox_filter))
if stats.empty:
    st.caption("Inga behov i urvalet.")
else:
    top = stats.groupby("key")["needs"].sum().nlargest(15).index
    draw_chart(needs_by_key(stats[stats["key"].isin(top)], NEED_TYPE_LABELS))
    per_month = stats.groupby("month", as_index=False)["needs"].sum()
    running_month = clock.today().replace(day=1)
    draw_chart(needs_per_month(per_month, {running_month}))
    if running_month in set(pd.to_datetime(per_month["month"]).dt.date):
        st.caption(f"{PARTIAL_MARK.strip()} {month_name(running_month).capitalize()} pågår fortfarande.")
    st.dataframe(
        swedish_table(stats_summary(stats, by or "contract"), {KNOWS_MANAGER: whole_percent}),
        hide_index=True,
        width="stretch",
    )
