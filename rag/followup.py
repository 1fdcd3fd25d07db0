"""Follow-up questions in a chat: make an elliptic question standalone from the history.

A rewrite by the small local LLM can drop the question's subject; this keeps every word
the user typed and adds the previous question as context, so nothing is ever lost.
"""

from __future__ import annotations

import re
from typing import Sequence

from rag.coverage import question_entities
from rag.types import Citation, Question

_FOLLOW_UP = re.compile(
    r"^(and|but|also|so|then|what about|how about|what else|"
    r"а|і|й|та|але|ще|також|то|а що|а як|що ще|як щодо)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"\b(he|she|they|it|him|her|them|his|their|this|that|these|those|there|"
    r"він|вона|воно|вони|його|її|їх|йому|їй|їм|цей|ця|це|ці|той|та|ті|там|тоді|про це)\b",
    re.IGNORECASE,
)
# a person or group spoken of before: in a longer question only these make it a follow-up ("this
# year", "that contract" stand in standalone questions too)
_PERSONAL = re.compile(r"\b(he|she|they|him|her|them|his|their|він|вона|вони|його|її|їх|йому|їй|їм|ним|нею|ними)\b",
                       re.IGNORECASE)
_MAX_FOLLOW_UP_WORDS = 8
_MAX_PERSONAL_WORDS = 20


def is_follow_up(question: str) -> bool:
    """A question that opens like a continuation ("And ...", "А ...", at any length), or leans on
    a pronoun and names nobody (a year or a number is no name): any pronoun in a short question, a personal one ("he", "їх") in
    one of up to twenty words. Until the twenty-second session every follow-up had at most eight
    words, and "And at which university does he teach as an associate professor?" was asked alone.

    >>> is_follow_up("And what about air defence?"), is_follow_up("What did Austin and Umerov discuss?")
    (True, False)
    >>> is_follow_up("When did he say that?"), is_follow_up("Who from NATO did Umerov meet in Kyiv?")
    (True, False)
    >>> is_follow_up("And at which university does he teach as an associate professor?")
    True
    >>> is_follow_up("How much income from business activity did he declare for 2019?")
    True
    >>> is_follow_up("What was the total value of the contracts the city signed this year for roads?")
    False
    """
    words = question.split()
    if not words:
        return False
    if _FOLLOW_UP.match(question.strip()):
        return True
    if any(e.kind != "code" for e in question_entities(question)):  # it names someone; a year names nobody
        return False
    if len(words) <= _MAX_FOLLOW_UP_WORDS:
        return bool(_PRONOUN.search(question))
    return len(words) <= _MAX_PERSONAL_WORDS and bool(_PERSONAL.search(question))


def contextualise(previous: Sequence[str], question: str, previous_sources: Sequence[str] = (),
                  previous_citations: Sequence[Citation] = ()) -> Question:
    """The question itself, or, for a follow-up, the previous question followed by it as the
    searched text, with the typed turn kept as what is asked and the articles the previous
    answer cited (``previous_sources``) kept as where the conversation is, and what it quoted
    (``previous_citations``).

    >>> contextualise(["What did Austin and Umerov discuss?"], "And what about air defence?")
    Question(text='What did Austin and Umerov discuss? And what about air defence?', asked='And what about air defence?', previous_sources=(), previous_citations=())
    >>> contextualise(["What did Austin and Umerov discuss?"], "Who is Scott Bray?").is_follow_up
    False
    """
    question = question.strip()
    if previous and is_follow_up(question):
        return Question(f"{previous[-1].strip()} {question}", question, tuple(dict.fromkeys(previous_sources)),
                        tuple(previous_citations))
    return Question.plain(question)
