"""Is a name of the question written in a text? Across scripts, inflection and adjectives.

An English reader writes "Poltava", "Naftogaz", "Warsaw" or "Sergiy"; a Ukrainian article
writes "полтавський", "Нафтогазу", "Варшаві", "Сергій". Each Cyrillic word of the text is
read in the official Ukrainian transliteration (``translitua``), as itself and as its
dictionary lemmas (``pymorphy3`` with its Ukrainian dictionary: "Нафтогазу" -> "нафтогаз",
a toponym adjective -> its stem), both spellings are folded so that the usual English
press variants meet (kh/h, g/h, y/i, w/v, doubled letters), and compared with ``rapidfuzz``.

The answer is a degree (``mention_score``), not a verdict: a name the text lacks is
evidence against answering (see :mod:`rag.answerability`), not a veto.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from rapidfuzz import fuzz, process
from translitua import translit

_WORD = re.compile(r"[^\W\d_][\w’'ʼ-]*", re.UNICODE)
_CYRILLIC = re.compile(r"[А-Яа-яІіЇїЄєҐґ]")
# English press spellings against the official transliteration: these pairs are written
# differently by different papers for the same sound ("Kharkov"/"Kharkiv" aside)
_FOLDS = (("shch", "sc"), ("sch", "sc"), ("kh", "h"), ("zh", "z"), ("ts", "c"), ("tz", "c"), ("ch", "c"),
          ("sh", "s"), ("ph", "f"), ("th", "t"), ("ck", "k"), ("ks", "x"), ("g", "h"), ("w", "v"), ("j", "i"),
          ("y", "i"), ("au", "o"), ("ie", "e"), ("ee", "i"), ("oo", "u"), ("ou", "u"), ("q", "k"), ("c", "k"))
# toponym and demonym adjective endings: "полтавський" names Poltava, "київська" Kyiv
_ADJECTIVE = re.compile(r"(?:ськ|цьк|зьк|ичн|івськ|инськ|янськ)(?:ий|а|е|і|ого|ому|им|ій|ою|у|их|ими)?$")
# capitalised English words that are not names: sentence openers, titles, the generic words of
# bodies' names ("the State Migration Service" shares no word with "Державна міграційна служба")
ORDINARY_ENGLISH = frozenset(
    """the a an this that these those he she it they we his her its their there here in on at for and or but
    according after before during also both however while when where what who which why how as since until
    minister ministry president prime deputy head chief director general secretary state department office
    council city regional region district village town street square court police army service agency committee
    bureau company fund bank university school hospital parliament government national ukrainian ukraine
    defence defense foreign affairs internal interior justice health education economy economic finance
    finances energy infrastructure agrarian social policy culture sports youth environment security intelligence
    armed forces navy air supreme administration tax customs border guard migration prosecutor prosecutors
    anti-corruption corruption investigation investigations public joint stock limited liability enterprise
    monday tuesday wednesday thursday friday saturday sunday mr mrs ms dr""".split()
)
MATCH_RATIO = 80.0  # rapidfuzz ratio of the folded spellings that counts as the same word
MIN_PREFIX = 4  # a folded stem at least this long that begins the other counts too ("poltav"/"poltava")


def fold(latin: str) -> str:
    """A Latin spelling reduced so that press and official variants meet.

    >>> fold("Kharkiv"), fold("Kharkov"), fold("Naftogaz"), fold("Naftohaz"), fold("Sergiy"), fold("Serhii")
    ('harkiv', 'harkov', 'naftohaz', 'naftohaz', 'serhi', 'serhi')
    """
    text = re.sub(r"[^a-z]", "", latin.lower())
    for a, b in _FOLDS:
        text = text.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", text)


@lru_cache(maxsize=1)
def morph():  # type: ignore[no-untyped-def]
    """pymorphy3's Ukrainian analyser, loaded once."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="uk")


_PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})


def dictionary_spelling(word: str) -> str:
    """``word`` lower-cased, with its apostrophe written as the Ukrainian dictionary writes it
    (ASCII: "Об’єднана" and "Обʼєднана" -> "об'єднана")."""
    return word.lower().replace("’", "'").replace("ʼ", "'")


def parses(word: str) -> list[Any]:
    """pymorphy3's readings of ``word`` in its dictionary spelling (:func:`dictionary_spelling`)."""
    return morph().parse(dictionary_spelling(word))


