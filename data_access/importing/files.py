"""The one safe way in for tabular uploads: .xlsx workbooks and CSV/text files.

Uploads come from people, not from our own code, so every file is treated as
hostile until proven to be a spreadsheet. The file's *content* decides what it
is; the file name is only used in messages (users rename files, and a renamed
program or an encrypted workbook must not reach a parser that would choke on
it or, worse, be exploited by it).

Everything that can make a file unimportable is checked inside
:func:`open_table`, before the caller sees a single row: the zip is inspected
before it is decompressed, XML is scanned for entity tricks before calamine
parses it, and a CSV is parsed once in full to find broken quoting. Iterating
rows afterwards therefore never fails because of the file's content, so an
import cannot die half-way with some rows already handed over.

Memory, in short: a workbook sheet is held once, in calamine's compact Rust
representation (about 60 bytes per cell, e.g. ~25 MB for Örebro's 68,000 x 6
sheet); rows become Python objects one at a time as the caller iterates. A CSV
is held once as decoded text (1 byte per character for Swedish text) and parsed
lazily. Nothing ever builds a list of all rows.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import html
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Literal

import python_calamine

from data_access.core.lengths import count_text
from data_access.importing.archives import (
    DEFAULT_ARCHIVE_LIMITS,
    MAX_READ_BYTES,
    ZIP_ERRORS,
    ArchiveLimits,
    check_declared_total,
    compresses_too_well,
    open_member,
    open_zip,
    ratio_message,
    size_text,
)
from data_access.importing.errors import ImportRefusedError

_MB = 1024**2

# A sheet or the shared strings compressing better than the ratio limit may be
# a zip bomb or one huge, repetitive cell (a 10 MB cell of one letter
# compresses a thousand times). At most this much of it is inflated, without
# keeping it, to look for a cell over the cell limit before it is refused.
_EXPLAIN_RATIO_BYTES = 64 * _MB

# How much of each XML member is scanned for DOCTYPE/ENTITY. A DOCTYPE may only
# stand before the root element, and real Excel parts start their root element
# within the first few hundred bytes.
_XML_SCAN_BYTES = 64 * 1024

_CHUNK_BYTES = MAX_READ_BYTES

_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ZIP_MAGIC = b"PK\x03\x04"
_PROGRAM_MAGICS = (b"MZ", b"\x7fELF")

# Preference order on a tie: Swedish exports use semicolons because the comma
# is the decimal separator.
_CSV_DELIMITERS = (";", ",", "\t")
_SNIFF_CHARS = 64 * 1024
_SNIFF_RECORDS = 50

# A line appended after the real text while pre-scanning a CSV. If the parser
# is still inside a quoted field at the end of the file, the sentinel is
# swallowed into that field instead of coming back as a record of its own, which
# is how an unterminated quote is told apart from a legitimate multi-line field.
# U+FDD0 is a Unicode noncharacter, never written by a spreadsheet program.
_EOF_SENTINEL = "\ufdd0"


@dataclass(frozen=True)
class ReadLimits:
    """Upper bounds that keep one upload from exhausting the server.

    ``max_file_bytes``: the raw upload. We hold the bytes (and, for CSV, the
    decoded text) in memory and hash them, so this bounds memory and time before
    any parsing; a year of invoice lines for a large municipality is tens of MB.

    ``max_uncompressed_bytes``: the sum of the sizes an .xlsx zip *declares* for
    its members. calamine inflates the XML and keeps the whole sheet in memory,
    so this is the real memory bound for workbooks; it is checked before any
    decompression, and the actual inflated sizes are then verified against the
    declarations so a zip cannot lie its way past it.

    ``archive``: what every zip from outside is held to (its entries, how
    well its members compress), shared with the PEPPOL reader: see
    :class:`~data_access.importing.archives.ArchiveLimits`. A sheet or the
    shared strings compressing too well is refused as a cell over the cell
    limit when one explains it, else as a zip bomb.

    ``max_sheet_rows``, ``max_sheet_columns``, ``max_sheet_cells``: the largest
    sheet (rows, columns, and rows x columns from A1 to its last cell) that a
    reader may allocate. Each sheet's declared dimension and its real extent
    are read while the zip is inspected, before any reader allocates. A CSV
    row may not have a filled cell beyond ``max_sheet_columns`` either: the
    column mapping looks at every cell of the first rows.

    ``max_cell_chars``: the longest text one cell may hold, in characters.
    """

    max_file_bytes: int = 200 * _MB
    max_uncompressed_bytes: int = 2 * 1024**3
    archive: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS
    # A workbook reader allocates a sheet's whole rectangle, A1 to its last
    # cell, from what the file says: one cell at XFD1048576 in a 5 KB file asked
    # calamine for 512 GB and aborted the server. Excel's own row limit; far
    # more columns than any finance export; and a rectangle (about 1 GB in
    # calamine) that a 1,048,576-row export of 28 columns still fits in.
    max_sheet_rows: int = 1_048_576
    max_sheet_columns: int = 200
    max_sheet_cells: int = 30_000_000
    # Excel's own limit for one cell, so no export from a spreadsheet program
    # comes near it, while the longest text the database keeps is 300
    # characters (a supplier's name) and free text a few thousand. A longer
    # cell is a broken export or a hostile file: it is refused with its row and
    # column, rather than as broken quoting (CSV) or a zip bomb (.xlsx).
    max_cell_chars: int = 32_767


DEFAULT_LIMITS = ReadLimits()


@dataclass(frozen=True)
class SheetData:
    """A sheet's name and its rows, for code that wants both in one value.

    ``rows`` is meant to be a lazy, single-pass iterator (as returned by
    :meth:`Table.iter_rows`), so a 1,000,000-row sheet is never held as Python
    objects all at once: each row exists only until the consumer drops it. A
    list is accepted for small, hand-built data (tests, previews); don't turn a
    real upload's iterator into a list, as that duplicates the whole sheet in
    Python objects next to the copy calamine already holds. For a second pass,
    call :meth:`Table.iter_rows` again instead of keeping the rows.
    """

    name: str
    rows: Iterator[list[object]] | list[list[object]]


@dataclass(frozen=True, kw_only=True)
class Table:
    """An upload that passed every check, ready to be read row by row.

    ``kind`` is decided by content ("xlsx" or "csv"). For a workbook,
    ``sheet_names`` lists every sheet and ``sheet_name`` is the one that is
    read; a CSV has no sheets (``[]`` and ``""``) but has ``encoding`` and
    ``delimiter``. ``checksum`` is the SHA-256 of the raw bytes, so the same
    file uploaded twice can be recognised.
    """

    file_name: str
    kind: Literal["xlsx", "csv"]
    checksum: str
    sheet_names: list[str]
    sheet_name: str
    encoding: str | None = None
    delimiter: str | None = None
    _row_source: Callable[[], Iterator[list[object]]] = field(repr=False, compare=False)

    def iter_rows(self) -> Iterator[list[object]]:
        """Rows from the top of the sheet, one list of cell values per row.

        Row ``i`` is spreadsheet row ``i + 1`` and cell ``j`` is column ``j``
        (0 = A): empty rows are kept (as all-None rows for a workbook, ``[]``
        for a blank CSV line) so row numbers and column letters in messages
        match what the user sees. A CSV record with a quoted line break is one
        row, as it is in Excel. Empty cells are ``None``. Workbook
        cells are str, float (Excel stores every number, integers included, as
        a float), bool, date, datetime, time or timedelta; CSV cells are str.
        Each call starts a fresh pass.
        """
        return self._row_source()

    def sheet_data(self) -> SheetData:
        """The chosen sheet as a :class:`SheetData` with a streaming iterator."""
        return SheetData(name=self.sheet_name, rows=self.iter_rows())


def open_table(
    file_name: str,
    data: bytes | None = None,
    path: Path | None = None,
    *,
    limits: ReadLimits = DEFAULT_LIMITS,
    sheet: str | None = None,
) -> Table:
    """Check an upload and open it for reading; raise ImportRefusedError if it
    cannot be imported, with a message the user can act on.

    Pass the content either as ``data`` or as a ``path`` (preferable for big
    uploads: the size is checked before reading and calamine reads the file
    itself). ``sheet`` picks a workbook sheet by name; without it the first
    visible worksheet with any filled cell is used. ``sheet`` is ignored for CSV.
    """
    source = _Source(data, path)
    size = source.size()
    if size == 0:
        raise ImportRefusedError(f"Filen är tom: {file_name}. Exportera filen på nytt och försök igen.")
    if size > limits.max_file_bytes:
        raise ImportRefusedError(
            f"{file_name} är för stor ({size_text(size)}); största tillåtna storlek är "
            f"{size_text(limits.max_file_bytes)}. Dela upp filen, till exempel per månad."
        )

    head = source.head()
    if head.startswith(_PROGRAM_MAGICS):
        raise ImportRefusedError(
            f"{file_name} är ett program, inte ett kalkylblad. Välj en .xlsx- eller .csv-fil."
        )
    if head.startswith(_OLE2_MAGIC):
        # Excel stores an encrypted .xlsx inside an OLE2 container, the same
        # container as the old binary .xls; from the outside they look alike.
        raise ImportRefusedError(
            f"{file_name} är lösenordsskyddad eller i gammalt .xls-format; "
            "spara som .xlsx utan lösenord och försök igen."
        )

    checksum = source.sha256()
    if head.startswith(_ZIP_MAGIC):
        return _open_xlsx(file_name, source, limits, sheet, checksum)
    return _open_csv(file_name, source.read_bytes(), checksum, limits)


def _column_letters(number: int) -> str:
    """Column 1 is "A", 27 is "AA": the letters Excel shows."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _cell_size_text(size_bytes: int, chars: int | None) -> str:
    """ "är 10,0 MB (10 485 760 tecken)", or "har 40 000 tecken" below a megabyte."""
    if size_bytes >= _MB:
        return f"är {size_text(size_bytes)}" + (f" ({count_text(chars)} tecken)" if chars is not None else "")
    if chars is not None:
        return f"har {count_text(chars)} tecken"
    return f"är {size_text(size_bytes)}"


def _long_cell_message(file_name: str, where: str, size: str, limits: ReadLimits) -> str:
    return (
        f"{file_name}: {where} {size}; en cell får innehålla högst {count_text(limits.max_cell_chars)} "
        "tecken (samma gräns som i Excel). Filen är troligen felaktigt exporterad: rätta cellen eller "
        "exportera filen på nytt. Inget importerades."
    )


class _Source:
    """The upload as given: bytes in memory or a file on disk. A path is read
    only as far as each step needs (size from stat, 8 bytes for the magic, a
    streamed hash), so an oversized file is refused without being loaded."""

    def __init__(self, data: bytes | None, path: Path | None) -> None:
        if (data is None) == (path is None):
            raise TypeError("open_table needs exactly one of data= or path=")
        self.data = data
        self.path = path

    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        return self._path().stat().st_size

    def head(self) -> bytes:
        if self.data is not None:
            return self.data[:8]
        with self._path().open("rb") as handle:
            return handle.read(8)

    def sha256(self) -> str:
        if self.data is not None:
            return hashlib.sha256(self.data).hexdigest()
        digest = hashlib.sha256()
        with self._path().open("rb") as handle:
            while chunk := handle.read(_CHUNK_BYTES):
                digest.update(chunk)
        return digest.hexdigest()

    def read_bytes(self) -> bytes:
        return self.data if self.data is not None else self._path().read_bytes()

    def zip_source(self) -> io.BytesIO | Path:
        return io.BytesIO(self.data) if self.data is not None else self._path()

    def workbook(self) -> python_calamine.CalamineWorkbook:
        # Looked up on the module at call time so tests can prove calamine is
        # never reached for a refused file.
        if self.data is not None:
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(self.data))
        return python_calamine.CalamineWorkbook.from_path(str(self._path()))

    def _path(self) -> Path:
        assert self.path is not None
        return self.path


