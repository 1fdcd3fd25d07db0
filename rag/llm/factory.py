"""Choose the language model from settings."""

from __future__ import annotations

from rag.llm.base import ChatModel
from rag.settings import Settings


def create_llm(settings: Settings) -> ChatModel | None:
    """``RAG_LLM``: ``local`` (bundled GGUF; the default), ``none``, ``openai`` or ``ollama``.
    Setting ``RAG_LLM_URL`` alone selects an OpenAI-compatible endpoint."""
    kind = settings.llm.lower()
    if kind == "none":
        return None
    if kind == "ollama":
        from rag.llm.endpoint import ollama

        return ollama(settings.llm_url or "http://127.0.0.1:11434", settings.llm_model, settings.llm_timeout_s)
    if kind == "openai" or (settings.llm_url and kind == "local"):
        from rag.llm.endpoint import openai_like

        return openai_like(settings.llm_url, settings.llm_model, settings.llm_api_key,
                           settings.llm_timeout_s, settings.llm_max_tokens)
    from rag import models
    from rag.llm.local import LocalLlamaCpp

    path = models.require(models.QWEN_GGUF, settings)
    return LocalLlamaCpp(path, n_ctx=settings.llm_context, threads=settings.llm_threads)
