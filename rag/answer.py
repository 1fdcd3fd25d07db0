"""Turn evidence into an answer: the prompt, the checks on what the LLM wrote, abstention,
and the extractive fallback.

The LLM never types a quote. It sees numbered evidence sentences and writes claims that
point at them with ``[n]``; code keeps only claims whose markers point at evidence that
supports them, and the citations are the evidence spans themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np

from rag import selection
from rag.glossary import meanings_in
from rag.llm.base import Message
from rag.types import Answer, Citation, Evidence, QuestionPart, Span
from rag.verify import check_claim

NO_ANSWER = "NOT IN SOURCES"
_MARKER = re.compile(r"\[(\d{1,3})\]")
_ANY_BRACKET_REF = re.compile(r"\[(?:\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
_CLAIM_SPLIT = re.compile(r"(?<=[.!?…])\s+(?=\S)")
_MARKERS_AFTER_STOP = re.compile(r"([.!?…])\s*((?:\[\d{1,3}\]\s*)+)")
_CYRILLIC = re.compile(r"[А-Яа-яІіЇїЄєҐґ]")
_LATIN = re.compile(r"[A-Za-z]")
_SOURCES_BLOCK = re.compile(r"\n\s*(sources|джерела|references|цитати|quotes)\s*:.*", re.IGNORECASE | re.DOTALL)


def language(text: str) -> str:
    """"uk" when the text is mostly Cyrillic, else "en"."""
    cyr, lat = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    return "uk" if cyr > lat else "en"


_EXAMPLE = {
    "en": ("Passages:\n[1] Міністр провів зустріч з колегою у Берліні.\n[2] Сторони обговорили постачання снарядів "
           "та посилення ППО.\nAbbreviations: ППО = air defence\n\nQuestion: What did the ministers discuss?",
           "They discussed shell supplies and stronger air defence [2]. They met in Berlin [1]."),
    "uk": ("Passages:\n[1] Міністр провів зустріч з колегою у Берліні.\n[2] Сторони обговорили постачання снарядів "
           "та посилення ППО.\n\nQuestion: Що обговорили міністри?",
           "Міністри обговорили постачання снарядів і посилення ППО [2]. Вони зустрілися в Берліні [1]."),
}


def prompt_passages(question: str, evidence: Sequence[Evidence], limit: int) -> list[Evidence]:
    """The evidence sentences the LLM is shown: the ``limit`` the selection model ranks best, in
    the evidence's order (0: all of them), so a fallback reads them as the evidence ranked them."""
    if limit <= 0 or limit >= len(evidence):
        return list(evidence)
    best = {id(e) for e in selection.ranked(question, evidence)[:limit]}
    return [e for e in evidence if id(e) in best]


def build_messages(question: str, evidence: Sequence[Evidence], lang: str) -> list[Message]:
    """A short prompt: time to first token on a CPU grows with every token of the user turn.
    The system turn and the worked example are the same for every question, so llama.cpp's
    prompt cache computes them once."""
    target = "Ukrainian" if lang == "uk" else "English"
    system = (
        "You answer questions about news articles using only the numbered passages. "
        f"Write one to three short sentences in {target}. End each sentence with the number of the "
        "passage that supports it, like [1] or [2][3]. Restate facts in your own words; never copy a passage. "
        f"If the passages do not answer the question, reply only: {NO_ANSWER}"
    )
    example_q, example_a = _EXAMPLE["uk" if lang == "uk" else "en"]
    lines = [f"[{i}] {e.quote.text}" for i, e in enumerate(evidence, 1)]
    terms = meanings_in([e.quote.text for e in evidence]) if lang == "en" else {}
    note = ("\nAbbreviations: " + "; ".join(f"{k} = {v}" for k, v in terms.items())) if terms else ""
    user = "Passages:\n" + "\n".join(lines) + note + f"\n\nQuestion: {question}"
    return [Message("system", system), Message("user", example_q), Message("assistant", example_a),
            Message("user", user)]


@dataclass(frozen=True)
class Claim:
    text: str  # without markers
    markers: tuple[int, ...]  # 1-based evidence numbers, valid ones only


def said_no_answer(raw: str) -> bool:
    return NO_ANSWER.lower() in raw.lower()[: len(NO_ANSWER) + 20]


