"""Where the database lives and which settings apply.

The URL comes from, in order: the ``DATABASE_URL`` environment variable, the
``DATABASE_URL`` key in ``.streamlit/secrets.toml`` (read with tomllib so this
package never needs Streamlit), and finally an SQLite file under ``data/``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
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


def public_base_url() -> str:
    """The address units reach the app at, for links procurers send out (the
    needs form). ``AVTALSFOKUS_BASE_URL`` in the environment or in
    ``.streamlit/secrets.toml``; without it, the local default."""
    value = os.environ.get("AVTALSFOKUS_BASE_URL")
    if not value and SECRETS_FILE.is_file():
        with SECRETS_FILE.open("rb") as handle:
            value = tomllib.load(handle).get("AVTALSFOKUS_BASE_URL")
    return str(value or DEFAULT_PUBLIC_BASE_URL).rstrip("/")


def needs_form_link(contract_reference: str, unit_code: str | None = None) -> str:
    """The link that opens the needs form with the contract (and unit) filled in."""
    query = {"contract": contract_reference} | ({"unit": unit_code} if unit_code else {})
    return f"{public_base_url()}/behov?{urlencode(query)}"
