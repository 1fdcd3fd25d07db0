"""The `rag` command as a user runs it, against its own data folder."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
RAG = [sys.executable, "-m", "rag.cli"]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from rag.settings import Settings

    data = tmp_path_factory.mktemp("cli-data")
    e = dict(os.environ, RAG_DATA_DIR=str(data), RAG_MODELS_DIR=str(Settings().models_dir), RAG_LLM="none")
    out = subprocess.run(RAG + ["ingest", "--quiet"], env=e, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "5 ingested" in out.stdout
    return e


def test_ask_json_one_question(env):
    out = subprocess.run(RAG + ["ask", "--json", "--no-llm", "What did Austin and Umerov discuss?"], env=env,
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["citations"] and data["citations"][0]["source"] == "002_7498e557ddcf7abd.txt"
    for c in data["citations"]:
        assert (ROOT / "seeds" / c["source"]).read_text(encoding="utf-8")[c["start"] : c["end"]] == c["quote"]


def test_ask_json_reads_questions_from_stdin(env):
    questions = "What did Umerov discuss with the French defence minister?\n\nХто такий Скотт Брей?\n"
    out = subprocess.run(RAG + ["ask", "--json", "--no-llm", "-"], env=env, input=questions,
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["abstained"] for r in rows] == [True, False]


def test_readable_answer_and_llm_missing_notice(env):
    out = subprocess.run(RAG + ["ask", "Скільки ракет випустила Росія 5 грудня?"], env=env,
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "Sources:" in out.stdout and "[1] 001_eb6e7accd20b1e4b.txt" in out.stdout
    assert "language model is unavailable" in out.stdout


def test_ingest_is_idempotent_and_strict_mode_fails_on_rejects(env, tmp_path):
    out = subprocess.run(RAG + ["ingest", "--quiet"], env=env, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "5 unchanged" in out.stdout
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01")
    out = subprocess.run(RAG + ["ingest", "--strict", str(tmp_path)], env=env, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 1 and "rejected  bad.txt: binary" in out.stderr


def test_errors_are_messages_not_traces(env):
    out = subprocess.run(RAG + ["ask", "--collection", "nope", "hello there?"], env=env, capture_output=True,
                         text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 2 and "is empty" in out.stderr and "Traceback" not in out.stderr
