"""From retrieved chunks to evidence: body sentences ranked against the question.

Every candidate is an exact span of its source, turned into a ``Quote`` by
``make_quote``; nothing here edits text.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from functools import lru_cache
from typing import Sequence

import numpy as np

from rag import sparse
from rag.embed.base import Embedder
from rag.glossary import mentioned_in
from rag.types import Evidence, Hit, Span, make_quote

_SENTENCE_END = re.compile(r"[.!?…][\"'»”’)\]]*\s*$")


class SentenceVectors:
    """Document-side vectors of sentences, cached by text (sentences recur across chunks)."""

    def __init__(self, embedder: Embedder, capacity: int = 20000) -> None:
        self._embedder = embedder
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._capacity = capacity

    def get(self, texts: Sequence[str], titles: Sequence[str]) -> np.ndarray:
        keys = list(zip(texts, titles))
        missing = [k for k in dict.fromkeys(keys) if k not in self._cache]
        if missing:
            vectors = self._embedder.embed_documents([k[0] for k in missing], [k[1] for k in missing])
            for key, vector in zip(missing, vectors):
                self._cache[key] = vector
            while len(self._cache) > self._capacity:
                self._cache.popitem(last=False)
        for key in keys:
            self._cache.move_to_end(key)
        return np.stack([self._cache[k] for k in keys]) if keys else np.zeros((0, 1), np.float32)


@lru_cache(maxsize=8192)  # the same candidate sentences are scored by the evidence ranking and the selection model
def _terms(text: str, question: bool = False) -> frozenset[str]:
    """The sparse encoder's terms of ``text``, with each glossary abbreviation the text
    mentions, as the abbreviation or written out, as one more term ("=ППО"): "air defence",
    "ППО" and "протиповітряна оборона" meet (the question is often in English, the articles
    in Ukrainian). In a ``question`` the abbreviation's words leave: one concept counts once,
    however many ways it can be written.

    >>> sorted(_terms("посилення ППО")), sorted(_terms("посилення протиповітряної оборони"))
    (['=ППО', 'посиле', 'ппо'], ['=ППО', 'оборон', 'посиле', 'протип'])
    >>> sorted(_terms("What about air defence?", question=True))
    ['=ППО']
    """
    found = mentioned_in(text)
    own = set(sparse.terms(text))
    if question:
        own -= {t for a in found for t in sparse.terms(" ".join([a.short, a.meaning, *(" ".join(p) for p in a.phrases)]))}
    return frozenset(own | {"=" + a.short for a in found})


def term_overlap(question: str, texts: Sequence[str]) -> np.ndarray:
    """Share of the question's terms each text contains, every term weighted by its BM25 IDF
    among ``texts`` (a term all candidates share says little). 0 when nothing is shared.

    Written here because a score over a handful of sentences needs no index; the terms are
    the sparse encoder's, so Ukrainian inflections match.

    >>> [round(float(x), 2) for x in term_overlap("Скільки ракет запустила Росія?",
    ...                                            ["Росія запустила 70 ракет.", "Росія атакувала.", "Інше."])]
    [0.54, 0.1, 0.0]
    """
    wanted = _terms(question, question=True)
    have = [_terms(t) for t in texts]
    if not wanted or not have:
        return np.zeros(len(texts), dtype=np.float32)
    n = len(have)
    idf = {t: float(np.log(1 + (n - df + 0.5) / (df + 0.5))) for t in wanted for df in [sum(t in h for h in have)]}
    total = sum(idf.values()) or 1.0
    return np.array([sum(idf[t] for t in wanted if t in h) / total for h in have], dtype=np.float32)


def lead_sentences(hits: Sequence[Hit]) -> set[tuple[str, int]]:
    """(source, start) of each article's lead among ``hits``: the first sentence of its first
    chunk that ends like a sentence. A standfirst above it (a headline-style summary line with
    no full stop) restates the title and is not the lead.

    >>> h = Hit("c", 1.0, "a.txt", "T", "Summary line One. Two.", 0, 22,
    ...         (Span(0, 12), Span(13, 17), Span(18, 22)), {"chunk_index": 0})
    >>> lead_sentences([h, Hit("d", 0.5, "a.txt", "T", "Two.", 18, 22, (Span(18, 22),), {"chunk_index": 1})])
    {('a.txt', 13)}
    """
    leads = set()
    for hit in hits:
        if hit.meta.get("chunk_index") != 0:
            continue
        first = next((s for s in hit.sentences if _SENTENCE_END.search(hit.sentence_text(s))), None)
        if first is not None:
            leads.add((hit.source, first.start))
    return leads


def select_evidence(query_vector: np.ndarray, hits: Sequence[Hit], vectors: SentenceVectors, k: int,
                    chunk_weight: float = 0.1, question: str = "", lexical_weight: float = 0.0,
                    lead_weight: float = 0.0, focus_vector: np.ndarray | None = None,
                    focus_weight: float = 0.0, asked_vector: np.ndarray | None = None) -> list[Evidence]:
    """The ``k`` sentences of ``hits`` that best answer the question.

    Score = cosine(question, sentence) + ``chunk_weight`` x the reciprocal rank of the best
    chunk holding the sentence (retrieval's fused view breaks near-ties) + ``lexical_weight``
    x :func:`term_overlap` with ``question`` (the sentence that shares the question's rare
    words; the dense vector of a short sentence leans on its article's title) +
    ``lead_weight`` if it is its article's first body sentence (news leads with who, what,
    where; a near-tie with a later sentence goes to the lead).

    With a ``focus_vector`` (the question without its names, see
    :func:`rag.coverage.without_entities`), the cosine is ``focus_weight`` of the way from the
    question's to the focus's: the articles already name who the question names, so among
    their sentences the one that says what is asked should win over one that only repeats
    the name. With an ``asked_vector`` (the question embedded for finding its answer rather
    than its article; for a follow-up, its own turn, while ``query_vector`` is the searched
    text with the previous question in it), the ranking reads that instead of
    ``query_vector``. ``Evidence.score`` stays the cosine with ``query_vector``.
    """
    seen: dict[tuple[str, int, int], tuple[Hit, int]] = {}
    for hit in hits:
        rank = sum(round(other.score, 9) > round(hit.score, 9) for other in hits)  # tied chunks share a rank
        for span in hit.sentences:
            key = (hit.source, span.start, span.end)
            if key not in seen:
                seen[key] = (hit, rank)
    if not seen:
        return []
    items = list(seen.items())
    texts = [hit.sentence_text(Span(key[1], key[2])) for key, (hit, _) in items]
    matrix = vectors.get(texts, [hit.title for _, (hit, _) in items])
    cosine = matrix @ np.asarray(query_vector, dtype=np.float32)
    ranking = cosine if asked_vector is None else matrix @ np.asarray(asked_vector, dtype=np.float32)
    asked_cos = ranking
    focus_cos = ranking
    if focus_vector is not None and focus_weight:
        focus_cos = matrix @ np.asarray(focus_vector, dtype=np.float32)
        ranking = (1 - focus_weight) * ranking + focus_weight * focus_cos
    lexical = term_overlap(question, texts) if question and lexical_weight else np.zeros(len(texts))
    leads = lead_sentences(hits)
    scored = []
    for (key, (hit, rank)), cos, rel, lex, a, f in zip(items, cosine, ranking, lexical, asked_cos, focus_cos):
        bonus = chunk_weight / (rank + 1) + lexical_weight * float(lex) + lead_weight * ((key[0], key[1]) in leads)
        scored.append((float(rel) + bonus, float(cos), key, hit, rank, float(a), float(f)))
    scored.sort(key=lambda x: -x[0])
    out = []
    for score, cos, (source, start, end), hit, rank, a, f in scored[:k]:
        quote = make_quote(source, hit.text, start, end, text_start=hit.start)
        out.append(Evidence(quote=quote, title=hit.title, score=cos,
                            meta={"rank_score": score, "chunk_rank": rank, "asked_cos": a, "focus_cos": f}))
    return out
