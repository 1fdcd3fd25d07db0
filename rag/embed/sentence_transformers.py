"""Any sentence-transformers model; EmbeddingGemma with the prompts it was trained with."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from rag.embed.base import Embedder, normalise

# EmbeddingGemma's retrieval prompts (model card); without them its quality drops sharply.
GEMMA_QUERY_PROMPT = "task: search result | query: "
GEMMA_DOCUMENT_PROMPT = "title: {title} | text: "
GEMMA_SIMILARITY_PROMPT = "task: sentence similarity | query: "
GEMMA_ANSWER_PROMPT = "task: question answering | query: "


PRECISIONS = ("fp32", "bf16", "int8")
RUNTIMES = ("torch", "openvino")
# each runtime's precision when none is set, the best measured (docs/performance.md): OpenVINO's
# int8 weights keep the eval's figures at a third of torch's time; torch's int8 does not
DEFAULT_PRECISION = {"torch": "bf16", "openvino": "int8"}


def set_precision(model: object, precision: str) -> str:
    """Run ``model`` in ``precision``: "fp32"; "bf16" (weights and activations in bfloat16: this
    CPU's AMX units, 2.3x the passages/s of fp32 with embeddings agreeing to cosine >= 0.998);
    "int8" (torch dynamic quantisation of the linear layers). Returns the precision set."""
    import torch

    if precision not in PRECISIONS:
        raise ValueError(f"RAG_EMBED_PRECISION={precision!r}: use one of {', '.join(PRECISIONS)}")
    if precision == "bf16":
        model.to(torch.bfloat16)  # type: ignore[attr-defined]
    elif precision == "int8":
        torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
    return precision


class SentenceTransformerEmbedder(Embedder):
    def __init__(
        self,
        model: str | Path,
        name: str,
        query_prompt: str = "",
        document_prompt: str = "",
        batch_size: int = 16,
        max_seq_length: int = 512,
        similarity_prompt: str | None = None,
        answer_prompt: str | None = None,
        precision: str = "fp32",
        runtime: str = "torch",
        export_cache: Path | None = None,
    ) -> None:
        """``runtime`` "torch" runs the model through sentence-transformers; "openvino" runs the
        same pipeline exported once into ``export_cache`` (rag.embed.openvino_encoder). Vectors
        of another runtime are cached apart: ``precision`` then reads e.g. "bf16-openvino"."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        if runtime not in RUNTIMES:
            raise ValueError(f"RAG_EMBED_RUNTIME={runtime!r}: use one of {', '.join(RUNTIMES)}")
        precision = precision or DEFAULT_PRECISION[runtime]
        self._model: Any = None
        self._openvino: Any = None
        if runtime == "openvino":
            from rag.embed.openvino_encoder import OpenVINOEncoder

            if not Path(model).is_dir():
                raise ValueError(f"RAG_EMBED_RUNTIME=openvino needs a model folder, not {str(model)!r}")
            self._openvino = OpenVINOEncoder(Path(model), Path(export_cache or Path(model).parent / "openvino"),
                                             precision, max_seq_length, batch_size)
            self.precision = f"{self._openvino.precision}-openvino"
            self.dim = self._openvino.dim
        else:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(model), device="cpu", trust_remote_code=False)
            self._model.max_seq_length = min(max_seq_length, self._model.max_seq_length or max_seq_length)
            self.precision = set_precision(self._model, precision)
            self.dim = int(self._model.get_embedding_dimension())
        self._query_prompt = query_prompt
        self._document_prompt = document_prompt
        self._similarity_prompt = similarity_prompt
        self._answer_prompt = answer_prompt
        self._batch = batch_size
        self.id = f"st:{name}"

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._openvino is not None:
            return normalise(self._openvino.encode(texts)).reshape(len(texts), self.dim)
        vectors = self._model.encode(
            list(texts), batch_size=self._batch, normalize_embeddings=True,
            convert_to_tensor=True, show_progress_bar=False,
        )
        vectors = vectors.float().cpu().numpy()  # numpy has no bfloat16
        return normalise(vectors).reshape(len(texts), self.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self._prompt("query") + t for t in texts])

    def embed_questions(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self._prompt("question") + t for t in texts])

    def embed_symmetric(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self._prompt("symmetric") + t for t in texts])

    def embed_variants(self, items: Sequence[tuple[str, str]]) -> np.ndarray:
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([self._prompt(kind) + text for kind, text in items])  # one batch: one model pass

    def _prompt(self, kind: str) -> str:
        """The prefix of a query variant: "query", "question" or "symmetric" (the query prompt
        where the model has no prompt of that kind)."""
        own = {"query": self._query_prompt, "question": self._answer_prompt, "symmetric": self._similarity_prompt}[kind]
        return own if own is not None else self._query_prompt

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str] | None = None) -> np.ndarray:
        if "{title}" in self._document_prompt:
            titles = titles or ["none"] * len(texts)
            prompts = [self._document_prompt.format(title=(t or "none").replace("|", " ")) for t in titles]
        else:
            prompts = [self._document_prompt] * len(texts)
        return self._encode([p + t for p, t in zip(prompts, texts)])
