from pathlib import Path

import pytest

from rag.settings import Settings


def test_environment_overrides_defaults_with_types():
    s = Settings.from_env({"RAG_TOP_K": "9", "RAG_SPARSE": "no", "RAG_DATA_DIR": "/tmp/x", "RAG_FUSION": "dbsf"})
    assert (s.top_k, s.sparse, s.fusion) == (9, False, "dbsf")
    assert s.models_dir == Path("/tmp/x/models") and s.qdrant_path == Path("/tmp/x/qdrant-edge")
    local = Settings.from_env({"RAG_DATA_DIR": "/tmp/x", "RAG_STORE_ENGINE": "local", "RAG_HNSW_EF": "64"})
    assert local.qdrant_path == Path("/tmp/x/qdrant") and local.hnsw_ef == 64


def test_bad_values_get_a_clear_error():
    with pytest.raises(ValueError, match="RAG_TOP_K='many' is not a valid int"):
        Settings.from_env({"RAG_TOP_K": "many"})


def test_explicit_overrides_win_and_none_is_ignored():
    s = Settings.from_env({"RAG_COLLECTION": "a"}, collection=None)
    assert s.collection == "a"
    assert Settings.from_env({"RAG_COLLECTION": "a"}, collection="b").collection == "b"


def test_the_answer_mode_is_one_of_two_and_extractive_by_default():
    assert Settings.from_env({}).answer_mode == "extractive" and not Settings.from_env({}).glosses
    assert Settings.from_env({"RAG_GLOSSES": "1"}).glosses
    assert Settings.from_env({"RAG_ANSWER_MODE": "llm", "RAG_GLOSSES": "0"}).answer_mode == "llm"
    with pytest.raises(ValueError, match=r"answer mode \(RAG_ANSWER_MODE\) .chat.: use one of extractive, llm"):
        Settings.from_env({"RAG_ANSWER_MODE": "chat"})


def test_the_encoder_runtime_defaults_to_what_was_measured_for_the_embedder():
    from rag.embed.factory import runtime

    assert runtime(Settings.from_env({})) == "openvino"  # EmbeddingGemma: docs/performance.md
    assert runtime(Settings.from_env({"RAG_EMBEDDER": "/models/other-st-model"})) == "torch"
    assert runtime(Settings.from_env({"RAG_EMBED_RUNTIME": "torch"})) == "torch"
    assert runtime(Settings.from_env({"RAG_EMBEDDER": "x", "RAG_EMBED_RUNTIME": "openvino"})) == "openvino"
