"""The settings an admin changes in the app (Inställningar), typed and checked.

Each lives in ``app_setting`` as text under its key; here it is read as the
type it means (a tuple of domains, an address, a number of months) and every
change is checked first, refused with a Swedish :class:`SettingError` that
says what is allowed, and written to the audit log as ``setting_changed``
with the subject ``setting:KEY``. The log keeps the new value only where it
cannot be personal (an address, a number, how many domains); the contact text
of the "Du har inte behörighet" page may name a person, so only its length is
logged.

The settings:

- the municipality's own e-mail domains (``identity.DOMAINS_SETTING``):
  anyone signed in with such an address may search contracts and submit needs;
- whom a person without access should contact (``identity.ACCESS_CONTACT_SETTING``);
- the public base address of links sent to units (the needs form, a
  receipt): this setting wins over ``AVTALSFOKUS_BASE_URL`` and over the
  address the app was reached at (``ui.links``), because the admin who set it
  knows the address the units reach;
- how many months the audit log keeps (:data:`DEFAULT_RETENTION_MONTHS`),
  what ``python -m data_access audit purge`` uses without ``--months``.

The upload limit is :mod:`data_access.importing.upload_limit` (the importer
reads it); targets and the direct-award limit are :mod:`data_access.figures.targets`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from data_access.access import audit
from data_access.access.identity import ACCESS_CONTACT_SETTING, DOMAINS_SETTING, parse_domains
from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.core.lengths import max_length
from data_access.core.models import AppSetting
from data_access.core.settings import get_setting, set_setting

BASE_URL_SETTING = "public_base_url"
RETENTION_SETTING = "audit_retention_months"

DEFAULT_RETENTION_MONTHS = 24
MAX_RETENTION_MONTHS = 120  # ten years: beyond that a log is an archive, not a retention period

CHANGED = "setting_changed"  # the audit action of every change here

# Mailbox providers anyone can sign up with: as a "municipal domain" they
# would let the whole world search contracts and submit needs.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.se",
        "outlook.com",
        "outlook.se",
        "live.com",
        "live.se",
        "msn.com",
        "yahoo.com",
        "yahoo.se",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
        "telia.com",
        "bredband.net",
        "spray.se",
    }
)

# One label of a domain: letters (å, ä and ö too), digits and inner hyphens.
_DOMAIN_LABEL = re.compile(r"^(?!-)(?:[^\W_]|-){1,63}(?<!-)$")


class SettingError(ValueError):
    """A setting that cannot be stored; the message says why, in Swedish."""


@dataclass(frozen=True)
class AppSettings:
    """The admin's settings as the settings page shows them (None: not set)."""

    municipal_domains: tuple[str, ...]
    access_contact: str | None
    base_url: str | None
    retention_months: int


def load_settings(session: Session) -> AppSettings:
    """Every setting of this module, read once. None of them is personal
    data a stranger may not see (the contact is shown to strangers)."""
    contact = (get_setting(session, ACCESS_CONTACT_SETTING) or "").strip() or None
    return AppSettings(
        municipal_domains=parse_domains(get_setting(session, DOMAINS_SETTING) or ""),
        access_contact=contact,
        base_url=base_url(session),
        retention_months=retention_months(session),
    )


def _store(session: Session, key: str, value: str, detail: str, acting: Viewer) -> bool:
    """Write and log a changed value; the value it has already is no change
    (a form that saves two settings logs only the one that changed)."""
    if (get_setting(session, key) or "") == value:
        return False
    set_setting(session, key, value)
    audit.record(session, CHANGED, f"setting:{key}", detail, actor=acting.label)
    return True


# --------------------------------------------------------------------------- municipal domains


def check_domain(domain: str) -> str:
    """A domain as stored (lower case, no ``@``), or :class:`SettingError`."""
    if len(domain) > 253 or "." not in domain or not all(_DOMAIN_LABEL.match(p) for p in domain.split(".")):
        raise SettingError(f"Ogiltig domän: {domain!r}. Skriv domänen som i e-postadresserna, t.ex. lund.se.")
    if domain.rsplit(".", 1)[1].isdigit():
        raise SettingError(f"Ogiltig domän: {domain!r}. Skriv domänen, inte en IP-adress.")
    if domain in PUBLIC_MAIL_DOMAINS:
        raise SettingError(
            f"{domain} är en e-posttjänst som vem som helst kan skaffa konto hos, inte kommunens domän."
        )
    return domain


