"""Small SQL constructs whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import GenericFunction


class month_start(GenericFunction[Any]):  # noqa: N801 - reads like the SQL function it is
    """The first day of the month of a date column, as a DATE."""

    type = Date()
    inherit_cache = True
    name = "month_start"


@compiles(month_start, "sqlite")
def _month_start_sqlite(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


@compiles(month_start, "postgresql")
def _month_start_postgresql(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


def month_of(column: ColumnElement[Any]) -> month_start:
    return month_start(column)
