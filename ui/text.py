"""Text from the data shown inside Markdown, exactly as it was written.

Almost every Streamlit element renders Markdown: ``st.markdown`` and
``st.caption``, headings, alerts, toasts, metrics (label, value and delta),
and the labels of buttons, expanders, tabs, page links and every widget,
help tooltips included. A supplier, unit or contract name imported from a
file, or a value typed in the address bar, would otherwise become a link, an
image the browser fetches from another host, a colour, an icon or a formula.

``md`` makes a value inert in two steps, both needed in Streamlit 1.67:

1. A backslash before every character Markdown (CommonMark, GitHub's tables,
   strike-through and footnotes, Streamlit's ``:red[...]`` and ``$...$``)
   gives a meaning to. A backslash-escaped punctuation character shows as
   itself, so the text reads exactly as written.
2. A word joiner (U+2060: invisible, and no line break) where a rule that
   runs on the parsed text would still find something, since an escape is
   gone by then: after every ``:`` (``http://``, ``:smile:``,
   ``:material/home:``), after every ``@`` (``eva@kommun.se``) and between
   ``www`` and its dot (GitHub's bare links to ``www.example.com``).

Line breaks become spaces: a name is one line, and a blank line inside it
would end the bold or heading around it.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=^])")
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\x00-\x08\x0e-\x1f\x7f\u2028\u2029]+")
_AFTER_JOINER = re.compile(r"(\\:|@)")
_BARE_WWW = re.compile(r"(www)(?=\\\.)", re.IGNORECASE)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()<>#+\-.!|~$:&=^])")


def md(value: object) -> str:
    """``value`` as Markdown that shows it literally: no link, image, HTML,
    emphasis, colour, icon, emoji or formula. Figures the app formats itself
    (``1 234 kr``, ``55,2 %``, ``2026-03-14``) read the same escaped."""
    text = _LINE_BREAKS.sub(" ", str(value))
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    text = _BARE_WWW.sub(r"\1" + WORD_JOINER, text)
    return _AFTER_JOINER.sub(r"\1" + WORD_JOINER, text)


def md_unescaped(markdown: str) -> str:
    """What a reader sees of a text made with ``md``: the escapes and word
    joiners taken out again. For tests, which read the Markdown source."""
    return _ESCAPE.sub(r"\1", markdown.replace(WORD_JOINER, ""))
