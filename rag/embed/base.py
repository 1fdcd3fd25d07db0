"""The interface every dense encoder implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Sequence

import numpy as np


class Embedder(ABC):
    """Turns queries and documents into L2-normalised float32 vectors.

    ``id`` names the model and its prompts; a collection records it so that a query is
    never compared against vectors another model made.
    """

    id: str
    dim: int
    precision: str = "fp32"  # the arithmetic the vectors were computed in (see RAG_EMBED_PRECISION)

    @abstractmethod
    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """One row per query."""

    @abstractmethod
    def embed_documents(self, texts: Sequence[str], titles: Sequence[str] | None = None) -> np.ndarray:
        """One row per passage; ``titles`` give context where the model takes it."""

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]

    def embed_questions(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of questions for finding the sentence that answers them (evidence ranking).
        Models with a question-answering prompt override this."""
        return self.embed_queries(texts)

    def embed_symmetric(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for comparing statements with each other (does a claim restate a passage?).
        Models with a sentence-similarity prompt override this."""
        return self.embed_queries(texts)

    def embed_variants(self, items: Sequence[tuple[str, str]]) -> np.ndarray:
        """One row per ``(kind, text)``, kind "query", "question" or "symmetric": the variants of
        one question at once. Models whose prompts are plain prefixes override this to encode
        them in one pass."""
        methods = {"query": self.embed_queries, "question": self.embed_questions, "symmetric": self.embed_symmetric}
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([methods[kind]([text])[0] for kind, text in items]).astype(np.float32)


def normalise(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows left as they are)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)
