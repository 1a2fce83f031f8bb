"""Hostile input probe (issue 11): every hostile or oversized input the issue
names, run through the command line as a scheduled job would, one at a time.

    .venv/bin/python bench/hostile_probe.py                    # SQLite, every probe
    .venv/bin/python bench/hostile_probe.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/hostile_probe.py --only xlsx-far-xfd --only zip-500mb-xml
    .venv/bin/python bench/hostile_probe.py --code /tmp/older-checkout   # the same probes against other code
    .venv/bin/python bench/hostile_probe.py --list

Each input is generated into a temporary folder (never committed; the big ones
are streamed or sparse, and deleted after their run) and imported with
``python -m data_access import KIND FILE... [flags]`` in a child process:

* against a fresh SQLite database per input (a copy of one migrated
  template), or with ``--database-url`` a fresh PostgreSQL database made for
  the run (on that server; dropped at the end) and emptied before each input;
* under a memory cap (``RLIMIT_AS``, 4 GB by default) and a timeout (120 s),
  so a regression cannot take the machine down;
* measuring wall time and the child's own peak RSS (``os.wait4``).

After each input every table's rows are counted: a refused input must leave
the database as it was ("nothing imported"). The table printed at the end has
one row per input: what the issue expects, what happened (exit code and the
first line of the message), time, peak memory, and whether it passed. A row
passes when the exit code and message are as expected, no traceback was
printed, the database holds what it should, and the run stayed within the
row's time and memory bounds (shown in the expected column; the probe's
thresholds for "refused quickly", not goals). Exit code 0 when every row
passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # tests.inputs: the inputs the tests build alike

from common import describe_code  # noqa: E402

from tests.inputs import CONTRACT, flag_encrypted, table, zipped  # noqa: E402

MB = 1024**2
SWEDISH = re.compile(
    r"[åäöÅÄÖ]|\b(inte|och|är|kan|har|saknar|filen|rad|rader|för|som|till|med|ingen)\b", re.I
)

# --------------------------------------------------------------------------- inputs

HEADER = ["Fakturadatum", "Leverantör", "Organisationsnummer", "Ansvar", "Konto", "Belopp"]
ROWS = [
    ["2025-03-03", "Menigo Foodservice AB", "556036-0793", "1001", "4010", "1000,00"],
    ["2025-03-04", "Martin & Servera AB", "556000-0018", "1001", "4010", "500,00"],
    ["2025-03-05", "Kalles Kiosk", "", "1002", "5010", "99,90"],
]
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CAC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
FORMULAS = ('=HYPERLINK("http://127.0.0.1:9/x","Klicka")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\t=1+1")


def csv_bytes(rows: list[list[str]], delimiter: str = ";") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write(path: Path, data: bytes) -> list[Path]:
    path.write_bytes(data)
    return [path]


def xlsx(path: Path, rows: list[list[object]], cells: dict[str, object] | None = None) -> list[Path]:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref, value in (cells or {}).items():
        sheet[ref] = value
    book.save(path)
    return [path]


def xlsx_with_big_cell(path: Path, rows: list[list[object]], big: str) -> list[Path]:
    """A workbook with one cell holding ``big``, written into the sheet's XML
    directly: openpyxl cuts any cell to Excel's 32,767 characters."""
    from xml.sax.saxutils import escape

    placeholder = b"@@BIG@@"
    cells = [[placeholder.decode() if cell is BIG else cell for cell in row] for row in rows]
    plain = xlsx(path.with_name("plain.xlsx"), cells)[0]
    with zipfile.ZipFile(plain) as archive:
        holder = next(info.filename for info in archive.infolist() if placeholder in archive.read(info))
        content = archive.read(holder).replace(placeholder, escape(big).encode())
    rezip(plain, path, {holder: content})
    return [path]


BIG = object()  # where xlsx_with_big_cell puts its big text


