"""Article metadata read off the body text: event dates and people named."""

from __future__ import annotations

import re
from typing import Iterable

_MONTHS_GEN = "січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня"
_DATE = re.compile(rf"\b(\d{{1,2}})\s+({_MONTHS_GEN})(\s+\d{{4}})?(?:\s+року)?", re.IGNORECASE)
_EN_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE_EN = re.compile(rf"\b(\d{{1,2}}\s+({_EN_MONTHS})|({_EN_MONTHS})\s+\d{{1,2}})(,?\s+\d{{4}})?\b")
_UK_NAME = r"[А-ЯІЇЄҐ][а-яіїєґ'’]+"
_EN_NAME = r"[A-Z][a-z'’]+"
_PERSON = re.compile(rf"\b({_UK_NAME}(?:\s+{_UK_NAME}){{1,2}}|{_EN_NAME}(?:\s+{_EN_NAME}){{1,2}})\b")
# capitalised pairs that are institutions or places, not people
_NOT_PEOPLE = frozenset(
    "сполучені сполучених сполученим сполученими штати штатів штатам штатах міністр міністерство міністерства "
    "сили сил силам збройні збройних україна україни україні росія росії росію кабмін верховна ради рада "
    "європейський європейського європейська північноатлантичний генеральний генерального державний "
    "united states ministry department armed forces european north atlantic the white house ukraine russia "
    "президент прем'єр прем’єр голова міноборони пентагон нато сша".split()
)


def find_dates(text: str) -> list[str]:
    """Day-and-month mentions in the order they appear, without repeats.

    >>> find_dates("після атаки 5 грудня ... повідомив 12 квітня 2024 року")
    ['5 грудня', '12 квітня 2024']
    """
    seen: list[str] = []
    for match in list(_DATE.finditer(text)) + list(_DATE_EN.finditer(text)):
        value = " ".join(match.group(0).replace(" року", "").split())
        if value not in seen:
            seen.append(value)
    return seen


def find_people(sentences: Iterable[str]) -> list[str]:
    """Runs of two or three capitalised words that are not at a sentence start and are
    not institutions: a heuristic for the names of people in news prose."""
    people: list[str] = []
    for sentence in sentences:
        for match in _PERSON.finditer(sentence):
            if match.start() == 0 or sentence[: match.start()].strip() in {'"', "«", "„", "“"}:
                continue
            words = match.group(1).split()
            if any(w.lower() in _NOT_PEOPLE for w in words):
                continue
            name = " ".join(words)
            if name not in people:
                people.append(name)
    return people
