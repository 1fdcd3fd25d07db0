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
from rag.ingest.injection import injection_signals
from rag.ingest.pipeline import chunk_article, content_hash, parse_article, to_nodes
from rag.ingest.reader import read_document
from rag.settings import Settings
from rag.store import ArticleRecord, ChunkPoint, Store, chunk_id, node_payload, now
from rag.types import Article, Chunk, Document


@dataclass(frozen=True)
class FileResult:
    source: str
    status: str  # "ingested", "replaced", "quarantined", "unchanged", "duplicate", "rejected"
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

# Bump when cleaning, chunking or the stored payload change: articles indexed by an older
# pipeline are then re-indexed instead of being skipped as unchanged.
PIPELINE_VERSION = 5  # 4: no sentence end inside a bracket closed soon after; 5: apostrophe words get their lemmas in the name terms


@dataclass
class _Prepared:
    """An article parsed and chunked, waiting for its vectors."""

    document: Document
    article: Article
    digest: str
    chunks: list[Chunk]
    replaces: bool


def _prepare(document: Document, store: Store, settings: Settings, pending: dict[str, str]) -> FileResult | _Prepared:
    """Decide what a document needs: nothing (unchanged, duplicate) or indexing."""
    digest = content_hash(document.text)
    existing = store.get_article(document.source)
    if existing is not None and existing.content_hash == digest and existing.pipeline == PIPELINE_VERSION:
        return FileResult(document.source, "unchanged", chunks=existing.chunk_count)
    twin = store.find_by_hash(digest)
    twin_source = twin.source if twin is not None and twin.pipeline == PIPELINE_VERSION else pending.get(digest)
    if twin_source is not None and twin_source != document.source:
        return FileResult(document.source, "duplicate", f"same text as {twin_source}, skipped")
    article = parse_article(document)
    chunks = chunk_article(article, settings.chunk_tokens, settings.chunk_overlap_sentences)
    return _Prepared(document, article, digest, chunks, existing is not None)


def _write(p: _Prepared, vectors, store: Store) -> FileResult:
    article, digest = p.article, p.digest
    signals = injection_signals(" ".join(article.sentence_text(s) for s in article.sentences))
    points = [
        ChunkPoint(chunk_id(article.source, digest, node.metadata["chunk_index"]), vector,
                   sparse.encode_document(article.title + " " + node.text),
                   {**node_payload(node, article.text), "quarantined": bool(signals)})
        for node, vector in zip(to_nodes(article, p.chunks, digest), vectors)
    ]
    record = ArticleRecord(
        source=article.source, title=article.title, content_hash=digest, chunk_count=len(points),
        dates=article.dates, people=article.people, ingested_at=now(), kind=p.document.kind,
        chars=len(p.document.text), quarantined=tuple(signals), pipeline=PIPELINE_VERSION,
    )
    store.write_article(record, p.document.text, article.sentences, points)
    if signals:
        return FileResult(article.source, "quarantined", "suspected prompt injection (" + ", ".join(signals)
                          + "); stored but never used as evidence", chunks=len(points))
    return FileResult(article.source, "replaced" if p.replaces else "ingested", chunks=len(points))


def index_files(files: Sequence[Path], store: Store, embedder: Embedder, settings: Settings,
                on_result: OnResult | None = None, names: Sequence[str] | None = None) -> list[FileResult]:
    """Index each file; rejections are results, not exceptions.

    Chunks of several articles are embedded together (``ingest_batch_chunks`` at a time, which
    also bounds memory); each article is then committed on its own, so an interrupted run
    leaves only whole articles and a re-run picks up where it stopped.
    """
    results: list[FileResult] = []
    pending: list[_Prepared] = []
    pending_hashes: dict[str, str] = {}

    def report(result: FileResult) -> None:
        results.append(result)
        if on_result:
            on_result(result)

    def flush() -> None:
        if not pending:
            return
        texts = [c.text for p in pending for c in p.chunks]
        titles = [p.article.title for p in pending for _ in p.chunks]
        vectors = embedder.embed_documents(texts, titles)
        offset = 0
        for p in pending:
            report(_write(p, vectors[offset : offset + len(p.chunks)], store))
            offset += len(p.chunks)
        pending.clear()
        pending_hashes.clear()

    for i, path in enumerate(files):
        name = names[i] if names else path.name
        try:
            document = read_document(path, name, max_bytes=int(settings.max_file_mb * 1024 * 1024))
            prepared = _prepare(document, store, settings, pending_hashes)
        except InputError as exc:
            prepared = FileResult(name, "rejected", str(exc).split(": ", 1)[-1])
        except OSError as exc:
            prepared = FileResult(name, "rejected", f"cannot read: {exc.strerror or exc}")
        except (ValueError, RecursionError) as exc:  # a text the parser cannot handle: one line, not a stop
            prepared = FileResult(name, "rejected", f"could not be parsed ({type(exc).__name__}: {exc})")
        if isinstance(prepared, FileResult):
            report(prepared)
            continue
        pending.append(prepared)
        pending_hashes[prepared.digest] = name
        if sum(len(p.chunks) for p in pending) >= settings.ingest_batch_chunks:
            flush()
    flush()
    if any(r.status in ("ingested", "replaced", "quarantined") for r in results):
        store.finish_writes()
    return results


def source_names(files: Iterable[Path]) -> list[str]:
    """File names as sources; a name seen twice in different folders keeps its parent folder."""
    files = list(files)
    counts: dict[str, int] = {}
    for f in files:
        counts[f.name] = counts.get(f.name, 0) + 1
    return [f"{f.parent.name}/{f.name}" if counts[f.name] > 1 else f.name for f in files]
