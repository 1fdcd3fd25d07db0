"""HTML for the UI's panels. Every piece of article or model text goes through
``html.escape``: nothing from a document reaches the page as markup."""

from __future__ import annotations

from html import escape
from typing import Any, Sequence

CONTEXT_CHARS = 220


def _snippet(text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> str:
    """The quote highlighted inside its surrounding text, escaped."""
    left = max(0, start - context)
    right = min(len(text), end + context)
    before = ("…" if left > 0 else "") + text[left:start]
    after = text[end:right] + ("…" if right < len(text) else "")
    return f"{escape(before)}<mark>{escape(text[start:end])}</mark>{escape(after)}"


def source_cards(answer: dict[str, Any], texts: dict[str, str], meta: dict[str, dict[str, Any]]) -> str:
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
        body = _snippet(text, c["start"], c["end"]) if text else f"<mark>{escape(c['quote'])}</mark>"
        cards.append(
            "<div class='rag-card'>"
            f"<div class='rag-card-head'><b>[{int(c['n'])}]</b> {escape(c.get('title') or '')}</div>"
            f"<div class='rag-card-meta'>{escape(c['source'])} · chars {int(c['start'])}–{int(c['end'])}"
            f"{' · ' + escape(date) if date else ''}</div>"
            f"<div class='rag-card-body'>{body}</div></div>"
        )
    return "\n".join(cards)


def article_view(source: str, title: str, text: str, start: int | None = None, end: int | None = None) -> str:
    """The whole article with one quote highlighted (the page scrolls to the mark)."""
    if start is None or end is None:
        body = escape(text)
    else:
        body = f"{escape(text[:start])}<mark id='rag-quote'>{escape(text[start:end])}</mark>{escape(text[end:])}"
    return (f"<div class='rag-article'><h3>{escape(title)}</h3><div class='rag-card-meta'>{escape(source)}</div>"
            f"<div class='rag-article-text'>{body}</div></div>")


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


CSS = """
.rag-card {border:1px solid #d0d7de; border-radius:8px; padding:8px 10px; margin:6px 0; background:#fff;}
.rag-card-head {font-size:0.95em; margin-bottom:2px;}
.rag-card-meta {color:#57606a; font-size:0.8em; margin-bottom:4px;}
.rag-card-body {font-size:0.9em; line-height:1.4;}
.rag-card mark, .rag-article mark {background:#fff3a3; padding:0 2px;}
.rag-article-text {white-space:pre-wrap; line-height:1.5; max-height:420px; overflow:auto;}
.rag-heading {margin:4px 0;}
"""
