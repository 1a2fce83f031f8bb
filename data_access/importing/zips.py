"""What a zip's end record declares about its entries, read before zipfile
parses the central directory.

zipfile builds an object (about 500 bytes) for every entry of whatever
directory a file declares before anything can be judged: a 19 MB zip of
200,000 empty members cost 130 MB and 2 s, and a crafted 200 MB one could ask
for millions. The end record says how many entries there are and how large
the directory is; both are checked first. A file that understates its count
is still caught once zipfile has read the directory, whose declared size
bounds what zipfile parses.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

# The end record (22 bytes plus a comment of up to 65,535) ends the file; a
# zip64 end record (56 bytes) and its locator (20) stand right before it.
END_SCAN_BYTES = 22 + 65_535 + 20 + 56

# A central directory entry is 46 bytes plus the member's name and extra
# fields; real names and extras stay far below this.
DIRECTORY_BYTES_PER_ENTRY = 512

_END_RECORD = b"PK\x05\x06"
_ZIP64_END_RECORD = b"PK\x06\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"


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
