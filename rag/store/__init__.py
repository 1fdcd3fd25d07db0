"""The point store: one typed ``Backend`` interface with its implementations beside it
(qdrant-client local/server, Qdrant Edge), a factory, and the corpus logic (``Store``) on top."""

from rag.store.backend import DENSE, SPARSE, Backend, CollectionOptions, PointData, ScoredPayload
from rag.store.corpus import ArticleRecord, ChunkPoint, Store, article_id, chunk_id, node_payload, now
from rag.store.factory import open_backend

__all__ = ["DENSE", "SPARSE", "Backend", "CollectionOptions", "PointData", "ScoredPayload", "ArticleRecord",
           "ChunkPoint", "Store", "article_id", "chunk_id", "node_payload", "now", "open_backend"]
