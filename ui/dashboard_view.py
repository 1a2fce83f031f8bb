"""The dashboard's view (period and filters) and its spelling in the URL.

Copying the address gives a colleague the same view, so everything a viewer
chose lives in the query string: ``?period=ar&ar=2025&forv=3,5``. Plain
Python (no Streamlit) so that the round trip is tested directly; anything
unreadable in a hand-edited address falls back to the default instead of
failing the page.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from data_access.core.periods import Period, last_full_months, month_end
from data_access.figures.fidelity import SpendFilter
from ui.format import SHORT_MONTHS, month_name, short_month


class PeriodMode(enum.StrEnum):
    ROLLING = "12m"  # the last 12 full months in the data
    YEAR = "ar"  # one calendar (financial) year
    MONTHS = "manader"  # a range of whole months


PERIOD_LABELS = {
    PeriodMode.ROLLING: "Senaste 12 hela månaderna",
    PeriodMode.YEAR: "Kalenderår",
    PeriodMode.MONTHS: "Månader",
}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class DashboardView:
    mode: PeriodMode = PeriodMode.ROLLING
    year: int | None = None
    first_month: date | None = None  # first day of a month
    last_month: date | None = None  # first day of a month
    department_ids: tuple[int, ...] = ()
    unit_ids: tuple[int, ...] = ()
    category_ids: tuple[int, ...] = ()
    supplier_ids: tuple[int, ...] = ()

    def period(self, last_data_day: date) -> Period:
        """The inclusive dates the view covers, given the data's last day: a
        year or a month range still running ends on that day, so that "2026"
        with lines up to 30 November is January to November, and is compared
        with January to November a year earlier."""
        if self.mode is PeriodMode.YEAR and self.year:
            return _up_to(Period(date(self.year, 1, 1), date(self.year, 12, 31)), last_data_day)
        if self.mode is PeriodMode.MONTHS and self.first_month and self.last_month:
            first, last = sorted((self.first_month, self.last_month))
            return _up_to(Period(first, month_end(last)), last_data_day)
        return last_full_months(last_data_day)

    def spend_filter(self, last_data_day: date) -> SpendFilter:
        period = self.period(last_data_day)
        return SpendFilter(
            date_from=period.start,
            date_to=period.end,
            department_ids=self.department_ids,
            unit_ids=self.unit_ids,
            category_ids=self.category_ids,
            supplier_ids=self.supplier_ids,
        )

    def year_earlier(self, last_data_day: date) -> SpendFilter:
        """The same slice a year before, for the change on each card: the
        same days, so a part of a year is never compared with a whole one."""
        period = self.period(last_data_day).year_earlier()
        return replace(self.spend_filter(last_data_day), date_from=period.start, date_to=period.end)


def _up_to(period: Period, last_data_day: date) -> Period:
    if period.start <= last_data_day < period.end:
        return Period(period.start, last_data_day)
    return period


def period_text(period: Period) -> str:
    """A period in few words: ``jan–nov 2025``, ``dec 2024–nov 2025``,
    ``nov 2025``; days are written out when it does not hold whole months."""
    whole_months = period.start.day == 1 and month_end(period.end) == period.end
    if not whole_months:
        return f"{period.start.isoformat()} – {period.end.isoformat()}"
    first, last = short_month(period.start), short_month(period.end)
    if first == last:
        return first
    if period.start.year == period.end.year:
        return f"{first.split()[0]}–{last}"
    return f"{first}–{last}"


def year_label(year: int, months: list[date], last_data_day: date) -> str:
    """A year in the year list, marked when the data does not cover all of
    it: ``2025``, ``2026 (jan–nov)``, ``2026 (jan–15 dec)``."""
    in_year = [month for month in months if month.year == year]
    ends_early = last_data_day.year == year and last_data_day < date(year, 12, 31)
    if not in_year or (len(in_year) == 12 and not ends_early):
        return str(year)
    first = SHORT_MONTHS[in_year[0].month - 1]
    last = SHORT_MONTHS[in_year[-1].month - 1]
    if ends_early and month_end(last_data_day) != last_data_day:
        last = f"{last_data_day.day} {last}"
    return f"{year} ({first})" if first == last else f"{year} ({first}–{last})"


def month_label(month: date, last_data_day: date) -> str:
    """A month in the month lists, marked when the data stops inside it."""
    same_month = (month.year, month.month) == (last_data_day.year, last_data_day.month)
    if same_month and month_end(last_data_day) != last_data_day:
        return f"{month_name(month)} (t.o.m. {last_data_day.isoformat()})"
    return month_name(month)


_ID_PARAMS = {
    "forv": "department_ids",
    "enhet": "unit_ids",
    "kat": "category_ids",
    "lev": "supplier_ids",
}


VIEW_PARAMS = ("period", "ar", "fran", "till", *_ID_PARAMS)  # every parameter a view may write


def _first(value: str | list[str] | None) -> str:
    if isinstance(value, list):
        return value[0] if value else ""
    return value or ""


def _ids(value: str | list[str] | None) -> tuple[int, ...]:
    parts = ",".join(value) if isinstance(value, list) else (value or "")
    ids = []
    for part in parts.split(","):
        part = part.strip()
        if part.isdigit():
            ids.append(int(part))
    return tuple(dict.fromkeys(ids))


def _month(value: str) -> date | None:
    match = _MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def view_from_query(params: Mapping[str, str | list[str]]) -> DashboardView:
    """Read a view from query parameters; unknown or broken values are ignored."""
    try:
        mode = PeriodMode(_first(params.get("period")))
    except ValueError:
        mode = PeriodMode.ROLLING
    year_text = _first(params.get("ar"))
    year = int(year_text) if year_text.isdigit() and 1990 <= int(year_text) <= 2100 else None
    first, last = _month(_first(params.get("fran"))), _month(_first(params.get("till")))
    if mode is PeriodMode.YEAR and year is None:
        mode = PeriodMode.ROLLING
    if mode is PeriodMode.MONTHS and (first is None or last is None):
        mode = PeriodMode.ROLLING
    return DashboardView(
        mode=mode,
        year=year if mode is PeriodMode.YEAR else None,
        first_month=first if mode is PeriodMode.MONTHS else None,
        last_month=last if mode is PeriodMode.MONTHS else None,
        **{attribute: _ids(params.get(name)) for name, attribute in _ID_PARAMS.items()},
    )


def view_to_query(view: DashboardView) -> dict[str, str]:
    """The query parameters for a view; defaults are left out, so the
    address stays short."""
    params: dict[str, str] = {}
    if view.mode is PeriodMode.YEAR and view.year:
        params |= {"period": view.mode.value, "ar": str(view.year)}
    elif view.mode is PeriodMode.MONTHS and view.first_month and view.last_month:
        params |= {
            "period": view.mode.value,
            "fran": view.first_month.strftime("%Y-%m"),
            "till": view.last_month.strftime("%Y-%m"),
        }
    for name, attribute in _ID_PARAMS.items():
        ids = getattr(view, attribute)
        if ids:
            params[name] = ",".join(str(number) for number in ids)
    return params
