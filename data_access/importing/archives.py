"""The one safe way to open a zip that comes from outside: an .xlsx workbook
(an .xlsx is a zip of XML parts) or a zip of PEPPOL e-invoices.

A zip's directory is written by whoever made the file, so everything it
claims is judged before it costs anything, and then held to:

* How many entries it has, from the end record, before zipfile parses the
  central directory. zipfile builds an object (about 500 bytes) for every
  entry of whatever directory a file declares before anything can be judged:
  a 19 MB zip of 200,000 empty members cost 130 MB and 2 s, and a crafted
  200 MB one could ask for millions. The end record says how many entries
  there are and how large the directory is; both are checked first. A file
  that understates its count is still caught once zipfile has read the
  directory, whose declared size bounds what zipfile parses.
* What its members declare: their total uncompressed size against the
  reader's budget, and how much better than ordinary data each one
  compresses (:class:`ArchiveLimits`).
* What its members really yield: a member is read as a stream with a byte
  cap (:func:`open_member`), never whole, and refused as soon as it yields
  more than it declared, so a zip cannot lie its way past the checks above.

Nothing is ever extracted to disk: member paths (``../x.xml``, absolute
paths, a nested ``.zip``) are only names, shown through :func:`printable`.
A nested archive is never opened; to the workbook reader it is one more
part to inflate and check, to the PEPPOL reader a member it skips.

What the members mean, and how much inflated content a reader can afford,
stay with the readers (``files`` for workbooks, ``peppol`` for e-invoices);
the defences, their limits, their messages and the Swedish size formatter
are written once, here.
"""

from __future__ import annotations

import copy
import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from data_access.core.lengths import count_text
from data_access.importing.errors import ImportRefusedError

_MB = 1024**2

# The end record (22 bytes plus a comment of up to 65,535) ends the file; a
# zip64 end record (56 bytes) and its locator (20) stand right before it.
END_SCAN_BYTES = 22 + 65_535 + 20 + 56

# A central directory entry is 46 bytes plus the member's name and extra
# fields; real names and extras stay far below this.
DIRECTORY_BYTES_PER_ENTRY = 512

_END_RECORD = b"PK\x05\x06"
_ZIP64_END_RECORD = b"PK\x06\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"

# What zipfile raises for a file or a member it cannot read: a broken
# directory (a negative seek: ValueError in memory, OSError on disk), a
# compression method it lacks, corrupt data, a CRC that does not match, an
# encrypted member opened without a password (RuntimeError).
ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    OSError,
    EOFError,
    ValueError,
)

# The most one read of a member returns; open_member lets zipfile inflate
# twice this past a member's declaration, so the first read that passes the
# declaration proves it false while zipfile still has room.
MAX_READ_BYTES = _MB

_BOMB_REMEDY = "Om filen är äkta: dela upp den i mindre filer."


@dataclass(frozen=True)
class ArchiveLimits:
    """The one set of limits every zip from outside is held to, whether it is
    a workbook or a zip of e-invoices.

    ``max_members``: entries of any kind (parts, folders, PDFs, ...). A
    workbook has a dozen, one with many sheets, charts and pictures some
    hundreds; a zip of e-invoices one per invoice. Read from the end record
    before zipfile builds an object for each entry (a workbook padded with
    200,000 empty members took 7 s of CPU and 160 MB to open before).

    ``max_compression_ratio``: how many times its compressed size a member
    may inflate to. Ordinary data stays far below it: the real workbooks in
    shared/real-data compress at most 9.0 times (Upphandlingsmyndigheten's
    contracted_value.xlsx; Örebro's sheet 7.5), the OpenPEPPOL samples at
    most 6.7 times, and the most repetitive legitimate parts we could build
    still pass: the comment drawing of a sheet with 20,000 comments (83
    times, 11.8 MB) and an invoice of 10,000 identical lines (57 times).
    Deflate itself cannot go past about 1,030 times, and a zip bomb is near
    that, so 100 leaves legitimate files room and a bomb none. (The
    workbook reader used 100 and the PEPPOL reader 200 before they shared
    these limits; 100 refuses a bomb at half the cost.)

    ``ratio_from_bytes``: members up to this size are never refused for their
    ratio. Small, repetitive parts legitimately compress beyond any ratio (a
    workbook's styles with 60,000 identical cell formats, near Excel's
    64,000, are 3.7 MB at 342 times; an empty sheet), and a member this small cannot
    hurt however well it compresses: what it really yields is capped by
    :func:`open_member`, and the readers' own size budgets still apply.
    """

    max_members: int = 10_000
    max_compression_ratio: float = 100.0
    ratio_from_bytes: int = 10 * _MB


