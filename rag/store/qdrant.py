"""``Backend`` on qdrant-client: the embedded local mode (a folder, one process at a time) or a
Qdrant server/cluster (``RAG_QDRANT_URL``), with the same calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from qdrant_client import QdrantClient, models

from rag.errors import StoreError
from rag.settings import Settings
from rag.sparse import SparseVector
from rag.store.backend import DENSE, SPARSE, Backend, CollectionOptions, Fields, PointData, ScoredPayload


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
            raise StoreError(in_use_message(path)) from None
        raise


def in_use_message(path: Path) -> str:
    return (f"the embedded Qdrant store {path} is in use by another process (embedded mode allows one "
            "process at a time; `rag serve` holds it while it runs). Stop that process, use the UI's "
            "Articles tab to add files while it runs, or point RAG_QDRANT_URL at a Qdrant server.")


def _filter(match: Mapping[str, Any] | None, keep_ids: Sequence[str] = ()) -> models.Filter | None:
    must = [models.FieldCondition(key=k, match=models.MatchValue(value=v)) for k, v in (match or {}).items()]
    must_not = [models.HasIdCondition(has_id=list(keep_ids))] if keep_ids else []
    return models.Filter(must=must or None, must_not=must_not or None) if must or must_not else None


def _exclude(exclude: Mapping[str, Any]) -> models.Filter | None:
    conditions = [models.FieldCondition(key=k, match=models.MatchValue(value=v)) for k, v in exclude.items()]
    return models.Filter(must_not=conditions) if conditions else None


class QdrantBackend(Backend):
    def __init__(self, client: QdrantClient) -> None:
        self.client = client
        embedded = client.init_options.get("path") is not None or client.init_options.get("location") is not None
        self.kind = "local" if embedded else "server"

    def collections(self) -> list[str]:
        return [c.name for c in self.client.get_collections().collections]

    def exists(self, name: str) -> bool:
        return self.client.collection_exists(name)

    def create(self, name: str, dim: int | None, options: CollectionOptions, keyword_fields: Sequence[str] = (),
               bool_fields: Sequence[str] = ()) -> None:
        if dim is None:
            self.client.create_collection(name, vectors_config={})
        else:
            quantization = (models.ScalarQuantization(scalar=models.ScalarQuantizationConfig(
                type=models.ScalarType.INT8, quantile=0.99, always_ram=True)) if options.quantization == "int8" else None)
            self.client.create_collection(
                name,
                vectors_config={DENSE: models.VectorParams(size=dim, distance=models.Distance.COSINE, on_disk=options.on_disk)},
                sparse_vectors_config={SPARSE: models.SparseVectorParams(
                    modifier=models.Modifier.IDF, index=models.SparseIndexParams(on_disk=options.on_disk))},
                shard_number=options.shards, replication_factor=options.replication, on_disk_payload=options.on_disk,
                quantization_config=quantization,
            )
        if self.kind == "server":  # the embedded mode has no payload indexes (it scans)
            for field in keyword_fields:
                self.client.create_payload_index(name, field, models.PayloadSchemaType.KEYWORD)
            for field in bool_fields:
                self.client.create_payload_index(name, field, models.PayloadSchemaType.BOOL)

    def drop(self, name: str) -> None:
        if self.client.collection_exists(name):
            self.client.delete_collection(name)

    def upsert(self, name: str, points: Sequence[PointData]) -> None:
        structs = []
        for p in points:
            vector: dict[str, Any] = {}
            if p.dense is not None:
                vector[DENSE] = list(p.dense)
            if p.sparse is not None:
                vector[SPARSE] = models.SparseVector(indices=p.sparse.indices, values=p.sparse.values)
            structs.append(models.PointStruct(id=p.id, vector=vector, payload=p.payload))
        self.client.upsert(name, structs, wait=True)

    def retrieve(self, name: str, ids: Sequence[str], fields: Fields = True) -> list[dict[str, Any]]:
        if not ids:
            return []
        return [p.payload or {} for p in self.client.retrieve(name, list(ids), with_payload=fields)]

    def scroll(self, name: str, match: Mapping[str, Any] | None, limit: int, offset: Any = None,
               fields: Fields = True) -> tuple[list[dict[str, Any]], Any]:
        points, next_offset = self.client.scroll(name, scroll_filter=_filter(match), limit=limit, offset=offset,
                                                 with_payload=fields)
        return [p.payload or {} for p in points], next_offset

    def delete(self, name: str, ids: Sequence[str]) -> None:
        self.client.delete(name, models.PointIdsList(points=list(ids)), wait=True)

    def delete_where(self, name: str, match: Mapping[str, Any], keep_ids: Sequence[str] = ()) -> None:
        self.client.delete(name, models.FilterSelector(filter=_filter(match, keep_ids)), wait=True)

    def count(self, name: str) -> int:
        return self.client.count(name, exact=True).count if self.client.collection_exists(name) else 0

    def search(self, name: str, dense: Sequence[float], sparse: SparseVector | None, limit: int, prefetch: int,
               fusion: str, exclude: Mapping[str, Any], options: CollectionOptions) -> list[ScoredPayload]:
        flt = _exclude(exclude)
        quantization = (models.QuantizationSearchParams(rescore=True, oversampling=2.0)
                        if options.quantization == "int8" else None)
        params = models.SearchParams(hnsw_ef=options.hnsw_ef, quantization=quantization)
        if sparse is not None and sparse.indices:
            result = self.client.query_points(
                name,
                prefetch=[
                    models.Prefetch(query=list(dense), using=DENSE, limit=prefetch, filter=flt, params=params),
                    models.Prefetch(query=models.SparseVector(indices=sparse.indices, values=sparse.values),
                                    using=SPARSE, limit=prefetch, filter=flt),
                ],
                query=models.FusionQuery(fusion=models.Fusion.DBSF if fusion == "dbsf" else models.Fusion.RRF),
                limit=limit, with_payload=True,
            )
        else:
            result = self.client.query_points(name, query=list(dense), using=DENSE, limit=limit, query_filter=flt,
                                              search_params=params, with_payload=True)
        return [ScoredPayload(str(p.id), float(p.score), p.payload or {}) for p in result.points]

    def close(self) -> None:
        self.client.close()
