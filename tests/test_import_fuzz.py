"""Fuzzing the importers: random and mutated workbooks, CSVs and PEPPOL
documents go in through the same functions the import page and the CLI call.

Each example starts from valid generated files (an invoice export as CSV or
.xlsx, a contract register, an organisation file, an account plan, a PEPPOL
UBL invoice or a zip of them) filled with values drawn from what real exports
hold. About a third of the examples stay that clean (they must mostly
import, so the deep paths are reached); a third hold hostile values (huge,
empty, Unicode, control characters, formula, HTML and Markdown payloads,
wrong-but-real dates and numbers) under random, missing or duplicated
headers, in odd encodings and file names; a third are damaged: bytes mutated
(bit flips, truncation, inserted, deleted or repeated bytes, a foreign magic
number), zip members dropped, duplicated, added, stored or flagged encrypted,
sheet XML with injected cells and declarations, or random bytes.

The properties, on SQLite and on PostgreSQL:

* the only exceptions that escape are the importers' own
  (``ImportRefusedError`` and its subclasses, ``ValueProblemError``), each
  with a non-empty Swedish message that leaks no SQL or traceback;
* a refused import, and any preview, leaves the database exactly as it was
  (every row of every table);
* an accepted import leaves one complete batch: its lines, counts and totals
  agree with its summary, every line is classified, and the verdicts and
  summaries are exactly what reclassifying everything from scratch gives.

The CI run is small and reproducible (derandomized, no example database).
At the end of the module one line per test and backend says how many
examples ran and how they ended (imported, refused, exit codes).
``AVTALSFOKUS_FUZZ=long`` runs 1,000 random examples per test, and
``AVTALSFOKUS_FUZZ=<n>`` runs n: ``AVTALSFOKUS_FUZZ=long pytest tests/test_import_fuzz.py``
(add ``AVTALSFOKUS_FUZZ_SHRINK=0`` to see failures as found, unshrunk: shrinking
examples this large can take minutes).
Nothing hostile is committed: every file is generated here.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import warnings
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import nullcontext, redirect_stderr
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from data_access.access.viewer import system
from data_access.cli import main
from data_access.core.db import session_scope
from data_access.core.models import (
    Base,
    Category,
    Contract,
    ContractSupplier,
    ImportBatch,
    InvoiceLine,
    LineStatus,
    Supplier,
)
from data_access.core.orgnr import format_org_number, luhn_check_digit
from data_access.core.tables import SUMMARY_TABLES
from data_access.engine.classification import classify_lines
from data_access.importing.columns import ImportKind, field_specs
from data_access.importing.errors import ImportRefusedError, ValueProblemError
from data_access.importing.files import open_table
from data_access.importing.invoices import ImportOptions, InvoiceImportSummary
from data_access.importing.peppol import read_peppol_files
from data_access.importing.registers import RegisterImportSummary
from data_access.importing.service import (
    import_file,
    import_peppol_file,
    open_for_import,
    preview_import,
    problems_workbook,
    report_notes,
    with_columns,
)
from tests.factories import World
from tests.inputs import flag_encrypted
from ui.importing import peppol_frame

# --------------------------------------------------------------------------- settings


def _fuzz_settings(ci_examples: int) -> settings:
    """Small and derandomized in CI; ``AVTALSFOKUS_FUZZ=long`` (or a number)
    for a real hunt with fresh random examples."""
    choice = os.environ.get("AVTALSFOKUS_FUZZ", "ci")
    common = {
        "deadline": None,
        "database": None,  # nothing written to .hypothesis/; CI reruns the same examples
        "suppress_health_check": [
            # The engine fixture is per test; each example resets the database itself.
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    }
    if choice == "ci":
        return settings(max_examples=ci_examples, derandomize=True, **common)
    examples = 1000 if choice == "long" else int(choice)
    if os.environ.get("AVTALSFOKUS_FUZZ_SHRINK") == "0":  # a hunt: report failures as found
        common["phases"] = [Phase.explicit, Phase.reuse, Phase.generate]
    return settings(max_examples=examples, derandomize=False, **common)


# --------------------------------------------------------------------------- the tally


class _Tally:
    """How many examples each fuzz test ran, and how each ended: the figures a
    report on the fuzzing quotes (issue 14), printed when the module ends."""

    def __init__(self) -> None:
        self.cases: Counter[str] = Counter()
        self.outcomes: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.current = ""

    def case(self, test: str, engine: Engine) -> None:
        """One example of ``test`` starts on ``engine``'s backend."""
        self.current = f"{test}[{engine.dialect.name}]"
        self.cases[self.current] += 1

    def outcome(self, text: str) -> None:
        """How the current example's upload ended (also a Hypothesis event)."""
        event(text)
        self.outcomes[self.current][text] += 1

    def lines(self) -> list[str]:
        return [
            f"fuzz {name}: {count} cases; per upload: "
            + ", ".join(f"{text} {n}" for text, n in sorted(self.outcomes[name].items()))
            for name, count in sorted(self.cases.items())
        ]


TALLY = _Tally()


@pytest.fixture(scope="module", autouse=True)
def _print_the_tally(request: pytest.FixtureRequest) -> Iterator[None]:
    """Write the tally to the terminal (also under ``-q``) once the module ran."""
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture is not None else nullcontext():
        for line in TALLY.lines():
            if reporter is not None:
                reporter.write_line(line)
            else:
                print(line)


# --------------------------------------------------------------------------- values

MENIGO = "5560360793"
OTHER = "556000001" + luhn_check_digit("556000001")
FORMULAS = (
    '=HYPERLINK("http://127.0.0.1:9/x","Klicka här")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
)
MARKUP = (
    "<script>alert(1)</script>",
    '<img src="http://127.0.0.1:9/p.png">',
    "[Logga in här](http://127.0.0.1:9/phish)",
    "![i](http://127.0.0.1:9/p.png)",
    "**fet** _kursiv_ `kod` ~~x~~",
    "# Rubrik\n---",
    "&lt;&amp;&#0;",
    "]]><!--",
    "{{7*7}}${7*7}",
    "'; DROP TABLE supplier; --",
    "1' OR '1'='1",
    "%s%n\\",
)
ODD = (
    "",
    " ",
    "\u00a0",
    "\ufeff",
    "\u200b",
    "\u202eevil",
    "NULL",
    "None",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "-0",
    "0x1F",
    "١٢٣٤",
    "１２３",
    "Summa",
    "Totalt",
    "Grand total",
    "ÅÄÖ åäö é ü ß",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🧾",
    "\x00",
    "\x1b[31mröd",
    "a\nb",
    "a\r\nb",
    '"',
    '";"',
    "\x7f",
    "\ud800",
    "9" * 40,
    "-" + "9" * 30,
    "1" * 5000,
)
# Lengths around the schema's (codes 32, periods 7, references 64, names 200
# and 300, e-mail 254) and well past them.
LENGTHS = (7, 8, 20, 21, 32, 33, 40, 41, 64, 65, 70, 100, 101, 200, 201, 254, 255, 300, 301, 424, 5000)
FAR_LENGTHS = (70_000, 200_000)