# --------------------------------------------------------------------------- xlsx


def _open_xlsx(
    file_name: str, source: _Source, limits: ReadLimits, sheet: str | None, checksum: str
) -> Table:
    try:
        zipped = source.zip_source()
        with open_zip(zipped, subject=file_name, remedy=_PARTS_REMEDY, limits=limits.archive) as archive:
            _check_archive(archive, file_name, limits)
    except ZIP_ERRORS as exc:
        raise ImportRefusedError(
            f"{file_name} ser ut som en .xlsx-fil men är skadad och kan inte öppnas. "
            "Öppna den i Excel och spara den på nytt."
        ) from exc

    try:
        workbook = source.workbook()
        try:
            sheet_names = list(workbook.sheet_names)
            chosen_name, chosen = _choose_sheet(workbook, sheet_names, sheet, file_name)
        finally:
            workbook.close()  # the loaded sheet keeps its own data; release the file
    except ImportRefusedError:
        raise
    except Exception as exc:  # anything calamine fails on is a file we cannot import
        raise ImportRefusedError(
            f"{file_name} kunde inte läsas som Excel-arbetsbok. Öppna den i Excel och spara "
            f"den på nytt som .xlsx. (Tekniskt fel: {exc})"
        ) from exc

    return Table(
        file_name=file_name,
        kind="xlsx",
        checksum=checksum,
        sheet_names=sheet_names,
        sheet_name=chosen_name,
        _row_source=lambda: _workbook_rows(chosen),
    )


