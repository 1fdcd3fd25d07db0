"""Short English glosses of quoted Ukrainian sentences, written by the LLM.

A gloss is a reading aid, never a quote: the UI shows it under the verbatim quote, marked as a
machine translation. Pure helpers here; ``RagService.gloss`` runs the model.
"""

from __future__ import annotations

import re
from typing import Mapping

from translitua import translit

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


_WORD = re.compile(r"[^\W\d_][\w’'ʼ-]*\.?", re.UNICODE)
_CURRENCY_NAMES = {"hryvnia": "hryvnias", "dollar": "dollars", "euro": "euros", "ruble": "rubles",
                   "pound": "pounds sterling", "zloty": "zlotys"}


def term_hints(quote: str) -> dict[str, str]:
    """English for the words of a Ukrainian quote a small model gets wrong, worked out by code:
    each month ("вересня" = September: the model moved dates by a month), each currency word
    ("грн" = hryvnias: it wrote rubles), and each capitalised noun that is not the sentence's
    first word and names a person ("Кучми" = Kuchma: its dictionary form, ``pymorphy3``, in the
    official transliteration, ``translitua``), a place the gazetteer knows ("Києва" = Kyiv) or
    is not in the dictionary (a firm's name). Common nouns of a body's name ("Адміністрації") and
    adjectives ("Кіровоградській" would become "Kirovohradska") are left to the model.

    >>> term_hints("24 вересня до Києва прибув Леонід Кучма, а оренда склала 600 грн.")
    {'вересня': 'September', 'Києва': 'Kyiv', 'Леонід': 'Leonid', 'Кучма': 'Kuchma', 'грн': 'hryvnias'}
    """
    from rag.coverage import english_place
    from rag.names import dictionary_spelling, morph, parses as readings
    from rag.verify import MONTH_NAMES, currencies, months

    hints: dict[str, str] = {}
    first = True
    for m in _WORD.finditer(quote):
        word = m.group(0)
        bare = word.rstrip(".")
        # a sentence opens after a full stop that ends a word, not an initial or "м." ("В. Зеленський")
        opens = first or bool(re.search(r"(?:\w{3,}|\d)[.!?…]\s*$", quote[: m.start()]))
        first = False
        if not _CYRILLIC.search(word) or bare in hints:
            continue
        month = months(bare)
        if len(month) == 1 and not bare[:1].isupper():
            hints[bare] = MONTH_NAMES[next(iter(month)) - 1]
            continue
        money = currencies(word)
        if money == {"euro"} and bare.lower() != "євро":
            money = set()  # "Європи" is Europe
        if len(money) == 1:
            hints[bare] = _CURRENCY_NAMES[next(iter(money))]
            continue
        if not bare[:1].isupper() or opens or bare.isupper():
            continue  # abbreviations come from the glossary
        parses = readings(bare)
        if all(p.tag.POS in ("ADJF", "ADJS") for p in parses):
            continue
        # a person's name, or a word the dictionary does not know (a firm's name): transliterated, in
        # the nominative of the word's own gender; a word read only as a person is no place ("Данілов"
        # begins like "Данія"), one also read as a thing may be ("Києві")
        people = [p for p in parses if p.tag.POS == "NOUN" and ({"Name", "Surn", "Patr"} & p.tag.grammemes)]
        things = [p for p in parses if p.tag.POS == "NOUN" and "inan" in p.tag]
        place = english_place(bare) if things or not people else None
        if place:
            hints[bare] = place
            continue
        if people or not morph().word_is_known(dictionary_spelling(bare)):
            if not people or any("nomn" in p.tag for p in people):
                form = bare  # already a nominative ("Юлія", not the masculine lemma "Юлій")
            else:
                nominative = people[0].inflect({"nomn"})
                form = nominative.word if nominative is not None else people[0].normal_form
            hints[bare] = "-".join(translit(part.capitalize()) for part in form.split("-"))
    return hints


def needs_gloss(quote: str, target: str = "en") -> bool:
    """True when a quote is mostly Cyrillic and the reader asked in English."""
    return target == "en" and len(_CYRILLIC.findall(quote)) > len(_LATIN.findall(quote))


def gloss_messages(quote: str, glossary: Mapping[str, str], names: Mapping[str, str] | None = None,
                   hints: bool = True) -> list[Message]:
    """The prompt: the quote, the abbreviations from the glossary that occur in it, and the
    English for its months, currencies and names (:func:`term_hints`; ``hints``), the names it
    shares with the reader's question in the reader's spelling."""
    terms = "".join(f"\n{k} = {v}" for k, v in glossary.items())
    words = {**term_hints(quote), **(names or {})} if hints else dict(names or {})
    spelled = "".join(f"\n{k} = {v}" for k, v in words.items())
    # the quote comes last: with the words after it the model replied with the list itself
    user = ((f"Write these words this way:{spelled}\n\n" if spelled else "")
            + (f"Abbreviations:{terms}\n\n" if terms else "") + f"{_ASK}{quote}")
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
