"""Files written by hand for the reader tests, holding what Excel or an
e-invoice sender would never write: a minimal workbook, a small PEPPOL
invoice, and zips edited after the fact."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CAC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def peppol_invoice(*, lines: int = 1, filler: str = "") -> bytes:
    """A small valid UBL invoice; ``filler`` goes among the document's children."""
    body = "".join(
        f'<cac:InvoiceLine><cbc:ID>{index}</cbc:ID><cbc:LineExtensionAmount currencyID="SEK">10.00'
        "</cbc:LineExtensionAmount><cac:Item><cbc:Name>Kaffe</cbc:Name></cac:Item></cac:InvoiceLine>"
        for index in range(1, lines + 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Invoice xmlns="{INVOICE_NS}" xmlns:cac="{CAC_NS}" '
        f'xmlns:cbc="{CBC_NS}"><cbc:ID>F-1</cbc:ID><cbc:IssueDate>2024-03-01</cbc:IssueDate>'
        f"<cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode>{filler}{body}</Invoice>"
    ).encode()


def xlsx_with(rows: list[list[object]], *, shared: bool = True) -> bytes:
    """A minimal workbook written by hand: openpyxl cuts strings at Excel's
    limit, and these files hold what Excel would never write."""
    strings: list[str] = []
    cells_xml = []
    for row_number, row in enumerate(rows, 1):
        cells = []
        for column, value in enumerate(row):
            ref = f"{'ABCDEFGHIJ'[column]}{row_number}"
            if isinstance(value, int):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif shared:
                strings.append(str(value))
                cells.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
        cells_xml.append(f'<row r="{row_number}">{"".join(cells)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Fakturor" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{package}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}"><sheetData>{"".join(cells_xml)}</sheetData></worksheet>'
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{main}">'
            + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
            + "</sst>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>\n' + content)
    return buffer.getvalue()


def replace_member(data: bytes, member: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == member else source.read(info.filename))
    return out.getvalue()


def add_members(data: bytes, members: dict[str, bytes]) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_STORED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()
