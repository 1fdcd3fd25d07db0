"""Follow-up questions in a chat: make an elliptic question standalone from the history.

A rewrite by the small local LLM can drop the question's subject; this keeps every word
the user typed and adds the previous question as context, so nothing is ever lost.
"""

from __future__ import annotations

import re
from typing import Sequence

from rag.coverage import question_entities
from rag.types import Question

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
_MAX_FOLLOW_UP_WORDS = 8


def is_follow_up(question: str) -> bool:
    """Short questions that start like a continuation, or lean on a pronoun and name nobody.

    >>> is_follow_up("And what about air defence?"), is_follow_up("What did Austin and Umerov discuss?")
    (True, False)
    >>> is_follow_up("When did he say that?"), is_follow_up("Who from NATO did Umerov meet in Kyiv?")
    (True, False)
    """
    words = question.split()
    if not words or len(words) > _MAX_FOLLOW_UP_WORDS:
        return False
    if _FOLLOW_UP.match(question.strip()):
        return True
    return bool(_PRONOUN.search(question)) and not question_entities(question)


def contextualise(previous: Sequence[str], question: str, previous_sources: Sequence[str] = ()) -> Question:
    """The question itself, or, for a follow-up, the previous question followed by it as the
    searched text, with the typed turn kept as what is asked and the articles the previous
    answer cited (``previous_sources``) kept as where the conversation is.

    >>> contextualise(["What did Austin and Umerov discuss?"], "And what about air defence?")
    Question(text='What did Austin and Umerov discuss? And what about air defence?', asked='And what about air defence?', previous_sources=())
    >>> contextualise(["What did Austin and Umerov discuss?"], "Who is Scott Bray?").is_follow_up
    False
    """
    question = question.strip()
    if previous and is_follow_up(question):
        return Question(f"{previous[-1].strip()} {question}", question, tuple(dict.fromkeys(previous_sources)))
    return Question.plain(question)
