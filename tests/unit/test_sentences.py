from rag.ingest.sentences import split_sentences
from rag.types import Span


def spans(text):
    return [text[s.start : s.end] for s in split_sentences(text, [Span(0, len(text))])]


def test_splits_on_sentence_ends_and_keeps_quotes():
    text = '"Ми говорили про події. Ми згодні", написав він. Потім - інше.'
    assert spans(text) == ['"Ми говорили про події.', 'Ми згодні", написав він.', "Потім - інше."]


def test_abbreviations_and_initials_do_not_split():
    assert spans("У 2025 р. ціни зросли. Л. Остін приїхав.") == ["У 2025 р. ціни зросли.", "Л. Остін приїхав."]


def test_run_on_text_is_cut_below_the_limit():
    text = ("слово " * 400).strip()
    pieces = split_sentences(text, [Span(0, len(text))], limit=300)
    assert len(pieces) > 5
    assert all(p.end - p.start <= 300 for p in pieces)
    assert all(text[p.start : p.end].strip() == text[p.start : p.end] for p in pieces)
