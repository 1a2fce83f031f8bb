"""A deterministic demo municipality that tells the article's story.

Same seed and end date, same data. Lines are generated in chunks and bulk
inserted, then classified by the real fidelity engine, so the demo exercises
exactly the code real imports use.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.core import clock
from data_access.core.models import (
    Account,
    Category,
    Contract,
    ContractSupplier,
    Department,
    Feedback,
    InvoiceLine,
    Need,
    Person,
    Supplier,
    Unit,
    UnitContact,
    Visit,
)
from data_access.core.orgnr import luhn_check_digit
from data_access.core.settings import DEMO_DATA, set_setting
from data_access.demo import catalog as catalog
from data_access.engine.bulk import LineTuple, analyze_after_bulk_load, land_lines, paused_garbage_collector

Progress = Callable[[float, str], None]

NO_CONTRACT_CATEGORIES = frozenset({"Juridiska tjänster", "Hotell och konferens", "Blommor och växter"})
EXPIRED_CATEGORIES = frozenset({"Trafikanordningar", "Tryckeritjänster", "Utbildningstjänster"})
EXPIRING_SOON_CATEGORIES = frozenset(
    {
        "Livsmedel",
        "Kontorsmaterial",
        "Arbetskläder",
        "Drivmedel",
        "Tvätt och textilservice",
        "Grönyteskötsel",
        "Läromedel",
        "Lås och larm",
    }
)
PURCHASING_BODY_CATEGORIES = frozenset(
    {"IT-hårdvara", "Programvarulicenser", "Mobiltelefoni", "Fordonsleasing", "Drivmedel"}
)
CHUNK_SIZE = 50_000


class DatabaseNotEmptyError(RuntimeError):
    """The demo only fills an empty database; it never mixes with real data."""


@dataclass(frozen=True)
class DemoOptions:
    lines: int = 200_000
    seed: int = 1
    end_date: date | None = None  # default: the last day of the previous month
    years: int = 3

    def resolved_end(self) -> date:
        return self.end_date or clock.today().replace(day=1) - timedelta(days=1)


@dataclass
class _ContractPlan:
    contract_id: int
    category: str
    valid_from: date
    valid_to: date
    supplier_ids: list[int]
    used: bool = True


@dataclass
class _World:
    """Ids the line generator needs, kept in plain lists for speed."""

    units: list[tuple[int, int, str]] = field(default_factory=list)  # id, department id, kind
    category_ids: dict[str, int] = field(default_factory=dict)
    account_ids: dict[str, int] = field(default_factory=dict)
    unmapped_account_ids: list[int] = field(default_factory=list)
    off_pool: dict[str, list[int]] = field(default_factory=dict)
    contracts: dict[str, list[_ContractPlan]] = field(default_factory=dict)
    persons: list[int] = field(default_factory=list)


def database_is_empty(session: Session) -> bool:
    return not any(
        session.scalar(select(func.count()).select_from(model)) for model in (InvoiceLine, Unit, Contract)
    )


def load_demo(
    session: Session, options: DemoOptions = DemoOptions(), progress: Progress | None = None
) -> int:
    """Fill an empty database with the demo municipality; returns the line count."""
    if not database_is_empty(session):
        raise DatabaseNotEmptyError("Databasen innehåller redan data; demodata laddas bara i en tom databas.")
    report = progress or (lambda _fraction, _message: None)
    rng = random.Random(options.seed)
    end = options.resolved_end()
    start = date(end.year - options.years, end.month, 1) + timedelta(days=32)
    start = start.replace(day=1)
    world = _World()

    report(0.02, "Skapar organisation och kontaktpersoner")
    names = _NameGenerator(rng)
    _create_organisation(session, rng, names, world)
    report(0.05, "Skapar kategorier, konton och leverantörer")
    _create_categories(session, world)
    suppliers = _SupplierFactory(session, rng)
    _create_supplier_pools(suppliers, world)
    report(0.08, "Skapar avtal")
    _create_contracts(session, rng, names, suppliers, world, start, end)
    suppliers.fill_long_tail(1600)

    generator = _LineGenerator(rng, world, start, end)
    report(0.1, "Skapar och klassificerar fakturarader")
    with paused_garbage_collector():
        landed = land_lines(
            session,
            generator.all_lines(options.lines),
            progress=lambda count: report(
                0.1 + 0.8 * count / options.lines, f"Skapar fakturarader ({count:,} av {options.lines:,})"
            ),
        )
    analyze_after_bulk_load(session)

    report(0.92, "Skapar behov, återkoppling och besök")
    _create_needs_and_visits(session, rng, world, end)
    set_setting(session, DEMO_DATA, "1")
    report(1.0, "Klart")
    return landed.count


class _NameGenerator:
    """Invented people with unique e-mail addresses on a reserved domain."""

    DOMAIN = "demokommun.example"

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.phone = 0

    def person(self) -> Person:
        first, last = self.rng.choice(catalog.FIRST_NAMES), self.rng.choice(catalog.LAST_NAMES)
        local = _ascii(f"{first}.{last}").lower()
        email, number = f"{local}@{self.DOMAIN}", 1
        while email in self.used:
            number += 1
            email = f"{local}{number}@{self.DOMAIN}"
        self.used.add(email)
        self.phone += 1
        # Numbers reserved by PTS for use in fiction: 08-465 004 00 to 99.
        return Person(name=f"{first} {last}", email=email, phone=f"08-465 004 {self.phone % 100:02d}")


def _ascii(text: str) -> str:
    return text.translate(str.maketrans("åäöéÅÄÖÉ ", "aaoeAAOE-"))


def _create_organisation(session: Session, rng: random.Random, names: _NameGenerator, world: _World) -> None:
    departments = {code: Department(code=code, name=name) for code, name in catalog.DEPARTMENTS}
    session.add_all(departments.values())
    session.flush()
    places = list(catalog.PLACES)
    sequence: dict[str, int] = {}
    for kind in catalog.UNIT_KINDS:
        rng.shuffle(places)
        department = departments[kind.department]
        for index in range(kind.count):
            place = places[index % len(places)]
            name = kind.name_pattern.format(place=place)
            if index >= len(places):
                name += f" {index // len(places) + 1}"
            number = sequence.get(kind.department, 0) + 1
            sequence[kind.department] = number
            code = f"{catalog.DEPARTMENTS.index((department.code, department.name)) + 1}{number:03d}"
            unit = Unit(code=code, name=name, department_id=department.id, kind=kind.code)
            session.add(unit)
            session.flush()
            world.units.append((unit.id, department.id, kind.code))
            for role in kind.roles:
                person = names.person()
                session.add(person)
                session.flush()
                session.add(UnitContact(unit_id=unit.id, person_id=person.id, role=role))
    session.flush()


def _create_categories(session: Session, world: _World) -> None:
    for spec in catalog.CATEGORIES:
        category = Category(name=spec.name, influenceable=spec.influenceable)
        session.add(category)
        session.flush()
        world.category_ids[spec.name] = category.id
        for number, name in spec.accounts:
            account = Account(number=number, name=name, category_id=category.id, influenceable=True)
            session.add(account)
            session.flush()
            world.account_ids[spec.name] = account.id
    for number, name in catalog.UNMAPPED_ACCOUNTS:
        account = Account(number=number, name=name, category_id=None, influenceable=True)
        session.add(account)
        session.flush()
        world.unmapped_account_ids.append(account.id)


class _SupplierFactory:
    """Invented suppliers with valid, unique org numbers (Luhn check digit)."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        self.session, self.rng = session, rng
        self.org_numbers: set[str] = set()
        self.names: set[str] = set()

    def create(self, name: str | None = None) -> Supplier:
        """A new supplier, added to the session but not flushed (callers flush
        once for many, then read the ids)."""
        while True:
            first_nine = f"55{self.rng.randrange(10**7):07d}"
            org_number = first_nine + luhn_check_digit(first_nine)
            if org_number not in self.org_numbers:
                break
        self.org_numbers.add(org_number)
        name = name or self._invent_name()
        self.names.add(name)
        supplier = Supplier(org_number=org_number, name=name)
        self.session.add(supplier)
        return supplier

    def create_ids(self, count: int) -> list[int]:
        suppliers = [self.create() for _ in range(count)]
        self.session.flush()
        return [supplier.id for supplier in suppliers]

    def create_id(self, name: str) -> int:
        supplier = self.create(name)
        self.session.flush()
        return supplier.id

    def _invent_name(self) -> str:
        while True:
            name = " ".join(
                (
                    self.rng.choice(catalog.SUPPLIER_PREFIXES),
                    self.rng.choice(catalog.SUPPLIER_TRADES),
                    self.rng.choice(catalog.SUPPLIER_FORMS),
                )
            )
            if name not in self.names:
                return name
            name = f"{name.rsplit(' ', 1)[0]} {self.rng.randrange(2, 99)} AB"
            if name not in self.names:
                return name

    def fill_long_tail(self, total: int) -> None:
        """Suppliers seen once in a while: the long tail every ledger has."""
        while len(self.org_numbers) < total:
            self.create()
        self.session.flush()


