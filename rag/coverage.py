"""Does the evidence mention what the question is about?

Similarity scores alone cannot tell "What did Umerov discuss with Austin?" from "What
did Umerov discuss with the French minister?": both land on Umerov's articles. A
question's names (people, places, organisations, models like F-16) must be present in
the evidence, across scripts: names are compared by their consonant skeleton after
transliteration, countries and demonyms through a small bilingual gazetteer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Mapping

from rag.glossary import Abbreviation, lookup, written_out_in
from rag.names import parses

_TOKEN = re.compile(r"[\w’'-]+", re.UNICODE)
_INFLECTED_NUMBER = re.compile(r"^(\d+)(?:-?[а-яіїєґ’']{1,8})?$")
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z.'-]*$")
_UK_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "ы": "y", "э": "e", "ъ": "", "ё": "io", "’": "", "'": "",
}
# folds that make English and Ukrainian spellings of one name meet ("Kishida"/"Кісіда")
_LATIN_FOLD = (("shch", "s"), ("sh", "s"), ("zh", "z"), ("ch", "k"), ("kh", "h"), ("ts", "s"), ("ph", "f"),
               ("th", "t"), ("ck", "k"), ("ce", "se"), ("ci", "si"), ("cy", "sy"), ("w", "v"), ("g", "h"), ("q", "k"),
               ("x", "ks"), ("c", "k"))
_VOWELS = set("aeiouyj")
# capitalised words that start questions or sentences and name nothing
_QUOTED = re.compile(r"«[^»]*(?:»|$)|„[^“”]*(?:[“”]|$)|“[^”]*(?:”|$)|‘[^’]*(?:’|$)|\"[^\"]*(?:\"|$)")
_NOT_NAMES = frozenset(
    """what who whom whose which when where why how did does do is are was were can could would should will
    has have had tell list give name according in on at for and or the a an of about after before during
    i me my we our you your they their he she it its this that these those
    prime minister ministers secretary general assistant president deputy chief head defence defense foreign
    state department ministry army forces armed air command national security council parliament congress
    senate government house office agency spokesman spokesperson ambassador envoy commander mr mrs ms dr
    що хто кого кому коли де чому як чи які яка який яке якої яких скільки про після перед під у в на та і
    яким якими якому якого якою якій яку чим чого чому навіщо звідки куди наскільки котрий котра котре котрі
    з із зі до за від для розкажи назви опиши поясни а але він вона вони""".split()
)


@dataclass(frozen=True)
class Entity:
    text: str
    kind: str  # "name", "acronym", "code" (letters with digits, years)
    initial: bool = False  # a lone capitalised word opening the question: a name, or just the first word
    # a lone capitalised word outside quotes before a lower-case one: the head of a body's name in
    # Ukrainian ("Державна міграційна служба"), which may be an ordinary word (rag.names.is_ordinary_adjective)
    opens_phrase: bool = False


def to_latin(word: str) -> str:
    return "".join(_UK_TO_LATIN.get(ch, ch) for ch in word.lower())


def skeleton(word: str) -> str:
    """Consonant skeleton of a word in either script: transliterated, folded, vowels and
    repeats removed. "Austin" and "Остіном" give "stn" and "stnm".

    >>> skeleton("Austin"), skeleton("Остіном"), skeleton("Washington"), skeleton("Вашингтоні")
    ('stn', 'stnm', 'vsnhtn', 'vsnhtn')
    >>> skeleton("Beyonce"), skeleton("Бейонсе"), skeleton("Clinton"), skeleton("Клінтон")
    ('bns', 'bns', 'klntn', 'klntn')
    """
    latin = to_latin(word)
    for a, b in _LATIN_FOLD:
        latin = latin.replace(a, b)
    out: list[str] = []
    for ch in latin:
        if not ch.isalpha() or ch in _VOWELS:
            continue
        if out and out[-1] == ch:
            continue
        out.append(ch)
    return "".join(out)


def question_entities(question: str) -> list[Entity]:
    """Names, acronyms and codes in a question (capitalised words, all-caps words, words
    with digits). Question words and titles ("Prime Minister") are skipped; a run of
    capitalised words ("Lloyd Austin", "United States") is one entity.

    >>> [e.text for e in question_entities("What did Prime Minister Fumio Kishida tell Japan's F-16 pilots?")]
    ['Fumio Kishida', 'Japan', 'F-16']
    """
    entities: list[Entity] = []
    previous_end = -10
    quoted = [m.span() for m in _QUOTED.finditer(question)]
    for position, match in enumerate(_TOKEN.finditer(question)):
        word = re.sub(r"[’']s$", "", match.group(0)).strip("-’'")
        if not word:
            continue
        if any(ch.isdigit() for ch in word):
            if any(ch.isalpha() for ch in word) or (len(word) == 4 and word.isdigit()):
                entities.append(Entity(word, "code"))
            continue
        if word.lower() in _NOT_NAMES:
            continue
        if len(word) >= 2 and word.isupper():
            entities.append(Entity(word, "acronym"))
        elif word[0].isupper() and len(word) >= 3:
            adjacent = question[previous_end : match.start()].strip() == ""
            if adjacent and entities and entities[-1].kind == "name":
                entities[-1] = Entity(entities[-1].text + " " + word, "name")
            else:
                following = _TOKEN.match(question, match.end() + 1)
                phrase = (following is not None and following.group(0)[:1].islower()
                          and question[match.end():following.start()] == " "
                          and not any(a <= match.start() < b for a, b in quoted) and _agrees(word, following.group(0)))
                entities.append(Entity(word, "name", initial=position == 0, opens_phrase=phrase))
            previous_end = match.end()
    return entities


def _agrees(adjective: str, word: str) -> bool:
    """Does ``adjective`` agree with the ``word`` after it, a noun or an adjective, in case, number
    and gender ("Державна міграційна", "Національний банк"; not "Годований виборцям", "Годований
    приїхав")? A body's name opens so; a surname before another word seldom agrees with it.

    >>> _agrees("Державна", "міграційна"), _agrees("Національного", "банку"), _agrees("Годований", "виборцям")
    (True, True, False)
    """
    first, second = parses(adjective), parses(word)
    for a in first:
        if "ADJF" not in a.tag.grammemes:
            continue
        for b in second:
            if not {"NOUN", "ADJF"} & b.tag.grammemes:
                continue
            same_gender = a.tag.number == "plur" or a.tag.gender is None or b.tag.gender is None or a.tag.gender == b.tag.gender
            if a.tag.case == b.tag.case and a.tag.number == b.tag.number and same_gender:
                return True
    return False


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, tuple[str, ...]]:
    """Lower-case word -> stems that mark the same country, people or organisation in text."""
    table: dict[str, tuple[str, ...]] = {}
    text = resources.files("rag.data").joinpath("gazetteer.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        words, stems = line.split("\t")
        stem_list = tuple(s.strip().lower() for s in stems.split(",") if s.strip())
        for word in words.split(","):
            table[word.strip().lower()] = stem_list
    return table


@lru_cache(maxsize=4096)
def english_place(word: str) -> str | None:
    """The gazetteer's English name (its entry's first word) for a Ukrainian word naming a
    country, people or place in any inflection, or None.

    >>> english_place("Франції"), english_place("Києва"), english_place("Умєров")
    ('France', 'Kyiv', None)
    """
    stems = place_stems(word) if re.search(r"[а-яіїєґ]", word.lower()) else None
    return None if stems is None else _english_names().get(stems)


@lru_cache(maxsize=1)
def _english_names() -> dict[tuple[str, ...], str]:
    """The gazetteer's stems -> the English name its entry lists first."""
    names: dict[tuple[str, ...], str] = {}
    for word, stems in gazetteer().items():
        names.setdefault(stems, word.upper() if len(word) <= 3 else word.capitalize())
    return names


