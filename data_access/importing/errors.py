"""Named failures of an import, each with a message for the user (Swedish)."""

from __future__ import annotations


class ImportRefusedError(Exception):
    """The file as a whole cannot be imported (not a spreadsheet, too big, a
    zip bomb, no recognisable header ...). Nothing is written."""


class ValueProblemError(ValueError):
    """One cell cannot be read as the value its column needs; the message says
    why, in Swedish, for the per-row validation report."""
