"""The bundled GGUF model run in-process by llama.cpp (llama-cpp-python)."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Iterator, Sequence

from rag.errors import LLMError
from rag.llm.base import ChatModel, Message


class LocalLlamaCpp(ChatModel):
    def __init__(self, model_path: Path, n_ctx: int = 2048, threads: int = 0) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise LLMError(f"llama-cpp-python is not installed ({exc}); run `make setup`") from None
        self.name = f"local:{Path(model_path).stem}"
        self._llm = Llama(
            model_path=str(model_path), n_ctx=n_ctx, n_threads=threads or os.cpu_count() or 2,
            verbose=False, seed=0,
        )
        # llama.cpp keeps the previous prompt's KV cache; a shared prefix (the system prompt)
        # is not recomputed. One generation at a time per model instance.
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _stream(self, messages: Sequence[Message], max_tokens: int) -> Iterator[str]:
        with self._lock:
            chunks = self._llm.create_chat_completion(
                messages=[{"role": m.role, "content": m.content} for m in messages],
                max_tokens=max_tokens, temperature=0.0, top_k=1, repeat_penalty=1.1, stream=True,
            )
            for chunk in chunks:
                delta = chunk["choices"][0].get("delta", {})
                yield delta.get("content") or ""
