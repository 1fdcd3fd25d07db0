"""Split body lines into sentences, each an exact span of the source text.

llama-index's splitters return strings without positions; quotes need positions, so
this is a small rule-based splitter for Ukrainian and English news prose.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from rag.types import Span

# end punctuation, optional closing quotes/brackets, whitespace, then a plausible sentence start
_BOUNDARY = re.compile(r"([.!?…]+[\"»”’)\]]*)(\s+)(?=[\"«„“(\[\-–—]?\s*[A-ZА-ЯІЇЄҐ0-9])")
_ABBREVIATIONS = frozenset(
    "р рр ст тис млн млрд грн див т.д т.п ім вул м обл с смт пор напр проф акад ген "
    "mr mrs ms dr st vs jr sr no gen col lt u.s e.g i.e etc".split()
)
MAX_SENTENCE_CHARS = 600
_PARENTHESIS_REACH = 120  # a bracket closed within this many characters holds no sentence end ("(r. 1505–1521)")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at ``dot`` ends an abbreviation or an initial."""
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    if len(word) == 1 and text[start].isupper():
        return True  # an initial: "Л. Остін"
    return word in _ABBREVIATIONS


def _inside_brackets(text: str, start: int, dot: int, end: int) -> bool:
    """True when the stop at ``dot`` stands inside a bracket opened since ``start`` and closed
    soon after, before ``end``: "The Zhengde Emperor (r. 1505–1521) ..." is one sentence."""
    before = text[start:dot]
    if before.count("(") <= before.count(")"):
        return False
    return ")" in text[dot:min(end, dot + _PARENTHESIS_REACH)]


def _split_long(text: str, span: Span, limit: int) -> Iterator[Span]:
    """Cut a run-on span at the last comma/space before ``limit`` characters."""
    start = span.start
    while span.end - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind(", "), window.rfind("; "))
        if cut < limit // 3:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit - 1
        end = start + cut + 1
        yield Span(start, len(text[:end].rstrip()) if text[start:end].strip() else end)
        start = end
        while start < span.end and text[start].isspace():
            start += 1
    if start < span.end:
        yield Span(start, span.end)


def split_sentences(text: str, lines: Iterable[Span], limit: int = MAX_SENTENCE_CHARS) -> list[Span]:
    """Sentence spans within each line span of ``text``.

    >>> t = "Він сказав: «Так». Потім пішов. Ще 5 р. тому"
    >>> [t[s.start:s.end] for s in split_sentences(t, [Span(0, len(t))])]
    ['Він сказав: «Так».', 'Потім пішов.', 'Ще 5 р. тому']
    >>> t = "The Emperor (r. 1505–1521) ruled. He died."
    >>> [t[s.start:s.end] for s in split_sentences(t, [Span(0, len(t))])]
    ['The Emperor (r. 1505–1521) ruled.', 'He died.']
    """
    out: list[Span] = []
    for line in lines:
        start = line.start
        segment = text[line.start : line.end]
        for match in _BOUNDARY.finditer(segment):
            end = line.start + match.end(1)
            dot = line.start + match.start(1)
            if text[dot] == "." and _is_abbreviation(text, dot) or _inside_brackets(text, start, dot, line.end):
                continue
            if text[start:end].strip():
                out.extend(_split_long(text, Span(start, end), limit))
            start = line.start + match.end(2)
        if start < line.end and text[start : line.end].strip():
            out.extend(_split_long(text, Span(start, line.end), limit))
    return out
