"""``Backend`` on qdrant-edge-py: the Qdrant engine in-process, one shard folder per collection.

Chosen by the figures in docs/performance.md: at 10k–100k chunks its search is about 1 ms where
qdrant-client's local mode takes 24–270 ms. Like the local mode it is one process per folder; a
lock file makes a second process fail with the same clear message.
"""

from __future__ import annotations

import fcntl
import shutil
import threading
from pathlib import Path
from typing import Any, Mapping, Sequence

from rag.errors import StoreError
from rag.sparse import SparseVector
from rag.store.backend import DENSE, SPARSE, Backend, CollectionOptions, Fields, PointData, ScoredPayload
from rag.store.qdrant import in_use_message

_RECORD_VECTOR = "_"  # Edge requires a vector in every shard; record collections carry a constant 1-d one
_RRF_K = 2  # Qdrant's own default for RRF (server and qdrant-client local mode alike)


def _edge():
    try:
        import qdrant_edge
    except ImportError:
        raise StoreError("RAG_STORE_ENGINE=edge needs qdrant-edge-py (pip install qdrant-edge-py); "
                         "or unset it to use qdrant-client's embedded mode") from None
    return qdrant_edge


# qdrant-edge-py 0.9.0 turns MatchValue(True) into MatchValue(1), which matches no boolean, so
# boolean payload fields are mirrored as keywords ("true"/"false") and filtered on the mirror.
_BOOL_SUFFIX = "__bool"


def _with_bool_mirrors(payload: dict[str, Any]) -> dict[str, Any]:
    mirrors = {k + _BOOL_SUFFIX: str(v).lower() for k, v in payload.items() if isinstance(v, bool)}
    return {**payload, **mirrors} if mirrors else payload


def _without_bool_mirrors(payload: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (payload or {}).items() if not k.endswith(_BOOL_SUFFIX)}


def _condition(q, key: str, value: Any):
    if isinstance(value, bool):
        return q.FieldCondition(key=key + _BOOL_SUFFIX, match=q.MatchValue(str(value).lower()))
    return q.FieldCondition(key=key, match=q.MatchValue(value))


def _filter(q, match: Mapping[str, Any] | None, keep_ids: Sequence[str] = (), exclude: bool = False):
    conditions = [_condition(q, k, v) for k, v in (match or {}).items()]
    if exclude:
        return q.Filter(must_not=conditions) if conditions else None
    must_not = [q.HasIdCondition(set(keep_ids))] if keep_ids else None
    return q.Filter(must=conditions or None, must_not=must_not) if conditions or must_not else None


