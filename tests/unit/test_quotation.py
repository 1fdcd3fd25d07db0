"""Direct speech over several sentences (rag.quotation)."""

from rag.ingest.sentences import split_sentences
from rag.quotation import closed_quotation, open_quotations
from rag.types import Span

ARTICLE = (
    "Міністр провів розмову.\n"
    "«Ми говорили про події. Влада слабка. Їм краще зайнятися своїм», написав він у неділю.\n"
    "Він також подякував. \"Ми будемо поруч\", – сказав Остін."
)


def sentences(text=ARTICLE):
    return split_sentences(text, _lines(text))


def _lines(text):
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append(Span(pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def cut(span, text=ARTICLE):
    return text[span.start : span.end]


def test_the_tail_of_a_quotation_is_widened_to_its_opening_and_keeps_its_speaker():
    spans = sentences()
    tail = next(s for s in spans if cut(s).startswith("Їм краще"))
    whole = closed_quotation(ARTICLE, spans, tail, 600)
    assert cut(whole) == "«Ми говорили про події. Влада слабка. Їм краще зайнятися своїм», написав він у неділю."


def test_a_sentence_that_opens_sits_inside_or_holds_a_whole_quotation_stays_as_it_is():
    spans = sentences()
    for start in ("«Ми говорили", "Влада слабка", "Він також", "\"Ми будемо", "Міністр"):
        s = next(x for x in spans if cut(x).startswith(start))
        assert closed_quotation(ARTICLE, spans, s, 600) == s


def test_a_quotation_is_not_followed_across_paragraphs_nor_past_the_length_cap():
    text = "«Перше речення цитати.\nДруге речення», сказав він."
    spans = sentences(text)
    assert closed_quotation(text, spans, spans[-1], 600) == spans[-1]  # opened in another paragraph
    spans = sentences()
    tail = next(s for s in spans if cut(s).startswith("Їм краще"))
    assert closed_quotation(ARTICLE, spans, tail, 40) == tail


def test_quotation_marks_of_both_languages():
    assert open_quotations("«Так, — «ні» — так", 0, 16)
    assert not open_quotations("“Yes. No.” Then", 0, 15)
    assert not open_quotations("„Так“ і «ні»", 0, 12)
    assert open_quotations('Він сказав: "Так.', 0, 17)