def _create_supplier_pools(suppliers: _SupplierFactory, world: _World) -> None:
    for spec in catalog.CATEGORIES:
        pool_size = 14 if spec.name in catalog.FOOD_CATEGORIES else 8
        pool: list[Supplier] = []
        if spec.name in catalog.FOOD_CATEGORIES:
            # Care wards shop in the local grocery store: the article's example.
            pool = [suppliers.create(f"Matbutiken {place} AB") for place in catalog.PLACES[:6]]
        pool += [suppliers.create() for _ in range(pool_size - len(pool))]
        suppliers.session.flush()
        world.off_pool[spec.name] = [supplier.id for supplier in pool]


def _create_contracts(
    session: Session,
    rng: random.Random,
    names: _NameGenerator,
    suppliers: _SupplierFactory,
    world: _World,
    start: date,
    end: date,
) -> None:
    managers = _staff(session, names, 10)
    procurers = _staff(session, names, 6)
    world.persons = managers + procurers
    sequence = 0

    def add(
        category: str,
        suffix: str,
        valid_from: date,
        valid_to: date,
        supplier_ids: list[int],
        used: bool = True,
    ) -> _ContractPlan:
        nonlocal sequence
        sequence += 1
        body = rng.choice(catalog.PURCHASING_BODIES) if category in PURCHASING_BODY_CATEGORIES else None
        prefix = {"Adda": "ADDA", "Statens inköpscentral": "SIC"}.get(body or "", "KS")
        contract = Contract(
            reference=f"{prefix}-{valid_from.year}-{sequence:03d}",
            name=f"{category}{suffix}",
            category_id=world.category_ids[category],
            valid_from=valid_from,
            valid_to=valid_to,
            manager_id=rng.choice(managers),
            procurer_id=rng.choice(procurers),
            bid_count=1 if rng.random() < 0.15 else rng.randint(2, 9),
            purchasing_body=body,
        )
        session.add(contract)
        session.flush()
        session.add_all(ContractSupplier(contract_id=contract.id, supplier_id=s) for s in supplier_ids)
        plan = _ContractPlan(contract.id, category, valid_from, valid_to, supplier_ids, used)
        world.contracts.setdefault(category, []).append(plan)
        return plan

    furniture_supplier: int | None = None
    for spec in catalog.CATEGORIES:
        if not spec.influenceable or spec.name in NO_CONTRACT_CATEGORIES:
            continue
        winners = suppliers.create_ids(3 if spec.name in catalog.FOOD_CATEGORIES else 2)
        first_from = start - timedelta(days=rng.randint(60, 700))
        first_to = start + timedelta(days=rng.randint(240, 600))
        if spec.name in EXPIRED_CATEGORIES:
            add(spec.name, "", first_from, end - timedelta(days=rng.randint(200, 320)), winners[:1])
            continue
        count = 2 if spec.name in catalog.FOOD_CATEGORIES else 1
        add(spec.name, "", first_from, first_to, winners[:count])
        second_from = first_to + timedelta(days=1 if rng.random() < 0.8 else rng.randint(20, 60))
        if spec.name in EXPIRING_SOON_CATEGORIES:
            second_to = end + timedelta(days=rng.randint(20, 170))
        else:
            second_to = end + timedelta(days=rng.randint(200, 1100))
        keep = winners[:1] if rng.random() < 0.5 else []
        add(spec.name, "", second_from, second_to, keep + winners[count : count + 1] + winners[1:count])
        if spec.name == "Möbler":
            furniture_supplier = winners[0]

    # Two contracts in one category at once: special diets beside groceries.
    add(
        "Livsmedel",
        " – specialkost",
        start - timedelta(days=100),
        end + timedelta(days=400),
        [suppliers.create_id("Specialkost Norden AB")],
    )
    # A contract nobody calls off: outdoor gym equipment, signed last year.
    add(
        "Idrottsmaterial",
        " – utegym",
        end - timedelta(days=300),
        end + timedelta(days=700),
        [suppliers.create_id("Utegym Sverige AB")],
        used=False,
    )
    # The furniture supplier also sells kitchen equipment, off contract: only
    # category matching sees it (supplier fidelity stays high).
    if furniture_supplier is not None:
        world.off_pool["Storköksutrustning"].insert(0, furniture_supplier)
    for category in world.contracts:
        for plan in world.contracts[category]:
            plan.valid_to = max(plan.valid_to, plan.valid_from)
    session.flush()


