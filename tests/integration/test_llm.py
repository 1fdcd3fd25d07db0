"""The real local LLM (Qwen2.5-Coder-1.5B GGUF through llama.cpp), end to end."""

from dataclasses import replace
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.llm]
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def llm_service(service):
    from rag.service import RagService

    svc = RagService(replace(service.settings, llm="local"))
    svc._backend, svc._embedder, svc._vectors = service.backend, service.embedder, service._vectors
    assert svc.llm() is not None, svc.llm_status()
    return svc


def test_local_llm_answers_with_valid_markers_and_exact_quotes(llm_service):
    answer = llm_service.ask("What did Austin and Umerov discuss?", use_llm=True)
    assert not answer.abstained
    assert answer.mode in {"llm", "extractive"}
    assert answer.citations and {c.source for c in answer.citations} == {"002_7498e557ddcf7abd.txt"}
    for c in answer.citations:
        assert (SEEDS / c.source).read_text(encoding="utf-8")[c.start : c.end] == c.quote
        assert f"[{c.n}]" in answer.text
    assert answer.timings["generate_ms"] > 0
    assert answer.tokens["in"] > answer.tokens["out"] > 0  # the model's own tokenizer
    assert answer.to_dict()["tokens"] == answer.tokens


def test_local_llm_streams_tokens(llm_service):
    from rag.service import Done, Token

    events = list(llm_service.ask_stream("Хто такий Скотт Брей?", use_llm=True))
    assert any(isinstance(e, Token) for e in events)
    assert isinstance(events[-1], Done)


def test_a_timeout_falls_back_to_the_extractive_answer(llm_service):
    llm_service.settings = replace(llm_service.settings, llm_timeout_s=0.0)
    try:
        answer = llm_service.ask("Which Japanese minister did Umerov speak with?", use_llm=True)
    finally:
        llm_service.settings = replace(llm_service.settings, llm_timeout_s=120.0)
    assert answer.mode == "extractive" and "did not finish" in answer.notice and answer.citations
    assert answer.tokens["in"] > 0  # the prompt was sent


def test_an_english_gloss_of_a_ukrainian_quote_keeps_the_questions_names(llm_service):
    quote = "Міністр оборони України Рустем Умєров мав у Вашингтоні зустріч із американським колегою Ллойдом Остіном."
    gloss = llm_service.gloss(quote, "What did Umerov and Austin discuss?")
    assert gloss and "Umerov" in gloss and "Austin" in gloss and "Washington" in gloss
    assert llm_service.gloss(quote, "Що обговорили?", target="uk") is None  # a Ukrainian reader needs none


def test_the_extractive_answer_with_glosses_quotes_and_glosses_each_quote_in_english(llm_service):
    from rag.service import Done, Status
    from rag.verify import check_claim

    assert llm_service.settings.answer_mode == "extractive" and not llm_service.settings.glosses
    events = list(llm_service.ask_stream("What did Austin and Umerov discuss?", glosses=True))
    from rag.service import Token

    translating = next(i for i, e in enumerate(events) if isinstance(e, Status) and "translating quote" in e.text)
    first_token = next(i for i, e in enumerate(events) if isinstance(e, Token))
    answer = events[-1].answer
    assert first_token < translating and answer.citations[0].quote in events[first_token].text  # quotes shown first
    assert isinstance(events[-1], Done) and answer.mode == "extractive" and answer.citations
    assert "gloss_ms" in answer.timings and answer.timings.get("generate_ms", 0) == 0  # no LLM-written sentence
    glossed = [c for c in answer.citations if c.gloss]
    assert glossed, answer.to_dict()  # the gloss of a withheld one would have failed the checks
    for c in glossed:
        assert f"machine translation: “{c.gloss}”" in answer.text
        assert check_claim(c.gloss, [c.quote]).supported
        assert (SEEDS / c.source).read_text(encoding="utf-8")[c.start : c.end] == c.quote  # the quote untouched
    assert answer.to_dict()["citations"][answer.citations.index(glossed[0])]["gloss"] == glossed[0].gloss
    uk = llm_service.ask("Що обговорили Остін і Умєров?")
    assert not any(c.gloss for c in uk.citations) and "machine translation" not in uk.text
