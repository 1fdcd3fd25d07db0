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


def test_follow_ups_keep_the_previous_questions_subject(env):
    first, then = "Про що Умєров говорив з помічником генсека НАТО?", "А що він сказав про ППО?"
    chat = subprocess.run(RAG + ["ask", "--json", "--no-llm", "--chat", "-"], env=env, input=f"{first}\n{then}\n",
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    after = subprocess.run(RAG + ["ask", "--json", "--no-llm", "--after", first, then], env=env,
                           capture_output=True, text=True, cwd=ROOT, timeout=300)
    alone = subprocess.run(RAG + ["ask", "--json", "--no-llm", "-"], env=env, input=f"{first}\n{then}\n",
                           capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert chat.returncode == after.returncode == alone.returncode == 0, chat.stderr + after.stderr + alone.stderr
    followed = json.loads(chat.stdout.splitlines()[1])
    assert followed == {**json.loads(after.stdout), "timings": followed["timings"]}
    assert followed["question"] == f"{first} {then}" and not followed["abstained"]
    assert json.loads(alone.stdout.splitlines()[1])["question"] == then  # without --chat, questions stand alone


def test_readable_answer_and_llm_missing_notice(env):
    out = subprocess.run(RAG + ["ask", "--llm", "Скільки ракет випустила Росія 5 грудня?"], env=env,
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


def _thousand_files(folder: Path) -> dict[str, str]:
    """1,000 files: 930 small articles, 10 copies of them under other names, and 60 bad files.
    Returns the expected reason word for each bad file."""
    folder.mkdir()
    cities = ["Києві", "Львові", "Одесі", "Харкові", "Дніпрі", "Полтаві", "Вінниці", "Чернігові"]
    for i in range(930):
        sub = folder / f"batch{i // 100}"
        sub.mkdir(exist_ok=True)
        (sub / f"article_{i:04d}.txt").write_text(
            f"Новина номер {i}\nУ {cities[i % 8]} відкрили склад номер {i} для {i % 37 + 2} вантажівок.\n",
            encoding="utf-8")
    for i in range(10):
        (folder / f"copy_{i}.txt").write_bytes((folder / "batch0" / f"article_{i:04d}.txt").read_bytes())
    bad: dict[str, str] = {}
    for i in range(10):
        (folder / f"empty_{i}.txt").write_text("")
        (folder / f"blank_{i}.md").write_text("  \n\t\r\n")
        (folder / f"image_{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
        (folder / f"disguised_{i}.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
        (folder / f"bundle_{i}.zip").write_bytes(b"PK\x03\x04" + bytes(64))
        (folder / f"latin1_{i}.txt").write_bytes("Caf\xe9 cr\xe8me br\xfbl\xe9e".encode("latin-1"))
        bad.update({f"empty_{i}.txt": "empty", f"blank_{i}.md": "empty", f"image_{i}.png": "unsupported",
                    f"disguised_{i}.txt": "binary", f"bundle_{i}.zip": "unsupported", f"latin1_{i}.txt": "UTF-8"})
    assert sum(1 for p in folder.rglob("*") if p.is_file()) == 1000
    return bad


def test_a_folder_of_1000_files_with_bad_ones(env, tmp_path):
    folder = tmp_path / "archive"
    bad = _thousand_files(folder)
    args = RAG + ["ingest", "--quiet", "--collection", "thousand", str(folder)]
    out = subprocess.run(args, env=env, capture_output=True, text=True, cwd=ROOT, timeout=1800)
    assert out.returncode == 0, out.stderr
    assert "930 ingested" in out.stdout and "10 duplicate" in out.stdout and "60 rejected" in out.stdout
    assert "holds 930 articles" in out.stdout
    lines = [line for line in out.stderr.splitlines() if line.startswith("rejected")]
    assert len(lines) == 60  # one line per bad file, each naming it and saying why
    for line in lines:
        name, reason = line.split(None, 1)[1].split(": ", 1)
        assert bad.pop(name) in reason, line
    assert not bad and "Traceback" not in out.stderr
    # a re-run skips every good file; --strict turns the rejections into a failing exit code
    out = subprocess.run(args + ["--strict"], env=env, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 1 and "930 unchanged" in out.stdout and "60 rejected" in out.stdout
