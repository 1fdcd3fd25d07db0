"""Direct speech that runs over several sentences: find the whole quotation a sentence is in.

News quotes a minister for three sentences and names him after the last one
(«... Кремля. Росії було б краще ...», написав Резніков). A sentence cut from the middle
of that is a fragment with a stray quotation mark and no speaker; a citation should hold
the whole quotation. Written here because no splitter we use tracks quotation marks.
"""

from __future__ import annotations

from typing import Sequence

from rag.types import Span

_OPENING = "«„"
_CLOSING = "»”"
_STRAIGHT = '"'
CLOSING_MARKS = _CLOSING + _STRAIGHT + "“"  # a sentence without one of these closes no quotation


def open_quotations(text: str, start: int, end: int) -> bool:
    """True when a quotation opened in ``text[start:end]`` is still open at ``end``.

    Guillemets and low-high quotes nest; a straight quote toggles; “ closes an open „ (the
    Ukrainian pair) and opens otherwise (the English pair, closed by ”).

    >>> open_quotations('«Так. Ні', 0, 8), open_quotations('«Так». Ні', 0, 9), open_quotations('"Так" і "ні', 0, 11)
    (True, False, True)
    >>> open_quotations('„Так“ і “ні”', 0, 12)
    False
    """
    depth, straight, low = 0, False, 0
    for ch in text[start:end]:
        if ch == _STRAIGHT:
            straight = not straight
        elif ch == "„":
            depth, low = depth + 1, low + 1
        elif ch == "“":
            if low:
                depth, low = max(depth - 1, 0), low - 1
            else:
                depth += 1
        elif ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth = max(depth - 1, 0)
    return depth > 0 or straight


def closed_quotation(text: str, sentences: Sequence[Span], sentence: Span, max_chars: int) -> Span:
    """``sentence`` widened back to the start of the quotation it closes, when it ends direct
    speech opened in an earlier sentence of its paragraph (the tail «... проблем», написав
    Резніков names the speaker of the whole quotation, and alone it is a fragment with a stray
    mark). The sentence itself otherwise, when it is not one of ``sentences``, or when the
    quotation is longer than ``max_chars``. A sentence in the middle of a quotation reads on
    its own and is left as it is.

    >>> t = 'Вступ. "Перше. Друге. Третє", сказав він. Кінець.'
    >>> s = [Span(0, 6), Span(7, 14), Span(15, 21), Span(22, 41), Span(42, 49)]
    >>> w = closed_quotation(t, s, s[3], 100)
    >>> t[w.start:w.end]
    '"Перше. Друге. Третє", сказав він.'
    >>> [closed_quotation(t, s, x, 100) == x for x in (s[1], s[2], s[4])], closed_quotation(t, s, s[3], 20) == s[3]
    ([True, True, True], True)
    >>> t = 'А. "Б. В", сказав він. "Г. Д", додав він.'
    >>> s = [Span(0, 2), Span(3, 6), Span(7, 22), Span(23, 26), Span(27, 41)]
    >>> w = closed_quotation(t, s, s[4], 100)
    >>> t[w.start:w.end]
    '"Г. Д", додав він.'

    """
    ordered = sorted(sentences, key=lambda s: s.start)
    if sentence not in ordered:
        return sentence
    i = ordered.index(sentence)
    first = i
    while first > 0 and "\n" not in text[ordered[first - 1].end : ordered[first].start]:
        first -= 1  # the paragraph's first sentence
    origin = ordered[first].start
    if not open_quotations(text, origin, sentence.start) or open_quotations(text, origin, sentence.end):
        return sentence
    opening = next(j for j in range(i, first - 1, -1) if not open_quotations(text, origin, ordered[j].start))
    widened = Span(ordered[opening].start, sentence.end)
    return widened if widened.end - widened.start <= max_chars else sentence
