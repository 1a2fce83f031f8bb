"""PEPPOL BIS 3 e-invoices: every real OpenPEPPOL sample is read to the values
written in its XML (checked by hand, not by running the parser), and hostile
uploads (entity bombs, garbage) are refused before they can do harm. Hostile
zips (bombs, lying sizes, too many entries, odd paths) are in test_archives.py."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from data_access.importing.errors import ImportRefusedError
from data_access.importing.peppol import PeppolDocument, parse_peppol_xml, read_peppol_files

# The repo is /work/main and the samples /work/shared; in CI the clone has a copy
# of shared/ beside it, so the samples are always <repo>/../shared.
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "real-data" / "peppol-bis3"

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


@pytest.fixture(scope="module")
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"PEPPOL samples not found at {SAMPLES} (shared/ must sit beside the repo)")
    return SAMPLES


# --- the real samples ------------------------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    """What one document in a sample says, read by eye from the XML."""

    kind: str
    invoice_number: str
    issue_date: date
    currency: str
    seller_name: str
    org_number: str | None
    org_problem_contains: tuple[str, ...]  # empty: no problem expected
    buyer_reference: str | None
    contract_reference: str | None
    accounting_cost: str | None
    lines: tuple[tuple[str, str, str | None, str | None], ...]  # id, amount, accounting cost, item name
    total: str


GB_SELLER = "SupplierOfficialName Ltd"
GB_PROBLEM = ("utländskt organisationsnummer", "GB983294")
SE_R_001_PROBLEM = ("fel kontrollsiffra", "1234567890", "SE123456789001")


def _snippet(kind: str, *, contract: str | None, lines: tuple, total: str) -> Doc:
    """The OpenPEPPOL 'Snippet1' family shares header, seller and buyer."""
    return Doc(
        kind=kind,
        invoice_number="Snippet1",
        issue_date=date(2017, 11, 13),
        currency="EUR",
        seller_name=GB_SELLER,
        org_number=None,
        org_problem_contains=GB_PROBLEM,
        buyer_reference="0150abc",
        contract_reference=contract,
        accounting_cost="4025:123:4343",
        lines=lines,
        total=total,
    )


def _allsalj(kind: str, *, org_number: str | None, problem: tuple[str, ...], amount: str) -> Doc:
    """The Swedish-rules test invoices from seller 'Allsälj AB'."""
    return Doc(
        kind=kind,
        invoice_number="2018210",
        issue_date=date(2018, 2, 8),
        currency="SEK",
        seller_name="Allsälj AB",
        org_number=org_number,
        org_problem_contains=problem,
        buyer_reference="BuyerRef 123",
        contract_reference=None,
        accounting_cost=None,
        lines=(("1", amount, None, "Utbytesstol"),),
        total=amount,
    )


EXPECTED: dict[str, tuple[Doc, ...]] = {
    "Allowance-example.xml": (
        _snippet(
            "invoice",
            contract="framework no 1",
            lines=(
                ("1", "4000.00", "Konteringsstreng", "item name"),
                ("2", "1000.00", "Konteringsstreng", "item name"),
                ("3", "900.00", "Konteringsstreng", "item name"),
            ),
            total="5900.00",
        ),
    ),
    "Norwegian-example-1.xml": (
        Doc(
            kind="invoice",
            invoice_number="TOSL108",
            issue_date=date(2013, 6, 30),
            currency="NOK",
            seller_name="The Sellercompany ASA",
            org_number=None,
            org_problem_contains=("utländskt organisationsnummer", "123456785", "0192"),
            buyer_reference="3150bdn",
            contract_reference="Contract321",
            accounting_cost="Project cost code 123",
            lines=(
                ("1", "1273.00", "BookingCode001", "Laptop computer"),
                ("2", "-3.96", "BookingCode002", 'Returned "Advanced computing" book'),
                ("3", "4.96", "BookingCode003", '"Computing for dummies" book'),
                ("4", "-25.00", "BookingCode004", "Returned IBM 5150 desktop"),
                ("5", "187.50", "BookingCode005", "Network cable"),
            ),
            total="1436.50",
        ),
    ),
    "SE-creditnote-from-UBL-CN_SE-R-001.xml": (
        _allsalj("credit_note", org_number=None, problem=SE_R_001_PROBLEM, amount="-100.00"),
    ),
    "SE-invoice-from-UBL-IN_SE-R-001.xml": (
        _allsalj("invoice", org_number=None, problem=SE_R_001_PROBLEM, amount="100.00"),
    ),
    "Snippet-cn.xml": (
        _snippet(
            "credit_note",
            contract="framework no 1",
            lines=(("1", "-4100.00", "Konteringsstreng", "item name"),),
            total="-4100.00",
        ),
    ),
    "Snippet-full.xml": (
        _snippet(
            "invoice",
            contract="framework no 1",
            lines=(("1", "4100.00", "Konteringsstreng", "item name"),),
            total="4100.00",
        ),
    ),
    "UBL-IN_SE-R-013.xml": (
        _allsalj("invoice", org_number="2021005489", problem=(), amount="100.00"),
        _allsalj(
            "invoice",
            org_number=None,
            problem=("fel kontrollsiffra", "2021005480", "SE123456789001"),
            amount="100.00",
        ),
    ),
    "base-creditnote-correction.xml": (
        _snippet(
            "credit_note",
            contract=None,
            # Line 2 has no AccountingCost of its own: the document's applies.
            lines=(
                ("1", "-2800.00", "Konteringsstreng", "item name"),
                ("2", "1500.00", "4025:123:4343", "item name 2"),
            ),
            total="-1300.00",
        ),
    ),
    "base-example.xml": (
        _snippet(
            "invoice",
            contract=None,
            lines=(
                ("1", "2800.00", "Konteringsstreng", "item name"),
                ("2", "-1500.00", "4025:123:4343", "item name 2"),
            ),
            total="1300.00",
        ),
    ),
}


def test_every_sample_file_has_expectations(samples: Path) -> None:
    assert sorted(path.name for path in samples.glob("*.xml")) == sorted(EXPECTED)


def _assert_document(document: PeppolDocument, expected: Doc, source_name: str) -> None:
    assert document.source_name == source_name
    assert document.kind == expected.kind
    assert document.invoice_number == expected.invoice_number
    assert document.issue_date == expected.issue_date
    assert document.currency == expected.currency
    assert document.seller_name == expected.seller_name
    assert document.seller_org_number == expected.org_number
    if expected.org_problem_contains:
        assert document.seller_org_problem is not None
        for part in expected.org_problem_contains:
            assert part in document.seller_org_problem
    else:
        assert document.seller_org_problem is None
    assert document.buyer_reference == expected.buyer_reference
    assert document.contract_reference == expected.contract_reference
    assert document.accounting_cost == expected.accounting_cost
    actual_lines = [
        (line.line_id, str(line.amount), line.accounting_cost, line.description) for line in document.lines
    ]
    assert actual_lines == list(expected.lines)  # str(): exact to the öre, always two decimals
    assert all(isinstance(line.amount, Decimal) for line in document.lines)
    assert str(document.total) == expected.total


@pytest.mark.parametrize("file_name", sorted(EXPECTED))
def test_sample_is_read_to_the_values_in_its_xml(samples: Path, file_name: str) -> None:
    data = (samples / file_name).read_bytes()
    documents = read_peppol_files(file_name, data)
    assert documents == parse_peppol_xml(data, file_name)
    assert len(documents) == len(EXPECTED[file_name])
    for document, expected in zip(documents, EXPECTED[file_name], strict=True):
        _assert_document(document, expected, file_name)


def test_credit_notes_are_negative_spend(samples: Path) -> None:
    for file_name in (
        "base-creditnote-correction.xml",
        "Snippet-cn.xml",
        "SE-creditnote-from-UBL-CN_SE-R-001.xml",
    ):
        (document,) = read_peppol_files(file_name, (samples / file_name).read_bytes())
        assert document.kind == "credit_note"
        assert document.total < 0


def test_test_set_wrapper_yields_both_invoices(samples: Path) -> None:
    valid, invalid = read_peppol_files("r013.xml", (samples / "UBL-IN_SE-R-013.xml").read_bytes())
    assert (valid.seller_org_number, valid.seller_org_problem) == ("2021005489", None)
    assert invalid.seller_org_number is None
    assert "kontrollsiffra" in (invalid.seller_org_problem or "")
    assert invalid.total == Decimal("100.00")  # spend kept despite the bad org number


# --- zip archives ----------------------------------------------------------------------------


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_of_two_samples(samples: Path) -> None:
    data = _zip(
        {
            "2024/base-example.xml": (samples / "base-example.xml").read_bytes(),
            "2024/SE-creditnote.XML": (samples / "SE-creditnote-from-UBL-CN_SE-R-001.xml").read_bytes(),
            "readme.txt": b"not an invoice",
            "__MACOSX/2024/._base-example.xml": b"\x00\x05\x16\x07 binary resource fork",
            "2024/": b"",
        }
    )
    invoice, credit = read_peppol_files("fakturor.zip", data)
    assert (invoice.source_name, invoice.kind, invoice.total) == (
        "fakturor.zip/2024/base-example.xml",
        "invoice",
        Decimal("1300.00"),
    )
    assert (credit.source_name, credit.kind, credit.total) == (
        "fakturor.zip/2024/SE-creditnote.XML",
        "credit_note",
        Decimal("-100.00"),
    )


def test_zip_is_recognised_by_content_even_when_named_xml(samples: Path) -> None:
    data = _zip({"a.xml": (samples / "base-example.xml").read_bytes()})
    (document,) = read_peppol_files("upload.xml", data)
    assert document.invoice_number == "Snippet1"


def test_zip_without_xml_refused() -> None:
    with pytest.raises(ImportRefusedError, match="inga XML-filer"):
        read_peppol_files("docs.zip", _zip({"faktura.pdf": b"%PDF-1.7"}))


def test_bad_zip_refused() -> None:
    with pytest.raises(ImportRefusedError, match="inte en giltig zip-fil"):
        read_peppol_files("fakturor.zip", b"PK\x03\x04 this is not really a zip archive")


def test_bad_member_refuses_the_whole_zip(samples: Path) -> None:
    data = _zip({"ok.xml": (samples / "base-example.xml").read_bytes(), "trasig.xml": b"<Invoice"})
    with pytest.raises(ImportRefusedError, match=r"trasig\.xml: filen är inte giltig XML"):
        read_peppol_files("fakturor.zip", data)


# --- hostile and wrong XML -------------------------------------------------------------------


def _billion_laughs(levels: int = 10) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, levels)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE Invoice [\n'
        + "\n".join(entities)
        + f'\n]>\n<Invoice xmlns="{INVOICE_NS}">&lol{levels - 1};</Invoice>'
    ).encode()


def test_entity_bomb_refused_without_expanding() -> None:
    data = _billion_laughs()  # 3 * 10**9 bytes if expanded: this test would never finish
    assert len(data) < 2_000
    with pytest.raises(ImportRefusedError, match="DOCTYPE") as refused:
        read_peppol_files("laughs.xml", data)
    assert "lol" not in str(refused.value)
    with pytest.raises(ImportRefusedError, match="DOCTYPE"):
        read_peppol_files("laughs.zip", _zip({"laughs.xml": data}))


def test_external_entity_refused() -> None:
    data = (
        '<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f'<Invoice xmlns="{INVOICE_NS}" xmlns:cbc="{CBC_NS}"><cbc:ID>&xxe;</cbc:ID></Invoice>'
    ).encode()
    with pytest.raises(ImportRefusedError, match="DOCTYPE") as refused:
        parse_peppol_xml(data, "xxe.xml")
    assert "root:" not in str(refused.value)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"hej, det h\xe4r \xe4r ingen XML",
        b"<Invoice",
        b"\xff\xfe\x00",
    ],
)
def test_garbage_refused(data: bytes) -> None:
    with pytest.raises(ImportRefusedError, match="inte giltig XML"):
        read_peppol_files("skräp.xml", data)


@pytest.mark.parametrize("data", [b"", b"  \n\t", b"\xef\xbb\xbf\n"])
def test_empty_file_refused(data: bytes) -> None:
    with pytest.raises(ImportRefusedError, match="tom"):
        read_peppol_files("tom.xml", data)


def test_ubl_order_refused() -> None:
    data = (
        f'<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2" '
        f'xmlns:cbc="{CBC_NS}"><cbc:ID>PO-1</cbc:ID><cbc:IssueDate>2024-01-01</cbc:IssueDate></Order>'
    ).encode()
    with pytest.raises(ImportRefusedError, match="<Order>"):
        read_peppol_files("order.xml", data)


def test_svefaktura_refused_by_name() -> None:
    data = b'<Invoice xmlns="urn:sfti:documents:BasicInvoice:1:0"><ID>1</ID></Invoice>'
    with pytest.raises(ImportRefusedError, match="Svefaktura"):
        read_peppol_files("sfti.xml", data)


# --- synthetic invoices for the rules the samples do not cover --------------------------------

SWEDISH_SELLER = """
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PostalAddress><cac:Country><cbc:IdentificationCode>SE</cbc:IdentificationCode></cac:Country>
    </cac:PostalAddress>
    <cac:PartyLegalEntity><cbc:RegistrationName>Menigo
      Foodservice AB</cbc:RegistrationName>
      <cbc:CompanyID schemeID="0007">556036-0793</cbc:CompanyID></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>"""


def _invoice(
    *,
    invoice_id: str | None = "F-1",
    issue_date: str | None = "2024-03-01",
    type_code: str = "380",
    seller: str = SWEDISH_SELLER,
    amount: str = "1000.00",
    currency: str | None = "SEK",
) -> bytes:
    id_xml = f"<cbc:ID>{invoice_id}</cbc:ID>" if invoice_id is not None else ""
    date_xml = f"<cbc:IssueDate>{issue_date}</cbc:IssueDate>" if issue_date is not None else ""
    currency_xml = f"<cbc:DocumentCurrencyCode>{currency}</cbc:DocumentCurrencyCode>" if currency else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="{INVOICE_NS}" xmlns:cac="{CAC_NS}" xmlns:cbc="{CBC_NS}">
  {id_xml}{date_xml}<cbc:InvoiceTypeCode>{type_code}</cbc:InvoiceTypeCode>{currency_xml}
  {seller}
  <cac:InvoiceLine><cbc:ID>1</cbc:ID>
    <cbc:LineExtensionAmount currencyID="SEK">{amount}</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Kaffe</cbc:Name></cac:Item>
  </cac:InvoiceLine>
</Invoice>""".encode()