@lru_cache(maxsize=20_000)
def is_ordinary_adjective(word: str) -> bool:
    """Is a capitalised Cyrillic ``word`` an ordinary adjective of the dictionary (every reading an
    adjective, none a name, surname or place)? Such a word opens a body's name in Ukrainian
    ("Державна міграційна служба", "Національний банк"), which an article may write without it
    ("міграційна служба", "ДМС"), as an English one opens with "State" or "National".

    >>> [is_ordinary_adjective(w) for w in ("Державна", "Національний", "Зелена", "Бабіцький", "Тарута", "Одеській")]
    [True, True, False, False, False, False]
    """
    if not _CYRILLIC.search(word):
        return False
    readings = parses(word)
    # a toponym's adjective ("Одеській", "Полтавського") names its place: read as a name
    return bool(readings) and all(p.is_known and "ADJF" in p.tag.grammemes and not p.tag.grammemes & _PROPER
                                  and not _ADJECTIVE.search(p.normal_form) for p in readings)


@lru_cache(maxsize=200_000)
def word_forms(word: str) -> frozenset[str]:
    """Folded Latin spellings under which ``word`` may appear in a question: the word, its
    lemmas and, for an adjective, its stem ("полтавського" -> "poltav").

    >>> sorted(word_forms("Нафтогазу"))[:2]
    ['naftohaz', 'naftohazu']
    """
    low = word.lower()
    if not _CYRILLIC.search(low):
        return frozenset({fold(low)})
    forms = {low}
    for parse in parses(low)[:3]:
        forms.add(parse.normal_form)
    for form in list(forms):
        stem = _ADJECTIVE.sub("", form)
        if stem != form and len(stem) >= 3:
            forms.add(stem)
    return frozenset(f for f in (fold(translit(f)) for f in forms) if f)


@dataclass(frozen=True)
class TextIndex:
    """The folded forms of a text's words, built once per article."""

    forms: tuple[str, ...]
    skeletons: frozenset[str] = frozenset()

    @classmethod
    def of(cls, texts: Iterable[str]) -> "TextIndex":
        words = {w.strip("-’'ʼ") for t in texts for w in _WORD.findall(t)}
        words |= {part for w in words if "-" in w for part in w.split("-")}  # "Полігон-Елітсервіс" names "Polihon"
        forms: set[str] = set()
        for w in words:
            if len(w) >= 2:
                forms |= word_forms(w)
        return cls(tuple(sorted(forms)), frozenset(s for s in map(skeleton, forms) if len(s) >= 3))

    def has(self, word: str) -> bool:
        """True when some word of the text is ``word`` in another script or form."""
        for t in word_forms(word):
            if len(t) < 2:
                continue
            if t in self.forms:
                return True
            if len(t) >= MIN_PREFIX and any(_prefix_match(t, f) for f in self.forms if f[:2] == t[:2]):
                return True
            best = process.extractOne(t, self.forms, scorer=fuzz.ratio, score_cutoff=MATCH_RATIO)
            if best is not None and len(t) >= 4:
                return True
            if skeleton(t) in self.skeletons:  # vowels are where scripts disagree most ("Austin"/"Остін")
                return True
        return False


def skeleton(folded: str) -> str:
    """The consonants of a folded spelling.

    >>> skeleton(fold("Austin")), skeleton(fold("Остін".lower()))
    ('stn', '')
    """
    return re.sub(r"[aeiou]", "", folded)


def _prefix_match(a: str, b: str) -> bool:
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= MIN_PREFIX and longer.startswith(shorter) and len(longer) - len(shorter) <= 4


def name_words(name: str) -> list[str]:
    """The words of a multi-word name that can be looked for (letters, at least two)."""
    return [w.strip("-’'ʼ") for w in _WORD.findall(name) if len(w.strip("-’'ʼ")) >= 2]


def mention_score(name: str, index: TextIndex) -> float:
    """Share of the name's words the text holds (0..1). A multi-word English name of a body
    ("State Migration Service") often shares only its distinctive word with the article, so
    the caller reads this as a degree, not a verdict.

    >>> mention_score("Poltava", TextIndex.of(["Вчора у полтавському театрі"]))
    1.0
    >>> mention_score("Warsaw", TextIndex.of(["Переговори у Варшаві"]))
    1.0
    >>> mention_score("Lviv", TextIndex.of(["Переговори у Варшаві"]))
    0.0
    """
    words = name_words(name)
    if not words:
        return 0.0
    return sum(index.has(w) for w in words) / len(words)
