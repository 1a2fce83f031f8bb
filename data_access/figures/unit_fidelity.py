"""One unit's fidelity and its trend, for the unit's own staff (Min enhet).

The figures are ``figures.fidelity``'s with the unit as the filter, so the
unit reads the definition the dashboard uses. Only for a unit of the acting
viewer: the unit asked for is checked against ``acting.unit_ids`` before the
query, which filters on it in SQL (``unit_id IN (...)`` on the summary or the
lines). The same rule as ``customers.own_unit.require_own_unit``; the layers
keep the two packages apart, so each states it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from data_access.access.roles import AccessDenied, Permission
from data_access.access.viewer import Viewer
from data_access.core.periods import Period
from data_access.figures.fidelity import (
    Dimension,
    FidelityFigures,
    SpendFilter,
    fidelity_breakdown,
    fidelity_total,
)


@dataclass(frozen=True)
class MonthFidelity:
    month: date  # the first day of the month
    figures: FidelityFigures


@dataclass(frozen=True)
class UnitFidelity:
    """The unit's figures over ``period`` and for each of its months (a month
    without lines has empty figures, so the trend shows the gap)."""

    period: Period
    total: FidelityFigures
    months: tuple[MonthFidelity, ...]


def _months(period: Period) -> list[date]:
    months, month = [], period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def unit_fidelity(session: Session, unit_id: int, period: Period, *, acting: Viewer) -> UnitFidelity:
    """The unit's fidelity over ``period`` and per month. Refuses
    (``AccessDenied``) a viewer without Min enhet or a unit not theirs."""
    acting.require(Permission.VIEW_OWN_UNIT)
    if unit_id not in acting.unit_ids:
        raise AccessDenied(Permission.VIEW_OWN_UNIT)
    spend = SpendFilter(date_from=period.start, date_to=period.end, unit_ids=(unit_id,))
    by_month = {row.key: row.figures for row in fidelity_breakdown(session, Dimension.MONTH, spend)}
    months = tuple(
        MonthFidelity(month, by_month.get(month.strftime("%Y-%m"), FidelityFigures()))
        for month in _months(period)
    )
    return UnitFidelity(period, fidelity_total(session, spend), months)


__all__ = ["MonthFidelity", "UnitFidelity", "unit_fidelity"]
