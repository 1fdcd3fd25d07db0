"""Faults: a killed ingest, a locked embedded store, an LLM endpoint that is down, slow or
returns garbage. Each must lose nothing and end in a clear message."""

import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
RAG = [sys.executable, "-m", "rag.cli"]


def cli_env(data: Path) -> dict:
    from rag.settings import Settings

    return dict(os.environ, RAG_DATA_DIR=str(data), RAG_MODELS_DIR=str(Settings().models_dir), RAG_LLM="none")


def make_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    cities = ["Києві", "Львові", "Одесі", "Харкові", "Дніпрі", "Полтаві", "Чернігові", "Ужгороді"]
    for i in range(n):
        city = cities[i % len(cities)]
        (folder / f"a{i:03d}.txt").write_text(
            f"Новина номер {i} з міста\nУ {city} відбулася зустріч номер {i} щодо оборони. "
            f"Учасники обговорили {i} питань про постачання і логістику. Наступна зустріч буде через {i + 2} днів.\n",
            encoding="utf-8")
    return folder


def consistency(data: Path, engine: str, collection: str = "news") -> tuple[int, int, list[str]]:
    """(articles, visible chunks, problems): every article's chunks all present, no extra ones."""
    from rag.settings import Settings
    from rag.store import Store, open_backend

    backend = open_backend(Settings(data_dir=data, store_engine=engine))
    try:
        store = Store(backend, collection)
        records = store.articles()
        chunks = [c for r in records for c in store.chunk_payloads(r.source, ["source", "content_hash", "chunk_index"])]
    finally:
        backend.close()
    problems = []
    current = {r.source: r for r in records}
    visible = [c for c in chunks if current[c["source"]].content_hash == c["content_hash"]]
    for source, r in current.items():
        got = sorted(c["chunk_index"] for c in visible if c["source"] == source)
        if got != list(range(r.chunk_count)):
            problems.append(f"{source}: chunks {got} for chunk_count {r.chunk_count}")
    return len(records), len(visible), problems


ENGINES = ["local", "edge"]


@pytest.mark.parametrize("engine", ENGINES)
def test_killed_ingest_leaves_whole_articles_and_resumes_without_duplicates(tmp_path, engine):
    data = tmp_path / "data"
    corpus = make_corpus(tmp_path / "corpus", 60)
    env = dict(cli_env(data), RAG_INGEST_BATCH_CHUNKS="4", RAG_STORE_ENGINE=engine)
    rng = random.Random(7)
    committed_before_kill = []
    for _ in range(3):
        proc = subprocess.Popen(RAG + ["ingest", str(corpus)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        target = rng.randint(2, 12)  # SIGKILL after this many more articles were committed
        seen = 0
        for line in proc.stderr:
            if "ingested " in line:
                seen += 1
                if seen >= target:
                    proc.send_signal(signal.SIGKILL)
                    break
        proc.wait()
        committed_before_kill.append(seen)
        articles, chunks, problems = consistency(data, engine)
        assert not problems, problems
    assert proc.returncode == -signal.SIGKILL and sum(committed_before_kill) < 60
    out = subprocess.run(RAG + ["ingest", "--quiet", str(corpus)], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    articles, chunks, problems = consistency(data, engine)
    assert not problems and articles == 60
    again = subprocess.run(RAG + ["ingest", "--quiet", str(corpus)], env=env, cwd=ROOT, capture_output=True,
                           text=True, timeout=900)
    assert "60 unchanged" in again.stdout
    assert consistency(data, engine)[:2] == (articles, chunks)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_locked_embedded_store_gets_a_clear_message(tmp_path, settings, engine):
    from rag.store import open_backend

    data = tmp_path / "locked"
    holder = open_backend(replace(settings, data_dir=data, store_engine=engine))
    try:
        out = subprocess.run(RAG + ["ask", "--no-llm", "What did Austin and Umerov discuss?"],
                             env=dict(cli_env(data), RAG_STORE_ENGINE=engine), cwd=ROOT, capture_output=True,
                             text=True, timeout=300)
    finally:
        holder.close()
    assert out.returncode == 2
    assert "in use by another process" in out.stderr and "RAG_QDRANT_URL" in out.stderr
    assert "Traceback" not in out.stderr


class _Endpoint(BaseHTTPRequestHandler):
    behaviour = "garbage"

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.behaviour == "slow":
            time.sleep(5)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{not json at all" if self.behaviour == "garbage" else b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture()
def endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.mark.parametrize("behaviour", ["down", "slow", "garbage"])
def test_llm_endpoint_faults_fall_back_to_the_cited_extractive_answer(service, endpoint, behaviour):
    from rag.service import RagService

    url = "http://127.0.0.1:9/v1" if behaviour == "down" else f"http://127.0.0.1:{endpoint.server_address[1]}/v1"
    _Endpoint.behaviour = behaviour
    svc = RagService(replace(service.settings, llm="openai", llm_url=url, llm_model="m", llm_timeout_s=2.0))
    svc._backend, svc._embedder, svc._vectors = service.backend, service.embedder, service._vectors
    t0 = time.perf_counter()
    answer = svc.ask("How many missiles did Russia launch on 5 December?", use_llm=True)
    assert time.perf_counter() - t0 < 30
    assert answer.mode == "extractive" and answer.citations and answer.notice
    assert "70 ракет" in " ".join(c.quote for c in answer.citations)
    # the extractive answer with glosses asks the same endpoint only for them: a failing one costs them, not the answer
    t0 = time.perf_counter()
    default = svc.ask("How many missiles did Russia launch on 5 December?", glosses=True)
    assert time.perf_counter() - t0 < 30
    assert default.mode == "extractive" and "70 ракет" in " ".join(c.quote for c in default.citations)
    assert behaviour == "garbage" or not any(c.gloss for c in default.citations)
    # a failing endpoint is tried once per answer, not once per quote, and the reader is told
    assert behaviour == "garbage" or "no English glosses" in default.notice
