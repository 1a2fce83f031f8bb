"""Import inputs built alike by the tests and by ``bench/hostile_probe.py``:
a workbook from rows, a register row named by its headers, a zip archive,
and a zip member flagged as encrypted.

Nothing here imports the app (``data_access``, ``ui``): the probe builds its
inputs with it and can run them against another checkout's code.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

import openpyxl

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A contract register row that imports, by the register's headers: one
# contract, KS-1, for Menigo (a real organisation number) through 2025.
CONTRACT: dict[str, str] = {
    "Avtalsnummer": "KS-1",
    "Avtalsnamn": "Livsmedel",
    "Kategori": "Livsmedel",
    "Leverantör": "Menigo",
    "Organisationsnummer": "556036-0793",
    "Giltigt från": "2025-01-01",
    "Giltigt till": "2025-12-31",
}


def table(*rows: Mapping[str, object]) -> list[list[object]]:
    """Rows given by header as a table: the first row's headers, then every
    row's values in that order (every row names the same headers)."""
    headers = list(rows[0])
    assert all(list(row) == headers for row in rows), "every row names the same headers, in order"
    return [headers, *([row[header] for header in headers] for row in rows)]


def workbook(*rows: list[object]) -> bytes:
    """An .xlsx of one sheet holding ``rows``, as openpyxl writes it."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zipped(members: Mapping[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive of ``members`` (name to content), in that order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def flag_encrypted(data: bytes, name: str) -> bytes:
    """Set the "encrypted" bit of a member in its local header and its
    directory entry: zipfile clears the flag bits it is given when it writes,
    so a member marked as password-protected (its bytes still plain) is made
    by editing the archive afterwards."""
    buffer = bytearray(data)
    encoded = name.encode()
    for signature, flags_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        position = buffer.find(signature)
        while position >= 0:
            if buffer[position + name_at : position + name_at + len(encoded)] == encoded:
                buffer[position + flags_at] |= 0x1
            position = buffer.find(signature, position + 4)
    return bytes(buffer)
