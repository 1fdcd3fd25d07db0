"""A real `rag serve` on a free loopback port, over its own data folder holding the seeds."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    from rag.settings import Settings

    data = tmp_path_factory.mktemp("ui-data")
    env = dict(os.environ, RAG_DATA_DIR=str(data), RAG_MODELS_DIR=str(Settings().models_dir), RAG_LLM="local",
               GRADIO_ANALYTICS_ENABLED="False")
    subprocess.run([sys.executable, "-m", "rag.cli", "ingest", "--quiet"], env=env, cwd=ROOT, check=True,
                   capture_output=True, timeout=600)
    port = _free_port()
    log = open(data / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "rag.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("rag serve exited: " + (data / "serve.log").read_text())
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(1)
    else:
        proc.kill()
        raise RuntimeError("rag serve did not come up: " + (data / "serve.log").read_text())
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