def rezip(source: Path, target: Path, replace: dict[str, bytes | Callable[[zipfile.ZipFile], None]]) -> None:
    """Copy a zip, replacing members: bytes, or a writer called with the new zip
    (to stream a big member into it)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            replacement = replace.get(info.filename)
            if replacement is None:
                new.writestr(info, old.read(info))
            elif isinstance(replacement, bytes):
                new.writestr(info.filename, replacement)
            else:
                replacement(new)


def invoice_xml(
    *,
    seller: str = "Menigo Foodservice AB",
    lines: int = 2,
    extra: str = "",
    prolog: str = '<?xml version="1.0" encoding="UTF-8"?>',
) -> bytes:
    line_xml = "".join(
        f'<cac:InvoiceLine><cbc:ID>{i}</cbc:ID><cbc:LineExtensionAmount currencyID="SEK">{100 * i}.00'
        f"</cbc:LineExtensionAmount><cac:Item><cbc:Name>Kaffe</cbc:Name></cac:Item></cac:InvoiceLine>"
        for i in range(1, lines + 1)
    )
    return (
        f'{prolog}<Invoice xmlns="{INVOICE_NS}" xmlns:cac="{CAC_NS}" xmlns:cbc="{CBC_NS}">'
        "<cbc:ID>F-1</cbc:ID><cbc:IssueDate>2025-03-01</cbc:IssueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"
        "<cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode><cbc:BuyerReference>1001</cbc:BuyerReference>"
        "<cac:AccountingSupplierParty><cac:Party><cac:PartyLegalEntity>"
        f"<cbc:RegistrationName>{seller}</cbc:RegistrationName>"
        '<cbc:CompanyID schemeID="0007">556036-0793</cbc:CompanyID>'
        "</cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>"
        f"{extra}{line_xml}</Invoice>"
    ).encode()


def zip_of(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> list[Path]:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return [path]


def random_letters(size: int, seed: int = 11) -> str:
    """Text that does not compress much (a zip bomb check must not catch it)."""
    return "".join(random.Random(seed).choices("abcdefghijklmnopqrstuvwxyzåäö ", k=size))


def png_bytes() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def encrypted_workbook() -> bytes:
    """What Excel writes for a password-protected .xlsx, reduced to its shape:
    an OLE compound file (CFB) whose directory holds EncryptionInfo and
    EncryptedPackage streams."""
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, 1)  # the directory starts at sector 1
    struct.pack_into("<I", header, 56, 4096)
    struct.pack_into("<I", header, 60, 0xFFFFFFFE)
    struct.pack_into("<I", header, 68, 0xFFFFFFFE)
    for index in range(109):
        struct.pack_into("<I", header, 76 + 4 * index, 0 if index == 0 else 0xFFFFFFFF)
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<III", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE)
    directory = bytearray(512)
    for position, (name, kind) in enumerate(
        [("Root Entry", 5), ("EncryptionInfo", 2), ("EncryptedPackage", 2), ("\x06DataSpaces", 1)]
    ):
        entry = 128 * position
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        directory[entry : entry + len(encoded)] = encoded
        struct.pack_into("<HB", directory, entry + 64, len(encoded), kind)
    return bytes(header + fat + directory + bytes(range(256)) * 2)


def far_cell(ref: str) -> Callable[[Path], list[Path]]:
    # The repro: two headers and one number far away.
    return lambda folder: xlsx(folder / "far.xlsx", [["Belopp", "Leverantör"]], {ref: 1})


def sheet_with_prolog(prolog: str, body: str = "") -> Callable[[Path], list[Path]]:
    def build(folder: Path) -> list[Path]:
        plain = xlsx(folder / "plain.xlsx", [HEADER, *ROWS])[0]
        sheet = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            + prolog
            + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + body
            + "</sheetData></worksheet>"
        ).encode()
        rezip(plain, folder / "fakturor.xlsx", {"xl/worksheets/sheet1.xml": sheet})
        return [folder / "fakturor.xlsx"]

    return build


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>"
)
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def zip_bomb_xlsx(folder: Path) -> list[Path]:
    """A workbook whose sheet inflates to 200 MB of spaces (0.2 MB compressed)."""
    plain = xlsx(folder / "plain.xlsx", [HEADER, *ROWS])[0]

    def sheet(archive: zipfile.ZipFile) -> None:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            for _ in range(200):
                member.write(b" " * MB)
            member.write(b"</sheetData></worksheet>")

    rezip(plain, folder / "bomb.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    return [folder / "bomb.xlsx"]


def lying_member_xlsx(folder: Path) -> list[Path]:
    """A sheet that declares 1,000 bytes and inflates to 20 MB."""
    plain = xlsx(folder / "plain.xlsx", [HEADER, *ROWS])[0]
    with zipfile.ZipFile(plain) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (20 * MB))
    target = folder / "lies.xlsx"
    rezip(plain, target, {"xl/worksheets/sheet1.xml": padded})
    data = bytearray(target.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    local = data.find(b"PK\x03\x04")
    while local >= 0:
        if data[local + 30 : local + 30 + len(name)] == name:
            struct.pack_into("<I", data, local + 22, 1000)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        if data[central + 46 : central + 46 + len(name)] == name:
            struct.pack_into("<I", data, central + 24, 1000)
        central = data.find(b"PK\x01\x02", central + 4)
    target.write_bytes(bytes(data))
    return [target]


def peppol_zip_bomb(folder: Path) -> list[Path]:
    path = folder / "fakturor.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("faktura.xml", "w", force_zip64=True) as member,
    ):
        member.write(invoice_xml()[:-10])
        for _ in range(300):
            member.write(b" " * MB)
        member.write(b"</Invoice>")
    return [path]


def sparse(path: Path, head: bytes, size: int) -> list[Path]:
    """A file of ``size`` bytes that takes no disk: ``head`` then a hole."""
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return [path]


def peppol_many_elements(folder: Path) -> list[Path]:
    """60 MB of XML, 4,000,000 elements, inside one invoice."""
    path = folder / "faktura.xml"
    document = invoice_xml()
    split = document.rindex(b"</Invoice>")
    with path.open("wb") as handle:
        handle.write(document[:split])
        block = b"<Note>12</Note>" * 10_000
        for _ in range(400):
            handle.write(block)
        handle.write(document[split:])
    return [path]


def peppol_zip_500mb(folder: Path) -> list[Path]:
    """A zip holding one 500,000,000-byte XML file of invoice lines, compressed
    like real invoices (about 7x: far from any bomb ratio)."""
    rng = random.Random(5)
    lines = []
    size = 0
    while size < MB:
        line = (
            f"<cac:InvoiceLine><cbc:ID>{rng.randrange(10**9)}</cbc:ID>"
            f'<cbc:LineExtensionAmount currencyID="SEK">{rng.randrange(10**7)}.{rng.randrange(100):02d}'
            f"</cbc:LineExtensionAmount><cac:Item><cbc:Name>Artikel {rng.randrange(10**6)}</cbc:Name>"
            "</cac:Item></cac:InvoiceLine>\n"
        ).encode()
        lines.append(line)
        size += len(line)
    block = b"".join(lines)
    document = invoice_xml(lines=0)
    split = document.rindex(b"</Invoice>")
    target = 500_000_000
    path = folder / "fakturor.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive,
        archive.open("faktura.xml", "w", force_zip64=True) as member,
    ):
        member.write(document[:split])
        written = split
        tail = document[split:]
        while written + len(block) + len(tail) <= target:
            member.write(block)
            written += len(block)
        member.write(b" " * (target - written - len(tail)))
        member.write(tail)
    return [path]


def peppol_zip_many_members(folder: Path) -> list[Path]:
    """One invoice and 200,000 empty non-XML members."""
    path = folder / "fakturor.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("faktura.xml", invoice_xml())
        for index in range(200_000):
            archive.writestr(f"bilagor/{index:06d}.txt", b"")
    return [path]


def csv_many_columns(folder: Path) -> list[Path]:
    header = ["Belopp", "Leverantör", *[f"k{index}" for index in range(4998)]]
    rows = [header] + [["1", "x", *["1"] * 4998] for _ in range(20)]
    return write(folder / "bred.csv", csv_bytes(rows))


def cut_at_start(data: bytes, cut: int = 64, at: int = 7) -> bytes:
    return data[:at] + data[at + cut :]


def small_xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in [HEADER, *ROWS]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def duplicate_member_xlsx(folder: Path) -> list[Path]:
    import warnings

    data = small_xlsx_bytes()
    path = folder / "dubbel.xlsx"
    with (
        zipfile.ZipFile(io.BytesIO(data)) as old,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new,
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")  # the duplicate name is the point
        for info in old.infolist():
            new.writestr(info.filename, old.read(info))
        new.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>")
    return [path]


def encrypted_member_zip(folder: Path) -> list[Path]:
    """A zip whose invoice is marked as password-protected (the bytes are plain)."""
    path = folder / "fakturor.zip"
    return write(path, flag_encrypted(zipped({"faktura.xml": invoice_xml()}), "faktura.xml"))


def big_csv(folder: Path, rows: int = 200_000) -> list[Path]:
    """A plain export big enough to be killed in the middle of its import."""
    rng = random.Random(3)
    path = folder / "stor.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(HEADER)
        for index in range(rows):
            writer.writerow(
                [
                    f"2025-{1 + index % 12:02d}-{1 + index % 28:02d}",
                    f"Leverantör {rng.randrange(3000)}",
                    "",
                    str(1000 + rng.randrange(300)),
                    str(4000 + rng.randrange(60)),
                    f"{rng.randrange(100, 100000)},{rng.randrange(100):02d}",
                ]
            )
    return [path]


# --------------------------------------------------------------------------- probes


@dataclass
class Probe:
    """One input and what the issue expects of it."""

    key: str
    title: str
    kind: str  # the import kind, or "report"
    build: Callable[[Path], list[Path]]
    expect: str  # refused | usage | imported | report | killed
    flags: tuple[str, ...] = ()
    lines: int = 0  # for "imported": rows added to ``table``
    table: str = "invoice_line"
    must: str | None = None  # the message must match (regex)
    must_not: str | None = None  # and must not
    seconds: float = 15.0
    megabytes: int = 1024
    setup: Callable[[Path], list[list[str]]] | None = None  # commands run first, not measured
    # For "killed": SIGKILL at this share of the time a full import of the same
    # file takes (measured first, on a database emptied again afterwards), so
    # the kill falls inside the import's transaction on any machine.
    kill_at: float | None = None
    point: str = ""
    hint: str = ""  # what the message must say, in words (``must`` is the check)

    def expected_text(self) -> str:
        text = {
            "refused": "refused (exit 1), Swedish message, nothing imported",
            "usage": "usage error (exit 2), nothing imported",
            "imported": f"imported (exit 0), +{self.lines} {self.table}",
            "report": "report (exit 0), no cell starts a formula",
            "killed": f"kill -9 at {self.kill_at or 0:.0%} of a full import's time: nothing imported",
        }[self.expect]
        if self.hint:
            text += f"; message {self.hint}" if self.expect == "refused" else f"; {self.hint}"
        if self.expect != "killed":
            text += f"; ≤ {self.seconds:g} s, ≤ {self.megabytes:,} MB"  # the probe's bounds
        return text


def _payload_setup(folder: Path) -> list[list[str]]:
    rows = [HEADER] + [
        ["2025-03-0" + str(index + 1), name, "", "1001", "4010", f"{100 + index},00"]
        for index, name in enumerate(FORMULAS)
    ]
    path = write(folder / "payload.csv", csv_bytes(rows))[0]
    return [["import", "invoices", str(path)]]


def _period_file(folder: Path) -> list[Path]:
    return write(folder / "utan-datum.csv", csv_bytes([["Leverantör", "Belopp"], ["Menigo", "100,00"]]))


def probes() -> list[Probe]:
    def data(name: str, payload: bytes | Callable[[], bytes]) -> Callable[[Path], list[Path]]:
        return lambda folder: write(folder / name, payload() if callable(payload) else payload)

    ten_mb = 10 * MB
    return [
        # ---- controls: ordinary files import
        Probe(
            "csv-valid",
            "valid invoice CSV (3 rows)",
            "invoices",
            data("fakturor.csv", csv_bytes([HEADER, *ROWS])),
            "imported",
            lines=3,
            point="control",
        ),
        Probe(
            "xlsx-valid",
            "valid invoice .xlsx (3 rows)",
            "invoices",
            lambda folder: xlsx(folder / "fakturor.xlsx", [HEADER, *ROWS]),
            "imported",
            lines=3,
            point="control",
        ),
        Probe(
            "peppol-valid",
            "valid PEPPOL invoice (2 lines)",
            "peppol",
            data("faktura.xml", invoice_xml()),
            "imported",
            lines=2,
            point="control",
        ),
        Probe(
            "peppol-zip-valid",
            "zip of 2 PEPPOL invoices",
            "peppol",
            lambda folder: zip_of(
                folder / "fakturor.zip", {"a.xml": invoice_xml(), "b.xml": invoice_xml(lines=1)}
            ),
            "imported",
            lines=3,
            point="control",
        ),
        Probe(
            "contracts-valid",
            "valid contract register (1 contract)",
            "contracts",
            data("avtal.csv", csv_bytes(table(CONTRACT))),
            "imported",
            lines=1,
            table="contract",
            point="control",
        ),
        Probe(
            "period-valid",
            "dateless CSV, --period 2016-03",
            "invoices",
            _period_file,
            "imported",
            flags=("--period", "2016-03"),
            lines=1,
            point="control",
        ),
        # ---- held when the issue was filed
        Probe(
            "xlsx-zip-bomb",
            "zip bomb .xlsx (sheet 200 MB of spaces, 0.2 MB packed)",
            "invoices",
            zip_bomb_xlsx,
            "refused",
            point="held",
        ),
        Probe(
            "xlsx-lying-member",
            ".xlsx whose sheet declares 1 kB and inflates to 20 MB",
            "invoices",
            lying_member_xlsx,
            "refused",
            point="held",
        ),
        Probe(
            "peppol-zip-bomb",
            "zip bomb of e-invoices (300 MB of spaces)",
            "peppol",
            peppol_zip_bomb,
            "refused",
            point="held",
        ),
        Probe(
            "peppol-billion-laughs",
            "PEPPOL XML entity bomb (billion laughs)",
            "peppol",
            data("faktura.xml", invoice_xml(prolog='<?xml version="1.0"?>' + BILLION_LAUGHS)),
            "refused",
            point="held",
        ),
        Probe(
            "peppol-xxe",
            "PEPPOL XML external entity (XXE, file:///etc/passwd)",
            "peppol",
            data("faktura.xml", invoice_xml(prolog='<?xml version="1.0"?>' + XXE, seller="&xxe;")),
            "refused",
            point="held",
        ),
        Probe(
            "xlsx-billion-laughs",
            ".xlsx sheet with an entity bomb",
            "invoices",
            sheet_with_prolog(
                BILLION_LAUGHS, '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
            ),
            "refused",
            point="held",
        ),
        Probe(
            "xlsx-xxe",
            ".xlsx sheet with an external entity",
            "invoices",
            sheet_with_prolog(XXE, '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'),
            "refused",
            point="held",
        ),
        Probe(
            "png-as-xlsx",
            "PNG renamed .xlsx",
            "invoices",
            data("fakturor.xlsx", png_bytes),
            "refused",
            point="held",
        ),
        Probe(
            "png-as-csv",
            "PNG renamed .csv",
            "invoices",
            data("fakturor.csv", png_bytes),
            "refused",
            point="held",
        ),
        Probe(
            "elf-as-xlsx",
            "Linux program renamed .xlsx",
            "invoices",
            data("fakturor.xlsx", lambda: Path(sys.executable).resolve().read_bytes()[:65_536]),
            "refused",
            point="held",
        ),
        Probe(
            "exe-as-csv",
            "Windows program (MZ) renamed .csv",
            "contracts",
            data("avtal.csv", b"MZ\x90\x00\x03" + bytes(4000)),
            "refused",
            point="held",
        ),
        Probe(
            "xlsx-encrypted",
            "encrypted workbook (OLE/CFB with EncryptionInfo)",
            "invoices",
            data("fakturor.xlsx", encrypted_workbook),
            "refused",
            point="held",
        ),
        Probe(
            "csv-oversize",
            "CSV of 201 MB (sparse)",
            "invoices",
            lambda folder: sparse(folder / "stor.csv", csv_bytes([HEADER, *ROWS]), 201 * MB),
            "refused",
            point="held",
        ),
        Probe(
            "peppol-oversize",
            "PEPPOL XML of 250 MB (sparse)",
            "peppol",
            lambda folder: sparse(folder / "stor.xml", invoice_xml(), 250 * MB),
            "refused",
            point="held",
        ),
        Probe("csv-empty", "empty file", "organisation", data("org.csv", b""), "refused", point="held"),
        Probe(
            "html-as-xlsx",
            "HTML table renamed .xlsx",
            "invoices",
            data("fakturor.xlsx", b"<html><body><table><tr><td>Belopp</td></tr></table></body></html>"),
            "refused",
            point="held",
        ),
        Probe(
            "pdf-as-csv",
            "PDF renamed .csv",
            "accounts",
            data("konton.csv", b"%PDF-1.7\n" + bytes(2000)),
            "refused",
            point="held",
        ),
        Probe(
            "csv-unclosed-quote",
            "CSV with a quote that never closes",
            "invoices",
            data("fakturor.csv", csv_bytes([HEADER, *ROWS]) + b'2025-03-06;"Oavslutad;;;;1,00\r\n'),
            "refused",
            point="held",
        ),
        Probe(
            "csv-utf16-no-bom",
            "CSV in UTF-16 without BOM",
            "invoices",
            data(
                "fakturor.csv", lambda: "\r\n".join(";".join(r) for r in [HEADER, *ROWS]).encode("utf-16-le")
            ),
            "refused",
            point="held",
        ),
        Probe(
            "xlsx-duplicate-member",
            ".xlsx with a part twice",
            "invoices",
            duplicate_member_xlsx,
            "refused",
            point="held",
        ),
        Probe(
            "peppol-encrypted-member",
            "zip with a password-protected invoice",
            "peppol",
            encrypted_member_zip,
            "refused",
            point="held",
        ),
        Probe(
            "peppol-svefaktura",
            "Svefaktura 1.0 instead of PEPPOL",
            "peppol",
            data("faktura.xml", b'<Invoice xmlns="urn:sfti:documents:BasicInvoice:1:0"><ID>1</ID></Invoice>'),
            "refused",
            point="held",
        ),
        Probe(
            "peppol-deep-nesting",
            "XML nested 100,000 levels deep",
            "peppol",
            data("faktura.xml", b"<a>" * 100_000 + b"</a>" * 100_000),
            "refused",
            point="held",
        ),
        Probe(
            "xlsx-cut-at-start",
            ".xlsx with 64 bytes missing near its start",
            "invoices",
            data("fakturor.xlsx", lambda: cut_at_start(small_xlsx_bytes())),
            "refused",
            point="fuzz",
        ),
        Probe(
            "peppol-zip-cut-at-start",
            "zip of e-invoices missing its first 3 bytes",
            "peppol",
            data("fakturor.zip", lambda: zipped({"a.xml": invoice_xml()})[3:]),
            "refused",
            point="fuzz",
        ),
        Probe(
            "kill-9",
            "kill -9 during a 200,000-row import",
            "invoices",
            big_csv,
            "killed",
            kill_at=0.7,
            seconds=120,
            point="held",
        ),
        # ---- point 1
        Probe(
            "xlsx-far-xfd",
            "xlsx, one cell at XFD1048576 (5 KB)",
            "invoices",
            far_cell("XFD1048576"),
            "refused",
            point="1",
        ),
        Probe(
            "xlsx-far-zz",
            "xlsx, one cell at ZZ100000",
            "invoices",
            far_cell("ZZ100000"),
            "refused",
            point="1",
        ),
        # ---- point 2
        Probe(
            "csv-10mb-supplier-name",
            "CSV, 10 MB supplier name",
            "invoices",
            data(
                "fakturor.csv",
                lambda: csv_bytes(
                    [HEADER, ["2025-03-03", random_letters(ten_mb), "", "1001", "4010", "1,00"]]
                ),
            ),
            "refused",
            must=r"\brad 2\b.*MB|MB.*\brad 2\b",
            must_not=r"citattecken",
            hint="names row 2 and the cell's size, not a quote",
            point="2, 6",
        ),
        Probe(
            "xlsx-10mb-supplier-name",
            "xlsx, 10 MB supplier name (varied text)",
            "invoices",
            lambda folder: xlsx_with_big_cell(
                folder / "fakturor.xlsx",
                [HEADER, ["2025-03-03", BIG, "", "1001", "4010", 1.0]],
                random_letters(ten_mb),
            ),
            "refused",
            point="2, 6",
        ),
        Probe(
            "csv-supplier-301",
            "CSV, supplier name of 301 characters",
            "invoices",
            data("fakturor.csv", csv_bytes([HEADER, ["2025-03-03", "L" * 301, "", "1001", "4010", "1,00"]])),
            "refused",
            must=r"\b301 tecken",
            hint="says it is 301 characters",
            point="2",
        ),
        Probe(
            "peppol-seller-424",
            "PEPPOL seller name of 424 characters",
            "peppol",
            data("faktura.xml", invoice_xml(seller="S" * 424)),
            "refused",
            must=r"\b424 tecken",
            hint="says it is 424 characters",
            point="2",
        ),
        Probe(
            "unit-code-40",
            "organisation register, unit code of 40 characters",
            "organisation",
            data(
                "org.csv",
                csv_bytes(
                    [
                        ["Förvaltningskod", "Förvaltning", "Enhetskod", "Enhet"],
                        ["VOF", "Vård", "E" * 40, "Ek"],
                    ]
                ),
            ),
            "refused",
            must=r"\b40 tecken",
            hint="says it is 40 characters",
            point="2",
        ),
        Probe(
            "invoice-unit-40",
            "invoice CSV, unit (ansvar) of 40 characters",
            "invoices",
            data("fakturor.csv", csv_bytes([HEADER, ["2025-03-03", "Menigo", "", "E" * 40, "4010", "1,00"]])),
            "imported",
            lines=1,
            table="unit",
            hint="a new unit named by the text, its code cut to 32",
            point="2",
        ),
        Probe(
            "contract-reference-70",
            "contract register, reference of 70 characters",
            "contracts",
            data(
                "avtal.csv",
                csv_bytes(table({**CONTRACT, "Avtalsnummer": "A" * 70})),
            ),
            "refused",
            must=r"\b70 tecken",
            hint="says it is 70 characters",
            point="2",
        ),
        Probe(
            "period-day",
            "--period 2016-03-01",
            "invoices",
            _period_file,
            "usage",
            flags=("--period", "2016-03-01"),
            point="2",
        ),
        Probe(
            "period-words",
            '--period "mars 2016"',
            "invoices",
            _period_file,
            "usage",
            flags=("--period", "mars 2016"),
            point="2",
        ),
        Probe(
            "user-250",
            "--user of 250 characters",
            "invoices",
            data("fakturor.csv", csv_bytes([HEADER, *ROWS])),
            "usage",
            flags=("--user", "u" * 250),
            point="2",
        ),
        # ---- point 4
        Probe(
            "peppol-60mb-4m-elements",
            "PEPPOL XML, 60 MB, 4,000,000 elements",
            "peppol",
            peppol_many_elements,
            "refused",
            point="4",
        ),
        Probe(
            "zip-500mb-xml",
            "zip holding 500 MB of invoice XML (packed ~7x)",
            "peppol",
            peppol_zip_500mb,
            "refused",
            point="4",
        ),
        Probe(
            "zip-200k-members",
            "zip with 200,000 non-XML members",
            "peppol",
            peppol_zip_many_members,
            "refused",
            point="4",
        ),
        # ---- point 5
        Probe(
            "csv-5000-columns",
            "CSV, 5,000 columns x 20 rows",
            "invoices",
            csv_many_columns,
            "refused",
            must=r"högst [0-9\s\u00a0]+ kolumner",
            hint="names the columns",
            point="5",
        ),
        # ---- point 6
        Probe(
            "csv-10mb-cell-row2",
            "CSV, a 10 MB cell in row 2",
            "invoices",
            data(
                "fakturor.csv",
                lambda: csv_bytes([HEADER, ["2025-03-03", "Menigo", "", "1001", "x" * ten_mb, "1,00"]]),
            ),
            "refused",
            must=r"\brad 2\b.*MB|MB.*\brad 2\b",
            must_not=r"citattecken",
            hint="names row 2 and the cell's size, not a quote",
            point="6",
        ),
        Probe(
            "xlsx-10mb-repetitive-cell",
            "xlsx, a 10 MB repetitive cell",
            "invoices",
            lambda folder: xlsx_with_big_cell(
                folder / "fakturor.xlsx",
                [HEADER, ["2025-03-03", "Menigo", "", "1001", BIG, 1.0]],
                "x" * ten_mb,
            ),
            "refused",
            must=r"MB",
            must_not=r"zip-bomb",
            hint="names the cell's size, not a zip bomb",
            point="6",
        ),
        # ---- point 9
        Probe(
            "report-formula-names",
            "report fidelity --format csv, formula-like supplier names",
            "report",
            lambda folder: [],
            "report",
            flags=("report", "fidelity", "--by", "supplier", "--format", "csv"),
            setup=_payload_setup,
            point="9",
        ),
    ]


# --------------------------------------------------------------------------- running


@dataclass
class Run:
    wall: float
    peak_mb: float
    code: int | None  # None: killed by us
    signal: int | None
    stdout: str
    stderr: str
    timed_out: bool = False


def run_child(
    command: list[str],
    env: dict[str, str],
    cwd: Path,
    *,
    timeout: float,
    memory_cap: int,
    kill_after: float | None = None,
) -> Run:
    """Run one child with a memory cap; wall time and its own peak RSS (wait4)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_cap, memory_cap))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=cwd, preexec_fn=limit)
        fired = threading.Event()

        def kill() -> None:
            fired.set()
            process.send_signal(signal.SIGKILL)  # this child only; not reaped yet, so the pid is its own

        timer = threading.Timer(kill_after if kill_after is not None else timeout, kill)
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        killed_by = -process.returncode if process.returncode < 0 else None
        return Run(
            wall,
            usage.ru_maxrss / 1024,
            None if killed_by else process.returncode,
            killed_by,
            out.read(),
            err.read(),
            timed_out=fired.is_set() and kill_after is None,
        )


