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


def use_sparse(question: str, settings: Settings) -> bool:
    """The lexical branch only helps when the question shares a script with the corpus:
    for an English question over Ukrainian text it only adds noise (measured on the seeds)."""
    return settings.sparse and bool(_CYRILLIC.search(question))


def sparse_query(question: str, settings: Settings) -> sparse.SparseVector | None:
    """The lexical side of the search: the question's terms for a question in Cyrillic; for
    one in Latin letters, only its names, read across scripts (:func:`rag.sparse.name_terms`)."""
    if not settings.sparse:
        return None
    if use_sparse(question, settings):
        return sparse.encode_query(question)
    if not settings.sparse_names:
        return None
    from rag.coverage import question_entities

    names = [e.text for e in question_entities(question) if e.kind in ("name", "acronym")]
    vector = sparse.encode_names(names) if names else None
    return vector if vector and vector.indices else None


def search(question: str, query_vector: np.ndarray, store: Store, settings: Settings, top_k: int | None = None) -> list[Hit]:
    """Top chunks for a question whose dense vector is already computed."""
    sparse_vector = sparse_query(question, settings)
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
