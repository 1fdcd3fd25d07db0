"""The LLM answer written one checked sentence per quote (rag.passage_claims through the service),
with a scripted model: what it cites, what it shows, what it streams."""

from dataclasses import replace
from typing import Iterator, Sequence

import pytest

from rag.llm.base import ChatModel, Message

QUESTION = "How many missiles did Russia launch on 5 December?"


class _Scripted(ChatModel):
    """Replies in turn; records each prompt."""

    name = "scripted"

    def __init__(self, replies: Sequence[str]) -> None:
        self.replies, self.prompts = list(replies), []

    def _stream(self, messages: Sequence[Message], max_tokens: int) -> Iterator[str]:
        self.prompts.append(list(messages))
        yield self.replies.pop(0) if self.replies else "NONE"


@pytest.fixture()
def scripted(service):
    from rag.service import RagService

    def make(replies: Sequence[str]) -> tuple[RagService, _Scripted]:
        svc = RagService(replace(service.settings, llm_style="passage", reader_below=0.0))
        svc._backend, svc._embedder, svc._vectors = service.backend, service.embedder, service._vectors
        model = _Scripted(replies)
        svc._llm, svc._llm_loaded = model, True
        return svc, model

    return make


def test_each_quote_of_the_extractive_answer_gets_one_checked_sentence(service, scripted):
    extractive = service.ask(QUESTION, use_llm=False)
    svc, model = scripted(["Russia launched more than 70 missiles."] * 3)
    answer = svc.ask(QUESTION, use_llm=True)
    assert answer.citations == extractive.citations  # the same passages, the same exact quotes
    assert len(model.prompts) == len(extractive.citations)
    assert answer.mode == "llm" and answer.text.startswith("Russia launched more than 70 missiles [1].")
    assert answer.tokens["in"] > answer.tokens["out"] > 0


def test_a_sentence_that_drops_the_quotes_more_than_is_replaced_by_the_quote(service, scripted):
    svc, _ = scripted(["Russia launched 70 missiles."] * 3)
    answer = svc.ask(QUESTION, use_llm=True)
    first = answer.citations[0]
    assert "понад 70" in first.quote
    assert answer.text.startswith(f"«{first.quote}» [1]") and "Russia launched 70" not in answer.text
    assert any("bound 70" in r for r in answer.removed)


def test_each_checked_sentence_is_streamed_as_soon_as_it_is_checked(scripted):
    from rag.service import Done, Status, Token

    svc, _ = scripted(["Russia launched more than 70 missiles."] * 3)
    events = list(svc.ask_stream(QUESTION, use_llm=True))
    answer = events[-1].answer
    assert isinstance(events[-1], Done) and "first_token_ms" in answer.timings
    tokens = [i for i, e in enumerate(events) if isinstance(e, Token)]
    assert events[tokens[0]].text == "Russia launched more than 70 missiles [1]."
    writing = [i for i, e in enumerate(events) if isinstance(e, Status) and "writing a sentence for quote" in e.text]
    assert len(writing) == len(tokens) == len(answer.citations)
    assert all(w < t for w, t in zip(writing, tokens)) and all(t < w for t, w in zip(tokens, writing[1:]))
    assert "".join(events[i].text for i in tokens) == answer.text  # what was streamed is the answer


class _Failing(_Scripted):
    def _stream(self, messages, max_tokens):
        raise TimeoutError("no reply")
        yield ""


def test_a_failing_model_leaves_every_quote_shown_and_says_why(service, scripted):
    from rag.service import Token

    svc, _ = scripted([])
    svc._llm = _Failing([])
    events = list(svc.ask_stream(QUESTION, use_llm=True))
    answer = events[-1].answer
    extractive = service.ask(QUESTION, use_llm=False)
    assert answer.mode == "extractive" and answer.citations == extractive.citations
    assert "".join(e.text for e in events if isinstance(e, Token)) == answer.text
    assert all(f"«{c.quote}» [{c.n}]" in answer.text for c in answer.citations)
    assert "TimeoutError" in answer.notice and "not shown" not in answer.notice
