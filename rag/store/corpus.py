"""One corpus in a point store: chunks, article records, the commit, hybrid search.

Two collections per corpus name:
- ``<name>``: one point per chunk, a named dense vector ``dense`` and a sparse vector
  ``sparse`` (IDF modifier), payload with source, positions and sentence spans;
- ``<name>__articles``: one record per article (title, full text, hash, metadata) plus one
  ``__meta__`` record naming the embedder that built the corpus.

The article record is written after its chunks and is the commit: retrieval only
returns chunks whose content hash matches their article's record, so a half-written or
superseded article is never visible.

The same code runs on every ``Backend``: qdrant-client's embedded mode, a Qdrant server or
cluster (``RAG_QDRANT_URL``), and Qdrant Edge (``RAG_STORE_ENGINE=edge``).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np
from llama_index.core.schema import TextNode

from rag.errors import EmbedderMismatchError, StoreError
from rag.sparse import SparseVector
from rag.store.backend import Backend, CollectionOptions, PointData, ScoredPayload
from rag.types import Hit, Span

_NAMESPACE = uuid.UUID("6f1d3c2e-1b9a-4f57-9d59-0c1e8f6b7a10")
_META_ID = str(uuid.uuid5(_NAMESPACE, "__meta__"))
_ARTICLE_FIELDS = ["source", "title", "dates", "people", "content_hash", "chunk_count", "ingested_at", "kind", "chars",
                   "quarantined", "pipeline"]
_QUARANTINED = {"quarantined": True}


def article_id(source: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "article:" + source))


def chunk_id(source: str, content_hash: str, index: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"chunk:{source}:{content_hash}:{index}"))


@dataclass(frozen=True)
class ArticleRecord:
    source: str
    title: str
    content_hash: str
    chunk_count: int
    dates: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    ingested_at: float = 0.0
    kind: str = "text"
    chars: int = 0
    quarantined: tuple[str, ...] = ()  # injection signals; such an article is never evidence
    pipeline: int = 0  # version of the ingest pipeline that indexed it


@dataclass(frozen=True)
class ChunkPoint:
    """A chunk ready to store: its vectors and payload."""

    id: str
    dense: np.ndarray
    sparse: SparseVector
    payload: dict[str, Any]


class Store:
    """One corpus: create, write by article, search, list, remove."""

    def __init__(self, backend: Backend, collection: str, options: CollectionOptions | None = None) -> None:
        if not collection or not all(c.isalnum() or c in "-_" for c in collection):
            raise StoreError(f"collection name {collection!r}: use letters, digits, '-' and '_' only")
        self.backend = backend
        self.name = collection
        self.articles_name = collection + "__articles"
        self.options = options or CollectionOptions()

    # ---- schema -------------------------------------------------------------------
    def exists(self) -> bool:
        return self.backend.exists(self.name) and self.backend.exists(self.articles_name)

    def embedder_id(self) -> str | None:
        if not self.backend.exists(self.articles_name):
            return None
        payloads = self.backend.retrieve(self.articles_name, [_META_ID])
        return payloads[0].get("embedder") if payloads else None

    def ensure(self, embedder_id: str, dim: int, precision: str = "fp32") -> None:
        """Create the collections for ``embedder_id`` or check that they were built by it. The
        encoder's ``precision`` is recorded; vectors of fp32, bf16 and OpenVINO's int8 weights share
        one space (the eval figures agree, also for a collection built by torch bf16 and searched
        with int8 questions: docs/performance.md), so a mismatch of precision alone is not refused."""
        if self.exists():
            self.check_embedder(embedder_id)
            return
        if not self.backend.exists(self.name):
            self.backend.create(self.name, dim, self.options, keyword_fields=("source", "content_hash"),
                                bool_fields=("quarantined",))
        if not self.backend.exists(self.articles_name):
            self.backend.create(self.articles_name, None, self.options, keyword_fields=("content_hash",))
        self.backend.upsert(self.articles_name, [PointData(_META_ID, {"meta": True, "embedder": embedder_id, "dim": dim,
                                                                  "precision": precision})])

    def check_embedder(self, embedder_id: str) -> None:
        built_by = self.embedder_id()
        if built_by is not None and built_by != embedder_id:
            raise EmbedderMismatchError(
                f"collection {self.name!r} was built with embedder {built_by!r}, but {embedder_id!r} is "
                f"configured. Set RAG_EMBEDDER to match, use another --collection, or re-ingest with "
                f"`rag ingest --collection {self.name} --rebuild`."
            )

    def drop(self) -> None:
        for name in (self.name, self.articles_name):
            self.backend.drop(name)

    # ---- articles -----------------------------------------------------------------
    def _article(self, source: str, fields: list[str] | bool = True) -> dict[str, Any] | None:
        if not self.backend.exists(self.articles_name):
            return None
        payloads = self.backend.retrieve(self.articles_name, [article_id(source)], fields)
        return payloads[0] if payloads else None

    def get_article(self, source: str) -> ArticleRecord | None:
        payload = self._article(source, _ARTICLE_FIELDS)
        return _record(payload) if payload else None

    def article_text(self, source: str) -> str | None:
        payload = self._article(source, ["text"])
        return payload.get("text") if payload else None

    def article_spans(self, source: str) -> list[Span]:
        """The article's own sentences (title and body) as spans of its text."""
        payload = self._article(source, ["spans"])
        return [Span(a, b) for a, b in payload.get("spans", [])] if payload else []

    def article_sentences(self, source: str) -> tuple[str, list[Span]]:
        """The article's text and its own sentences' spans, in one read ("" and [] if absent)."""
        payload = self._article(source, ["text", "spans"]) or {}
        return payload.get("text") or "", [Span(a, b) for a, b in payload.get("spans", [])]

    def bodies(self, sources: Iterable[str]) -> dict[str, str]:
        """Title and cleaned body text of each named article (no page furniture)."""
        ids = [article_id(s) for s in dict.fromkeys(sources)]
        payloads = self.backend.retrieve(self.articles_name, ids, ["source", "title", "body"])
        return {p["source"]: p.get("title", "") + "\n" + p.get("body", "") for p in payloads}

    def find_by_hash(self, content_hash: str) -> ArticleRecord | None:
        payloads, _ = self.backend.scroll(self.articles_name, {"content_hash": content_hash}, 1, fields=_ARTICLE_FIELDS)
        return _record(payloads[0]) if payloads else None

    def articles(self) -> list[ArticleRecord]:
        if not self.backend.exists(self.articles_name):
            return []
        out: list[ArticleRecord] = []
        offset = None
        while True:
            payloads, offset = self.backend.scroll(self.articles_name, None, 256, offset, _ARTICLE_FIELDS)
            out.extend(_record(p) for p in payloads if "source" in p)
            if offset is None:
                return sorted(out, key=lambda r: r.source)

    def chunk_payloads(self, source: str, fields: list[str] | bool = True) -> list[dict[str, Any]]:
        """Every stored chunk of an article, committed or not (for checks and tools)."""
        out: list[dict[str, Any]] = []
        offset = None
        while True:
            payloads, offset = self.backend.scroll(self.name, {"source": source}, 256, offset, fields)
            out.extend(payloads)
            if offset is None:
                return out

    def write_article(self, record: ArticleRecord, text: str, spans: Sequence[Span], chunks: Sequence[ChunkPoint]) -> None:
        """Chunks first, then the article record (the commit), then the superseded chunks go.
        ``text`` is the source text quotes refer to; ``spans`` the article's own sentences in it."""
        body = " ".join(text[s.start : s.end] for s in spans)
        self.backend.upsert(self.name, [PointData(c.id, c.payload, c.dense.tolist(), c.sparse) for c in chunks])
        payload = {**record.__dict__, "dates": list(record.dates), "people": list(record.people),
                   "quarantined": list(record.quarantined), "text": text, "body": body,
                   "spans": [[s.start, s.end] for s in spans]}
        self.backend.upsert(self.articles_name, [PointData(article_id(record.source), payload)])
        self.backend.delete_where(self.name, {"source": record.source}, keep_ids=[c.id for c in chunks])

    def remove_article(self, source: str) -> bool:
        """Remove an article (record first, so it disappears at once) and its chunks."""
        if self.get_article(source) is None:
            return False
        self.backend.delete(self.articles_name, [article_id(source)])
        self.backend.delete_where(self.name, {"source": source})
        return True

    def finish_writes(self) -> None:
        """After a batch of articles: let the engine build its search indexes."""
        self.backend.optimize(self.name)

    def count_chunks(self) -> int:
        return self.backend.count(self.name)

    # ---- search -------------------------------------------------------------------
    def search(self, dense: np.ndarray, sparse: SparseVector | None, limit: int, prefetch: int,
               fusion: str = "rrf") -> list[Hit]:
        """Hybrid search: dense and sparse candidates fused (RRF or DBSF); dense alone when
        ``sparse`` is None or empty. Chunks of uncommitted, superseded or quarantined articles
        are never returned. Fused scores tie often (RRF: 1st and 3rd scores as 3rd and 1st)
        and the engine orders ties differently from run to run, so ties go to the earlier
        chunk of the article that sorts first: the same question gets the same hits."""
        found = self.backend.search(self.name, dense.tolist(), sparse, limit * 2, prefetch, fusion, _QUARANTINED,
                                    self.options)
        hits = sorted(self._committed([_hit(p) for p in found]), key=lambda h: (-round(h.score, 9), h.source, h.start))
        return hits[:limit]

    def _committed(self, hits: list[Hit]) -> list[Hit]:
        sources = sorted({h.source for h in hits})
        if not sources:
            return hits
        records = self.backend.retrieve(self.articles_name, [article_id(s) for s in sources], ["source", "content_hash"])
        current = {p["source"]: p["content_hash"] for p in records}
        return [h for h in hits if current.get(h.source) == h.meta.get("content_hash")]


