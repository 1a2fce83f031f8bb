"""The cached reads are keyed on the run's DataState, by value: the same
state reads once, a new data version (an import, a saved contract) or another
database reads again."""

from __future__ import annotations

import pytest
import streamlit as st

from data_access.core import reference
from ui import cached
from ui.cached import DataState


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the queries behind ``cached.data_period``."""
    seen: list[int] = []

    def counted(session) -> reference.DataPeriod:
        seen.append(1)
        return reference.DataPeriod(None, None)

    monkeypatch.setattr(reference, "data_period", counted)
    st.cache_data.clear()
    yield seen
    st.cache_data.clear()


def test_the_same_state_reads_once(calls: list[int], tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    cached.data_period(DataState(url, "v1", False))
    cached.data_period(DataState(url, "v1", False))  # an equal state, another object
    assert len(calls) == 1


def test_a_new_version_or_database_reads_again(calls: list[int], tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    cached.data_period(DataState(url, "v1", False))
    cached.data_period(DataState(url, "v2", False))
    cached.data_period(DataState(f"sqlite:///{tmp_path / 'b.db'}", "v2", False))
    assert len(calls) == 3
