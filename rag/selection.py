"""Which evidence sentences an extractive answer cites.

Evidence ranking (:func:`rag.evidence.select_evidence`) orders sentences for the search and
the answerability decision; the cited sentence is chosen again among them by a small logistic
model over each sentence's signals: its rank score and gap to the best, whether it holds an
item of the asked type (an amount for "how much", a date for "when"), the question's rare
words and names in it, and its place in the ranking. ``scripts/train_selection.py`` fits it
on the archive eval's dev questions and the squad-uk-mini questions the squad eval never
asks. With the answer scorer on (``RAG_ANSWER_SCORER``, the default; see rag/settings.py), each
sentence's share of the cross-encoder's softmax over the question's evidence
(:mod:`rag.answer_scorer`) is one more signal (``rag/data/selection.json``: that model's log-odds
blended half and half with the plain model's, which keeps the seeds' citations); without it the
model trained without that signal decides (``rag/data/selection-plain.json``). A sentence after the first is cited only when the
model gives it at least ``second`` (the file's threshold) times the first's probability, a near
tie: a second quote costs citation precision whenever it does not answer. One exception: a
question that asks what someone said, none of whose citations is speech, also cites the best
sentence that is (:func:`with_speech`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from rag.answer_scorer import shares
from rag.answerability import asked_type, coverage, entity_score, type_satisfied
from rag.coverage import question_entities
from rag.evidence import term_overlap
from rag.logistic import Model, packaged
from rag.names import TextIndex
from rag.types import Citation, Evidence, QuestionPart, Span

PLAIN_FEATURES = ("rank", "rank_gap", "type_ok", "type_needed", "lexical", "names", "position")
FEATURES = PLAIN_FEATURES + ("answer_share",)  # with the answer scorer's scores (Evidence.meta["answer_score"])


def sentence_signals(question: str, evidence: Sequence[Evidence]) -> list[dict[str, float]]:
    """The model's inputs for each evidence sentence, in the evidence's order.

    >>> from rag.types import make_quote
    >>> text = "Уряд виділив 5 млн грн на ремонт. Міністр приїхав до Львова."
    >>> ev = [Evidence(make_quote("a.txt", text, 34, 60), "T", 0.7, meta={"rank_score": 0.8}),
    ...       Evidence(make_quote("a.txt", text, 0, 33), "T", 0.6, meta={"rank_score": 0.7})]
    >>> rows = sentence_signals("How much did the government allocate for repairs?", ev)
    >>> [(r["type_ok"], round(r["rank_gap"], 2), r["position"]) for r in rows]
    [(0.0, 0.0, 0.0), (1.0, -0.1, 1.0)]
    """
    if not evidence:
        return []
    texts = [e.cited.text for e in evidence]
    lexical = term_overlap(question, texts)
    kind = asked_type(question)
    entities = question_entities(question)
    rank = [float(e.meta.get("rank_score", e.score)) for e in evidence]
    best = max(rank)
    scored = is_scored(evidence)
    share = shares([float(e.meta["answer_score"]) for e in evidence]) if scored else []
    rows = []
    for i, (text, r) in enumerate(zip(texts, rank)):
        # how much of the question's names the sentence writes (None: a name that says nothing either way)
        index = TextIndex.of([text]) if entities else None
        names = coverage([entity_score(x, text, index) for x in entities]) if index is not None else 1.0
        rows.append({"rank": r, "rank_gap": r - best, "type_ok": float(bool(kind) and type_satisfied(kind, text, question)),
                     "type_needed": float(bool(kind)), "lexical": float(lexical[i]), "names": names,
                     "position": float(i)})
        if scored:
            rows[-1]["answer_share"] = share[i]
    return rows


@lru_cache(maxsize=2)
def default_model(scored: bool = True) -> Model:
    """The committed model: ``rag/data/selection.json`` for evidence the answer scorer has
    scored, ``selection-plain.json`` otherwise."""
    return packaged("selection.json" if scored else "selection-plain.json")


def is_scored(evidence: Sequence[Evidence]) -> bool:
    """Has the answer scorer scored every sentence of ``evidence`` (and is there any)?"""
    return bool(evidence) and all("answer_score" in e.meta for e in evidence)


def _model_for(evidence: Sequence[Evidence]) -> Model:
    return default_model(is_scored(evidence))


def ranked(question: str, evidence: Sequence[Evidence], model: Model | None = None) -> list[Evidence]:
    """``evidence`` ordered by the model's probability that the sentence answers, best first
    (ties keep the evidence order)."""
    probs, order = _ranking(question, evidence, model or _model_for(evidence))
    return [evidence[i] for i in order]


def _ranking(question: str, evidence: Sequence[Evidence], model: Model) -> tuple[list[float], list[int]]:
    """Each sentence's probability of answering, and the indices best first (ties in evidence order)."""
    probs = [model.probability(v) for v in sentence_signals(question, evidence)]
    return probs, sorted(range(len(evidence)), key=lambda i: -probs[i])


