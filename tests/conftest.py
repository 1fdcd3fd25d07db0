"""Shared fixtures: the real models, an embedded Qdrant in a temporary folder, the seeds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
OUTPUT = ROOT / "tests" / "output"


@pytest.fixture(scope="session")
def seeds() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    from rag.settings import Settings

    data = tmp_path_factory.mktemp("rag-data")
    return Settings.from_env(data_dir=data, models_dir=Settings().models_dir, collection="test_seeds", llm="none")


@pytest.fixture(scope="session")
def service(settings):
    """One service (models loaded once) over a temporary embedded store holding the seeds."""
    from rag.service import RagService

    svc = RagService(settings)
    results = svc.ingest([SEEDS])
    assert [r.status for r in results] == ["ingested"] * 5
    yield svc
    svc.close()


def copy_seeds(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for f in SEEDS.iterdir():
        shutil.copy(f, dest / f.name)
    return dest
