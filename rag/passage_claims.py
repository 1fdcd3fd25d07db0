"""One short claim per cited passage: the LLM answer designed for a 1.5B model.

The passages are chosen first, by the same selection model as the extractive answer
(:func:`rag.selection.choose`), so an LLM answer cites exactly what the extractive one would.
For each of them the model is asked for one short sentence giving only the answer that passage
states, with the passage's months, currencies and names given to it in English by code
(:func:`rag.gloss.term_hints`) and its abbreviations from the glossary. Each sentence is checked
alone against its own passage (:func:`rag.verify.check_claim`) before it is shown; a passage
whose sentence fails, or for which the model says the passage does not answer, is shown as its
quote, as the extractive answer shows it. So the answer never says less than the extractive one
and never cites a passage the extractive one would not.

A short prompt per passage is also what makes the first sentence come soon: the system turn and
the worked examples are one fixed prefix for both languages, which llama.cpp's prompt cache
holds, and only the passage and the question are new tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from rag import selection
from rag.answer import citation, quoted_text
from rag.gloss import term_hints
from rag.glossary import meanings_in
from rag.llm.base import Message
from rag.types import Answer, Citation, Evidence, QuestionPart
from rag.verify import check_claim

NO_ANSWER = "NONE"
MAX_TOKENS = 64  # one short sentence; the model's restatements of the question run longer
SYSTEM = ("You answer a question from one passage of a news article. Reply with one short sentence that "
          "gives only the answer the passage states, in the language asked for. Do not repeat the question's "
          "details; add nothing the passage does not say; write names as the word list gives them. If the "
          f"passage does not answer the question, reply only: {NO_ANSWER}")
# worked examples, the same for every question and language (one cached prefix): an English answer
# that leaves out the question's details (the place, the year), a Ukrainian one, and a passage
# that does not answer
EXAMPLES = (
    ("Passage: Сторони обговорили постачання снарядів та посилення ППО.\nWords: ППО = air defence\n"
     "Question: What did the defence ministers discuss at their meeting in Berlin?\nAnswer in English.",
     "They discussed shell supplies and stronger air defence."),
    ("Passage: За ремонт школи у 2019 році сплатили 1,2 млн грн.\nWords: грн = hryvnias\n"
     "Question: How much did the council of Lviv region pay for the school repairs?\nAnswer in English.",
     "1.2 million hryvnias were paid for the repairs."),
    ("Passage: Міністр провів зустріч з колегою у Берліні 5 жовтня.\nQuestion: Коли міністр зустрівся з колегою?\n"
     "Answer in Ukrainian.", "Зустріч відбулася 5 жовтня."),
    ("Passage: Міністр провів зустріч з колегою у Берліні.\nWords: Берліні = Berlin\n"
     "Question: How much did the deal cost?\nAnswer in English.", NO_ANSWER),
)
_CYRILLIC = re.compile(r"[А-Яа-яІіЇїЄєҐґ]")
_LATIN = re.compile(r"[A-Za-z]")
_LABEL = re.compile(r"^\W*(answer|відповідь)\W*:\W*", re.IGNORECASE)
_NONE = re.compile(rf"^\W*{NO_ANSWER}\b", re.IGNORECASE)
_MARKERS = re.compile(r"\s*\[\d{1,3}\]")


def cited(question: str, evidence: Sequence[Evidence], k: int, second: float | None,
          parts: Sequence[QuestionPart] = (), seen: Sequence[Citation] = ()) -> list[Citation]:
    """The passages the answer is written from: the extractive answer's citations, the same
    sentences (:func:`rag.selection.choose_for_parts`) cited the same way."""
    chosen = selection.choose_for_parts(question, evidence, parts, k, second=second, seen=seen)
    return [citation(n, e) for n, e in enumerate(chosen, 1)]


def messages(question: str, passage: str, lang: str) -> list[Message]:
    """The prompt for one passage. For an English answer, the English of the passage's months,
    currencies, names and abbreviations, worked out by code, so the model copies them."""
    words = {**term_hints(passage), **meanings_in([passage])} if lang == "en" else {}
    listed = ("\nWords: " + "; ".join(f"{k} = {v}" for k, v in words.items())) if words else ""
    user = f"Passage: {passage}{listed}\nQuestion: {question}\nAnswer in {'Ukrainian' if lang == 'uk' else 'English'}."
    out = [Message("system", SYSTEM)]
    for asked, replied in EXAMPLES:
        out += [Message("user", asked), Message("assistant", replied)]
    return out + [Message("user", user)]


def parse(raw: str, lang: str) -> str | None:
    """The model's reply as one claim, or None: it said the passage does not answer, it wrote
    nothing or a question, or it wrote in the other language (an English answer with Cyrillic left in it is a
    failed translation).

    >>> parse("Kramatorsk [1]\\nExtra line", "en"), parse("NONE - not said.", "en"), parse("У Краматорську", "en")
    ('Kramatorsk.', None, None)
    >>> parse("**Answer:**\\n70 missiles", "en")
    '70 missiles.'
    """
    lines = (" ".join(_MARKERS.sub("", _LABEL.sub("", x)).replace("*", "").replace("#", "").split()) for x in raw.splitlines())
    text = next((x for x in lines if x.strip(" .:")), "")  # a label alone on a line is no answer line
    if not text or _NONE.match(text) or text.endswith("?"):
        return None  # a question back (the model restating the question) is no answer
    cyrillic, latin = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    if (lang == "en" and cyrillic) or (lang == "uk" and latin > cyrillic):
        return None
    return text if text.endswith((".", "!", "?", "…", "\"", "”", "»")) else text + "."


@dataclass(frozen=True)
class Checked:
    """A passage's claim after the check: ``text`` shown (None: the quote is shown instead) and
    why a written claim was not shown."""

    text: str | None
    removed: str = ""


def check(raw: str, passage: str, question: str, lang: str) -> Checked:
    """The claim the model wrote for ``passage``, shown only if :func:`rag.verify.check_claim`
    passes it against that passage alone."""
    claim = parse(raw, lang)
    if claim is None:
        return Checked(None)
    verdict = check_claim(claim, [passage], question)
    if not verdict.supported:
        return Checked(None, f"{claim} ({'; '.join(verdict.problems)})")
    return Checked(claim)


def render(checked: Checked, citation: Citation) -> str:
    """One passage's part of the answer: its claim with the citation's marker, else its quote.

    >>> c = Citation(1, "a.txt", "", "Вони зустрілися.", 0, 16, 1.0)
    >>> render(Checked("They met."), c), render(Checked(None), c)
    ('They met [1].', '«Вони зустрілися.» [1]')
    """
    text = checked.text
    if text is None:
        return quoted_text([citation])  # as the extractive answer writes it
    n = citation.n
    return f"{text[:-1]} [{n}]{text[-1]}" if text[-1] in ".!?…" else f"{text} [{n}]"


def compose(question: str, citations: Sequence[Citation], checked: Sequence[Checked],
            timings: dict[str, float], failure: str = "") -> Answer:
    """The answer: each passage's claim or quote, in the selection's order. Mode "llm" when at
    least one claim is shown, else "extractive" with a notice saying why; ``failure``: the model's
    error that left the later passages as quotes."""
    text = " ".join(render(k, c) for c, k in zip(citations, checked))
    removed = tuple(k.removed for k in checked if k.removed)
    shown = sum(k.text is not None for k in checked)
    if shown:
        notes = [f"{len(removed)} generated sentence(s) replaced by their quote: they said what their quotes do not"
                 if removed else "", f"the later quotes are shown as they are: {failure}" if failure else ""]
        return Answer(question=question, text=text, abstained=False, citations=tuple(citations), timings=timings,
                      mode="llm", notice="; ".join(n for n in notes if n), removed=removed)
    why = (f"extractive answer: {failure}" if failure else "its sentences did not match their quotes" if removed
           else "it found no answer it could state")
    notice = why if failure else f"the language model's answer was not shown ({why}); showing the passages"
    return Answer(question=question, text=text, abstained=False, citations=tuple(citations), timings=timings,
                  mode="extractive", notice=notice,
                  removed=removed)