def choose(question: str, evidence: Sequence[Evidence], k: int = 3, model: Model | None = None,
           second: float | None = None) -> list[Evidence]:
    """The sentences to cite, best first: the most probable answer, then up to ``k - 1`` more
    whose probability is at least ``second`` (None or below 0: the model's threshold) times the
    first's, none overlapping a chosen one (two sentences of one quotation are one citation)."""
    if not evidence or k < 1:
        return []
    model = model or _model_for(evidence)
    cut = model.threshold if second is None or second < 0 else second
    probs, order = _ranking(question, evidence, model)
    chosen: list[Evidence] = []
    for n, i in enumerate(order):
        if len(chosen) >= k or (n and probs[i] < cut * probs[order[0]]):
            break
        if not any(_overlap(evidence[i], c) for c in chosen):
            chosen.append(evidence[i])
    return with_speech(question, chosen, [evidence[i] for i in order], k)


# verbs of saying, as a Ukrainian sentence or question writes them: past stems (with -в, -ла, -ли,
# -ло) and present forms; the question and the sentence each add their own
_SAYING_PAST = "сказа|заяви|зазначи|наголоси|поясни|розпові|пообіця|попереди|відпові|прокоментува|написа|заклика"
_SAYING_NOW = "каже|кажуть|заявляє|заявляють|зазначає|наголошує|пояснює|розповідає"
# a question that asks what someone said or how they put it ("What did X say about ...?", "Як X
# описала ...?"): its answer is speech. Not "who said" (a person) nor "when did X say" (a date):
# only a question that asks for no kind of item (rag.answerability.asked_type). An English verb must
# follow an auxiliary ("How did X describe", not "How is the tax described"); a Ukrainian one must be
# a finite form ("описала", not "описаний"; "розповідає", not "розповідається")
_SPEECH_ASK = re.compile(
    r"^\s*(?:[^?]*?,\s*)?(?:\S+\s+){0,2}?(?:what|how|що|як|чим|про що)\b.*?(?:"
    r"\b(?:did|does|do|has|have|had|will|would)\b.*?\b(?:say|tell|describe|claim|argue|warn|promise|admit|explain|"
    r"write|respond|reply|answer|comment|call (?:on|for)|put it)\b|"
    r"(?<!\w)(?:(?:" + _SAYING_PAST + r"|описа|обіця|стверджува)(?:в|ла|ли|ло)|" + _SAYING_NOW +
    r"|описує|стверджує|стверджують|обіцяє|відповідає|коментує|пише)(?!\w))", re.IGNORECASE)
_APOSTROPHE_OR_WORD = r"\w'’ʼ"
# direct speech (a sentence that opens a quotation it does not close, or a quotation of five words or
# more that holds a punctuation mark or is followed by a comma or dash: a title is mostly shorter and
# bare), a reporting verb or phrase, or the first or second person (in a news report, someone
# speaking: an interview's answers carry no marks)
_SPEECH = re.compile(
    r"^\W*[«„“\"][^»“”\"]*$|"
    r"(?<!\w)[«„“\"](?=[^«»„“”\"]*[,.!?;:…—–][^«»„“”\"]*[»“”\"]|[^«»„“”\"]*[»“”\"]\s*[,—–-])"
    r"(?:[^«»„“”\"\w]*\w+\b){5}[^«»„“”\"]*[»“”\"]|"
    r"(?<![" + _APOSTROPHE_OR_WORD + r"])(?:"
    r"(?:" + _SAYING_PAST + r"|повідоми|підкресли|дода|вислови|запевни|зауважи)(?:в|ла|ли|ло)|" + _SAYING_NOW +
    r"|повідомляє|підкреслює|додає|вважає|вважають|переконаний|переконана|"
    r"переконані|за словами|на думку|said|says|told|stated|noted|stressed|urged|called on|warned|promised|"
    # the first or second person ("US" is a country and "I" a numeral in "I квартал", "Петро I": case kept)
    r"я|мене|мені|мною|ми|нас|нам|нами|мій|моя|моє|мої|мого|моєї|моєму|моїй|моїм|моїми|моїх|мою|"
    r"наш|наша|наше|наші|нашого|нашої|нашому|нашій|нашим|нашими|наших|нашу|ви|вас|вам|вами|"
    r"ваш|ваша|ваше|ваші|вашого|вашої|вашому|вашій|вашим|вашими|ваших|вашу|"
    r"(?-i:I(?=\s+[a-z])|[Ww]e|us|[Oo]ur|[Mm]y|[Yy]ou|[Yy]our))(?![" + _APOSTROPHE_OR_WORD + r"])",
    re.IGNORECASE)


def asks_speech(question: str) -> bool:
    """Does ``question`` ask what someone said, or how they put it?

    >>> [asks_speech(q) for q in ("What did the minister say about the war?", "Як Олеся описала Майдан?",
    ...                           "In the interview, what did she say?", "Що відповів міністр?")]
    [True, True, True, True]
    >>> [asks_speech(q) for q in ("Who said the war would end?", "When did he say it?", "How much did it cost?",
    ...                           "How is the tax described in the law?", "Як назвали нову вулицю?",
    ...                           "Що розповідається у статті?", "Що передбачає закон, описаний у статті?")]
    [False, False, False, False, False, False, False]
    """
    return not asked_type(question) and bool(_SPEECH_ASK.search(question))