class Database:
    """Where the children import: SQLite copies of a template, or one PostgreSQL database."""

    def __init__(self, folder: Path, code: Path, python: str, url: str | None) -> None:
        from sqlalchemy import create_engine

        self.folder, self.code, self.python = folder, code, python
        self._admin = None
        if url is None:
            self.template = folder / "template.db"
            self._init(f"sqlite:///{self.template}")
            self.url = ""
        else:
            from sqlalchemy.engine import make_url

            name = f"avtalsfokus_probe_{uuid.uuid4().hex[:10]}"
            self._admin = create_engine(url, isolation_level="AUTOCOMMIT")
            with self._admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
            self._name = name
            self.url = make_url(url).set(database=name).render_as_string(hide_password=False)
            self._init(self.url)
        self.kind = "SQLite" if url is None else "PostgreSQL"

    def _init(self, url: str) -> None:
        result = subprocess.run(
            [self.python, "-m", "data_access", "init-db"],
            env=child_env(self.code, url),
            cwd=self.code,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise SystemExit(f"init-db failed:\n{result.stderr}")

    def fresh(self, key: str) -> str:
        """An empty migrated database for one probe; its URL."""
        if self._admin is None:
            target = self.folder / f"{key}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.template, target)
            return f"sqlite:///{target}"
        from sqlalchemy import create_engine, inspect

        engine = create_engine(self.url)
        try:
            with engine.begin() as connection:
                tables = [t for t in inspect(connection).get_table_names() if t != "alembic_version"]
                connection.exec_driver_sql(
                    "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
                )
        finally:
            engine.dispose()
        return self.url

    def drop(self, key: str) -> None:
        if self._admin is None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.folder / key}.db{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        if self._admin is not None:
            with self._admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)')
            self._admin.dispose()


