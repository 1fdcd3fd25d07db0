"""Hybrid retrieval: the question's dense and sparse vectors, fused by Qdrant's Query API."""

from __future__ import annotations

import re

import numpy as np
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from rag import sparse
from rag.embed.base import Embedder
from rag.settings import Settings
from rag.store import Store
from rag.types import Hit

_CYRILLIC = re.compile(r"[А-Яа-яІіЇїЄєҐґ]")
_LATIN = re.compile(r"[A-Za-z]")
# a corpus whose letters are at least this share Latin is searched lexically by English questions
LATIN_CORPUS = 0.5


def latin_share(texts: list[str]) -> float:
    """The share of Latin letters among the Latin and Cyrillic letters of ``texts`` (0 when none).

    >>> latin_share(["The Emperor ruled"]), latin_share(["Умєров і Остін"]), latin_share([])
    (1.0, 0.0, 0.0)
    """
    joined = " ".join(texts)
    latin, cyrillic = len(_LATIN.findall(joined)), len(_CYRILLIC.findall(joined))
    return latin / (latin + cyrillic) if latin + cyrillic else 0.0


def use_sparse(question: str, settings: Settings, corpus_latin: float = 0.0) -> bool:
    """The lexical branch helps when the question shares a script with the corpus: a question in
    Cyrillic (the archives here are Ukrainian), or one in Latin letters over a corpus mostly in
    Latin letters (``corpus_latin``: :func:`latin_share` of its titles). For an English question
    over Ukrainian text it only adds noise (measured on the seeds); over English text (SQuAD 2.0's
    sample, dev part) it put the gold paragraph first 0.747 -> 0.833 of the time (hit@3 0.933 ->
    0.920; answer in the cited quote 0.780 -> 0.787)."""
    if not settings.sparse:
        return False
    return bool(_CYRILLIC.search(question)) or corpus_latin >= LATIN_CORPUS


def sparse_query(question: str, settings: Settings, corpus_latin: float = 0.0) -> sparse.SparseVector | None:
    """The lexical side of the search: the question's terms where it shares the corpus's script
    (:func:`use_sparse`); otherwise, for a question in Latin letters, only its names, read across
    scripts (:func:`rag.sparse.name_terms`) where ``RAG_SPARSE_NAMES`` asks for it."""
    if not settings.sparse:
        return None
    if use_sparse(question, settings, corpus_latin):
        return sparse.encode_query(question)
    if not settings.sparse_names:
        return None
    from rag.coverage import question_entities

    names = [e.text for e in question_entities(question) if e.kind in ("name", "acronym")]
    vector = sparse.encode_names(names) if names else None
    return vector if vector and vector.indices else None


def search(question: str, query_vector: np.ndarray, store: Store, settings: Settings, top_k: int | None = None,
           corpus_latin: float = 0.0) -> list[Hit]:
    """Top chunks for a question whose dense vector is already computed; ``corpus_latin`` is the
    corpus's share of Latin letters (:func:`latin_share`), which decides the lexical branch."""
    sparse_vector = sparse_query(question, settings, corpus_latin)
    return store.search(query_vector, sparse_vector, limit=top_k or settings.top_k,
                        prefetch=settings.prefetch_k, fusion=settings.fusion)


class HybridRetriever(BaseRetriever):
    """The same search as a llama-index retriever, for use in llama-index query pipelines."""

    def __init__(self, store: Store, embedder: Embedder, settings: Settings) -> None:
        super().__init__()
        self._store, self._embedder, self._settings = store, embedder, settings

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        vector = self._embedder.embed_query(query_bundle.query_str)
        hits = search(query_bundle.query_str, vector, self._store, self._settings)
        return [NodeWithScore(node=hit_to_node(h), score=h.score) for h in hits]


def hit_to_node(hit: Hit) -> TextNode:
    return TextNode(id_=hit.chunk_id, text=hit.text, start_char_idx=hit.start, end_char_idx=hit.end,
                    metadata={"source": hit.source, "title": hit.title,
                              "sentences": [[s.start, s.end] for s in hit.sentences]})
