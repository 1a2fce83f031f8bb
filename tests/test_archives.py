"""Hostile zips, for both readers that open one through
``data_access.importing.archives``: the workbook reader (an .xlsx is a zip)
and the PEPPOL reader (a .zip of e-invoices). Zip bombs (by total, by ratio,
by lying about their sizes), too many entries (declared in the end record or
hidden from it), odd member paths and nested zips, and the one set of limits
both readers share.

Every hostile file is built here, never committed; the real samples in
/work/shared are read when present, to show that legitimate files pass.
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from pathlib import Path

import pytest

from data_access.importing.archives import (
    DEFAULT_ARCHIVE_LIMITS,
    MAX_READ_BYTES,
    ArchiveLimits,
    compresses_too_well,
    open_member,
    size_text,
)
from data_access.importing.errors import ImportRefusedError
from data_access.importing.files import ReadLimits, open_table
from data_access.importing.peppol import PeppolLimits, read_peppol_files
from tests.handmade import add_members, peppol_invoice, replace_member, xlsx_with
from tests.inputs import workbook, zipped

MB = 1024**2
REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "real-data"
SAMPLES = REAL_DATA / "peppol-bis3"
SHORT = ["Belopp", "Namn", "Text"]


@pytest.fixture(scope="module")
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"PEPPOL samples not found at {SAMPLES} (shared/ must sit beside the repo)")
    return SAMPLES


def _forbid_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Prove a refusal comes from the zip directory alone: opening a member fails the test."""

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member was opened before the archive was judged")

    monkeypatch.setattr(zipfile.ZipFile, "open", never)


def _forbid_zipfile(monkeypatch: pytest.MonkeyPatch) -> None:
    """Prove a refusal comes from the end record alone: zipfile never reads the directory."""

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("zipfile read the directory of a zip with too many entries")

    monkeypatch.setattr(zipfile, "ZipFile", never)


def workbook_like_zip(members: dict[str, bytes]) -> bytes:
    """A zip with the two parts that make it look like a workbook, plus ``members``."""
    return zipped(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
            **members,
        }
    )