@lru_cache(maxsize=4096)  # read for every name word of every candidate article's body
def place_stems(word: str) -> tuple[str, ...] | None:
    """The gazetteer's stems for a country, people or organisation named by ``word``: its
    English key, or for a Ukrainian word in any inflection the entry one of whose Cyrillic stems
    (at least four letters) it begins with ("Франції" -> France).

    >>> place_stems("French")[0], place_stems("Франції")[0], place_stems("Японією")[0], place_stems("Умєров")
    ('франц', 'франц', 'япон', None)
    """
    low = word.lower()
    table = gazetteer()
    if low in table:
        return table[low]
    if not re.search(r"[а-яіїєґ]", low):
        return None
    for stems in table.values():
        if any(len(s) >= 4 and re.match(r"[а-яіїєґ’']+$", s) and low.startswith(s) for s in stems):
            return stems
    return None


def _words(texts: Iterable[str]) -> list[str]:
    return [w.strip("-’'") for t in texts for w in _TOKEN.findall(t)]


def _normal_code(word: str) -> str:
    return re.sub(r"[^0-9a-zа-яіїєґ]", "", word.lower())


def _same_name(a: str, b: str) -> bool:
    """Skeletons that agree but for an inflected ending (a case suffix adds one or two consonants)."""
    if len(a) < 2 or len(b) < 2:
        return False
    shorter, longer = sorted((a, b), key=len)
    if not longer.startswith(shorter[: max(2, len(shorter) - 1)]):
        return False
    return len(longer) - len(shorter) <= 2 and (longer.startswith(shorter) or len(shorter) >= 4)


