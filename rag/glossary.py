"""Ukrainian abbreviations in news text: what each means in English and how it is written out.

One table (``rag/data/glossary.tsv``) serves two readers: the answer prompt explains the
abbreviations an English reader meets, and the entity check accepts "протиповітряна
оборона" as a mention of a question's "ППО".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Sequence

_WORD = re.compile(r"[\w’'-]+", re.UNICODE)


@dataclass(frozen=True)
class Abbreviation:
    short: str  # as written, e.g. "ППО"
    meaning: str  # in English, e.g. "air defence"
    phrases: tuple[tuple[str, ...], ...]  # written-out forms, each a sequence of word prefixes

    @property
    def is_topic(self) -> bool:
        """A common noun ("air defence"), not the name of something ("NATO")."""
        return self.meaning[:1].islower()


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, Abbreviation]:
    """The table, keyed by the abbreviation as written."""
    text = resources.files("rag.data").joinpath("glossary.tsv").read_text(encoding="utf-8")
    table: dict[str, Abbreviation] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        short, meaning, *rest = (part.strip() for part in line.split("\t"))
        phrases = tuple(tuple(p.lower().split()) for p in (rest[0].split(",") if rest else []) if p.strip())
        table[short] = Abbreviation(short, meaning, phrases)
    return table


def lookup(word: str) -> Abbreviation | None:
    return abbreviations().get(word)


def abbreviations_in(text: str) -> list[Abbreviation]:
    """The table's abbreviations that occur in ``text`` as words.

    >>> [a.short for a in abbreviations_in("Посилення ППО та ЗСУ.")]
    ['ППО', 'ЗСУ']
    """
    return [a for a in abbreviations().values() if _used(a, text)]


def mentioned_in(text: str) -> list[Abbreviation]:
    """The table's abbreviations that ``text`` uses or writes out.

    >>> [a.short for a in mentioned_in("Посилення протиповітряної оборони та ЗСУ.")]
    ['ППО', 'ЗСУ']
    """
    words = _lower_words([text])
    starts = _prefixes(words)
    return [a for a in abbreviations().values()
            if _used(a, text) or _written_out(a, words, starts)]


def _used(abbreviation: Abbreviation, text: str) -> bool:
    """The abbreviation itself stands in ``text`` as a word."""
    return re.search(rf"(?<!\w){re.escape(abbreviation.short)}(?!\w)", text) is not None


def _lower_words(texts: Iterable[str]) -> list[str]:
    return [w.lower() for t in texts for w in _WORD.findall(t)]


def _prefixes(words: Sequence[str]) -> set[str]:
    """Every prefix of every word: a phrase whose first prefix is not among them cannot occur,
    which spares scanning the text for most of the table (the evidence ranking asks this of
    every candidate sentence)."""
    return {w[:k] for w in set(words) for k in range(1, len(w) + 1)}


def _written_out(abbreviation: Abbreviation, words: Sequence[str], starts: set[str] | None = None) -> bool:
    return any(phrase_in(p, words) for p in abbreviation.phrases if starts is None or p[0] in starts)


def meanings_in(texts: Sequence[str]) -> dict[str, str]:
    """Abbreviation -> English meaning, for those that occur (as words) in ``texts``.

    >>> meanings_in(["Посилення ППО та ЗСУ."])
    {'ППО': 'air defence', 'ЗСУ': 'Armed Forces of Ukraine'}
    """
    return {a.short: a.meaning for a in abbreviations_in(" ".join(texts))}


def phrase_in(phrase: Sequence[str], words: Sequence[str]) -> bool:
    """True when consecutive ``words`` (lower case) start with the prefixes of ``phrase``.

    >>> phrase_in(("протиповітрян", "оборон"), "посилення протиповітряної оборони".split())
    True
    >>> phrase_in(("air", "defen"), "air force defence".split())
    False
    """
    n = len(phrase)
    return any(all(words[i + j].startswith(phrase[j]) for j in range(n)) for i in range(len(words) - n + 1))


def written_out_in(abbreviation: Abbreviation, texts: Iterable[str]) -> bool:
    """True when any text writes the abbreviation out (in any inflection, either language).

    >>> written_out_in(lookup("ППО"), ["Протиповітряна оборона є ключовою."])
    True
    """
    return _written_out(abbreviation, _lower_words(texts))
