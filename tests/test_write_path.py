"""One write path: every command in ``data_access`` replaces the data version
(the pages' cache key) without calling anything for it, and every read leaves
it alone.

The lists below must name every public function in ``data_access`` whose
first parameter is a session: a new one that is listed nowhere fails
``test_every_session_function_is_listed`` with its name, so whoever adds a
command also shows here that it replaces the version. Each call runs on a
small world built afresh, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import data_access
from data_access.access import accounts, app_settings, audit, identity
from data_access.access.roles import Role
from data_access.access.viewer import Viewer, system, viewer_with
from data_access.core import reference
from data_access.core.db import session_scope
from data_access.core.models import AuditEvent, ImportBatch, Need, User
from data_access.core.periods import Period
from data_access.core.settings import bump_data_version, data_version, get_setting, is_demo_data, set_setting
from data_access.core.work import actor_of, has_written, mark_written, set_actor
from data_access.customers import contacts, contract_buyers, contracts, needs, own_unit, unit_overview, visits
from data_access.demo.generator import DemoOptions, database_is_empty, load_demo
from data_access.engine import bulk, classification
from data_access.figures import (
    direct_awards,
    fidelity,
    line_listing,
    spend_elsewhere,
    targets,
    unclassified,
    unit_fidelity,
)
from data_access.figures.fidelity import Dimension, SpendFilter
from data_access.importing import batches, invoices, peppol_import, profiles, registers, service, upload_limit
from data_access.importing.batches import BatchAlreadyUndoneError
from data_access.importing.columns import ImportKind
from data_access.importing.invoices import ImportOptions, InvoiceImportSummary
from data_access.importing.peppol import parse_peppol_xml
from data_access.importing.resolve import Resolver
from tests.factories import World

# --------------------------------------------------------------------------- the world


@dataclass(frozen=True)
class Ids:
    """What the calls below refer to, in a world every test builds afresh."""

    department: int
    unit: int
    supplier: int
    category: int
    contract: int
    person: int  # a contact person of the unit
    need: int
    need_token: str
    batch: int  # an invoice import with three lines
    org_number: str  # the supplier's
    # Who the calls act as; None: everyone allowed (system, or the unit's user
    # for Min enhet). tests/test_access_enforcement.py swaps in a viewer
    # without any permission to see every guarded call refuse.
    acting: Viewer | None = None


def acting(i: Ids | None) -> Viewer:
    """The viewer a call acts as: every role, unless the test chose another."""
    return i.acting if i is not None and i.acting is not None else system("Anna")


def unit_user(i: Ids) -> Viewer:
    """The unit's own user (Min enhet refuses anyone else), unless the test chose another."""
    return i.acting if i.acting is not None else viewer_with("anna@x.example", ["enhet"], unit_ids=[i.unit])


USER_EMAIL = "lars@x.example"  # the world's user
INVOICE_HEADER = "Fakturadatum;Fakturanummer;Leverantör;Org.nr;Förvaltning;Ansvar;Konto;Belopp"
PERIOD = Period(date(2025, 1, 1), date(2025, 12, 31))


def invoice_file(org_number: str, *numbers: str) -> bytes:
    """An invoice file of the world's supplier, unit and account, one line per number."""
    rows = [
        f"2025-03-{day:02d};{number};Menigo AB;{org_number};SOC;1001;4010;{day}00,00"
        for day, number in enumerate(numbers, start=3)
    ]
    return "\n".join([INVOICE_HEADER, *rows]).encode()


ACCOUNTS_FILE = (
    "Konto;Kontobenämning;Kategori;Påverkbar\n4010;Livsmedel;Livsmedel;Ja\n4020;Kaffe;Livsmedel;Ja".encode()
)
ORGANISATION_FILE = (
    "Förvaltningskod;Förvaltning;Enhetskod;Enhet;Kontaktperson;Roll;E-post\n"
    "SOC;Socialförvaltningen;1002;Ekbacken;Eva Ek;Enhetschef;eva.ek@x.example"
).encode()


def contracts_file(org_number: str) -> bytes:
    return (
        "Avtalsnummer;Avtalsnamn;Kategori;Leverantör;Organisationsnummer;Giltigt från;Giltigt till\n"
        f"KS-2;Kaffe;Livsmedel;Menigo AB;{org_number};2025-01-01;2025-12-31"
    ).encode()


CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def peppol_invoice(org_number: str, invoice_id: str = "E-1") -> bytes:
    """One e-invoice from the world's supplier, one line."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="{CAC}" xmlns:cbc="{CBC}">
  <cbc:ID>{invoice_id}</cbc:ID><cbc:IssueDate>2025-05-02</cbc:IssueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode><cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PostalAddress><cac:Country><cbc:IdentificationCode>SE</cbc:IdentificationCode></cac:Country>
    </cac:PostalAddress>
    <cac:PartyLegalEntity><cbc:RegistrationName>Menigo AB</cbc:RegistrationName>
      <cbc:CompanyID schemeID="0007">{org_number}</cbc:CompanyID></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:InvoiceLine><cbc:ID>1</cbc:ID>
    <cbc:LineExtensionAmount currencyID="SEK">250.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Kaffe</cbc:Name></cac:Item>
  </cac:InvoiceLine>
</Invoice>""".encode()


def build_world(engine: Engine) -> Ids:
    """A department with a unit and its contact, a contract, a need, a visit,
    a saved mapping and an imported invoice file."""
    with session_scope(engine) as session:
        world = World(session)
        department = world.department("SOC", "Socialförvaltningen")
        unit = world.unit("1001", department)
        category = world.category("Livsmedel")
        world.account("4010", category)
        supplier = world.supplier("Menigo AB")
        contract = world.contract("KS-1", category, [supplier], date(2025, 1, 1), date(2025, 12, 31))
        person = contacts.add_unit_contact(
            session, unit.id, contacts.ContactInput("Anna Berg", "anna@x.example"), acting=acting(None)
        )
        token = needs.submit_need(
            session,
            needs.NeedInput(text="Mindre förpackningar, tack", unit_id=unit.id, contract_id=contract.id),
            "kvitto-1",
            acting=acting(None),
        )
        visits.add_visit(
            session,
            visit_date=date(2025, 3, 1),
            unit_id=unit.id,
            follow_up_date=date(2025, 4, 1),
            acting=acting(None),
        )
        profiles.save_profile(
            session, "Ekonomi", ImportKind.INVOICES, {"date": "Fakturadatum"}, acting=acting(None)
        )
        # Signs in through the provider.
        accounts.add_user(session, USER_EMAIL, roles=("upphandlare",), acting=acting(None))
        org_number = supplier.org_number
        opened = _opened(session, ImportKind.INVOICES, "a.csv", invoice_file(org_number, "F-1", "F-2", "F-3"))
        batch = service.import_file(session, opened, ImportOptions(), acting=acting(None)).batch_id
        need_id = session.scalar(select(Need.id).where(Need.token == token))
        return Ids(
            department.id,
            unit.id,
            supplier.id,
            category.id,
            contract.id,
            person,
            need_id,
            token,
            batch,
            org_number,
        )


def version(engine: Engine) -> str:
    with Session(engine) as session:
        return data_version(session)


# --------------------------------------------------------------------------- the calls

Call = Callable[[Session, Ids], object]


def _opened(
    session: Session, kind: ImportKind, name: str, data: bytes, viewer: Viewer | None = None
) -> service.OpenedFile:
    return service.open_for_import(session, kind, name, data=data, acting=viewer or acting(None))


def _import_register(importer: Callable[..., object], kind: ImportKind, data: Callable[[Ids], bytes]) -> Call:
    def call(session: Session, ids: Ids) -> object:
        opened = _opened(session, kind, "register.csv", data(ids))
        return importer(
            session,
            opened.table.iter_rows(),
            opened.mapping,
            file_name="register.csv",
            checksum=opened.table.checksum,
        )

    return call


def _new_invoices(session: Session, ids: Ids) -> service.OpenedFile:
    return _opened(
        session, ImportKind.INVOICES, "b.csv", invoice_file(ids.org_number, "F-8", "F-9"), acting(ids)
    )


def _land_batch_again(session: Session, ids: Ids) -> None:
    """Land (no new lines) into the world's batch: its counts are rewritten."""
    batch = session.get(ImportBatch, ids.batch)
    invoices.land_batch(session, [], batch, InvoiceImportSummary(file_name="a.csv"), Resolver(session))


def _land_one_line(session: Session, ids: Ids) -> object:
    line = (None, date(2025, 6, 2), "F-7", ids.department, ids.unit, ids.supplier, None, 12_300, None, None)
    return bulk.land_lines(session, [line])


def _preview_both(session: Session, ids: Ids) -> None:
    """An invoice preview only parses; a register preview imports and rolls back."""
    opened = _opened(session, ImportKind.INVOICES, "b.csv", invoice_file(ids.org_number, "F-8", "F-9"))
    service.preview_import(session, opened, ImportOptions(), acting=acting(ids))
    opened = _opened(session, ImportKind.ACCOUNTS, "konton.csv", ACCOUNTS_FILE)
    service.preview_import(session, opened, ImportOptions(), acting=acting(ids))


DEMO = DemoOptions(lines=400, seed=3)

# Every call that changes data: each must replace the data version.
COMMANDS: dict[str, Call] = {
    "access.accounts.add_user": lambda s, i: accounts.add_user(
        s, "bo@x.example", roles=("ledning",), acting=acting(i)
    ),
    "access.accounts.set_roles": lambda s, i: accounts.set_roles(
        s, USER_EMAIL, ("ledning", "enhet"), unit_codes=("1001",), acting=acting(i)
    ),
    # The world's user becomes an enhet user without units (refused alone), then gets one.
    "access.accounts.set_units": lambda s, i: (
        accounts.set_roles(s, USER_EMAIL, ("enhet",), unit_codes=("1001",), acting=acting(i)),
        accounts.set_units(s, USER_EMAIL, ("1001",), acting=acting(i)),
    ),
    "access.app_settings.set_access_contact": lambda s, i: app_settings.set_access_contact(
        s, "Upphandlingsenheten, 046-35 50 00", acting=acting(i)
    ),
    "access.app_settings.set_base_url": lambda s, i: app_settings.set_base_url(
        s, "https://avtal.kommun.example", acting=acting(i)
    ),
    "access.app_settings.set_municipal_domains": lambda s, i: app_settings.set_municipal_domains(
        s, "kommun.example", acting=acting(i)
    ),
    "access.app_settings.set_retention_months": lambda s, i: app_settings.set_retention_months(
        s, 36, acting=acting(i)
    ),
    "core.settings.bump_data_version": lambda s, i: bump_data_version(s),
    "core.settings.set_setting": lambda s, i: set_setting(s, "write_path_probe", "1"),
    "core.work.mark_written": lambda s, i: mark_written(s),
    "customers.contacts.add_unit_contact": lambda s, i: contacts.add_unit_contact(
        s, i.unit, contacts.ContactInput("Bo Ek"), acting=acting(i)
    ),
    "customers.contacts.update_unit_contact": lambda s, i: contacts.update_unit_contact(
        s,
        i.unit,
        i.person,
        contacts.ContactInput("Anna Berg", "anna@x.example", role="Enhetschef"),
        acting=acting(i),
    ),
    "customers.contacts.remove_unit_contact": lambda s, i: contacts.remove_unit_contact(
        s, i.unit, i.person, acting=acting(i)
    ),
    "customers.contacts.set_contract_manager": lambda s, i: contacts.set_contract_manager(
        s, i.contract, contacts.ContactInput("Lars Lind"), acting=acting(i)
    ),
    "customers.needs.submit_need": lambda s, i: needs.submit_need(
        s, needs.NeedInput(text="Leveranserna kommer sent", unit_id=i.unit), "kvitto-2", acting=acting(i)
    ),
    "customers.needs.triage": lambda s, i: needs.triage(
        s, i.need, needs.Triage("in_progress"), acting=acting(i)
    ),
    "customers.visits.add_visit": lambda s, i: visits.add_visit(
        s, visit_date=date(2025, 5, 1), unit_id=i.unit, acting=acting(i)
    ),
    "demo.generator.load_demo": lambda s, i: load_demo(s, DEMO),
    "engine.bulk.land_lines": _land_one_line,
    "engine.classification.classify_lines": lambda s, i: classification.classify_lines(s),
    "engine.classification.refresh_summaries": lambda s, i: classification.refresh_summaries(s),
    "figures.targets.set_department_target": lambda s, i: targets.set_department_target(
        s, i.department, "80", acting=acting(i)
    ),
    "figures.targets.set_direct_award_limit": lambda s, i: targets.set_direct_award_limit(
        s, "700 000", acting=acting(i)
    ),
    "figures.targets.set_overall_target": lambda s, i: targets.set_overall_target(s, "75", acting=acting(i)),
    "importing.batches.undo_batch": lambda s, i: batches.undo_batch(s, i.batch, acting=acting(i)),
    "importing.invoices.import_invoices": lambda s, i: invoices.import_invoices(
        s,
        (opened := _new_invoices(s, i)).table.iter_rows(),
        opened.mapping,
        file_name="b.csv",
        checksum=opened.table.checksum,
    ),
    "importing.invoices.start_batch": lambda s, i: invoices.start_batch(
        s, InvoiceImportSummary(file_name="c.csv"), kind="invoices", checksum="c", options=ImportOptions()
    ),
    "importing.invoices.land_batch": _land_batch_again,
    "importing.peppol_import.import_peppol": lambda s, i: peppol_import.import_peppol(
        s,
        parse_peppol_xml(data := peppol_invoice(i.org_number), "e.xml"),
        file_name="e.xml",
        checksum=hashlib.sha256(data).hexdigest(),
    ),
    "importing.profiles.save_profile": lambda s, i: profiles.save_profile(
        s, "Raindance", ImportKind.INVOICES, {"date": "Fakturadatum"}, acting=acting(i)
    ),
    "importing.registers.import_accounts": _import_register(
        registers.import_accounts, ImportKind.ACCOUNTS, lambda i: ACCOUNTS_FILE
    ),
    "importing.registers.import_contracts": _import_register(
        registers.import_contracts, ImportKind.CONTRACTS, lambda i: contracts_file(i.org_number)
    ),
    "importing.registers.import_organisation": _import_register(
        registers.import_organisation, ImportKind.ORGANISATION, lambda i: ORGANISATION_FILE
    ),
    "importing.service.import_file": lambda s, i: service.import_file(
        s, _new_invoices(s, i), ImportOptions(), acting=acting(i)
    ),
    "importing.service.import_invoice_file": lambda s, i: service.import_invoice_file(
        s, _new_invoices(s, i), ImportOptions(), acting=acting(i)
    ),
    "importing.service.import_peppol_file": lambda s, i: service.import_peppol_file(
        s, "e.xml", peppol_invoice(i.org_number), acting=acting(i)
    ),
    "importing.upload_limit.set_upload_limit": lambda s, i: upload_limit.set_upload_limit(
        s, 50, acting=acting(i)
    ),
}
# Commands that need an empty database rather than the world.
ON_AN_EMPTY_DATABASE = {"demo.generator.load_demo"}

