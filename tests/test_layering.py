"""The data layer stays plain Python: importing all of it never loads Streamlit,
so the CLI, benchmarks and tests use exactly what the pages use."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import data_access
from data_access.core.models import Supplier
from data_access.core.orgnr import InvalidOrgNumber


def test_data_access_never_imports_streamlit() -> None:
    modules = [
        f"data_access.{info.name}"
        for info in pkgutil.iter_modules(data_access.__path__)
        if info.name != "__main__"
    ]
    script = (
        "import sys\n" + "".join(f"import {name}\n" for name in modules) + "print('streamlit' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False", modules


def test_supplier_org_numbers_are_normalised_and_validated() -> None:
    assert Supplier(name="Menigo", org_number="SE556036079301").org_number == "5560360793"
    with pytest.raises(InvalidOrgNumber):
        Supplier(name="Fel AB", org_number="556036-0794")
