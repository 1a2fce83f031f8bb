"""The change on a headline card: its text, its arrow and its colour.

Plain Python, so that every card's rise and fall is tested without a browser.
Streamlit would guess the arrow from the text's first character, and reads the
typographic minus our figures use as a rise; so each card states its arrow
and its colour itself, and says per figure whether a rise is good news.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ui.format import compact_kronor, points

Arrow = Literal["up", "down", "off"]
Colour = Literal["green", "red", "gray"]


@dataclass(frozen=True)
class CardChange:
    text: str  # "+2,4 p.e.", "−11,3 mnkr"
    arrow: Arrow
    colour: Colour


def _change(difference: Decimal, text: str, rise_is_good: bool) -> CardChange:
    if difference == 0 or text.lstrip("+").startswith(("0 ", "0\u00a0", "0,0")):
        return CardChange(text.lstrip("+"), "off", "gray")
    rose = difference > 0
    return CardChange(text, "up" if rose else "down", "green" if rose == rise_is_good else "red")


def points_change(now: Decimal | None, before: Decimal | None, *, rise_is_good: bool) -> CardChange | None:
    """A share's change in percentage points; None when either is undefined."""
    if now is None or before is None:
        return None
    return _change(now - before, points(now - before), rise_is_good)


def kronor_change(now: Decimal, before: Decimal, *, rise_is_good: bool) -> CardChange:
    """An amount's change, ``+1,2 mnkr`` or ``−654 420 kr``."""
    difference = now - before
    text = compact_kronor(difference)
    return _change(difference, text if difference < 0 else f"+{text}", rise_is_good)