# Commands that write only the users and the audit log (tables marked
# OUTSIDE_DATA_VERSION): no cached read depends on them, and a stranger's
# failed sign-ins must not empty every page cache. They write, and leave the
# version alone.
OUTSIDE_THE_VERSION: dict[str, Call] = {
    # Refused (the world's user has no password), and the refusal is logged.
    "access.accounts.authenticate": lambda s, i: accounts.authenticate(s, USER_EMAIL, "fel lösenord"),
    "access.accounts.disable_user": lambda s, i: accounts.disable_user(s, USER_EMAIL, acting=acting(i)),
    "access.accounts.enable_user": lambda s, i: (  # disabled first: enabling an active user changes nothing
        accounts.disable_user(s, USER_EMAIL, acting=acting(i)),
        accounts.enable_user(s, USER_EMAIL, acting=acting(i)),
    ),
    "access.accounts.set_password": lambda s, i: accounts.set_password(
        s, USER_EMAIL, "ett långt lösenord", acting=acting(i)
    ),
    "access.audit.purge_older_than": lambda s, i: audit.purge_older_than(s, 12, acting=acting(i)),
    "access.audit.record": lambda s, i: audit.record(s, "export", f"contract:{i.contract}", "rows=3"),
    "access.audit.record_export": lambda s, i: audit.record_export(
        s, "contacts", f"contract:{i.contract}", 3, actor="Anna"
    ),
    "customers.needs.record_inbox_export": lambda s, i: needs.record_inbox_export(s, 3, acting=acting(i)),
    "customers.contacts.record_contact_export": lambda s, i: contacts.record_contact_export(
        s, f"contract:{i.contract}", 3, acting=acting(i)
    ),
    "access.identity.record_provider_sign_in": lambda s, i: identity.record_provider_sign_in(
        s, USER_EMAIL, None
    ),
}

