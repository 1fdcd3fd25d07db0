"""Follow-up questions in a chat: make an elliptic question standalone from the history.

A rewrite by the small local LLM can drop the question's subject; this keeps every word
the user typed and adds the previous question as context, so nothing is ever lost.
"""

from __future__ import annotations

import re
from typing import Sequence

_FOLLOW_UP = re.compile(
    r"^(and|but|also|what about|how about|what else|and what|why|when|where|who|"
    r"а|і|й|та|ще|а що|а як|а коли|а де|а хто|що ще|чому|коли|де|хто)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"\b(he|she|they|it|him|her|them|his|their|this|that|these|those|there|"
    r"він|вона|воно|вони|його|її|їх|йому|їй|їм|цей|ця|це|ці|той|та|ті|там|тоді|про це)\b",
    re.IGNORECASE,
)
_MAX_FOLLOW_UP_WORDS = 8


def is_follow_up(question: str) -> bool:
    """Short questions that start like a continuation or lean on a pronoun.

    >>> is_follow_up("And what about air defence?"), is_follow_up("What did Austin and Umerov discuss?")
    (True, False)
    """
    words = question.split()
    if not words or len(words) > _MAX_FOLLOW_UP_WORDS:
        return False
    return bool(_FOLLOW_UP.match(question.strip()) or _PRONOUN.search(question))


def standalone_question(previous: Sequence[str], question: str) -> str:
    """The question itself, or, for a follow-up, the previous question followed by it.

    >>> standalone_question(["What did Austin and Umerov discuss?"], "And what about air defence?")
    'What did Austin and Umerov discuss? And what about air defence?'
    """
    question = question.strip()
    if previous and is_follow_up(question):
        return f"{previous[-1].strip()} {question}"
    return question