@st.composite
def long_text(draw: st.DrawFn) -> str:
    length = draw(st.sampled_from(LENGTHS + FAR_LENGTHS))
    unit = draw(st.sampled_from(["x", "Å", "🧾", "=", " ", "a b ", "<b>", "9"]))
    return (unit * length)[:length]


hostile = st.one_of(
    st.sampled_from(FORMULAS),
    st.sampled_from(MARKUP),
    st.sampled_from(ODD),
    long_text(),
    st.text(max_size=30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.booleans(),
    st.none(),
)


def _amounts() -> st.SearchStrategy[object]:
    return st.one_of(
        st.decimals(min_value=-(10**7), max_value=10**7, places=2, allow_nan=False).map(float),
        st.sampled_from(["1 234,50", "−200,00", "1\u00a0000 kr", "99,90", "0", "-0,01"]),
        st.integers(-(10**6), 10**6),
    )


DAYS = st.dates(min_value=date(2015, 1, 1), max_value=date(2027, 12, 31))


def _dates() -> st.SearchStrategy[object]:
    return st.one_of(
        DAYS, DAYS.map(date.isoformat), DAYS.map(lambda day: day.strftime("%Y%m%d")), st.just(45731)
    )


ORG_NUMBERS = st.sampled_from(
    [format_org_number(MENIGO), MENIGO, f"SE{MENIGO}01", f"16{MENIGO}", format_org_number(OTHER)]
)
# What real exports hold that is wrong all the same: the validation report's business.
WRONG_BUT_REAL: dict[str, st.SearchStrategy[object]] = {
    "amount": st.sampled_from(["(100,00)", "1.234,5", "12 kr 50", "-"]),
    "date": st.sampled_from([45731.5, "2025-02-30", "14/3/2025", "0000-00-00", "3.14.2025"]),
    "org_number": st.sampled_from(["5560360794", "NULL", "556036-079", "GB983294"]),
    "manager_email": st.just("inte-en-adress"),
    "email": st.just("fel@"),
    "bid_count": st.sampled_from(["-1", "2,5", "många"]),
    "influenceable": st.just("kanske"),
    "valid_to": st.just("2014-12-31"),
}
NAMES = st.sampled_from(["Menigo Foodservice AB", "Martin & Servera AB", "Kalles Kiosk", "ICA Nära"])

VALID: dict[str, st.SearchStrategy[object]] = {
    "date": _dates(),
    "amount": _amounts(),
    "supplier_name": NAMES,
    "org_number": ORG_NUMBERS,
    "invoice_number": st.sampled_from(["F1", "F2", 12345, "2025-0001"]),
    "unit": st.sampled_from(["1001", "1002", "VOF 1001", 1003]),
    "department": st.sampled_from(["VOF", "SOC Socialförvaltningen", "Vård och omsorg"]),
    "account": st.sampled_from(["4010", "4010 Livsmedel", 4010, "5010", "46362 Köp medicinskt"]),
    "reference": st.sampled_from(["KS-1", "KS-2", "ADDA-17", "ks-1 "]),
    "name": st.sampled_from(["Livsmedel", "Kontorsmaterial", "IT-konsulter"]),
    "category": st.sampled_from(["Livsmedel", "Kontorsmaterial", "Lokalhyror"]),
    "valid_from": _dates(),
    "valid_to": _dates(),
    "manager_name": st.sampled_from(["Lars Lind", "Anna Berg"]),
    "manager_email": st.sampled_from(["lars.lind@x.example", "anna@x.example"]),
    "bid_count": st.sampled_from([1, 3, "3 st", 0, "2,0"]),
    "department_code": st.sampled_from(["VOF", "SOC", "KS"]),
    "department_name": st.sampled_from(["Vård och omsorg", "Socialförvaltningen"]),
    "unit_code": st.sampled_from(["1001", "1002", "2001"]),
    "unit_name": st.sampled_from(["Solgläntan", "Skolköket Norr"]),
    "contact_name": st.sampled_from(["Anna Berg", "Per Ek"]),
    "role": st.sampled_from(["Enhetschef", "Kostchef"]),
    "email": st.sampled_from(["anna.berg@x.example", "per@x.example"]),
    "phone": st.sampled_from(["08-123 45", "+46 70 123 45 67"]),
    "account_name": st.sampled_from(["Livsmedel", "Lokalhyra"]),
    "influenceable": st.sampled_from(["Ja", "Nej", "x", 1]),
}


# How hostile an example is: CLEAN files have the shapes and values of real
# exports (they must mostly import), HOSTILE ones hold hostile values and
# headers in a sound file, MUTATED ones are damaged or random bytes. Drawn
# first, so that each kind gets its share of the examples.
CLEAN, HOSTILE, MUTATED = 0, 1, 2
levels = st.sampled_from([CLEAN] * 7 + [HOSTILE] * 7 + [MUTATED] * 6)


def cell_for(name: str, level: int) -> st.SearchStrategy[object]:
    """A value real exports hold; when hostile, sometimes a hostile one."""
    valid = VALID.get(name, st.text(max_size=10))
    if level == CLEAN:
        return valid
    return st.one_of(valid, valid, valid, WRONG_BUT_REAL.get(name, valid), hostile)


# --------------------------------------------------------------------------- tables


@st.composite
def header_text(draw: st.DrawFn, spec_synonyms: tuple[str, ...], label: str, level: int) -> object:
    choice = draw(st.integers(0, 7 if level == CLEAN else 9))
    if choice <= 5:
        synonym = draw(st.sampled_from(spec_synonyms))
        return draw(st.sampled_from([synonym, synonym.upper(), synonym.title(), f" {synonym}.", synonym[:6]]))
    if choice <= 7:
        return label
    return draw(hostile)


@st.composite
def table_rows(draw: st.DrawFn, kind: ImportKind, level: int) -> list[list[object]]:
    """Title rows, a header row (fields in any order, some missing, some
    twice, extra columns) and data rows, some ragged, blank or totals."""
    specs = list(field_specs(kind))
    chosen = [spec for spec in specs if spec.required or draw(st.integers(0, 4)) > 0]
    chosen = draw(st.permutations(chosen))
    columns: list[tuple[object, str | None]] = [
        (draw(header_text(spec.synonyms, spec.label, level)), spec.name) for spec in chosen
    ]
    for _ in range(draw(st.integers(0, 2))):  # a duplicated column
        if columns:
            header, name = draw(st.sampled_from(columns))
            columns.insert(draw(st.integers(0, len(columns))), (header, name))
    extra = st.sampled_from(["Kommentar", "Moms", None]) if level == CLEAN else hostile
    for _ in range(draw(st.integers(0, 2))):  # extra columns the mapping must ignore
        columns.insert(draw(st.integers(0, len(columns))), (draw(extra), None))

    rows: list[list[object]] = []
    for _ in range(draw(st.integers(0, 2))):
        rows.append([draw(st.sampled_from(["Leverantörsfakturor", "Utdrag 2025-04-01", None, "=1+1"]))])
    rows.append([header for header, _ in columns])
    for _ in range(draw(st.integers(0, 10))):
        shape = draw(st.integers(0, 19))
        if shape == 0:
            rows.append([])
        elif shape == 1:
            rows.append(["Summa", *[None] * (len(columns) - 2), 1000.0])
        else:
            row = [draw(cell_for(name, level) if name else extra) for _, name in columns]
            if shape == 2:
                row = row[: draw(st.integers(0, len(row)))]
            elif shape == 3:
                row += [draw(extra)]
            rows.append(row)
    return rows


def _text_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


@st.composite
def csv_file(draw: st.DrawFn, rows: list[list[object]], level: int) -> bytes:
    clean = level == CLEAN
    delimiter = draw(st.sampled_from([";", ",", "\t"] + ([] if clean else ["|"])))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL] + ([] if clean else [csv.QUOTE_NONE])))
    newline = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=newline, escapechar="\\")
    fallback = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    for row in rows:
        cells = [_text_cell(value) for value in row]
        try:
            writer.writerow(cells)
        except csv.Error:  # QUOTE_NONE cannot write a lone empty field
            fallback.writerow(cells)
    encodings = ["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16"]
    if not clean:  # no BOM, a BOM that lies, what no Swedish system writes
        encodings += ["utf-16-le", "utf-32", "latin-1", "mac_roman", "shift_jis"]
    encoding = draw(st.sampled_from(encodings))
    return buffer.getvalue().encode(encoding, errors="replace")