# Every call that only reads: each must leave the data version as it was.
READS: dict[str, Call] = {
    "access.accounts.list_users": lambda s, i: accounts.list_users(s, acting=acting(i)),
    "access.app_settings.base_url": lambda s, i: app_settings.base_url(s),
    "access.app_settings.load_settings": lambda s, i: app_settings.load_settings(s),
    "access.app_settings.retention_months": lambda s, i: app_settings.retention_months(s),
    "access.accounts.user_by_email": lambda s, i: accounts.user_by_email(s, USER_EMAIL),
    "access.audit.count_older_than": lambda s, i: audit.count_older_than(s, 24, acting=acting(i)),
    "access.audit.list_events": lambda s, i: audit.list_events(s, 50, acting=acting(i)),
    "access.audit.log_facets": lambda s, i: audit.log_facets(s, acting=acting(i)),
    "access.identity.access_contact": lambda s, i: identity.access_contact(s),
    "access.identity.contact_unit_ids": lambda s, i: identity.contact_unit_ids(s, "eva.ek@x.example"),
    "access.identity.demo_viewer": lambda s, i: identity.demo_viewer(s, Role.ENHET),
    "access.identity.municipal_domains": lambda s, i: identity.municipal_domains(s),
    "access.identity.resolve_viewer": lambda s, i: identity.resolve_viewer(s, USER_EMAIL),
    "core.reference.categories": lambda s, i: reference.categories(s),
    "core.reference.contracts": lambda s, i: reference.contracts(s),
    "core.reference.data_period": lambda s, i: reference.data_period(s),
    "core.reference.departments": lambda s, i: reference.departments(s),
    "core.reference.months_with_lines": lambda s, i: reference.months_with_lines(s),
    "core.reference.suppliers": lambda s, i: reference.suppliers(s),
    "core.reference.units": lambda s, i: reference.units(s, (i.department,)),
    "core.settings.data_version": lambda s, i: data_version(s),
    "core.settings.get_setting": lambda s, i: get_setting(s, "overall_target"),
    "core.settings.is_demo_data": lambda s, i: is_demo_data(s),
    "core.work.actor_of": lambda s, i: actor_of(s),
    "core.work.has_written": lambda s, i: has_written(s),
    "core.work.set_actor": lambda s, i: set_actor(s, "Anna"),  # the session's own note, not the database
    "customers.contract_buyers.contract_customers": lambda s, i: contract_buyers.contract_customers(
        s, i.contract, PERIOD, acting=acting(i)
    ),
    "customers.contract_buyers.unit_contacts": lambda s, i: contract_buyers.unit_contacts(
        s, [i.unit], acting=acting(i)
    ),
    "customers.contracts.contracts_called_off": lambda s, i: contracts.contracts_called_off(
        s, PERIOD.start, PERIOD.end
    ),
    "customers.contracts.open_need_counts": lambda s, i: contracts.open_need_counts(s),
    "customers.contracts.search_contracts": lambda s, i: contracts.search_contracts(s, text="KS"),
    "customers.needs.history": lambda s, i: needs.history(s, i.need, acting=acting(i)),
    "customers.needs.inbox": lambda s, i: needs.inbox(s, acting=acting(i)),
    "customers.needs.need_count": lambda s, i: needs.need_count(s, acting=acting(i)),
    "customers.needs.need_stats": lambda s, i: needs.need_stats(s, "contract", acting=acting(i)),
    "customers.needs.receipt": lambda s, i: needs.receipt(s, i.need_token),
    "customers.needs.status_counts": lambda s, i: needs.status_counts(s, acting=acting(i)),
    "customers.own_unit.off_contract_spend": lambda s, i: own_unit.off_contract_spend(
        s, i.unit, PERIOD, acting=unit_user(i)
    ),
    "customers.own_unit.own_needs": lambda s, i: own_unit.own_needs(s, i.unit, acting=unit_user(i)),
    "customers.own_unit.own_units": lambda s, i: own_unit.own_units(s, acting=unit_user(i)),
    "customers.unit_overview.unit_overview": lambda s, i: unit_overview.unit_overview(s, i.unit, PERIOD),
    "customers.visits.open_follow_ups": lambda s, i: visits.open_follow_ups(s, acting=acting(i)),
    "customers.visits.visits": lambda s, i: visits.visits(s, unit_id=i.unit, acting=acting(i)),
    "demo.generator.database_is_empty": lambda s, i: database_is_empty(s),
    "engine.bulk.analyze_after_bulk_load": lambda s, i: bulk.analyze_after_bulk_load(s),  # planner statistics
    "engine.bulk.known_posting_keys": lambda s, i: bulk.known_posting_keys(s, PERIOD.start, PERIOD.end),
    "figures.direct_awards.direct_award_risks": lambda s, i: direct_awards.direct_award_risks(
        s, 2025, Decimal("700000")
    ),
    "figures.fidelity.fidelity_breakdown": lambda s, i: fidelity.fidelity_breakdown(s, Dimension.UNIT),
    "figures.fidelity.fidelity_matrix": lambda s, i: fidelity.fidelity_matrix(
        s, (Dimension.DEPARTMENT, Dimension.CATEGORY)
    ),
    "figures.fidelity.fidelity_total": lambda s, i: fidelity.fidelity_total(s),
    "figures.line_listing.line_page": lambda s, i: line_listing.line_page(s, SpendFilter()),
    "figures.spend_elsewhere.category_suppliers": lambda s, i: spend_elsewhere.category_suppliers(
        s, i.category, SpendFilter()
    ),
    "figures.targets.direct_award_limit": lambda s, i: targets.direct_award_limit(s),
    "figures.targets.load_targets": lambda s, i: targets.load_targets(s),
    "figures.unclassified.batch_unclassified": lambda s, i: unclassified.batch_unclassified(s, i.batch),
    "figures.unit_fidelity.unit_fidelity": lambda s, i: unit_fidelity.unit_fidelity(
        s, i.unit, PERIOD, acting=unit_user(i)
    ),
    "figures.unclassified.unclassified_share": lambda s, i: unclassified.unclassified_share(s),
    "importing.batches.batch_listing": lambda s, i: batches.batch_listing(s),
    "importing.batches.list_batches": lambda s, i: batches.list_batches(s),
    "importing.invoices.earlier_batches": lambda s, i: invoices.earlier_batches(s, "a checksum"),
    "importing.profiles.load_profile": lambda s, i: profiles.load_profile(s, "Ekonomi", ImportKind.INVOICES),
    "importing.profiles.profile_names": lambda s, i: profiles.profile_names(s, ImportKind.INVOICES),
    "importing.service.open_for_import": _new_invoices,
    "importing.service.preview_import": _preview_both,
    "importing.service.read_peppol_upload": lambda s, i: service.read_peppol_upload(
        s, "e.xml", peppol_invoice(i.org_number), acting=acting(i)
    ),
    "importing.upload_limit.check_upload_size": lambda s, i: upload_limit.check_upload_size(s, "a.csv", 10),
    "importing.upload_limit.upload_limit_mb": lambda s, i: upload_limit.upload_limit_mb(s),
}

