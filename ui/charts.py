"""Altair chart specs, built by plain functions that tests can call.

Every chart is drawn in Swedish: ``swedish()`` gives the top-level chart
Vega's number and time locale for Swedish (decimal comma, no-break space
between thousands, the typographic minus, month names), and month axes are
written out by ``ui.format.short_month`` ("maj 2026")."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

import altair as alt
import pandas as pd

from data_access.core.models import LineStatus
from data_access.customers.needs import NeedStatsRow, busiest, need_totals_by_month
from ui.format import MINUS, NBSP, SHORT_MONTHS, kronor, percent, short_month
from ui.theme import NEED_TYPE_LABELS, STATUS_COLOURS, STATUS_LABELS

MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip
DAYS = ("söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag")
SWEDISH_LOCALE = {
    "number": {
        "decimal": ",",
        "thousands": NBSP,
        "grouping": [3],
        "currency": ["", f"{NBSP}kr"],
        "minus": MINUS,
    },
    "time": {
        "dateTime": "%A %e %B %Y %X",
        "date": "%Y-%m-%d",
        "time": "%H:%M:%S",
        "periods": ["fm", "em"],
        "days": list(DAYS),
        "shortDays": [day[:3] for day in DAYS],
        "months": list(MONTHS),
        "shortMonths": list(SHORT_MONTHS),
    },
}
PARTIAL_MARK = " *"  # after a month the data does not cover completely
PARTIAL_OPACITY = 0.4


def swedish(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with Swedish number and date formats on its axes and
    tooltips; apply to the chart as drawn (after layering)."""
    return chart.configure(locale=SWEDISH_LOCALE)


def whole_number_axis(title: str) -> alt.Axis:
    """A count axis: whole numbers only, never "0,5 behov"."""
    return alt.Axis(title=title, format="d", tickMinStep=1)

BAR_HEIGHT = 24  # pixels per bar: every label readable at a laptop width
MIN_BARS = 4  # a chart of one bar still has room for its bar and its axis
SPEND_STATUSES = (LineStatus.ON_CONTRACT, LineStatus.OFF_CONTRACT, LineStatus.NO_CONTRACT)
# Kronor axes in million kronor from a million up and thousands below:
# "1,5 mnkr", "250 tkr" (Vega's format() follows the chart's Swedish locale).
KRONOR_AXIS_LABEL = (
    "abs(datum.value) >= 1000000 ? format(datum.value / 1000000, ',.1~f') + ' mnkr'"
    " : format(datum.value / 1000, ',.0f') + ' tkr'"
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


def _label_months(frame: pd.DataFrame, partial_months: Collection[date]) -> pd.DataFrame:
    """Rows of ``month`` in order, with ``partial`` and the axis text
    ``month_text`` ("maj 2026", "dec 2026 *")."""
    data = frame.assign(month=pd.to_datetime(frame["month"])).sort_values("month")
    days = data["month"].dt.date
    partial = days.isin(set(partial_months))
    text = [short_month(d) + (PARTIAL_MARK if mark else "") for d, mark in zip(days, partial, strict=True)]
    return data.assign(partial=partial, month_text=text)


def spend_by_status(
    frame: pd.DataFrame, x_field: str, x_title: str, x_order: list[str] | None = None
) -> alt.Chart:
    """Stacked spend on / off / no contract per key, in the app's colours;
    rows with ``partial`` set are drawn paler."""
    long = frame.assign(partial=frame.get("partial", False)).melt(
        id_vars=[x_field, "partial"],
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
            x=alt.X(f"{x_field}:O", title=x_title, sort=x_order),
            y=alt.Y("amount:Q", title="Belopp", axis=alt.Axis(labelExpr=KRONOR_AXIS_LABEL)),
            opacity=alt.condition("datum.partial", alt.value(PARTIAL_OPACITY), alt.value(1.0)),
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


def fidelity_trend(
    frame: pd.DataFrame, target_pct: float | None = None, partial_months: Collection[date] = ()
) -> alt.LayerChart:
    """Spend per month as stacked bars (on / off / no contract) with the
    month's fidelity as a line on its own axis, and the target when one is set.
    A month in ``partial_months`` (still running, or where the data stops) is
    pale and marked with an asterisk, so it is not read as a collapse."""
    months = _label_months(frame.assign(month=frame["key"]), partial_months)
    order = list(months["month_text"])
    bars = spend_by_status(months, "month_text", "Månad", order)
    line_data = months.dropna(subset=["fidelity_pct"]).assign(
        fidelity_text=lambda f: f["fidelity_pct"].map(percent),
    )
    fidelity_line = (
        alt.Chart(line_data)
        .mark_line(point=True, color="#000000")
        .encode(
            x=alt.X("month_text:O", title="Månad", sort=order),
            y=alt.Y("fidelity_pct:Q", title="Avtalstrohet (%)", scale=alt.Scale(domain=[0, 100])),
            opacity=alt.condition("datum.partial", alt.value(PARTIAL_OPACITY), alt.value(1.0)),
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


def needs_by_key(frame: pd.DataFrame, type_labels: dict[str, str]) -> alt.Chart:
    """Needs per contract or category (``key``), stacked by type, most first."""
    data = frame.assign(type_text=frame["need_type"].map(lambda kind: type_labels.get(kind, kind)))
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("key:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
            x=alt.X("sum(needs):Q", axis=whole_number_axis("Antal behov")),
            color=alt.Color("type_text:N", title="Typ"),
            tooltip=[
                alt.Tooltip("key:N", title="Avser"),
                alt.Tooltip("type_text:N", title="Typ"),
                alt.Tooltip("sum(needs):Q", title="Antal"),
            ],
        )
    )


def needs_per_month(frame: pd.DataFrame, partial_months: Collection[date] = ()) -> alt.Chart:
    """Needs received per month (``month``, ``needs``); the running month is
    pale and marked, since it is not over."""
    data = _label_months(frame, partial_months)
    return (
        alt.Chart(data)
        .mark_bar(color=STATUS_COLOURS[LineStatus.ON_CONTRACT])
        .encode(
            x=alt.X("month_text:O", title="Månad", sort=list(data["month_text"])),
            y=alt.Y("needs:Q", axis=whole_number_axis("Behov per månad")),
            opacity=alt.condition("datum.partial", alt.value(PARTIAL_OPACITY), alt.value(1.0)),
            tooltip=[alt.Tooltip("month_text:O", title="Månad"), alt.Tooltip("needs:Q", title="Behov")],
        )
    )


def busiest_needs_chart(rows: Sequence[NeedStatsRow]) -> alt.Chart:
    """The inbox's needs per contract or category, stacked by type: only the
    busiest (``busiest``), so every bar keeps a readable height."""
    return needs_by_key(pd.DataFrame([row.__dict__ for row in busiest(list(rows))]), NEED_TYPE_LABELS)


def monthly_needs_chart(rows: Sequence[NeedStatsRow], running_month: date) -> alt.Chart:
    """The inbox's needs received per month, ``running_month`` pale and marked."""
    totals = need_totals_by_month(list(rows))
    frame = pd.DataFrame({"month": list(totals), "needs": list(totals.values())})
    return needs_per_month(frame, {running_month})
