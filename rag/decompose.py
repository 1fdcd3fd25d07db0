"""A question that joins two asks about different named things, split into its parts.

"How much did A pay B, and how much did C commit to D?" asks about two articles at once: one
search for the whole finds one of them, and the evidence and the citation follow it. Each part
is searched and answered as well (:meth:`rag.service.RagService.retrieve`,
:func:`rag.selection.choose_for_parts`). The split is at a coordinating word ("and", "or",
"і", "та", ...) or a semicolon where each side has a name the other lacks and at least
``MIN_PART_WORDS`` words: "Austin and Umerov" is one ask about one meeting, not two.

Written here because llama-index's sub-question decomposition asks an LLM, and the local one
(1.5B) cannot be trusted to keep the question's names.
"""

from __future__ import annotations

import re

from rag.coverage import question_entities, without_entities

MIN_PART_WORDS = 4
ASK_WORDS = 3
_JOIN = re.compile(r"(?:[,;]\s*|\s)(?:and|or|but|і|й|та|а|чи|або)\b,?\s+|;\s+", re.IGNORECASE)
_WORD = re.compile(r"[\w'’-]+")


def _names(text: str) -> set[str]:
    """The names a piece of the question holds (its opening word only where it is no plain word)."""
    return {e.text.lower() for e in question_entities(text) if not e.initial}


def word_count(text: str) -> int:
    """The words of ``text`` (an apostrophe or hyphen inside a word keeps it one).

    >>> word_count("Where and when did it happen?"), word_count("Прем’єр-міністр прибув")
    (6, 2)
    """
    return len(_WORD.findall(text))


def question_parts(question: str, min_words: int = MIN_PART_WORDS) -> list[str]:
    """The question's parts, or ``[question]`` when it asks one thing.

    >>> question_parts("How much did Naftogaz pay Ukrtransgaz in May, and how much did the Kyiv council pay Kyivenergo?")
    ['How much did Naftogaz pay Ukrtransgaz in May', 'how much did the Kyiv council pay Kyivenergo?']
    >>> question_parts("What did Austin and Umerov discuss?")
    ['What did Austin and Umerov discuss?']
    >>> question_parts("Хто очолює компанію «Укрзалізниця» і хто заснував ТОВ «Альфа»?")
    ['Хто очолює компанію «Укрзалізниця»', 'хто заснував ТОВ «Альфа»?']
    >>> question_parts("How much did the city spend on roads and schools in Lviv?")
    ['How much did the city spend on roads and schools in Lviv?']
    """
    parts: list[str] = []
    start = 0
    for join in _JOIN.finditer(question):
        left, right = question[start : join.start()], question[join.end() :]
        if word_count(left) < min_words or word_count(right) < min_words:
            continue
        own_left, own_right = _names(left), _names(right)
        if own_left - own_right and own_right - own_left:
            parts.append(left.strip())
            start = join.end()
    if not parts:
        return [question]
    return parts + [question[start:].strip()]


def part_asks(question: str, parts: list[str]) -> list[str]:
    """What each part asks: the whole question without the names only the other parts hold,
    except in its opening ``ASK_WORDS`` words (the ask itself: "Which MPs ..."). A part alone
    often lacks the ask ("..., and Kryvyi Rih's voucher contract?" under "Which MPs are linked
    to ..."); the whole question holds it, and without the other part's names it points at
    this part's article.

    >>> q = "Which MPs are linked to the firm of Ivan Petrenko and the firm of Oleh Bondar?"
    >>> part_asks(q, question_parts(q))
    ['Which MPs are linked to the firm of Ivan Petrenko and the firm of ?', 'Which MPs are linked to the firm of and the firm of Oleh Bondar?']
    """
    head = " ".join(_WORD.findall(question)[:ASK_WORDS])
    names = [{e.text: e for e in question_entities(p) if not e.initial and e.text not in head} for p in parts]
    asks = []
    for n, own in enumerate(names):
        others = [e for m, theirs in enumerate(names) if m != n for t, e in theirs.items() if t not in own]
        asks.append(without_entities(question, others))
    return asks
