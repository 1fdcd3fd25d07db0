"""The interface every language model implements: streamed chat with a deadline."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Iterator, Sequence

from rag.errors import LLMError


@dataclass(frozen=True)
class Message:
    role: str  # "system", "user", "assistant"
    content: str


class ChatModel(ABC):
    """``name`` is shown to users; ``stream`` yields text pieces as they are generated."""

    name: str

    @abstractmethod
    def _stream(self, messages: Sequence[Message], max_tokens: int) -> Iterator[str]:
        """Yield generated text pieces."""

    def stream(self, messages: Sequence[Message], max_tokens: int, timeout_s: float) -> Iterator[str]:
        """Generated pieces; stops with ``LLMError`` once ``timeout_s`` has passed."""
        deadline = time.monotonic() + timeout_s
        try:
            for piece in self._stream(messages, max_tokens):
                if time.monotonic() > deadline:
                    raise LLMError(f"{self.name} did not finish within {timeout_s:.0f} s")
                if piece:
                    yield piece
        except LLMError:
            raise
        except Exception as exc:  # network errors, server errors, malformed responses
            raise LLMError(f"{self.name} failed: {type(exc).__name__}: {str(exc)[:200]}") from None

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` (the cost measure the evals report): tiktoken's cl100k_base here, the
        model's own tokenizer where an implementation has it."""
        from rag.tokens import token_counter

        return token_counter()(text)

    def usage(self, messages: Sequence[Message], reply: str) -> dict[str, int]:
        """Tokens in (the messages' text, without the chat template's few markers) and out."""
        return {"in": sum(self.count_tokens(m.content) for m in messages), "out": self.count_tokens(reply)}

    def complete(self, messages: Sequence[Message], max_tokens: int, timeout_s: float) -> str:
        return "".join(self.stream(messages, max_tokens, timeout_s))
