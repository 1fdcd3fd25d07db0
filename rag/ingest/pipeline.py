"""Documents to articles to llama-index nodes: the ingest-side pipeline, pure and offline."""

from __future__ import annotations

import hashlib
from typing import Sequence

from llama_index.core.schema import TextNode

from rag.errors import InputError
from rag.ingest.chunk import chunk_sentences
from rag.ingest.clean import find_body
from rag.ingest.metadata import find_dates, find_people
from rag.ingest.sentences import split_sentences
from rag.types import Article, Chunk, Document

TITLE_FALLBACK_CHARS = 120


def content_hash(text: str) -> str:
    """sha256 of the text: the article's identity for duplicate and change detection."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def parse_article(document: Document) -> Article:
    """Clean a document down to its article: title, body sentences (exact spans), metadata."""
    body = find_body(document.text)
    body_sentences = split_sentences(document.text, body.lines)
    if not body_sentences:
        raise InputError(f"{document.source}: no article text found (only page furniture or empty)")
    # the headline is the article's own text: it is searchable and quotable like a sentence
    sentences = ([body.title] if body.title is not None else []) + body_sentences
    text = document.text
    if body.title is not None:
        title = text[body.title.start : body.title.end]
    else:
        first = text[body_sentences[0].start : body_sentences[0].end]
        title = first if len(first) <= TITLE_FALLBACK_CHARS else first[:TITLE_FALLBACK_CHARS].rsplit(" ", 1)[0] + " …"
    sentence_texts = [text[s.start : s.end] for s in body_sentences]
    body_text = " ".join(sentence_texts)
    return Article(
        document=document,
        title=title,
        sentences=tuple(sentences),
        dates=tuple(find_dates(body_text)),
        people=tuple(find_people(sentence_texts)),
        title_span=body.title,
    )


def chunk_article(article: Article, budget: int, overlap: int) -> list[Chunk]:
    return chunk_sentences(article, budget=budget, overlap=overlap)


def to_nodes(article: Article, chunks: Sequence[Chunk], digest: str | None = None) -> list[TextNode]:
    """llama-index nodes for the chunks; positions and sentence spans ride along in metadata."""
    digest = digest or content_hash(article.text)
    nodes = []
    for chunk in chunks:
        nodes.append(
            TextNode(
                text=chunk.text,
                start_char_idx=chunk.start,
                end_char_idx=chunk.end,
                metadata={
                    "source": article.source,
                    "title": article.title,
                    "chunk_index": chunk.index,
                    "sentences": [[s.start, s.end] for s in chunk.sentences],
                    "dates": list(article.dates),
                    "people": list(article.people),
                    "content_hash": digest,
                    "tokens": chunk.tokens,
                },
            )
        )
    return nodes
