"""Pure parts of evidence selection."""

import numpy as np

from rag.evidence import term_overlap


def test_a_rare_shared_word_counts_more_than_one_every_sentence_has():
    texts = ["Умєров говорив про ППО.", "Умєров говорив про фортифікації.", "Умєров подякував."]
    scores = term_overlap("Що Умєров сказав про ППО?", texts)
    assert scores[0] > scores[1] > 0 and scores[1] == scores[2]


def test_inflected_forms_match():
    scores = term_overlap("обговорення ракетного обстрілу", ["Вони обговорили ракетні обстріли.", "Інша тема."])
    assert scores[0] == 1.0 and scores[1] == 0


def test_nothing_shared_or_nothing_to_score():
    assert term_overlap("What did they discuss?", ["Вони обговорили ППО."]).tolist() == [0.0]
    assert term_overlap("", ["Будь-що."]).tolist() == [0.0]
    assert term_overlap("Що?", []).shape == (0,)
    assert isinstance(term_overlap("ППО", ["ППО"]), np.ndarray)
