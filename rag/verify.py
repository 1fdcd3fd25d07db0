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
_SCALE_AFTER = re.compile(r"\s*(тис\w*|thousands?|k|млн|мільйон\w*|millions?|mln|m|млрд|мільярд\w*|billions?|bn)\b\.?",
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
# a bound on an amount, by direction ("понад 350" is more than 350, not 350; "до" is left out: it is
# also "until", "to"); a quote's bound must be the claim's (a claim may bound a bare number: "up to 10
# metres" for "до 10 метрів")
_BOUNDS = (("more", r"понад|більше(?:\s+ніж)?|більш\s+ніж|щонайменше|over|more\s+than|at\s+least|upwards\s+of|"
                    r"just\s+over"),
           ("less", r"менше(?:\s+ніж)?|менш\s+ніж|щонайбільше|less\s+than|fewer\s+than|at\s+most|up\s+to|under|"
                    r"just\s+under"),
           ("about", r"близько|майже|приблизно|орієнтовно|about|nearly|almost|around|approximately|roughly|some|"
                     r"as\s+many\s+as|as\s+much\s+as|close\s+to|an\s+estimated|estimated"))
_BOUND = tuple((kind, re.compile(rf"(?<!\w)(?:{words})(?:\s+(?:на|в|у|by|to|the))?\s*(?:[$€£₴]|usd|uah|eur)?\s*$",
                                  re.IGNORECASE)) for kind, words in _BOUNDS)
_GLUED_SCALE = re.compile(r"(\d)(тис|млн|млрд|mln|bn)(?![^\W\d_])", re.IGNORECASE)  # "$29,70млн"
# a currency named before the number ("$1 млн", "USD 1 million")
_MONEY_BEFORE = re.compile(r"(?:[$€£₴]|\b(?:us\$|usd|uah|eur|gbp))\s?$", re.IGNORECASE)
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
    text = _GLUED_SCALE.sub(r"\1 \2", text)
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
        if scaled_only and scale and scale.group(1).lower() in ("m", "k"):
            factor = None  # "5 m deep" in a claim is metres, not 5 million
        for value in list(candidates):
            if not (factor and scaled_only):
                out.add(value)
            if factor:
                out.add(round(value * factor, 6))
        mentions.append((m.group(0), out))
    return mentions


@dataclass(frozen=True)
class Amount:
    """A number as ``text`` writes it: the values it may stand for, its bound ("more", "less",
    "about", or ""), whether it is one part of an amount written in two ("7 мільйонів 200 тисяч"),
    a sum of money, or a count of something named after it ("64 тисячі круглих столів")."""

    written: str
    values: frozenset[float]
    bound: str = ""
    part: bool = False
    money: bool = False
    counted: bool = False


def amounts(text: str, scaled_only: bool = False) -> list[Amount]:
    """Each number of ``text`` as an :class:`Amount`; an amount written in two parts gives its two
    parts and, after them, the whole (one scale word right after the other, the second smaller).

    >>> [(a.written, sorted(a.values), a.bound, a.part, a.money) for a in amounts("понад 350 осіб, понад 7 млн 200 тис. грн")]
    [('350', [350.0], 'more', False, False), ('7', [7.0, 7000000.0], 'more', True, True), ('200', [200.0, 200000.0], '', True, True), ('7 млн 200', [7200000.0], 'more', False, True)]
    >>> [(a.written, a.money, a.counted) for a in amounts("64 тис грн за 10 круглих столів, $1 млн, 1 million US dollars")]
    [('64', True, False), ('10', False, True), ('1', True, False), ('1', True, False)]
    """
    text = _GLUED_SCALE.sub(r"\1 \2", text)
    found = list(_NUMBER.finditer(text))
    mentions = number_mentions(text, scaled_only)
    out: list[Amount] = []
    i = 0
    while i < len(found):
        m, (written, values) = found[i], mentions[i]
        before = text[max(0, m.start() - 30): m.start()]
        bound = next((kind for kind, pattern in _BOUND if pattern.search(before)), "")
        scale = _SCALE_AFTER.match(text, m.end())
        end = scale.end() if scale else m.end()
        parts = [(m, values)]
        if scale and i + 1 < len(found) and not text[end: found[i + 1].start()].strip():
            tail = _SCALE_AFTER.match(text, found[i + 1].end())
            if tail and max(mentions[i + 1][1]) < max(values):
                parts.append((found[i + 1], mentions[i + 1][1]))
                end = tail.end()
        after = text[end:][:24].lower()
        money = bool(_MONEY_BEFORE.search(before)) or any(
            re.match(rf"\s*\.?\s*(?:(?:us|u\.s\.)\s+)?(?:{pattern})", after) for _, pattern in _CURRENCIES)
        counted = not money and bool(re.match(r"\s*[^\W\d_]{3,}", after))
        if len(parts) == 1:
            out.append(Amount(written, frozenset(values), bound, False, money, counted))
            i += 1
            continue
        (head, head_values), (tail_match, tail_values) = parts
        out.append(Amount(head.group(0), frozenset(head_values), bound, True, money, counted))
        out.append(Amount(tail_match.group(0), frozenset(tail_values), "", True, money, counted))
        out.append(Amount(text[head.start(): tail_match.end()], frozenset({max(head_values) + max(tail_values)}), bound,
                          False, money, counted))
        i += 2
    return out


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
    quoted = [a for quote in quotes for a in amounts(quote)]
    have = numbers(text) | word_numbers(text) | {v for a in quoted for v in a.values}
    for a in amounts(claim, scaled_only=True):
        if a.part:
            continue  # its whole, after it, is what the claim states
        if not any(_same(value, v) for value in a.values for v in have):
            problems.append(f"number {a.written}")
            continue
        same = [q for q in quoted if any(_same(value, v) for value in a.values for v in q.values)]
        whole = [q for q in same if not q.part]
        if same and not whole:
            problems.append(f"part of {a.written}")  # "7 million" for "7 мільйонів 200 тисяч"
        elif whole and not any(q.bound == a.bound or not q.bound for q in whole):
            problems.append(f"bound {a.written}")  # "350" for "понад 350", "fewer than 70" for "понад 70"
        # a number the quote gives only as a sum of money is no count, and a count no sum
        elif whole and ((a.money and not any(q.money for q in whole)) or (a.counted and all(q.money for q in whole))):
            problems.append(f"unit {a.written}")
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
