"""The one clock: what "today" is comes from ``data_access.core.clock`` alone, so
tests (and a demo) can set it, and no test fails because the calendar moved."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from data_access.core import clock

REPO_ROOT = Path(__file__).resolve().parent.parent
APP_FOLDERS = ("data_access", "ui", "pages")
DIRECT_CLOCK_READS = re.compile(r"\b(date\.today|datetime\.now|datetime\.today|datetime\.utcnow)\(")


def test_the_environment_sets_the_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENVIRONMENT_VARIABLE, "2030-01-01")
    assert clock.today() == date(2030, 1, 1)
    assert clock.now().date() == date(2030, 1, 1)


def test_frozen_wins_over_the_environment_and_is_undone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENVIRONMENT_VARIABLE, "2030-01-01")
    with clock.frozen(date(2027, 6, 1)):
        assert clock.today() == date(2027, 6, 1)
        assert clock.now().date() == date(2027, 6, 1)
    assert clock.today() == date(2030, 1, 1)


def test_without_a_setting_it_is_the_real_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.ENVIRONMENT_VARIABLE, raising=False)
    assert clock.today() == date.today()


def test_a_broken_setting_says_what_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENVIRONMENT_VARIABLE, "nästa tisdag")
    with pytest.raises(clock.ClockSettingError, match="AVTALSFOKUS_TODAY"):
        clock.today()


def test_no_app_code_reads_the_calendar_itself() -> None:
    """Only the clock module may ask the operating system for the date."""
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}"
        for folder in APP_FOLDERS
        for path in sorted((REPO_ROOT / folder).rglob("*.py"))
        if path.name != "clock.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DIRECT_CLOCK_READS.search(line)
    ]
    assert offenders == []