def table_counts(url: str) -> dict[str, int]:
    """Rows in every table (read by reflection, so any version of the schema works)."""
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: connection.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one()
                for name in inspect(connection).get_table_names()
                if name != "alembic_version"
            }
    finally:
        engine.dispose()


def child_env(code: Path, url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "DATABASE_URL"))}
    env["DATABASE_URL"] = url
    env["PYTHONPATH"] = str(code)
    env.setdefault("USER", "probe")
    return env


@dataclass
class Result:
    probe: Probe
    run: Run | None
    outcome: str
    passed: bool
    why: str = ""
    extra: list[str] = field(default_factory=list)


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


_EXCEPTION_LINE = re.compile(r"[A-Za-z_][\w.]*(Error|Exception|Warning)\b")


def describe(run: Run) -> str:
    if run.timed_out:
        return f"killed at the {run.wall:.0f} s timeout"
    if run.signal is not None:
        return f"killed by signal {run.signal} ({signal.Signals(run.signal).name}) at {run.wall:.1f} s"
    if "Traceback" in run.stderr:
        lines = [line.strip() for line in run.stderr.splitlines() if line.strip()]
        raised = [line for line in lines if _EXCEPTION_LINE.match(line)]
        return f"exit {run.code}: traceback, {(raised or lines)[-1]}"
    if run.code == 0:
        return f"exit 0: {first_line(run.stdout)}"
    stderr = run.stderr.strip().splitlines()
    message = stderr[-1] if run.code == 2 and stderr else first_line(run.stderr)
    return f"exit {run.code}: {message.removeprefix('error: ')}"


