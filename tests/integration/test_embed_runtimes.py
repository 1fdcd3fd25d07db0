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


@pytest.mark.parametrize("side", ["bf16", "int8"])
def test_many_texts_on_the_bulk_streams_match_each_text_alone(runtimes, int8_side, seeds, side):
    """An ingest's many texts run on parallel streams in short batches ordered by token length;
    each comes back in its own row, as it would encoded alone."""
    encoder = runtimes[1] if side == "bf16" else int8_side
    sentences = [s.strip() for f in sorted(seeds.glob("*.txt")) for s in f.read_text("utf-8").split(". ") if len(s.strip()) > 20][:41]
    assert len(sentences) > encoder._openvino._batch  # more than one request holds: the bulk path
    together = encoder.embed_documents(sentences)
    alone = np.vstack([encoder.embed_documents([s]) for s in sentences])
    assert (together * alone).sum(axis=1).min() >= 0.999
    assert (together @ alone.T).argmax(axis=1).tolist() == list(range(len(sentences)))


def test_two_threads_ingesting_and_asking_at_once_get_their_own_vectors(int8_side, seeds):
    """The UI can ingest while it answers: bulk encodes and a question's variants from several
    threads at once each get the vectors they would get alone."""
    from concurrent.futures import ThreadPoolExecutor

    sentences = [s.strip() for f in sorted(seeds.glob("*.txt")) for s in f.read_text("utf-8").split(". ") if len(s.strip()) > 20]
    jobs = [sentences[:24], sentences[24:] + sentences[:6], ["Хто такий Скотт Брей?", "Who is Scott Brady?"],
            list(reversed(sentences[:20]))]
    alone = [int8_side.embed_documents(texts) for texts in jobs]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(int8_side.embed_documents, jobs * 2))
    for got, want in zip(together, alone * 2):
        assert got.shape == want.shape
        assert (got * want).sum(axis=1).min() >= 0.999