def set_municipal_domains(session: Session, text: str, *, acting: Viewer) -> tuple[str, ...]:
    """Store the municipality's e-mail domains (commas, spaces or new lines
    between; empty: nobody gets access by their domain alone)."""
    acting.require(Permission.MANAGE_SETTINGS)
    domains = tuple(check_domain(domain) for domain in parse_domains(text or ""))
    stored = ", ".join(domains)
    if len(stored) > max_length(AppSetting.value):
        raise SettingError(f"Domänerna får tillsammans vara högst {max_length(AppSetting.value)} tecken.")
    _store(session, DOMAINS_SETTING, stored, f"domains={len(domains)}", acting)
    return domains


# --------------------------------------------------------------------------- access contact


def set_access_contact(session: Session, text: str, *, acting: Viewer) -> str | None:
    """Store whom a person without access should contact (free text: a
    mailbox, a phone number, a name). Empty: the page names the admins."""
    acting.require(Permission.MANAGE_SETTINGS)
    cleaned = " ".join((text or "").split())  # one paragraph, as the page shows it
    if len(cleaned) > max_length(AppSetting.value):
        raise SettingError(f"Kontaktuppgiften får vara högst {max_length(AppSetting.value)} tecken.")
    # It may name a person: the log keeps only its length.
    _store(session, ACCESS_CONTACT_SETTING, cleaned, f"length={len(cleaned)}", acting)
    return cleaned or None


# --------------------------------------------------------------------------- base address


BASE_URL_REFUSED = (
    "Basadressen ska vara en webbadress som börjar med https:// (eller http://), "
    "t.ex. https://avtal.kommun.se, utan frågetecken eller #."
)


def check_base_url(text: str) -> str | None:
    """``https://avtal.lund.se/avtalsfokus/`` → ``https://avtal.lund.se/avtalsfokus``;
    empty is None (not set); anything but an http(s) address with a host is
    :class:`SettingError`."""
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    try:
        parts = urlsplit(cleaned)
        parts.port  # noqa: B018 - a port that is no number raises here
    except ValueError as error:
        raise SettingError(BASE_URL_REFUSED) from error
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.query
        or parts.fragment
        or any(character.isspace() for character in cleaned)
    ):
        raise SettingError(BASE_URL_REFUSED)
    url = f"{parts.scheme.lower()}://{parts.netloc}{parts.path}".rstrip("/")
    if len(url) > max_length(AppSetting.value):
        raise SettingError(f"Basadressen får vara högst {max_length(AppSetting.value)} tecken.")
    return url


def base_url(session: Session) -> str | None:
    """The admin's base address for links, or None when it is not set (then
    ``AVTALSFOKUS_BASE_URL``, then the address the app was reached at)."""
    stored = get_setting(session, BASE_URL_SETTING)
    if not stored:
        return None
    try:
        return check_base_url(stored)
    except SettingError:  # written by hand into the table: not trusted
        return None


def set_base_url(session: Session, text: str, *, acting: Viewer) -> str | None:
    """Store the public base address (empty: not set)."""
    acting.require(Permission.MANAGE_SETTINGS)
    url = check_base_url(text)
    _store(session, BASE_URL_SETTING, url or "", f"url={url or ''}", acting)
    return url


# --------------------------------------------------------------------------- audit retention


def _whole_months(value: str | int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() else None


def retention_months(session: Session) -> int:
    """How many months the audit log keeps: the setting, else
    :data:`DEFAULT_RETENTION_MONTHS` (also for a stored value out of range)."""
    months = _whole_months(get_setting(session, RETENTION_SETTING) or "")
    if months is None or not 1 <= months <= MAX_RETENTION_MONTHS:
        return DEFAULT_RETENTION_MONTHS
    return months


def set_retention_months(session: Session, months: str | int, *, acting: Viewer) -> int:
    """Store how many months the audit log keeps (1 .. :data:`MAX_RETENTION_MONTHS`)."""
    acting.require(Permission.MANAGE_SETTINGS)
    parsed = _whole_months(months)
    if parsed is None or not 1 <= parsed <= MAX_RETENTION_MONTHS:
        raise SettingError(
            f"Granskningsloggen ska sparas ett helt antal månader, mellan 1 och {MAX_RETENTION_MONTHS}."
        )
    _store(session, RETENTION_SETTING, str(parsed), f"months={parsed}", acting)
    return parsed


__all__ = [
    "BASE_URL_SETTING",
    "DEFAULT_RETENTION_MONTHS",
    "RETENTION_SETTING",
    "AppSettings",
    "SettingError",
    "base_url",
    "load_settings",
    "retention_months",
    "set_access_contact",
    "set_base_url",
    "set_municipal_domains",
    "set_retention_months",
]
