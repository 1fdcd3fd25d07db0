"""An offline sparse (lexical) encoder for Qdrant's sparse vectors with the IDF modifier.

fastembed's BM25 downloads its model at run time, which fails offline; this is the
same idea in a few lines: prefix-stemmed terms, hashed to indices, with BM25's term
frequency saturation on the document side. Qdrant applies IDF at query time.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass

_WORD = re.compile(r"[\w’'-]+", re.UNICODE)
STEM_CHARS = 6
_STOPWORDS = frozenset(
    """і й та а але що як з із зі в у на до від по за про для під над при через щодо це цей ця ці той
    та ті він вона воно вони ми ви я його її їх їм нам вам був була було були є бути не ні так же ж б би
    чи також ще вже лише який яка яке які якої яких котрий свій своє своїх
    the a an and or of to in on at by for with from about as is are was were be been it its this that these
    those what which who whom whose did do does how when where why with into than then also not no""".split()
)


@dataclass(frozen=True)
class SparseVector:
    indices: list[int]
    values: list[float]


def terms(text: str) -> list[str]:
    """Lower-cased word prefixes of at most ``STEM_CHARS`` letters, stopwords removed.

    Prefix truncation is a crude but language-neutral stemmer that suits Ukrainian's
    rich inflection: "обговорили", "обговорив" and "обговорення" share "обгово".

    >>> terms("Умєров обговорив ППО з Остіном")
    ['умєров', 'обгово', 'ппо', 'остіно']
    """
    out = []
    for word in _WORD.findall(text.lower().replace("'", "’")):
        word = word.strip("-’")
        if not word or word in _STOPWORDS:
            continue
        out.append(word[:STEM_CHARS])
    return out


def term_index(term: str) -> int:
    """A stable 31-bit index for a term (crc32; collisions are rare and harmless)."""
    return zlib.crc32(term.encode("utf-8")) & 0x7FFFFFFF


NAME_PREFIX = 5


def name_terms(text: str) -> list[str]:
    """Script-free terms of the words of ``text``: "~" and the first letters of each folded
    Latin form of the word, its lemma and, for an adjective, its stem (:func:`rag.names.word_forms`),
    so that "Poltava" in an English question meets "полтавського" and "Naftogaz" "Нафтогазу".

    >>> name_terms("у Варшаві"), name_terms("Warsaw")
    (['~varsa'], ['~varsa'])
    """
    from rag.names import word_forms  # pymorphy3 loads on first use

    out = []
    for word in _WORD.findall(text):
        word = word.strip("-’'")
        if len(word) < 3 or word.lower() in _STOPWORDS or not word[0].isalpha():
            continue
        out.extend(sorted({"~" + f[:NAME_PREFIX] for f in word_forms(word) if len(f) >= 2}))
    return out


def encode_document(text: str, k1: float = 1.2, b: float = 0.75, avg_len: float = 60.0) -> SparseVector:
    """BM25 term-frequency weights of a passage (IDF is left to Qdrant's modifier): its word
    terms and its :func:`name_terms` (the length normalisation counts the word terms only)."""
    words = terms(text)
    counts = Counter(words + name_terms(text))
    length = len(words) or 1
    norm = k1 * (1 - b + b * length / avg_len)
    weights: dict[int, float] = {}
    for term, tf in counts.items():
        idx = term_index(term)
        weights[idx] = weights.get(idx, 0.0) + tf * (k1 + 1) / (tf + norm)
    return SparseVector(indices=list(weights), values=list(weights.values()))


def encode_query(text: str) -> SparseVector:
    """Each distinct query term once, weight 1."""
    indices = sorted({term_index(t) for t in terms(text)})
    return SparseVector(indices=indices, values=[1.0] * len(indices))


def encode_names(names: list[str]) -> SparseVector:
    """A query of the :func:`name_terms` of ``names`` alone: for an English question over
    Ukrainian text, whose other words share nothing with the articles."""
    indices = sorted({term_index(t) for t in name_terms(" ".join(names))})
    return SparseVector(indices=indices, values=[1.0] * len(indices))