def _check_archive(archive: zipfile.ZipFile, file_name: str, limits: ReadLimits) -> None:
    """Refuse anything but a plain workbook zip, and zip or XML bombs.

    Declared sizes are checked first, from the central directory alone; only
    then is each member inflated once, in bounded chunks and without keeping
    the output, to prove the declarations true and to look at the start of
    each XML part. Declared sizes are written by whoever made the file: only
    once a member yielding more than it declares is refused do the limits
    hold for what calamine will really inflate.
    """
    infos = archive.infolist()
    names = [info.filename for info in infos]
    present = set(names)
    if "[Content_Types].xml" not in present or "xl/workbook.xml" not in present:
        raise ImportRefusedError(_not_a_workbook_message(file_name, present))
    if len(present) != len(names):
        # Two members with one name: which one a reader picks differs between
        # readers, so what we check might not be what calamine reads.
        raise ImportRefusedError(
            f"{file_name} är skadad (samma del förekommer två gånger) och importeras inte. "
            "Öppna den i Excel och spara den på nytt."
        )

    check_declared_total(file_name, infos, limits.max_uncompressed_bytes)
    compressed_too_well: zipfile.ZipInfo | None = None
    for info in infos:
        if compresses_too_well(info, limits.archive):
            if not _holds_cells(info.filename):
                raise ImportRefusedError(ratio_message(file_name, limits.archive))
            compressed_too_well = compressed_too_well or info
        if info.flag_bits & 0x1:
            raise ImportRefusedError(
                f"{file_name} innehåller krypterade delar; spara som .xlsx utan lösenord och försök igen."
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ImportRefusedError(
                f"{file_name} är packad på ett sätt som Excel inte använder och importeras inte. "
                "Öppna den i Excel och spara den på nytt som .xlsx."
            )

    if compressed_too_well is not None:
        _refuse_compressed_too_well(archive, compressed_too_well, infos, file_name, limits)

    for info in infos:
        extent = _inflate_and_inspect(archive, info, infos, file_name, limits)
        if extent is not None:
            _check_sheet_extent(extent, file_name, limits)


def _refuse_compressed_too_well(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    infos: list[zipfile.ZipInfo],
    file_name: str,
    limits: ReadLimits,
) -> None:
    """Refuse a sheet or the shared strings that compress beyond the ratio
    limit: as a cell over the cell limit when one is found in its first
    _EXPLAIN_RATIO_BYTES (ordinary XML before it compresses normally), else as
    a zip bomb."""
    finder = _LongTextFinder(limits.max_cell_chars)
    produced = 0
    with archive.open(info) as stream:
        while produced < _EXPLAIN_RATIO_BYTES and (chunk := stream.read(_CHUNK_BYTES)):
            produced += len(chunk)
            if finder.feed(chunk):
                raise _long_text_refusal(archive, info, finder, infos, file_name, limits)
    raise ImportRefusedError(ratio_message(file_name, limits.archive))


# Every cell (<c r="AB12">) and row (<row r="12">) names its position in an
# r attribute, and no other worksheet element has one. Two plain patterns
# collected into sets cost about 8 ms per MB of sheet XML.
_COLUMN_OF_REF = re.compile(rb'\sr\s*=\s*["\']\$?([A-Za-z]{1,7})\$?[0-9]')
_ROW_OF_REF = re.compile(rb'\sr\s*=\s*["\']\$?[A-Za-z]{0,7}\$?([0-9]{1,9})["\']')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref\s*=\s*["\']([A-Za-z0-9:$]{1,40})["\']')
_REF_PARTS = re.compile(r"\$?([A-Z]{1,7})\$?([0-9]{1,9})")
_TAIL_BYTES = 256  # a tag cut by a chunk boundary is read whole with the next chunk


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


@dataclass
class _SheetExtent:
    """How far a worksheet reaches, from A1: what it declares and what its cells use."""

    rows: int = 0
    columns: int = 0

    def reach(self, letters: str, row: int) -> None:
        self.columns = max(self.columns, _column_number(letters))
        self.rows = max(self.rows, row)

    def scan(self, text: bytes) -> None:
        for match in _DIMENSION.finditer(text):
            for letters, row in _REF_PARTS.findall(match.group(1).decode("ascii").upper()):
                self.reach(letters, int(row))
        for letters in set(_COLUMN_OF_REF.findall(text)):
            self.columns = max(self.columns, _column_number(letters.decode("ascii").upper()))
        rows = set(_ROW_OF_REF.findall(text))
        if rows:
            self.rows = max(self.rows, max(int(row) for row in rows))

    @property
    def last_cell(self) -> str:
        return f"{_column_letters(self.columns) or 'A'}{max(self.rows, 1)}"


def _check_sheet_extent(extent: _SheetExtent, file_name: str, limits: ReadLimits) -> None:
    if (
        extent.rows <= limits.max_sheet_rows
        and extent.columns <= limits.max_sheet_columns
        and extent.rows * extent.columns <= limits.max_sheet_cells
    ):
        return
    rows, columns = count_text(extent.rows), count_text(extent.columns)
    most_rows, most_columns = count_text(limits.max_sheet_rows), count_text(limits.max_sheet_columns)
    raise ImportRefusedError(
        f"{file_name} har ett blad som sträcker sig till {extent.last_cell} ({rows} rader × {columns} "
        f"kolumner från A1). Appen läser högst {most_rows} rader, {most_columns} kolumner och "
        f"{count_text(limits.max_sheet_cells)} celler "
        "per blad. Ofta är det en enstaka cell långt ut: markera de tomma raderna och kolumnerna efter "
        "tabellen, ta bort dem, spara och försök igen. Inget importerades."
    )


def _inflate_and_inspect(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    infos: list[zipfile.ZipInfo],
    file_name: str,
    limits: ReadLimits,
) -> _SheetExtent | None:
    """Inflate one member without keeping it: refuse it if it yields more than
    it declares (:func:`~data_access.importing.archives.open_member`), check
    the start of XML parts for DOCTYPE/ENTITY, and refuse a cell over the cell
    limit in a sheet or the shared strings.
    """
    is_xml = info.filename.lower().endswith((".xml", ".rels"))
    extent = _SheetExtent() if _is_worksheet(info.filename) else None
    finder = _LongTextFinder(limits.max_cell_chars) if _holds_cells(info.filename) else None
    start = bytearray()
    tail = b""
    produced = 0
    with open_member(archive, info, file_name) as stream:
        while chunk := stream.read(_CHUNK_BYTES):
            produced += len(chunk)
            if is_xml and len(start) < _XML_SCAN_BYTES:
                start += chunk[: _XML_SCAN_BYTES - len(start)]
            if extent is not None:
                extent.scan(tail + chunk)
                tail = chunk[-_TAIL_BYTES:]
            if finder is not None and finder.feed(chunk):
                raise _long_text_refusal(archive, info, finder, infos, file_name, limits)
    if finder is not None and finder.finish():
        raise _long_text_refusal(archive, info, finder, infos, file_name, limits)
    if is_xml:
        _check_xml_start(bytes(start), complete=produced <= _XML_SCAN_BYTES, file_name=file_name)
    return extent


def _is_worksheet(member: str) -> bool:
    """A worksheet part (``xl/worksheets/sheet1.xml``): the cells a reader loads."""
    lowered = member.lower()
    return lowered.startswith("xl/worksheets/") and lowered.endswith(".xml") and "/_rels/" not in lowered


def _is_shared_strings(member: str) -> bool:
    """The shared strings part (``xl/sharedStrings.xml``): the text of most text cells."""
    lowered = member.lower()
    return lowered.startswith("xl/") and lowered.endswith("sharedstrings.xml")


def _holds_cells(member: str) -> bool:
    """A part whose text becomes cell values."""
    return _is_worksheet(member) or _is_shared_strings(member)


# In OOXML a character XML cannot carry is written _xHHHH_ (a line feed in a
# cell is often _x000A_ or &#10;); each is one character of the cell.
_OOXML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


class _LongTextFinder:
    """Finds, chunk by chunk, the first text in sheet XML longer than a cell may be.

    Cell text is what stands between a tag's ``>`` and the next ``<``, so a
    run from a ``<`` to the next one that is longer (in bytes) than the limit
    (in characters) is a candidate; it is measured in characters once whole,
    unless it is so long no escaping could bring it under. About 3 ms per MB.
    """

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        # No character takes more than 10 bytes of XML (&#x10FFFF;).
        self.certain = 10 * max_chars
        self._candidate = re.compile(rb"<[^<]{%d,}" % (max_chars + 1))
        self._pending = b""  # the run the last chunk ended in, from its '<'
        self._pending_at = 0  # its offset in the member
        self.found_at: int | None = None  # offset of the '<' before the too-long text

    def feed(self, chunk: bytes) -> bool:
        data = self._pending + chunk
        base = self._pending_at
        for match in self._candidate.finditer(data):
            if match.end() == len(data) and match.end() - match.start() <= self.certain:
                break  # may go on in the next chunk: measured with it
            if self._too_long(match.group()):
                self.found_at = base + match.start()
                return True
        last = data.rfind(b"<")
        if last < 0:
            self._pending, self._pending_at = b"", base + len(data)
        else:
            self._pending, self._pending_at = data[last:], base + last
        return False

    def finish(self) -> bool:
        """Judge the run the member ends in (only a broken part ends in text)."""
        if len(self._pending) > self.max_chars + 1 and self._too_long(self._pending):
            self.found_at = self._pending_at
            return True
        return False

    def _too_long(self, run: bytes) -> bool:
        close = run.find(b">")
        text = run[close + 1 :] if close >= 0 else run
        if len(text) <= self.max_chars:
            return False
        return len(text) > self.certain or _characters(text) > self.max_chars


def _characters(text: bytes) -> int:
    """How many characters a cell's XML text holds once unescaped."""
    if b"\x00" in text:  # UTF-16, which Excel does not write: two bytes a character
        return len(text) // 2
    return len(_OOXML_ESCAPE.sub("_", html.unescape(text.decode("utf-8", "replace"))))


_CELL_START = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br\s*=\s*["\']\$?([A-Za-z]{1,3})\$?([0-9]{1,7})["\']')
_SHARED_STRING_START = re.compile(rb"<(?:\w+:)?si[\s>]")
_MEASURE_BYTES = 256 * _MB  # how far a too-long text is followed to say how long it is


def _long_text_refusal(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    finder: _LongTextFinder,
    infos: list[zipfile.ZipInfo],
    file_name: str,
    limits: ReadLimits,
) -> ImportRefusedError:
    """The refusal of a text over the cell limit, naming its cell as Excel
    does ("rad 2, kolumn C") and its size.

    Only the refusal pays for this: the member is inflated again up to the
    text, to find the cell it stands in (a sheet's last ``<c r="C2">`` before
    it) or its index among the shared strings, then the sheets are searched
    for the cell that uses that string.
    """
    assert finder.found_at is not None
    offset = finder.found_at
    sheet = _is_worksheet(info.filename)
    cell: tuple[str, str] | None = None
    strings_before = 0
    text_bytes = 0
    text = bytearray()  # while short enough to count its characters
    text_started = False
    text_ended = False
    read = 0
    tail = b""
    with archive.open(info) as stream:
        while not text_ended and (chunk := stream.read(_CHUNK_BYTES)):
            chunk_at, read = read, read + len(chunk)
            if chunk_at < offset:
                before = tail + chunk[: offset - chunk_at]
                if sheet:
                    for match in _CELL_START.finditer(before):
                        cell = (match.group(1).decode("ascii").upper(), match.group(2).decode("ascii"))
                else:
                    strings_before += sum(
                        1 for match in _SHARED_STRING_START.finditer(before) if match.end() > len(tail)
                    )
                tail = before[-_TAIL_BYTES:]
            if read <= offset:
                continue
            rest = chunk[max(offset - chunk_at, 0) :]
            if not text_started:
                close = rest.find(b">")
                if close < 0:
                    continue  # a tag longer than a chunk: hostile, measured from where it ends
                rest, text_started = rest[close + 1 :], True
            end = rest.find(b"<")
            part = rest if end < 0 else rest[:end]
            text_bytes += len(part)
            if text_bytes <= finder.certain:
                text += part
            text_ended = end >= 0 or text_bytes > _MEASURE_BYTES
    if not sheet and strings_before:
        cell = _cell_using_shared_string(archive, infos, strings_before - 1)
    if text_bytes > _MEASURE_BYTES:
        size = f"är större än {size_text(_MEASURE_BYTES)}"
    else:
        size = _cell_size_text(text_bytes, _characters(bytes(text)) if text_bytes <= finder.certain else None)
    where = f"cellen på rad {cell[1]}, kolumn {cell[0]}" if cell else "en text i ett av bladen"
    return ImportRefusedError(_long_cell_message(file_name, where, size, limits))


def _cell_using_shared_string(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], index: int
) -> tuple[str, str] | None:
    """(column letters, row number) of the first cell showing shared string ``index``."""
    pattern = re.compile(rb"<(?:\w+:)?c\s([^>]*)>\s*<(?:\w+:)?v>\s*%d\s*<" % index)
    shared = re.compile(rb'\bt\s*=\s*["\']s["\']')
    for info in infos:
        if not _is_worksheet(info.filename):
            continue
        tail = b""
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK_BYTES):
                for match in pattern.finditer(tail + chunk):
                    reference = _CELL_START.match(b"<c " + match.group(1))
                    if shared.search(match.group(1)) and reference:
                        return reference.group(1).decode("ascii").upper(), reference.group(2).decode("ascii")
                tail = chunk[-_TAIL_BYTES:]
    return None


