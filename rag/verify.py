"""THE one check: does a claim say only what its quote says?

Before a generated sentence is shown it is read against the passage(s) it cites, in either
language: every number (with its scale: "7.08 million" = "7,08 млн"), every month, every
currency, every name (across scripts, :mod:`rag.names`) and a negation in the claim must be
in the quote. Embedding similarity (``rag.answer.check_support``) is a separate, weaker
signal. A claim that fails is not shown; ``Verdict.problems`` says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from rag.coverage import gazetteer
from rag.glossary import meanings_in
from rag.names import ORDINARY_ENGLISH, TextIndex

_NUMBER = re.compile(r"(?<![\w])(\d{1,3}(?:[ \u00a0,]\d{3})+|\d+)(?:[.,](\d+))?(?!\w)")
_SCALES = {"тис": 1e3, "thousand": 1e3, "k": 1e3, "млн": 1e6, "мільйон": 1e6, "million": 1e6, "mln": 1e6,
           "m": 1e6, "млрд": 1e9, "мільярд": 1e9, "billion": 1e9, "bn": 1e9}
_SCALE_AFTER = re.compile(r"\s*(тис\w*|thousand|k|млн|мільйон\w*|million|mln|m|млрд|мільярд\w*|billion|bn)\b\.?",
                          re.IGNORECASE)
# numbers a quote writes as words (a claim's digits may restate them); stems, for inflection
_WORD_NUMBERS = {"один": 1, "одн": 1, "два": 2, "дві": 2, "двох": 2, "три": 3, "трьох": 3, "чотир": 4, "п’ят": 5,
                 "шіст": 6, "шест": 6, "сім": 7, "сем": 7, "вісім": 8, "восьм": 8, "дев’ят": 9, "десят": 10,
                 "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10}
# each month: its Ukrainian stem, the inflections that follow it ("травня", not "травми"; "березня",
# not "березі"), its English name
_MONTH_NOUN = r"(?:ень|ня|ні|нем|ню)"
_MONTHS = (("січ", _MONTH_NOUN, "january"), ("лют", r"(?:ий|ого|ому|ім|им)", "february"),
           ("берез", _MONTH_NOUN, "march"), ("квіт", _MONTH_NOUN, "april"), ("трав", _MONTH_NOUN, "may"),
           ("черв", _MONTH_NOUN, "june"), ("лип", _MONTH_NOUN, "july"), ("серп", _MONTH_NOUN, "august"),
           ("верес", _MONTH_NOUN, "september"), ("жовт", _MONTH_NOUN, "october"),
           ("листопад", r"(?:|а|і|у|ом)", "november"), ("груд", _MONTH_NOUN, "december"))
MONTH_NAMES = tuple(en.capitalize() for _, _, en in _MONTHS)  # "January" .. "December"
# "May" is a month only next to a date's words ("in May", "May 5", "5 May")
_MAY = re.compile(r"(?:\b(?:in|of|since|until|by|early|late|mid|last|next|this)\s+May\b|\bMay\s+\d|\d\s+May\b)")
_CURRENCIES = (("hryvnia", r"грн|гривн|гривен|\buah\b|\bhryvn\w*|₴"),
               ("dollar", r"долар|\bдол\.|\busd\b|\bdollars?\b|\$"),
               ("euro", r"євро|\beur\b|\beuros?\b|€"),
               ("ruble", r"рубл|\bруб\.|\brub\b|\brubles?\b|\broubles?\b"),
               ("pound", r"фунт|\bpounds? sterling\b|£"), ("zloty", r"злот|\bzloty\b|\bpln\b"))
_NEGATION = re.compile(r"\b(not|no|never|none|nobody|nothing|neither|nor|n't|без|не|ні|ніколи|жоден|жодн\w*|"
                       r"немає|нема)\b|n't", re.IGNORECASE)
_FUSED_NEGATION = re.compile(r"(?<!\w)(не|без)[а-яіїєґ’]{3,}", re.IGNORECASE)  # "невідомо", "безпідставно"
# a bound on an amount ("понад 350", "more than 70"): a claim that gives the bare number states more
# than its quote ("до" is left out: it is also "until", "to")
_BOUND = re.compile(r"(?:понад|більше(?:\s+ніж)?|більш\s+ніж|менше(?:\s+ніж)?|менш\s+ніж|близько|майже|приблизно|"
                    r"щонайменше|щонайбільше|орієнтовно|понад|over|more\s+than|less\s+than|fewer\s+than|about|"
                    r"nearly|almost|around|approximately|roughly|at\s+least|at\s+most|up\s+to|some|as\s+many\s+as|as\s+much\s+as|"
                    r"upwards\s+of|close\s+to|estimated|an\s+estimated|just\s+under|just\s+over|under)"
                    r"(?:\s+the)?\s*[$€£₴]?\s*$", re.IGNORECASE)
_LATIN_NAME = re.compile(r"(?<![\w’'])([A-Z][a-z’'-]{2,}(?:[ -][A-Z][a-z’'-]{2,})*)")
_CYRILLIC = re.compile(r"[А-Яа-яІіЇїЄєҐґ]")
_ORDINARY = ORDINARY_ENGLISH | {en for _, _, en in _MONTHS}


@dataclass(frozen=True)
class Verdict:
    """``supported`` when no check failed; ``problems`` names each failed check ("number 70")."""

    supported: bool
    problems: tuple[str, ...] = ()


def numbers(text: str) -> set[float]:
    """Every number of ``text`` as a value, also multiplied by a scale word after it
    ("7,08 млн" gives 7.08 and 7080000.0); a thousands separator is read either way.

    >>> sorted(numbers("7,08 млн грн і 1 500 осіб"))
    [7.08, 1500.0, 7080000.0]
    """
    return {v for _, values in number_mentions(text) for v in values}


def number_mentions(text: str, scaled_only: bool = False) -> list[tuple[str, set[float]]]:
    """Each number written in ``text``, as written, with the values it may stand for; with
    ``scaled_only``, a number with a scale word after it stands only for the scaled value (a claim's
    "5 million" is not the quote's "5 тис.")."""
    mentions: list[tuple[str, set[float]]] = []
    for m in _NUMBER.finditer(text):
        out: set[float] = set()
        whole, frac = m.group(1), m.group(2)
        digits = re.sub(r"[ \u00a0,]", "", whole)
        candidates = {float(f"{digits}.{frac}") if frac else float(digits)}
        if frac and len(frac) == 3 and "," in m.group(0) and " " not in whole:
            candidates.add(float(digits + frac))  # "1,500" in English is fifteen hundred
        scale = _SCALE_AFTER.match(text, m.end())
        factor = _SCALES.get(scale.group(1).lower()[:8].rstrip("аиіуоюяхм"), None) if scale else None
        if scale and factor is None:
            word = scale.group(1).lower()
            factor = next((v for k, v in _SCALES.items() if word.startswith(k)), None)
        for value in list(candidates):
            if not (factor and scaled_only):
                out.add(value)
            if factor:
                out.add(round(value * factor, 6))
        mentions.append((m.group(0), out))
    return mentions


def is_money(text: str) -> list[bool]:
    """For each number of ``text``: is it a sum of money (a currency right after it and its scale
    word, or a currency sign right before it)?

    >>> is_money("64 тис грн за 10 круглих столів, $1 млн, 7 млн 200 тис. грн")
    [True, False, True, True, True]
    """
    out = []
    for m in _NUMBER.finditer(text):
        scale = _SCALE_AFTER.match(text, m.end())
        end = scale.end() if scale else m.end()
        tail = re.match(r"\s*\d[\d\s\u00a0,.]*?(?=\D)", text[end:]) if scale else None
        if tail and _SCALE_AFTER.match(text, end + tail.end()):  # "7 мільйонів 200 тисяч гривень": one sum
            end = _SCALE_AFTER.match(text, end + tail.end()).end()
        after = text[end:][:16].lower()
        sign = re.search(r"[$€£₴]\s*$", text[max(0, m.start() - 2): m.start()])
        out.append(bool(sign) or any(re.match(rf"\s*\.?\s*(?:{pattern})", after) for _, pattern in _CURRENCIES))
    return out


def qualified(text: str) -> list[tuple[set[float], str]]:
    """Each number of ``text`` with the values it may stand for and how it is given: "bound" after
    a bound ("понад 350": more than 350, not 350), "part" for the head of a compound amount ("7
    мільйонів 200 тисяч": 7 million is only part of it; the whole, 7.2 million, is added as its
    own "exact" entry), else "exact".

    >>> [(sorted(v), how) for v, how in qualified("понад 350 осіб, 7 мільйонів 200 тисяч")]
    [([350.0], 'bound'), ([7.0, 7000000.0], 'part'), ([200.0, 200000.0], 'exact'), ([7200000.0], 'exact')]
    """
    found = list(_NUMBER.finditer(text))
    mentions = number_mentions(text)
    out: list[tuple[set[float], str]] = []
    wholes: list[tuple[set[float], str]] = []
    for i, (m, (_written, values)) in enumerate(zip(found, mentions)):
        how = "bound" if _BOUND.search(text[max(0, m.start() - 24): m.start()]) else "exact"
        if i + 1 < len(found) and re.fullmatch(r"[^\d]{1,12}\s*", text[m.end(): found[i + 1].start()]):
            head, tail = max(values), max(mentions[i + 1][1])
            if tail < head and head != min(values) and tail != min(mentions[i + 1][1]):
                how = "part"  # both scaled, the second smaller: one amount written in two parts
                wholes.append(({head + tail}, "exact"))
        out.append((values, how))
    return out + wholes


def word_numbers(text: str) -> set[float]:
    """Small numbers a text writes as words ("п’ять", "шести", "five")."""
    low = text.lower().replace("'", "’").replace("ʼ", "’")
    return {float(v) for w, v in _WORD_NUMBERS.items() if re.search(rf"(?<!\w){w}", low)}


def months(text: str) -> set[int]:
    """Months named in ``text`` (1..12), English or Ukrainian, any inflection."""
    low = text.lower()
    found = set()
    for i, (uk, endings, en) in enumerate(_MONTHS, 1):
        if re.search(rf"(?<!\w){uk}{endings}(?!\w)", low) or (en != "may" and re.search(rf"\b{en}\b", low)):
            found.add(i)
    if _MAY.search(text):
        found.add(5)
    return found


def currencies(text: str) -> set[str]:
    low = text.lower()
    return {name for name, pattern in _CURRENCIES if re.search(pattern, low)}


def _names(claim: str) -> list[str]:
    """Capitalised Latin names of an English claim, its first word and ordinary words aside."""
    out = []
    for m in _LATIN_NAME.finditer(claim):
        words = [w.removesuffix("’s").removesuffix("'s") for w in re.split(r"[ -]", m.group(1))]
        if m.start() == 0 or claim[: m.start()].rstrip().endswith((".", "!", "?", ":")):
            words = words[1:]  # a sentence's first word is capitalised whatever it is
        out += [w for w in words if w.lower() not in _ORDINARY]
    return out


def _same(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6 * max(1.0, abs(b))


def check_claim(claim: str, quotes: Sequence[str], question: str = "") -> Verdict:
    """Read ``claim`` against the passages it cites.

    >>> check_claim("The survey cost 7.08 million hryvnias.", ["Угоду уклали за 7,08 млн грн."]).supported
    True
    >>> check_claim("The survey cost 7.8 million rubles.", ["Угоду уклали за 7,08 млн грн."]).problems
    ('number 7.8', 'currency ruble')
    >>> check_claim("They met in July.", ["Зустріч відбулася 5 серпня."]).problems
    ('month 7',)
    """
    text = " ".join(quotes)
    problems: list[str] = []
    given = qualified(text)
    have = numbers(text) | word_numbers(text) | {v for values, _ in given for v in values}
    claimed = number_mentions(claim, scaled_only=True)
    for written, values in claimed:
        if not any(abs(value - v) < 1e-6 * max(1.0, abs(v)) for value in values for v in have):
            problems.append(f"number {written}")
    # a number the quote gives only as a sum of money is no count, and a count no sum ("64 тис грн"
    # is not "64 thousand round tables")
    quoted_money = list(zip(number_mentions(text), is_money(text)))
    for (written, values), money in zip(claimed, is_money(claim)):
        kinds = {m for (_w, quoted), m in quoted_money if any(_same(a, b) for a in values for b in quoted)}
        if kinds and money not in kinds:
            problems.append(f"unit {written}")
    loose = {v for values, how in qualified(claim) if how == "bound" for v in values}
    for written, values in claimed:
        kinds = {how for quoted, how in given if any(_same(a, b) for a in values for b in quoted)}
        if kinds and "exact" not in kinds and not (kinds == {"bound"} and values & loose):
            problems.append(f"{'bound' if 'bound' in kinds else 'part of'} {written}")  # "350" for "понад 350"
    problems += [f"month {m}" for m in sorted(months(claim) - months(text))]
    problems += [f"currency {c}" for c in sorted(currencies(claim) - currencies(text))]
    if not _CYRILLIC.search(claim):
        index = TextIndex.of([text])
        table = gazetteer()
        asked = question.lower()
        # the English meaning of an abbreviation the quote writes ("ДСНС": State Emergency Service)
        named = claim
        for meaning in meanings_in([text]).values():
            named = re.sub(re.escape(meaning), " ", named, flags=re.IGNORECASE)
        for name in _names(named):
            if name.lower() in asked:
                continue  # the reader's own spelling of a name the question asks about
            stems = table.get(name.lower())
            if stems and any(s in text.lower() for s in stems):
                continue
            if not index.has(name):
                problems.append(f"name {name}")
    if _NEGATION.search(claim) and not _NEGATION.search(text) and not _FUSED_NEGATION.search(text):
        problems.append("negation")
    return Verdict(not problems, tuple(dict.fromkeys(problems)))