def node_payload(node: TextNode, source_text: str) -> dict[str, Any]:
    """A chunk node's payload: its metadata, positions, and the source text it spans
    (from which quotes are cut, so offsets stay exact)."""
    start, end = node.start_char_idx, node.end_char_idx
    return {**node.metadata, "text": source_text[start:end], "start": start, "end": end}


def _hit(point: ScoredPayload) -> Hit:
    p = point.payload
    return Hit(
        chunk_id=point.id, score=point.score, source=p["source"], title=p.get("title", ""),
        text=p["text"], start=int(p["start"]), end=int(p["end"]),
        sentences=tuple(Span(int(a), int(b)) for a, b in p.get("sentences", [])),
        meta={k: v for k, v in p.items() if k not in {"text", "sentences"}},
    )


def _record(payload: dict[str, Any]) -> ArticleRecord:
    return ArticleRecord(
        source=payload["source"], title=payload.get("title", ""), content_hash=payload.get("content_hash", ""),
        chunk_count=int(payload.get("chunk_count", 0)), dates=tuple(payload.get("dates", ())),
        people=tuple(payload.get("people", ())), ingested_at=float(payload.get("ingested_at", 0.0)),
        kind=payload.get("kind", "text"), chars=int(payload.get("chars", 0)),
        quarantined=tuple(payload.get("quarantined", ())), pipeline=int(payload.get("pipeline", 0)),
    )


def now() -> float:
    return time.time()