def _xlsx_value(value: object) -> object:
    """What openpyxl can write; a string starting with = becomes a formula."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value.encode("utf-8", "ignore").decode("utf-8"))
        return value[:32767]
    if isinstance(value, float) and value != value:  # NaN: openpyxl writes it, but no reader wants it
        return "#NUM!"
    if isinstance(value, int) and abs(value) > 2**63:
        return str(value)
    return value


# Far cells: inside the sheet limits (200 columns), just past them, and
# Excel's last cell. Cells a million rows down are the probe's business.
FAR_CELLS = ("AB50", "GR10", "GS3", "XFD1048576", "A5000", "ZZ100000")


@st.composite
def xlsx_file(draw: st.DrawFn, rows: list[list[object]], level: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = draw(st.sampled_from(["Blad1", "Data", "Leverantörsfakturor 2025", "x" * 31]))
    if draw(st.integers(0, 5)) == 0:  # a hidden or an empty sheet before the data
        first = book.create_sheet("Dold", 0)
        first["A1"] = "uppslag"
        first.sheet_state = draw(st.sampled_from(["hidden", "visible"]))
    for row_number, row in enumerate(rows, start=1):
        for column_number, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=row_number, column=column_number, value=_xlsx_value(value))
    if level == MUTATED and draw(st.integers(0, 2)) == 0:
        sheet[draw(st.sampled_from(FAR_CELLS))] = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- mutations

MAGICS = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 24,
    b"MZ\x90\x00",
    b"\x7fELF\x02\x01\x01",
    b"%PDF-1.7\n",
    b"<html><body>",
    b"PK\x03\x04",
    b"PK\x05\x06" + b"\x00" * 18,
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>',
    b"\x1f\x8b\x08",
)

byte_op = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 2**31), st.integers(0, 7)),
    st.tuples(st.just("truncate"), st.integers(0, 2**31)),
    st.tuples(
        st.just("insert"), st.integers(0, 2**31), st.binary(min_size=1, max_size=16) | st.sampled_from(MAGICS)
    ),
    st.tuples(st.just("delete"), st.integers(0, 2**31), st.integers(1, 64)),
    st.tuples(st.just("repeat"), st.integers(0, 2**31), st.integers(1, 64), st.integers(2, 50)),
    st.tuples(st.just("prefix"), st.sampled_from(MAGICS)),
)


def mutate(data: bytes, ops: list[tuple]) -> bytes:
    """Apply byte-level operations; positions wrap around the data."""
    buffer = bytearray(data)
    for op in ops:
        where = op[1] % (len(buffer) + 1) if len(op) > 1 and isinstance(op[1], int) else 0
        if op[0] == "flip" and buffer:
            buffer[where % len(buffer)] ^= 1 << op[2]
        elif op[0] == "truncate":
            del buffer[where:]
        elif op[0] == "insert":
            buffer[where:where] = op[2]
        elif op[0] == "delete":
            del buffer[where : where + op[2]]
        elif op[0] == "repeat":
            buffer[where:where] = bytes(buffer[where : where + op[2]]) * op[3]
        elif op[0] == "prefix":
            buffer[0:0] = op[1]
    return bytes(buffer)


# Cells and declarations written straight into a worksheet's XML: what
# openpyxl would never write but a hand-made file can hold.
SHEET_INJECTIONS = (
    '<row r="2"><c r="B2" t="s"><v>999999</v></c></row>',
    '<row r="2"><c r="B2" t="n"><v>1e400</v></c><c r="C2"><v>NaN</v></c></row>',
    '<row r="2"><c r="B2" t="d"><v>inte-ett-datum</v></c></row>',
    '<row r="2"><c r="B2" t="b"><v>7</v></c><c r="C2" t="e"><v>#REF!</v></c></row>',
    '<row r="2"><c r="B2" t="inlineStr"><is><t>=HYPERLINK("http://127.0.0.1:9")</t></is></c></row>',
    '<row r="2"><c r="B2" t="str"><v>&#27;[31m</v></c></row>',
    '<row r="2"><c r="B2" s="9999"><v>45000</v></c></row>',
    '<row r="1048577"><c r="A1048577"><v>1</v></c></row>',
    '<row r="3"><c r="XFE3"><v>1</v></c></row>',
    '<row r="3"><c r="AAAA3"><v>1</v></c></row>',
    '<row r="0"><c r="A0"><v>1</v></c></row>',
    '<row r="-1"><c><v>1</v></c></row>',
    '<row r="4"><c r="D4"><f>SUM(A1:A3)</f><v>6</v></c></row>',
    '<row r="5"><c r="B5" t="s"><v>-1</v></c></row>',
    '<row r="6">\x01</row>',
)
DIMENSIONS = ("A1:XFD1048576", "A1:ZZ100000", "A1", "", "B2:A1", "A0:A0", "A1:A1048576")
PROLOGS = (
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>',
    '<!DOCTYPE worksheet SYSTEM "file:///etc/passwd">',
    "<!-- " + "x" * 70_000 + " -->",
)

zip_op = st.one_of(
    st.tuples(st.just("bytes"), st.integers(0, 50), st.lists(byte_op, min_size=1, max_size=3)),
    st.tuples(st.just("drop"), st.integers(0, 50)),
    st.tuples(st.just("duplicate"), st.integers(0, 50)),
    st.tuples(
        st.just("add"),
        st.sampled_from(
            [
                "x.bin",
                "xl/media/a.png",
                "../../evil.xml",
                "__MACOSX/._a.xml",
                "xl/worksheets/sheet9.xml",
                "a/" * 40 + "b.xml",
                "dir/",
            ]
        ),
        st.binary(max_size=64),
    ),
    st.tuples(st.just("stored"), st.integers(0, 50)),
    st.tuples(st.just("encrypted"), st.integers(0, 50)),
    st.tuples(st.just("inject"), st.sampled_from(SHEET_INJECTIONS)),
    st.tuples(st.just("dimension"), st.sampled_from(DIMENSIONS)),
    st.tuples(st.just("prolog"), st.sampled_from(PROLOGS)),
)


@dataclass
class _Member:
    name: str
    content: bytes
    compression: int = zipfile.ZIP_DEFLATED
    flags: int = 0


def mutate_zip(data: bytes, ops: list[tuple]) -> bytes:
    """Rewrite a zip with changed members (valid CRCs: the reader gets past the zip layer)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [_Member(info.filename, archive.read(info)) for info in archive.infolist()]
    for op in ops:
        if op[0] == "add":
            members.append(_Member(op[1], op[2]))
            continue
        if op[0] in ("inject", "dimension", "prolog"):
            for member in members:
                if member.name.startswith("xl/worksheets/sheet") and member.name.endswith(".xml"):
                    member.content = _edit_sheet(member.content, op)
                    break
            continue
        if not members:
            continue
        member = members[op[1] % len(members)]
        if op[0] == "bytes":
            member.content = mutate(member.content, op[2])
        elif op[0] == "drop":
            members.remove(member)
        elif op[0] == "duplicate":
            members.append(_Member(member.name, member.content + b" "))
        elif op[0] == "stored":
            member.compression = zipfile.ZIP_STORED
        elif op[0] == "encrypted":
            member.flags |= 0x1
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point
        with zipfile.ZipFile(buffer, "w") as archive:
            for member in members:
                info = zipfile.ZipInfo(member.name, date_time=(2025, 1, 1, 0, 0, 0))
                info.compress_type = member.compression
                archive.writestr(info, member.content)
    data = buffer.getvalue()
    for member in members:
        if member.flags & 0x1:
            data = flag_encrypted(data, member.name)
    return data