def is_speech(text: str) -> bool:
    """Is ``text`` direct speech or reported speech?

    >>> [is_speech(t) for t in ("«Майдан дав нам ті зернятка», — пояснила вона.", "Він вважає, що це помилка.",
    ...                         "Сьогодні прапор є визначальним для нас.", "Я маю на увазі гріх.",
    ...                         '"Зброя має зайняти нішу.',
    ...                         "Прем'єр закликав Штати до підтримки Києва.", "Моїм завданням бачу вступ.",
    ...                         "«Укрзалізниця» оголосила тендер.",
    ...                         "23 жовтня в Сімферополі виступив письменник з виставою «Прощання з папером».",
    ...                         "Міністерство охорони здоров'я виділило кошти.", "Вашингтон підтримав.",
    ...                         "У I кварталі зросло.", 'Компанія "Укрнафта" оголосила конкурс на будівництво заводу "Нафта".',
    ...                         "«Про внесення змін до Податкового кодексу України щодо спрощення»",
    ...                         "Вважається, що так.")]
    [True, True, True, True, True, True, True, False, False, False, False, False, False, False, False]
    """
    return bool(_SPEECH.search(text))


def with_speech(question: str, chosen: list[Evidence], ranked_evidence: Sequence[Evidence], k: int) -> list[Evidence]:
    """``chosen``, and where ``question`` asks what someone said (:func:`asks_speech`) but no
    citation is speech, the best-ranked sentence that is (:func:`is_speech`) beside them."""
    if not chosen or len(chosen) >= k or not asks_speech(question) or any(is_speech(c.cited.text) for c in chosen):
        return chosen
    for e in ranked_evidence:
        if is_speech(e.cited.text) and not any(_overlap(e, c) for c in chosen):
            return [*chosen, e]
    return chosen


def unseen(question: str, evidence: Sequence[Evidence], seen: Sequence[Citation]) -> list[Evidence]:
    """The evidence a follow-up may cite: none of what the previous answer quoted (``seen``), which
    the reader has just read, unless the sentence holds an item of the asked kind that neither
    the question nor those quotes give ("And for how much?" after a quote that also states the
    sum); all of it when nothing else is left.

    >>> from rag.types import Citation, make_quote
    >>> text = "Фірма купила труби по 1200 грн за метр. Раніше вона купила їх по 496 грн."
    >>> first, second = (Evidence(make_quote("a.txt", text, a, b), "T", 0.7) for a, b in ((0, 39), (40, len(text))))
    >>> before = Citation(1, "a.txt", "T", first.quote.text, 0, 39, 0.7)
    >>> [e.quote.text for e in unseen("And what had it paid before?", [first, second], [before])]
    ['Раніше вона купила їх по 496 грн.']
    >>> [e.quote.text for e in unseen("And how much?", [first], [before])]
    ['Фірма купила труби по 1200 грн за метр.']
    """
    if not seen:
        return list(evidence)
    kind = asked_type(question)
    given = " ".join([question, *(c.quote for c in seen)])

    def quoted_before(e: Evidence) -> bool:
        q = e.cited
        return any(c.source == q.source and Span(c.start, c.end).overlaps(Span(q.start, q.end)) for c in seen)

    kept = [e for e in evidence if not quoted_before(e) or (kind and type_satisfied(kind, e.cited.text, given))]
    return kept or list(evidence)


def choose_for_parts(question: str, evidence: Sequence[Evidence], parts: Sequence[QuestionPart], k: int = 3,
                     second: float | None = None, seen: Sequence[Citation] = ()) -> list[Evidence]:
    """:func:`choose` for a question of several parts (:mod:`rag.decompose`): the whole
    question's best sentence, then each part's best (among the evidence found for it) where it
    is from an article not cited yet, then the whole question's other choices while fewer than
    ``k`` are cited. A part its article already answers adds nothing: "the contract between
    A and B" is one sentence of one article. Without parts, :func:`choose`. A follow-up cites
    only what the previous answer did not (:func:`unseen`)."""
    evidence = unseen(question, evidence, seen)
    whole = choose(question, evidence, k, second=second)
    if not parts or not whole:
        return whole
    chosen = whole[:1]
    for part in parts:
        for e in choose(part.text, part.evidence, 1):
            if len(chosen) < k and e.quote.source not in {c.quote.source for c in chosen}:
                chosen.append(e)
    for e in whole[1:]:
        if len(chosen) < k and not any(_overlap(e, c) for c in chosen):
            chosen.append(e)
    return chosen


def _overlap(a: Evidence, b: Evidence) -> bool:
    """Do the citations of ``a`` and ``b`` share text?"""
    qa, qb = a.cited, b.cited
    return qa.source == qb.source and Span(qa.start, qa.end).overlaps(Span(qb.start, qb.end))
