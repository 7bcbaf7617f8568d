"""Marking the matched words in a hit's text, safely escaped."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in base if not unicodedata.combining(c)) or char
    return base[0].lower() if base else char


def fold(text: str) -> str:
    """``text`` lower-cased without accents, one character per character of ``text``."""
    return "".join(_fold_char(c) for c in text)


def highlight(text: str, words: Sequence[str]) -> SafeString:
    """``text`` escaped, with words starting with one of ``words`` in ``<mark>``."""
    if not text or not words:
        return escape(text)
    folded = fold(text)
    wanted = sorted({fold(w) for w in words if w}, key=len, reverse=True)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        at_word_start = folded[i].isalnum() and (i == 0 or not folded[i - 1].isalnum())
        if at_word_start:
            for word in wanted:
                if folded.startswith(word, i):
                    spans.append((i, i + len(word)))
                    i += len(word)
                    break
            else:
                i += 1
        else:
            i += 1
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above
