"""The in-memory cache of question variants: correct under eviction and concurrent questions."""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Sequence

import numpy as np

from rag.embed.base import Embedder, normalise
from rag.embed.cache import CachedEmbedder


class HashEmbedder(Embedder):
    """Deterministic vectors from a text's hash: a stand-in encoder that counts its calls."""

    id, dim = "hash", 8

    def __init__(self) -> None:
        self.calls = 0

    def _vec(self, text: str) -> np.ndarray:
        digest = hashlib.sha256(text.encode()).digest()
        return normalise(np.frombuffer(digest[: self.dim * 4], dtype=np.uint32).astype(np.float32))[0]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        time.sleep(0.001)  # an encoder releases the GIL: other questions run meanwhile
        return np.stack([self._vec("q:" + t) for t in texts])

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str] | None = None) -> np.ndarray:
        return np.stack([self._vec("d:" + t) for t in texts])


def test_variants_come_back_in_order_and_a_repeat_does_not_encode(tmp_path):
    inner = HashEmbedder()
    cached = CachedEmbedder(inner, tmp_path / "cache.sqlite")
    items = [("query", "a"), ("question", "a"), ("query", "a")]
    first = cached.embed_variants(items)
    calls = inner.calls
    again = cached.embed_variants(items)
    assert inner.calls == calls
    assert np.array_equal(first, again)
    assert np.array_equal(first[0], first[2]) and np.array_equal(first[0], inner.embed_queries(["a"])[0])
    calls = inner.calls
    cached.forget_recent()  # a benchmark's next question must be encoded
    assert np.array_equal(cached.embed_variants(items), first) and inner.calls > calls


def test_concurrent_questions_with_a_small_cache_never_fail_or_mix_vectors(tmp_path):
    inner = HashEmbedder()
    cached = CachedEmbedder(inner, tmp_path / "cache.sqlite")
    errors: list[BaseException] = []

    def ask(worker: int) -> None:
        try:
            for i in range(200):
                items = [("query", f"q{(worker * 7 + i) % 13}"), ("query", f"q{i % 5}")]
                got = cached.embed_variants(items, keep=3)  # evictions between lookup and read
                want = np.stack([inner._vec("q:" + t) for _, t in items])
                assert np.array_equal(got, want)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=ask, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]


def test_vectors_of_another_runtime_or_precision_are_cached_apart(tmp_path):
    """bf16 on torch, bf16 on OpenVINO and fp32 share a file but never a vector."""
    path = tmp_path / "cache.sqlite"
    encoded: dict[str, int] = {}
    for precision in ("fp32", "bf16", "bf16-openvino", "bf16-openvino"):
        inner = HashEmbedder()
        inner.precision = precision
        cached = CachedEmbedder(inner, path)
        cached.embed_documents(["one passage"], ["title"])
        encoded[precision] = encoded.get(precision, 0) + cached.misses
    assert encoded == {"fp32": 1, "bf16": 1, "bf16-openvino": 1}  # the repeat of a precision is a hit
