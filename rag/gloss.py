"""Short English glosses of quoted Ukrainian sentences, written by the LLM.

A gloss is a reading aid, never a quote: the UI shows it under the verbatim quote, marked as a
machine translation. Pure helpers here; ``RagService.gloss`` runs the model.
"""

from __future__ import annotations

import re
from typing import Mapping

from rag.llm.base import Message

_CYRILLIC = re.compile(r"[А-Яа-яІіЇїЄєҐґ]")
_LATIN = re.compile(r"[A-Za-z]")
_LABEL = re.compile(r"^\s*(english|translation|gloss|переклад)\s*:\s*", re.IGNORECASE)
_MARKERS = re.compile(r"\[\d{1,3}\]")
_NUMBER = re.compile(r"\d+")
# English month -> the Ukrainian stem that must be in the quote for the gloss to name that month
_MONTHS = {"january": "січ", "february": "лют", "march": "берез", "april": "квіт", "may": "трав",
           "june": "черв", "july": "лип", "august": "серп", "september": "верес", "october": "жовт",
           "november": "листопад", "december": "груд"}

SYSTEM = ("You translate Ukrainian news sentences into plain English, literally. Keep every name, number "
          "and date as the sentence has it and add nothing. Reply with the English translation only, "
          "no notes, no quotation marks.")


_ASK = "Translate into English:\n"
# one worked example: months and numbers kept as written (the small model tends to invent dates)
_EXAMPLE = ("У жовтні міністр відвідав Берлін, де 3 дні тривали переговори на полях форуму.",
            "In October the minister visited Berlin, where talks on the sidelines of the forum lasted 3 days.")


def needs_gloss(quote: str, target: str = "en") -> bool:
    """True when a quote is mostly Cyrillic and the reader asked in English."""
    return target == "en" and len(_CYRILLIC.findall(quote)) > len(_LATIN.findall(quote))


def gloss_messages(quote: str, glossary: Mapping[str, str], names: Mapping[str, str] | None = None) -> list[Message]:
    """The prompt: the quote, the abbreviations from the glossary that occur in it, and the
    English spelling of names it shares with the reader's question."""
    terms = "".join(f"\n{k} = {v}" for k, v in glossary.items())
    spelled = "".join(f"\n{k} = {v}" for k, v in (names or {}).items())
    user = (f"{_ASK}{quote}" + (f"\n\nAbbreviations:{terms}" if terms else "")
            + (f"\n\nNames:{spelled}" if spelled else ""))
    return [Message("system", SYSTEM), Message("user", _ASK + _EXAMPLE[0]), Message("assistant", _EXAMPLE[1]),
            Message("user", user)]


def clean_gloss(raw: str, quote: str) -> str | None:
    """The model's reply as a one-paragraph gloss, or None when it is not an English rendering
    of the quote (empty, still mostly Cyrillic, far longer than the quote, carrying markers, or
    with a number or month the quote does not have: a small model's invented date must not pass
    as a gloss)."""
    text = " ".join(_LABEL.sub("", raw.strip()).split())
    text = text.strip("\"'«»“”")
    if not text or _MARKERS.search(text):
        return None
    if _CYRILLIC.search(text) or not _LATIN.search(text):
        return None  # a word left untranslated (NTREX dev: a name kept in Cyrillic mid-sentence)
    if len(text) > 2 * len(quote) + 40:
        return None
    if not set(_NUMBER.findall(text)) <= set(_NUMBER.findall(quote)):
        return None
    months = {w for w in re.findall(r"[a-z]+", text.lower()) if w in _MONTHS and w != "may"}
    if any(_MONTHS[m] not in quote.lower() for m in months):
        return None
    return text
