"""Where the database lives and which settings apply.

The URL comes from, in order: the ``DATABASE_URL`` environment variable, the
``DATABASE_URL`` key in ``.streamlit/secrets.toml`` (read with tomllib so this
package never needs Streamlit), and finally an SQLite file under ``data/``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "avtalsfokus.db"
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_SQLITE_PATH}"
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"


def _url_from_secrets(path: Path = SECRETS_FILE) -> str | None:
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        secrets = tomllib.load(handle)
    value = secrets.get("DATABASE_URL")
    return str(value) if value else None


def database_url() -> str:
    """Return the configured SQLAlchemy URL, re-read on every call.

    Re-reading is cheap and lets tests and the CLI switch databases by
    changing the environment; engines are cached per URL in ``db``.
    """
    return os.environ.get("DATABASE_URL") or _url_from_secrets() or DEFAULT_DATABASE_URL


def is_default_database(url: str | None = None) -> bool:
    """True when the app runs on the embedded demo database.

    Only that database is filled with demo data automatically: a real
    deployment pointed at PostgreSQL must never get invented invoices.
    """
    return (url or database_url()) == DEFAULT_DATABASE_URL


def demo_lines(default: int = 200_000) -> int:
    """How many invoice lines the automatic first-start demo gets
    (``AVTALSFOKUS_DEMO_LINES``; smaller makes a quicker first start)."""
    value = os.environ.get("AVTALSFOKUS_DEMO_LINES", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


DEFAULT_PUBLIC_BASE_URL = "http://localhost:8501"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


def configured_base_url() -> str | None:
    """``AVTALSFOKUS_BASE_URL`` from the environment or ``.streamlit/secrets.toml``,
    without a trailing slash; None when it is not set."""
    value = os.environ.get("AVTALSFOKUS_BASE_URL")
    if not value and SECRETS_FILE.is_file():
        with SECRETS_FILE.open("rb") as handle:
            value = tomllib.load(handle).get("AVTALSFOKUS_BASE_URL")
    text = str(value or "").strip().rstrip("/")
    return text or None


def public_base_url(detected: str | None = None, *, admin_setting: str | None = None) -> str:
    """The address units reach the app at, for links procurers send out (the
    needs form, the receipt; ``ui.links`` builds them, as only the UI knows the
    pages' routes). In order: the admin's setting (Inställningar,
    ``admin_setting``, read from the database by ``ui.links``);
    ``AVTALSFOKUS_BASE_URL``; the address the app was reached at
    (``detected``, which the page finds from the browser's address or the
    request headers: see ``ui.links``); the local default."""
    chosen = (admin_setting or "").strip().rstrip("/")
    return chosen or configured_base_url() or (detected or "").strip().rstrip("/") or DEFAULT_PUBLIC_BASE_URL


def is_local_address(url: str) -> bool:
    """True when a link to ``url`` works only on the computer the app runs on
    (localhost, 127.0.0.1, ::1, 0.0.0.0, or a ``*.localhost`` name)."""
    host = (urlsplit(url).hostname or "").lower()
    return host in LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127.")


def base_from_page_url(url: str | None, page_paths: Iterable[str]) -> str | None:
    """The app's base address from the address of one of its pages: the
    scheme, host, port and any path prefix (a proxy's ``/avtalsfokus``), with
    the page's own path (one of ``page_paths``) and any query removed."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return None
    segments = [segment for segment in parts.path.split("/") if segment]
    if segments and segments[-1] in set(page_paths):
        segments.pop()
    path = "".join(f"/{segment}" for segment in segments)
    return f"{parts.scheme}://{parts.netloc}{path}"


def base_from_headers(headers: Mapping[str, str]) -> str | None:
    """The app's base address from the request headers, as a reverse proxy
    passes them on: ``X-Forwarded-Proto``, ``X-Forwarded-Host`` and
    ``X-Forwarded-Prefix`` where set, else the ``Origin`` (for the scheme) and
    ``Host``. None without a host."""
    lowered = {name.lower(): value for name, value in headers.items()}

    def first(name: str) -> str:
        return (lowered.get(name) or "").split(",")[0].strip()

    host = first("x-forwarded-host") or first("host")
    if not host:
        return None
    origin = urlsplit(first("origin"))
    scheme = first("x-forwarded-proto") or (origin.scheme if origin.netloc == host else "") or "http"
    prefix = first("x-forwarded-prefix").strip("/")
    return f"{scheme.lower()}://{host}" + (f"/{prefix}" if prefix else "")
