"""Group sentences into chunks under a token budget, and turn them into llama-index nodes."""

from __future__ import annotations

from typing import Callable, Sequence

from rag.tokens import token_counter
from rag.types import Article, Chunk, Span


def chunk_sentences(
    article: Article, budget: int, overlap: int = 1, count: Callable[[str], int] | None = None
) -> list[Chunk]:
    """Consecutive sentences packed up to ``budget`` tokens; each chunk repeats the last
    ``overlap`` sentences of the previous one so a fact split across them stays findable.
    A single sentence over the budget becomes a chunk of its own."""
    count = count or token_counter()
    sizes = [count(article.sentence_text(s)) for s in article.sentences]
    chunks: list[Chunk] = []
    i = 0
    n = len(article.sentences)
    while i < n:
        j = i
        total = 0
        while j < n and (j == i or total + sizes[j] <= budget):
            total += sizes[j]
            j += 1
        spans = article.sentences[i:j]
        chunks.append(_make_chunk(article, len(chunks), spans, total))
        if j >= n:
            break
        i = max(j - overlap, i + 1)
    return chunks


def _make_chunk(article: Article, index: int, spans: Sequence[Span], tokens: int) -> Chunk:
    text = " ".join(article.sentence_text(s) for s in spans)
    return Chunk(source=article.source, index=index, sentences=tuple(spans), text=text, tokens=tokens)
