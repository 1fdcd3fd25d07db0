"""Pure parts of evidence selection."""

import numpy as np
import pytest

from rag.evidence import SentenceVectors, select_evidence, term_overlap
from rag.types import Hit, Span


def test_a_rare_shared_word_counts_more_than_one_every_sentence_has():
    texts = ["Умєров говорив про ППО.", "Умєров говорив про фортифікації.", "Умєров подякував."]
    scores = term_overlap("Що Умєров сказав про ППО?", texts)
    assert scores[0] > scores[1] > 0 and scores[1] == scores[2]


def test_inflected_forms_match():
    scores = term_overlap("обговорення ракетного обстрілу", ["Вони обговорили ракетні обстріли.", "Інша тема."])
    assert scores[0] == 1.0 and scores[1] == 0


def test_an_abbreviation_and_its_written_out_form_are_one_term():
    texts = ["Посилення ППО.", "Посилення протиповітряної оборони.", "Посилення армії."]
    for question in ("Що він сказав про ППО?", "What did he say about air defence?"):
        scores = term_overlap(question, texts)
        assert scores[0] == scores[1] > scores[2] == 0


def test_nothing_shared_or_nothing_to_score():
    assert term_overlap("What did they discuss?", ["Вони обговорили ППО."]).tolist() == [0.0]
    assert term_overlap("", ["Будь-що."]).tolist() == [0.0]
    assert term_overlap("Що?", []).shape == (0,)
    assert isinstance(term_overlap("ППО", ["ППО"]), np.ndarray)


class _FixedVectors:
    """An embedder whose document vectors are given per sentence text."""

    def __init__(self, vectors: dict[str, list[float]]) -> None:
        self.vectors = vectors

    def embed_documents(self, texts, titles):
        return np.array([self.vectors[t] for t in texts], dtype=np.float32)


def _article(text: str, chunk_index: int, offset: int = 0) -> Hit:
    spans, pos = [], offset
    for sentence in text.split(" "):
        spans.append(Span(pos, pos + len(sentence)))
        pos += len(sentence) + 1
    return Hit(f"c{chunk_index}", 1.0, "a.txt", "T", text, offset, offset + len(text), tuple(spans),
               {"chunk_index": chunk_index})


def test_the_lead_wins_a_near_tie_and_only_a_near_tie():
    hit = _article("Lead. Later.", 0)
    near = SentenceVectors(_FixedVectors({"Lead.": [0.60, 0.8], "Later.": [0.62, 0.78]}))
    query = np.array([1.0, 0.0])
    assert select_evidence(query, [hit], near, 1, chunk_weight=0)[0].quote.text == "Later."
    assert select_evidence(query, [hit], near, 1, chunk_weight=0, lead_weight=0.05)[0].quote.text == "Lead."
    far = SentenceVectors(_FixedVectors({"Lead.": [0.40, 0.9], "Later.": [0.62, 0.78]}))
    assert select_evidence(query, [hit], far, 1, chunk_weight=0, lead_weight=0.05)[0].quote.text == "Later."


def test_the_first_sentence_of_a_later_chunk_is_not_a_lead():
    second = _article("Middle. End.", 1, offset=20)
    vectors = SentenceVectors(_FixedVectors({"Middle.": [0.60, 0.8], "End.": [0.62, 0.78]}))
    best = select_evidence(np.array([1.0, 0.0]), [second], vectors, 1, chunk_weight=0, lead_weight=0.05)
    assert best[0].quote.text == "End."


def test_the_focus_decides_the_ranking_but_the_score_stays_the_questions_cosine():
    hit = _article("Name. Answer.", 1)
    vectors = SentenceVectors(_FixedVectors({"Name.": [1.0, 0.0], "Answer.": [0.6, 0.8]}))
    question, focus = np.array([0.9, 0.436]), np.array([0.0, 1.0])
    assert select_evidence(question, [hit], vectors, 1, chunk_weight=0)[0].quote.text == "Name."
    best = select_evidence(question, [hit], vectors, 2, chunk_weight=0, focus_vector=focus, focus_weight=0.5)
    assert [e.quote.text for e in best] == ["Answer.", "Name."]
    assert best[0].score == pytest.approx(0.6 * 0.9 + 0.8 * 0.436, abs=1e-5)


def test_chunks_with_tied_scores_get_the_same_rank_bonus():
    first, second = _article("Alpha.", 0), _article("Beta.", 1, offset=50)
    vectors = SentenceVectors(_FixedVectors({"Alpha.": [0.60, 0.8], "Beta.": [0.62, 0.78]}))
    best = select_evidence(np.array([1.0, 0.0]), [first, second], vectors, 1, chunk_weight=0.1)
    assert best[0].quote.text == "Beta."  # with ranks 1 and 2, Alpha's bonus would be 0.05 higher


def test_a_follow_ups_own_turn_ranks_the_sentences_and_the_searched_text_scores_them():
    hit = _article("Earlier. Asked.", 1)
    vectors = SentenceVectors(_FixedVectors({"Earlier.": [1.0, 0.0], "Asked.": [0.0, 1.0]}))
    searched, turn = np.array([0.8, 0.6]), np.array([0.0, 1.0])
    assert select_evidence(searched, [hit], vectors, 1, chunk_weight=0)[0].quote.text == "Earlier."
    best = select_evidence(searched, [hit], vectors, 1, chunk_weight=0, asked_vector=turn)[0]
    assert best.quote.text == "Asked." and best.score == pytest.approx(0.6)
