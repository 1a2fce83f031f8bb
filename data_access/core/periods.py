"""Reporting periods: the rules for "the last 12 full months" and "the same
period a year earlier", in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    """Inclusive date range."""

    start: date
    end: date

    def year_earlier(self) -> Period:
        return Period(_shift_years(self.start, -1), _shift_years(self.end, -1))


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def month_end(day: date) -> date:
    following = day.replace(day=28) + timedelta(days=4)
    return following - timedelta(days=following.day)


def last_full_months(last_data_day: date, months: int = 12) -> Period:
    """The ``months`` whole calendar months ending with the last month the
    data covers completely (the running month is left out)."""
    end = (
        last_data_day
        if month_end(last_data_day) == last_data_day
        else last_data_day.replace(day=1) - timedelta(days=1)
    )
    start = end.replace(day=1)
    for _ in range(months - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    return Period(start, end)


def partial_months(first_data_day: date, last_data_day: date, today: date) -> set[date]:
    """The first days of the months the data does not cover completely: the
    month the data stops in, unless it stops on the month's last day of a
    month that is over (invoices for the running month keep arriving), and the
    month it starts in, when it starts after the 1st. A monthly trend marks
    these, so a month half imported is not read as a collapse."""
    partial = set()
    running = (last_data_day.year, last_data_day.month) == (today.year, today.month)
    if running or month_end(last_data_day) != last_data_day:
        partial.add(last_data_day.replace(day=1))
    if first_data_day.day != 1:
        partial.add(first_data_day.replace(day=1))
    return partial