def test_synthetic_swedish_invoice() -> None:
    (document,) = parse_peppol_xml(_invoice(amount="1436.5"), "f.xml")
    assert (document.seller_org_number, document.seller_org_problem) == ("5560360793", None)
    assert document.seller_name == "Menigo Foodservice AB"  # wrapped name collapsed
    assert str(document.total) == "1436.50"
    assert document.issue_date == date(2024, 3, 1)


def test_invoice_with_type_code_381_is_a_credit() -> None:
    (document,) = parse_peppol_xml(_invoice(type_code="381", amount="250"), "f.xml")
    assert document.kind == "credit_note"
    assert [line.amount for line in document.lines] == [Decimal("-250.00")]


def test_swedish_vat_number_is_the_fallback() -> None:
    seller = """<cac:AccountingSupplierParty><cac:Party>
      <cac:PartyTaxScheme><cbc:CompanyID>Godkänd för F-skatt</cbc:CompanyID></cac:PartyTaxScheme>
      <cac:PartyTaxScheme><cbc:CompanyID>SE556036079301</cbc:CompanyID></cac:PartyTaxScheme>
      <cac:PartyName><cbc:Name>Menigo</cbc:Name></cac:PartyName>
    </cac:Party></cac:AccountingSupplierParty>"""
    (document,) = parse_peppol_xml(_invoice(seller=seller), "f.xml")
    assert (document.seller_name, document.seller_org_number, document.seller_org_problem) == (
        "Menigo",
        "5560360793",
        None,
    )


