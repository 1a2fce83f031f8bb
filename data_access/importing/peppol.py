"""PEPPOL BIS Billing 3.0 e-invoices (UBL 2.1 Invoice and CreditNote) as plain data.

Swedish public buyers must receive e-invoices in PEPPOL BIS 3, so these files are
the most exact record of what was bought from whom, line by line. This module only
turns files into ``PeppolDocument`` values; it never touches the database, so the
import, the CLI and the tests share exactly the same reading.

The files come from outside, so reading is defensive, and what it costs is
bounded by :class:`PeppolLimits`, not by what a file claims:

* XML is parsed by defusedxml with DTDs forbidden. A DOCTYPE (and so any ENTITY,
  internal or external) is refused before anything is expanded: billion-laughs
  bombs and XXE never get a chance. A real PEPPOL document never needs a DTD.
* XML is parsed incrementally, from expat's callbacks: only the document's
  header children and one invoice line at a time are ever built as elements,
  each line read into a small record as soon as it is complete; everything else
  (attachments, tax totals, wrappers) is parsed and forgotten. Memory follows
  the documents read, not the file. A file over the per-document size, or with
  more elements or deeper nesting than any invoice has, is refused as soon as
  that is known (a 60 MB file of 4 million elements took 1.8 GB and 50 s before).
* A zip archive is opened through :mod:`data_access.importing.archives`, as a
  workbook is: judged from its directory first (the number of entries of any
  kind, declared sizes, their total, compression ratio) and only then is
  anything decompressed. Members are inflated as they are parsed, never held
  whole, never past what they declare and never extracted to disk, so odd
  member paths (``../x.xml``, absolute paths) are only labels.

Spend is never dropped silently: a seller whose org number cannot be validated
keeps its document, with ``seller_org_number=None`` and a Swedish explanation in
``seller_org_problem``. A file that cannot be read as a whole raises
``ImportRefusedError`` (Swedish message), so an import is all or nothing.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO, Literal
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from stdnum.exceptions import InvalidChecksum

from data_access.core.lengths import count_text
from data_access.core.orgnr import InvalidOrgNumber, normalise_org_number
from data_access.importing.archives import (
    DEFAULT_ARCHIVE_LIMITS,
    ZIP_ERRORS,
    ArchiveLimits,
    check_declared_total,
    compresses_too_well,
    open_member,
    open_zip,
    printable,
    ratio_message,
    size_text,
)
from data_access.importing.errors import ImportRefusedError

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

_PREFIXES = {"cac": CAC_NS, "cbc": CBC_NS}
_INVOICE_TAG = f"{{{INVOICE_NS}}}Invoice"
_CREDIT_NOTE_TAG = f"{{{CREDIT_NOTE_NS}}}CreditNote"
_DOCUMENT_TAGS = frozenset({_INVOICE_TAG, _CREDIT_NOTE_TAG})
_INVOICE_LINE_TAG = f"{{{CAC_NS}}}InvoiceLine"
_CREDIT_NOTE_LINE_TAG = f"{{{CAC_NS}}}CreditNoteLine"
# The document's own children that reading uses, each through its first
# occurrence (``find``); every other child is dropped as soon as it is complete.
_HEADER_TAGS = frozenset(
    f"{{{CBC_NS}}}{name}"
    for name in (
        "ID",
        "IssueDate",
        "InvoiceTypeCode",
        "CreditNoteTypeCode",
        "DocumentCurrencyCode",
        "AccountingCost",
        "BuyerReference",
    )
)
# Children read through a child of theirs (ContractDocumentReference/ID,
# AccountingSupplierParty/Party): the first one that has it is kept.
_NESTED_HEADER_TAGS = {
    f"{{{CAC_NS}}}ContractDocumentReference": f"{{{CBC_NS}}}ID",
    f"{{{CAC_NS}}}AccountingSupplierParty": f"{{{CAC_NS}}}Party",
}

# UNTDID 1001 codes BIS 3 lists for credit notes. An <Invoice> carrying one of
# them (in practice 381) is a credit note in an invoice's clothes: its amounts are
# money back, so it is signed like a <CreditNote>.
CREDIT_NOTE_TYPE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "325", "381", "396", "420", "458", "532"}
)

# ISO 6523 ICD for the Swedish organisationsnummer (Bolagsverket).
SWEDISH_ORG_SCHEME = "0007"

_MB = 1024**2


@dataclass(frozen=True)
class PeppolLimits:
    """Upper bounds that keep one e-invoice upload from exhausting the server.

    Real PEPPOL invoices are a few kB to a few hundred kB (the OpenPEPPOL
    samples: 5-19 kB, 100-330 elements, nesting 6-8 deep; one fully described
    line is some 35 elements and 2 kB), so an invoice with 10,000 lines is
    about 20 MB and 350,000 elements. Each limit leaves room for that:

    ``max_upload_bytes``: the file as uploaded, a single .xml or a .zip; the
    CLI compares it with the file's size before reading it.

    ``max_document_bytes``: one XML file, alone or inflated from a zip (an
    invoice with 25,000 lines, or a few with a PDF attached); refused before
    parsing when the size is known, else as soon as it is passed.

    ``max_elements``, ``max_depth``: XML elements in one file and how deep they
    nest. A file of tiny elements is mostly overhead to parse (4 million of
    them fit in 60 MB); these refuse it after a second, not after a minute.

    ``max_total_bytes``, ``max_total_elements``: all XML in one upload, which
    bounds the time a zip of many invoices takes (1-4 s per million elements
    on a 2-core server: more for the lines that are read, less for what is
    skipped) and the documents kept for the import (about 350 bytes a line).

    ``archive``: what every zip from outside is held to (its entries of any
    kind, how well its members compress), shared with the workbook reader:
    see :class:`~data_access.importing.archives.ArchiveLimits`. Invoice XML
    compresses 4-7 times (the OpenPEPPOL samples).
    """

    max_upload_bytes: int = 200 * _MB
    max_document_bytes: int = 50 * _MB
    max_elements: int = 1_000_000
    max_depth: int = 64
    max_total_bytes: int = 200 * _MB
    max_total_elements: int = 5_000_000
    archive: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS


DEFAULT_LIMITS = PeppolLimits()

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


def parse_peppol_xml(
    data: bytes, source_name: str, *, limits: PeppolLimits = DEFAULT_LIMITS
) -> list[PeppolDocument]:
    """Every UBL 2.1 Invoice and CreditNote in one XML file, in document order.

    The documents may sit anywhere in the tree (e.g. several inside a validator's
    ``testSet`` wrapper), so the whole tree is searched rather than only the root.
    """
    _check_document_size(source_name, len(data), limits)
    return _parse_stream(io.BytesIO(data), source_name, limits, _Budget())


def read_peppol_files(
    name: str, data: bytes, *, limits: PeppolLimits = DEFAULT_LIMITS
) -> list[PeppolDocument]:
    """Documents from one uploaded file: a single ``.xml`` or a ``.zip`` of them.

    A zip is recognised by its name or its signature, whichever says so, because
    uploads are often renamed. In a zip only ``.xml`` members are read (macOS
    metadata is skipped); one unreadable member refuses the whole upload, so
    nothing is half-imported.
    """
    if not data:
        raise ImportRefusedError(f"{name}: filen är tom.")
    is_zip = _is_zip(name, data[:4])
    check_upload_size(name, len(data), is_zip=is_zip, limits=limits)
    if is_zip:
        return _read_zip(name, data, limits)
    return parse_peppol_xml(data, name, limits=limits)


def read_upload(path: Path, *, limits: PeppolLimits = DEFAULT_LIMITS) -> bytes:
    """The bytes of an e-invoice file on disk, refused by its size before any
    of it is read (for the CLI; the page gets the upload's bytes)."""
    size = path.stat().st_size
    if size == 0:
        raise ImportRefusedError(f"{path.name}: filen är tom.")
    with path.open("rb") as handle:
        head = handle.read(4)
    check_upload_size(path.name, size, is_zip=_is_zip(path.name, head), limits=limits)
    return path.read_bytes()


def check_upload_size(name: str, size: int, *, is_zip: bool, limits: PeppolLimits = DEFAULT_LIMITS) -> None:
    """Refuse an upload larger than a zip (or a single XML document) may be."""
    if is_zip and size > limits.max_upload_bytes:
        raise ImportRefusedError(
            f"{name}: filen är {size_text(size)}; en zip-fil med e-fakturor får vara högst "
            f"{size_text(limits.max_upload_bytes)}. Dela upp den i mindre delar. Inget importerades."
        )
    if not is_zip:
        _check_document_size(name, size, limits)


def _is_zip(name: str, head: bytes) -> bool:
    return name.lower().endswith(".zip") or head.startswith(_ZIP_SIGNATURES)


def _check_document_size(source_name: str, size: int, limits: PeppolLimits) -> None:
    if size > limits.max_document_bytes:
        raise ImportRefusedError(_document_size_message(source_name, size, limits))


def _document_size_message(source_name: str, size: int | None, limits: PeppolLimits) -> str:
    actual = f"är {size_text(size)}" if size is not None else "är större än så"
    most = size_text(limits.max_document_bytes)
    return (
        f"{source_name}: en e-faktura får vara högst {most} och filen {actual} "
        "(en faktura med tusentals rader brukar vara några MB). Inget importerades."
    )


# --- XML --------------------------------------------------------------------------------------


@dataclass
class _Budget:
    """The XML elements one upload has parsed so far, over all its files."""

    elements: int = 0


_READ_BYTES = 64 * 1024


class _LimitedReader:
    """The XML bytes as the parser pulls them: refuses a document over the size
    limit as soon as it is passed (a zip member is also refused as soon as it
    passes its declared size, by its stream), notes whether anything but
    whitespace came, and turns a zip member that cannot be inflated into a
    refusal."""

    def __init__(self, stream: BinaryIO, source_name: str, limits: PeppolLimits, *, from_zip: bool) -> None:
        self._stream = stream
        self._source_name = source_name
        self._limits = limits
        self._from_zip = from_zip
        self.size = 0
        self.has_content = False

    def read(self) -> bytes:
        try:
            chunk = self._stream.read(_READ_BYTES)
        except ZIP_ERRORS as error:
            if not self._from_zip:
                raise
            raise ImportRefusedError(_unreadable_member_message(self._source_name)) from error
        if not self.has_content:
            self.has_content = bool((chunk.removeprefix(_UTF8_BOM) if self.size == 0 else chunk).strip())
        self.size += len(chunk)
        if self.size > self._limits.max_document_bytes:
            raise ImportRefusedError(_document_size_message(self._source_name, None, self._limits))
        return chunk


def _unreadable_member_message(source_name: str) -> str:
    return f"{source_name}: filen kunde inte packas upp ur zip-filen (skadad)."


@dataclass(slots=True)
class _RawLine:
    """An invoice line's text as found, before the document's header (which
    may come after it in a careless file) says how to read it."""

    line_id: str | None
    amount_text: str | None
    currency_id: str | None
    accounting_cost: str | None
    description: str | None


def _raw_line(line: Element) -> _RawLine:
    amount = line.find(_qualified("cbc:LineExtensionAmount"))
    currency_id = (amount.get("currencyID") or "").strip() if amount is not None else ""
    return _RawLine(
        line_id=_text(line, "cbc:ID"),
        amount_text=_text(line, "cbc:LineExtensionAmount"),
        currency_id=currency_id or None,
        accounting_cost=_text(line, "cbc:AccountingCost"),
        description=_collapsed(_text(line, "cac:Item/cbc:Name") or _text(line, "cac:Item/cbc:Description")),
    )


@dataclass
class _OpenDocument:
    """An Invoice or CreditNote being parsed: the header children reading uses
    (the first of each) and its lines, already read into records."""

    tag: str
    depth: int  # of the document element; its children are one deeper
    lines: list[_RawLine] = field(default_factory=list)
    header: dict[str, Element] = field(default_factory=dict)

    @property
    def line_tag(self) -> str:
        return _CREDIT_NOTE_LINE_TAG if self.tag == _CREDIT_NOTE_TAG else _INVOICE_LINE_TAG

    def wants(self, tag: str) -> bool:
        """Whether a child with this tag is built at all: a line, or a header
        child not yet found. Everything else is parsed and forgotten."""
        return tag == self.line_tag or (
            tag not in self.header and (tag in _HEADER_TAGS or tag in _NESTED_HEADER_TAGS)
        )

    def child_done(self, child: Element) -> None:
        if child.tag == self.line_tag:
            self.lines.append(_raw_line(child))
        elif child.tag in _HEADER_TAGS or child.find(_NESTED_HEADER_TAGS[child.tag]) is not None:
            self.header[child.tag] = child

    def header_element(self) -> Element:
        """The document with only its header children, for ``find``."""
        element = Element(self.tag)
        element.extend(self.header.values())
        return element


class _Discard:
    """A parser target that builds nothing (the reader's handlers do the work)."""

    def close(self) -> None:
        return None


class _XmlReader:
    """Reads the documents of one XML file from expat's callbacks.

    Only the children of a document that reading uses are built as elements
    (by a C TreeBuilder, one child at a time): each line is read into a
    record as soon as it is complete and then dropped, the header children are
    kept, and everything else (attachments, tax totals, wrappers) is parsed
    and forgotten. The element, depth and size limits are checked as the
    parser goes.
    """

    def __init__(self, source_name: str, limits: PeppolLimits, budget: _Budget) -> None:
        self.source_name = source_name
        self.limits = limits
        self.budget = budget
        self.documents: list[PeppolDocument] = []
        self.root_tag: str | None = None
        self.misnamed: tuple[str, str] | None = None  # the first Invoice/CreditNote outside UBL 2.1
        self._elements = 0
        self._depth = 0
        self._document: _OpenDocument | None = None
        self._builder: TreeBuilder | None = None  # building a child of the document
        self._tags: dict[str, str] = {}  # expat's "uri}local" -> ElementTree's "{uri}local"

    def _tag(self, name: str) -> str:
        tag = self._tags.get(name)
        if tag is None:
            tag = self._tags[name] = "{" + name if "}" in name else name
        return tag

    def start(self, name: str, attributes: list[str]) -> None:
        self._elements += 1
        self.budget.elements += 1
        if self._elements > self.limits.max_elements or self.budget.elements > self.limits.max_total_elements:
            raise ImportRefusedError(
                _element_count_message(self.source_name, self._elements, self.budget, self.limits)
            )
        self._depth += 1
        if self._depth > self.limits.max_depth:
            raise ImportRefusedError(
                f"{self.source_name}: XML-elementen ligger mer än {self.limits.max_depth} nivåer djupt; "
                "en e-faktura har under tio. Inget importerades."
            )
        tag = self._tag(name)
        if self._builder is not None:
            self._builder.start(tag, self._attributes(attributes) if attributes else {})
        elif self._document is None:
            if self.root_tag is None:
                self.root_tag = tag
            if tag in _DOCUMENT_TAGS:
                self._document = _OpenDocument(tag, self._depth)
            elif self.misnamed is None:
                namespace, local = _split_tag(tag)
                if local in ("Invoice", "CreditNote"):
                    self.misnamed = (namespace, local)
        elif self._depth == self._document.depth + 1 and self._document.wants(tag):
            self._builder = TreeBuilder()
            self._builder.start(tag, self._attributes(attributes) if attributes else {})

    def _attributes(self, attributes: list[str]) -> dict[str, str]:
        # expat gives [name, value, name, value, ...] (ordered_attributes).
        return {self._tag(attributes[i]): attributes[i + 1] for i in range(0, len(attributes), 2)}

    def end(self, name: str) -> None:
        document = self._document
        if self._builder is not None:
            assert document is not None
            self._builder.end(self._tag(name))
            if self._depth == document.depth + 1:
                document.child_done(self._builder.close())
                self._builder = None
        elif document is not None and self._depth == document.depth:
            self.documents.append(_read_document(document, self.source_name, len(self.documents) + 1))
            self._document = None
        self._depth -= 1

    def data(self, text: str) -> None:
        if self._builder is not None:
            self._builder.data(text)


def _parse_stream(
    stream: BinaryIO, source_name: str, limits: PeppolLimits, budget: _Budget, *, from_zip: bool = False
) -> list[PeppolDocument]:
    """Parse one XML file incrementally (see the module docstring) and read
    its documents; refuse it with a Swedish message when it is not one.

    defusedxml builds the expat parser and installs its refusals of DTDs,
    entity declarations and external references; only the element and text
    callbacks are the reader's own, replacing the pure-Python XMLParser's,
    which would build (and double the cost of) a tree nobody reads.
    """
    reader = _LimitedReader(stream, source_name, limits, from_zip=from_zip)
    documents = _XmlReader(source_name, limits, budget)
    parser = DefusedXMLParser(target=_Discard(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.parser.StartElementHandler = documents.start
    parser.parser.EndElementHandler = documents.end
    parser.parser.CharacterDataHandler = documents.data
    try:
        while chunk := reader.read():
            parser.feed(chunk)
        parser.close()
    except DefusedXmlException as error:
        raise ImportRefusedError(
            f"{source_name}: filen innehåller en DOCTYPE- eller ENTITY-deklaration och tas inte emot. "
            "Sådana kan användas för att överbelasta servern eller läsa filer på den, och en "
            "PEPPOL-faktura behöver dem aldrig."
        ) from error
    except ParseError as error:
        if not reader.has_content:
            raise ImportRefusedError(f"{source_name}: filen är tom.") from error
        line, column = error.position
        raise ImportRefusedError(
            f"{source_name}: filen är inte giltig XML (fel på rad {line}, kolumn {column})."
        ) from error
    except LookupError as error:  # <?xml encoding="..."?> names an encoding Python lacks
        raise ImportRefusedError(f"{source_name}: filen anger en okänd teckenkodning ({error}).") from error
    if not documents.documents:
        raise ImportRefusedError(_not_ubl_message(documents.root_tag or "", documents.misnamed, source_name))
    return documents.documents


def _element_count_message(source_name: str, elements: int, budget: _Budget, limits: PeppolLimits) -> str:
    if elements > limits.max_elements:
        return (
            f"{source_name}: filen har fler än {count_text(limits.max_elements)} XML-element, fler än någon "
            "e-faktura har (en faktura med 10 000 rader har omkring 350 000). Inget importerades."
        )
    most = count_text(limits.max_total_elements)
    return (
        f"{source_name}: filerna har tillsammans fler än {most} XML-element. "
        "Dela upp zip-filen i mindre delar. Inget importerades."
    )


def _split_tag(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _not_ubl_message(root_tag: str, misnamed: tuple[str, str] | None, source_name: str) -> str:
    """Say what the file is instead, so the user knows what to ask the sender for."""
    wanted = "bara PEPPOL BIS Billing 3 (UBL 2.1 Invoice/CreditNote) kan läsas in"
    if misnamed is not None:
        namespace, local = misnamed
        if "sfti" in namespace.lower():
            return f"{source_name}: Svefaktura 1.0 ({namespace}) stöds inte; {wanted}."
        return (
            f"{source_name}: elementet <{local}> har namnrymden '{namespace or '(ingen)'}', "
            f"inte UBL 2.1; {wanted}."
        )
    _, root_local = _split_tag(root_tag)
    return (
        f"{source_name}: filen är inte en faktura eller kreditnota "
        f"utan ett <{root_local}>-dokument; {wanted}."
    )


@functools.cache
def _qualified(path: str) -> str:
    """``cac:Item/cbc:Name`` with its prefixes spelled out. A one-step path is
    then found by ElementTree's C code directly; with a namespaces mapping
    every find went through ElementPath (about 10 us each, five per line)."""
    steps = (step.partition(":") for step in path.split("/"))
    return "/".join(f"{{{_PREFIXES[prefix]}}}{local}" for prefix, _, local in steps)


def _text(element: Element | None, path: str) -> str | None:
    """Stripped text of the first match of ``path``; None when absent or blank."""
    if element is None:
        return None
    found = element.find(_qualified(path))
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _collapsed(text: str | None) -> str | None:
    """Names and descriptions for display: pretty-printed XML may wrap them."""
    return " ".join(text.split()) if text else None


# --- one document ------------------------------------------------------------------------------


def _read_document(document: _OpenDocument, source_name: str, position: int) -> PeppolDocument:
    element = document.header_element()
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

    currency = _currency(element, document.lines)
    if currency is None:
        raise ImportRefusedError(f"{where} saknar valuta (cbc:DocumentCurrencyCode).")

    document_cost = _text(element, "cbc:AccountingCost")
    sign = -1 if kind == "credit_note" else 1
    lines = tuple(
        _read_line(line, index, sign, document_cost, where) for index, line in enumerate(document.lines, 1)
    )

    party = element.find(_qualified("cac:AccountingSupplierParty/cac:Party"))
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


def _currency(element: Element, lines: list[_RawLine]) -> str | None:
    """DocumentCurrencyCode; else the currencyID every BIS 3 amount must carry.

    The fallback keeps a document whose header omits the code but whose
    amounts still say which currency they are in.
    """
    code = _text(element, "cbc:DocumentCurrencyCode")
    if code is None:
        code = next((line.currency_id for line in lines if line.currency_id), None)
    return code.upper() if code else None


def _read_line(line: _RawLine, index: int, sign: int, document_cost: str | None, where: str) -> PeppolLine:
    # BIS 3 requires a line ID; its position still finds the line if it is missing.
    line_id = line.line_id or str(index)
    amount_text = line.amount_text
    if amount_text is None:
        raise ImportRefusedError(f"{where}, rad {line_id}: radbelopp saknas (cbc:LineExtensionAmount).")
    amount = _parse_amount(amount_text)
    if amount is None:
        raise ImportRefusedError(f"{where}, rad {line_id}: beloppet '{amount_text}' är inte ett belopp.")
    signed = amount * sign
    return PeppolLine(
        line_id=line_id,
        amount=signed if signed else Decimal("0.00"),  # no "-0.00" from negating a zero line
        accounting_cost=line.accounting_cost or document_cost,
        description=line.description,
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

    legal = party.find(_qualified("cac:PartyLegalEntity/cbc:CompanyID"))
    legal_text = (legal.text or "").strip() if legal is not None else ""
    if legal is not None and legal_text:
        scheme = (legal.get("schemeID") or "").strip() or None
        number, problem = _legal_org_number(legal_text, scheme, country)
        if number is not None:
            return number, None
        problems.append(problem)

    for tax_scheme in party.findall(_qualified("cac:PartyTaxScheme")):
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


def _read_zip(name: str, data: bytes, limits: PeppolLimits) -> list[PeppolDocument]:
    try:
        archive = open_zip(io.BytesIO(data), subject=name, remedy=_MEMBERS_REMEDY, limits=limits.archive)
    except ZIP_ERRORS as error:
        raise ImportRefusedError(f"{name}: filen är inte en giltig zip-fil.") from error
    with archive:
        members = [info for info in archive.infolist() if _is_xml_member(info)]
        if not members:
            raise ImportRefusedError(f"{name}: zip-filen innehåller inga XML-filer.")
        # Everything below is decided from the zip directory, before any byte is inflated.
        for info in members:
            _check_member(name, info, limits)
        check_declared_total(name, members, limits.max_total_bytes)
        budget = _Budget()
        documents: list[PeppolDocument] = []
        for info in members:
            source = f"{name}/{printable(info.filename)}"
            try:
                member = open_member(archive, info, source)
            except ZIP_ERRORS as error:
                raise ImportRefusedError(_unreadable_member_message(source)) from error
            with member:
                documents.extend(_parse_stream(member, source, limits, budget, from_zip=True))
    return documents


# What to do about a zip of more entries than the archive limits allow.
_MEMBERS_REMEDY = "Dela upp zip-filen i flera mindre."


def _is_xml_member(info: zipfile.ZipInfo) -> bool:
    """XML files only; macOS adds ``__MACOSX/`` and ``._name.xml`` resource forks
    that look like XML by name but are binary."""
    if info.is_dir() or not info.filename.lower().endswith(".xml"):
        return False
    parts = info.filename.replace("\\", "/").split("/")
    return "__MACOSX" not in parts and not parts[-1].startswith("._")


def _check_member(name: str, info: zipfile.ZipInfo, limits: PeppolLimits) -> None:
    member = f"{name}/{printable(info.filename)}"
    if info.flag_bits & 0x1:
        raise ImportRefusedError(f"{member}: filen är lösenordsskyddad och kan inte läsas.")
    if compresses_too_well(info, limits.archive):
        raise ImportRefusedError(ratio_message(member, limits.archive))
    if info.file_size > limits.max_document_bytes:
        raise ImportRefusedError(_document_size_message(member, info.file_size, limits))