def _edit_sheet(content: bytes, op: tuple) -> bytes:
    text = content.decode("utf-8", "replace")
    if op[0] == "inject":
        text = re.sub(
            r"<sheetData>|<sheetData/>",
            lambda m: "<sheetData>" + op[1] + ("</sheetData>" if m.group(0).endswith("/>") else ""),
            text,
            count=1,
        )
    elif op[0] == "dimension":
        text = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{op[1]}"', text, count=1)
    elif op[0] == "prolog":
        text = re.sub(r"(<\?xml[^>]*\?>)", lambda m: m.group(1) + op[1], text, count=1)
    return text.encode("utf-8")


# --------------------------------------------------------------------------- PEPPOL

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def _maybe(
    draw: st.DrawFn, valid: st.SearchStrategy[object], level: int, required: bool = False
) -> str | None:
    """A field's text: valid, absent, or (when hostile) a hostile value."""
    choice = draw(st.integers(0, 7))
    if choice == 0 and not (required and level == CLEAN):
        return None
    value = draw(hostile) if choice == 1 and level != CLEAN else draw(valid)
    return None if value is None else _text_cell(value)


def _element(tag: str, text: str | None, attributes: str = "") -> str:
    return "" if text is None else f"<{tag}{attributes}>{escape(text)}</{tag}>"


