"""OpenAI-compatible servers (vLLM, llama.cpp server, LM Studio) and Ollama, through
llama-index's LLM integrations."""

from __future__ import annotations

from typing import Iterator, Sequence

from llama_index.core.llms import ChatMessage

from rag.llm.base import ChatModel, Message


class LlamaIndexChat(ChatModel):
    """Any llama-index LLM with ``stream_chat``."""

    def __init__(self, llm, name: str) -> None:
        self._llm = llm
        self.name = name

    def _stream(self, messages: Sequence[Message], max_tokens: int) -> Iterator[str]:
        chat = [ChatMessage(role=m.role, content=m.content) for m in messages]
        for response in self._llm.stream_chat(chat):
            yield response.delta or ""


def openai_like(url: str, model: str, api_key: str, timeout_s: float, max_tokens: int) -> LlamaIndexChat:
    from llama_index.llms.openai_like import OpenAILike

    llm = OpenAILike(model=model or "default", api_base=url, api_key=api_key or "none", is_chat_model=True,
                     timeout=timeout_s, max_retries=0, temperature=0.0, max_tokens=max_tokens)
    return LlamaIndexChat(llm, f"openai:{model or 'default'}@{url}")


def ollama(url: str, model: str, timeout_s: float) -> LlamaIndexChat:
    from llama_index.llms.ollama import Ollama

    llm = Ollama(model=model or "qwen2.5:1.5b", base_url=url, request_timeout=timeout_s, temperature=0.0)
    return LlamaIndexChat(llm, f"ollama:{model}@{url}")