def parse_claims(raw: str, n_evidence: int) -> list[Claim]:
    """Sentences of the LLM's answer with their valid markers.

    Markers outside ``1..n_evidence`` are dropped, and a sentence whose markers all pointed
    nowhere is dropped; a sentence that carried no marker is kept with none, for
    ``check_support`` to back with a passage or drop. "Sources:" blocks the model adds are cut.

    >>> parse_claims("They met in Kyiv [1]. Also [7] nonsense. Air defence [2][3]. Fortifications. [2] Plain.", 2)
    [Claim(text='They met in Kyiv.', markers=(1,)), Claim(text='Air defence.', markers=(2,)), Claim(text='Fortifications.', markers=(2,)), Claim(text='Plain.', markers=())]
    """
    raw = _SOURCES_BLOCK.sub("", raw.strip())
    raw = _ANY_BRACKET_REF.sub(lambda m: "".join(f"[{n.strip()}]" for n in re.split(r"[,;]", m.group(0)[1:-1])), raw)
    raw = _MARKERS_AFTER_STOP.sub(lambda m: m.group(2).replace(" ", "") + m.group(1) + " ", raw).strip()
    claims = []
    for piece in _CLAIM_SPLIT.split(raw):
        markers_in = [int(m) for m in _MARKER.findall(piece)]
        text = _MARKER.sub("", piece)
        text = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split())).strip()
        markers = tuple(dict.fromkeys(m for m in markers_in if 1 <= m <= n_evidence))
        if not text.strip(" .") or (markers_in and not markers):
            continue  # empty, or every marker pointed at nothing
        if not text.endswith((".", "!", "?", "…")):
            text += "."
        if any(c.text.lower() == text.lower() for c in claims):
            continue  # small models repeat themselves
        claims.append(Claim(text=text, markers=markers))
    return claims


def check_support(claims: Sequence[Claim], claim_vectors: np.ndarray, evidence_vectors: np.ndarray,
                  floor: float, margin: float, assign: float) -> list[Claim]:
    """Keep each claim's markers that point at evidence restating the claim.

    A marker survives when its passage is within ``margin`` of the claim's best-matching
    passage and above ``floor``. A claim left with no marker (the model cited the wrong
    passage, or none) is pointed at its best match only when that clears ``assign``;
    otherwise it is dropped. Small models misattribute and cite once per paragraph; this
    catches both without ever presenting an unbacked sentence as sourced.
    """
    kept = []
    for claim, vector in zip(claims, claim_vectors):
        sims = evidence_vectors @ vector
        best = int(np.argmax(sims))
        good = tuple(m for m in claim.markers if sims[m - 1] >= max(floor, sims[best] - margin))
        if not good and sims[best] >= assign:
            good = (best + 1,)
        if good:
            kept.append(Claim(claim.text, good))
    return kept


def keep_on_topic(claims: Sequence[Claim], evidence: Sequence[Evidence], margin: float, limit: int) -> list[Claim]:
    """The claims that answer the question, at most ``limit`` of them, in order.

    A claim's relevance is the question similarity of the best passage it cites; a claim
    more than ``margin`` below the most relevant one is padding (small models add who met
    where, and thanks, to any answer), true or not.

    >>> from rag.types import make_quote
    >>> ev = [Evidence(make_quote("a", "x" * 9, i, i + 1), "t", score) for i, score in enumerate([0.7, 0.65, 0.5])]
    >>> [c.text for c in keep_on_topic([Claim("A.", (1,)), Claim("B.", (3,)), Claim("C.", (3, 2))], ev, 0.1, 3)]
    ['A.', 'C.']
    """
    relevance = [max(evidence[m - 1].score for m in c.markers) for c in claims]
    if not relevance:
        return []
    best = max(relevance)
    return [c for c, r in zip(claims, relevance) if r >= best - margin][:limit]


def renumber(claims: Sequence[Claim], evidence: Sequence[Evidence]) -> tuple[str, list[Citation]]:
    """Answer text with markers renumbered 1..m in order of first use, and its citations: each the
    whole quotation its sentence closes, the text :func:`verify_claims` checked the claim against."""
    order: dict[int, int] = {}
    citations: list[Citation] = []
    parts = []
    for claim in claims:
        for m in claim.markers:
            if m in order:
                continue
            c = citation(len(citations) + 1, evidence[m - 1])
            same = _overlapping(c, citations)
            if same is not None:  # two sentences of one quotation: one citation of it
                order[m] = same.n
            else:
                order[m] = c.n
                citations.append(c)
        marks = "".join(f"[{n}]" for n in dict.fromkeys(order[m] for m in claim.markers))
        parts.append(f"{claim.text[:-1]} {marks}{claim.text[-1]}" if claim.text[-1] in ".!?…" else f"{claim.text} {marks}")
    return " ".join(parts), citations


def _overlapping(c: Citation, citations: Sequence[Citation]) -> Citation | None:
    """The first of ``citations`` whose span overlaps ``c``'s in the same article, if any."""
    return next((o for o in citations if o.source == c.source and Span(o.start, o.end).overlaps(Span(c.start, c.end))),
                None)


def citation(n: int, e: Evidence) -> Citation:
    """The evidence sentence as citation ``n`` as an extractive answer cites it: the quotation it
    closes, if any, else the sentence."""
    return _citation(n, e, whole=True)


def _citation(n: int, e: Evidence, whole: bool = False) -> Citation:
    """The evidence sentence as citation ``n``; with ``whole``, the quotation it closes if any."""
    quote = e.cited if whole else e.quote
    return Citation(n=n, source=quote.source, title=e.title, quote=quote.text, start=quote.start, end=quote.end,
                    score=e.score)


