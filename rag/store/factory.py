"""The backend the settings ask for: a Qdrant server when ``RAG_QDRANT_URL`` is set, else the
embedded engine named by ``RAG_STORE_ENGINE`` ("local": qdrant-client; "edge": Qdrant Edge)."""

from __future__ import annotations

from rag.errors import StoreError
from rag.settings import Settings
from rag.store.backend import Backend

ENGINES = ("local", "edge")


def open_backend(settings: Settings) -> Backend:
    from rag.store.qdrant import QdrantBackend, open_client

    if settings.server_mode:
        return QdrantBackend(open_client(settings))
    if settings.store_engine == "local":
        return QdrantBackend(open_client(settings))
    if settings.store_engine == "edge":
        from rag.store.edge import EdgeBackend

        return EdgeBackend(settings.qdrant_path)
    raise StoreError(f"RAG_STORE_ENGINE={settings.store_engine!r}: use one of {', '.join(ENGINES)}")
