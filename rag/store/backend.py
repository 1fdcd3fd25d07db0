"""The point-collection operations the corpus store needs, as one typed interface.

Two implementations sit beside it: ``QdrantBackend`` (qdrant-client: the embedded local mode or a
Qdrant server/cluster) and ``EdgeBackend`` (qdrant-edge-py: the Qdrant engine in-process). Filters
are plain ``{field: value}`` equalities, which is all the corpus logic asks for.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from rag.sparse import SparseVector

DENSE = "dense"
SPARSE = "sparse"
Fields = bool | list[str]  # payload to return: all, none, or these fields


@dataclass(frozen=True)
class CollectionOptions:
    """Collection settings that matter at scale (applied when a collection is created)."""

    shards: int = 1
    replication: int = 1
    on_disk: bool = False  # vectors and payload on disk (memory-mapped) instead of in RAM
    quantization: str = "none"  # "int8": scalar quantization, searched with rescoring
    hnsw_ef: int = 512  # search beam where the engine uses HNSW (Edge, server); ignored by local mode's scan

    @classmethod
    def from_settings(cls, settings: Any) -> "CollectionOptions":
        return cls(settings.qdrant_shards, settings.qdrant_replication, settings.qdrant_on_disk,
                   settings.qdrant_quantization, settings.hnsw_ef)


@dataclass(frozen=True)
class PointData:
    """A point to write: id, payload, and (in chunk collections) its dense and sparse vectors."""

    id: str
    payload: dict[str, Any]
    dense: Sequence[float] | None = None
    sparse: SparseVector | None = None


@dataclass(frozen=True)
class ScoredPayload:
    id: str
    score: float
    payload: dict[str, Any]


class Backend(ABC):
    """Named collections of points. ``dim`` None creates a collection of records (no search)."""

    kind: str  # "local", "server", "edge": shown to users and in benchmarks

    @abstractmethod
    def collections(self) -> list[str]: ...

    @abstractmethod
    def exists(self, name: str) -> bool: ...

    @abstractmethod
    def create(self, name: str, dim: int | None, options: CollectionOptions, keyword_fields: Sequence[str] = (),
               bool_fields: Sequence[str] = ()) -> None:
        """Create a collection; ``*_fields`` get payload indexes where the engine uses them."""

    @abstractmethod
    def drop(self, name: str) -> None: ...

    @abstractmethod
    def upsert(self, name: str, points: Sequence[PointData]) -> None:
        """Write points durably before returning."""

    @abstractmethod
    def retrieve(self, name: str, ids: Sequence[str], fields: Fields = True) -> list[dict[str, Any]]:
        """Payloads of the points that exist among ``ids`` (order not guaranteed)."""

    @abstractmethod
    def scroll(self, name: str, match: Mapping[str, Any] | None, limit: int, offset: Any = None,
               fields: Fields = True) -> tuple[list[dict[str, Any]], Any]:
        """One page of payloads matching ``match``, and the offset of the next page (None at the end)."""

    @abstractmethod
    def delete(self, name: str, ids: Sequence[str]) -> None: ...

    @abstractmethod
    def delete_where(self, name: str, match: Mapping[str, Any], keep_ids: Sequence[str] = ()) -> None:
        """Delete the points matching ``match`` except ``keep_ids``."""

    @abstractmethod
    def count(self, name: str) -> int: ...

    @abstractmethod
    def search(self, name: str, dense: Sequence[float], sparse: SparseVector | None, limit: int, prefetch: int,
               fusion: str, exclude: Mapping[str, Any], options: CollectionOptions) -> list[ScoredPayload]:
        """Dense search, or dense and sparse candidates (``prefetch`` each) fused by RRF or DBSF;
        points matching ``exclude`` are never candidates."""

    def optimize(self, name: str) -> None:
        """Build search indexes after a batch of writes (engines that index lazily)."""

    @abstractmethod
    def close(self) -> None: ...
