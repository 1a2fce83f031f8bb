"""Recognising columns by their header: synonyms per import kind, header-row
detection below title rows, and the mapping users can correct and save.

Headers are compared after folding case, accents and punctuation, so
``Org.nr``, ``ORGNR`` and ``org_nr`` are the same header; a header cut short
by the export (Örebro's ``ORGANISATIO``) still matches the synonym it begins,
and a composite header (``RN1/FÖRVALTNING``) matches through one of its words.
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

HEADER_SEARCH_ROWS = 40  # title rows above the header in real exports: a handful
MIN_PREFIX = 6  # a cut-off header must keep this many characters to match
# A header cell longer than this names no column (the longest synonym has 25
# characters, a composite header such as "RN1/FÖRVALTNING" a few dozen). Such a
# cell is not folded at all: folding one 10 MB cell took seconds, and guessing
# looks at every cell of the first rows.
MAX_HEADER_CHARS = 200


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


def _words(text: str) -> list[str]:
    return [word for word in map(fold, re.split(r"[^\w]+", text)) if word]


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


@dataclass(frozen=True)
class _SynonymIndex:
    """One kind's synonyms, folded once, as lookups: a header is then scored
    against every field with a few dict lookups instead of folding each
    field's synonyms again for every cell (guessing a 5,000-column CSV called
    fold() 11 million times)."""

    exact: dict[str, tuple[str, ...]]  # folded synonym -> the fields it names
    prefixes: dict[str, tuple[str, ...]]  # every start of a folded synonym, MIN_PREFIX long or more


@functools.cache
def _synonym_index(specs: tuple[FieldSpec, ...]) -> _SynonymIndex:
    exact: dict[str, list[str]] = {}
    prefixes: dict[str, list[str]] = {}
    for spec in specs:
        for synonym in {fold(synonym) for synonym in spec.synonyms}:
            exact.setdefault(synonym, []).append(spec.name)
            for end in range(MIN_PREFIX, len(synonym) + 1):
                names = prefixes.setdefault(synonym[:end], [])
                if spec.name not in names:
                    names.append(spec.name)
    return _SynonymIndex(
        exact={key: tuple(names) for key, names in exact.items()},
        prefixes={key: tuple(names) for key, names in prefixes.items()},
    )


def _header_scores(header: object, index: _SynonymIndex) -> dict[str, int]:
    """How well a header names each field: 3 exact, 2 cut-off prefix, 1 one
    word (the best that applies); fields it does not name are left out."""
    text = str(header or "")
    if len(text) > MAX_HEADER_CHARS:
        return {}
    folded = fold(text)
    if not folded:
        return {}
    scores: dict[str, int] = {}
    for word in _words(text):
        for name in index.exact.get(word, ()):
            scores[name] = 1
    if len(folded) >= MIN_PREFIX:
        for name in index.prefixes.get(folded, ()):
            scores[name] = 2
    for name in index.exact.get(folded, ()):
        scores[name] = 3
    return scores


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
    index = _synonym_index(tuple(specs))
    candidates = sorted(
        (
            (score, -position, name, position)
            for position, header in enumerate(row)
            for name, score in _header_scores(header, index).items()
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
    # A cell longer than every saved header cannot be one of them (a profile
    # keeps the header text as it stood in the file); it is not folded.
    longest = max([MAX_HEADER_CHARS, *(len(header) for header in profile.values())])
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        folded = [_fold_up_to(cell, longest) for cell in row]
        if all(header in folded for header in wanted.values()):
            columns: dict[str, int | None] = {spec.name: None for spec in field_specs(kind)}
            for name, header in wanted.items():
                columns[name] = folded.index(header)
            headers = ["" if cell is None else str(cell).strip() for cell in row]
            return ColumnMapping(kind=kind, header_row=index, headers=headers, columns=columns)
    return None


def _fold_up_to(cell: object, longest: int) -> str | None:
    """fold(cell), or None (equal to no header) when its text is longer than ``longest``."""
    text = str(cell or "")
    if len(text) > longest and len(text.strip()) > longest:
        return None
    return fold(text)