# Session functions that cannot be called here, each with the reason (none yet).
NOT_CALLED: dict[str, str] = {}


# --------------------------------------------------------------------------- the tests


def session_functions() -> set[str]:
    """Every public function defined in a ``data_access`` module whose first
    parameter is a session, named relative to ``data_access``."""
    found = set()
    for module_info in pkgutil.walk_packages(data_access.__path__, "data_access."):
        if module_info.name.endswith("__main__"):  # running it parses sys.argv
            continue
        module = importlib.import_module(module_info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            parameters = list(inspect.signature(function).parameters.values())
            if parameters and parameters[0].annotation in ("Session", Session):
                found.add(f"{module.__name__.removeprefix('data_access.')}.{name}")
    return found


def test_every_session_function_is_listed() -> None:
    found = session_functions()
    listed = [*COMMANDS, *OUTSIDE_THE_VERSION, *READS, *NOT_CALLED]
    unlisted = sorted(found - set(listed))
    assert not unlisted, (
        "List these in tests/test_write_path.py as COMMANDS (they change data) or READS, with a call: "
        + ", ".join(unlisted)
    )
    assert not sorted(set(listed) - found), "Listed but no longer a session function in data_access"
    assert len(listed) == len(set(listed)), "Listed twice"
    assert all(reason.strip() for reason in NOT_CALLED.values())


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_command_replaces_the_data_version(engine: Engine, name: str) -> None:
    ids = None if name in ON_AN_EMPTY_DATABASE else build_world(engine)
    before = version(engine)
    with session_scope(engine, actor="Anna") as session:
        COMMANDS[name](session, ids)  # type: ignore[arg-type]
    assert version(engine) != before, f"{name} changed data but not the data version"


def users_and_log(engine: Engine) -> tuple[object, ...]:
    """Everything in the tables outside the data version, to see a write there."""
    with engine.connect() as connection:
        return tuple(
            tuple(connection.execute(select(table)).all()) for table in (User.__table__, AuditEvent.__table__)
        )


@pytest.mark.parametrize("name", sorted(OUTSIDE_THE_VERSION))
def test_a_write_to_users_or_the_log_leaves_the_data_version_alone(engine: Engine, name: str) -> None:
    ids = build_world(engine)
    if name == "access.audit.purge_older_than":  # something old to purge
        with session_scope(engine) as session:
            session.add(AuditEvent(at=datetime(2020, 1, 1), actor="Anna", action="export"))
    before, rows_before = version(engine), users_and_log(engine)
    with session_scope(engine, actor="Anna") as session:
        OUTSIDE_THE_VERSION[name](session, ids)  # type: ignore[arg-type]
    assert users_and_log(engine) != rows_before, f"{name} wrote nothing"
    assert version(engine) == before, f"{name} wrote only users or the log but replaced the data version"


@pytest.mark.parametrize("name", sorted(READS))
def test_a_read_leaves_the_data_version_alone(engine: Engine, name: str) -> None:
    ids = build_world(engine)
    before = version(engine)
    with session_scope(engine) as session:
        READS[name](session, ids)
    assert version(engine) == before, f"{name} only reads but replaced the data version"


# --------------------------------------------------------------------------- the three that forgot


def test_saving_a_mapping_profile_replaces_the_data_version(engine: Engine) -> None:
    """The import page lists the saved profiles from a cache keyed on the version."""
    build_world(engine)
    before = version(engine)
    with session_scope(engine) as session:
        profiles.save_profile(  # replaces one
            session, "Ekonomi", ImportKind.INVOICES, {"date": "Datum"}, acting=acting(None)
        )
    assert version(engine) != before
    with Session(engine) as session:
        assert profiles.load_profile(session, "Ekonomi", ImportKind.INVOICES) == {"date": "Datum"}


def reimport(engine: Engine, ids: Ids) -> InvoiceImportSummary:
    """The world's invoice file again, under another name: every line is there already."""
    with session_scope(engine) as session:
        data = invoice_file(ids.org_number, "F-1", "F-2", "F-3")
        opened = _opened(session, ImportKind.INVOICES, "a-igen.csv", data)
        return service.import_file(session, opened, ImportOptions(), acting=acting(None))


def test_an_import_of_lines_all_there_already_replaces_the_data_version(engine: Engine) -> None:
    """Nothing new landed, but the batch list has a new batch."""
    ids = build_world(engine)
    before = version(engine)
    summary = reimport(engine, ids)
    assert (summary.imported, summary.duplicates) == (0, 3)
    assert version(engine) != before


def test_undoing_a_batch_without_lines_replaces_the_version_and_cannot_be_repeated(engine: Engine) -> None:
    """A batch that added no line (all were there already) has no months to
    rebuild; its undo must still replace the version, so the list read anew
    shows it undone, and a second undo is refused and changes nothing."""
    ids = build_world(engine)
    empty = reimport(engine, ids).batch_id
    before = version(engine)
    with session_scope(engine, actor="Anna") as session:
        result = batches.undo_batch(session, empty, acting=acting(None))
    assert result.lines_removed == 0
    after = version(engine)
    assert after != before
    with Session(engine) as session:
        listed = {batch.id: batch for batch in batches.list_batches(session)}
    assert listed[empty].is_undone and not listed[empty].can_be_undone
    assert listed[ids.batch].can_be_undone  # the first import, whose lines these were, is untouched
    with pytest.raises(BatchAlreadyUndoneError, match="Inget ändrades"), session_scope(engine) as session:
        batches.undo_batch(session, empty, acting=acting(None))
    assert version(engine) == after