def _check_xml_start(start: bytes, *, complete: bool, file_name: str) -> None:
    """Refuse XML that declares a DOCTYPE or entities (the "billion laughs"
    expansion bomb), or whose prolog is too long to have been checked.

    Excel never writes a DOCTYPE. Because one may legally follow any amount of
    comments, also require the root element to start within the scanned part;
    otherwise padding could push a DOCTYPE past the 64 KB we look at.
    """
    # Dropping NULs turns UTF-16 (either byte order) into ASCII for our purpose.
    text = start.replace(b"\x00", b"")
    lowered = text.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered or (not complete and not _root_starts(text)):
        raise ImportRefusedError(
            f"{file_name} innehåller XML-konstruktioner (DOCTYPE/ENTITY) som en vanlig Excel-fil aldrig "
            "har och importeras inte av säkerhetsskäl. Öppna den i Excel och spara den på nytt."
        )


def _root_starts(text: bytes) -> bool:
    """Whether the root element's start tag is in ``text``, skipping the XML
    declaration, processing instructions and comments before it."""
    pos = 0
    while True:
        lt = text.find(b"<", pos)
        if lt < 0:
            return False
        if text.startswith(b"<?", lt):
            end = text.find(b"?>", lt + 2)
            if end < 0:
                return False
            pos = end + 2
        elif text.startswith(b"<!--", lt):
            end = text.find(b"-->", lt + 4)
            if end < 0:
                return False
            pos = end + 3
        else:
            return not text.startswith(b"<!", lt)  # a DOCTYPE (or other declaration) comes first