def declare_size(data: bytes, member: str, declared: int) -> bytes:
    """Make a zip lie about one member's uncompressed size, in both the local
    header and the central directory, the way a crafted zip bomb would."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        local = archive.getinfo(member).header_offset
    struct.pack_into("<I", patched, local + 22, declared)
    central = patched.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", patched, central + 28)[0]
        if patched[central + 46 : central + 46 + name_length] == member.encode():
            struct.pack_into("<I", patched, central + 24, declared)
        central = patched.find(b"PK\x01\x02", central + 4)
    return bytes(patched)


def refusal(file_name: str, data: bytes, limits: ReadLimits | None = None) -> str:
    """The message open_table refuses the file with (failing if it doesn't)."""
    with pytest.raises(ImportRefusedError) as caught:
        open_table(file_name, data, limits=limits or ReadLimits())
    return str(caught.value)


def peppol_refusal(name: str, data: bytes, limits: PeppolLimits | None = None) -> str:
    with pytest.raises(ImportRefusedError) as caught:
        read_peppol_files(name, data, limits=limits or PeppolLimits())
    return str(caught.value)


# --- one set of limits ---------------------------------------------------------------------------


def test_both_readers_hold_a_zip_to_the_same_limits() -> None:
    assert ReadLimits().archive is PeppolLimits().archive is DEFAULT_ARCHIVE_LIMITS
    limits = DEFAULT_ARCHIVE_LIMITS
    assert (limits.max_members, limits.max_compression_ratio, limits.ratio_from_bytes) == (
        10_000,
        100,
        10 * MB,
    )


def test_the_ratio_is_judged_only_above_ratio_from_bytes() -> None:
    def member(file_size: int, compress_size: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo("x.xml")
        info.file_size, info.compress_size = file_size, compress_size
        return info

    big = 11 * MB
    assert not compresses_too_well(member(big, big // 100 + 1))
    assert compresses_too_well(member(big, big // 101))
    assert compresses_too_well(member(big, 0))
    assert not compresses_too_well(member(10 * MB, 1))  # small: any ratio
    assert compresses_too_well(member(10 * MB, 1), ArchiveLimits(ratio_from_bytes=MB))


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 byte"), (1000, "1000 byte"), (1613, "1,6 kB"), (MB, "1,0 MB"), (250 * MB, "250,0 MB")],
)
def test_sizes_are_written_as_a_swedish_reader_reads_them(size: int, text: str) -> None:
    assert size_text(size) == text


REAL_WORKBOOKS = sorted(REAL_DATA.glob("*/*.xlsx"))


@pytest.mark.skipif(not REAL_WORKBOOKS, reason=f"real workbooks missing under {REAL_DATA}")
def test_real_workbooks_compress_far_below_the_ratio_limit() -> None:
    # Measured when the limit was chosen: at most 9.0 (contracted_value.xlsx).
    for path in REAL_WORKBOOKS:
        with zipfile.ZipFile(path) as archive:
            worst = max(info.file_size / max(info.compress_size, 1) for info in archive.infolist())
        assert worst < DEFAULT_ARCHIVE_LIMITS.max_compression_ratio / 10, path.name


def test_zipped_peppol_samples_compress_far_below_the_ratio_limit(samples: Path) -> None:
    data = zipped({path.name: path.read_bytes() for path in sorted(samples.glob("*.xml"))})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        worst = max(info.file_size / info.compress_size for info in archive.infolist())
    assert worst < DEFAULT_ARCHIVE_LIMITS.max_compression_ratio / 10
    assert len(read_peppol_files("prov.zip", data)) >= len(list(samples.glob("*.xml")))


def test_a_workbook_with_bloated_styles_is_read_however_well_they_compress() -> None:
    # 60,000 identical cell formats (Excel allows 64,000): 5.7 MB that
    # compress some 280 times, below ratio_from_bytes.
    data = workbook(["Leverantör", "Belopp"], ["Menigo", 12.5])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = archive.read("xl/styles.xml")
    cell_formats = re.search(rb'<cellXfs count="1">(<xf [^>]*/>)', styles)
    assert cell_formats is not None
    bloated = styles.replace(
        cell_formats.group(0), b'<cellXfs count="60000">' + cell_formats.group(1) * 60_000
    )
    data = replace_member(data, "xl/styles.xml", bloated)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("xl/styles.xml")
    assert info.file_size > 5 * MB and info.file_size > 200 * info.compress_size
    assert list(open_table("stilar.xlsx", data).iter_rows()) == [["Leverantör", "Belopp"], ["Menigo", 12.5]]


# --- zip bombs -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """50 MB of zeros as a sheet: it compresses about 1000 to 1."""
    return workbook_like_zip({"xl/worksheets/sheet1.xml": bytes(50 * MB)})


def test_zip_bomb_over_the_uncompressed_limit_is_refused(zip_bomb: bytes, calamine_forbidden: None) -> None:
    assert len(zip_bomb) < MB
    limits = ReadLimits(max_uncompressed_bytes=20 * MB, archive=ArchiveLimits(max_compression_ratio=10_000))

    assert "bomb.xlsx: packas upp till 50,0 MB, mer än de 20,0 MB som appen läser på en gång" in refusal(
        "bomb.xlsx", zip_bomb, limits=limits
    )


def test_zip_bomb_with_a_huge_ratio_is_refused(zip_bomb: bytes, calamine_forbidden: None) -> None:
    # The total (50 MB) is within the default 2 GB; the ratio is what gives it away.
    assert "misstänkt zip-bomb" in refusal("bomb.xlsx", zip_bomb)


def test_a_sheet_of_many_small_repetitive_cells_is_still_a_zip_bomb(calamine_forbidden: None) -> None:
    row = b'<row r="1"><c r="A1"><v>1</v></c></row>'
    sheet = b'<worksheet xmlns="main"><sheetData>' + row * (20 * MB // len(row)) + b"</sheetData></worksheet>"
    data = xlsx_with([SHORT])
    data = replace_member(data, "xl/worksheets/sheet1.xml", sheet)
    assert "misstänkt zip-bomb" in refusal("bomb.xlsx", data)


def test_zip_that_lies_about_its_sizes_is_refused(calamine_forbidden: None) -> None:
    honest = workbook_like_zip({"xl/worksheets/sheet1.xml": b"<x/>" + bytes(2 * MB)})
    lying = declare_size(honest, "xl/worksheets/sheet1.xml", 1000)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 1000  # passes the declared checks

    assert "misstänkt zip-bomb" in refusal("ljuger.xlsx", lying, limits=ReadLimits(max_uncompressed_bytes=MB))


def test_zip_member_over_the_document_size_refused_before_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    data = zipped({"bomb.xml": b"\0" * (5 * 1024**2)})
    assert len(data) < 20_000  # five megabytes of zeros deflate to almost nothing
    _forbid_reading(monkeypatch)
    limits = PeppolLimits(max_document_bytes=1024**2, archive=ArchiveLimits(max_compression_ratio=1_000_000))
    with pytest.raises(ImportRefusedError, match=r"högst 1,0 MB och filen är 5,0 MB"):
        read_peppol_files("bomb.zip", data, limits=limits)


def test_zip_bomb_compression_ratio_refused_before_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    # Over ratio_from_bytes (10 MB): a smaller member is judged by the
    # document limit and by what it really yields, not by its ratio.
    data = zipped({"bomb.xml": b"\0" * (20 * 1024**2)})
    _forbid_reading(monkeypatch)
    with pytest.raises(ImportRefusedError, match="100 gånger"):
        read_peppol_files("bomb.zip", data)  # within the default size limit, but inflates ~1000x


def test_zip_total_uncompressed_size_refused_before_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    noise = random.Random(0)
    data = zipped({f"{index}.xml": noise.randbytes(400_000) for index in range(3)})
    _forbid_reading(monkeypatch)
    with pytest.raises(ImportRefusedError, match=r"many\.zip: packas upp till"):
        read_peppol_files("many.zip", data, limits=PeppolLimits(max_total_bytes=1_000_000))


def test_zip_member_lying_about_its_size_is_not_inflated_past_it(samples: Path) -> None:
    data = bytearray(zipped({"liar.xml": (samples / "base-example.xml").read_bytes()}))
    # Claim 100 bytes in both the local header and the central directory.
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 100)
    struct.pack_into("<I", data, central + 24, 100)
    with pytest.raises(ImportRefusedError, match=r"liar\.xml: .*skadad"):
        read_peppol_files("liar.zip", bytes(data))


def test_a_zip_member_larger_than_it_claims_is_refused_at_the_document_limit() -> None:
    # The directory says 100 bytes, the member inflates to far more: streaming
    # stops at the document limit instead of trusting the claim.
    data = bytearray(zipped({"ljuger.xml": peppol_invoice(lines=2000)}, compression=zipfile.ZIP_STORED))
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 100)
    struct.pack_into("<I", data, central + 24, 100)
    message = peppol_refusal(
        "ljuger.zip", bytes(data), PeppolLimits(archive=ArchiveLimits(max_compression_ratio=10**9))
    )
    assert "ljuger.zip/ljuger.xml" in message and ("skadad" in message or "högst" in message)


def test_a_member_is_read_at_most_one_read_past_its_declaration() -> None:
    data = declare_size(zipped({"x.xml": bytes(3 * MB)}), "x.xml", 1000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        stream = open_member(archive, archive.getinfo("x.xml"), "x.zip/x.xml")
        with (
            stream,
            pytest.raises(ImportRefusedError, match=r"x\.zip/x\.xml: packas upp till mer än zip-filen anger"),
        ):
            while stream.read(64 * 1024):
                pass
        assert stream.produced <= 1000 + 64 * 1024
        with pytest.raises(ValueError):
            stream.read(MAX_READ_BYTES + 1)


# --- too many entries ----------------------------------------------------------------------------


def test_a_workbook_of_too_many_parts_is_refused_before_zipfile_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    padded = add_members(
        xlsx_with([SHORT, [1, "Menigo", "x"]]), {f"customXml/{i}.txt": b"" for i in range(2000)}
    )
    path = tmp_path / "delar.xlsx"
    path.write_bytes(padded)

    _forbid_zipfile(monkeypatch)
    limits = ReadLimits(archive=ArchiveLimits(max_members=100))
    expected = "delar.xlsx: filen består av 2\u00a0006 delar (filer och mappar); appen läser högst 100"
    assert refusal("delar.xlsx", padded, limits).startswith(expected)
    assert "En Excel-arbetsbok har sällan fler än några hundra" in refusal("delar.xlsx", padded, limits)
    with pytest.raises(ImportRefusedError, match=re.escape(expected)):
        open_table("delar.xlsx", path=path, limits=limits)


def test_a_workbook_understating_its_parts_is_still_refused() -> None:
    data = bytearray(add_members(xlsx_with([SHORT]), {f"{i}.txt": b"" for i in range(50)}))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 1, 1)  # the end record claims one entry
    limits = ReadLimits(archive=ArchiveLimits(max_members=10))
    assert "består av 56 delar" in refusal("ljuger.xlsx", bytes(data), limits)


def test_every_entry_of_a_zip_counts_against_the_member_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    members = {"faktura.xml": peppol_invoice(), **{f"bilaga-{index}.txt": b"" for index in range(2000)}}
    data = zipped(members)

    _forbid_zipfile(monkeypatch)
    message = peppol_refusal("bilagor.zip", data, PeppolLimits(archive=ArchiveLimits(max_members=100)))
    assert message.startswith(
        "bilagor.zip: filen består av 2\u00a0001 delar (filer och mappar); appen läser högst 100"
    )


def test_a_zip_whose_end_record_understates_its_entries_is_still_refused() -> None:
    data = bytearray(
        zipped({"faktura.xml": peppol_invoice(), **{f"{index}.txt": b"" for index in range(50)}})
    )
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 1, 1)  # claims one entry
    assert "51 delar (filer och mappar); appen läser högst 10" in peppol_refusal(
        "ljuger.zip", bytes(data), PeppolLimits(archive=ArchiveLimits(max_members=10))
    )


def test_zip_with_too_many_files_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = zipped({f"{index}.xml": b"<x/>" for index in range(3)})
    _forbid_reading(monkeypatch)
    with pytest.raises(ImportRefusedError, match="högst 2"):
        read_peppol_files("many.zip", data, limits=PeppolLimits(archive=ArchiveLimits(max_members=2)))


# --- member paths and nested zips ----------------------------------------------------------------


def test_odd_member_paths_are_only_labels(samples: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    data = zipped({"../../etc/evil\x07.xml": (samples / "base-example.xml").read_bytes()})
    (document,) = read_peppol_files("x.zip", data)
    assert document.source_name == "x.zip/../../etc/evil?.xml"
    assert list(tmp_path.iterdir()) == []  # nothing extracted anywhere


def test_a_nested_zip_is_never_opened() -> None:
    # A zip bomb inside a zip is, to the outer zip, a small member that does
    # not compress: neither reader ever opens it.
    inner = zipped({"faktura.xml": peppol_invoice(), "bomb.xml": bytes(50 * MB)})
    assert len(inner) < MB
    assert "inga XML-filer" in peppol_refusal("yttre.zip", zipped({"inre.zip": inner}))
    data = add_members(
        workbook(["Leverantör", "Belopp"], ["Menigo", 12.5]), {"xl/embeddings/inre.zip": inner}
    )
    assert list(open_table("inbaddad.xlsx", data).iter_rows()) == [["Leverantör", "Belopp"], ["Menigo", 12.5]]
