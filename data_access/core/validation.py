"""Input a form sent that cannot be stored: one message per field, so the
form can show each next to its field and keep what was typed."""

from __future__ import annotations


class FieldErrors(ValueError):
    """``problems`` maps a field name to a message for the user (in Swedish)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems
