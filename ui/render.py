"""HTML for the UI's panels. Every piece of article or model text goes through
``html.escape``: nothing from a document reaches the page as markup."""

from __future__ import annotations

import re
from html import escape
from typing import Any, Iterable, Sequence

from rag.types import Span


def _snippet(text: str, start: int, end: int, spans: Sequence[Span]) -> str:
    """The quote highlighted between the article sentences before and after it, escaped."""
    ordered = sorted(spans, key=lambda s: s.start)
    before = [s for s in ordered if s.end <= start][-1:]
    after = [s for s in ordered if s.start >= end][:1]
    left = " ".join(text[s.start : s.end] for s in before)
    right = " ".join(text[s.start : s.end] for s in after)
    return f"{escape(left)} <mark>{escape(text[start:end])}</mark> {escape(right)}".strip()


def source_cards(answer: dict[str, Any], texts: dict[str, str], meta: dict[str, dict[str, Any]],
                 spans: dict[str, Sequence[Span]] | None = None) -> str:
    """One card per citation (or per related passage when the answer abstained)."""
    items: Sequence[dict[str, Any]] = answer.get("citations") or []
    heading = "Sources"
    if answer.get("abstained"):
        items = answer.get("related") or []
        heading = "Related passages (not an answer)"
    if not items:
        return "<div class='rag-empty'>No sources.</div>"
    cards = [f"<h4 class='rag-heading'>{escape(heading)}</h4>"]
    for c in items:
        text = texts.get(c["source"], "")
        info = meta.get(c["source"], {})
        date = info.get("date") or ""
        body = (_snippet(text, c["start"], c["end"], (spans or {}).get(c["source"], ())) if text
                else f"<mark>{escape(c['quote'])}</mark>")
        cards.append(
            f"<div class='rag-card' data-cite='{int(c['n'])}' title='Open in the article'>"
            f"<div class='rag-card-head'><b>[{int(c['n'])}]</b> {escape(c.get('title') or '')}</div>"
            f"<div class='rag-card-meta'>{escape(c['source'])} · chars {int(c['start'])}–{int(c['end'])}"
            f"{' · ' + escape(date) if date else ''}</div>"
            f"<div class='rag-card-body'>{body}</div></div>"
        )
    return "\n".join(cards)


def article_view(source: str, title: str, text: str, spans: Sequence[Span], start: int | None = None,
                 end: int | None = None) -> str:
    """The whole file: the article's sentences in full colour, page furniture greyed out,
    one quote highlighted (the page scrolls to the mark)."""
    parts: list[str] = []
    pos = 0
    marks = (start, end) if start is not None and end is not None else None
    for span in sorted(spans, key=lambda s: s.start):
        if span.start > pos:
            parts.append(f"<span class='rag-furniture'>{escape(text[pos:span.start])}</span>")
        parts.append(_marked(text, span.start, span.end, marks))
        pos = max(pos, span.end)
    if pos < len(text):
        parts.append(f"<span class='rag-furniture'>{escape(text[pos:])}</span>")
    body = "".join(parts)
    return (f"<div class='rag-article'><h3>{escape(title)}</h3><div class='rag-card-meta'>{escape(source)}</div>"
            f"<div class='rag-article-text'>{body}</div></div>")


def _marked(text: str, a: int, b: int, marks: tuple[int, int] | None) -> str:
    if marks is None or marks[1] <= a or marks[0] >= b:
        return escape(text[a:b])
    s, e = max(a, marks[0]), min(b, marks[1])
    return f"{escape(text[a:s])}<mark id='rag-quote'>{escape(text[s:e])}</mark>{escape(text[e:b])}"


def answer_markdown(answer: dict[str, Any]) -> str:
    """The answer and its citations as Markdown, for copying."""
    lines = [answer["answer"], ""]
    for c in answer.get("citations") or []:
        lines.append(f"[{c['n']}] {c['source']} ({c['start']}–{c['end']}): «{c['quote']}»")
    return "\n".join(lines).strip() + "\n"


