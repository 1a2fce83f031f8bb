"""PEPPOL BIS Billing 3.0 e-invoices (UBL 2.1 Invoice and CreditNote) as plain data.

Swedish public buyers must receive e-invoices in PEPPOL BIS 3, so these files are
the most exact record of what was bought from whom, line by line. This module only
turns files into ``PeppolDocument`` values; it never touches the database, so the
import, the CLI and the tests share exactly the same reading.

The files come from outside, so reading is defensive:

* XML is parsed by defusedxml with DTDs forbidden. A DOCTYPE (and so any ENTITY,
  internal or external) is refused before anything is expanded: billion-laughs
  bombs and XXE never get a chance. A real PEPPOL document never needs a DTD.
* A zip archive is judged from its directory first (member count, declared sizes,
  their total, compression ratio) and only then is anything decompressed. Members
  are read in memory; nothing is ever extracted to disk, so odd member paths
  (``../x.xml``, absolute paths) are only labels.

Spend is never dropped silently: a seller whose org number cannot be validated
keeps its document, with ``seller_org_number=None`` and a Swedish explanation in
``seller_org_problem``. A file that cannot be read as a whole raises
``ImportRefusedError`` (Swedish message), so an import is all or nothing.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from stdnum.exceptions import InvalidChecksum

from data_access.importing.errors import ImportRefusedError
from data_access.orgnr import InvalidOrgNumber, normalise_org_number

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

_NS = {"cac": CAC_NS, "cbc": CBC_NS}
_INVOICE_TAG = f"{{{INVOICE_NS}}}Invoice"
_CREDIT_NOTE_TAG = f"{{{CREDIT_NOTE_NS}}}CreditNote"
_DOCUMENT_TAGS = frozenset({_INVOICE_TAG, _CREDIT_NOTE_TAG})

# UNTDID 1001 codes BIS 3 lists for credit notes. An <Invoice> carrying one of
# them (in practice 381) is a credit note in an invoice's clothes: its amounts are
# money back, so it is signed like a <CreditNote>.
CREDIT_NOTE_TYPE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "325", "381", "396", "420", "458", "532"}
)

# ISO 6523 ICD for the Swedish organisationsnummer (Bolagsverket).
SWEDISH_ORG_SCHEME = "0007"

# A member that inflates more than this is treated as a zip bomb; real invoice XML
# compresses some 5-30 times.
MAX_COMPRESSION_RATIO = 200

DocumentKind = Literal["invoice", "credit_note"]

_CENT = Decimal("0.01")
# xsd:decimal as BIS 3 writes amounts: no exponent, no thousands separator, ASCII
# digits only (Decimal() alone would also accept "NaN", "1e9" and Arabic digits).
_XSD_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# xsd:date may carry a time zone; the calendar day is what we keep.
_XSD_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:Z|[+-][0-9]{2}:[0-9]{2})?")
# PartyTaxScheme/CompanyID also holds free text ("Godkänd för F-skatt"); only a
# Swedish VAT-number shape is worth trying as an org number.
_SWEDISH_VAT_SHAPE = re.compile(r"SE[0-9\s\-]{8,}", re.IGNORECASE)
_UTF8_BOM = b"\xef\xbb\xbf"
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


@dataclass(frozen=True, slots=True)
class PeppolLine:
    """One invoice or credit-note line, signed as spend: credits are negative,
    so summing lines across documents gives the net spend directly."""

    line_id: str
    amount: Decimal
    accounting_cost: str | None
    description: str | None


@dataclass(frozen=True, slots=True)
class PeppolDocument:
    """One e-invoice or credit note, reduced to what contract fidelity needs:
    who sold, to which buyer reference and contract, for how much per line."""

    source_name: str
    kind: DocumentKind
    invoice_number: str
    issue_date: date
    currency: str
    seller_name: str | None
    seller_org_number: str | None
    seller_org_problem: str | None
    buyer_reference: str | None
    contract_reference: str | None
    accounting_cost: str | None
    lines: tuple[PeppolLine, ...]

    @property
    def total(self) -> Decimal:
        """Sum of the signed line amounts, excluding VAT.

        Lines, not the document's payable amount, because spend is attributed
        per line (accounting cost, description). Document-level allowances and
        charges are therefore not included; BIS 3 keeps them out of the line
        total (LegalMonetaryTotal/LineExtensionAmount) too.
        """
        return sum((line.amount for line in self.lines), Decimal("0.00"))


def parse_peppol_xml(data: bytes, source_name: str) -> list[PeppolDocument]:
    """Every UBL 2.1 Invoice and CreditNote in one XML file, in document order.

    The documents may sit anywhere in the tree (e.g. several inside a validator's
    ``testSet`` wrapper), so the whole tree is searched rather than only the root.
    """
    root = _parse_xml(data, source_name)
    elements = list(_document_elements(root))
    if not elements:
        raise ImportRefusedError(_not_ubl_message(root, source_name))
    return [_read_document(element, source_name, position) for position, element in enumerate(elements, 1)]


def read_peppol_files(
    name: str,
    data: bytes,
    *,
    max_files: int = 10_000,
    max_total_uncompressed: int = 500 * 1024**2,
) -> list[PeppolDocument]:
    """Documents from one uploaded file: a single ``.xml`` or a ``.zip`` of them.

    A zip is recognised by its name or its signature, whichever says so, because
    uploads are often renamed. In a zip only ``.xml`` members are read (macOS
    metadata is skipped); one unreadable member refuses the whole upload, so
    nothing is half-imported.
    """
    if not data:
        raise ImportRefusedError(f"{name}: filen är tom.")
    if name.lower().endswith(".zip") or data.startswith(_ZIP_SIGNATURES):
        return _read_zip(name, data, max_files=max_files, max_total_uncompressed=max_total_uncompressed)
    if len(data) > max_total_uncompressed:
        raise ImportRefusedError(
            f"{name}: filen är {_size(len(data))}, mer än gränsen {_size(max_total_uncompressed)}."
        )
    return parse_peppol_xml(data, name)


# --- XML --------------------------------------------------------------------------------------


def _parse_xml(data: bytes, source_name: str) -> Element:
    """Parse with every entity feature off; refuse rather than expand."""
    if not data.removeprefix(_UTF8_BOM).strip():
        raise ImportRefusedError(f"{source_name}: filen är tom.")
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise ImportRefusedError(
            f"{source_name}: filen innehåller en DOCTYPE- eller ENTITY-deklaration och tas inte emot. "
            "Sådana kan användas för att överbelasta servern eller läsa filer på den, och en "
            "PEPPOL-faktura behöver dem aldrig."
        ) from error
    except ParseError as error:
        line, column = error.position
        raise ImportRefusedError(
            f"{source_name}: filen är inte giltig XML (fel på rad {line}, kolumn {column})."
        ) from error
    except LookupError as error:  # <?xml encoding="..."?> names an encoding Python lacks
        raise ImportRefusedError(f"{source_name}: filen anger en okänd teckenkodning ({error}).") from error


def _document_elements(root: Element) -> Iterator[Element]:
    """Invoice/CreditNote elements in document order, not looking inside one.

    Iterative, so a deeply nested (hostile) file cannot exhaust the call stack.
    """
    stack = [root]
    while stack:
        element = stack.pop()
        if element.tag in _DOCUMENT_TAGS:
            yield element
            continue
        stack.extend(reversed(element))


def _split_tag(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _not_ubl_message(root: Element, source_name: str) -> str:
    """Say what the file is instead, so the user knows what to ask the sender for."""
    wanted = "bara PEPPOL BIS Billing 3 (UBL 2.1 Invoice/CreditNote) kan läsas in"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        namespace, local = _split_tag(element.tag)
        if local in ("Invoice", "CreditNote"):
            if "sfti" in namespace.lower():
                return f"{source_name}: Svefaktura 1.0 ({namespace}) stöds inte; {wanted}."
            return (
                f"{source_name}: elementet <{local}> har namnrymden '{namespace or '(ingen)'}', "
                f"inte UBL 2.1; {wanted}."
            )
    _, root_local = _split_tag(root.tag)
    return (
        f"{source_name}: filen är inte en faktura eller kreditnota "
        f"utan ett <{root_local}>-dokument; {wanted}."
    )


def _text(element: Element | None, path: str) -> str | None:
    """Stripped text of the first match of ``path``; None when absent or blank."""
    if element is None:
        return None
    found = element.find(path, _NS)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _collapsed(text: str | None) -> str | None:
    """Names and descriptions for display: pretty-printed XML may wrap them."""
    return " ".join(text.split()) if text else None


# --- one document ------------------------------------------------------------------------------


def _read_document(element: Element, source_name: str, position: int) -> PeppolDocument:
    is_credit_note_element = element.tag == _CREDIT_NOTE_TAG
    type_code = _text(element, "cbc:CreditNoteTypeCode" if is_credit_note_element else "cbc:InvoiceTypeCode")
    kind: DocumentKind = (
        "credit_note" if is_credit_note_element or type_code in CREDIT_NOTE_TYPE_CODES else "invoice"
    )
    kind_sv = "kreditnota" if kind == "credit_note" else "faktura"

    invoice_number = _text(element, "cbc:ID")
    if invoice_number is None:
        raise ImportRefusedError(
            f"{source_name}: dokument {position} i filen ({kind_sv}) saknar fakturanummer (cbc:ID)."
        )
    where = f"{source_name}: {kind_sv} {invoice_number}"

    issue_text = _text(element, "cbc:IssueDate")
    if issue_text is None:
        raise ImportRefusedError(f"{where} saknar fakturadatum (cbc:IssueDate).")
    issue_date = _parse_date(issue_text)
    if issue_date is None:
        raise ImportRefusedError(f"{where} har ett ogiltigt fakturadatum '{issue_text}' (väntat ÅÅÅÅ-MM-DD).")

    line_path = "cac:CreditNoteLine" if is_credit_note_element else "cac:InvoiceLine"
    line_elements = element.findall(line_path, _NS)
    currency = _currency(element, line_elements)
    if currency is None:
        raise ImportRefusedError(f"{where} saknar valuta (cbc:DocumentCurrencyCode).")

    document_cost = _text(element, "cbc:AccountingCost")
    sign = -1 if kind == "credit_note" else 1
    lines = tuple(
        _read_line(line, index, sign, document_cost, where) for index, line in enumerate(line_elements, 1)
    )

    party = element.find("cac:AccountingSupplierParty/cac:Party", _NS)
    seller_name = _text(party, "cac:PartyLegalEntity/cbc:RegistrationName") or _text(
        party, "cac:PartyName/cbc:Name"
    )
    org_number, org_problem = _seller_org_number(party)

    return PeppolDocument(
        source_name=source_name,
        kind=kind,
        invoice_number=invoice_number,
        issue_date=issue_date,
        currency=currency,
        seller_name=_collapsed(seller_name),
        seller_org_number=org_number,
        seller_org_problem=org_problem,
        buyer_reference=_text(element, "cbc:BuyerReference"),
        contract_reference=_text(element, "cac:ContractDocumentReference/cbc:ID"),
        accounting_cost=document_cost,
        lines=lines,
    )


def _parse_date(text: str) -> date | None:
    match = _XSD_DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _currency(element: Element, line_elements: list[Element]) -> str | None:
    """DocumentCurrencyCode; else the currencyID every BIS 3 amount must carry.

    The fallback keeps a document whose header omits the code but whose
    amounts still say which currency they are in.
    """
    code = _text(element, "cbc:DocumentCurrencyCode")
    if code is None:
        for line in line_elements:
            amount = line.find("cbc:LineExtensionAmount", _NS)
            if amount is not None and (amount.get("currencyID") or "").strip():
                code = amount.get("currencyID", "").strip()
                break
    return code.upper() if code else None


def _read_line(line: Element, index: int, sign: int, document_cost: str | None, where: str) -> PeppolLine:
    # BIS 3 requires a line ID; its position still finds the line if it is missing.
    line_id = _text(line, "cbc:ID") or str(index)
    amount_text = _text(line, "cbc:LineExtensionAmount")
    if amount_text is None:
        raise ImportRefusedError(f"{where}, rad {line_id}: radbelopp saknas (cbc:LineExtensionAmount).")
    amount = _parse_amount(amount_text)
    if amount is None:
        raise ImportRefusedError(f"{where}, rad {line_id}: beloppet '{amount_text}' är inte ett belopp.")
    signed = amount * sign
    return PeppolLine(
        line_id=line_id,
        amount=signed if signed else Decimal("0.00"),  # no "-0.00" from negating a zero line
        accounting_cost=_text(line, "cbc:AccountingCost") or document_cost,
        description=_collapsed(_text(line, "cac:Item/cbc:Name") or _text(line, "cac:Item/cbc:Description")),
    )


def _parse_amount(text: str) -> Decimal | None:
    """Exact öre: BIS 3 allows at most two decimals, so rounding only touches
    files that break that rule, and then half up as Swedish accounting does."""
    if not _XSD_DECIMAL.fullmatch(text):
        return None
    try:
        return Decimal(text).quantize(_CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than Decimal's context holds
        return None


# --- seller org number -------------------------------------------------------------------------


def _seller_org_number(party: Element | None) -> tuple[str | None, str | None]:
    """(10-digit org number, None) or (None, why not, in Swedish).

    The legal-entity CompanyID is the registered number and is tried first; a
    Swedish VAT number (``SE`` + org number + ``01``) in PartyTaxScheme is the
    fallback. When both fail, every reason is kept so the user can fix the
    supplier by hand.
    """
    if party is None:
        return None, "säljaren saknas i dokumentet (cac:AccountingSupplierParty)"
    country_code = _text(party, "cac:PostalAddress/cac:Country/cbc:IdentificationCode")
    country = country_code.upper() if country_code else None
    problems: list[str] = []

    legal = party.find("cac:PartyLegalEntity/cbc:CompanyID", _NS)
    legal_text = (legal.text or "").strip() if legal is not None else ""
    if legal is not None and legal_text:
        scheme = (legal.get("schemeID") or "").strip() or None
        number, problem = _legal_org_number(legal_text, scheme, country)
        if number is not None:
            return number, None
        problems.append(problem)

    for tax_scheme in party.findall("cac:PartyTaxScheme", _NS):
        vat_text = _text(tax_scheme, "cbc:CompanyID")
        if vat_text is None or not _SWEDISH_VAT_SHAPE.fullmatch(vat_text):
            continue
        try:
            return normalise_org_number(vat_text), None
        except InvalidOrgNumber as error:
            if isinstance(error.__cause__, InvalidChecksum):
                problems.append(f"fel kontrollsiffra i momsregistreringsnummer {vat_text}")
            else:
                problems.append(
                    f"momsregistreringsnummer {vat_text} har fel form (väntat SE + 10 siffror + 01)"
                )

    if not problems:
        problems.append(
            "organisationsnummer saknas (varken PartyLegalEntity/CompanyID "
            "eller ett svenskt momsregistreringsnummer finns)"
        )
    return None, "; ".join(problems)


def _legal_org_number(text: str, scheme: str | None, country: str | None) -> tuple[str | None, str]:
    """Only scheme 0007, or no scheme from a seller in Sweden (or of unknown
    country), is read as Swedish: a foreign number that happens to be ten
    Luhn-valid digits must not be matched to a Swedish supplier."""
    if scheme is not None and scheme != SWEDISH_ORG_SCHEME:
        if country in (None, "SE"):
            return None, (
                f"organisationsnummer {text} har identifierarschema {scheme}, "
                f"inte {SWEDISH_ORG_SCHEME} (svenskt organisationsnummer)"
            )
        return None, f"utländskt organisationsnummer {text} (identifierarschema {scheme}, land {country})"
    if scheme is None and country not in (None, "SE"):
        return None, f"utländskt organisationsnummer {text} (säljarens land {country})"
    try:
        return normalise_org_number(text), ""
    except InvalidOrgNumber as error:
        if isinstance(error.__cause__, InvalidChecksum):
            return None, f"fel kontrollsiffra i organisationsnummer {text}"
        return None, f"organisationsnummer {text} är inte ett svenskt organisationsnummer (10 siffror)"


# --- zip ---------------------------------------------------------------------------------------


def _read_zip(name: str, data: bytes, *, max_files: int, max_total_uncompressed: int) -> list[PeppolDocument]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as error:
        raise ImportRefusedError(f"{name}: filen är inte en giltig zip-fil.") from error
    with archive:
        members = [info for info in archive.infolist() if _is_xml_member(info)]
        if not members:
            raise ImportRefusedError(f"{name}: zip-filen innehåller inga XML-filer.")
        if len(members) > max_files:
            raise ImportRefusedError(
                f"{name}: zip-filen innehåller {len(members)} XML-filer; "
                f"högst {max_files} tas emot åt gången."
            )
        # Everything below is decided from the zip directory, before any byte is inflated.
        total = 0
        for info in members:
            _check_member(name, info, max_total_uncompressed)
            total += info.file_size
        if total > max_total_uncompressed:
            raise ImportRefusedError(
                f"{name}: XML-filerna i zip-filen blir {_size(total)} uppackade, mer än gränsen "
                f"{_size(max_total_uncompressed)}. Dela upp filen i mindre delar."
            )
        documents: list[PeppolDocument] = []
        for info in members:
            source = f"{name}/{_printable(info.filename)}"
            documents.extend(parse_peppol_xml(_read_member(archive, info, source), source))
    return documents


def _is_xml_member(info: zipfile.ZipInfo) -> bool:
    """XML files only; macOS adds ``__MACOSX/`` and ``._name.xml`` resource forks
    that look like XML by name but are binary."""
    if info.is_dir() or not info.filename.lower().endswith(".xml"):
        return False
    parts = info.filename.replace("\\", "/").split("/")
    return "__MACOSX" not in parts and not parts[-1].startswith("._")


def _check_member(name: str, info: zipfile.ZipInfo, max_total_uncompressed: int) -> None:
    member = f"{name}/{_printable(info.filename)}"
    if info.flag_bits & 0x1:
        raise ImportRefusedError(f"{member}: filen är lösenordsskyddad och kan inte läsas.")
    if info.file_size > max_total_uncompressed:
        raise ImportRefusedError(
            f"{member}: blir {_size(info.file_size)} uppackad, mer än gränsen "
            f"{_size(max_total_uncompressed)}. Zip-filen tas inte emot (möjlig zip-bomb)."
        )
    if info.file_size and (
        info.compress_size == 0 or info.file_size / info.compress_size > MAX_COMPRESSION_RATIO
    ):
        raise ImportRefusedError(
            f"{member}: packas upp mer än {MAX_COMPRESSION_RATIO} gånger sin komprimerade storlek. "
            "Zip-filen tas inte emot (möjlig zip-bomb)."
        )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> bytes:
    """Inflate one member, never past its declared size (which was checked)."""
    try:
        with archive.open(info) as member:
            content = member.read(info.file_size + 1)
    except (
        zipfile.BadZipFile,
        zlib.error,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
        ValueError,  # a member's offset pointing before the file (a negative seek)
    ) as error:
        raise ImportRefusedError(f"{source}: filen kunde inte packas upp ur zip-filen (skadad).") from error
    if len(content) > info.file_size:
        raise ImportRefusedError(f"{source}: filen är större än zip-filen anger och tas inte emot.")
    return content


def _printable(text: str) -> str:
    """Member names end up in messages and source names; keep control characters out."""
    return "".join(char if char.isprintable() else "?" for char in text)


def _size(size: int) -> str:
    """Sizes as Swedish readers write them: ``1,5 MB``."""
    if size >= 1024**2:
        return f"{size / 1024**2:.1f} MB".replace(".", ",")
    if size >= 1024:
        return f"{size / 1024:.1f} kB".replace(".", ",")
    return f"{size} byte"
