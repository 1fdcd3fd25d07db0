"""The encoder's int8 variants on OpenVINO against its bf16 graph, on the same machine in one run:
a question's three variants and one question (p50 ms), 600-character uk-news passages per
second, and how far the vectors move (cosine against the bf16 graph's, min and mean).

    python -m bench.encoder_int8 [--runs 15]

Variants: int8 weights (nncf ``compress_weights``) with the CPU plugin's dynamic activation
quantisation in groups of 32 (the product's ``RAG_EMBED_PRECISION=int8``), of 128, and switched
off; and static int8 (``nncf.quantize`` calibrated on 48 passages and the question's variants).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from bench.common import corpus_files, table
from rag import models
from rag.embed import openvino_encoder as ov_encoder
from rag.embed.sentence_transformers import GEMMA_ANSWER_PROMPT, GEMMA_QUERY_PROMPT
from rag.settings import Settings

QUESTION = "Who did the minister meet in Brussels on Tuesday?"
VARIANTS = [GEMMA_QUERY_PROMPT + QUESTION, GEMMA_ANSWER_PROMPT + QUESTION, GEMMA_ANSWER_PROMPT + "Who did meet on Tuesday?"]


def passages(n: int = 64) -> list[str]:
    out: list[str] = []
    for path in corpus_files()[300:]:
        text = path.read_text(encoding="utf-8")
        out += [text[i : i + 600] for i in range(0, min(len(text), 1800), 600)]
        if len(out) >= n:
            break
    return out[:n]


def p50_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    import nncf
    import openvino as ov

    settings = Settings.from_env()
    model_dir = models.require(models.EMBEDDINGGEMMA, settings)
    cache = Path(settings.download_cache) / "openvino"
    graph = ov_encoder.export_model(model_dir, cache)
    bf16 = ov_encoder.OpenVINOEncoder(model_dir, cache, "bf16")
    texts = passages()
    core = ov.Core()

    def compiled(model: object, group: int | None) -> Callable[[Sequence[str]], np.ndarray]:
        config = {"INFERENCE_PRECISION_HINT": "bf16", "PERFORMANCE_HINT": "LATENCY"}
        if group is not None:
            config["DYNAMIC_QUANTIZATION_GROUP_SIZE"] = str(group)
        request = core.compile_model(model, "CPU", config).create_infer_request()
        return lambda batch: np.vstack([np.asarray(request.infer(bf16.tokenize(batch[i : i + 16]))[0], np.float32)
                                        for i in range(0, len(batch), 16)])

    weights = core.read_model(str(ov_encoder.int8_model(graph)))
    calibration = [bf16.tokenize([t]) for t in texts[:48]] + [bf16.tokenize([v]) for v in VARIANTS]
    static = nncf.quantize(core.read_model(str(graph)), nncf.Dataset(calibration),
                           model_type=nncf.ModelType.TRANSFORMER, subset_size=len(calibration))
    variants = [("OpenVINO bf16", bf16.encode),
                ("int8 weights, dynamic groups of 32 (RAG_EMBED_PRECISION=int8)", compiled(weights, 32)),
                ("int8 weights, dynamic groups of 128", compiled(weights, 128)),
                ("int8 weights, dynamic quantisation off", compiled(weights, 0)),
                ("static int8 (nncf.quantize)", compiled(static, None))]
    reference = bf16.encode(texts + VARIANTS)
    rows = []
    for name, encode in variants:
        encode(VARIANTS)  # compile the shapes
        three = p50_ms(lambda: encode(VARIANTS), args.runs)
        one = p50_ms(lambda: encode(VARIANTS[:1]), args.runs)
        encode(texts[:16])
        t0 = time.perf_counter()
        encode(texts)
        rate = len(texts) / (time.perf_counter() - t0)
        vectors = encode(texts + VARIANTS)
        cos = (reference * vectors).sum(1) / np.linalg.norm(reference, axis=1) / np.linalg.norm(vectors, axis=1)
        rows.append([name, f"{three:.1f}", f"{one:.1f}", f"{rate:.1f}", f"{cos.min():.4f} / {cos.mean():.4f}"])
    print(table(["variant", "3 variants ms", "one question ms", "passages/s", "cosine min / mean vs bf16"], rows))


if __name__ == "__main__":
    main()
