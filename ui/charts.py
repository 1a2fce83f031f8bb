"""Altair chart specs, built by plain functions that tests can call."""

from __future__ import annotations

import altair as alt
import pandas as pd

from data_access.models import LineStatus
from ui.format import kronor, percent
from ui.theme import STATUS_COLOURS, STATUS_LABELS

BAR_HEIGHT = 24  # pixels per bar: every label readable at a laptop width
MIN_BARS = 4  # a chart of one bar still has room for its bar and its axis
SPEND_STATUSES = (LineStatus.ON_CONTRACT, LineStatus.OFF_CONTRACT, LineStatus.NO_CONTRACT)
# Vega formats numbers the US way; axis labels are rewritten Swedish-style,
# in million kronor from a million up and thousands below: "1,5 mnkr", "250 tkr".
_SWEDISH = "replace(replace(replace({}, ',', ' '), ',', ' '), '.', ',')"
KRONOR_AXIS_LABEL = (
    "abs(datum.value) >= 1000000 ? "
    + _SWEDISH.format("format(datum.value / 1000000, ',.1~f')")
    + " + ' mnkr' : "
    + _SWEDISH.format("format(datum.value / 1000, ',.0f')")
    + " + ' tkr'"
)
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
            y=alt.Y(
                "label:N", title=label_title, sort="x", axis=alt.Axis(labelLimit=260, labelOverlap=False)
            ),
            tooltip=[
                alt.Tooltip("label:N", title=label_title),
                alt.Tooltip("fidelity_text:N", title="Avtalstrohet"),
                alt.Tooltip("on_text:N", title="Avtalat"),
                alt.Tooltip("off_text:N", title="Avtalsotroget"),
            ],
        )
        .properties(height=BAR_HEIGHT * max(len(data), MIN_BARS))
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
            y=alt.Y("amount:Q", title="Belopp", axis=alt.Axis(labelExpr=KRONOR_AXIS_LABEL)),
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


def fidelity_trend(frame: pd.DataFrame, target_pct: float | None = None) -> alt.LayerChart:
    """Spend per month as stacked bars (on / off / no contract) with the
    month's fidelity as a line on its own axis, and the target when one is set."""
    months = frame.assign(month=pd.to_datetime(frame["key"]))
    bars = spend_by_status(
        months.assign(month_text=months["month"].dt.strftime("%Y-%m")), "month_text", "Månad"
    )
    line_data = months.dropna(subset=["fidelity_pct"]).assign(
        month_text=lambda f: f["month"].dt.strftime("%Y-%m"),
        fidelity_text=lambda f: f["fidelity_pct"].map(percent),
    )
    fidelity_line = (
        alt.Chart(line_data)
        .mark_line(point=True, color="#000000")
        .encode(
            x=alt.X("month_text:O", title="Månad"),
            y=alt.Y("fidelity_pct:Q", title="Avtalstrohet (%)", scale=alt.Scale(domain=[0, 100])),
            tooltip=[
                alt.Tooltip("month_text:O", title="Månad"),
                alt.Tooltip("fidelity_text:N", title="Avtalstrohet"),
            ],
        )
    )
    layers: list[alt.Chart] = [fidelity_line]
    if target_pct is not None:
        layers.append(target_rule(target_pct, orient="y"))
    return alt.layer(bars, alt.layer(*layers)).resolve_scale(y="independent")


def target_rule(target_pct: float, *, orient: str = "x") -> alt.Chart:
    """The fidelity target as a dashed line, with its value on hover."""
    data = pd.DataFrame({"target": [target_pct], "target_text": [f"Mål {percent(target_pct)}"]})
    encoding = {
        orient: alt.X("target:Q") if orient == "x" else alt.Y("target:Q", scale=alt.Scale(domain=[0, 100]))
    }
    return (
        alt.Chart(data)
        .mark_rule(color="#D55E00", strokeDash=[6, 4], size=2)
        .encode(**encoding, tooltip=[alt.Tooltip("target_text:N", title="Mål")])
    )


def fidelity_heatmap(frame: pd.DataFrame) -> alt.Chart:
    """Fidelity per department (rows) and category (columns); spend on hover.
    Blue is high fidelity, orange low: the app's on and off colours."""
    data = frame.assign(
        fidelity_text=frame["fidelity_pct"].map(percent),
        spend_text=frame["in_scope_amount"].map(kronor),
        off_text=frame["off_amount"].map(kronor),
    )
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("category:N", title="Kategori", axis=alt.Axis(labelAngle=-45, labelLimit=160)),
            y=alt.Y("department:N", title="Förvaltning", axis=alt.Axis(labelLimit=220)),
            color=alt.Color(
                "fidelity_pct:Q",
                title="Avtalstrohet (%)",
                scale=alt.Scale(
                    domain=[0, 50, 100],
                    range=[
                        STATUS_COLOURS[LineStatus.OFF_CONTRACT],
                        "#F0F0F0",
                        STATUS_COLOURS[LineStatus.ON_CONTRACT],
                    ],
                ),
            ),
            tooltip=[
                alt.Tooltip("department:N", title="Förvaltning"),
                alt.Tooltip("category:N", title="Kategori"),
                alt.Tooltip("fidelity_text:N", title="Avtalstrohet"),
                alt.Tooltip("spend_text:N", title="Påverkbar volym"),
                alt.Tooltip("off_text:N", title="Avtalsotroget"),
            ],
        )
        .properties(height=alt.Step(22))
    )