def extractive(question: str, evidence: Sequence[Evidence], timings: dict[str, float], notice: str = "",
               k: int = 3, second: float | None = None, turn: str = "",
               parts: Sequence[QuestionPart] = (), seen: Sequence[Citation] = ()) -> Answer:
    """The evidence sentences :func:`rag.selection.choose` picks, each cited (the tail of a
    quotation with the whole quotation): the answer without an LLM. A sentence after the first
    needs ``second`` times the first's probability of holding the answer (None or below 0: the
    selection model's own share). The sentences are chosen for ``turn`` (a follow-up's own words)
    where given, else for ``question``; a question of several ``parts`` cites each part's best
    sentence first (:func:`rag.selection.choose_for_parts`); a follow-up does not quote again what
    the previous answer quoted (``seen``) unless it holds something new of the kind asked."""
    # choose leaves out a sentence whose citation overlaps a chosen one
    chosen = selection.choose_for_parts(turn or question, evidence, parts, k, second=second, seen=seen)
    citations = [citation(n, e) for n, e in enumerate(chosen, 1)]
    return Answer(question=question, text=quoted_text(citations), abstained=False, citations=tuple(citations),
                  timings=timings, mode="extractive", notice=notice)


def quoted_text(citations: Sequence[Citation]) -> str:
    """An extractive answer's text: each quote with its marker, and its English gloss where it has
    one, marked as a machine translation (a gloss is a reading aid, never a quote).

    >>> c = Citation(1, "a.txt", "", "Вони зустрілися [1].", 0, 20, 1.0, gloss="They met.")
    >>> quoted_text([c])
    '«Вони зустрілися [1].» [1] (machine translation: “They met.”)'
    """
    return " ".join(f"«{c.quote}» [{c.n}]" + (f" (machine translation: “{c.gloss}”)" if c.gloss else "")
                    for c in citations)


def abstain(question: str, reason: str, related: Sequence[Evidence], timings: dict[str, float]) -> Answer:
    lang = language(question)
    if lang == "uk":
        text = "У статтях немає відповіді на це питання" + (f" ({reason})." if reason else ".")
    else:
        text = "The articles don't say" + (f": {reason}." if reason else ".")
    return Answer(question=question, text=text, abstained=True, citations=(), timings=timings, mode="abstain",
                  notice=reason, related=tuple(_citation(i, e) for i, e in enumerate(related[:3], 1)))


def compose(question: str, raw: str, evidence: Sequence[Evidence], timings: dict[str, float],
            embed_claims: Callable[[Sequence[str]], np.ndarray], evidence_vectors: np.ndarray,
            floor: float = 0.55, margin: float = 0.05, assign: float = 0.6, extractive_k: int = 3,
            extractive_second: float | None = None, topic_margin: float = 1.0, max_claims: int = 99) -> Answer:
    """The final answer from the LLM's raw text: abstain if it says so, keep supported
    claims that answer the question, and fall back to the extractive answer if none survive."""
    if said_no_answer(raw):
        return abstain(question, "the language model found no answer in the closest passages", evidence, timings)
    claims = parse_claims(raw, len(evidence))
    if language(question) == "en":
        # an untranslated Ukrainian fragment in an English answer is a failed translation
        claims = [c for c in claims if not _CYRILLIC.search(c.text)]
    removed: list[str] = []
    if claims:
        claims = check_support(claims, embed_claims([c.text for c in claims]), evidence_vectors, floor, margin, assign)
        claims, removed = verify_claims(claims, evidence, question)
        claims = keep_on_topic(claims, evidence, topic_margin, max_claims)
    if not claims:
        why = "its claims did not match their quotes" if removed else "it had no claim backed by a passage"
        answer = extractive(question, evidence, timings, notice=f"the language model's answer was not shown ({why}); "
                            "showing the passages", k=extractive_k, second=extractive_second)
        return replace(answer, removed=tuple(removed))
    text, citations = renumber(claims, evidence)
    notice = f"{len(removed)} generated sentence(s) removed: they said what their quotes do not" if removed else ""
    return Answer(question=question, text=text, abstained=False, citations=tuple(citations), timings=timings, mode="llm",
                  notice=notice, removed=tuple(removed))


def verify_claims(claims: Sequence[Claim], evidence: Sequence[Evidence], question: str = "") -> tuple[list[Claim], list[str]]:
    """The claims :func:`rag.verify.check_claim` passes against the passages they cite, and a
    line for each claim removed ("claim (number 70; month 7)")."""
    kept, removed = [], []
    for claim in claims:
        quotes = [evidence[m - 1].cited.text for m in claim.markers]
        verdict = check_claim(claim.text, quotes, question)
        if verdict.supported:
            kept.append(claim)
        else:
            removed.append(f"{claim.text} ({'; '.join(verdict.problems)})")
    return kept, removed