@st.composite
def peppol_document(draw: st.DrawFn, level: int) -> str:
    """One UBL Invoice or CreditNote, as text: valid fields mostly, hostile sometimes."""
    credit = draw(st.booleans())
    root, line_tag = ("CreditNote", "CreditNoteLine") if credit else ("Invoice", "InvoiceLine")
    namespace = draw(
        st.sampled_from(
            [CREDIT_NOTE_NS if credit else INVOICE_NS] * 6
            + (
                []
                if level == CLEAN
                else [
                    "urn:sfti:documents:BasicInvoice:1:0",
                    "",
                    "urn:oasis:names:specification:ubl:schema:xsd:Order-2",
                ]
            )
        )
    )
    amount_text = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False).map(str)
    if level != CLEAN:
        amount_text |= st.sampled_from(
            ["1000.00", "1e3", "NaN", "1,5", "9" * 40, "", "-0.00", "1436.555", "١٠٠"]
        )
    lines = []
    for index in range(draw(st.integers(0, 4))):
        amount = _maybe(draw, amount_text, level, required=True)
        currency = _maybe(draw, st.sampled_from(["SEK", "EUR", ""]), level)
        lines.append(
            f"<cac:{line_tag}>"
            + _element("cbc:ID", _maybe(draw, st.just(str(index + 1)), level))
            + _element("cbc:LineExtensionAmount", amount, f" currencyID={quoteattr(currency or 'SEK')}")
            + _element(
                "cbc:AccountingCost", _maybe(draw, st.sampled_from(["4010", "4010:123:4343", "x"]), level)
            )
            + "<cac:Item>"
            + _element("cbc:Name", _maybe(draw, st.sampled_from(["Kaffe", "Mjölk"]), level))
            + "</cac:Item>"
            + f"</cac:{line_tag}>"
        )
    scheme = _maybe(draw, st.sampled_from(["0007", "0088", "9955"]), level)
    seller = (
        "<cac:AccountingSupplierParty><cac:Party>"
        + _element("cac:PartyName", None)
        + "<cac:PostalAddress><cac:Country>"
        + _element("cbc:IdentificationCode", _maybe(draw, st.sampled_from(["SE", "GB", "se"]), level))
        + "</cac:Country></cac:PostalAddress>"
        + "<cac:PartyTaxScheme>"
        + _element(
            "cbc:CompanyID", _maybe(draw, st.sampled_from([f"SE{MENIGO}01", f"SE{OTHER}01", "SE123"]), level)
        )
        + "</cac:PartyTaxScheme>"
        + "<cac:PartyLegalEntity>"
        + _element("cbc:RegistrationName", _maybe(draw, NAMES, level))
        + _element(
            "cbc:CompanyID",
            _maybe(draw, ORG_NUMBERS, level),
            "" if scheme is None else f" schemeID={quoteattr(scheme)}",
        )
        + "</cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>"
    )
    if level != CLEAN and draw(st.integers(0, 9)) == 0:
        seller = ""
    type_tag = "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode"
    body = (
        _element("cbc:ID", _maybe(draw, st.sampled_from(["F-1", "F-2", "2025-0001"]), level, required=True))
        + _element(
            "cbc:IssueDate",
            _maybe(draw, ISSUE_DATES if level == CLEAN else _dates().map(_text_cell), level, required=True),
        )
        + _element(type_tag, _maybe(draw, st.sampled_from(["380", "381", "384", "71"]), level))
        + _element(
            "cbc:DocumentCurrencyCode",
            _maybe(draw, st.sampled_from(["SEK", "EUR", "sek"]), level, required=True),
        )
        + _element("cbc:AccountingCost", _maybe(draw, st.sampled_from(["4010", "5010:1"]), level))
        + _element("cbc:BuyerReference", _maybe(draw, st.sampled_from(["1001", "1002", "0150abc"]), level))
        + "<cac:ContractDocumentReference>"
        + _element("cbc:ID", _maybe(draw, st.sampled_from(["KS-1", "KS-2"]), level))
        + "</cac:ContractDocumentReference>"
        + seller
        + "".join(lines)
    )
    return f'<{root} xmlns="{namespace}" xmlns:cac="{CAC_NS}" xmlns:cbc="{CBC_NS}">{body}</{root}>'


@st.composite
def peppol_xml(draw: st.DrawFn, level: int) -> bytes:
    documents = [draw(peppol_document(level)) for _ in range(draw(st.integers(1, 2)))]
    text = documents[0] if len(documents) == 1 else "<testSet>" + "".join(documents) + "</testSet>"
    encoding = draw(
        st.sampled_from(["UTF-8"] * 5 + ["ISO-8859-1", "UTF-16", None] + ["bogus-8"] * (level > CLEAN))
    )
    prolog = "" if encoding is None else f'<?xml version="1.0" encoding="{encoding}"?>'
    if level == MUTATED and draw(st.integers(0, 3)) == 0:
        prolog += draw(
            st.sampled_from(
                [
                    '<!DOCTYPE Invoice [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>',
                    '<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
                ]
            )
        )
    codec = {"ISO-8859-1": "latin-1", "UTF-16": "utf-16"}.get(encoding or "", "utf-8")
    return (prolog + text).encode(codec, errors="xmlcharrefreplace" if codec != "utf-8" else "replace")


@st.composite
def peppol_zip(draw: st.DrawFn, level: int) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for index in range(draw(st.integers(level == CLEAN, 3))):
                archive.writestr(f"faktura-{index}.xml", draw(peppol_xml(level)))
            for _ in range(draw(st.integers(0, 2))):
                name = draw(
                    st.sampled_from(
                        [
                            "readme.txt",
                            "__MACOSX/._faktura-0.xml",
                            "../x.xml",
                            "dir/",
                            "bild.png",
                            "faktura-0.xml",
                            "\x01.xml",
                        ]
                    )
                )
                archive.writestr(name, draw(st.binary(max_size=64)))
    return buffer.getvalue()


# --------------------------------------------------------------------------- files

EXTENSIONS = {"csv": ".csv", "xlsx": ".xlsx", "xml": ".xml", "zip": ".zip"}
ODD_NAMES = (
    "x" * 301,
    "Å" * 120,
    "<img src=x>",
    "[a](http://127.0.0.1:9)",
    "../../etc/passwd",
    "=1+1",
    "a\nb",
    "",
)


@st.composite
def file_name(draw: st.DrawFn, kind: str, level: int) -> str:
    """The file's own extension; when hostile, sometimes another (renamed files) or an odd stem."""
    stem = st.sampled_from(["export", "fakturor 2025-03", "Leverantörsfakturor"])
    extension = st.just(EXTENSIONS[kind])
    if level != CLEAN:
        stem |= st.sampled_from(ODD_NAMES)
        extension = st.sampled_from([EXTENSIONS[kind]] * 4 + list(EXTENSIONS.values()) + [".txt", ""])
    return draw(stem) + draw(extension)


def random_upload(draw: st.DrawFn, extensions: list[str], level: int) -> tuple[str, bytes]:
    """(name, bytes) of no real file: a known format's first bytes or none,
    then random bytes, under a name ending in one of ``extensions``."""
    data = draw(st.sampled_from(MAGICS) | st.just(b"")) + draw(st.binary(max_size=2048))
    return draw(file_name(draw(st.sampled_from(extensions)), level)), data


