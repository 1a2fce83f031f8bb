"""Tillgänglighet (everyone, signed in or not): the accessibility statement
the law requires (``ui.accessibility``)."""

from ui import cached
from ui.accessibility import statement

statement(cached.data_state())
