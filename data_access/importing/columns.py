"""Recognising columns by their header: synonyms per import kind, header-row
detection below title rows, and the mapping users can correct and save.

Headers are compared after folding case, accents and punctuation, so
``Org.nr``, ``ORGNR`` and ``org_nr`` are the same header; a header cut short
by the export (Örebro's ``ORGANISATIO``) still matches the synonym it begins,
and a composite header (``RN1/FÖRVALTNING``) matches through one of its words.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

HEADER_SEARCH_ROWS = 40  # title rows above the header in real exports: a handful
MIN_PREFIX = 6  # a cut-off header must keep this many characters to match


class ImportKind(enum.StrEnum):
    INVOICES = "invoices"
    CONTRACTS = "contracts"
    ORGANISATION = "organisation"
    ACCOUNTS = "accounts"


@dataclass(frozen=True)
class FieldSpec:
    """A value an import needs, with the headers that name it."""

    name: str
    label: str  # Swedish, for the mapping UI and the validation report
    synonyms: tuple[str, ...]
    required: bool = False


def fold(text: object) -> str:
    """Lower case, no accents, letters and digits only: the form headers are compared in."""
    decomposed = unicodedata.normalize("NFKD", str(text or "")).lower()
    return "".join(char for char in decomposed if char.isalnum() and not unicodedata.combining(char))


def _words(text: object) -> list[str]:
    return [fold(part) for part in re.split(r"[^\w]+", str(text or "")) if fold(part)]


FIELDS: dict[ImportKind, tuple[FieldSpec, ...]] = {
    ImportKind.INVOICES: (
        FieldSpec(
            "date",
            "Datum",
            (
                "fakturadatum",
                "bokföringsdatum",
                "bokforingsdatum",
                "datum",
                "verifikationsdatum",
                "invoicedate",
                "date",
                "paymentdate",
                "transactiondate",
                "posteddate",
                "dateposted",
            ),
        ),
        FieldSpec(
            "invoice_number",
            "Fakturanummer",
            (
                "fakturanummer",
                "fakturanr",
                "faktnr",
                "verifikationsnummer",
                "verifikationsnr",
                "vernr",
                "invoiceno",
                "invoicenumber",
                "invoiceref",
                "transactionnumber",
                "transno",
                "underlag",
            ),
        ),
        FieldSpec(
            "supplier_name",
            "Leverantör",
            (
                "leverantör",
                "leverantörsnamn",
                "leverantornamn",
                "levnamn",
                "leverantorens namn",
                "supplier",
                "suppliername",
                "vendor",
                "vendorname",
                "payee",
                "beneficiary",
            ),
        ),
        FieldSpec(
            "org_number",
            "Organisationsnummer",
            (
                "organisationsnummer",
                "organisationsnr",
                "orgnr",
                "orgnummer",
                "momsregistreringsnummer",
                "momsregnr",
                "vatnumber",
                "vatno",
                "vatregistrationnumber",
                "leverantorid",
                "leverantororgnr",
                "companynumber",
                "companyregistrationnumber",
            ),
        ),
        FieldSpec(
            "unit",
            "Enhet (ansvar/kostnadsställe)",
            (
                "ansvar",
                "kostnadsställe",
                "kostnadsstalle",
                "enhet",
                "enhetskod",
                "ansvarskod",
                "unit",
                "costcentre",
                "costcenter",
            ),
        ),
        FieldSpec(
            "department",
            "Förvaltning",
            (
                "förvaltning",
                "forvaltning",
                "förvaltningskod",
                "department",
                "directorate",
                "service",
                "servicearea",
            ),
        ),
        FieldSpec(
            "account", "Konto", ("konto", "kontonummer", "kontonr", "account", "accountcode", "expensecode")
        ),
        FieldSpec(
            "amount",
            "Belopp",
            (
                "belopp",
                "beloppexklmoms",
                "beloppexkmoms",
                "nettobelopp",
                "konteratbelopp",
                "utfall",
                "amount",
                "netamount",
                "value",
                "amountgbp",
                "total",
            ),
            required=True,
        ),
    ),
    ImportKind.CONTRACTS: (
        FieldSpec(
            "reference",
            "Avtalsnummer",
            (
                "avtalsnummer",
                "avtalsnr",
                "avtalsid",
                "diarienummer",
                "dnr",
                "reference",
                "contractid",
                "contractnumber",
            ),
            required=True,
        ),
        FieldSpec(
            "name",
            "Avtalsnamn",
            ("avtalsnamn", "benämning", "benamning", "avtal", "name", "contractname", "title"),
        ),
        FieldSpec(
            "category", "Kategori", ("avtalsområde", "avtalsomrade", "kategori", "inköpskategori", "category")
        ),
        FieldSpec(
            "supplier_name", "Leverantör", ("leverantör", "leverantörsnamn", "supplier", "suppliername")
        ),
        FieldSpec(
            "org_number",
            "Organisationsnummer",
            ("organisationsnummer", "organisationsnr", "orgnr", "momsregistreringsnummer", "vatnumber"),
        ),
        FieldSpec(
            "valid_from",
            "Giltigt från",
            ("giltigtfrån", "giltigtfran", "startdatum", "avtalsstart", "validfrom", "startdate"),
        ),
        FieldSpec(
            "valid_to", "Giltigt till", ("giltigttill", "slutdatum", "avtalsslut", "validto", "enddate")
        ),
        FieldSpec("manager_name", "Avtalsansvarig", ("avtalsansvarig", "contractmanager", "kontaktperson")),
        FieldSpec("manager_email", "E-post", ("epost", "mejl", "email", "mail")),
        FieldSpec("bid_count", "Antal anbud", ("antalanbud", "anbud", "bids", "numberofbids")),
    ),
    ImportKind.ORGANISATION: (
        FieldSpec(
            "department_code",
            "Förvaltningskod",
            ("förvaltningskod", "forvaltningskod", "departmentcode"),
            required=True,
        ),
        FieldSpec(
            "department_name",
            "Förvaltning",
            ("förvaltning", "forvaltning", "förvaltningsnamn", "department", "departmentname"),
        ),
        FieldSpec(
            "unit_code", "Enhetskod", ("enhetskod", "ansvar", "kostnadsställe", "unitcode"), required=True
        ),
        FieldSpec("unit_name", "Enhet", ("enhet", "enhetsnamn", "unit", "unitname")),
        FieldSpec(
            "contact_name", "Kontaktperson", ("kontaktperson", "namn", "contact", "contactname", "name")
        ),
        FieldSpec("role", "Roll", ("roll", "role", "befattning")),
        FieldSpec("email", "E-post", ("epost", "mejl", "email", "mail")),
        FieldSpec("phone", "Telefon", ("telefon", "tfn", "mobil", "phone", "telephone")),
    ),
    ImportKind.ACCOUNTS: (
        FieldSpec("account", "Konto", ("konto", "kontonummer", "account", "accountcode"), required=True),
        FieldSpec(
            "account_name",
            "Kontobenämning",
            ("kontobenämning", "kontobenamning", "kontonamn", "benämning", "accountname", "description"),
        ),
        FieldSpec("category", "Kategori", ("kategori", "inköpskategori", "avtalsområde", "category")),
        FieldSpec(
            "influenceable", "Påverkbar", ("påverkbar", "paverkbar", "influenceable", "påverkbarvolym")
        ),
    ),
}


def field_specs(kind: ImportKind) -> tuple[FieldSpec, ...]:
    return FIELDS[kind]


def _header_matches(header: object, spec: FieldSpec) -> int:
    """How well a header names a field: 3 exact, 2 cut-off prefix, 1 one word; 0 not."""
    folded = fold(header)
    if not folded:
        return 0
    synonyms = {fold(synonym) for synonym in spec.synonyms}
    if folded in synonyms:
        return 3
    if len(folded) >= MIN_PREFIX and any(synonym.startswith(folded) for synonym in synonyms):
        return 2
    if any(word in synonyms for word in _words(header)):
        return 1
    return 0


@dataclass
class ColumnMapping:
    """Which column (0-based) holds each field; None where the file has none."""

    kind: ImportKind
    header_row: int  # 0-based index of the header row in the sheet
    headers: list[str]
    columns: dict[str, int | None] = field(default_factory=dict)

    def missing_required(self) -> list[FieldSpec]:
        return [
            spec for spec in field_specs(self.kind) if spec.required and self.columns.get(spec.name) is None
        ]

    def as_profile(self) -> dict[str, str]:
        """Field -> header text: what a saved profile remembers, independent of column order."""
        return {name: self.headers[index] for name, index in self.columns.items() if index is not None}


def guess_mapping(kind: ImportKind, rows: Sequence[Sequence[object]]) -> ColumnMapping | None:
    """Find the header row among the first rows and map each field to its best
    column. None when no row looks like a header of this kind."""
    specs = field_specs(kind)
    best: tuple[int, int, dict[str, int | None]] | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _assign(specs, row)
        found = sum(1 for column in columns.values() if column is not None)
        required_ok = all(columns.get(spec.name) is not None for spec in specs if spec.required)
        if found >= 2 and required_ok and (best is None or found > best[1]):
            best = (index, found, columns)
    if best is None:
        return None
    index, _, columns = best
    headers = ["" if cell is None else str(cell).strip() for cell in rows[index]]
    return ColumnMapping(kind=kind, header_row=index, headers=headers, columns=columns)


def _assign(specs: Sequence[FieldSpec], row: Sequence[object]) -> dict[str, int | None]:
    """Give each field the column whose header names it best; a column serves one field."""
    candidates = sorted(
        (
            (score, -position, spec.name, position)
            for spec in specs
            for position, header in enumerate(row)
            if (score := _header_matches(header, spec))
        ),
        reverse=True,
    )
    columns: dict[str, int | None] = {spec.name: None for spec in specs}
    taken: set[int] = set()
    for _score, _order, name, position in candidates:
        if columns[name] is None and position not in taken:
            columns[name] = position
            taken.add(position)
    return columns


def apply_profile(
    kind: ImportKind, rows: Sequence[Sequence[object]], profile: dict[str, str]
) -> ColumnMapping | None:
    """Use a saved profile (field -> header text): find the row holding those
    headers and their positions in it."""
    wanted = {name: fold(header) for name, header in profile.items()}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        folded = [fold(cell) for cell in row]
        if all(header in folded for header in wanted.values()):
            columns: dict[str, int | None] = {spec.name: None for spec in field_specs(kind)}
            for name, header in wanted.items():
                columns[name] = folded.index(header)
            headers = ["" if cell is None else str(cell).strip() for cell in row]
            return ColumnMapping(kind=kind, header_row=index, headers=headers, columns=columns)
    return None