def _abbreviation(entity: Entity) -> Abbreviation | None:
    """The glossary entry of an all-caps entity ("ППО"), if it has one."""
    return lookup(entity.text) if entity.kind == "acronym" else None


# short words an organisation's name may hold that its initials leave out ("Bank of America" is BA)
_INITIALS_SKIP = frozenset("of and the for on in at to de з із зі та і й у в по на для від".split())
_ACRONYM = re.compile(r"^[A-ZА-ЯІЇЄҐ]{2,6}$")


def spelled_out(acronym: str, texts: Iterable[str]) -> bool:
    """True when a text writes the words whose initials spell ``acronym``, in the same script:
    "UK" in "the United Kingdom", "СБУ" in "Служба безпеки України". The first word is
    capitalised; for two letters both are (else "УК" would meet any "Україна каже"). No
    glossary holds every body's name, hence this.

    >>> spelled_out("UK", ["premiere in the United Kingdom and"]), spelled_out("СБУ", ["Служба безпеки України заявила"])
    (True, True)
    >>> spelled_out("UK", ["Ukraine key issues"]), spelled_out("EU", ["the European commission"])
    (False, False)
    """
    if not _ACRONYM.match(acronym):
        return False
    letters = acronym.lower()
    for text in texts:
        words = [w for w in _TOKEN.findall(text) if w.lower() not in _INITIALS_SKIP]
        for i, word in enumerate(words[: len(words) - len(letters) + 1]):
            run = words[i : i + len(letters)]
            if not word[:1].isupper() or "".join(w[0] for w in run).lower() != letters:
                continue
            if len(letters) > 2 or all(w[:1].isupper() for w in run):
                return True
    return False


def is_mentioned(entity: Entity, texts: Iterable[str]) -> bool:
    """True when the entity appears in ``texts`` in any script or inflection; a run of
    names counts as mentioned when its last word (a surname, "States") is."""
    texts = list(texts)
    lowered = " ".join(texts).lower()
    key = entity.text.lower()
    if entity.kind == "acronym" and spelled_out(entity.text, texts):
        return True  # "UK" where the text writes "the United Kingdom"
    stems = gazetteer().get(key)
    if stems:
        return any(s in lowered for s in stems)
    abbreviation = _abbreviation(entity)
    if abbreviation is not None and written_out_in(abbreviation, texts):
        return True  # "ППО" is mentioned where the text says "протиповітряна оборона"
    if " " in entity.text:
        return is_mentioned(Entity(entity.text.split()[-1], entity.kind), texts)
    if entity.kind == "code":
        number = _INFLECTED_NUMBER.match(entity.text)
        if number:  # "1920", "57-му", "19-річну": the number itself, wherever it stands ("1916-1920")
            return number.group(1) in re.findall(r"\d+", " ".join(texts))
        code = _normal_code(entity.text)
        return any(code == _normal_code(w) or code in _normal_code(w) for w in _words(texts))
    if key in lowered:
        return True
    target = skeleton(entity.text)
    return any(_same_name(target, skeleton(w)) for w in _words(texts) if w[:1].isupper())


# a capitalised word after a word or a comma: written as a name, not as a sentence's first word
_CAPITALISED_INSIDE = re.compile(r"(?<=[\w,;)»”]\s)[A-ZА-ЯІЇЄҐ][\w’'-]*")


