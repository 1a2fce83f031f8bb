"""How large a file the import takes: the admin's setting, and its ceiling.

Two limits meet at an upload. Streamlit refuses a request larger than
``server.maxUploadSize`` (``.streamlit/config.toml``, in megabytes of
1024 * 1024 bytes) before any of our code runs; the importer's readers refuse
a file over their own byte budgets (``files.ReadLimits.max_file_bytes``,
``peppol.PeppolLimits.max_upload_bytes``), which bound memory and time. The
two are the same figure, :data:`MAX_UPLOAD_MB`, so a file the browser sends is
never one the importer could not read (a test holds config.toml and the
readers to it).

Below that ceiling the admin may set a lower limit (a small server, a
municipality that wants monthly files): :func:`upload_limit_mb`. The importer
asks it for every file it opens (:func:`check_upload_size`), so the setting
holds whether the file came through the page or the command line.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from data_access.access import audit
from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.core.settings import get_setting, set_setting
from data_access.importing.archives import size_text
from data_access.importing.errors import ImportRefusedError

MB = 1024**2
# The importer's own ceiling: what files.ReadLimits.max_file_bytes and
# peppol.PeppolLimits.max_upload_bytes hold (200 MB, a year of invoice lines
# for a large municipality is tens of MB), and server.maxUploadSize.
MAX_UPLOAD_MB: int = 200
UPLOAD_LIMIT = "upload_limit_mb"  # the app_setting key


class UploadLimitError(ValueError):
    """An upload limit that cannot be stored; the message is for the user."""


def _parse(value: str | int) -> int | None:
    """Whole megabytes from ``50``, ``" 50 "`` or ``"50 MB"``; None when it is no whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.lower().endswith("mb"):
        text = text[:-2].strip()
    return int(text) if text.isascii() and text.isdigit() else None


def upload_limit_mb(session: Session) -> int:
    """The largest file, in megabytes, the import takes now: the admin's
    setting, else :data:`MAX_UPLOAD_MB`. A stored value outside 1 ..
    MAX_UPLOAD_MB (written by hand, or before the ceiling was lowered) is held
    to the ceiling rather than trusted."""
    stored = get_setting(session, UPLOAD_LIMIT)
    megabytes = _parse(stored) if stored else None
    if megabytes is None or not 1 <= megabytes <= MAX_UPLOAD_MB:
        return MAX_UPLOAD_MB
    return megabytes


def set_upload_limit(session: Session, megabytes: str | int, *, acting: Viewer) -> int:
    """Store the admin's upload limit (whole megabytes, 1 .. MAX_UPLOAD_MB)
    and return it. Refuses a value outside that range with
    :class:`UploadLimitError`: above the ceiling Streamlit and the readers
    would refuse the file anyway, so a higher setting would only mislead."""
    acting.require(Permission.MANAGE_SETTINGS)
    parsed = _parse(megabytes)
    if parsed is None or not 1 <= parsed <= MAX_UPLOAD_MB:
        raise UploadLimitError(
            f"Uppladdningsgränsen ska vara ett helt antal megabyte mellan 1 och {MAX_UPLOAD_MB}."
        )
    set_setting(session, UPLOAD_LIMIT, str(parsed))
    audit.record(session, "setting_changed", f"setting:{UPLOAD_LIMIT}", f"mb={parsed}", actor=acting.label)
    return parsed


def check_upload_size(session: Session, file_name: str, size: int) -> None:
    """Refuse a file larger than the upload limit, before it is parsed."""
    limit_mb = upload_limit_mb(session)
    if size > limit_mb * MB:
        raise ImportRefusedError(
            f"{file_name} är {size_text(size)}, mer än de {limit_mb} MB som importen tar emot. "
            "Dela upp filen, till exempel per månad. Inget importerades."
        )


__all__ = [
    "MAX_UPLOAD_MB",
    "UPLOAD_LIMIT",
    "UploadLimitError",
    "check_upload_size",
    "set_upload_limit",
    "upload_limit_mb",
]
