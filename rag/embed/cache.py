"""A persistent cache of document vectors keyed by (embedder, text), in SQLite.

Re-chunking, re-ingesting a changed article, and ranking evidence sentences at question
time then only encode text the embedder has never seen.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Sequence

import numpy as np

from rag.embed.base import Embedder


class CachedEmbedder(Embedder):
    """Wraps an embedder; document vectors are looked up before they are computed."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.id, self.dim, self.precision = inner.id, inner.dim, inner.precision
        self._variant = "" if self.precision == "fp32" else f"@{self.precision}"  # fp32 keys as before
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self._recent: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()  # question variants, in memory

    def forget_recent(self) -> None:
        """Drop the in-memory question variants (a benchmark timing the encoder needs misses)."""
        with self._lock:
            self._recent.clear()

    def _key(self, text: str, title: str) -> bytes:
        return hashlib.sha256(f"{self.id}{self._variant}\x00{title}\x00{text}".encode("utf-8", "surrogatepass")).digest()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)

    def embed_questions(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_questions(texts)

    def embed_symmetric(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_symmetric(texts)

    def embed_variants(self, items: Sequence[tuple[str, str]], keep: int = 512) -> np.ndarray:
        """As the inner embedder's, in one pass for the variants not asked recently (a follow-up
        repeats its history; the evals and the UI ask the same question twice)."""
        found: dict[tuple[str, str], np.ndarray] = {}
        with self._lock:  # hits copied out under the lock: another thread may evict them meanwhile
            for item in dict.fromkeys(items):
                if item in self._recent:
                    self._recent.move_to_end(item)
                    found[item] = self._recent[item]
        todo = [item for item in dict.fromkeys(items) if item not in found]
        if todo:
            fresh = self.inner.embed_variants(todo)
            found.update(zip(todo, fresh))
            with self._lock:
                self._recent.update(zip(todo, fresh))
                while len(self._recent) > keep:
                    self._recent.popitem(last=False)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[item] for item in items]).astype(np.float32)

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str] | None = None) -> np.ndarray:
        titles = list(titles) if titles is not None else [""] * len(texts)
        keys = [self._key(t, h) for t, h in zip(texts, titles)]
        found: dict[bytes, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                batch = keys[i : i + 500]
                rows = self._db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(batch))})", batch
                ).fetchall()
                found.update({k: np.frombuffer(v, dtype=np.float32) for k, v in rows})
        todo = [i for i, k in enumerate(keys) if k not in found]
        self.hits += len(keys) - len(todo)
        self.misses += len(todo)
        if todo:
            fresh = self.inner.embed_documents([texts[i] for i in todo], [titles[i] for i in todo])
            with self._lock, self._db:
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                     [(keys[i], fresh[j].astype(np.float32).tobytes()) for j, i in enumerate(todo)])
            for j, i in enumerate(todo):
                found[keys[i]] = fresh[j]
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)
