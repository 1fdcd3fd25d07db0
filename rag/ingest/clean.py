"""Find the article body in a news page's text, as exact line spans of that text.

Pages carry ads, related-news and latest-news lists, photo captions and social footers.
No library here separates them from the article while keeping offsets (trafilatura and
readability work on HTML and return new text), so this is a small line classifier.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rag.types import Span

# A line that starts a block of page furniture: everything from it on is not the article.
_TERMINAL = re.compile(
    r"^(ЩЕ ЗА ТЕМОЮ|ОСТАННЄ|ОСТАННІ НОВИНИ|Читайте також:?|Вас також можуть зацікавити( новини)?:?|"
    r"Всі новини.*|Популярне|Новини партнерів|Рекомендуємо|Related( news| articles)?|Read more|"
    r"More (news|stories)|Latest( news)?|Читайте (головні )?новини .* в соціальних мережах.*|"
    r"Підписуйтесь на .*|Приєднуйтесь до .*|Follow us on .*|Share this( article)?)$",
    re.IGNORECASE,
)
# A single line of furniture inside the article: dropped, the article goes on.
_DROP = re.compile(
    r"^(Реклама|Advertisement|Ad|Відео дня|Новини|Головна.{0,40}|Фото:.*|Photo:.*|Джерело фото.*|"
    r".{0,60}/\s*(фото|photo)\s+[^.]{0,40}|Читайте також:.*|Read also:.*|Дивіться також:.*|"
    r"Поділитися|Share|Коментарі.*|Теги:.*|Tags:.*)$",
    re.IGNORECASE,
)
_TIMESTAMP = re.compile(r"^\d{1,2}:\d{2}(,\s*\d{1,2}\.\d{1,2}\.\d{2,4})?$|^\d{1,2}\.\d{1,2}\.\d{2,4}(,?\s*\d{1,2}:\d{2})?$")
_MONTHS = (
    "січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня|"
    "січень|лютий|березень|квітень|травень|червень|липень|серпень|вересень|жовтень|листопад|грудень|"
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_DATE_LINE = re.compile(rf"^\d{{1,2}}\s+({_MONTHS})\s+\d{{4}}(,?\s*\d{{1,2}}:\d{{2}})?$", re.IGNORECASE)


@dataclass(frozen=True)
class Body:
    """The article inside a page: its title line and its body lines, as spans."""

    title: Span | None
    lines: tuple[Span, ...]


def _line_spans(text: str) -> list[Span]:
    """Spans of non-blank lines, trimmed of surrounding whitespace (and a BOM)."""
    spans = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        content = raw.rstrip("\r\n")
        lead = len(content) - len(content.lstrip(" \t\ufeff\u00a0"))
        stripped = content.strip(" \t\ufeff\u00a0")
        if stripped:
            start = pos + lead
            spans.append(Span(start, start + len(stripped)))
        pos += len(raw)
    return spans


def _is_feed_entry(lines: list[str], i: int) -> bool:
    """A headline followed by a timestamp line, as in 'latest news' lists."""
    return i + 1 < len(lines) and bool(_TIMESTAMP.match(lines[i + 1]))


def find_body(text: str) -> Body:
    """Locate the title and body lines of the article in ``text``.

    >>> b = find_body("Title here\\nFirst paragraph.\\nРеклама\\nЩЕ ЗА ТЕМОЮ\\nOther story\\n")
    >>> [("Title here\\nFirst paragraph.\\nРеклама\\nЩЕ ЗА ТЕМОЮ\\nOther story\\n")[s.start:s.end] for s in b.lines]
    ['First paragraph.']
    """
    spans = _line_spans(text)
    lines = [text[s.start : s.end] for s in spans]
    counts = Counter(lines)
    kept: list[Span] = []
    title: Span | None = None
    for i, (span, line) in enumerate(zip(spans, lines)):
        if _TERMINAL.match(line) or _DATE_LINE.match(line):
            break
        if _TIMESTAMP.match(line) or _is_feed_entry(lines, i):
            # two feed entries in a row are a list: the article is over
            if _is_feed_entry(lines, i) and i + 3 < len(lines) and _is_feed_entry(lines, i + 2):
                break
            continue
        if _DROP.match(line):
            continue
        if title is not None and line == text[title.start : title.end]:
            continue  # the title repeated (breadcrumb or header block)
        if title is None and not kept and _looks_like_title(line):
            title = span
            continue
        if counts[line] > 1:
            continue  # repeated lines are photo captions and page furniture
        if i + 1 < len(lines) and lines[i + 1].lower().startswith(("фото", "photo")):
            continue  # a caption directly above its photo credit
        kept.append(span)
    return Body(title=title, lines=tuple(kept))


def _looks_like_title(line: str) -> bool:
    """Headline style: a single line of modest length without a closing full stop."""
    return 10 <= len(line) <= 250 and not line.endswith((".", ":", ";", ","))
