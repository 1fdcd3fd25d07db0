"""THE one decision: does this evidence answer this question?

Measured signals, weighed by one small logistic model trained on the archive eval's dev
split (``scripts/train_answerability.py`` rebuilds ``rag/data/answerability.json``):

- names: how much of each name the question asks about the chosen article writes, across
  scripts and inflection (:mod:`rag.names`); a missing name is evidence against, not a veto;
- the answer type: "how much" needs an amount of the right kind (money, a percentage, a
  count) in the evidence, "when" a date, "who" a name; a number of another kind (a day of
  the month asked as a vote count, an age asked as a count, an income asked as a salary) is
  not an answer; read in the best sentence and in the best two (the best one often restates
  the question and the next one answers it);
- the body: a best sentence that quotes another body's name where the question quotes one;
- evidence strength and agreement: the best sentence's similarity, its lead over the next,
  the question's rare words it shares, how many articles the best sentences come from.

Where the model is unsure (a probability above its threshold but low), an LLM reader is asked
to copy the answer from the best sentences (:func:`confirm`); a question it finds no answer to
is not answered. In LLM mode, the model's own "not in sources" is the last signal, applied
where the answer is written (:func:`rag.answer.compose`). The decision carries the reason a
user is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable, Collection, Mapping, Sequence

from rapidfuzz import fuzz
from translitua import translit

from rag.coverage import Entity, gazetteer, is_mentioned, place_stems, spelled_out
from rag.decompose import MIN_PART_WORDS, word_count
from rag.errors import LLMError
from rag.evidence import term_overlap
from rag.llm.base import Message
from rag.logistic import Model, packaged
from rag.names import ORDINARY_ENGLISH, TextIndex, is_ordinary_adjective, mention_score, name_words, parses
from rag.tokens import is_common_english
from rag.types import Evidence

# ---- the answer type a question asks for ---------------------------------------------------
# English words whole ("sum" is not "summer", "fund" not "fundamental"); Ukrainian stems, and "сума" in
# lower case only ("Суми" is also the city)
_MONEY_Q = re.compile(
    r"\b(how much (?:money|did|does|do|was|were|is|are|will|would|has|had|it)\b|(?:costs?|costing|prices?|paid|"
    r"pay(?:s|ing|ments?)?|spen[dt](?:s|ing)?|worth|value|sums?|budgets?|salary|salaries|profits?|revenues?|income|"
    r"fine[sd]?|amount of money|funding|funds?|rent(?:s|ed|al)?)\b|"
    r"вартіст|кошту|коштув|(?-i:сум[аиуі])|плат[аиуі]|заплат|сплат|витрат|бюджет|зарплат|заробітн|прибут|дохід|доход|"
    r"штраф|ціна|ціну|скільки (?:грошей|коштів|гривень|доларів))", re.IGNORECASE)
_PERCENT_Q = re.compile(r"\b(percent|percentage|share|відсот|частк)", re.IGNORECASE)
_COUNT_Q = re.compile(r"\b(how many|скільки|яка кількість|what number of|кількість)", re.IGNORECASE)
_AMOUNT_Q = re.compile(r"\b(how much|how long|how far|how big|how large|how old|what size|what area|якого розміру|"
                       r"який розмір|яка площа|якої площі|яку площу|який обсяг|якого обсягу|яка довжина|якої довжини|"
                       r"на скільки)", re.IGNORECASE)
_WHEN_Q = re.compile(r"^\s*(?:\S+\s+){0,3}?(when|what year|in which year|what date|on what day|by what date|since when|"
                     r"by when|until when|коли|відколи|якого року|в якому році|у якому році|якого числа|якої дати|"
                     r"[ву] які терміни|[ву] який термін|до якого (?:числа|терміну|часу)|з якого (?:року|часу))\b", re.IGNORECASE)
# an interrogative before "when"/"коли" makes it a conjunction: "Що відбувається, коли ...?",
# "Where was she when ...?" ask what and where, not when
_OTHER_ASK = re.compile(r"\b(what|which|who|whom|how|why|where|що|чого|чому|який|яка|яке|які|якого|якої|яку|хто|кого|"
                        r"як|де|навіщо|скільки)\b", re.IGNORECASE)
# an English question that opens with a clause of time ("When <subject> ...,") asks what follows it
_WHEN_CLAUSE = re.compile(r"^\s*when\s+(?!(?:did|do|does|was|were|is|are|will|would|has|have|had|can|could|should|"
                          r"shall|might|must|may)\b)[^,?]+,\s*(.+)$", re.IGNORECASE)
_PAIRED = re.compile(r"\b(and|or|і|й|та|чи)\s+$", re.IGNORECASE)  # "Where and when ...?" still asks when
_WHO_Q = re.compile(r"^\s*(?:\S+\s+){0,2}?(who|whom|хто|кого|кому|ким|як звати|як звали|what is the name|"
                    r"what was the name|яке ім’я|яке прізвище)\b", re.IGNORECASE)

# "why" asks for a reason: a sentence that gives one mostly says so with a causal or purpose word
_WHY_Q = re.compile(r"^\s*(?:\S+\s+){0,2}?(why|how come|for what (?:reason|purpose)|"
                    r"what (?:was|were|is|are) (?:the|one|a) (?:\w+ )?(?:reasons?|causes?)|what reasons?|what caused|"
                    r"чому(?!\s+(?:дорівн|рівн|присвяч|навча|сприя|відповіда))|навіщо|для чого|з якою метою|через що|"
                    r"з якої причини|з яких причин|яка (?:\w+ )?причина|які (?:\w+ )?причини|якою була причина|"
                    r"що стало причиною|що спричинило)\b", re.IGNORECASE)
_APOSTROPHE = "[’'ʼ`‘]"
_CAUSE = re.compile(r"(?<!\w)(бо|адже|оскільки|позаяк|тому|через|внаслідок|завдяки|у зв" + _APOSTROPHE + r"?язку з|"
                    r"в зв" + _APOSTROPHE + r"?язку з|з огляду на|з метою|щоб|аби|задля|причин\w*|спричин\w*|"
                    r"призве\w*|призвел\w*|призвів|призводить|because|due to|owing to|as a result|thanks to|in order to|"
                    r"so that|so as to|reasons?|caus(?:e|es|ed|ing)|led to|leads? to|therefore|hence)(?!\w)", re.IGNORECASE)
# "тому" after a span of time means "ago" and after a preposition "that" ("у тому числі", "полягає в
# тому, що"); "через" before a span of time or a number means "after", before a name "via": none gives a reason
_TIME_WORD = r"(?<!\w)(?:пів)?(?:рок\w*|рік|дн\w*|день|доб\w*|ніч\w*|мить|тиж\w*|місяц\w*|годин\w*|хвилин\w*|" \
             r"секунд\w*|століт\w*|віку|час\w*|десятиліт\w*)"
_NUMERAL = (r"(?:один|одна|одну|одне|одного|одній|два|дві|двох|три|трьох|чотири|чотирьох|п" + _APOSTROPHE + r"ять|"
            r"п" + _APOSTROPHE + r"яти|шість|шести|сім|семи|вісім|восьми|дев" + _APOSTROPHE + r"ять|дев" + _APOSTROPHE +
            r"яти|десять|десяти|кілька|декілька|кількох|декількох|деякий|певний|якийсь|кожн\w*|весь|всю|все|усю|увесь)")
# per cause word, the text before it and after it that make it no cause
_NOT_CAUSE = {"тому": (re.compile(r"(?:" + _TIME_WORD + r"|(?<!\w)(?:у|в|на|при|по|о))\s*$", re.IGNORECASE),
                       re.compile(r"^\s+подібн", re.IGNORECASE)),
              "через": (None, re.compile(r"^\s+(?:\d|(?:" + _NUMERAL + r"\s+)?" + _TIME_WORD + r"(?!\w)|" + _NUMERAL +
                                         r"(?!\w)|[«\"“„]?(?-i:[A-ZА-ЯІЇЄҐ]))", re.IGNORECASE))}


def _same_cause(word: str, given: str) -> bool:
    """Is the cause word ``word`` also written in ``given`` (the question's "причина", "caused")?"""
    return bool(given) and word[:5] in given.lower()


def gives_reason(text: str, given: str = "") -> bool:
    """Does ``text`` give a reason or a purpose (a causal or purpose word that is not one of
    time, place or reference: "бо", "через відсутність", "because", "in order to"; not "два роки
    тому", "у тому числі", "через 5 днів", "через суд")? A cause word that ``given`` (the question)
    also writes is no answer to it: "Причина пожежі невідома" restates "Яка причина пожежі?".

    >>> [gives_reason(t) for t in ("Договір розірвали, оскільки фірма не оплатила частку.", "Відхилили через малий досвід.",
    ...                           "Засудили чотири роки тому.", "Біль повторюється через 6-48 годин.", "He has led it since 2014.",
    ...                           "А через одну жінку від неї – бабуся.", "У тому числі дві школи.", "Подали позов через Суд.",
    ...                           "Не поїхав через сімейні обставини.", "Через брак часу не встигли.")]
    [True, True, False, False, False, False, False, False, True, True]
    >>> gives_reason("Причина пожежі досі невідома.", "Яка причина пожежі?"), gives_reason("Причиною пожежі стала іскра.")
    (False, True)
    """
    for m in _CAUSE.finditer(text):
        word = m.group(1).lower()
        if _same_cause(word, given):
            continue
        before, after = _NOT_CAUSE.get(word, (None, None))
        if before is not None and before.search(text[max(0, m.start() - 24): m.start()]):
            continue
        if after is not None and after.search(text[m.end(): m.end() + 40]):
            continue
        return True
    return False


_MONTHS = ("січ", "лют", "берез", "квіт", "трав", "черв", "лип", "серп", "верес", "жовт", "листопад", "груд",
           "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH = re.compile(r"(?<!\w)(" + "|".join(_MONTHS) + r")\w*", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[ \u00a0]\d{3})*(?:[.,]\d+)?")
_DAY_MONTH = re.compile(r"\b\d{1,2}(?:-?го)?\s+(?:" + "|".join(_MONTHS) + r")\w*", re.IGNORECASE)
# a year: 1800-2099 as it stands; an earlier one (1000-1799) only where it is written as a year, after
# "in", "since", "у", "r." (a reign) and before punctuation, a range, a capitalised word or "року"/"р."
# ("In 1785, ...", "(r. 1505–1521)", "у 1654 році"), so that "1200 грн" or "1500 тонн" stay amounts
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)(?:\s*(?:р\.|рік|року|роках|році|year))?|"
                   r"(?:(?<=\b[Ii]n )|(?<=\b[Ss]ince )|(?<=\b[Uu]ntil )|(?<=\b[Bb]y )|(?<=\b[Ff]rom )|(?<=\br\. )|"
                   r"(?<=\bc\. )|(?<=\b[УуВв] )|(?<=\b[Дд]о )|(?<=\b[Вв]ід )|(?<=\b[Пп]ісля )|(?<=[–—-]))"
                   r"(1[0-7]\d\d)(?!\d)(?=\s*(?:[–—-]\s*\d{2,4}|[.,;:)]|$|р\.|рок|році|рік|роках|[A-ZА-ЯІЇЄҐ]|the\b|and\b))")
