"""The public API of the product: what the CLI, the UI and the evals call.

Models are loaded once per process, on first use, and shared by every call.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator, Sequence, Union

import numpy as np

from rag import answer as answering
from rag import answerability, passage_claims, retrieve
from rag.answer_scorer import AnswerScorer, create_scorer
from rag.coverage import Entity, is_mentioned, is_topic, name_pairs, names_in, question_entities, without_entities
from rag.decompose import part_asks, question_parts
from rag.embed import Embedder, create_embedder
from rag.errors import InputError, LLMError, RagError, StoreError
from rag.evidence import SentenceVectors, select_evidence
from rag.followup import contextualise, is_follow_up
from rag.glossary import meanings_in, mentioned_in
from rag.gloss import clean_gloss, gloss_messages, needs_gloss
from rag.indexer import FileResult, index_files, source_names
from rag.ingest.reader import find_files, safe_source_name
from rag.llm import ChatModel, Message, create_llm
from rag.names import TextIndex
from rag.settings import Settings
from rag.store import ArticleRecord, Backend, CollectionOptions, Store, open_backend
from rag.quotation import CLOSING_MARKS, closed_quotation
from rag.types import Answer, Citation, Evidence, Hit, Question, QuestionPart, Span, make_quote
from rag.verify import check_claim

MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True)
class Status:
    text: str


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Done:
    answer: Answer


Event = Union[Status, Token, Done]


@dataclass(frozen=True)
class Retrieval:
    """What a search found: chunks, the evidence sentences chosen from the articles that
    name something the question names (``supported``), the question's entities the best
    article does not mention (``missing``), and the answerability ``decision`` made from them
    (:mod:`rag.answerability`). For a follow-up answered from the articles of the previous
    answer, ``stayed`` names them (and ``missing`` what the follow-up asks about that they do
    not mention)."""

    question: str
    hits: list[Hit]
    evidence: list[Evidence]
    retrieve_ms: float
    supported: frozenset[str] = frozenset()
    missing: tuple[str, ...] = ()
    stayed: tuple[str, ...] = ()
    decision: answerability.Decision | None = None
    stages_ms: dict[str, float] = field(default_factory=dict)  # encode, search, evidence, parts (, score)
    asked: str = ""  # the turn as asked (a follow-up's own words; ``question`` holds the conversation)
    parts: tuple[QuestionPart, ...] = ()  # a question that joins two asks: each searched alone (rag.decompose)
    seen: tuple[Citation, ...] = ()  # what the previous answer of a conversation quoted (Question.previous_citations)

    @property
    def turn(self) -> str:
        """What this turn asks: the cited sentence and the LLM reader answer it, as the decision did."""
        return self.asked or self.question


def clean_question(question: str) -> str:
    """Control characters out, whitespace collapsed; an ``InputError`` for what is not a question."""
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in question or "")
    text = " ".join(text.split())
    if not text:
        raise InputError("the question is empty")
    if len(text) > MAX_QUESTION_CHARS:
        raise InputError(f"the question is {len(text)} characters long; ask in at most {MAX_QUESTION_CHARS}")
    if not any(ch.isalnum() for ch in text):
        raise InputError("the question has no words in it")
    return text


def as_question(question: str | Question) -> Question:
    """A cleaned ``Question`` from either a plain string or a chat turn with its context."""
    if isinstance(question, Question):
        return Question(clean_question(question.text), clean_question(question.asked), question.previous_sources,
                        question.previous_citations)
    text = clean_question(question)
    return Question.plain(text)


def stays_on_previous(question: Question) -> bool:
    """A follow-up that names nobody the previous question did not: answered from the
    articles the previous answer cited (when the search found them again).

    >>> stays_on_previous(Question("Who did Umerov meet? And what about air defence?", "And what about air defence?", ("a",)))
    True
    >>> stays_on_previous(Question("Who did Umerov meet? And Austin?", "And Austin?", ("a",)))
    False
    """
    if not (question.is_follow_up and question.previous_sources):
        return False
    named = [e for e in question_entities(question.asked) if not is_topic(e)]
    return all(is_mentioned(e, [question.previous]) for e in named)


def _final(events: Iterator[Event]) -> Answer:
    final = None
    for event in events:
        if isinstance(event, Done):
            final = event.answer
    assert final is not None
    return final


class RagService:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self._backend: Backend | None = None
        self._embedder: Embedder | None = None
        self._vectors: SentenceVectors | None = None
        self._llm: ChatModel | None = None
        self._llm_error: str | None = None
        self._llm_loaded = False
        self._scorer: AnswerScorer | None = None
        self._lock = threading.RLock()
        self._glosses: dict[str, str | None] = {}  # (quote, names) -> gloss, so reopening a citation costs nothing
        self._name_indexes: dict[str, TextIndex] = {}  # article body -> its words' forms (names.TextIndex)
        self._scripts: dict[str, tuple[int, float]] = {}  # collection -> (chunks when read, share of Latin letters)

    # ---- shared resources ------------------------------------------------------------
    @property
    def backend(self) -> Backend:
        """The point store (embedded qdrant-client, Qdrant Edge, or a server), opened once."""
        with self._lock:
            if self._backend is None:
                self._backend = open_backend(self.settings)
            return self._backend

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = create_embedder(self.settings)
                self._vectors = SentenceVectors(self._embedder)
            return self._embedder

    def scorer(self) -> AnswerScorer | None:
        """The answer scorer (``RAG_ANSWER_SCORER``), or None when it is off."""
        if not self.settings.answer_scorer:
            return None
        with self._lock:
            if self._scorer is None:
                self._scorer = create_scorer(self.settings)
            return self._scorer

    def llm(self) -> ChatModel | None:
        """The configured LLM, or None (then ``llm_status`` says why)."""
        with self._lock:
            if not self._llm_loaded:
                self._llm_loaded = True
                try:
                    self._llm = create_llm(self.settings)
                    if self._llm is None:
                        self._llm_error = "no language model is configured (RAG_LLM=none)"
                except RagError as exc:
                    self._llm_error = str(exc)
            return self._llm

    def llm_status(self) -> str:
        llm = self.llm()
        return llm.name if llm else f"unavailable: {self._llm_error}"

    def store(self, collection: str | None = None) -> Store:
        return Store(self.backend, collection or self.settings.collection, CollectionOptions.from_settings(self.settings))

    def collections(self) -> list[str]:
        """Names of the corpora in the store."""
        return sorted(n for n in self.backend.collections() if not n.endswith("__articles"))

    def close(self) -> None:
        with self._lock:
            if self._backend is not None:
                self._backend.close()
                self._backend = None

    # ---- corpus -------------------------------------------------------------------------
    def ingest(self, paths: Sequence[Path], collection: str | None = None,
               on_result: Callable[[FileResult], None] | None = None, rebuild: bool = False,
               on_start: Callable[[int], None] | None = None) -> list[FileResult]:
        """Add files and folders to a collection; unchanged files are skipped, changed ones replaced."""
        files = list(find_files([Path(p) for p in paths]))
        if on_start:
            on_start(len(files))
        store = self.store(collection)
        if rebuild:
            store.drop()
        store.ensure(self.embedder.id, self.embedder.dim, self.embedder.precision)
        return index_files(files, store, self.embedder, self.settings, on_result, source_names(files))

    def ingest_named(self, files: Sequence[tuple[Path, str]], collection: str | None = None,
                     on_result: Callable[[FileResult], None] | None = None) -> list[FileResult]:
        """Ingest files under given source names (uploads, whose temporary paths mean nothing).
        Names are reduced to a safe base name first; an unusable name raises ``InputError``."""
        names = [safe_source_name(n) for _, n in files]
        store = self.store(collection)
        store.ensure(self.embedder.id, self.embedder.dim, self.embedder.precision)
        return index_files([p for p, _ in files], store, self.embedder, self.settings, on_result, names)

    def prune(self, keep: Sequence[str], collection: str | None = None) -> list[str]:
        """Remove every article whose source is not in ``keep``; returns what was removed."""
        keep_set = set(keep)
        removed = [r.source for r in self.articles(collection) if r.source not in keep_set]
        for source in removed:
            self.remove(source, collection)
        return removed

    def articles(self, collection: str | None = None) -> list[ArticleRecord]:
        return self.store(collection).articles()

    def article(self, source: str, collection: str | None = None) -> ArticleRecord | None:
        """One article's record (title, dates, people, chunk count, flags), or None."""
        return self.store(collection).get_article(source)

    def article_text(self, source: str, collection: str | None = None) -> str | None:
        return self.store(collection).article_text(source)

    def article_spans(self, source: str, collection: str | None = None) -> list[Span]:
        """Spans of the article's own sentences; the rest of its text is page furniture."""
        return self.store(collection).article_spans(source)

    def article_sentences(self, source: str, collection: str | None = None) -> tuple[str, list[Span]]:
        """An article's text and the spans of its own sentences, in one read."""
        return self.store(collection).article_sentences(source)

    def remove(self, source: str, collection: str | None = None) -> bool:
        return self.store(collection).remove_article(source)

    # ---- questions ------------------------------------------------------------------------
    def ask(self, question: str | Question, collection: str | None = None, use_llm: bool | None = None,
            evidence_k: int | None = None, language: str | None = None, glosses: bool | None = None,
            reader: bool | None = None) -> Answer:
        return _final(self.ask_stream(question, collection, use_llm, evidence_k, language, glosses, reader))

    def answer(self, found: Retrieval, use_llm: bool | None = None, language: str | None = None,
               glosses: bool | None = None, reader: bool | None = None) -> Answer:
        """The answer to an already retrieved question (the evals score retrieval and answer
        from one search)."""
        return _final(self.answer_stream(found, use_llm, language, glosses, reader))

    def follow_up(self, history: Sequence[str], question: str, collection: str | None = None) -> Question:
        """``question`` as the turn after the questions in ``history`` when their answers are not
        at hand (the CLI's ``--after``, the evals): for a follow-up, the last of them is answered
        extractively to learn the articles the conversation is about (a chat passes its previous
        answer's sources to ``contextualise`` instead)."""
        if not history or not is_follow_up(question):
            return contextualise(history, question)
        # the previous turn is answered only to find its articles: no LLM at all
        previous = self.ask(self.follow_up(history[:-1], history[-1], collection), collection, use_llm=False,
                            glosses=False, reader=False)
        return contextualise(history, question, [c.source for c in previous.citations], previous.citations)

    def retrieve(self, question: str | Question, collection: str | None = None,
                 evidence_k: int | None = None, exclude: Sequence[str] = ()) -> Retrieval:
        """The chunks found for a question and the evidence sentences chosen from them. For a
        follow-up (a ``Question`` whose ``asked`` differs from its ``text``), the search and the
        entity check read the whole text and the turn as asked ranks the sentences. Articles in
        ``exclude`` are left out (the answerability model's hard negatives: the question asked
        of an archive without its article)."""
        asked = as_question(question)
        question = asked.text
        store = self._ready_store(collection)
        t0 = time.perf_counter()
        # Evidence is ranked by the turn as asked and by it without its names (see
        # select_evidence), both embedded with the embedder's question-answering prompt (squad
        # answer in the cited quote 0.596 -> 0.604 against the search prompt; seeds unchanged).
        # An opening capitalised word ("Замість ...") counts as a name only where the texts name it.
        entities = question_entities(question)
        focus = without_entities(asked.asked, [e for e in entities if not e.initial])
        weight = self.settings.evidence_focus_weight
        # the question's variants in one encoder pass: the search prompt on the whole text, the
        # question-answering prompt on the turn as asked and on it without its names
        def focus_used(text: str) -> bool:
            return bool(weight) and bool(text.strip(" ?")) and text != asked.asked

        variants = [("query", question), ("question", asked.asked)] + ([("question", focus)] if focus_used(focus) else [])
        t_embed = time.perf_counter()
        vectors = self.embedder.embed_variants(variants)
        embed_ms = (time.perf_counter() - t_embed) * 1000
        query_vector = vectors[0]
        hits = self._search(question, query_vector, store, exclude)
        search_ms = (time.perf_counter() - t_embed) * 1000 - embed_ms
        # evidence comes from the articles that name what the question names (a passage about
        # another minister in another article is not an answer, however close its wording); a
        # stricter cut (within 0.25 of the best article's share) cost squad-uk-mini's evidence
        # 0.765 -> 0.725
        bodies = store.bodies(h.source for h in hits)
        named_now, scores, supported = self._naming_articles(question, bodies)
        missing: list[str] = []
        candidates = [h for h in hits if h.source in supported] or hits  # else: related passages only
        stayed: tuple[str, ...] = ()
        previous = [h for h in candidates if h.source in asked.previous_sources] if stays_on_previous(asked) else []
        if previous:
            # "And what about air defence?" asks about the meeting the previous answer quoted, not
            # about another article on air defence: answered from that article, or not at all
            stayed = tuple(dict.fromkeys(h.source for h in previous))
            there = {a.short for s in stayed for a in mentioned_in(bodies[s])}
            lacking = [a.meaning for a in mentioned_in(asked.asked) if a.is_topic and a.short not in there]
            if lacking:
                missing = list(missing) + lacking
            else:
                candidates = previous
        if weight and any(e.initial for e in named_now):
            focus = without_entities(asked.asked, named_now)
        use_focus = focus_used(focus)
        if use_focus and ("question", focus) not in variants:  # an opening capitalised word the texts name
            vectors = np.vstack([vectors, self.embedder.embed_variants([("question", focus)])])
            variants.append(("question", focus))
        ranking = [vectors[1], vectors[variants.index(("question", focus))] if use_focus else None]
        evidence = self._evidence(store, query_vector, candidates, asked.asked, ranking[0], evidence_k,
                                  ranking[1] if use_focus else None)
        t_score = time.perf_counter()
        evidence = self._scored(asked.asked, evidence)
        score_ms = (time.perf_counter() - t_score) * 1000
        t_parts = time.perf_counter()
        parts = self._question_parts(asked.asked, store, exclude)
        parts_ms = (time.perf_counter() - t_parts) * 1000
        values, absent = answerability.signals(asked.asked, evidence, named_now, bodies, scores,
                                               {h.source for h in candidates})
        decision = answerability.decide(asked.asked, values, absent)
        if missing:  # a follow-up's topic the articles of the previous answer lack
            where = "the article of the previous answer does not mention " if stayed else "no article found mentions "
            decision = replace(decision, answerable=False, reason=where + ", ".join(missing))
        total_ms = (time.perf_counter() - t0) * 1000
        # a question of two asks searches and scores each part again: its own stage
        stages = {"encode_ms": embed_ms, "search_ms": search_ms, "parts_ms": parts_ms,
                  "evidence_ms": total_ms - embed_ms - search_ms - score_ms - parts_ms}
        if self.settings.answer_scorer:  # a stage only when it runs
            stages["score_ms"] = score_ms
        return Retrieval(question, hits, evidence, total_ms, frozenset(supported),
                         tuple(missing) or decision.missing, stayed, decision, stages, asked.asked, parts,
                         asked.previous_citations)

    def _naming_articles(self, question: str, bodies: dict[str, str]
                         ) -> tuple[list[Entity], dict[str, list[float]], set[str]]:
        """The names of ``question`` the ``bodies`` hold, each article's score for each of them
        (:func:`rag.answerability.entity_score`), and the articles that name what it names."""
        named = names_in(question, bodies.values())
        scores = {s: [answerability.entity_score(e, b, self._name_index(b)) for e in named] for s, b in bodies.items()}
        return named, scores, {s for s, xs in scores.items() if answerability.coverage(xs) > 0}

    def _question_parts(self, question: str, store: Store, exclude: Sequence[str] = ()) -> tuple[QuestionPart, ...]:
        """For a question that joins two asks (:func:`rag.decompose.question_parts`), each part
        searched alone and its evidence chosen from the articles that name its names, as for a
        whole question; () for a question of one ask."""
        texts = question_parts(question)
        if len(texts) < 2:
            return ()
        asks = part_asks(question, texts)
        vectors = self.embedder.embed_variants([v for t, a in zip(texts, asks) for v in (("query", t), ("question", a))])
        parts = []
        for n, (text, ask) in enumerate(zip(texts, asks)):
            # the part's own words find its article; what the whole question asks ranks its sentences
            query_vector, asked_vector = vectors[2 * n], vectors[2 * n + 1]
            hits = self._search(text, query_vector, store, exclude)
            _, _, supported = self._naming_articles(text, store.bodies(h.source for h in hits))
            candidates = [h for h in hits if h.source in supported] or hits
            evidence = self._evidence(store, query_vector, candidates, ask, asked_vector)
            parts.append(QuestionPart(ask, tuple(self._scored(ask, evidence))))
        return tuple(parts)

    def _corpus_latin(self, store: Store) -> float:
        """The share of Latin letters in the collection's titles (:func:`rag.retrieve.latin_share`),
        read again when its chunk count changes."""
        chunks = store.count_chunks()
        known = self._scripts.get(store.name)
        if known is None or known[0] != chunks:
            known = (chunks, retrieve.latin_share([r.title for r in store.articles()]))
            self._scripts[store.name] = known
        return known[1]

    def _search(self, text: str, query_vector: np.ndarray, store: Store, exclude: Sequence[str] = ()) -> list[Hit]:
        """The top chunks for ``text``, none from the articles in ``exclude``."""
        hits = retrieve.search(text, query_vector, store, self.settings, self.settings.top_k * 3 if exclude else None,
                               self._corpus_latin(store))
        return [h for h in hits if h.source not in exclude][: self.settings.top_k] if exclude else hits

    def _evidence(self, store: Store, query_vector: np.ndarray, candidates: Sequence[Hit], asked: str,
                  asked_vector: np.ndarray, k: int | None = None, focus_vector: np.ndarray | None = None
                  ) -> list[Evidence]:
        """The ``k`` best sentences of ``candidates`` for the question ``asked``
        (:func:`rag.evidence.select_evidence` with the settings' weights; leaning to ``focus_vector``,
        the question without its names, where given), each closing quotation attached."""
        assert self._vectors is not None
        s = self.settings
        evidence = select_evidence(query_vector, candidates, self._vectors, k or s.evidence_k, question=asked,
                                   lexical_weight=s.evidence_lexical_weight, lead_weight=s.evidence_lead_weight,
                                   chunk_weight=s.evidence_chunk_weight, focus_vector=focus_vector,
                                   focus_weight=s.evidence_focus_weight,
                                   asked_vector=asked_vector)
        return self._with_quotations(store, evidence)

    def ask_stream(self, question: str | Question, collection: str | None = None, use_llm: bool | None = None,
                   evidence_k: int | None = None, language: str | None = None,
                   glosses: bool | None = None, reader: bool | None = None) -> Iterator[Event]:
        """Status lines, generated tokens, then the checked answer. ``use_llm``: the LLM writes
        the answer (True), the evidence sentences are the answer (False), or ``RAG_ANSWER_MODE``
        decides (None). ``glosses``: an extractive answer to an English question carries English
        glosses of its quotes (None: ``RAG_GLOSSES``). ``reader``: False never asks the LLM reader;
        otherwise, where the answerability model is unsure (its probability under
        ``RAG_READER_BELOW``), the LLM is asked to find the answer in the passages first.
        ``language`` ("en"/"uk") overrides the answer language, which is otherwise the question's."""
        question = as_question(question)
        yield Status(f"searching {collection or self.settings.collection}")
        yield from self.answer_stream(self.retrieve(question, collection, evidence_k), use_llm, language, glosses,
                                      reader)

    def answer_stream(self, found: Retrieval, use_llm: bool | None = None, language: str | None = None,
                      glosses: bool | None = None, reader: bool | None = None) -> Iterator[Event]:
        """``ask_stream`` after the search: gate on the evidence, then answer from it."""
        question = found.question
        lang = language or answering.language(question)
        if use_llm is None:
            use_llm = self.settings.answer_mode == "llm"
        if glosses is None:
            glosses = self.settings.glosses

        spent: dict[str, int] = {}  # the LLM reader's tokens, added to the answer's

        def done(answer: Answer) -> Done:
            tokens = {k: answer.tokens.get(k, 0) + spent.get(k, 0) for k in ("in", "out")} if spent else answer.tokens
            return Done(replace(answer, language=lang, tokens=tokens))

        evidence = found.evidence
        timings: dict[str, float] = {"retrieve_ms": found.retrieve_ms, **found.stages_ms, "generate_ms": 0.0}
        if not evidence:
            yield done(answering.abstain(question, "no passage is close enough to the question", evidence, timings))
            return
        decision = found.decision
        if decision is not None and reader is not False and answerability.needs_reader(decision, self.settings.reader_below):
            reader_llm = self.llm()
            if reader_llm is not None:
                yield Status("the match is uncertain: asking the language model to find the answer in the passages")
                t_read = time.perf_counter()
                timeout = min(self.settings.llm_timeout_s, answerability.READER_TIMEOUT_S)
                def read(messages: list[Message]) -> str:
                    reply = reader_llm.complete(messages, answerability.READER_MAX_TOKENS, timeout)
                    for k, v in reader_llm.usage(messages, reply).items():
                        spent[k] = spent.get(k, 0) + v
                    return reply

                decision = answerability.confirm(found.turn, evidence, decision, read, self.settings.reader_below)
                timings["reader_ms"] = (time.perf_counter() - t_read) * 1000
        if decision is not None and not decision.answerable:
            yield done(answering.abstain(question, decision.reason, evidence, timings))
            return
        sources = len({e.quote.source for e in evidence})
        yield Status(f"found {len(evidence)} passages in {sources} article{'s' if sources != 1 else ''}")
        llm = self.llm() if use_llm else None
        if llm is None:
            notice = "" if not use_llm else f"extractive answer: the language model is {self.llm_status()}"
            answer = answering.extractive(question, evidence, timings, notice, *self._extractive_args(), turn=found.turn,
                                          parts=found.parts, seen=found.seen)
            if glosses and lang == "en" and any(needs_gloss(c.quote) for c in answer.citations) and self.llm():
                yield Token(answer.text)  # the quotes at once; their glosses follow
                answer = yield from self._glossed(answer)
            yield done(answer)
            return
        if self.settings.llm_style == "passage":
            answer = yield from self._passage_claims(llm, found, lang, timings)
            yield done(answer)
            return
        yield Status(f"writing the answer with {llm.name}")
        evidence = answering.prompt_passages(found.turn, evidence, self.settings.llm_passages)
        messages = answering.build_messages(question, evidence, lang)
        t1 = time.perf_counter()
        pieces: list[str] = []
        try:
            for piece in llm.stream(messages, self.settings.llm_max_tokens, self.settings.llm_timeout_s):
                if not pieces:
                    timings["first_token_ms"] = (time.perf_counter() - t1) * 1000
                pieces.append(piece)
                yield Token(piece)
        except LLMError as exc:
            timings["generate_ms"] = (time.perf_counter() - t1) * 1000
            answer = answering.extractive(question, evidence, timings, f"extractive answer: {exc}",
                                          *self._extractive_args(), turn=found.turn, parts=found.parts,
                                          seen=found.seen)
            yield done(replace(answer, tokens=llm.usage(messages, "".join(pieces))))
            return
        timings["generate_ms"] = (time.perf_counter() - t1) * 1000
        evidence_vectors = self.embedder.embed_symmetric([e.quote.text for e in evidence])
        s = self.settings
        answer = answering.compose(question, "".join(pieces), evidence, timings, self.embedder.embed_symmetric,
                                   evidence_vectors, s.support_floor, s.support_margin, s.support_assign,
                                   *self._extractive_args(), s.claim_topic_margin, s.max_claims)
        yield done(replace(answer, tokens=llm.usage(messages, "".join(pieces))))

    def _passage_claims(self, llm: ChatModel, found: Retrieval, lang: str, timings: dict[str, float]) -> Iterator[Event]:
        """The LLM answer of :mod:`rag.passage_claims`: the extractive answer's passages, each
        restated by the model in one checked sentence, each shown as soon as it is checked; one
        deadline for the whole answer. Returns the answer (a generator's value)."""
        k, second = self._extractive_args()
        citations = passage_claims.cited(found.turn, found.evidence, k, second, found.parts, found.seen)
        deadline = time.perf_counter() + self.settings.llm_timeout_s
        t1 = time.perf_counter()
        checked: list[passage_claims.Checked] = []
        used = {"in": 0, "out": 0}
        failure = ""
        for n, citation in enumerate(citations, 1):
            if not failure:
                yield Status(f"writing a sentence for quote {n} of {len(citations)} with {llm.name}")
                messages = passage_claims.messages(found.question, citation.quote, lang)
                try:
                    raw = llm.complete(messages, passage_claims.MAX_TOKENS, max(0.0, deadline - time.perf_counter()))
                except LLMError as exc:  # a slow or broken model costs the rest of the sentences, not the answer
                    failure, raw = str(exc), ""
                for key, value in llm.usage(messages, raw).items():
                    used[key] += value
            checked.append(passage_claims.check(raw, citation.quote, found.question, lang) if not failure
                           else passage_claims.Checked(None))
            if n == 1:  # the reader's first words: the first claim, or its quote
                timings["first_token_ms"] = (time.perf_counter() - t1) * 1000
            yield Token(("" if n == 1 else " ") + passage_claims.render(checked[-1], citation))
        timings["generate_ms"] = (time.perf_counter() - t1) * 1000
        return replace(passage_claims.compose(found.question, citations, checked, timings, failure), tokens=used)

    def _glossed(self, answer: Answer) -> Iterator[Event]:
        """``answer`` with an English gloss under each Ukrainian quote (those the checks pass);
        status lines while the LLM writes them. Returns the answer (a generator's value)."""
        wanted = [c for c in answer.citations if needs_gloss(c.quote)]
        if not wanted or self.llm() is None:
            return answer
        t0 = time.perf_counter()
        glossed = []
        failure = ""
        for c in answer.citations:
            if c in wanted and not failure:
                yield Status(f"translating quote {wanted.index(c) + 1} of {len(wanted)} into English")
                try:
                    c = replace(c, gloss=self._gloss(c.quote, answer.question))
                except LLMError as exc:  # a slow or broken endpoint costs the glosses once, not per quote
                    failure = f"no English glosses: {exc}"
            glossed.append(c)
        timings = dict(answer.timings, gloss_ms=(time.perf_counter() - t0) * 1000)
        notice = "; ".join(n for n in (answer.notice, failure) if n)
        return replace(answer, citations=tuple(glossed), timings=timings, notice=notice,
                       text=answering.quoted_text(glossed))

    def gloss(self, quote: str, question: str = "", target: str = "en") -> str | None:
        """A short machine translation of a quote for a reader of ``target``, or None (no model,
        the quote is already in that language, the model failed or replied with something else).
        Names the quote shares with ``question`` keep the question's spelling."""
        try:
            return self._gloss(quote, question, target)
        except LLMError:
            return None

    def _gloss(self, quote: str, question: str = "", target: str = "en") -> str | None:
        """As ``gloss``; raises LLMError when the model fails (not cached: it may come back)."""
        if not needs_gloss(quote, target):
            return None
        names = name_pairs(quote, question)
        key = quote + "\x00" + repr(sorted(names.items()))
        if key in self._glosses:
            return self._glosses[key]
        llm = self.llm()
        if llm is None:
            return None
        messages = gloss_messages(quote, meanings_in([quote]), names, self.settings.gloss_hints)
        raw = "".join(llm.stream(messages, self.settings.llm_max_tokens, self.settings.llm_timeout_s))
        text = clean_gloss(raw, quote)
        if text is not None and not check_claim(text, [quote]).supported:
            text = None  # a gloss with a number, month, currency or name its quote lacks is not shown
        if len(self._glosses) > 1000:
            self._glosses.clear()
        self._glosses[key] = text
        return text

    def _scored(self, question: str, evidence: list[Evidence]) -> list[Evidence]:
        """The evidence with each sentence's answer score in ``meta["answer_score"]`` (as cited:
        the whole quotation where it closes one), when the scorer is on."""
        scorer = self.scorer()
        if scorer is None or not evidence:
            return evidence
        values = scorer.scores(question, [e.cited.text for e in evidence])
        return [replace(e, meta={**e.meta, "answer_score": v}) for e, v in zip(evidence, values)]

    def _with_quotations(self, store: Store, evidence: list[Evidence]) -> list[Evidence]:
        """Each evidence sentence that closes a quotation, with the whole quotation attached."""
        articles: dict[str, tuple[str, list[Span]]] = {}
        out = []
        for e in evidence:
            q = e.quote
            if not any(mark in q.text for mark in CLOSING_MARKS):
                out.append(e)
                continue
            if q.source not in articles:
                articles[q.source] = store.article_sentences(q.source)
            text, spans = articles[q.source]
            whole = closed_quotation(text, spans, Span(q.start, q.end), self.settings.quotation_max_chars)
            if whole != Span(q.start, q.end):
                e = replace(e, quotation=make_quote(q.source, text, whole.start, whole.end))
            out.append(e)
        return out

    def _name_index(self, body: str) -> TextIndex:
        """The folded word forms of an article body, computed once per body."""
        index = self._name_indexes.get(body)
        if index is None:
            if len(self._name_indexes) > 2000:
                self._name_indexes.clear()
            index = self._name_indexes[body] = TextIndex.of([body])
        return index

    def _extractive_args(self) -> tuple[int, float]:
        return self.settings.extractive_max, self.settings.extractive_second

    def _ready_store(self, collection: str | None) -> Store:
        store = self.store(collection)
        if not store.exists() or store.count_chunks() == 0:
            raise StoreError(f"collection {store.name!r} is empty: add articles with `rag ingest PATH --collection {store.name}`")
        store.check_embedder(self.embedder.id)
        return store