def damaged(draw: st.DrawFn, data: bytes, level: int, *, archive: bool) -> bytes:
    """The file as generated, or when mutated damaged: an archive (.xlsx, .zip)
    half the time member by member, otherwise byte by byte."""
    if level != MUTATED:
        return data
    if archive and draw(st.booleans()):
        return mutate_zip(data, draw(st.lists(zip_op, min_size=1, max_size=3)))
    return mutate(data, draw(st.lists(byte_op, min_size=1, max_size=4)))


@st.composite
def tabular_upload(draw: st.DrawFn, kind: ImportKind, level: int) -> tuple[str, bytes]:
    """(name, bytes) of a generated table; when mutated, damaged or random bytes."""
    shape = draw(st.sampled_from(["csv", "xlsx"] + ["random"] * (level == MUTATED)))
    if shape == "random":
        return random_upload(draw, ["csv", "xlsx"], level)
    rows = draw(table_rows(kind, level))
    data = draw(csv_file(rows, level) if shape == "csv" else xlsx_file(rows, level))
    data = damaged(draw, data, level, archive=shape == "xlsx")
    return draw(file_name(shape, level)), data


@st.composite
def peppol_upload(draw: st.DrawFn, level: int) -> tuple[str, bytes]:
    shape = draw(st.sampled_from(["xml", "xml", "zip"] + ["random"] * (level == MUTATED)))
    if shape == "random":
        return random_upload(draw, ["xml", "zip"], level)
    data = draw(peppol_xml(level) if shape == "xml" else peppol_zip(level))
    data = damaged(draw, data, level, archive=shape == "zip")
    return draw(file_name(shape, level)), data


ISSUE_DATES = DAYS.map(date.isoformat) | st.just("2024-03-01Z")
CLEAN_PERIODS = st.sampled_from([None, "2025-03", "2016-03"])
CLEAN_USERS = st.sampled_from([None, "Anna Berg", "anna@x.example"])
periods = st.one_of(
    CLEAN_PERIODS,
    st.sampled_from(
        ["2025-03", "2016-03", "2016-03-01", "mars 2016", "2025-13", "0000-00", " 2025-03 ", "2025-3"]
    ),
    st.text(max_size=12),
    long_text(),
)
users = st.one_of(
    st.none(), st.sampled_from(["Anna Berg", "anna@x.example"]), long_text(), st.text(max_size=20)
)

# --------------------------------------------------------------------------- the database

TABLES = Base.metadata.sorted_tables
APP_ERRORS = (ImportRefusedError, ValueProblemError)
SWEDISH = re.compile(
    r"[åäöÅÄÖ]|\b(inte|och|är|kan|har|saknar|filen|rad|rader|för|som|till|med|ingen|inga|välj|ange)\b",
    re.IGNORECASE,
)
LEAKS = ("Traceback", "[SQL:", "sqlalchemy", "psycopg", "sqlite3.", "(Background on this error")


def reset(engine: Engine) -> None:
    """Empty the database and lay down a small world the files can meet:
    a department and unit, a supplier on a contract, a mapped account."""
    with engine.begin() as connection:
        for table in reversed(TABLES):
            connection.execute(delete(table))
    with session_scope(engine) as session:
        world = World(session)
        department = world.department("VOF", "Vård och omsorg")
        world.unit("1001", department, "Solgläntan")
        food = world.category("Livsmedel")
        world.account("4010", food)
        menigo = Supplier(org_number=MENIGO, name="Menigo Foodservice AB")
        session.add(menigo)
        session.flush()
        world.contract("KS-1", food, [menigo], date(2015, 1, 1), date(2027, 12, 31))


def snapshot(engine: Engine) -> dict[str, list[str]]:
    """Every row of every table (the test databases are tiny)."""
    with engine.connect() as connection:
        return {
            table.name: sorted(repr(tuple(row)) for row in connection.execute(select(table)))
            for table in TABLES
        }


def counts(state: dict[str, list[str]]) -> Counter[str]:
    return Counter({name: len(rows) for name, rows in state.items()})


def assert_clear_refusal(error: BaseException) -> None:
    message = str(error)
    assert message.strip(), f"{type(error).__name__} without a message"
    assert SWEDISH.search(message), f"not a Swedish message: {message!r}"
    for leak in LEAKS:
        assert leak not in message, f"the message leaks {leak!r}: {message!r}"


def assert_engine_agrees(engine: Engine) -> None:
    """Every line is classified, and the verdicts and summaries landed are
    exactly what reclassifying every line from scratch gives."""
    line = InvoiceLine.__table__
    verdict = select(
        line.c.id, line.c.category_id, line.c.status, line.c.contract_id, line.c.supplier_contracted
    )
    with Session(engine) as session:
        landed = sorted(session.execute(verdict).all())
        assert all(row.status != LineStatus.PENDING.value for row in landed)
        summaries = {table.name: _summary_totals(session, table) for table in SUMMARY_TABLES}
        classify_lines(session)
        assert sorted(session.execute(verdict).all()) == landed
        assert {table.name: _summary_totals(session, table) for table in SUMMARY_TABLES} == summaries
        session.rollback()


def _summary_totals(session: Session, table) -> dict[tuple, tuple[Decimal, int]]:
    keys = [column for column in table.c if column.name not in ("id", "amount", "line_count")]
    totals: dict[tuple, list] = {}
    for row in session.execute(select(*keys, table.c.amount, table.c.line_count)):
        total = totals.setdefault(tuple(row[: len(keys)]), [Decimal(0), 0])
        total[0] += Decimal(row.amount)
        total[1] += row.line_count
    return {key: (amount, lines) for key, (amount, lines) in totals.items() if lines}


def assert_complete_batch(
    engine: Engine,
    before: dict[str, list[str]],
    summary: InvoiceImportSummary | RegisterImportSummary,
) -> dict[str, list[str]]:
    """Check the batch an import reported against the database; return the database's rows."""
    after = snapshot(engine)
    grown = counts(after) - counts(before)
    assert summary.batch_id is not None
    with Session(engine) as session:
        batch = session.get(ImportBatch, summary.batch_id)
        assert batch is not None and batch.undone_at is None
        assert batch.row_count == summary.rows_read
        if isinstance(summary, InvoiceImportSummary):
            amounts = session.scalars(
                select(InvoiceLine.amount).where(InvoiceLine.batch_id == batch.id)
            ).all()
            assert len(amounts) == summary.imported == batch.imported_count
            assert sum(amounts, Decimal(0)) == summary.imported_total == batch.imported_amount
            assert summary.rows_read == summary.imported + summary.skipped + summary.duplicates
            assert batch.total_amount == summary.file_total
            assert grown["invoice_line"] == summary.imported
            assert grown["supplier"] == summary.new_suppliers
            assert grown["unit"] == summary.new_units
            assert grown["department"] == summary.new_departments
            assert grown["account"] == summary.new_accounts
            for untouched in ("contract", "contract_supplier", "category", "person", "unit_contact"):
                assert after[untouched] == before[untouched], untouched
        else:
            assert batch.imported_count == summary.created + summary.updated
            assert len(after["invoice_line"]) == len(before["invoice_line"])
    assert grown["import_batch"] == 1
    assert_engine_agrees(engine)
    return after