def names_in(question: str, texts: Iterable[str]) -> list[Entity]:
    """The question's entities, less an opening word the texts do not name: a capitalised
    first word is as often an ordinary word ("Загалом, ...", "Замість ...") as a name, and
    no dictionary here tells them apart, so it counts only where the texts name it, and not when
    they also write it in lower case without ever capitalising it inside a sentence (an ordinary
    word, capitalised only where it opens one).

    >>> [e.text for e in names_in("Загалом, що сказав Умєров?", ["Умєров сказав"])]
    ['Умєров']
    >>> [e.text for e in names_in("Умєров що сказав?", ["Учора Умєров сказав"])]
    ['Умєров']
    >>> [e.text for e in names_in("Визначення чого змінили?", ["Визначення змінили. Нове визначення."])]
    []
    """
    entities = question_entities(question)
    if not any(e.initial for e in entities):
        return entities  # the texts are read only for an opening word (this runs on every question)
    texts = list(texts)
    inside = " ".join(m.group(0) for t in texts for m in _CAPITALISED_INSIDE.finditer(t))
    lower = {w for w in _words(texts) if w.islower()}

    def ordinary(e: Entity) -> bool:
        return e.kind == "name" and e.text.lower() in lower and not is_mentioned(e, [inside])

    return [e for e in entities if not e.initial or (is_mentioned(e, texts) and not ordinary(e))]


def is_topic(entity: Entity) -> bool:
    """An abbreviated common noun ("ППО", air defence): what a question asks about, not whom.

    >>> [is_topic(e) for e in question_entities("Що Умєров сказав НАТО про ППО?")]
    [False, False, True]
    """
    abbreviation = _abbreviation(entity)
    return abbreviation is not None and abbreviation.is_topic


def without_entities(question: str, entities: Iterable[Entity]) -> str:
    """The question with the named ``entities`` cut out: what it asks, not about whom.
    Abbreviated topics ("ППО") stay: they are what is asked.

    >>> without_entities("What did Lloyd Austin tell Umerov?", question_entities("What did Lloyd Austin tell Umerov?"))
    'What did tell ?'
    >>> without_entities("Що Умєров сказав про ППО?", question_entities("Що Умєров сказав про ППО?"))
    'Що сказав про ППО?'
    """
    for entity in entities:
        if is_topic(entity):
            continue
        question = re.sub(rf"(?<!\w){re.escape(entity.text)}(?:[’']s)?(?!\w)", " ", question)
    return " ".join(question.split())


def missing_entities(question: str, texts: Iterable[str]) -> list[str]:
    """The question's entities that the texts never mention."""
    texts = list(texts)
    return _unmentioned(names_in(question, texts), texts)


def _unmentioned(entities: Iterable[Entity], texts: list[str]) -> list[str]:
    return [e.text for e in entities if not is_mentioned(e, texts)]


def name_pairs(text: str, other: str) -> dict[str, str]:
    """Capitalised Cyrillic words of ``text`` paired with the capitalised Latin word of ``other``
    that has the same consonant skeleton (the same name in the other script).

    >>> name_pairs("Умєров зустрівся з Остіном у Вашингтоні.", "What did Umerov and Austin discuss?")
    {'Умєров': 'Umerov', 'Остіном': 'Austin'}
    """
    latin = {w: skeleton(w) for w in _words([other]) if w[:1].isupper() and _LATIN_WORD.match(w)}
    pairs: dict[str, str] = {}
    for word in _words([text]):
        if not word[:1].isupper() or _LATIN_WORD.match(word):
            continue
        code = skeleton(word)
        match = next((w for w, s in latin.items() if _same_name(code, s)), None)
        if match:
            pairs[word] = match
    return pairs


def entity_support(question: str, bodies: Mapping[str, str]) -> tuple[set[str], list[str]]:
    """Which articles may answer a question that names things: those mentioning at least one
    of its entities; and the entities that none of those articles mention. A question that
    names nothing keeps every article.

    >>> entity_support("What did Umerov say in Tokyo?", {"a": "Умєров у Токіо", "b": "Погода в Києві"})
    ({'a'}, [])
    """
    entities = names_in(question, bodies.values())
    if not entities:
        return set(bodies), []
    kept = {s for s, body in bodies.items() if any(is_mentioned(e, [body]) for e in entities)}
    return kept, _unmentioned(entities, [bodies[s] for s in kept])
