"""Retrieval latency at 1k, 10k and 100k chunks on the embedded Qdrant (qdrant-client local
mode): query embedding reported apart from the search itself. Real vectors for the real
corpus (computed once, cached on disk), and for the larger sizes vectors drawn near real
ones, with real payloads.

    python -m bench.retrieval [--sizes 1000,10000,100000] [--queries 50]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from qdrant_client import QdrantClient, models

from bench.common import OUT, corpus_files, table
from rag import sparse
from rag.embed.factory import create_embedder
from rag.ingest.pipeline import chunk_article, parse_article
from rag.ingest.reader import read_document
from rag.settings import Settings
from rag.store import DENSE, SPARSE

QUESTIONS = Path(__file__).resolve().parent.parent / "evals" / "questions.jsonl"


def real_chunks(settings: Settings, embedder, files: int | None) -> tuple[np.ndarray, list[dict], list]:
    texts, payloads = [], []
    for path in corpus_files(files):
        try:
            article = parse_article(read_document(path))
        except Exception:
            continue
        for chunk in chunk_article(article, settings.chunk_tokens, settings.chunk_overlap_sentences):
            texts.append((chunk.text, article.title))
            payloads.append({"source": article.source, "title": article.title, "text": chunk.text,
                             "start": chunk.start, "end": chunk.end, "chunk_index": chunk.index})
    print(f"{len(texts)} real chunks; embedding (cached after the first run)…", flush=True)
    vectors = embedder.embed_documents([t for t, _ in texts], [h for _, h in texts])
    sparse_vectors = [sparse.encode_document(h + " " + t) for t, h in texts]
    return vectors, payloads, sparse_vectors


def synthetic_batches(n: int, vectors: np.ndarray, payloads: list[dict], sparse_vectors: list,
                      rng: np.random.Generator, size: int = 1000):
    """Batches of (id, unit dense vector, sparse vector, payload): the real chunks first, then
    vectors drawn near real ones (Gaussian noise, sigma 0.02) with the same payloads."""
    batch = []
    for i in range(n):
        j = i % len(vectors)
        v = vectors[j] if i < len(vectors) else vectors[j] + rng.normal(0, 0.02, vectors.shape[1]).astype(np.float32)
        batch.append((i, (v / np.linalg.norm(v)).tolist(), sparse_vectors[j], payloads[j]))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def build(client: QdrantClient, name: str, n: int, vectors: np.ndarray, payloads: list[dict], sparse_vectors: list,
          rng: np.random.Generator) -> None:
    client.create_collection(name, vectors_config={DENSE: models.VectorParams(size=vectors.shape[1], distance=models.Distance.COSINE)},
                             sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)})
    for batch in synthetic_batches(n, vectors, payloads, sparse_vectors, rng):
        client.upsert(name, [models.PointStruct(id=i, vector={DENSE: v, SPARSE: models.SparseVector(
            indices=sv.indices, values=sv.values)}, payload=p) for i, v, sv, p in batch], wait=True)


def build_edge(path: Path, n: int, vectors: np.ndarray, payloads: list[dict], sparse_vectors: list,
               rng: np.random.Generator):
    """The same points in a Qdrant Edge shard (the Qdrant engine in-process, qdrant-edge-py)."""
    import qdrant_edge as q

    shard = q.EdgeShard.create(str(path), q.EdgeConfig(
        vectors={DENSE: q.EdgeVectorParams(size=vectors.shape[1], distance=q.Distance.Cosine)},
        sparse_vectors={SPARSE: q.EdgeSparseVectorParams(modifier=q.Modifier.Idf)}))
    for batch in synthetic_batches(n, vectors, payloads, sparse_vectors, rng):
        shard.update(q.UpdateOperation.upsert_points([q.Point(id=i, vector={DENSE: v, SPARSE: q.SparseVector(
            indices=sv.indices, values=sv.values)}, payload=p) for i, v, sv, p in batch]))
    shard.optimize()  # build the HNSW index, as a long-running store would
    return shard


def local_query(client: QdrantClient, mode: str, qv: np.ndarray, sv) -> None:
    """qdrant-client local mode: the product's embedded store."""
    if mode == "dense":
        client.query_points("bench", query=qv.tolist(), using=DENSE, limit=12, with_payload=True)
    else:
        client.query_points("bench", prefetch=[
            models.Prefetch(query=qv.tolist(), using=DENSE, limit=30),
            models.Prefetch(query=models.SparseVector(indices=sv.indices, values=sv.values), using=SPARSE, limit=30)],
            query=models.FusionQuery(fusion=models.Fusion.RRF), limit=12, with_payload=True)


def edge_query(shard, mode: str, qv: np.ndarray, sv) -> None:
    import qdrant_edge as q

    dense = q.Query.Nearest(qv.tolist(), using=DENSE)
    if mode == "dense":
        shard.query(q.QueryRequest(query=dense, limit=12, with_payload=True))
    else:
        shard.query(q.QueryRequest(prefetches=[
            q.Prefetch(query=dense, limit=30),
            q.Prefetch(query=q.Query.Nearest(q.SparseVector(indices=sv.indices, values=sv.values), using=SPARSE), limit=30)],
            query=q.Fusion.Rrf(k=60), limit=12, with_payload=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--files", type=int, default=200, help="real articles to embed (the rest of N is synthetic)")
    args = parser.parse_args()
    settings = Settings.from_env()
    OUT.mkdir(parents=True, exist_ok=True)
    embedder = create_embedder(settings)  # vectors cached on disk: computed once, reused by later runs
    vectors, payloads, sparse_vectors = real_chunks(settings, embedder, args.files)
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()][: args.queries]
    t0 = time.perf_counter()
    qvecs = [embedder.embed_query(q) for q in questions]
    embed_ms = (time.perf_counter() - t0) * 1000 / len(questions)
    rng = np.random.default_rng(0)
    rows = []

    def measure(n: int, engine: str, search, build_s: float) -> None:
        """p50/p95 of ``search(mode, question, query_vector, sparse_vector)`` over the questions."""
        for mode in ("dense", "hybrid"):
            times = []
            for q, qv in zip(questions, qvecs):
                sv = sparse.encode_query(q)
                t = time.perf_counter()
                search(mode, qv, sv)
                times.append((time.perf_counter() - t) * 1000)
            rows.append([n, f"{engine} {mode}", float(np.percentile(times, 50)), float(np.percentile(times, 95)),
                         embed_ms, build_s])
            print(rows[-1], flush=True)

    for n in [int(s) for s in args.sizes.split(",")]:
        client = QdrantClient(location=":memory:")
        t0 = time.perf_counter()
        build(client, "bench", n, vectors, payloads, sparse_vectors, rng)
        measure(n, "local", lambda mode, qv, sv: local_query(client, mode, qv, sv), time.perf_counter() - t0)
        client.close()
        try:
            import qdrant_edge  # noqa: F401
        except ImportError:
            continue
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            shard = build_edge(Path(tmp), n, vectors, payloads, sparse_vectors, rng)
            measure(n, "edge", lambda mode, qv, sv: edge_query(shard, mode, qv, sv), time.perf_counter() - t0)
            shard.close()
    out = table(["chunks", "search", "p50 ms", "p95 ms", "query embed ms", "build s"], rows)
    print(out)
    (OUT / "retrieval.md").write_text(out + "\n", encoding="utf-8")
    (OUT / "retrieval.json").write_text(json.dumps(rows), encoding="utf-8")


if __name__ == "__main__":
    main()