def changes(before: dict[str, int], after: dict[str, int]) -> str:
    """``invoice_line +3, supplier +2``: the tables whose rows changed."""
    deltas = [(name, after.get(name, 0) - before.get(name, 0)) for name in sorted(set(before) | set(after))]
    return ", ".join(f"{name} {delta:+d}" for name, delta in deltas if delta) or "rows changed"


def judge(
    probe: Probe, run: Run, before: dict[str, int], after: dict[str, int]
) -> tuple[bool, str, list[str]]:
    """(passed, why not, notes) for one run."""
    notes: list[str] = []
    unchanged = before == after
    if probe.expect in ("refused", "usage", "killed"):
        notes.append("nothing imported" if unchanged else f"DATABASE CHANGED ({changes(before, after)})")
    elif probe.expect == "imported":
        notes.append(f"+{after.get(probe.table, 0) - before.get(probe.table, 0)} {probe.table}")
    if "Traceback" in run.stderr or "Traceback" in run.stdout:
        return False, "a traceback", notes
    if probe.expect == "killed":
        if run.signal != signal.SIGKILL or run.timed_out:
            return False, "finished before the kill", notes
        return unchanged, "" if unchanged else "half a batch", notes
    if run.timed_out or run.signal is not None:
        return False, "did not finish", notes
    wanted = {"refused": 1, "usage": 2, "imported": 0, "report": 0}[probe.expect]
    if run.code != wanted:
        return False, f"exit {run.code}, expected {wanted}", notes
    if probe.expect in ("refused", "usage") and not unchanged:
        return False, "the database changed", notes
    if probe.expect == "refused":
        message = run.stderr.removeprefix("error: ")
        if not SWEDISH.search(first_line(message)) or "Ingenting importerades" not in run.stderr:
            return False, "not a Swedish refusal", notes
        if probe.must and not re.search(probe.must, message):
            return False, f"message lacks /{probe.must}/", notes
        if probe.must_not and re.search(probe.must_not, message):
            return False, f"message says /{probe.must_not}/", notes
    grown = after.get(probe.table, 0) - before.get(probe.table, 0)
    if probe.expect == "imported" and grown != probe.lines:
        return False, f"+{grown} {probe.table}, expected +{probe.lines}", notes
    if probe.expect == "report":
        live = report_formula_cells(run.stdout)
        if live:
            return False, f"formula cells: {', '.join(repr(cell) for cell in live[:3])}", notes
        keys = [
            row[0] for row in csv.reader(io.StringIO(run.stdout)) if row and row[0][:2] in ("'=", "'+", "'@")
        ]
        notes.append(
            "payload keys written as " + ", ".join(keys[:3]) if keys else "no payload key in the report"
        )
    if run.wall > probe.seconds:
        return False, f"slower than {probe.seconds:g} s", notes
    if run.peak_mb > probe.megabytes:
        return False, f"more than {probe.megabytes:,} MB", notes
    return True, "", notes


