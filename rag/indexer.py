"""Ingest files into a corpus: read, clean, chunk, embed, store, one article at a time.

Each file gets one result (ingested, unchanged, replaced, duplicate, or rejected with a
reason); a bad file never stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from rag import sparse
from rag.embed.base import Embedder
from rag.errors import InputError
from rag.ingest.pipeline import chunk_article, content_hash, parse_article
from rag.ingest.reader import read_document
from rag.settings import Settings
from rag.store import ArticleRecord, ChunkPoint, Store, chunk_id, chunk_payload, now
from rag.types import Article, Document


@dataclass(frozen=True)
class FileResult:
    source: str
    status: str  # "ingested", "replaced", "unchanged", "duplicate", "rejected"
    detail: str = ""
    chunks: int = 0

    @property
    def ok(self) -> bool:
        return self.status != "rejected"

    def line(self) -> str:
        text = f"{self.status:9} {self.source}"
        if self.chunks:
            text += f" ({self.chunks} chunks)"
        return text + (f": {self.detail}" if self.detail else "")


OnResult = Callable[[FileResult], None]


def index_document(document: Document, store: Store, embedder: Embedder, settings: Settings) -> FileResult:
    """Add or replace one document's article in the store."""
    digest = content_hash(document.text)
    existing = store.get_article(document.source)
    if existing is not None and existing.content_hash == digest:
        return FileResult(document.source, "unchanged", chunks=existing.chunk_count)
    twin = store.find_by_hash(digest)
    if twin is not None and twin.source != document.source:
        return FileResult(document.source, "duplicate", f"same text as {twin.source}, skipped")
    article = parse_article(document)
    points = embed_article(article, digest, embedder, settings)
    record = ArticleRecord(
        source=article.source, title=article.title, content_hash=digest, chunk_count=len(points),
        dates=article.dates, people=article.people, ingested_at=now(), kind=document.kind,
        chars=len(document.text),
    )
    store.write_article(record, document.text, article.sentences, points)
    return FileResult(document.source, "replaced" if existing else "ingested", chunks=len(points))


def embed_article(article: Article, digest: str, embedder: Embedder, settings: Settings) -> list[ChunkPoint]:
    chunks = chunk_article(article, settings.chunk_tokens, settings.chunk_overlap_sentences)
    vectors = embedder.embed_documents([c.text for c in chunks], [article.title] * len(chunks))
    meta = {"dates": list(article.dates), "people": list(article.people), "tokens": 0}
    points = []
    for chunk, vector in zip(chunks, vectors):
        payload = chunk_payload(
            article.source, article.title, article.text[chunk.start : chunk.end], chunk.start, chunk.end,
            chunk.sentences, chunk.index, digest, {**meta, "tokens": chunk.tokens},
        )
        points.append(ChunkPoint(chunk_id(article.source, digest, chunk.index), vector,
                                 sparse.encode_document(article.title + " " + chunk.text), payload))
    return points


def index_files(files: Sequence[Path], store: Store, embedder: Embedder, settings: Settings,
                on_result: OnResult | None = None, names: Sequence[str] | None = None) -> list[FileResult]:
    """Index each file; rejections are results, not exceptions."""
    results = []
    for i, path in enumerate(files):
        name = names[i] if names else path.name
        try:
            result = index_document(read_document(path, name), store, embedder, settings)
        except InputError as exc:
            result = FileResult(name, "rejected", str(exc).split(": ", 1)[-1])
        except OSError as exc:
            result = FileResult(name, "rejected", f"cannot read: {exc.strerror or exc}")
        results.append(result)
        if on_result:
            on_result(result)
    return results


def source_names(files: Iterable[Path]) -> list[str]:
    """File names as sources; a name seen twice in different folders keeps its parent folder."""
    files = list(files)
    counts: dict[str, int] = {}
    for f in files:
        counts[f.name] = counts.get(f.name, 0) + 1
    return [f"{f.parent.name}/{f.name}" if counts[f.name] > 1 else f.name for f in files]