DEFAULT_ARCHIVE_LIMITS = ArchiveLimits()


def size_text(size: int) -> str:
    """A size the way a Swedish user reads it: ``250,3 MB``, ``1,6 kB`` or ``512 byte``."""
    if size >= _MB:
        return f"{size / _MB:.1f} MB".replace(".", ",")
    if size >= 1024:
        return f"{size / 1024:.1f} kB".replace(".", ",")
    return f"{size} byte"


def printable(text: str) -> str:
    """A member's name as it may stand in a message or a source name:
    control characters become ``?``."""
    return "".join(char if char.isprintable() else "?" for char in text)


# --------------------------------------------------------------------------- the directory


@dataclass(frozen=True)
class DirectoryClaims:
    """How many entries a zip says it has, and how many bytes its directory takes."""

    entries: int
    directory_bytes: int

    def exceed(self, max_entries: int) -> bool:
        """Whether the zip says it holds more than ``max_entries`` entries, or a
        directory larger than that many entries need."""
        return self.entries > max_entries or self.directory_bytes > max_entries * DIRECTORY_BYTES_PER_ENTRY


def directory_claims(tail: bytes) -> DirectoryClaims | None:
    """What the end record in ``tail`` (a zip's last END_SCAN_BYTES or all of
    it) declares; None without an end record (zipfile then refuses the file)."""
    end = tail.rfind(_END_RECORD)
    if end < 0 or len(tail) < end + 22:
        return None
    entries, directory_bytes = struct.unpack_from("<HI", tail, end + 10)
    zip64 = end - 20 - 56
    if (
        (entries == 0xFFFF or directory_bytes == 0xFFFFFFFF)
        and zip64 >= 0
        and tail[end - 20 : end - 16] == _ZIP64_LOCATOR
        and tail[zip64 : zip64 + 4] == _ZIP64_END_RECORD
    ):
        entries, directory_bytes = struct.unpack_from("<QQ", tail, zip64 + 32)
    return DirectoryClaims(entries, directory_bytes)


def open_zip(
    file: BinaryIO | Path,
    *,
    subject: str,
    remedy: str,
    limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
) -> zipfile.ZipFile:
    """The zip in ``file`` (seekable bytes, or a path), opened once its entry
    count passed: from the end record before zipfile reads the directory,
    and counted again after.

    ``subject`` names the upload in messages (each reader's messages start
    with it) and ``remedy`` says what the user can do about too many entries
    (a workbook is saved again in Excel, a zip of invoices split). A file
    zipfile cannot read raises one of ZIP_ERRORS, which the reader words as
    a broken file of its kind.
    """
    claims = directory_claims(_tail(file))
    if claims is not None and claims.exceed(limits.max_members):
        raise ImportRefusedError(_too_many_members_message(subject, claims.entries, limits, remedy))
    archive = zipfile.ZipFile(file)  # looked up at call time: tests prove it is never reached
    count = len(archive.infolist())
    if count > limits.max_members:
        archive.close()
        raise ImportRefusedError(_too_many_members_message(subject, count, limits, remedy))
    return archive