_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def report_formula_cells(text: str) -> list[str]:
    """Cells a spreadsheet would run as a formula (OWASP: = + - @ tab CR first;
    a plain number such as -200.00 is a number)."""
    return [
        cell
        for row in csv.reader(io.StringIO(text))
        for cell in row
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(cell)
    ]


def run_probe(probe: Probe, database: Database, folder: Path, args: argparse.Namespace) -> Result:
    work = folder / probe.key
    work.mkdir()
    try:
        url = database.fresh(probe.key)
        env = child_env(args.code, url)
        for command in probe.setup(work) if probe.setup else []:
            subprocess.run(
                [args.python, "-m", "data_access", *command],
                env=env,
                cwd=args.code,
                capture_output=True,
                check=True,
            )
        files = [str(path) for path in probe.build(work)]
        if probe.kind == "report":
            command = [args.python, "-m", "data_access", *probe.flags]
        else:
            command = [args.python, "-m", "data_access", "import", probe.kind, *files, *probe.flags]
        kill_after = None
        calibration = ""
        if probe.kill_at is not None:
            full = run_child(command, env, args.code, timeout=args.timeout, memory_cap=args.memory_cap * MB)
            if full.code != 0:
                return Result(
                    probe, full, f"the full import failed: {describe(full)}", False, "no full import"
                )
            kill_after = probe.kill_at * full.wall
            calibration = f" (a full import took {full.wall:.1f} s)"
            url = database.fresh(probe.key)
        before = table_counts(url)
        run = run_child(
            command,
            env,
            args.code,
            timeout=args.timeout,
            memory_cap=args.memory_cap * MB,
            kill_after=kill_after,
        )
        after = table_counts(url)
        passed, why, notes = judge(probe, run, before, after)
        outcome = describe(run) + calibration
        return Result(probe, run, outcome, passed, why, notes)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        database.drop(probe.key)


