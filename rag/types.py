"""Small typed values that cross module boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` of a source text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}:{self.end}")

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Question:
    """A question as it is searched. ``text`` is what retrieval and the entity check see (for a
    follow-up, the previous question and then this one, so its subject is kept); ``asked`` is
    the turn as the user typed it, what is asked now, which ranks the evidence sentences;
    ``previous_sources`` are the articles the previous answer cited, where a follow-up that
    names nobody new is answered from; ``previous_citations`` what it quoted, which the
    follow-up does not quote again unless it holds something new of the kind asked."""

    text: str
    asked: str
    previous_sources: tuple[str, ...] = ()
    previous_citations: tuple["Citation", ...] = ()

    @classmethod
    def plain(cls, text: str) -> "Question":
        return cls(text, text)

    @property
    def is_follow_up(self) -> bool:
        return self.asked != self.text

    @property
    def previous(self) -> str:
        """The earlier turn a follow-up's ``text`` starts with ("" for a standalone question)."""
        return self.text[: len(self.text) - len(self.asked)].strip() if self.is_follow_up else ""


@dataclass(frozen=True)
class Quote:
    """An exact excerpt of a source; build it only with :func:`make_quote`."""

    source: str
    start: int
    end: int
    text: str


def make_quote(source: str, text: str, start: int, end: int, text_start: int = 0) -> Quote:
    """The one place quotes are made: cut from the source, never typed.

    ``text`` is the source's text, or a window of it that begins at offset ``text_start``;
    ``start``/``end`` are offsets into the whole source either way.
    """
    if not text_start <= start < end <= text_start + len(text):
        raise ValueError(f"quote span {start}:{end} is outside the text of {source} held here")
    return Quote(source=source, start=start, end=end, text=text[start - text_start : end - text_start])


@dataclass(frozen=True)
class Document:
    """A file as read: its name and the exact text that offsets refer to."""

    source: str
    text: str
    kind: str = "text"  # "text" or "html" (then ``text`` is the text extracted from the page)


@dataclass(frozen=True)
class Article:
    """A cleaned article: body sentences as spans of ``document.text`` plus metadata."""

    document: Document
    title: str
    sentences: tuple[Span, ...]
    dates: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    title_span: Span | None = None

    @property
    def source(self) -> str:
        return self.document.source

    @property
    def text(self) -> str:
        return self.document.text

    def sentence_text(self, span: Span) -> str:
        return self.document.text[span.start : span.end]


@dataclass(frozen=True)
class Chunk:
    """Consecutive body sentences of one article, the unit that is embedded and stored."""

    source: str
    index: int
    sentences: tuple[Span, ...]
    text: str  # the sentences joined by single spaces: what is embedded
    tokens: int

    @property
    def start(self) -> int:
        return self.sentences[0].start

    @property
    def end(self) -> int:
        return self.sentences[-1].end


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the payload stored with it."""

    chunk_id: str
    score: float
    source: str
    title: str
    text: str  # source text from chunk start to chunk end (may include dropped lines)
    start: int
    end: int
    sentences: tuple[Span, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    def sentence_text(self, span: Span) -> str:
        return self.text[span.start - self.start : span.end - self.start]


@dataclass(frozen=True)
class Evidence:
    """A sentence chosen as a candidate quote, with its relevance to the question.
    ``quotation`` is the whole direct speech the sentence closes, when it is the tail of one
    (see :mod:`rag.quotation`): an extractive answer cites that in the sentence's place."""

    quote: Quote
    title: str
    score: float
    meta: dict[str, Any] = field(default_factory=dict)
    quotation: Quote | None = None

    @property
    def cited(self) -> Quote:
        """What a citation of this sentence shows: the whole quotation it closes, or the sentence."""
        return self.quotation if self.quotation is not None else self.quote


@dataclass(frozen=True)
class QuestionPart:
    """One ask of a question that joins two (:mod:`rag.decompose`), with the evidence found
    for it alone: the answer cites its best sentence beside the whole question's."""

    text: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Citation:
    n: int
    source: str
    title: str
    quote: str
    start: int
    end: int
    score: float
    gloss: str | None = None  # a checked machine translation for the reader, never part of the quote

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Citation":
        """A citation back from :meth:`to_dict` (the chat keeps its previous answer as a dict)."""
        return cls(int(d["n"]), d["source"], d.get("title", ""), d["quote"], int(d["start"]), int(d["end"]),
                   float(d.get("score", 0.0)), d.get("gloss"))

    def to_dict(self) -> dict[str, Any]:
        out = {"n": self.n, "source": self.source, "title": self.title, "quote": self.quote,
               "start": self.start, "end": self.end, "score": round(self.score, 4)}
        if self.gloss:
            out["gloss"] = self.gloss
        return out


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...]
    timings: dict[str, float]
    mode: str = "llm"  # "llm", "extractive", or "abstain"
    notice: str = ""
    related: tuple[Citation, ...] = ()
    language: str = ""  # the reader's language ("en"/"uk"): the answer's, whatever the quotes' language
    tokens: dict[str, int] = field(default_factory=dict)  # LLM tokens {"in": prompt, "out": reply}; empty without one
    removed: tuple[str, ...] = ()  # generated sentences the claim verifier did not show, each with why (rag.verify)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "question": self.question,
            "answer": self.text,
            "language": self.language,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "timings": {k: round(v, 1) for k, v in self.timings.items()},
            "mode": self.mode,
        }
        if self.notice:
            out["notice"] = self.notice
        if self.related:
            out["related"] = [c.to_dict() for c in self.related]
        if self.tokens:
            out["tokens"] = dict(self.tokens)
        if self.removed:
            out["removed"] = list(self.removed)
        return out