def _tail(file: BinaryIO | Path) -> bytes:
    """The last END_SCAN_BYTES of ``file`` (all of it when shorter); a file
    object is left at its start for zipfile."""
    if isinstance(file, Path):
        with file.open("rb") as handle:
            return _tail(handle)
    size = file.seek(0, io.SEEK_END)
    file.seek(max(0, size - END_SCAN_BYTES))
    tail = file.read()
    file.seek(0)
    return tail


def _too_many_members_message(subject: str, count: int, limits: ArchiveLimits, remedy: str) -> str:
    most = limits.max_members
    # A directory too large for the limit, under a count within it, says more
    # entries than it counts: the count is then only "more than the limit".
    counted = count_text(count) if count > most else f"fler än {count_text(most)}"
    return (
        f"{subject}: filen består av {counted} delar (filer och mappar); appen läser högst "
        f"{count_text(most)}. {remedy} Inget importerades."
    )


# --------------------------------------------------------------------------- declared sizes


def compresses_too_well(info: zipfile.ZipInfo, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS) -> bool:
    """Whether a member declares more than ``ratio_from_bytes`` and more than
    ``max_compression_ratio`` times its compressed size."""
    return info.file_size > limits.ratio_from_bytes and info.file_size > limits.max_compression_ratio * max(
        info.compress_size, 1
    )


def ratio_message(subject: str, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS) -> str:
    """The refusal of a member that compresses too well (``subject`` names the
    upload, or the member of a zip whose members have names the user knows)."""
    return (
        f"{subject}: packas upp mer än {limits.max_compression_ratio:g} gånger sin komprimerade storlek "
        f"(misstänkt zip-bomb). {_BOMB_REMEDY} Inget importerades."
    )


def check_declared_total(subject: str, members: Iterable[zipfile.ZipInfo], max_bytes: int) -> None:
    """Refuse members that together declare more than ``max_bytes``
    uncompressed: the reader's budget for what it inflates (a workbook's
    parts for calamine's memory, a zip's invoices for the time to parse
    them). Not called a zip bomb: a large genuine upload reaches it too."""
    total = sum(info.file_size for info in members)
    if total > max_bytes:
        raise ImportRefusedError(
            f"{subject}: packas upp till {size_text(total)}, mer än de {size_text(max_bytes)} som appen "
            "läser på en gång. Dela upp den i mindre filer. Inget importerades."
        )


# --------------------------------------------------------------------------- reading a member


def open_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, subject: str) -> MemberStream:
    """A member to read as a stream, refused with a message about
    ``subject`` once it yields more than it declares.

    zipfile stops at the declared size and then checks the CRC over what it
    produced, so a lying member would only show up as a CRC error. The
    member is therefore opened declaring 2 * MAX_READ_BYTES more than it
    does: the first read that passes the real declaration proves it false
    while zipfile still has room. For an honest member zipfile checks the
    CRC at the end as usual, which also catches corrupted data. Errors from
    zipfile (ZIP_ERRORS) reach the caller.
    """
    probe = copy.copy(info)
    probe.file_size = info.file_size + 2 * MAX_READ_BYTES
    return MemberStream(archive.open(probe), info.file_size, subject)


class MemberStream:
    """A zip member's bytes, at most MAX_READ_BYTES a read, capped at its
    declared size (see :func:`open_member`)."""

    def __init__(self, stream: BinaryIO, declared: int, subject: str) -> None:
        self._stream = stream
        self._declared = declared
        self._subject = subject
        self.produced = 0

    def read(self, size: int = MAX_READ_BYTES) -> bytes:
        if not 0 < size <= MAX_READ_BYTES:
            raise ValueError(f"read between 1 and {MAX_READ_BYTES} bytes at a time, not {size}")
        chunk = self._stream.read(size)
        self.produced += len(chunk)
        if self.produced > self._declared:
            raise ImportRefusedError(
                f"{self._subject}: packas upp till mer än zip-filen anger (skadad eller misstänkt zip-bomb). "
                "Exportera filen på nytt. Inget importerades."
            )
        return chunk

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> MemberStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