def cell(text: str, width: int = 160) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= width else text[: width - 1] + "…"


def markdown(results: list[Result]) -> str:
    lines = [
        "| # | point | input | expected | outcome | time | peak memory | result |",
        "|---:|---|---|---|---|---:|---:|---|",
    ]
    for number, result in enumerate(results, start=1):
        run = result.run
        outcome = "; ".join([result.outcome, *result.extra])
        verdict = "pass" if result.passed else f"**FAIL** ({cell(result.why)})"
        measured = f"{run.wall:.2f} s | {run.peak_mb:,.0f} MB" if run else "– | –"
        lines.append(
            f"| {number} | {result.probe.point} | {cell(result.probe.title)} | "
            f"{cell(result.probe.expected_text())} | {cell(outcome)} | {measured} | {verdict} |"
        )
    return "\n".join(lines)


def code_version(code: Path) -> str:
    return describe_code(code, ["data_access"], unknown=f"{code} (not a git checkout)")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL; a fresh database is made on it")
    parser.add_argument("--only", action="append", default=[], metavar="KEY", help="run only these probes")
    parser.add_argument("--list", action="store_true", help="list the probes and exit")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a child is killed")
    parser.add_argument("--memory-cap", type=int, default=4096, help="MB of address space per child")
    parser.add_argument("--code", type=Path, default=REPO, help="the checkout whose data_access is run")
    parser.add_argument("--python", default=sys.executable, help="the interpreter for the children")
    parser.add_argument("--workdir", type=Path, help="where inputs are generated (default: a temp folder)")
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    parser.add_argument("--label", help="how the heading names the code (default: its git commit)")
    args = parser.parse_args(argv)
    args.code = args.code.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    chosen = probes()
    if args.list:
        for probe in chosen:
            print(f"{probe.key:28} {probe.point:8} {probe.title}")
        return 0
    if args.only:
        unknown = set(args.only) - {probe.key for probe in chosen}
        if unknown:
            raise SystemExit(f"unknown probes: {', '.join(sorted(unknown))} (see --list)")
        chosen = [probe for probe in chosen if probe.key in args.only]
    with tempfile.TemporaryDirectory(prefix="hostile-probe-", dir=args.workdir) as name:
        folder = Path(name)
        database = Database(folder, args.code, args.python, args.database_url)
        results = []
        try:
            for probe in chosen:
                print(f"{probe.key} ...", end=" ", flush=True, file=sys.stderr)
                try:
                    result = run_probe(probe, database, folder, args)
                except Exception as error:  # a broken probe is a failed row, not a stopped run
                    result = Result(
                        probe, None, f"probe failed: {type(error).__name__}: {error}", False, "probe error"
                    )
                results.append(result)
                timing = f"{result.run.wall:.2f} s, {result.run.peak_mb:,.0f} MB" if result.run else "-"
                print(
                    ("pass" if result.passed else f"FAIL ({result.why})") + f"  [{timing}]", file=sys.stderr
                )
        finally:
            database.close()
    passed = sum(result.passed for result in results)
    heading = (
        f"Hostile input probe: {database.kind}, code {args.label or code_version(args.code)}, "
        f"{time.strftime('%Y-%m-%d %H:%M')}, memory cap {args.memory_cap:,} MB, timeout {args.timeout:g} s: "
        f"{passed} of {len(results)} passed"
    )
    table = f"{heading}\n\n{markdown(results)}\n"
    print(table)
    if args.output:
        args.output.write_text(table)
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
