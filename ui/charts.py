"""Altair chart specs, built by plain functions that tests can call."""

from __future__ import annotations

import altair as alt
import pandas as pd

from data_access.models import LineStatus
from ui.format import kronor, percent
from ui.theme import STATUS_COLOURS, STATUS_LABELS

BAR_HEIGHT = 24  # pixels per bar: every label readable at a laptop width
SPEND_STATUSES = (LineStatus.ON_CONTRACT, LineStatus.OFF_CONTRACT, LineStatus.NO_CONTRACT)
STATUS_AMOUNT_COLUMNS = {
    LineStatus.ON_CONTRACT: "on_amount",
    LineStatus.OFF_CONTRACT: "off_amount",
    LineStatus.NO_CONTRACT: "no_contract_amount",
}


def fidelity_bars(frame: pd.DataFrame, label_title: str) -> alt.Chart:
    """Fidelity per key as horizontal bars, lowest first: where it is low."""
    data = frame.dropna(subset=["fidelity_pct"]).assign(
        fidelity_text=lambda f: f["fidelity_pct"].map(percent),
        off_text=lambda f: f["off_amount"].map(kronor),
        on_text=lambda f: f["on_amount"].map(kronor),
    )
    return (
        alt.Chart(data)
        .mark_bar(color=STATUS_COLOURS[LineStatus.ON_CONTRACT])
        .encode(
            x=alt.X("fidelity_pct:Q", title="Avtalstrohet (%)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("label:N", title=label_title, sort="x", axis=alt.Axis(labelLimit=260)),
            tooltip=[
                alt.Tooltip("label:N", title=label_title),
                alt.Tooltip("fidelity_text:N", title="Avtalstrohet"),
                alt.Tooltip("on_text:N", title="Avtalat"),
                alt.Tooltip("off_text:N", title="Avtalsotroget"),
            ],
        )
        .properties(height=BAR_HEIGHT * max(len(data), 1))
    )


def spend_by_status(frame: pd.DataFrame, x_field: str, x_title: str) -> alt.Chart:
    """Stacked spend on / off / no contract per key, in the app's colours."""
    long = frame.melt(
        id_vars=[x_field],
        value_vars=list(STATUS_AMOUNT_COLUMNS.values()),
        var_name="column",
        value_name="amount",
    )
    names = {column: STATUS_LABELS[status] for status, column in STATUS_AMOUNT_COLUMNS.items()}
    long["status"] = long["column"].map(names)
    long["amount_text"] = long["amount"].map(kronor)
    order = [STATUS_LABELS[status] for status in SPEND_STATUSES]
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X(f"{x_field}:O", title=x_title),
            y=alt.Y("amount:Q", title="Belopp (kr)", axis=alt.Axis(format="~s")),
            color=alt.Color(
                "status:N",
                title="Status",
                sort=order,
                scale=alt.Scale(domain=order, range=[STATUS_COLOURS[s] for s in SPEND_STATUSES]),
            ),
            order=alt.Order("status_order:Q"),
            tooltip=[
                alt.Tooltip(f"{x_field}:O", title=x_title),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("amount_text:N", title="Belopp"),
            ],
        )
        .transform_calculate(status_order=f"indexof({order!r}, datum.status)")
    )