class EdgeBackend(Backend):
    kind = "edge"

    def __init__(self, root: Path) -> None:
        self.q = _edge()
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock_file = open(self.root / ".lock", "w")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            raise StoreError(in_use_message(self.root)) from None
        self._shards: dict[str, Any] = {}
        self._lock = threading.RLock()  # one writer or reader at a time per process, as in local mode

    def _path(self, name: str) -> Path:
        return self.root / name

    def _shard(self, name: str):
        with self._lock:
            if name not in self._shards:
                if not self.exists(name):
                    raise StoreError(f"collection {name!r} does not exist")
                self._shards[name] = self.q.EdgeShard.load(str(self._path(name)))
            return self._shards[name]

    def collections(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and (p / ".created").exists())

    def exists(self, name: str) -> bool:
        return (self._path(name) / ".created").exists()

    def create(self, name: str, dim: int | None, options: CollectionOptions, keyword_fields: Sequence[str] = (),
               bool_fields: Sequence[str] = ()) -> None:
        q = self.q
        with self._lock:
            path = self._path(name)
            if path.exists():  # a creation interrupted before it was marked done
                shutil.rmtree(path)
            if dim is None:
                config = q.EdgeConfig(vectors={_RECORD_VECTOR: q.EdgeVectorParams(size=1, distance=q.Distance.Dot)})
            else:
                quantization = (q.ScalarQuantizationConfig(type=q.ScalarType.Int8, quantile=0.99, always_ram=True)
                                if options.quantization == "int8" else None)
                config = q.EdgeConfig(
                    vectors={DENSE: q.EdgeVectorParams(size=dim, distance=q.Distance.Cosine, on_disk=options.on_disk,
                                                       quantization_config=quantization)},
                    sparse_vectors={SPARSE: q.EdgeSparseVectorParams(modifier=q.Modifier.Idf)},
                    on_disk_payload=options.on_disk)
            shard = q.EdgeShard.create(str(path), config)
            for field in keyword_fields:
                shard.update(q.UpdateOperation.create_field_index(field, q.PayloadSchemaType.Keyword))
            for field in bool_fields:
                shard.update(q.UpdateOperation.create_field_index(field + _BOOL_SUFFIX, q.PayloadSchemaType.Keyword))
            shard.flush()
            (path / ".created").touch()
            self._shards[name] = shard

    def drop(self, name: str) -> None:
        with self._lock:
            shard = self._shards.pop(name, None)
            if shard is not None:
                shard.close()
            if self._path(name).exists():
                shutil.rmtree(self._path(name))

    def upsert(self, name: str, points: Sequence[PointData]) -> None:
        q = self.q
        edge_points = []
        for p in points:
            vector: dict[str, Any] = {}
            if p.dense is not None:
                vector[DENSE] = [float(x) for x in p.dense]
            if p.sparse is not None:
                vector[SPARSE] = q.SparseVector(indices=list(p.sparse.indices), values=list(p.sparse.values))
            if not vector:
                vector[_RECORD_VECTOR] = [1.0]
            edge_points.append(q.Point(id=p.id, vector=vector, payload=_with_bool_mirrors(p.payload)))
        with self._lock:
            shard = self._shard(name)
            shard.update(q.UpdateOperation.upsert_points(edge_points))
            shard.flush()

    def retrieve(self, name: str, ids: Sequence[str], fields: Fields = True) -> list[dict[str, Any]]:
        if not ids:
            return []
        with self._lock:
            records = self._shard(name).retrieve(list(ids), with_payload=fields, with_vector=False)
        return [_without_bool_mirrors(r.payload) for r in records]

    def scroll(self, name: str, match: Mapping[str, Any] | None, limit: int, offset: Any = None,
               fields: Fields = True) -> tuple[list[dict[str, Any]], Any]:
        q = self.q
        with self._lock:
            records, next_offset = self._shard(name).scroll(q.ScrollRequest(
                offset=offset, limit=limit, filter=_filter(q, match), with_payload=fields, with_vector=False))
        return [_without_bool_mirrors(r.payload) for r in records], next_offset

    def delete(self, name: str, ids: Sequence[str]) -> None:
        with self._lock:
            shard = self._shard(name)
            shard.update(self.q.UpdateOperation.delete_points(list(ids)))
            shard.flush()

    def delete_where(self, name: str, match: Mapping[str, Any], keep_ids: Sequence[str] = ()) -> None:
        with self._lock:
            shard = self._shard(name)
            shard.update(self.q.UpdateOperation.delete_points_by_filter(_filter(self.q, match, keep_ids)))
            shard.flush()

    def count(self, name: str) -> int:
        if not self.exists(name):
            return 0
        with self._lock:
            return int(self._shard(name).count(self.q.CountRequest(exact=True)))

    def search(self, name: str, dense: Sequence[float], sparse: SparseVector | None, limit: int, prefetch: int,
               fusion: str, exclude: Mapping[str, Any], options: CollectionOptions) -> list[ScoredPayload]:
        q = self.q
        flt = _filter(q, exclude, exclude=True)
        quantization = (q.QuantizationSearchParams(rescore=True, oversampling=2.0)
                        if options.quantization == "int8" else None)
        params = q.SearchParams(hnsw_ef=options.hnsw_ef, quantization=quantization)
        dense_query = q.Query.Nearest([float(x) for x in dense], using=DENSE)
        if sparse is not None and sparse.indices:
            sparse_query = q.Query.Nearest(q.SparseVector(indices=list(sparse.indices), values=list(sparse.values)),
                                           using=SPARSE)
            request = q.QueryRequest(
                prefetches=[q.Prefetch(query=dense_query, limit=prefetch, filter=flt, params=params),
                            q.Prefetch(query=sparse_query, limit=prefetch, filter=flt)],
                query=q.Fusion.Dbsf() if fusion == "dbsf" else q.Fusion.Rrf(k=_RRF_K), limit=limit, with_payload=True)
        else:
            request = q.QueryRequest(query=dense_query, filter=flt, params=params, limit=limit, with_payload=True)
        with self._lock:
            points = self._shard(name).query(request)
        return [ScoredPayload(str(p.id), float(p.score), _without_bool_mirrors(p.payload)) for p in points]

    def optimize(self, name: str) -> None:
        with self._lock:
            if self.exists(name):
                self._shard(name).optimize()

    def close(self) -> None:
        with self._lock:
            for shard in self._shards.values():
                shard.close()
            self._shards.clear()
            if not self._lock_file.closed:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)
                self._lock_file.close()
