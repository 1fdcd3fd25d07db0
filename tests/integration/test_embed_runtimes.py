"""The two encoder runtimes agree: sentence-transformers on torch and the same pipeline exported to
OpenVINO give the same tokens, the same vectors (to rounding) and the same rankings."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from rag.embed.factory import _create
from rag.settings import Settings

pytestmark = pytest.mark.slow

TEXTS = [
    "Що обговорили Остін і Умєров?",
    "What did Austin and Umerov discuss?",
    "Міністр оборони України Рустем Умєров провів телефонну розмову з міністром оборони США.",
    "x",
    "Довгий текст про оборону. " * 200,  # beyond 512 tokens: both cut it the same way
]


@pytest.fixture(scope="module")
def runtimes():
    base = Settings.from_env(embed_cache=False)
    return _create(replace(base, embed_runtime="torch", embed_precision="fp32")), \
        _create(replace(base, embed_runtime="openvino", embed_precision="bf16"))


def test_same_tokens_as_sentence_transformers(runtimes):
    torch_side, openvino_side = runtimes
    expected = torch_side._model.tokenize(TEXTS)
    got = openvino_side._openvino.tokenize(TEXTS)
    assert np.array_equal(expected["input_ids"].numpy(), got["input_ids"])
    assert np.array_equal(expected["attention_mask"].numpy(), got["attention_mask"])


def test_vectors_agree(runtimes):
    torch_side, openvino_side = runtimes
    assert openvino_side.precision in ("bf16-openvino", "fp32-openvino")
    assert openvino_side.dim == torch_side.dim
    pairs = [
        (torch_side.embed_documents(TEXTS, ["Новини"] * len(TEXTS)), openvino_side.embed_documents(TEXTS, ["Новини"] * len(TEXTS))),
        (torch_side.embed_queries(TEXTS), openvino_side.embed_queries(TEXTS)),
        (torch_side.embed_variants([("query", TEXTS[0]), ("question", TEXTS[1]), ("symmetric", TEXTS[2])]),
         openvino_side.embed_variants([("query", TEXTS[0]), ("question", TEXTS[1]), ("symmetric", TEXTS[2])])),
    ]
    for a, b in pairs:
        assert a.shape == b.shape
        assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-4)
        assert (a * b).sum(axis=1).min() >= 0.999


def test_same_ranking_of_seed_sentences(runtimes, seeds):
    torch_side, openvino_side = runtimes
    sentences = [s.strip() for f in sorted(seeds.glob("*.txt")) for s in f.read_text("utf-8").split(". ") if len(s.strip()) > 40][:60]
    questions = ["Про що говорили міністри оборони?", "Who is Scott Brady?", "Коли відбулася розмова?"]
    docs_a, docs_b = torch_side.embed_documents(sentences), openvino_side.embed_documents(sentences)
    for q in questions:
        top_a = np.argsort(-(docs_a @ torch_side.embed_questions([q])[0]))[:3]
        top_b = np.argsort(-(docs_b @ openvino_side.embed_questions([q])[0]))[:3]
        assert top_a[0] == top_b[0]
        assert len(set(top_a) & set(top_b)) >= 2


def test_bad_runtime_or_precision_is_a_clear_error():
    base = Settings.from_env(embed_cache=False)
    with pytest.raises(ValueError, match="RAG_EMBED_RUNTIME"):
        _create(replace(base, embed_runtime="onnx"))
    with pytest.raises(ValueError, match="RAG_EMBED_RUNTIME=openvino takes"):
        _create(replace(base, embed_runtime="openvino", embed_precision="fp16"))


@pytest.fixture(scope="module")
def int8_side():
    return _create(replace(Settings.from_env(embed_cache=False), embed_runtime="openvino", embed_precision="int8"))


def test_int8_weights_keep_the_vectors(runtimes, int8_side):
    """int8 weights (nncf) keep a vector within cosine 0.995 of fp32 (measured: 0.998, as torch's bf16)."""
    torch_side, _ = runtimes
    assert int8_side.precision == "int8-openvino"
    a = torch_side.embed_documents(TEXTS, ["Новини"] * len(TEXTS))
    b = int8_side.embed_documents(TEXTS, ["Новини"] * len(TEXTS))
    assert np.isfinite(b).all()
    assert (a * b).sum(axis=1).min() >= 0.995


def test_int8_weights_keep_the_ranking(runtimes, int8_side, seeds):
    torch_side, _ = runtimes
    test_same_ranking_of_seed_sentences((torch_side, int8_side), seeds)


def _clauses(seeds, n: int) -> list[str]:
    """``n`` pieces of the seeds' text of many lengths (clauses and sentences)."""
    import re

    pieces = [c.strip() for f in sorted(seeds.glob("*.txt")) for c in re.split(r"[.,;:!?]\s+", f.read_text("utf-8"))]
    return [c for c in pieces if len(c) > 15][:n]


@pytest.mark.parametrize("side", ["bf16", "int8"])
def test_an_ingests_many_texts_on_the_bulk_streams_match_each_text_alone(runtimes, int8_side, seeds, side):
    """An ingest's many texts run on parallel streams in short batches ordered by token length;
    each comes back in its own row, as it would encoded alone (a one-token text and one over the
    model's 512 tokens among them)."""
    from rag.embed.openvino_encoder import _BULK_MIN

    encoder = runtimes[1] if side == "bf16" else int8_side
    texts = _clauses(seeds, _BULK_MIN + 5) + TEXTS[3:]
    together = encoder.embed_documents(texts)
    assert encoder._openvino._queue is not None  # the bulk path ran
    alone = np.vstack([encoder.embed_documents([t]) for t in texts])
    assert (together * alone).sum(axis=1).min() >= 0.999
    assert (together @ alone.T).argmax(axis=1).tolist() == list(range(len(texts)))


def test_a_question_never_compiles_the_bulk_streams(seeds):
    """A question's variants and a few dozen evidence sentences stay on the one request: the
    second graph (memory, compile time) is for ingests."""
    from rag.embed.openvino_encoder import _BULK_MIN

    encoder = _create(replace(Settings.from_env(embed_cache=False), embed_runtime="openvino", embed_precision="int8"))
    encoder.embed_variants([("query", TEXTS[1]), ("question", TEXTS[1]), ("question", "discuss")])
    assert encoder.embed_documents([]).shape == (0, encoder.dim)
    assert encoder.embed_documents(_clauses(seeds, _BULK_MIN - 1)).shape == (_BULK_MIN - 1, encoder.dim)
    assert encoder._openvino._queue is None


def test_threads_ingesting_and_asking_at_once_get_their_own_vectors(int8_side, seeds):
    """The UI can ingest while it answers: bulk encodes and questions' texts from four threads
    at once each get the vectors they would get alone."""
    from concurrent.futures import ThreadPoolExecutor

    from rag.embed.openvino_encoder import _BULK_MIN

    clauses = _clauses(seeds, 3 * _BULK_MIN)
    jobs = [clauses[:_BULK_MIN], clauses[_BULK_MIN:], ["Хто такий Скотт Брей?", "Who is Scott Brady?"],
            clauses[: _BULK_MIN // 2], ["Що обговорили Остін і Умєров?"] * 3]
    alone = [int8_side.embed_documents(texts) for texts in jobs]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(int8_side.embed_documents, jobs * 2))
    for got, want in zip(together, alone * 2):
        assert got.shape == want.shape
        assert (got * want).sum(axis=1).min() >= 0.999
