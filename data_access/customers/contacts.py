"""Contact people of units and contract managers, as procurers keep them.

Validation lives here, not in the page: a name is required, an e-mail
address must be a valid address (email-validator, no network lookups),
phone is free text, and each fits its column (``data_access.core.lengths``).
Errors carry a message per field, so a form can show it next to the field
and keep what was typed.

Contact people are personal data (issue 13): every change takes the acting
user, refuses a role that may not make it, and leaves an entry in the audit
log naming the unit (or contract) and the person by id, never by name or
address, so the log itself holds no personal values. A download of contact
people is logged the same way (:func:`record_contact_export`).
"""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from data_access.access import audit
from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.core.lengths import length_problem
from data_access.core.models import Contract, Person, UnitContact
from data_access.core.validation import FieldErrors

# Audit actions (ids only in the entries, never the person's name or details).
CONTACT_ADDED = "contact_added"
CONTACT_CHANGED = "contact_changed"
CONTACT_REMOVED = "contact_removed"
MANAGER_CHANGED = "contract_manager_changed"


class ContactError(FieldErrors):
    """What is wrong with a contact, per field (``name``, ``email``, ``role``, ``phone``)."""


@dataclass(frozen=True)
class ContactInput:
    name: str
    email: str = ""
    phone: str = ""
    role: str = "Kontaktperson"

    def cleaned(self) -> ContactInput:
        """Trimmed and checked; raises ContactError listing every problem."""
        problems: dict[str, str] = {}
        name = " ".join(self.name.split())
        if not name:
            problems["name"] = "Namn måste fyllas i."
        elif problem := length_problem(Person.name, name):
            problems["name"] = problem
        email = self.email.strip()
        if problem := length_problem(Person.email, email):
            problems["email"] = problem
        elif email:
            try:
                email = validate_email(email, check_deliverability=False).normalized
            except EmailNotValidError:
                problems["email"] = f"{email!r} är ingen giltig e-postadress."
            else:  # normalising may change the length; it is stored normalised
                if problem := length_problem(Person.email, email):
                    problems["email"] = problem
        phone = " ".join(self.phone.split())
        if problem := length_problem(Person.phone, phone):
            problems["phone"] = problem
        role = " ".join(self.role.split()) or "Kontaktperson"
        if problem := length_problem(UnitContact.role, role):
            problems["role"] = problem
        if problems:
            raise ContactError(problems)
        return ContactInput(name=name, email=email, phone=phone, role=role)


def _person(session: Session, contact: ContactInput) -> Person:
    """The person with this e-mail address (updated), or a new one."""
    person = session.scalar(select(Person).where(Person.email == contact.email)) if contact.email else None
    if person is None:
        person = Person(name=contact.name, email=contact.email or None, phone=contact.phone or None)
        session.add(person)
    else:
        person.name, person.phone = contact.name, contact.phone or person.phone
    session.flush()
    return person


def add_unit_contact(session: Session, unit_id: int, contact: ContactInput, *, acting: Viewer) -> int:
    """Add a contact person to a unit; returns the person's id."""
    acting.require(Permission.EDIT_CONTACTS)
    cleaned = contact.cleaned()
    person = _person(session, cleaned)
    link = session.get(UnitContact, (unit_id, person.id))
    if link is None:
        session.add(UnitContact(unit_id=unit_id, person_id=person.id, role=cleaned.role))
    else:
        link.role = cleaned.role
    session.flush()
    audit.record(session, CONTACT_ADDED, f"unit:{unit_id}", f"person:{person.id}", actor=acting.label)
    return person.id


def update_unit_contact(
    session: Session, unit_id: int, person_id: int, contact: ContactInput, *, acting: Viewer
) -> None:
    """Change a unit's contact person (name, address, phone, role at the unit)."""
    acting.require(Permission.EDIT_CONTACTS)
    cleaned = contact.cleaned()
    person = session.get(Person, person_id)
    if person is None:
        raise ContactError({"name": "Kontaktpersonen finns inte längre."})
    clash = (
        session.scalar(select(Person.id).where(Person.email == cleaned.email, Person.id != person_id))
        if cleaned.email
        else None
    )
    if clash is not None:
        raise ContactError({"email": f"{cleaned.email} tillhör redan en annan kontaktperson."})
    person.name, person.email, person.phone = cleaned.name, cleaned.email or None, cleaned.phone or None
    link = session.get(UnitContact, (unit_id, person_id))
    if link is not None:
        link.role = cleaned.role
    session.flush()
    audit.record(session, CONTACT_CHANGED, f"unit:{unit_id}", f"person:{person_id}", actor=acting.label)


def remove_unit_contact(session: Session, unit_id: int, person_id: int, *, acting: Viewer) -> None:
    """The person stops being the unit's contact (they may still manage
    contracts). Removing someone who already was not is no change and no entry."""
    acting.require(Permission.EDIT_CONTACTS)
    removed = session.execute(
        delete(UnitContact).where(UnitContact.unit_id == unit_id, UnitContact.person_id == person_id)
    ).rowcount
    if removed:
        audit.record(session, CONTACT_REMOVED, f"unit:{unit_id}", f"person:{person_id}", actor=acting.label)


def set_contract_manager(session: Session, contract_id: int, contact: ContactInput, *, acting: Viewer) -> int:
    """Make this person the contract's manager (avtalsansvarig); returns their id."""
    acting.require(Permission.EDIT_CONTRACT_MANAGERS)
    cleaned = contact.cleaned()
    person = _person(session, cleaned)
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise ContactError({"name": "Avtalet finns inte."})
    contract.manager_id = person.id
    session.flush()
    audit.record(
        session,
        MANAGER_CHANGED,
        f"contract:{contract_id}",
        f"person:{person.id}",
        actor=acting.label,
    )
    return person.id


def record_contact_export(session: Session, subject: str, rows: int, *, acting: Viewer) -> None:
    """Log a download of contact people (a contact list, a list with the
    contract managers' addresses): ``subject`` is what it was of
    (``contract:12``, ``category:3``, ``unit:7``), ``rows`` how many people
    it held. Only someone who may see contact people downloads them, so the
    page's button calls this when it is pressed."""
    acting.require(Permission.VIEW_CONTACTS)
    audit.record_export(session, "contacts", subject, rows, actor=acting.label)