def _staff(session: Session, names: _NameGenerator, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        person = names.person()
        session.add(person)
        session.flush()
        ids.append(person.id)
    return ids


class _LineGenerator:
    """Draws invoice lines; kept lean because it runs millions of times."""

    def __init__(self, rng: random.Random, world: _World, start: date, end: date) -> None:
        self.rng, self.world, self.start = rng, world, start
        self.days = (end - start).days + 1
        kinds = {kind.code: kind for kind in catalog.UNIT_KINDS}
        self.units = world.units
        self.unit_weights = list(accumulate(kinds[kind].activity for _, _, kind in world.units))
        self.specs = {spec.name: spec for spec in catalog.CATEGORIES}
        self.buyable: dict[str, tuple[list[str], list[float]]] = {}
        for kind in kinds:
            names, weights = [], []
            for spec in catalog.CATEGORIES:
                if spec.buyers and kind not in spec.buyers:
                    continue
                names.append(spec.name)
                weights.append(6.0 if spec.name in catalog.FOOD_CATEGORIES else 1.0)
            self.buyable[kind] = (names, list(accumulate(weights)))
        self.invoice_number = 100_000

    def all_lines(self, count: int) -> Iterator[LineTuple]:
        """``count`` lines, made in chunks so that memory stays flat."""
        for start in range(0, count, CHUNK_SIZE):
            yield from self.lines(min(CHUNK_SIZE, count - start))

    def lines(self, count: int) -> list[LineTuple]:
        rng, world = self.rng, self.world
        chosen_units = rng.choices(self.units, cum_weights=self.unit_weights, k=count)
        rows: list[LineTuple] = []
        for unit_id, department_id, kind in chosen_units:
            names, weights = self.buyable[kind]
            category = names[bisect_right(weights, rng.random() * weights[-1])]
            offset = rng.randrange(self.days)
            day = self.start + timedelta(days=offset)
            supplier_id = self._supplier(kind, category, day, offset / 365.0)
            spec = self.specs[category]
            account_id = world.account_ids[category]
            if rng.random() < 0.015:
                account_id = rng.choice(world.unmapped_account_ids)
            amount = spec.typical_amount * math.exp(rng.gauss(0.0, 0.75))
            if rng.random() < 0.03:
                amount = -amount * rng.uniform(0.05, 0.5)  # a credit note
            self.invoice_number += 1
            rows.append(
                (
                    None,
                    day,
                    str(self.invoice_number),
                    department_id,
                    unit_id,
                    supplier_id,
                    account_id,
                    round(amount * 100),
                    None,
                    None,
                )
            )
        return rows

    def _supplier(self, kind: str, category: str, day: date, years_in: float) -> int:
        rng = self.rng
        valid = [
            plan
            for plan in self.world.contracts.get(category, ())
            if plan.used and plan.valid_from <= day <= plan.valid_to
        ]
        share = catalog.ON_CONTRACT_SHARE.get((kind, category), catalog.DEFAULT_ON_CONTRACT_SHARE)
        if valid and rng.random() < min(0.98, share + catalog.YEARLY_IMPROVEMENT * years_in):
            return rng.choice(rng.choice(valid).supplier_ids)
        pool = self.world.off_pool[category]
        return pool[int(len(pool) * rng.random() ** 2)]  # a few off-contract suppliers get most


def _create_needs_and_visits(session: Session, rng: random.Random, world: _World, end: date) -> None:
    need_types = list(catalog.NEED_TEXTS)
    statuses = ("new", "in_progress", "next_tender", "resolved", "declined")
    contracts = [plan for plans in world.contracts.values() for plan in plans]
    for index in range(320):
        unit_id, _, kind = rng.choice(world.units)
        plan = rng.choice(contracts)
        need_type = rng.choice(need_types)
        status = rng.choices(statuses, weights=(4, 3, 2, 3, 1))[0]
        need = Need(
            token=f"demo{rng.getrandbits(128):032x}",
            unit_id=unit_id,
            contract_id=plan.contract_id if rng.random() < 0.8 else None,
            category_id=world.category_ids[plan.category],
            need_type=need_type,
            text=rng.choice(catalog.NEED_TEXTS[need_type]),
            submitter_name=None,
            submitter_email=None,
            status=status,
            answer="Tack! Vi tar med det i nästa upphandling."
            if status in ("next_tender", "resolved")
            else None,
            # Spread over the last year, from the index (no random draw, so the rest of the
            # demo stays as it was): the inbox's monthly chart has a year to show.
            created_at=datetime.combine(end - timedelta(days=(index * 37) % 365), time(8 + index % 9)),
        )
        session.add(need)
        session.flush()
        if index % 2 == 0:
            session.add(
                Feedback(
                    need_id=need.id,
                    unit_id=unit_id,
                    contract_id=need.contract_id,
                    supplier_rating=rng.randint(1, 5),
                    procurement_rating=rng.randint(2, 5),
                    knows_contract_manager=rng.random()
                    < (0.3 if kind in ("care_home", "group_home") else 0.6),
                    good_text=rng.choice(catalog.GOOD_TEXTS),
                    less_good_text=rng.choice(catalog.LESS_GOOD_TEXTS),
                )
            )
    for _ in range(40):
        unit_id, _, _ = rng.choice(world.units)
        visit_day = end - timedelta(days=rng.randint(0, 300))
        session.add(
            Visit(
                visit_date=visit_day,
                unit_id=unit_id,
                contract_id=rng.choice(contracts).contract_id,
                participants="Upphandlare och enhetschef",
                notes="Samtal om förpackningsstorlekar och leveransdagar.",
                follow_up_date=visit_day + timedelta(days=rng.choice((30, 60, 90))),
            )
        )
    session.flush()