def test_foreign_seller_number_is_never_taken_as_swedish() -> None:
    seller = """<cac:AccountingSupplierParty><cac:Party>
      <cac:PostalAddress><cac:Country><cbc:IdentificationCode>GB</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyLegalEntity><cbc:CompanyID>5560360793</cbc:CompanyID></cac:PartyLegalEntity>
    </cac:Party></cac:AccountingSupplierParty>"""
    (document,) = parse_peppol_xml(_invoice(seller=seller), "f.xml")
    assert document.seller_org_number is None
    assert "utländskt organisationsnummer" in (document.seller_org_problem or "")
    assert document.total == Decimal("1000.00")  # the spend stays


def test_missing_seller_org_number_is_explained() -> None:
    seller = "<cac:AccountingSupplierParty><cac:Party/></cac:AccountingSupplierParty>"
    (document,) = parse_peppol_xml(_invoice(seller=seller), "f.xml")
    assert document.seller_org_number is None
    assert "saknas" in (document.seller_org_problem or "")


def test_currency_falls_back_to_the_amounts_currency_id() -> None:
    (document,) = parse_peppol_xml(_invoice(currency=None), "f.xml")
    assert document.currency == "SEK"


@pytest.mark.parametrize(
    ("invoice", "message"),
    [
        (_invoice(invoice_id=None), "saknar fakturanummer"),
        (_invoice(issue_date=None), "saknar fakturadatum"),
        (_invoice(issue_date="2024-02-30"), "ogiltigt fakturadatum"),
        (_invoice(amount="1 000,00"), "inte ett belopp"),
        (_invoice(amount="NaN"), "inte ett belopp"),
    ],
)
def test_unreadable_document_refused(invoice: bytes, message: str) -> None:
    with pytest.raises(ImportRefusedError, match=message):
        parse_peppol_xml(invoice, "f.xml")
