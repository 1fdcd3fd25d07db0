"""The ChatModel interface's own logic: deadlines and token counts."""

import pytest

from rag.errors import LLMError
from rag.llm.base import ChatModel, Message
from rag.tokens import token_counter


class _Echo(ChatModel):
    name = "echo"

    def __init__(self, pieces):
        self.pieces = pieces

    def _stream(self, messages, max_tokens):
        yield from self.pieces


def test_usage_counts_the_messages_text_in_and_the_reply_out():
    model = _Echo(["Умєров ", "обговорив ППО [1]."])
    messages = [Message("system", "Answer from the passages."), Message("user", "Що обговорили?")]
    reply = model.complete(messages, 50, 10.0)
    usage = model.usage(messages, reply)
    count = token_counter()
    assert usage == {"in": count("Answer from the passages.") + count("Що обговорили?"), "out": count(reply)}
    assert usage["out"] > 0


def test_a_failing_model_raises_a_readable_error():
    class Broken(_Echo):
        def _stream(self, messages, max_tokens):
            raise ConnectionError("refused")
            yield ""

    with pytest.raises(LLMError, match="echo failed: ConnectionError: refused"):
        Broken([]).complete([Message("user", "q")], 10, 5.0)
