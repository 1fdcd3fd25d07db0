"""The pipeline a user would build from the llama-index docs in an afternoon, for comparison:
``VectorStoreIndex`` over the raw article files with the default ``SentenceSplitter``, the same
embedding model (through llama-index's ``HuggingFaceEmbedding``, with the same prompts), the same
LLM, in Qdrant, answered by ``CitationQueryEngine``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Sequence

from llama_index.core import Document, StorageContext, VectorStoreIndex
from llama_index.core.llms import CompletionResponse, CustomLLM, LLMMetadata
from llama_index.core.llms.callbacks import llm_completion_callback
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.query_engine import CitationQueryEngine

from rag.llm.base import ChatModel, Message
from rag.service import RagService

COLLECTION = "eval_baseline"
_REFUSAL = re.compile(r"\b(not (mentioned|provided|specified|found|available|stated)|no information|"
                      r"does not (say|mention|provide)|cannot (find|answer)|don't know|do not know|"
                      r"немає інформації|не згадується|не вказано)\b", re.IGNORECASE)


class ChatModelLLM(CustomLLM):
    """Our ChatModel behind llama-index's LLM interface (same model, same settings)."""

    model: Any = None
    max_tokens: int = 160
    timeout_s: float = 300.0
    tokens: dict = {}  # tokens in and out of the calls since the last reset, counted as ours are

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=2048, num_output=self.max_tokens, model_name=getattr(self.model, "name", "llm"))

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        messages = [Message("user", prompt)]
        text = self.model.complete(messages, self.max_tokens, self.timeout_s)
        for key, n in self.model.usage(messages, text).items():
            self.tokens[key] = self.tokens.get(key, 0) + n
        return CompletionResponse(text=text)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any):
        yield self.complete(prompt)


class Baseline:
    def __init__(self, service: RagService, seeds: Path) -> None:
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        from llama_index.vector_stores.qdrant import QdrantVectorStore

        from rag import models
        from rag.embed.sentence_transformers import GEMMA_QUERY_PROMPT

        path = models.require(models.EMBEDDINGGEMMA, service.settings)
        self.embed = HuggingFaceEmbedding(model_name=str(path), device="cpu", query_instruction=GEMMA_QUERY_PROMPT,
                                          text_instruction="title: none | text: ", normalize=True)
        self.texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))}
        # its own in-memory Qdrant: the baseline is what a user builds from the docs, beside our store
        from qdrant_client import QdrantClient

        store = QdrantVectorStore(client=QdrantClient(location=":memory:"), collection_name=COLLECTION)
        docs = [Document(text=t, metadata={"source": n}, excluded_embed_metadata_keys=["source"],
                         excluded_llm_metadata_keys=["source"]) for n, t in self.texts.items()]
        self.index = VectorStoreIndex.from_documents(
            docs, storage_context=StorageContext.from_defaults(vector_store=store), embed_model=self.embed,
            transformations=[SentenceSplitter()],
        )
        self.retriever = self.index.as_retriever(similarity_top_k=6)
        self._engine = None
        self._llm: ChatModelLLM | None = None
        self._service = service

    def retrieve(self, question: str) -> list[tuple[str, int, int]]:
        out = []
        for n in self.retriever.retrieve(question):
            source = n.node.metadata["source"]
            start = n.node.start_char_idx if n.node.start_char_idx is not None else self.texts[source].find(n.node.get_content())
            out.append((source, start, start + len(n.node.get_content())))
        return out

    def ask(self, question: str, llm: ChatModel) -> dict[str, Any]:
        if self._engine is None:
            self._llm = ChatModelLLM(model=llm)
            self._engine = CitationQueryEngine.from_args(self.index, llm=self._llm, similarity_top_k=3,
                                                         citation_chunk_size=512)
        assert self._llm is not None
        self._llm.tokens = {}
        response = self._engine.query(question)
        text = str(response)
        citations = []
        # CitationQueryEngine asks for [n]; small models also write [Source n]: count both
        used = sorted({int(m) for m in re.findall(r"\[(?:Source\s*)?(\d+)\]", text)})
        for n in used:
            if 1 <= n <= len(response.source_nodes):
                node = response.source_nodes[n - 1].node
                quote = re.sub(r"^Source \d+:\n", "", node.get_content())
                source = node.metadata.get("source", "")
                start = self.texts.get(source, "").find(quote)
                citations.append({"n": n, "source": source, "quote": quote, "start": max(start, 0),
                                  "end": max(start, 0) + len(quote), "score": 0.0})
        return {"answer": text, "citations": citations, "abstained": bool(_REFUSAL.search(text)),
                "mode": "llm", "timings": {}, "tokens": dict(self._llm.tokens)}


def quote_found(citation: dict[str, Any], texts: dict[str, str]) -> bool:
    return texts.get(citation["source"], "")[citation["start"] : citation["end"]] == citation["quote"]


def summarise_rows(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    from evals.run import summarise

    return summarise(rows)
