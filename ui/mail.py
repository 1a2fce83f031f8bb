"""Writing to many units at once: ``mailto:`` links that keep every address
in blind copy and fit what a mail client accepts. Plain Python, no
Streamlit, so the rules are tested directly.

A mail client takes a ``mailto:`` link of about 2 000 characters (Outlook
cuts longer ones silently, and some browsers refuse them), so a long list is
split into numbered batches: every address lands in exactly one of them, and
every link stays within the limit. Addresses go in ``bcc``: no unit sees who
else was written to.

The link follows RFC 6068: ``mailto:?bcc=a@x.se,b@y.se&subject=...``. An
address keeps ``@`` and the separating ``,`` as they are (both are allowed
there) and has everything else percent-encoded (``+`` included, which some
clients read as a space), and so does the subject (UTF-8).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

MAILTO_LIMIT = 2_000  # characters per link, the whole link counted
_ADDRESS_SAFE = "@"  # kept as is in an address; "," separates addresses
_SUBJECT_ELLIPSIS = "…"


@dataclass(frozen=True)
class MailBatch:
    """One message to write: its number among ``total`` and its addresses."""

    number: int
    total: int
    addresses: tuple[str, ...]
    link: str

    @property
    def label(self) -> str:
        """The button text: ``Skriv till alla`` or ``Skriv till grupp 2 av 3``."""
        if self.total == 1:
            return "Skriv till alla"
        return f"Skriv till grupp {self.number} av {self.total}"


def unique_addresses(emails: Iterable[str | None]) -> list[str]:
    """Each address once (case ignored), in first-seen order; blanks dropped."""
    seen: set[str] = set()
    result = []
    for email in emails:
        address = (email or "").strip()
        if address and address.casefold() not in seen:
            seen.add(address.casefold())
            result.append(address)
    return result


def outlook_line(addresses: Sequence[str]) -> str:
    """The addresses separated by semicolons: pasted into Outlook's Bcc field."""
    return "; ".join(addresses)


def _encoded_address(address: str) -> str:
    return quote(address, safe=_ADDRESS_SAFE)


def _encoded_subject(subject: str) -> str:
    return quote(subject, safe="")


def mailto_address(address: str, subject: str | None = None) -> str:
    """A ``mailto:`` link to one person (in To), with an optional subject.
    The address is encoded like the others: one that holds ``?``, ``&`` or
    ``,`` cannot add a recipient, a copy or a body of its own."""
    link = f"mailto:{_encoded_address(address)}"
    return f"{link}?subject={_encoded_subject(subject)}" if subject else link


def mailto_link(addresses: Sequence[str], subject: str) -> str:
    """One ``mailto:`` link with the addresses in blind copy."""
    recipients = ",".join(_encoded_address(address) for address in addresses)
    return f"mailto:?bcc={recipients}&subject={_encoded_subject(subject)}"


def _fitting_subject(subject: str, longest_address: int, limit: int) -> str:
    """The subject, shortened (with an ellipsis) when even a single address
    with it would not fit in one link."""
    room = limit - len(mailto_link([], "")) - longest_address
    if len(_encoded_subject(subject)) <= room:
        return subject
    shortened = subject
    while shortened and len(_encoded_subject(shortened + _SUBJECT_ELLIPSIS)) > room:
        shortened = shortened[:-1]
    return shortened.rstrip() + _SUBJECT_ELLIPSIS if shortened else ""


def mailto_batches(addresses: Sequence[str], subject: str, limit: int = MAILTO_LIMIT) -> list[MailBatch]:
    """The addresses (already unique) in as few ``mailto:`` links as fit
    within ``limit`` characters each, in the given order; none when there is
    no address. Raises ValueError for an address that alone cannot fit."""
    if not addresses:
        return []
    encoded = [_encoded_address(address) for address in addresses]
    subject = _fitting_subject(subject, max(len(part) for part in encoded), limit)
    fixed = len(mailto_link([], subject))  # "mailto:?bcc=&subject=..."
    groups: list[list[int]] = [[]]
    length = fixed
    for index, part in enumerate(encoded):
        added = len(part) + (1 if groups[-1] else 0)  # the "," before it
        if groups[-1] and length + added > limit:
            groups.append([])
            length, added = fixed, len(part)
        if fixed + len(part) > limit:
            raise ValueError(f"the address {addresses[index]!r} is too long for a mailto link")
        groups[-1].append(index)
        length += added
    total = len(groups)
    batches = []
    for number, group in enumerate(groups, start=1):
        chosen = tuple(addresses[index] for index in group)
        batches.append(MailBatch(number, total, chosen, mailto_link(chosen, subject)))
    return batches
