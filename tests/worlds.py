"""The hand-made worlds several test files share, built with ``tests.factories.World``.

Each is small enough to compute every figure by hand, and one definition
keeps the files that describe it in their docstrings telling the same story.
A test adds what only it needs (a line before the period, a second contract)
after building the world.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from data_access.access.viewer import system
from data_access.core.models import Account, Category, Contract, Department, Person, Supplier, Unit
from data_access.customers.contacts import ContactInput, add_unit_contact
from tests.factories import World


@dataclass(frozen=True)
class UnitOnContract:
    """U1 Ekbacken in Socialförvaltningen, and LIV-1 (Livsmedel with Menigo,
    2025-01-01 to 2027-12-31): the world of the tests of forms about a unit
    and a contract (needs, contacts, visits)."""

    department: Department
    unit: Unit
    food: Category
    contract: Contract


def unit_on_contract(world: World) -> UnitOnContract:
    department = world.department()
    unit = world.unit("U1", department, "Ekbacken")
    food = world.category("Livsmedel")
    contract = world.contract("LIV-1", food, [world.supplier("Menigo")], date(2025, 1, 1), date(2027, 12, 31))
    return UnitOnContract(department, unit, food, contract)


@dataclass(frozen=True)
class Organisation:
    """Two departments, SOC and UTB, with U1 in SOC and U2, U3 in UTB."""

    soc: Department
    utb: Department
    u1: Unit
    u2: Unit
    u3: Unit


def organisation(
    world: World,
    soc_name: str = "Socialförvaltningen",
    unit_names: tuple[str, str, str] = ("Ekbacken", "Björken", "Granen"),
) -> Organisation:
    soc, utb = world.department("SOC", soc_name), world.department("UTB", "Utbildningsförvaltningen")
    u1, u2, u3 = (
        world.unit(code, department, name)
        for code, department, name in zip(("U1", "U2", "U3"), (soc, utb, utb), unit_names, strict=True)
    )
    return Organisation(soc, utb, u1, u2, u3)


@dataclass(frozen=True)
class LivsmedelBuyers(Organisation):
    """The organisation buying Livsmedel (account 4010) on and off LIV-1
    (Menigo, 2024-01-01 to 2026-12-31), every line in Nov 2025 - Oct 2026
    (the last 12 full months on 2026-11-30) and not yet classified:

        U1: Menigo 1 000 (10 Mar) + 100 (31 Oct) on contract; other 250 (10 Apr) off
        U2: Menigo 500 (10 May) on contract; other 750 (10 Jun) off
        U3: other 300 (1 Aug) off, never on contract

    ``other`` is the supplier off contract, ICA unless named otherwise."""

    food: Category
    account: Account
    menigo: Supplier
    other: Supplier
    contract: Contract


def livsmedel_buyers(
    world: World,
    units: Organisation | None = None,
    *,
    category: str = "Livsmedel",
    other_supplier: str = "ICA",
    manager: Person | None = None,
) -> LivsmedelBuyers:
    """The buyers, in ``units`` (by default ``organisation(world)``)."""
    units = units or organisation(world)
    food = world.category(category)
    account = world.account("4010", food)
    menigo, other = world.supplier("Menigo"), world.supplier(other_supplier)
    contract = world.contract("LIV-1", food, [menigo], date(2024, 1, 1), date(2026, 12, 31), manager)
    for day, amount, supplier, unit in (
        (date(2026, 3, 10), "1000.00", menigo, units.u1),
        (date(2026, 10, 31), "100.00", menigo, units.u1),
        (date(2026, 4, 10), "250.00", other, units.u1),
        (date(2026, 5, 10), "500.00", menigo, units.u2),
        (date(2026, 6, 10), "750.00", other, units.u2),
        (date(2026, 8, 1), "300.00", other, units.u3),
    ):
        world.line(day, amount, supplier, account, unit)
    return LivsmedelBuyers(
        units.soc, units.utb, units.u1, units.u2, units.u3, food, account, menigo, other, contract
    )


def add_buyer_contacts(session: Session, buyers: Organisation) -> None:
    """A contact per unit: Anna Ek (U1, no phone), Bo Björk (U2) and Cilla Gran (U3)."""
    for unit, name, email, role, phone in (
        (buyers.u1, "Anna Ek", "anna@exempel.se", "Kock", ""),
        (buyers.u2, "Bo Björk", "bo@exempel.se", "Enhetschef", "019-10 20 30"),
        (buyers.u3, "Cilla Gran", "cilla@exempel.se", "Kock", "019-40 50 60"),
    ):
        contact = ContactInput(name=name, email=email, role=role, phone=phone)
        add_unit_contact(session, unit.id, contact, acting=system("test"))
