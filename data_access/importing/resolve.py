"""Finding or creating the things an invoice line points at, by their
natural keys, and the posting keys that recognise a line imported before.
Shared by the spreadsheet and the PEPPOL imports."""

from __future__ import annotations

from hashlib import sha256

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from data_access.core.lengths import max_length
from data_access.core.models import Account, Department, ImportBatchCreated, Supplier, Unit
from data_access.importing.invoice_rows import split_code_and_name

UNKNOWN_DEPARTMENT = ("OKAND", "Okänd förvaltning")


def natural_key(text: object) -> str:
    """How codes and names are compared: case and spacing ignored, but å, ä
    and ö kept (``STÄ`` and ``STA`` are different departments)."""
    return " ".join(str(text or "").split()).casefold()


_FIRST = (1).to_bytes(4, "big")  # the occurrence of nearly every posting


class PostingKeys:
    """Posting keys that tell identical postings in one invoice apart by their
    occurrence: the second identical posting is real spend, and so is its copy
    in a re-imported file the same posting."""

    def __init__(self) -> None:
        self.seen: dict[bytes, int] = {}

    def key(self, posting: tuple[str, ...]) -> bytes:
        base = sha256("\x1f".join(posting).encode()).digest()
        occurrence = self.seen.get(base, 0) + 1
        self.seen[base] = occurrence
        return sha256(base + (_FIRST if occurrence == 1 else occurrence.to_bytes(4, "big"))).digest()[:16]


class Resolver:
    """Finds or creates suppliers, departments, units and accounts by their
    natural keys, caching them for the whole file."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_org = dict(
            session.execute(
                select(Supplier.org_number, Supplier.id).where(Supplier.org_number.is_not(None))
            ).all()
        )
        self.by_name = {
            natural_key(name): supplier_id
            for name, supplier_id in session.execute(
                select(Supplier.name, Supplier.id).where(Supplier.org_number.is_(None))
            ).all()
        }
        self.departments: dict[str, int] = {}
        # Codes as stored (unique as written): a new row's cut code must be new.
        self.codes: dict[type, set[str]] = {Department: set(), Unit: set()}
        for department_id, code, name in session.execute(
            select(Department.id, Department.code, Department.name)
        ):
            self.departments.setdefault(natural_key(code), department_id)
            self.departments.setdefault(natural_key(name), department_id)
            self.codes[Department].add(code)
        self.units: dict[str, tuple[int, int]] = {}
        unit_code_length = max_length(Unit.code)
        long_names: list[tuple[str, tuple[int, int]]] = []
        for unit_id, code, name, department_id in session.execute(
            select(Unit.id, Unit.code, Unit.name, Unit.department_id).order_by(Unit.id)
        ):
            self.units[natural_key(code)] = (department_id, unit_id)
            self.codes[Unit].add(code)
            if len(name) > unit_code_length:
                long_names.append((natural_key(name), (department_id, unit_id)))
        # A unit an invoice named by a text longer than a code was stored
        # under that text cut short: the same text finds it again. No code is
        # that long, so such a name never shadows a code.
        for key, found in long_names:
            self.units.setdefault(key, found)
        self.accounts = dict(session.execute(select(Account.number, Account.id)).all())
        self.new_suppliers = self.new_units = self.new_departments = self.new_accounts = 0
        # (entity, id) of every row this file created, for ``record_created``.
        self.created: list[tuple[str, int]] = []

    def supplier(self, org_number: str | None, name: str | None) -> int:
        if org_number:
            if org_number not in self.by_org:
                self.by_org[org_number] = self._add(Supplier, org_number=org_number, name=name or org_number)
                self.new_suppliers += 1
            return self.by_org[org_number]
        key = natural_key(name)
        if key not in self.by_name:
            # Known by name only: a procurer confirms it later.
            self.by_name[key] = self._add(Supplier, org_number=None, name=name, needs_review=True)
            self.new_suppliers += 1
        return self.by_name[key]

    def organisation(self, department: str | None, unit: str | None) -> tuple[int | None, int | None]:
        department_id = self.department(department) if department else None
        if not unit:
            return department_id, None
        key = natural_key(unit)
        if key not in self.units:
            owner = department_id or self.department(None)
            code = self._new_code(Unit, unit)
            self.units[key] = (owner, self._add(Unit, code=code, name=unit, department_id=owner))
            self.new_units += 1
        unit_department, unit_id = self.units[key]
        return department_id or unit_department, unit_id

    def department(self, value: str | None) -> int:
        code, name = split_code_and_name(value) if value else UNKNOWN_DEPARTMENT
        # A name too long for a code, cut to make one, is no code the file
        # wrote: two names alike in their first 32 characters are two
        # departments, so such a name is found by itself only.
        cut = value is not None and name == value and code != value
        keys = [natural_key(value)] if value else []
        if not cut:
            keys.append(natural_key(code))
        for key in keys:
            if key in self.departments:
                return self.departments[key]
        department_id = self._add(Department, code=self._new_code(Department, code), name=name)
        for key in keys:
            self.departments[key] = department_id
        self.new_departments += 1
        return department_id

    def account(self, number: str, text: str | None) -> int:
        if number not in self.accounts:
            self.accounts[number] = self._add(Account, number=number, name=text, category_id=None)
            self.new_accounts += 1
        return self.accounts[number]

    def _new_code(self, model: type[Department | Unit], text: str) -> str:
        """The code of a new department or unit: the text, cut to the
        column's length; a cut that another row already has (two long names
        alike in their first 32 characters) gets a number at its end,
        ``…~2``, so the unique code never collides."""
        limit = max_length(model.code)
        taken = self.codes[model]
        code = text[:limit]
        number = 1
        while code in taken:
            number += 1
            suffix = f"~{number}"
            code = text[: limit - len(suffix)] + suffix
        taken.add(code)
        return code

    def _add(self, model: type[Supplier | Unit | Department | Account], **values: object) -> int:
        """Insert one row with Core and return its id: thousands of new
        suppliers in a first import must not cost an ORM flush each.
        Values are already normalised (org numbers validated by the parser)."""
        table = model.__table__
        new_id = self.session.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()
        self.created.append((table.name, new_id))
        return new_id

    def record_created(self, batch_id: int) -> None:
        """Remember what this file created, so that undoing its batch can
        remove those rows again when nothing else uses them."""
        if self.created:
            self.session.execute(
                insert(ImportBatchCreated),
                [{"batch_id": batch_id, "entity": entity, "entity_id": id_} for entity, id_ in self.created],
            )