_DATE_NUMERIC = re.compile(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b")
_CURRENCY = re.compile(r"(грн|гривень|гривні|гривня|гривн|uah|доларів|долара|дол\.|usd|\$|євро|eur|€|рубл|руб\.|"
                       r"фунт|злот|франк|копій|коп\.|hryvni|dollar|euro)", re.IGNORECASE)
_PERCENT = re.compile(r"(%|відсот|percent)", re.IGNORECASE)
_SCALE = r"(?:\s*(?:мільйон\w*|мільярд\w*|тисяч\w*|млн|млрд|тис|mln|bn|million|billion|thousand)\.?)?"
_MONEY = re.compile(r"\d(?:[\d \u00a0.,]*\d)?" + _SCALE + r"\s*(?:грн|гривен|гривн|uah|доларів|долара|дол|usd|"
                    r"євро|eur|рубл|руб|фунт|злот|франк)|[$€£]\s?\d", re.IGNORECASE)
# amounts written as words: "більше половини", "десять круглих столів", "dozens of" (whole words:
# "сім" is a prefix of "сімейний")
_WORD_AMOUNT = re.compile(r"(?<!\w)(половин\w*|третин\w*|чверт\w*|два|дві|двох|двом|три|трьох|чотири\w*|п[’']ят\w*|"
                          r"шіст\w*|шест\w*|сім|семи|вісім|восьми|дев[’']ят\w*|десят\w*|сотн\w*|сотень|дюжин\w*|"
                          r"half|third|quarter|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds)(?!\w)",
                          re.IGNORECASE)
# measures: a question that asks an area, a length, a weight or a volume ("What is the area in hectares ...?",
# "Скільки тонн ...?") is answered by a number with a unit of that measure, not by another number. Each: the
# question's words that ask it (after an interrogative, or a unit asked for), and the units a text writes after a number
_MEASURES = (
    ("area", r"(?:what|which)(?: is| was| were|'s) (?:the )?(?:total |overall |land )?area\b|\btotal area\b|how (?:many|much) (?:hectares|acres|square)|"
             r"\bin (?:hectares|square (?:met|kilomet|feet|miles))|"
             r"\b(?:яка|якої|яку|який)(?: \w+)? (?:площ|розмір\w* ділянк)|скільки (?:гектар|квадратн|кв\.)|у гектарах",
     r"га\b|гектар\w*|кв\.?\s?(?:м|км)\b|м²|м2\b|км²|км2\b|квадратн\w* (?:метр|кілометр|мил)\w*|sq\.?\s?(?:m|km|ft|mi)\b|"
     r"square (?:met|kilomet|feet|foot|mile)\w*|hectares?|acres?|k?m[²2]\b"),
    ("length", r"how (?:many|much) (?:kilomet|miles|met(?:re|er)s)|(?:what|which)(?: is| was|'s)? (?:the )?(?:total )?"
               r"(?:length|distance)\b|\b(?:яка|якої|яку)(?: \w+)? (?:довжин|протяжн|відстан)|скільки (?:кілометр|метр)",
     r"км\b|кілометр\w*|метр\w*|м\b|kilomet\w*|km\b|miles?\b|met(?:re|er)s?\b|feet\b|ft\b"),
    ("mass", r"how heavy|how (?:many|much) (?:tonnes|tons|kilograms|pounds)|(?:what|which)(?: is| was|'s)? (?:the )?weight\b|"
             r"скільки (?:тонн|кілограм)|\b(?:яка|якої|яку)(?: \w+)? ваг[аиу]\b",
     r"т\b|тонн\w*|кг\b|кілограм\w*|tonnes?\b|tons?\b|kg\b|kilograms?\b|pounds?\b|lbs?\b"),
    ("volume", r"how (?:many|much) (?:litres|liters|gallons|barrels|cubic)|скільки (?:літр|кубометр|кубічн)",
     r"л\b|літр\w*|куб\w*|м³|м3\b|m³|m3\b|litres?\b|liters?\b|(?:US |U\.S\. |imperial )?gallons?\b|barrels?\b|cubic"),
)
_MEASURE_Q = tuple((kind, re.compile(asked, re.IGNORECASE)) for kind, asked, _ in _MEASURES)
_MEASURE_UNIT = tuple((kind, re.compile(r"^\s?" + _SCALE + r"\s*(?:" + unit + r")", re.IGNORECASE)) for kind, _, unit in _MEASURES)


def asked_measure(question: str) -> str:
    """The measure a question asks ("area", "length", "mass", "volume"), or "".

    >>> asked_measure("What is the area in hectares of the landfill?"), asked_measure("Скільки тонн зерна зібрали?")
    ('area', 'mass')
    >>> asked_measure("Who owns the house of 824 square metres?"), asked_measure("How long did the war last?")
    ('', '')
    """
    return next((kind for kind, pattern in _MEASURE_Q if pattern.search(question)), "")


_SPAN_OF_YEARS = re.compile(r"\s?-\s?(?:річн|літн|year-old|years?-old|year\b)", re.IGNORECASE)
# a body's name in quotes: "ТОВ «Альфа»"
_QUOTED_NAME = re.compile(r"«([^»]{2,60})»|\"([^\"]{2,60})\"")
_NAME = re.compile(r"(?<=[\w,;:–—-] )[A-ZА-ЯІЇЄҐ][\w’'-]+|" + _QUOTED_NAME.pattern)


def asked_type(question: str) -> str:
    """What kind of item the question asks for: "money", "percent", a measure ("area",
    "length", "mass", "volume": :func:`asked_measure`), "count", "amount", "date", "person", "reason", or ""
    (no checkable type). A question that opens by asking when asks a date unless it also asks
    how much or how many.

    >>> [asked_type(q) for q in ["How much did the city pay for the survey?", "Скільки депутатів голосувало?",
    ...                          "When was the bridge opened?", "Who signed the contract?", "Why did it close?"]]
    ['money', 'count', 'date', 'person', 'reason']
    >>> asked_type("What was the value of the contract?"), asked_type("Яка вартість контракту?")
    ('money', 'money')
    >>> asked_type("How many medals did the team win at the summer games?"), asked_type("Скільки шкіл у Сумах?")
    ('count', 'count')
    >>> asked_type("Що відбувається, коли ліки закінчуються?"), asked_type("In what year did it open?")
    ('', 'date')
    >>> asked_type("Where and when did it happen?"), asked_type("Де і коли відбувся саміт?")
    ('date', 'date')
    >>> asked_type("When the war ended, who became president?"), asked_type("When, and where, did it end?")
    ('person', 'date')
    >>> asked_type("On what date was the State Property Fund registered as the owner?"), asked_type("In what year did the share rise?")
    ('date', 'date')
    >>> asked_type("У які терміни фірма має поставити трамваї?"), asked_type("Since when has he led the firm?")
    ('date', 'date')
    """
    if _asks_when(question) and not (_COUNT_Q.search(question) or _AMOUNT_Q.search(question)):
        return "date"  # the interrogative decides: "On what date was the ... Fund ...?" asks a date, not money
    why = _WHY_Q.search(question)
    if why and not (_OTHER_ASK.search(question[: why.start(1)]) or _WHO_Q.search(question[: why.start(1)])):
        # "Who explained why ...?", "Кому і чому ...?" ask who
        return "reason"
    if _PERCENT_Q.search(question) and (_COUNT_Q.search(question) or _AMOUNT_Q.search(question)
                                        or re.search(r"\b(what|яка|який|яку)\b", question, re.IGNORECASE)):
        return "percent"
    if _MONEY_Q.search(question) and (_COUNT_Q.search(question) or _AMOUNT_Q.search(question)
                                      or re.search(r"\b(what|яка|який|яку|якою|за скільки|for how much)\b",
                                                   question, re.IGNORECASE)):
        return "money"
    measure = asked_measure(question)
    if measure:
        return measure
    if _COUNT_Q.search(question):
        return "count" if _counts_things(question) else "amount"
    if _AMOUNT_Q.search(question):
        return "amount"
    clause = _WHEN_CLAUSE.match(question)
    if clause:  # "When water is released, what does the pump become?" asks what, not when
        return asked_type(clause.group(1))
    if _WHO_Q.search(question):
        return "person"
    return ""


def _asks_when(question: str) -> bool:
    """Does the question open by asking when ("When ...", "On what date ...", "Де і коли ...")? Not
    where "when" is a conjunction after another interrogative or opens a clause of time."""
    if _WHEN_CLAUSE.match(question):
        return False
    when = _WHEN_Q.search(question)
    return bool(when) and (not _OTHER_ASK.search(question[: when.start(1)]) or bool(_PAIRED.search(question[: when.start(1)])))


_HOW_MUCH_UK = re.compile(r"\bскільки\s+([\w’'-]+)", re.IGNORECASE)


def _counts_things(question: str) -> bool:
    """Does a "how many" question count things? Ukrainian "скільки" asks "how many" before a noun
    in the genitive ("скільки дітей") and "how much" otherwise ("скільки комітет спрямував": a sum is an answer).

    >>> _counts_things("Скільки дітей прийшло?"), _counts_things("Скільки комітет спрямував на сувеніри?")
    (True, False)
    """
    m = _HOW_MUCH_UK.search(question)
    if m is None or re.search(r"\b(how many|кількість)\b", question, re.IGNORECASE):
        return True
    return any(p.tag.POS == "NOUN" and p.tag.case == "gent" for p in parses(m.group(1))[:2])


_SECOND_ASK = re.compile(r",?\s+(?:and|і|й|та|а)\s+(?=(?:how|what|which|who|when|where|why|скільки|як|яку|який|яка|яке|"
                         r"які|хто|кого|коли|де|чому|навіщо)\b)", re.IGNORECASE)


def asks(question: str) -> list[str]:
    """The asks a question joins at ", and <interrogative>", or ``[question]`` where any part would
    have fewer than ``MIN_PART_WORDS`` words, as :func:`rag.decompose.question_parts` requires of a
    part ("Where and when did it happen?" is one ask: a bare "Where" is no question of its own; so is
    "як депутат і як голова комісії").

    >>> asks("Which firm won the tender, and how much did it pay?")
    ['Which firm won the tender', 'how much did it pay?']
    >>> asks("Where and when did it happen?"), asks("Скільки й коли заплатили підряднику?")
    (['Where and when did it happen?'], ['Скільки й коли заплатили підряднику?'])
    """
    parts = [part for part in _SECOND_ASK.split(question) if part.strip()]
    if len(parts) < 2 or any(word_count(part) < MIN_PART_WORDS for part in parts):
        return [question]
    return parts


def asked_types(question: str) -> set[str]:
    """The kinds of item each ask of a question asks for (:func:`asks`; "Which councillor ..., and how much
    were they worth?" asks for a name or a description and for money: {"", "money"}).

    >>> sorted(asked_types("Which firm won the tender, and how much did it pay?")), sorted(asked_types("When was it opened?"))
    (['', 'money'], ['date'])
    >>> asked_types("Where and when did it happen?")
    {'date'}
    """
    return {asked_type(part) for part in asks(question)}


def kinds_in(text: str, question: str = "") -> set[str]:
    """The kinds of item a sentence holds: "money", "percent", "count" (a number that is not
    a date, a year, money or a percentage), with "area", "length", "mass" or "volume" where a unit
    of that measure follows it, "date", "person" (a name or a quoted title), "reason" (a cause word
    other than the ``question``'s own: :func:`gives_reason`).

    >>> sorted(kinds_in("29 квітня уклали угоду на 7,08 млн грн."))
    ['date', 'money']
    >>> sorted(kinds_in("У 2019 році тут працювали 120 лікарів."))
    ['count', 'date']
    >>> sorted(kinds_in("На облаштування витрачено 7 мільйонів 200 тисяч гривень."))
    ['count', 'money']
    >>> sorted(kinds_in("Прийшла мама 5-річної дитини.")), sorted(kinds_in("Прийшли 5 дітей."))
    (['years'], ['count'])
    >>> sorted(kinds_in("Україна повернула більше половини території.")), sorted(kinds_in("Сімейний бізнес."))
    (['count'], [])
    >>> sorted(kinds_in("Загинули четверо українців.")), sorted(kinds_in("Один із лідерів прийшов."))
    (['count'], [])
    >>> sorted(kinds_in("It was granted in 1616.")), sorted(kinds_in("The emperor (r. 1505–1521) ruled.")), sorted(kinds_in("Купили 1200 тонн."))
    (['date'], ['date'], ['count', 'mass'])
    >>> sorted(kinds_in("Площа 12 752 кв м, ще 1,2 тис. га землі.")), sorted(kinds_in("about 30 million gallons (110,000 m3)"))
    (['area', 'count'], ['count', 'volume'])
    """
    kinds: set[str] = set()
    rest = text
    for pattern, kind in ((_MONEY, "money"), (_DAY_MONTH, "date"), (_DATE_NUMERIC, "date")):
        if pattern.search(rest):
            kinds.add(kind)
            rest = pattern.sub(" ", rest)
    if _MONTH.search(rest) or _YEAR.search(rest):
        kinds.add("date")
    rest = _YEAR.sub(" ", rest)
    for m in _NUMBER.finditer(rest):
        after = rest[m.end(): m.end() + 12]
        if _PERCENT.match(after.strip()) or _PERCENT.match(after):
            kinds.add("percent")
        elif _SPAN_OF_YEARS.match(after):
            kinds.add("years")  # "5-річна Іванка", "a 5-year lease": an age or a term, not a count of things
        else:
            kinds.add("count")
            unit_text = rest[m.end(): m.end() + 40]  # room for a scale before the unit ("1,2 тис. га")
            kinds.update(kind for kind, unit in _MEASURE_UNIT if unit.match(unit_text))
    if _WORD_AMOUNT.search(rest) or any(_numeral(w) for w in _CYRILLIC_WORD.findall(rest)):
        kinds.add("count")
    if _NAME.search(text):
        kinds.add("person")
    if gives_reason(text, question):
        kinds.add("reason")
    return kinds


_CYRILLIC_WORD = re.compile(r"[а-яіїєґ’']{3,}", re.IGNORECASE)


@lru_cache(maxsize=65536)
def _numeral(word: str) -> bool:
    """Is ``word`` a Ukrainian numeral by pymorphy3's first parse ("четверо", "двадцять",
    "обидва"), other than "one" ("один із ...": one of many, not an amount)?"""
    best = parses(word)[0]
    return "NUMR" in best.tag and best.normal_form != "один"


def _digits(number: str) -> str:
    """A number as its digits alone, so that "7 200" and "7200" or "0,46" and "0.46" meet."""
    return re.sub(r"\D", "", number)


def _month_numbers(text: str) -> set[int]:
    return {next(i for i, m in enumerate(_MONTHS) if w.lower().startswith(m)) % 12 for w in _MONTH.findall(text)}


@lru_cache(maxsize=256)
def _given(question: str) -> tuple[frozenset[str], frozenset[int], TextIndex]:
    """The numbers, months and name index of a question, built once for all its sentences."""
    return (frozenset(_digits(m.group()) for m in _NUMBER.finditer(question)), frozenset(_month_numbers(question)),
            TextIndex.of([question]))


def novel_kinds(question: str, text: str) -> set[str]:
    """The kinds of item (:func:`kinds_in`) that ``text`` holds and ``question`` does not
    already give: a number, month or name the question itself writes, in either script, is no
    answer to it ("When did the court rule on the sale of 2003?" is not answered by "bought
    in 2003").

    >>> sorted(novel_kinds("When did Leonid Kuchma open the overpass in 1999?", "У 1999 році Леонід Кучма відкрив шляхопровід."))
    []
    >>> sorted(novel_kinds("When did Leonid Kuchma open the overpass?", "Кучма відкрив його 5 жовтня 1999 року."))
    ['date']
    """
    asked_numbers, asked_months, index = _given(question)

    def number(m: re.Match[str]) -> str:
        return " " if _digits(m.group()) in asked_numbers else m.group()

    def month(m: re.Match[str]) -> str:
        return "x" if _month_numbers(m.group()) <= asked_months else m.group()

    def name(m: re.Match[str]) -> str:
        return "x" if mention_score(m.group().strip("«»\""), index) >= 0.5 else m.group()

    rest = _NAME.sub(name, _MONTH.sub(month, _NUMBER.sub(number, text)))
    return kinds_in(rest, question)  # a cause word the question writes ("Яка причина ...?") is no answer


def type_satisfied(kind: str, text: str, question: str = "", role: bool = True) -> bool:
    """Does ``text`` hold an item of the asked ``kind``? ("" asks for nothing checkable.) Given
    the ``question``, only an item it does not already give counts (:func:`novel_kinds`), and
    with ``role`` a sum must be of the kind of money the question names (:func:`money_role_stated`)."""
    if not kind:
        return True
    found = novel_kinds(question, text) if question else kinds_in(text)
    if kind == "amount":
        return bool(found & {"money", "percent", "count", "years"})
    if kind == "money" and role and question and not money_role_stated(question, text):
        return False
    return kind in found


# kinds of money a question may name, each with the stems a Ukrainian sentence states it with: a
# salary is not an income, a bid not the contract price, a fine not a budget. The question's own
# words in either language; an ordinary "how much did it cost" names no role and any sum answers it
_MONEY_ROLES = (
    (r"salar|wage|заробітн|зарплат|оклад", r"зарплат|заробітн|оклад|salar|wage"),
    (r"profit|прибут", r"прибут|profit"),
    (r"\bfine[sd]?\b|penalt|штраф", r"штраф|fine|penalt"),
    (r"income|дохід|доход", r"дохід|доход|заробив|заробила|заробили|income"),
    (r"revenue|turnover|виручк|оборот", r"виручк|оборот|дохід|доход|revenue|turnover"),
    (r"\brent\b|rental|орендн", r"оренд|rent"),
    (r"bribe|хабар", r"хабар|неправомірн|bribe"),
    (r"\bloans?\b|кредит|позик", r"кредит|позик|loan"),
    (r"pension|пенсі", r"пенсі|pension"),
    (r"\bbid\b|\boffer(?:ed)?\b|запропонува|пропонува|пропозиці", r"пропозиці|запропонува|пропонува|ставк|\bbid|offer"),
)


def money_role_stated(question: str, text: str) -> bool:
    """Does ``text`` state the kind of money the ``question`` names, if it names one?

    >>> money_role_stated("Яку заробітну плату отримує директор?", "Директор задекларував дохід 1,5 млн грн.")
    False
    >>> money_role_stated("What salary does he earn?", "Його зарплата 30 тис. грн."), money_role_stated("How much did it cost?", "2 млн грн.")
    (True, True)
    """
    return all(re.search(stated, text, re.IGNORECASE) for named, stated in _MONEY_ROLES
               if re.search(named, question, re.IGNORECASE))


# ---- names --------------------------------------------------------------------------------
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th|-?[а-яіїєґ’']{1,8})?$", re.IGNORECASE)


def entity_score(entity: Entity, body: str, index: TextIndex) -> float | None:
    """How far ``body`` mentions the entity, 0..1: countries and demonyms through the
    gazetteer, abbreviations through the glossary, numbers and codes by their digits and
    letters in either script ("M-12" = "М-12"), names across scripts by
    :func:`rag.names.mention_score`, a hyphenated name whole first ("Wi-Fi"). An ordinary English
    word of a body's name ("Employment Service") counts where the text has it and is left out
    where it does not; None when nothing is left: it says nothing either way."""
    if entity.kind == "code":
        number = _ORDINAL.match(entity.text)
        if number:  # "93rd", "57-му", "1920": the number itself
            return float(number.group(1) in re.findall(r"\d+", body))
        return float(is_mentioned(entity, [body]) or _latin_code(entity.text) in _latin_codes(body))
    if entity.kind == "acronym" and is_mentioned(entity, [body]):
        return 1.0
    table = gazetteer()
    lowered = body.lower()
    scores = []
    for part in name_words(entity.text):
        if "-" in part and table.get(part.lower()) is None and index.has(part):
            scores.append(1.0)  # the hyphenated name as one word
            continue
        for word in (w for w in part.split("-") if len(w) >= 2):
            stems = place_stems(word)
            if stems:
                scores.append(float(any(s in lowered for s in stems)))
            elif (word.lower() in ORDINARY_ENGLISH or is_common_english(word)
                  or (entity.opens_phrase and is_ordinary_adjective(word))):
                if index.has(word):
                    scores.append(1.0)
            else:
                scores.append(mention_score(word, index))
    return sum(scores) / len(scores) if scores else None


def _gazetteer_absent(entity: Entity, bodies: Sequence[str]) -> bool:
    """True when every word of the entity is a gazetteer country or people and no body mentions it."""
    if entity.kind == "acronym" and spelled_out(entity.text, bodies):
        return False  # "UK" where the text writes "the United Kingdom"
    words = [w for part in name_words(entity.text) for w in part.split("-") if w]
    stems = [place_stems(w) for w in words]
    if not words or any(s is None for s in stems):
        return False
    lowered = " ".join(bodies).lower()
    return not any(stem in lowered for each in stems if each for stem in each)


def _latin_code(code: str) -> str:
    """A code's letters and digits in Latin letters, lower-cased ("М-12" -> "m12")."""
    return re.sub(r"[^0-9a-z]", "", translit(code).lower())


def _latin_codes(body: str) -> set[str]:
    return {_latin_code(w) for w in re.findall(r"\w+(?:-\w+)*", body) if any(ch.isdigit() for ch in w)}


def coverage(scores: Sequence[float | None]) -> float:
    """Mean of an article's :func:`entity_score` s that say something (1.0 when none does)."""
    known = [s for s in scores if s is not None]
    return sum(known) / len(known) if known else 1.0


# ---- the decision ---------------------------------------------------------------------------
FEATURES = ("score1", "rank1", "gap", "lexical1", "has_names", "names_min", "names_mean", "names_sentence",
            "type_needed", "type_top1", "type_top3", "sources3", "asked1", "focus1", "focus_max3", "focus_gap",
            "place_absent", "rival1", "type_top2")


@dataclass(frozen=True)
class Decision:
    """Whether to answer, the model's probability, the reason a user sees when not, and the
    signals it was made from."""

    answerable: bool
    probability: float
    reason: str = ""
    signals: Mapping[str, float] = field(default_factory=dict)
    missing: tuple[str, ...] = ()


def signals(question: str, evidence: Sequence[Evidence], entities: Sequence[Entity],
            bodies: Mapping[str, str], scores: Mapping[str, Sequence[float | None]],
            chosen: Collection[str] = ()) -> tuple[dict[str, float], list[str]]:
    """The features of (question, evidence) and the names that none of the ``chosen``
    articles (those the evidence was taken from; the best sentence's alone by default)
    mentions. ``scores`` holds each article's :func:`entity_score` of each entity, in order.
    A multi-article question's names are read across its articles."""
    if not evidence:
        return {f: 0.0 for f in FEATURES}, [e.text for e in entities]
    top = evidence[0]
    rank = [float(e.meta.get("rank_score", e.score)) for e in evidence]
    sources = [s for s in dict.fromkeys([top.quote.source, *chosen]) if s in scores]
    per_entity = [[scores[s][i] for s in sources] for i in range(len(entities))]
    scored = [(e, max(x for x in xs if x is not None)) for e, xs in zip(entities, per_entity)
              if any(x is not None for x in xs)]
    entities = [e for e, _ in scored]
    scores = [s for _, s in scored]
    top3 = evidence[:3]
    sentence_index = TextIndex.of([e.quote.text for e in top3])
    sentence_scores = [float(entity_score(e, " ".join(x.quote.text for x in top3), sentence_index) or 0.0)
                       for e in entities]
    kinds = decisive_kinds(question)
    # an item of an asked kind that the question does not already give ("in 2003" is no answer
    # to "when did the court rule on the 2003 sale?"), in each of the best three sentences
    typed = [any(type_satisfied(kind, e.cited.text, question) for kind in kinds) for e in top3]
    values = {
        "score1": float(top.score),
        "rank1": rank[0],
        "gap": rank[0] - rank[1] if len(rank) > 1 else rank[0],
        "lexical1": float(term_overlap(question, [e.quote.text for e in evidence])[0]) if question else 0.0,
        "has_names": float(bool(entities)),
        "names_min": min(scores) if scores else 1.0,
        "names_mean": sum(scores) / len(scores) if scores else 1.0,
        "names_sentence": sum(sentence_scores) / len(sentence_scores) if sentence_scores else 1.0,
        "type_needed": float(bool(decisive_kind(question))),
        "type_top1": float(typed[0]),
        # the second best sentence often holds what the best one (restating the question) lacks
        "type_top2": float(any(typed[:2])),
        "type_top3": float(any(typed)),
        "sources3": float(len({e.quote.source for e in top3})),
        # the question embedded for finding its answer, and without its names (what is asked
        # about them): "how much profit" against a sentence about a contract sum
        "asked1": float(top.meta.get("asked_cos", top.score)),
        "focus1": float(top.meta.get("focus_cos", top.score)),
        "focus_max3": max(float(e.meta.get("focus_cos", e.score)) for e in top3),
        "focus_gap": float(top.meta.get("focus_cos", top.score)) - float(top.meta.get("asked_cos", top.score)),
        # a country or people the question names that no chosen article mentions: read through the
        # gazetteer's stems, a match far surer than a transliterated name's
        "place_absent": float(any(_gazetteer_absent(e, [bodies.get(s, "") for s in sources]) for e in entities)),
    }
    values["rival1"] = float(_rival_name(question, top.cited.text))
    missing = [e.text for e, s in zip(entities, scores) if s == 0.0]
    return values, missing


# kinds the selection weighs but whose absence says nothing against answering: a reason is often
# given without a causal word (SQuAD 2.0's English "why" questions: 13 of 24 answer sentences have one)
UNCHECKED = frozenset({"reason"})


def decisive_kind(question: str) -> str:
    """The asked kind (:func:`asked_type`) whose absence from the evidence counts against answering."""
    kind = asked_type(question)
    return "" if kind in UNCHECKED else kind


def decisive_kinds(question: str) -> set[str]:
    """The decisive kind of each ask of ``question`` (:func:`decisive_kind`): a question in two
    parts is answered by an answer to either ("What fine did A impose, and how did B judge C?"
    asks for a sum or for nothing checkable), as the reader counts it (:func:`reader_found`).

    The whole question's kind is always one of them, so a part read wrongly alone adds a kind and
    never removes one.

    >>> sorted(decisive_kinds("What fine was imposed, and how did the board judge it?")), decisive_kinds("What fine was imposed?")
    (['', 'money'], {'money'})
    >>> decisive_kinds("Де і коли відбувся суд?"), decisive_kinds("Скільки й коли заплатили підряднику?")
    ({'date'}, {'money'})
    """
    return {decisive_kind(question)} | {decisive_kind(part) for part in asks(question)}


def _rival_name(question: str, sentence: str) -> bool:
    """Does ``sentence`` quote another body's name where the question quotes one? A name the
    question writes in quotes is missing from the sentence, and the sentence quotes a name the
    question does not give (the price another firm bid, the share held in another company).

    >>> q = "Яку частку має Ігор Зінкевич у ТОВ «Вандем»?"
    >>> _rival_name(q, "Мати останнього має частку 20% у ТОВ «Фаворит-плюс»."), _rival_name(q, "Зінкевичу належить 30% ТОВ «Вандем».")
    (True, False)
    """
    asked = [a or b for a, b in _QUOTED_NAME.findall(question)]
    quoted = [a or b for a, b in _QUOTED_NAME.findall(sentence)]
    if not asked or not quoted:
        return False
    index = TextIndex.of([sentence])
    if all(mention_score(name, index) >= 0.5 for name in asked):
        return False
    given = TextIndex.of([question])
    return any(mention_score(q, given) < 0.5 for q in quoted)


@lru_cache(maxsize=1)
def default_model() -> Model:
    """The committed model (``rag/data/answerability.json``)."""
    return packaged("answerability.json")


_TYPE_WORDS = {"money": "a sum of money", "percent": "a percentage", "count": "a number of that kind",
               "amount": "an amount", "date": "a date", "person": "a name", "area": "an area",
               "length": "a length or distance", "mass": "a weight", "volume": "a volume",
               "reason": "a reason"}


def decide(question: str, values: Mapping[str, float], missing: Sequence[str], model: Model | None = None,
           threshold: float | None = None) -> Decision:
    """Answer or not, with the reason: the signal that weighs most against answering."""
    model = model or default_model()
    p = model.probability(values)
    cut = model.threshold if threshold is None else threshold
    if p >= cut:
        return Decision(True, p, "", dict(values), tuple(missing))
    return Decision(False, p, reason(question, values, missing, model), dict(values), tuple(missing))


def reason(question: str, values: Mapping[str, float], missing: Sequence[str], model: Model) -> str:
    """The user-facing reason: the most negative signal, in words."""
    parts = model.contributions(values)
    name_cost = sum(parts.get(f, 0.0) for f in ("names_min", "names_mean", "names_sentence"))
    type_cost = sum(parts.get(f, 0.0) for f in ("type_top1", "type_top2", "type_top3"))
    kind = decisive_kind(question)
    if missing and name_cost <= type_cost:
        return "no article found mentions " + ", ".join(missing)
    if kind and not values.get("type_top3", 1.0):
        return f"the closest passages give no {_TYPE_WORDS[kind].removeprefix('a ').removeprefix('an ')} for this"
    if missing:
        return "no article found mentions " + ", ".join(missing)
    if values.get("rival1") and parts.get("rival1", 0.0) < 0:
        asked = ", ".join(f"«{a or b}»" for a, b in _QUOTED_NAME.findall(question))
        return f"the closest passage is about another body than {asked}"
    return "no passage is close enough to the question"


# ---- the LLM as a reader, where the model is unsure -------------------------------------------
# "a few words" in an earlier wording was copied back as the answer by the 1.5B model
READER_SYSTEM = ("You answer questions about a news passage written in Ukrainian. Reply with the phrase of the passage "
                 "that answers the question, copied exactly, in Ukrainian. If the passage does not state the answer, "
                 "reply NONE.")
READER_PASSAGE_SENTENCES = 2  # the best evidence sentences the reader sees
READER_MAX_TOKENS = 24
READER_TIMEOUT_S = 30.0  # the reader takes ~4 s here; a slower endpoint leaves the decision as it is
_NONE = re.compile(r"\bnone\b", re.IGNORECASE)
_MIN_COPY = 4  # a shorter reply without digits ("Ні") is found in almost any passage
# a copy at least this similar to some part of the passage (rapidfuzz partial ratio) came from it
_COPIED = 90.0


def needs_reader(decision: Decision, below: float) -> bool:
    """Is ``decision`` one to check with the reader: answerable, and either the model is unsure
    (a probability under ``below``) or the question asks for a kind of item that none of the
    best three sentences holds (one the question does not already give). ``below`` <= 0 turns
    the reader off. The second case, measured on archive dev: Ukrainian unanswerable questions
    score where answerable ones do, but their best sentences often lack what they ask for
    (abstention recall 0.48 -> 0.56, Ukrainian 0.17 -> 0.29, no answerable question refused
    more; reading them where only the best sentence lacks it refused one answerable more)."""
    if not decision.answerable or below <= 0:
        return False
    kind_missing = bool(decision.signals.get("type_needed")) and not decision.signals.get("type_top3", 1.0)
    return decision.probability < below or kind_missing


def _reader_passage(evidence: Sequence[Evidence]) -> str:
    """The best sentences, as the reader sees them."""
    return "\n".join(e.quote.text for e in evidence[:READER_PASSAGE_SENTENCES])


def reader_messages(question: str, evidence: Sequence[Evidence]) -> list[Message]:
    """Ask a small LLM to copy the answer from the best sentences, or say NONE."""
    return [Message("system", READER_SYSTEM),
            Message("user", f"Passage:\n{_reader_passage(evidence)}\n\nQuestion: {question}")]


def reader_found(question: str, evidence: Sequence[Evidence], reply: str) -> bool:
    """Did the reader find an answer: a reply that is not NONE and is either copied from the
    passage (a number, or at least a few characters) or holds the kind of item the question asks
    for (a 1.5B model often rewrites a number it did find); where the question asks for a kind,
    the reply must hold one the question does not already give (:func:`novel_kinds`). A
    question that asks for no checkable kind ("why", "what") counts any reply but NONE: that is
    the variant measured on dev.

    >>> from rag.types import make_quote
    >>> text = "Депутати виділили 5 млн грн на ремонт лікарні."
    >>> ev = [Evidence(make_quote("a.txt", text, 0, len(text)), "T", 0.7)]
    >>> q = "How much did the deputies allocate?"
    >>> [reader_found(q, ev, r) for r in ("5 млн грн", "None.", "на ремонт школи", "Ні", "Nonetheless 5 млн грн")]
    [True, False, False, False, True]
    >>> reader_found("How much did the deputies allocate for 5 hospitals?", ev, "5")  # the question's own number
    False
    """
    copy = reply.strip().strip(".«»\"' ")
    if not copy or _NONE.search(copy):
        return False
    kinds = asked_types(question)  # a question in two parts is answered by an answer to either
    if kinds & ({""} | UNCHECKED):
        return True
    passage = _reader_passage(evidence).lower()
    long_enough = len(copy) >= _MIN_COPY or any(ch.isdigit() for ch in copy)
    copied = long_enough and fuzz.partial_ratio(copy.lower(), passage) >= _COPIED
    return any(_found_kind(kind, copy, copied, question) for kind in kinds)


def _found_kind(kind: str, copy: str, copied: bool, question: str) -> bool:
    """A reply ``copy`` holds an item of ``kind`` the question does not give, and was copied or is one."""
    # a copy of the question's own figure or name ("2995 кв м" for a price; the person the
    # question names for "who invited him?") is not an answer: on dev, below 0.4, this refused
    # 10 of 11 unanswerable questions the reader saw instead of 5, and no answerable one more
    return (copied or type_satisfied(kind, copy)) and type_satisfied(kind, copy, question, role=False)


def confirm(question: str, evidence: Sequence[Evidence], decision: Decision, read: Callable[[list[Message]], str],
            below: float) -> Decision:
    """``decision``, or an abstention where the model is unsure (:func:`needs_reader`) and the
    LLM reader, asked through ``read``, finds no answer in the best sentences. Measured on
    archive dev (docs/NOTES.md, tenth session). A failing LLM (``read`` raises ``LLMError``, as
    :meth:`rag.llm.base.ChatModel.complete` does for any failure) or an empty reply leaves the
    decision as it is."""
    if not needs_reader(decision, below) or not evidence:
        return decision
    try:
        reply = read(reader_messages(question, evidence))
    except LLMError:
        return decision
    if not reply.strip() or echoes_opening(reply, evidence) or reader_found(question, evidence, reply):
        return decision
    return replace(decision, answerable=False, reason="the language model found no answer in the closest passages")


_LABEL = re.compile(r"^\s*[\w’' ]{1,20}:\s*")  # "Відповідь: ...", "Приклад: ..."
_ECHO_CHARS = 16


def echoes_opening(reply: str, evidence: Sequence[Evidence]) -> bool:
    """Is ``reply`` the opening words of the passage the reader was shown, after a label the
    model may put in front? A 1.5B reader that picks nothing echoes its input: that says
    nothing either way (on archive dev it refused two answerable questions so, and no
    unanswerable one).

    >>> from rag.types import make_quote
    >>> text = "Апарат фірми дозволяє оперувати катаракту. Таких приладів в Україні лише п'ять."
    >>> ev = [Evidence(make_quote("a.txt", text, 0, len(text)), "T", 0.7)]
    >>> echoes_opening("Приклад: Апарат фірми дозволяє опер", ev), echoes_opening("Таких приладів в Україні", ev), echoes_opening("Апарат", ev)
    (True, False, False)
    """
    copy = _LABEL.sub("", reply.strip(), count=1).strip(" .…«»\"'")
    if len(copy) < _ECHO_CHARS:
        return False
    return " ".join(_reader_passage(evidence).split()).startswith(" ".join(copy.split())[:_ECHO_CHARS * 2])