def _not_a_workbook_message(file_name: str, members: set[str]) -> str:
    if "content.xml" in members and "mimetype" in members:
        return (
            f"{file_name} är ett OpenDocument-kalkylblad (.ods), inte en Excel-arbetsbok. "
            "Öppna den och spara som .xlsx."
        )
    if "xl/workbook.bin" in members:
        return f"{file_name} är i Excels binära format (.xlsb). Öppna den i Excel och spara som .xlsx."
    if "word/document.xml" in members:
        return f"{file_name} är ett Word-dokument, inte ett kalkylblad. Välj en .xlsx- eller .csv-fil."
    return f"{file_name} är en zip-fil men inte en Excel-arbetsbok (.xlsx). Välj en .xlsx- eller .csv-fil."


# What to do about a workbook of more parts than the archive limits allow.
_PARTS_REMEDY = "En Excel-arbetsbok har sällan fler än några hundra: öppna den i Excel och spara den på nytt."


def _choose_sheet(
    workbook: python_calamine.CalamineWorkbook,
    sheet_names: list[str],
    wanted: str | None,
    file_name: str,
) -> tuple[str, python_calamine.CalamineSheet]:
    """The named sheet, else the first worksheet with a filled cell.

    Visible sheets come before hidden ones: what the user sees in Excel is
    what they mean to import, and hidden sheets often hold lookup lists.
    Chart and macro sheets carry no rows and are skipped.
    """
    if wanted is not None:
        if wanted not in sheet_names:
            raise ImportRefusedError(
                f"Bladet {wanted} finns inte i {file_name}. Bladen i filen är: {', '.join(sheet_names)}."
            )
        loaded = workbook.get_sheet_by_name(wanted)
        if not _has_data(loaded):
            raise ImportRefusedError(f"Bladet {wanted} i {file_name} är tomt.")
        return wanted, loaded

    worksheets = [m for m in workbook.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    visible = [m for m in worksheets if m.visible == python_calamine.SheetVisibleEnum.Visible]
    hidden = [m for m in worksheets if m.visible != python_calamine.SheetVisibleEnum.Visible]
    for meta in visible + hidden:
        loaded = workbook.get_sheet_by_name(meta.name)
        if _has_data(loaded):
            return meta.name, loaded
    raise ImportRefusedError(f"{file_name} innehåller inga ifyllda celler i något blad.")


def _has_data(sheet: python_calamine.CalamineSheet) -> bool:
    # Stops at the first filled cell, so it is cheap for the sheet we keep.
    return sheet.height > 0 and any(cell != "" for row in sheet.iter_rows() for cell in row)


def _workbook_rows(sheet: python_calamine.CalamineSheet) -> Iterator[list[object]]:
    # calamine reports empty cells (and errors such as #N/A) as ""; None says
    # "nothing here" unambiguously to the code that maps columns. calamine
    # starts rows at row 1 but columns at the first used column; padding on
    # the left makes index 0 column A, so messages can name the column the
    # user sees.
    start = sheet.start
    lead: list[object] = [None] * start[1] if start else []
    for row in sheet.iter_rows():
        if "" in row:  # one C-level scan; most rows of an export have every cell filled
            row = [None if cell == "" else cell for cell in row]
        yield lead + row if lead else row


# --------------------------------------------------------------------------- csv


def _open_csv(file_name: str, raw: bytes, checksum: str, limits: ReadLimits) -> Table:
    text, encoding = _decode(raw, file_name)
    if text.isspace():
        raise ImportRefusedError(f"Filen är tom: {file_name}. Exportera filen på nytt och försök igen.")
    _refuse_non_tabular_text(text, file_name)

    delimiter = _sniff_delimiter(text)
    if delimiter is None:
        raise ImportRefusedError(
            f"{file_name} saknar avgränsare mellan kolumnerna (semikolon, komma eller tabb), "
            "så kolumnerna går inte att hitta. Spara filen som CSV eller .xlsx från källsystemet."
        )
    drop_last_column = _prescan(text, delimiter, file_name, limits)
    return Table(
        file_name=file_name,
        kind="csv",
        checksum=checksum,
        sheet_names=[],
        sheet_name="",
        encoding=encoding,
        delimiter=delimiter,
        _row_source=lambda: _csv_rows(text, delimiter, drop_last_column),
    )


def _decode(raw: bytes, file_name: str) -> tuple[str, str]:
    """Text and the encoding it was read with: UTF-8 (with or without BOM),
    UTF-16 with BOM (Excel's "Unicode text"), else Windows-1252, which is what
    older Swedish systems and Excel's plain "CSV" export write."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)
    elif raw.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    else:
        if b"\x00" in raw:
            raise ImportRefusedError(_binary_message(file_name))
        candidates = ("utf-8", "cp1252")
    for encoding in candidates:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ImportRefusedError(
        f"{file_name} är inte en läsbar textfil (okänd teckenkodning eller binära data). "
        "Spara den som CSV UTF-8 eller .xlsx och försök igen."
    )


def _refuse_non_tabular_text(text: str, file_name: str) -> None:
    """Refuse text that decodes but is not a table: binary junk that happened
    to decode, HTML or XML passed off as spreadsheets (common for ".xls"
    exports from web systems), PDFs."""
    sample = text[:_SNIFF_CHARS]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f")
    if "\x00" in sample or controls > len(sample) // 100:
        raise ImportRefusedError(_binary_message(file_name))
    opening = sample.lstrip("\ufeff \t\r\n")[:5].lower()
    if opening.startswith("<"):
        raise ImportRefusedError(
            f"{file_name} är en HTML- eller XML-fil, inte ett kalkylblad. "
            "Öppna den i Excel och spara som .xlsx."
        )
    if opening.startswith("%pdf"):
        raise ImportRefusedError(
            f"{file_name} är en PDF, inte ett kalkylblad. Välj en .xlsx- eller .csv-fil."
        )


def _binary_message(file_name: str) -> str:
    return (
        f"{file_name} är varken ett kalkylblad eller en textfil (innehåller binära data). "
        "Välj en .xlsx- eller .csv-fil."
    )


def _sniff_delimiter(text: str) -> str | None:
    """The candidate that splits the first records most consistently.

    Each candidate parses the sample with the csv module (so delimiters inside
    quotes don't count); the score is the share of records with the most
    common field count, then that count. csv.Sniffer is avoided: it guesses
    from character frequencies and trips on decimal commas and quoted text.
    """
    sample = text[:_SNIFF_CHARS]
    truncated = len(text) > len(sample)
    if truncated:
        last_newline = max(sample.rfind("\n"), sample.rfind("\r"))
        if last_newline > 0:
            sample = sample[: last_newline + 1]

    best: str | None = None
    best_score = (0.0, 0)
    for delimiter in _CSV_DELIMITERS:
        counts: list[int] = []
        try:
            for record in csv.reader(_iter_lines(sample), delimiter=delimiter):
                if record:
                    counts.append(len(record))
                if len(counts) > _SNIFF_RECORDS:
                    break
        except csv.Error:
            continue
        if truncated and len(counts) > 1:
            counts.pop()  # may be a record cut off in the middle of a quoted field
        if not counts:
            continue
        fields, frequency = Counter(counts).most_common(1)[0]
        if fields < 2:
            continue
        score = (frequency / len(counts), fields)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# The csv module refuses a field over 131,072 characters with an error that
# reads like broken quoting. Its limit is one setting for the whole process, so
# it is only ever raised, always to this same value, and never restored: two
# imports at once cannot lower it under each other. What a cell may hold is
# ReadLimits.max_cell_chars, checked per cell so the message can name it; the
# file size limit bounds the memory either way.
_CSV_FIELD_LIMIT = 2**31 - 1


def _prescan(text: str, delimiter: str, file_name: str, limits: ReadLimits) -> bool:
    """Parse the whole file once, keeping nothing, so that broken quoting, a
    cell over the cell limit and a row wider than the column limit are refused
    now rather than half-way through an import. Returns whether every
    non-blank row ends with an empty field (a trailing delimiter on every
    line, as some exports write), in which case that column is dropped."""
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    reader = csv.reader(chain(_iter_lines(text), [_EOF_SENTINEL + "\n"]), delimiter=delimiter)
    all_end_empty = True
    last: list[str] = []
    seen = 0
    row = 0  # as Excel numbers the rows: a blank line is a row, a quoted line break is not
    try:
        for record in reader:
            row += 1
            if not record:
                continue
            if len(record) > limits.max_sheet_columns or max(map(len, record)) > limits.max_cell_chars:
                _check_record(record, row, file_name, limits)
            if last:
                seen += 1
                if len(last) < 2 or last[-1] != "":
                    all_end_empty = False
            last = record
    except csv.Error as exc:
        raise ImportRefusedError(_quote_message(file_name, reader.line_num)) from exc
    if last != [_EOF_SENTINEL]:
        raise ImportRefusedError(_quote_message(file_name, reader.line_num))
    return all_end_empty and seen > 0


def _check_record(record: list[str], row: int, file_name: str, limits: ReadLimits) -> None:
    """Refuse a record with a cell over the cell limit or a filled cell beyond
    the column limit (empty fields at the end of a row, which some exports
    pad every row with, do not count)."""
    for position, value in enumerate(record):
        # A field holding the sentinel swallowed the rest of the file after an
        # unterminated quote: that is refused as broken quoting at the end.
        if len(value) > limits.max_cell_chars and _EOF_SENTINEL not in value:
            size = _cell_size_text(len(value.encode("utf-8")), len(value))
            where = f"cellen på rad {row}, kolumn {_column_letters(position + 1)}"
            raise ImportRefusedError(_long_cell_message(file_name, where, size, limits))
    width = len(record)
    while width and record[width - 1] == "":
        width -= 1
    if width > limits.max_sheet_columns:
        raise ImportRefusedError(
            f"{file_name}: rad {row} har en ifylld cell i kolumn {_column_letters(width)} (kolumn "
            f"{count_text(width)}); appen läser högst {count_text(limits.max_sheet_columns)} kolumner. "
            "Ta bort kolumnerna efter tabellen eller exportera bara de kolumner som behövs. "
            "Inget importerades."
        )


def _quote_message(file_name: str, line: int) -> str:
    return (
        f'{file_name} kunde inte tolkas som CSV vid rad {line}: troligen ett citattecken (") '
        "som aldrig avslutas. Rätta raden eller exportera filen på nytt."
    )


def _csv_rows(text: str, delimiter: str, drop_last_column: bool) -> Iterator[list[object]]:
    for record in csv.reader(_iter_lines(text), delimiter=delimiter):
        if drop_last_column and record:
            del record[-1]
        yield [None if value == "" else value for value in record]


def _iter_lines(text: str) -> Iterable[str]:
    """Lines of ``text`` with their endings, one slice at a time.

    io.StringIO would copy the text into a 4-bytes-per-character buffer and
    splitlines() would build a list of every line; both double (or worse) the
    memory of a large file. Old Mac files end lines with a lone CR.
    """
    separator = "\n" if "\n" in text else "\r"
    start = 0
    length = len(text)
    while start < length:
        end = text.find(separator, start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1
