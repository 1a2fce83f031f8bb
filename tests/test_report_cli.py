"""``python -m data_access report fidelity`` against figures worked out by hand.

The fixture (amounts in kronor):

| # | date       | unit        | supplier | account           | amount  | status       |
|---|------------|-------------|----------|-------------------|---------|--------------|
| 1 | 2025-01-15 | 1001 (SOC)  | Menigo   | 4010 Livsmedel    | 1000.00 | on           |
| 2 | 2025-01-20 | 1001 (SOC)  | ICA      | 4010 Livsmedel    |  500.00 | off          |
| 3 | 2025-02-03 | 2001 (BUF)  | Menigo   | 4010 Livsmedel    | 2000.00 | on           |
| 4 | 2025-02-10 | 2001 (BUF)  | Menigo   | 4010 Livsmedel    | -200.00 | on (credit)  |
| 5 | 2025-02-11 | 1002 (SOC)  | Möbel AB | 5410 Möbler       | 3000.00 | no contract  |
| 6 | 2025-02-12 | 1002 (SOC)  | Möbel AB | 5010 Lokalhyror   |  800.00 | excluded     |
| 7 | 2025-02-13 | 1001 (SOC)  | ICA      | 4990 (unmapped)   |  150.00 | unclassified |
| 8 | 2025-02-14 | 1001 (SOC)  | Menigo   | 4990 (unmapped)   |   50.00 | on           |

The Livsmedel contract with Menigo is valid all of 2025; Möbler has none;
Lokalhyror is not influenceable.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from data_access.cli import main
from data_access.core.orgnr import format_org_number
from data_access.engine.classification import classify_lines
from tests.factories import World

HEADER = (
    "key,on_amount,off_amount,no_contract_amount,excluded_amount,unclassified_amount,"
    "fidelity_pct,coverage_pct"
)
ALL = "ALL,2850.00,500.00,3000.00,800.00,150.00,85.07,52.76"


@pytest.fixture
def org_numbers(engine: Engine) -> dict[str, str]:
    with Session(engine) as session:
        world = World(session)
        soc, buf = world.department("SOC"), world.department("BUF", "Barn- och utbildning")
        solgläntan, ekhagen = world.unit("1001", soc), world.unit("1002", soc)
        kitchen = world.unit("2001", buf, kind="school_kitchen")
        food, furniture = world.category("Livsmedel"), world.category("Möbler")
        rent = world.category("Lokalhyror", influenceable=False)
        food_account, furniture_account = world.account("4010", food), world.account("5410", furniture)
        rent_account, unmapped = world.account("5010", rent), world.account("4990")
        menigo, ica, möbel = world.supplier("Menigo"), world.supplier("ICA"), world.supplier("Möbel AB")
        world.contract("LIV-1", food, [menigo], date(2025, 1, 1), date(2025, 12, 31))
        world.line(date(2025, 1, 15), "1000.00", menigo, food_account, solgläntan)
        world.line(date(2025, 1, 20), "500.00", ica, food_account, solgläntan)
        world.line(date(2025, 2, 3), "2000.00", menigo, food_account, kitchen)
        world.line(date(2025, 2, 10), "-200.00", menigo, food_account, kitchen)
        world.line(date(2025, 2, 11), "3000.00", möbel, furniture_account, ekhagen)
        world.line(date(2025, 2, 12), "800.00", möbel, rent_account, ekhagen)
        world.line(date(2025, 2, 13), "150.00", ica, unmapped, solgläntan)
        world.line(date(2025, 2, 14), "50.00", menigo, unmapped, solgläntan)
        classify_lines(session)
        session.commit()
        return {s.name: format_org_number(s.org_number) for s in (menigo, ica, möbel)}


def report(*args: str) -> list[str]:
    out = io.StringIO()
    assert main(["report", "fidelity", *args], out=out) == 0
    return out.getvalue().splitlines()


def test_by_department(org_numbers: dict[str, str]) -> None:
    assert report("--by", "department") == [
        HEADER,
        "BUF,1800.00,0.00,0.00,0.00,0.00,100.00,100.00",
        "SOC,1050.00,500.00,3000.00,800.00,150.00,67.74,34.07",
        ALL,
    ]


def test_by_month_and_year(org_numbers: dict[str, str]) -> None:
    assert report("--by", "month") == [
        HEADER,
        "2025-01,1000.00,500.00,0.00,0.00,0.00,66.67,100.00",
        "2025-02,1850.00,0.00,3000.00,800.00,150.00,100.00,38.14",
        ALL,
    ]
    assert report("--by", "year") == [HEADER, "2025,2850.00,500.00,3000.00,800.00,150.00,85.07,52.76", ALL]


def test_by_category_shows_undefined_ratios_as_empty(org_numbers: dict[str, str]) -> None:
    assert report("--by", "category") == [
        HEADER,
        "Livsmedel,2800.00,500.00,0.00,0.00,0.00,84.85,100.00",
        "Lokalhyror,0.00,0.00,0.00,800.00,0.00,,",
        "Möbler,0.00,0.00,3000.00,0.00,0.00,,0.00",
        "Utan kategori,50.00,0.00,0.00,0.00,150.00,100.00,100.00",
        ALL,
    ]


def test_by_unit_and_supplier(org_numbers: dict[str, str]) -> None:
    assert report("--by", "unit") == [
        HEADER,
        "1001,1050.00,500.00,0.00,0.00,150.00,67.74,100.00",
        "1002,0.00,0.00,3000.00,800.00,0.00,,0.00",
        "2001,1800.00,0.00,0.00,0.00,0.00,100.00,100.00",
        ALL,
    ]
    expected = {
        org_numbers["Menigo"]: f"{org_numbers['Menigo']},2850.00,0.00,0.00,0.00,0.00,100.00,100.00",
        org_numbers["ICA"]: f"{org_numbers['ICA']},0.00,500.00,0.00,0.00,150.00,0.00,100.00",
        org_numbers["Möbel AB"]: f"{org_numbers['Möbel AB']},0.00,0.00,3000.00,800.00,0.00,,0.00",
    }
    assert report("--by", "supplier") == [HEADER, *(expected[key] for key in sorted(expected)), ALL]


def test_date_range_cuts_partial_months_exactly(org_numbers: dict[str, str]) -> None:
    # Lines 2, 3 and 4 only: the range starts and ends inside a month.
    assert report("--by", "month", "--from", "2025-01-20", "--to", "2025-02-10") == [
        HEADER,
        "2025-01,0.00,500.00,0.00,0.00,0.00,0.00,100.00",
        "2025-02,1800.00,0.00,0.00,0.00,0.00,100.00,100.00",
        "ALL,1800.00,500.00,0.00,0.00,0.00,78.26,100.00",
    ]


def test_table_format_and_the_real_entry_point(org_numbers: dict[str, str]) -> None:
    table = report("--by", "department", "--format", "table")
    assert table[0].split() == HEADER.split(",")
    assert table[-1].split() == ALL.split(",")

    completed = subprocess.run(
        [sys.executable, "-m", "data_access", "report", "fidelity", "--by", "year"],
        capture_output=True,
        text=True,
        env={**os.environ},
        check=True,
    )
    assert completed.stdout.splitlines()[-1] == ALL


def test_bad_dates_are_refused(org_numbers: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "fidelity", "--by", "year", "--from", "2025-13-01"])
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["report", "fidelity", "--by", "year", "--from", "2025-02-01", "--to", "2025-01-01"]) == 2


def test_a_database_that_does_not_answer_is_one_line_without_a_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://postgres:hemligt@127.0.0.1:{port}/avtal")
    assert main(["report", "fidelity", "--by", "year"]) == 3
    error = capsys.readouterr().err
    assert error.startswith("error: the database does not answer (postgresql+psycopg://postgres:***@127.0.0.1:")
    assert "hemligt" not in error and "Traceback" not in error
    assert len(error.strip().splitlines()) == 1
