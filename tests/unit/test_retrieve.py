"""Which questions the lexical branch serves: those that share the corpus's script."""

from __future__ import annotations

from dataclasses import replace

from rag.retrieve import LATIN_CORPUS, latin_share, sparse_query, use_sparse
from rag.settings import Settings


def test_a_ukrainian_question_is_searched_lexically_whatever_the_corpus() -> None:
    settings = Settings.from_env()
    assert use_sparse("Що обговорили Умєров і Остін?", settings, 0.0)
    assert use_sparse("Що обговорили Умєров і Остін?", settings, 1.0)


def test_an_english_question_is_searched_lexically_only_over_a_corpus_in_latin_letters() -> None:
    settings = Settings.from_env()
    english = [latin_share(["The Zhengde Emperor ruled from 1505."]), latin_share(["Умєров зустрівся з Остіном."])]
    assert english[0] >= LATIN_CORPUS > english[1]
    assert use_sparse("When did the emperor rule?", settings, english[0])
    assert not use_sparse("When did the emperor rule?", settings, english[1])
    assert sparse_query("When did the emperor rule?", replace(settings, sparse_names=False), english[1]) is None
    vector = sparse_query("When did the emperor rule?", settings, english[0])
    assert vector is not None and len(vector.indices) == 2  # "emperor", "rule" (stopwords left out)


def test_the_setting_turns_the_lexical_branch_off() -> None:
    settings = replace(Settings.from_env(), sparse=False)
    assert not use_sparse("Що обговорили?", settings, 0.0) and sparse_query("When?", settings, 1.0) is None
