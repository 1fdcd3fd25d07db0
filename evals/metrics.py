"""Pure scoring functions of the eval harness: one question's result in, numbers out."""

from __future__ import annotations

import re
import statistics
from typing import Any, Iterable, Sequence

_MARKER = re.compile(r"\[(\d+)\]")


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def distinct(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def article_hit(ranked_sources: Sequence[str], gold: Sequence[str], k: int) -> float:
    """1.0 when any gold source is among the first ``k`` distinct retrieved sources."""
    return float(any(s in gold for s in distinct(ranked_sources)[:k]))


def reciprocal_rank(spans: Sequence[tuple[str, int, int]], gold: Sequence[dict[str, Any]]) -> float:
    """1/rank of the first retrieved (source, start, end) overlapping a gold evidence span."""
    for rank, (source, start, end) in enumerate(spans, 1):
        if any(g["source"] == source and overlaps(start, end, g["start"], g["end"]) for g in gold):
            return 1.0 / rank
    return 0.0


def span_recall(spans: Sequence[tuple[str, int, int]], gold: Sequence[dict[str, Any]]) -> float:
    """Share of gold evidence spans overlapped by at least one of ``spans``."""
    if not gold:
        return 0.0
    covered = sum(any(s == g["source"] and overlaps(a, b, g["start"], g["end"]) for s, a, b in spans) for g in gold)
    return covered / len(gold)


def citation_precision(citations: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]]) -> float | None:
    """Share of citations whose span overlaps a gold span of a gold source (None: no citations)."""
    if not citations:
        return None
    good = sum(any(c["source"] == g["source"] and overlaps(c["start"], c["end"], g["start"], g["end"]) for g in gold)
               for c in citations)
    return good / len(citations)


def _has(text: str, alternatives: Sequence[str]) -> bool:
    low = text.lower()
    return any(a.lower() in low for a in alternatives)


def fact_coverage(text: str, facts: Sequence[Sequence[str]]) -> float | None:
    """Share of key facts (each a list of alternatives, any language) found in ``text``."""
    if not facts:
        return None
    return sum(_has(text, f) for f in facts) / len(facts)


def citation_recall(citations: Sequence[dict[str, Any]], facts: Sequence[Sequence[str]]) -> float | None:
    """Share of key facts stated in at least one cited quote."""
    if not facts:
        return None
    quotes = " ".join(c["quote"] for c in citations)
    return sum(_has(quotes, f) for f in facts) / len(facts)


def quote_exact(citation: dict[str, Any], source_text: str) -> bool:
    return source_text[citation["start"] : citation["end"]] == citation["quote"]


def marker_share(answer: str, n_citations: int) -> float | None:
    """Share of answer sentences that carry at least one marker pointing at a citation."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", answer.strip()) if s.strip()]
    if not sentences:
        return None
    ok = sum(any(1 <= int(m) <= n_citations for m in _MARKER.findall(s)) for s in sentences)
    return ok / len(sentences)


def mean(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(sorted(values), n=100, method="inclusive")[int(q) - 1])


def abstention(predicted: Sequence[bool], truth_unanswerable: Sequence[bool]) -> tuple[float | None, float | None]:
    """Precision and recall of abstaining, where the positive class is 'unanswerable'."""
    tp = sum(p and t for p, t in zip(predicted, truth_unanswerable))
    fp = sum(p and not t for p, t in zip(predicted, truth_unanswerable))
    fn = sum(t and not p for p, t in zip(predicted, truth_unanswerable))
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall
