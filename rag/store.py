"""The Qdrant collections of one corpus; nothing else in the product talks to Qdrant.

Two collections per corpus name:
- ``<name>``: one point per chunk, a named dense vector ``dense`` and a sparse vector
  ``sparse`` (IDF modifier), payload with source, positions and sentence spans;
- ``<name>__articles``: one vector-less point per article (title, full text, hash,
  metadata) plus one ``__meta__`` point recording the embedder that built the corpus.

The article record is written after its chunks and is the commit: retrieval only
returns chunks whose content hash matches their article's record, so a half-written or
superseded article is never visible.

The same code runs on the embedded store (a folder, one process at a time) and on a
Qdrant server or cluster (``RAG_QDRANT_URL``).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
from llama_index.core.schema import TextNode
from qdrant_client import QdrantClient, models

from rag.errors import EmbedderMismatchError, StoreError
from rag.settings import Settings
from rag.sparse import SparseVector
from rag.types import Hit, Span

DENSE = "dense"
SPARSE = "sparse"
_NAMESPACE = uuid.UUID("6f1d3c2e-1b9a-4f57-9d59-0c1e8f6b7a10")
_META_ID = str(uuid.uuid5(_NAMESPACE, "__meta__"))
_ARTICLE_FIELDS = ["source", "title", "dates", "people", "content_hash", "chunk_count", "ingested_at", "kind", "chars",
                   "quarantined", "pipeline"]
_NOT_QUARANTINED = models.Filter(must_not=[models.FieldCondition(key="quarantined", match=models.MatchValue(value=True))])


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


def open_client(settings: Settings) -> QdrantClient:
    """A client for the embedded folder or the configured server, with clear failures."""
    if settings.server_mode:
        try:
            client = QdrantClient(url=settings.qdrant_url, api_key=settings.qdrant_api_key or None,
                                  timeout=int(settings.qdrant_timeout_s))
            client.get_collections()
            return client
        except Exception as exc:  # connection refused, TLS, auth, timeout, version
            raise StoreError(
                f"cannot reach the Qdrant server at {settings.qdrant_url}: {type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else ''}. Check RAG_QDRANT_URL / RAG_QDRANT_API_KEY, "
                "or unset RAG_QDRANT_URL to use the embedded store."
            ) from None
    path = Path(settings.qdrant_path)
    path.mkdir(parents=True, exist_ok=True)
    try:
        return QdrantClient(path=str(path))
    except RuntimeError as exc:
        if "already accessed" in str(exc):
            raise StoreError(
                f"the embedded Qdrant store {path} is in use by another process (embedded mode allows one "
                "process at a time; `rag serve` holds it while it runs). Stop that process, use the UI's "
                "Articles tab to add files while it runs, or point RAG_QDRANT_URL at a Qdrant server."
            ) from None
        raise


@dataclass(frozen=True)
class CollectionOptions:
    """Collection settings that matter at scale (applied when a collection is created)."""

    shards: int = 1
    replication: int = 1
    on_disk: bool = False  # vectors and payload on disk (memory-mapped) instead of in RAM
    quantization: str = "none"  # "int8": scalar quantization, searched with rescoring

    @classmethod
    def from_settings(cls, settings: Settings) -> "CollectionOptions":
        return cls(settings.qdrant_shards, settings.qdrant_replication, settings.qdrant_on_disk,
                   settings.qdrant_quantization)


class Store:
    """One corpus in Qdrant: create, write by article, search, list, remove."""

    def __init__(self, client: QdrantClient, collection: str, options: CollectionOptions | None = None) -> None:
        if not collection or not all(c.isalnum() or c in "-_" for c in collection):
            raise StoreError(f"collection name {collection!r}: use letters, digits, '-' and '_' only")
        self.client = client
        self.name = collection
        self.articles_name = collection + "__articles"
        self.options = options or CollectionOptions()

    # ---- schema -------------------------------------------------------------------
    def exists(self) -> bool:
        return self.client.collection_exists(self.name) and self.client.collection_exists(self.articles_name)

    def embedder_id(self) -> str | None:
        if not self.client.collection_exists(self.articles_name):
            return None
        points = self.client.retrieve(self.articles_name, [_META_ID], with_payload=True)
        return points[0].payload.get("embedder") if points else None

    def ensure(self, embedder_id: str, dim: int) -> None:
        """Create the collections for ``embedder_id`` or check that they were built by it."""
        if self.exists():
            self.check_embedder(embedder_id)
            return
        if not self.client.collection_exists(self.name):
            opts = self.options
            quantization = (models.ScalarQuantization(scalar=models.ScalarQuantizationConfig(
                type=models.ScalarType.INT8, quantile=0.99, always_ram=True)) if opts.quantization == "int8" else None)
            self.client.create_collection(
                self.name,
                vectors_config={DENSE: models.VectorParams(size=dim, distance=models.Distance.COSINE, on_disk=opts.on_disk)},
                sparse_vectors_config={SPARSE: models.SparseVectorParams(
                    modifier=models.Modifier.IDF, index=models.SparseIndexParams(on_disk=opts.on_disk))},
                shard_number=opts.shards, replication_factor=opts.replication, on_disk_payload=opts.on_disk,
                quantization_config=quantization,
            )
            self._index(self.name, ("source", "content_hash", "quarantined"))
        if not self.client.collection_exists(self.articles_name):
            self.client.create_collection(self.articles_name, vectors_config={})
            self._index(self.articles_name, ("content_hash",))
        self.client.upsert(
            self.articles_name,
            [models.PointStruct(id=_META_ID, vector={}, payload={"meta": True, "embedder": embedder_id, "dim": dim})],
        )

    def _index(self, collection: str, fields: Iterable[str]) -> None:
        """Payload indexes; the embedded store has none (it scans), so only on a server."""
        if self.client.init_options.get("path") is None and self.client.init_options.get("location") is None:
            for field in fields:
                schema = models.PayloadSchemaType.BOOL if field == "quarantined" else models.PayloadSchemaType.KEYWORD
                self.client.create_payload_index(collection, field, schema)

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
            if self.client.collection_exists(name):
                self.client.delete_collection(name)

    # ---- articles -----------------------------------------------------------------
    def get_article(self, source: str) -> ArticleRecord | None:
        points = self.client.retrieve(self.articles_name, [article_id(source)], with_payload=True)
        return _record(points[0].payload) if points else None

    def article_text(self, source: str) -> str | None:
        points = self.client.retrieve(self.articles_name, [article_id(source)], with_payload=["text"])
        return points[0].payload.get("text") if points else None

    def article_spans(self, source: str) -> list[Span]:
        """The article's own sentences (title and body) as spans of its text."""
        points = self.client.retrieve(self.articles_name, [article_id(source)], with_payload=["spans"])
        return [Span(a, b) for a, b in points[0].payload.get("spans", [])] if points else []

    def bodies(self, sources: Iterable[str]) -> dict[str, str]:
        """Title and cleaned body text of each named article (no page furniture)."""
        ids = [article_id(s) for s in dict.fromkeys(sources)]
        points = self.client.retrieve(self.articles_name, ids, with_payload=["source", "title", "body"]) if ids else []
        return {p.payload["source"]: p.payload.get("title", "") + "\n" + p.payload.get("body", "") for p in points}

    def find_by_hash(self, content_hash: str) -> ArticleRecord | None:
        points, _ = self.client.scroll(
            self.articles_name,
            scroll_filter=models.Filter(must=[models.FieldCondition(key="content_hash", match=models.MatchValue(value=content_hash))]),
            limit=1, with_payload=_ARTICLE_FIELDS,
        )
        return _record(points[0].payload) if points else None

    def articles(self) -> list[ArticleRecord]:
        if not self.client.collection_exists(self.articles_name):
            return []
        out: list[ArticleRecord] = []
        offset = None
        while True:
            points, offset = self.client.scroll(self.articles_name, limit=256, offset=offset,
                                                with_payload=_ARTICLE_FIELDS)
            out.extend(_record(p.payload) for p in points if p.payload and "source" in p.payload)
            if offset is None:
                return sorted(out, key=lambda r: r.source)

    def write_article(self, record: ArticleRecord, text: str, spans: Sequence[Span], chunks: Sequence[ChunkPoint]) -> None:
        """Chunks first, then the article record (the commit), then the superseded chunks go.
        ``text`` is the source text quotes refer to; ``spans`` the article's own sentences in it."""
        body = " ".join(text[s.start : s.end] for s in spans)
        self.client.upsert(
            self.name,
            [
                models.PointStruct(
                    id=c.id,
                    vector={DENSE: c.dense.tolist(),
                            SPARSE: models.SparseVector(indices=c.sparse.indices, values=c.sparse.values)},
                    payload=c.payload,
                )
                for c in chunks
            ],
            wait=True,
        )
        payload = {**record.__dict__, "dates": list(record.dates), "people": list(record.people),
                   "quarantined": list(record.quarantined), "text": text, "body": body,
                   "spans": [[s.start, s.end] for s in spans]}
        self.client.upsert(self.articles_name, [models.PointStruct(id=article_id(record.source), vector={}, payload=payload)], wait=True)
        self._delete_chunks(record.source, keep_ids=[c.id for c in chunks])

    def remove_article(self, source: str) -> bool:
        """Remove an article (record first, so it disappears at once) and its chunks."""
        if self.get_article(source) is None:
            return False
        self.client.delete(self.articles_name, models.PointIdsList(points=[article_id(source)]), wait=True)
        self._delete_chunks(source, keep_ids=[])
        return True

    def _delete_chunks(self, source: str, keep_ids: Sequence[str]) -> None:
        """Delete the source's chunks except ``keep_ids`` (the ones just written)."""
        must = [models.FieldCondition(key="source", match=models.MatchValue(value=source))]
        must_not = [models.HasIdCondition(has_id=list(keep_ids))] if keep_ids else []
        self.client.delete(self.name, models.FilterSelector(filter=models.Filter(must=must, must_not=must_not)), wait=True)

    def count_chunks(self) -> int:
        return self.client.count(self.name, exact=True).count if self.client.collection_exists(self.name) else 0

    # ---- search -------------------------------------------------------------------
    def search(self, dense: np.ndarray, sparse: SparseVector | None, limit: int, prefetch: int,
               fusion: str = "rrf") -> list[Hit]:
        """Hybrid search: dense and sparse candidates fused (RRF or DBSF); dense alone when
        ``sparse`` is None or empty. Chunks of uncommitted, superseded or quarantined articles
        are never returned."""
        dense_list = dense.tolist()
        params = (models.SearchParams(quantization=models.QuantizationSearchParams(rescore=True, oversampling=2.0))
                  if self.options.quantization == "int8" else None)
        if sparse is not None and sparse.indices:
            result = self.client.query_points(
                self.name,
                prefetch=[
                    models.Prefetch(query=dense_list, using=DENSE, limit=prefetch, filter=_NOT_QUARANTINED, params=params),
                    models.Prefetch(query=models.SparseVector(indices=sparse.indices, values=sparse.values),
                                    using=SPARSE, limit=prefetch, filter=_NOT_QUARANTINED),
                ],
                query=models.FusionQuery(fusion=models.Fusion.DBSF if fusion == "dbsf" else models.Fusion.RRF),
                limit=limit * 2, with_payload=True,
            )
        else:
            result = self.client.query_points(self.name, query=dense_list, using=DENSE, limit=limit * 2,
                                              query_filter=_NOT_QUARANTINED, search_params=params, with_payload=True)
        hits = [_hit(p) for p in result.points]
        return self._committed(hits)[:limit]

    def _committed(self, hits: list[Hit]) -> list[Hit]:
        sources = sorted({h.source for h in hits})
        if not sources:
            return hits
        records = self.client.retrieve(self.articles_name, [article_id(s) for s in sources], with_payload=["source", "content_hash"])
        current = {p.payload["source"]: p.payload["content_hash"] for p in records}
        return [h for h in hits if current.get(h.source) == h.meta.get("content_hash")]


def node_payload(node: TextNode, source_text: str) -> dict[str, Any]:
    """A chunk node's payload: its metadata, positions, and the source text it spans
    (from which quotes are cut, so offsets stay exact)."""
    start, end = node.start_char_idx, node.end_char_idx
    return {**node.metadata, "text": source_text[start:end], "start": start, "end": end}


def _hit(point: models.ScoredPoint) -> Hit:
    p = point.payload or {}
    return Hit(
        chunk_id=str(point.id), score=float(point.score), source=p["source"], title=p.get("title", ""),
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
