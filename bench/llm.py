"""The local LLM's time to first token and whole answer on real prompts: the archive eval's dev
questions, their evidence found by the product, the prompt ``rag.answer.build_messages`` writes.

Each prompt is timed twice: cold (llama.cpp's KV cache cleared first, so the whole prompt is
computed) and warm (after another question's prompt, so the shared system turn and worked
example come from the cache). The difference is the prefix cache's hit.

    python -m bench.llm [--model PATH.gguf] [--questions 12] [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import table
from evals.archive import run as archive
from rag import answer as answering
from rag.llm.local import LocalLlamaCpp
from rag.models import QWEN_GGUF, require
from rag.service import RagService
from rag.settings import Settings


def timed(llm: LocalLlamaCpp, messages: list[Any], max_tokens: int) -> tuple[float, float, int]:
    """(first token s, whole answer s, tokens out)."""
    t0 = time.perf_counter()
    first = None
    pieces = []
    for piece in llm.stream(messages, max_tokens, 300):
        if first is None and piece:
            first = time.perf_counter() - t0
        pieces.append(piece)
    total = time.perf_counter() - t0
    return first or total, total, llm.count_tokens("".join(pieces))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.llm")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--questions", type=int, default=12)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--max-tokens", type=int, default=None)
    args = parser.parse_args()
    settings = Settings.from_env(llm="none")
    service = RagService(settings)
    every = archive.load_questions()
    collection, _ = archive.ensure_collection(service, False, every)
    dev = [q for q in every if q["split"] == "dev" and q["answerable"] and not q.get("history")]
    chosen = dev[:: max(1, len(dev) // args.questions)][: args.questions]
    prompts = []
    for item in chosen:
        found = service.retrieve(item["question"], collection)
        if found.evidence:
            passages = answering.prompt_passages(found.turn, found.evidence, settings.llm_passages)
            prompts.append(answering.build_messages(item["question"], passages, answering.language(item["question"])))
    service.close()
    path = args.model or require(QWEN_GGUF, settings)
    llm = LocalLlamaCpp(path, n_ctx=settings.llm_context, threads=args.threads or settings.llm_threads)
    max_tokens = args.max_tokens or settings.llm_max_tokens
    timed(llm, prompts[0], 8)  # load and warm the weights
    rows = []
    for messages in prompts:
        llm._llm.reset()  # cold: nothing of this prompt in the KV cache
        cold = timed(llm, messages, max_tokens)
        llm._llm.reset()
        timed(llm, prompts[(prompts.index(messages) + 1) % len(prompts)], 1)  # another question's prompt
        warm = timed(llm, messages, max_tokens)
        n_in = sum(llm.count_tokens(m.content) for m in messages)
        rows.append((n_in, cold, warm))
    p50 = statistics.median
    print(f"model {Path(path).name}, {len(rows)} prompts, threads {args.threads or settings.llm_threads or 'all'}")
    print(table(["", "p50", "max"], [
        ["prompt tokens", p50(r[0] for r in rows), max(r[0] for r in rows)],
        ["first token, cold (s)", f"{p50(r[1][0] for r in rows):.2f}", f"{max(r[1][0] for r in rows):.2f}"],
        ["first token, warm prefix (s)", f"{p50(r[2][0] for r in rows):.2f}", f"{max(r[2][0] for r in rows):.2f}"],
        ["whole answer, warm (s)", f"{p50(r[2][1] for r in rows):.2f}", f"{max(r[2][1] for r in rows):.2f}"],
        ["tokens out", p50(r[2][2] for r in rows), max(r[2][2] for r in rows)],
        ["generation (tokens/s)", f"{p50(r[2][2] / max(1e-6, r[2][1] - r[2][0]) for r in rows):.1f}", ""],
    ]))


if __name__ == "__main__":
    main()