class FuzzWorld:
    """The world every example starts from (``reset``). It is laid down again
    only after an example changed the database: a refused import must leave it
    exactly as it was, which the example asserts, so the next one can start
    from it as it is. On PostgreSQL that halves the time an example takes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._rows: dict[str, list[str]] | None = None

    def start(self) -> dict[str, list[str]]:
        """The world's rows; the example owns them until it gives them back."""
        if self._rows is None:
            reset(self.engine)
            self._rows = snapshot(self.engine)
        rows, self._rows = self._rows, None
        return rows

    def give_back(self, rows: dict[str, list[str]]) -> None:
        """The example left the database as it found it."""
        self._rows = rows


@pytest.fixture
def world(engine: Engine) -> FuzzWorld:
    return FuzzWorld(engine)


# --------------------------------------------------------------------------- the import page's path


def through_the_page(
    engine: Engine,
    before: dict[str, list[str]],
    kind: ImportKind,
    name: str,
    data: bytes,
    *,
    remap: dict[str, int | None],
    period: str | None,
    skip_invalid: bool,
    user: str | None,
) -> dict[str, list[str]]:
    """What pages/import_data.py does with an upload: open and guess the
    mapping, apply the user's corrections, preview and report, import.
    ``before`` is the database's rows; returns them as the upload left them."""
    step = "open"
    acting = system(user or "Importören")  # the page records the signed-in viewer
    try:
        with Session(engine) as session:
            opened = open_for_import(session, kind, name, data=data, acting=acting)
        step = "preview"
        if remap:
            width = len(opened.mapping.headers)
            opened = with_columns(
                opened,
                {field: None if index is None else index % max(width, 1) for field, index in remap.items()},
            )
        with Session(engine) as session:
            preview = preview_import(session, opened, ImportOptions(period=period), acting=acting)
        report_notes(preview)
        if preview.summary.problems:
            problems_workbook(preview)
    except APP_ERRORS as error:
        TALLY.outcome(f"{kind.value}: refused at {step}")
        assert_clear_refusal(error)
        assert snapshot(engine) == before
        return before
    assert snapshot(engine) == before, "the preview wrote to the database"

    options = ImportOptions(period=period, skip_invalid=skip_invalid)
    try:
        with session_scope(engine) as session:
            summary = import_file(session, opened, options, acting=acting)
    except APP_ERRORS as error:
        TALLY.outcome(f"{kind.value}: refused at import ({type(error).__name__})")
        assert_clear_refusal(error)
        assert snapshot(engine) == before
        return before
    TALLY.outcome(f"{kind.value}: imported")
    assert summary.rows_read == preview.summary.rows_read, "the preview read another file than the import"
    return assert_complete_batch(engine, before, summary)


def through_the_peppol_page(
    engine: Engine, before: dict[str, list[str]], name: str, data: bytes, user: str | None
) -> dict[str, list[str]]:
    """What the import page does with e-invoices: list them, then import."""
    try:
        documents = read_peppol_files(name, data)
        peppol_frame(documents)
        with session_scope(engine) as session:
            summary = import_peppol_file(session, name, data, acting=system(user or "Importören"))
    except APP_ERRORS as error:
        TALLY.outcome("peppol: refused")
        assert_clear_refusal(error)
        assert snapshot(engine) == before
        return before
    TALLY.outcome("peppol: imported")
    assert summary.rows_read == sum(len(document.lines) for document in documents)
    return assert_complete_batch(engine, before, summary)


remaps = st.one_of(
    st.just({}),
    st.dictionaries(
        st.sampled_from(sorted({spec.name for kind in ImportKind for spec in field_specs(kind)})),
        st.none() | st.integers(0, 30),
        max_size=3,
    ),
)


@st.composite
def page_case(draw: st.DrawFn) -> dict[str, object]:
    kind = draw(st.sampled_from([ImportKind.INVOICES, ImportKind.INVOICES, *ImportKind]))
    level = draw(levels)
    name, data = draw(tabular_upload(kind, level))
    specs = {spec.name for spec in field_specs(kind)}
    remap = {field: index for field, index in draw(remaps).items() if field in specs}
    return {
        "kind": kind,
        "name": name,
        "data": data,
        "remap": remap,
        "period": draw(CLEAN_PERIODS if level == CLEAN else periods),
        "skip_invalid": draw(st.booleans()),
        "user": draw(CLEAN_USERS if level == CLEAN else users),
        "twice": draw(st.integers(0, 4)) == 0,
    }


@_fuzz_settings(ci_examples=150)
@given(case=page_case())
def test_tabular_uploads_through_the_import_page(
    engine: Engine, world: FuzzWorld, case: dict[str, object]
) -> None:
    TALLY.case("tabular uploads", engine)
    before = rows = world.start()
    arguments = {key: case[key] for key in ("remap", "period", "skip_invalid", "user")}
    for _ in range(2 if case["twice"] else 1):  # the second time: the same file again
        rows = through_the_page(engine, rows, case["kind"], case["name"], case["data"], **arguments)
    if rows is before:
        world.give_back(before)


@_fuzz_settings(ci_examples=120)
@given(upload=levels.flatmap(peppol_upload), user=users, twice=st.booleans())
def test_peppol_uploads_through_the_import_page(
    engine: Engine, world: FuzzWorld, upload: tuple[str, bytes], user: str | None, twice: bool
) -> None:
    TALLY.case("peppol uploads", engine)
    before = rows = world.start()
    for _ in range(2 if twice else 1):
        rows = through_the_peppol_page(engine, rows, *upload, user)
    if rows is before:
        world.give_back(before)


# --------------------------------------------------------------------------- the CLI's path