def escape_chat(text: str) -> str:
    """Chat text is rendered as Markdown: escape what would become markup, emphasis or a link
    (citation markers like [1] stay readable; "(" is escaped so no "[x](url)" link can form)."""
    out = escape(text, quote=False)
    for ch in "()*_`#|~!":
        out = out.replace(ch, "\\" + ch)
    return out.replace("://", ":&#47;&#47;")


_MARKER = re.compile(r"\[(\d{1,3})\]")
_MARKER_LINK = re.compile(r"\[\\\[(\d{1,3})\\\]\]\(#cite-\d{1,3}\)")


def chat_answer(text: str, numbers: Iterable[int]) -> str:
    """Answer text for the chat, escaped, with each marker of a real citation turned into a
    link to ``#cite-n`` (a click opens that citation; see ``CITATION_CLICKS``)."""
    valid = {int(n) for n in numbers}
    return _MARKER.sub(lambda m: f"[\\[{m[1]}\\]](#cite-{m[1]})" if int(m[1]) in valid else m[0], escape_chat(text))


def unlink_markers(markdown: str) -> str:
    """An earlier answer's marker links back to plain ``[n]`` (its citations are no longer listed)."""
    return _MARKER_LINK.sub(lambda m: f"[{m[1]}]", markdown)


def gloss_box(n: int, quote: str, gloss: str | None, model: str, pending: bool = False) -> str:
    """The quote with its English gloss under it, labelled as a machine translation."""
    if pending:
        text = "<i>translating…</i>"
    elif gloss:
        text = escape(gloss)
    else:
        text = "<i>no translation available</i>"
    return ("<div class='rag-gloss'>"
            f"<div class='rag-gloss-quote'><b>[{int(n)}]</b> «{escape(quote)}»</div>"
            f"<div class='rag-gloss-label'>English gloss · machine translation by {escape(model)}, not a quote · "
            "often wrong (in hand checks, one in three said only what the quote says): trust the quote</div>"
            f"<div class='rag-gloss-text'>{text}</div></div>")


# Markers inside the chat's Markdown and the source cards are not Gradio components, so one
# delegated listener turns a click on them into a click on the matching citation choice.
CITATION_CLICKS = """
() => {
  const open = (n) => {
    const label = [...document.querySelectorAll('#citations label')]
      .find((l) => l.innerText.trim().startsWith('[' + n + ']'));
    if (!label) return;
    label.click();
    setTimeout(() => document.querySelector('#rag-quote')?.scrollIntoView({block: 'center'}), 300);
  };
  document.addEventListener('click', (ev) => {
    const link = ev.target.closest && ev.target.closest('#chat a[href^="#cite-"]');
    const card = !link && ev.target.closest && ev.target.closest('#sources .rag-card[data-cite]');
    if (!link && !card) return;
    ev.preventDefault();
    ev.stopPropagation();
    open(link ? link.getAttribute('href').slice(6) : card.dataset.cite);
  }, true);
}
"""

CSS = """
.rag-card {border:1px solid #d0d7de; border-radius:8px; padding:8px 10px; margin:6px 0; background:#fff;}
.rag-card-head {font-size:0.95em; margin-bottom:2px;}
.rag-card-meta {color:#57606a; font-size:0.8em; margin-bottom:4px;}
.rag-card-body {font-size:0.9em; line-height:1.4;}
.rag-card mark, .rag-article mark {background:#fff3a3; padding:0 2px;}
.rag-article-text {white-space:pre-wrap; line-height:1.5; max-height:420px; overflow:auto;}
.rag-heading {margin:4px 0;}
.rag-furniture {color:#9aa1a9; font-size:0.9em;}
.rag-card[data-cite] {cursor:pointer;}
.rag-card[data-cite]:hover {border-color:#0969da;}
#chat a[href^="#cite-"] {text-decoration:none; font-weight:600;}
.rag-gloss {border-left:3px solid #0969da; padding:4px 10px; margin:6px 0; background:#f6f8fa;}
.rag-gloss-label {color:#57606a; font-size:0.8em; font-style:italic; margin-top:4px;}
"""