CLI_KINDS = {kind.value: kind for kind in ImportKind}
SAFE_NAME = re.compile(r"[^\w .,()+=\-åäöÅÄÖ]")


@st.composite
def cli_case(draw: st.DrawFn) -> dict[str, object]:
    kind = draw(st.sampled_from(["invoices", "invoices", "peppol", *CLI_KINDS]))
    level = draw(levels)
    files = []
    for _ in range(draw(st.integers(1, 2))):
        level_of_file = draw(st.sampled_from([level, CLEAN]))  # a sound file beside a damaged one
        upload = (
            peppol_upload(level_of_file)
            if kind == "peppol"
            else tabular_upload(CLI_KINDS[kind], level_of_file)
        )
        name, data = draw(upload)
        files.append((SAFE_NAME.sub("_", name)[:200].strip(". ") or "fil", data))
    flags: list[str] = []
    period = draw(CLEAN_PERIODS if level == CLEAN else periods)
    if period is not None:
        flags += ["--period", period.replace("\x00", "")]
    user = draw(CLEAN_USERS if level == CLEAN else users)
    if user is not None:
        flags += ["--user", user.replace("\x00", "")]
    if draw(st.booleans()):
        flags.append("--skip-invalid")
    return {"kind": kind, "files": files, "flags": flags}


@_fuzz_settings(ci_examples=60)
@given(case=cli_case())
def test_cli_imports_all_or_nothing(engine: Engine, world: FuzzWorld, case: dict[str, object]) -> None:
    """``python -m data_access import KIND FILE... [flags]``: exit 0 with a
    batch per file, 1 with a Swedish message and nothing written, or 2 for a
    usage error; never a traceback."""
    TALLY.case("cli imports", engine)
    before = world.start()
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for position, (name, data) in enumerate(case["files"]):
            path = Path(folder) / str(position) / name
            path.parent.mkdir()
            path.write_bytes(data)
            paths.append(str(path))
        errors, out = io.StringIO(), io.StringIO()
        with redirect_stderr(errors):
            try:
                code = main(["import", case["kind"], *paths, *case["flags"]], out=out)
            except SystemExit as exit_:  # argparse: a usage error
                code = exit_.code
    message = errors.getvalue()
    TALLY.outcome(f"cli {case['kind']}: exit {code}")
    assert code in (0, 1, 2), (code, message)
    if code:
        assert snapshot(engine) == before
    if code == 1:
        assert message.startswith("error: ") and "Ingenting importerades." in message, message
        assert_clear_refusal(ImportRefusedError(message.removeprefix("error: ").split("\n")[0]))
    if code == 0:
        grown = counts(snapshot(engine)) - counts(before)
        assert grown["import_batch"] == len(paths)
        with Session(engine) as session:
            for batch in session.scalars(select(ImportBatch)):
                lines = session.scalars(select(InvoiceLine.id).where(InvoiceLine.batch_id == batch.id)).all()
                assert len(lines) == (batch.imported_count if batch.kind in ("invoices", "peppol") else 0)
        assert_engine_agrees(engine)
    else:
        world.give_back(before)


def test_the_fuzz_world_is_a_valid_start(engine: Engine) -> None:
    """The world every example starts from classifies as the tests assume."""
    reset(engine)
    with Session(engine) as session:
        assert session.scalar(select(Contract.reference)) == "KS-1"
        assert session.scalar(select(Category.name)) == "Livsmedel"
        assert len(session.scalars(select(ContractSupplier)).all()) == 1
    assert_engine_agrees(engine)


# --------------------------------------------------------------------------- what the fuzz found


def test_validation_report_of_a_cell_with_control_characters_downloads(engine: Engine) -> None:
    """Found by the fuzz: a backspace in a cell reached the validation
    report's Excel file, and openpyxl refused to write it
    (IllegalCharacterError), so "Ladda ner valideringsrapporten" failed."""
    rows = ["Leverantör;Organisationsnummer;Ansvar;Konto;Belopp"]
    rows += [
        f"Menigo Foodservice AB;556036-0793;1001;4010;{amount}" for amount in ("100,00", "\x08", "200,00")
    ]
    with Session(engine) as session:
        opened = open_for_import(
            session, ImportKind.INVOICES, "f.csv", data="\n".join(rows).encode(), acting=system("test")
        )
    with Session(engine) as session:
        preview = preview_import(session, opened, ImportOptions(period="2025-03"), acting=system("test"))
    assert [problem.value for problem in preview.summary.problems] == ["\x08"]
    sheet = openpyxl.load_workbook(io.BytesIO(problems_workbook(preview))).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "\ufffd" in values  # the character shows as a replacement mark, not as nothing


def _small_workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Leverantör", "Belopp"])
    book.active.append(["Menigo Foodservice AB", 100])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip_with_version_needed(data: bytes, version: int) -> bytes:
    """The central directory's "version needed to extract" set to ``version``
    (8.4 is no version zipfile knows)."""
    buffer = bytearray(data)
    directory = buffer.index(b"PK\x01\x02")
    buffer[directory + 6 : directory + 8] = version.to_bytes(2, "little")
    return bytes(buffer)


@pytest.mark.parametrize("given_as", ["data", "path"])
def test_a_workbook_cut_at_the_start_is_refused(tmp_path: Path, given_as: str) -> None:
    """Found by the fuzz: with bytes missing near its start, a workbook's
    directory points before the file, and zipfile's negative seek escaped as
    ValueError (bytes) or OSError (a path) instead of a refusal."""
    data = mutate(_small_workbook(), [("delete", 7, 64)])
    path = tmp_path / "f.xlsx"
    path.write_bytes(data)
    with pytest.raises(ImportRefusedError, match="skadad"):
        if given_as == "data":
            open_table("f.xlsx", data=data)
        else:
            open_table("f.xlsx", path=path)


@pytest.mark.parametrize("damage", ["cut at the start", "unknown zip version"])
def test_a_damaged_peppol_zip_is_refused(damage: str) -> None:
    """Found by the fuzz: a zip of e-invoices cut at its start escaped as
    ValueError (negative seek), and one whose directory names a zip version
    zipfile lacks as NotImplementedError."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", "<Invoice/>" * 10)
    data = buffer.getvalue()
    data = data[3:] if damage == "cut at the start" else _zip_with_version_needed(data, 84)
    with pytest.raises(ImportRefusedError, match="zip"):
        read_peppol_files("f.zip", data)
