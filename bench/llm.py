"""The local LLM's time to first token and whole answer on real prompts: the archive eval's dev
questions, their evidence found by the product, the prompt ``rag.answer.build_messages`` writes.

Each prompt is timed twice: cold (llama.cpp's KV cache cleared first, so the whole prompt is
computed) and warm (after another question's prompt, so the shared system turn and worked
example come from the cache). The difference is the prefix cache's hit.

With ``--style passage`` (the product's default LLM answer, :mod:`rag.passage_claims`) each
question's prompts are its extractive answer's quotes, one short prompt each, after another
question's prompts (the shared prefix cached, as in use): the first sentence is ready when the
first prompt's reply is complete (the product checks it, then shows it), the whole answer when
the last one is.

    python -m bench.llm [--style passage|joint] [--model PATH.gguf] [--questions 12] [--threads 2]
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
from rag import passage_claims
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


def per_passage(llm: LocalLlamaCpp, questions: list[list[Any]], path: Path, args: argparse.Namespace) -> None:
    """Time each question's passage prompts in turn, the shared prefix warm (as in use)."""
    timed(llm, questions[0][0], 1)  # load the weights and the shared prefix
    rows = []
    for prompts in questions:
        t0 = time.perf_counter()
        first, n_in, n_out = None, 0, 0
        for messages in prompts:
            _first, _total, out = timed(llm, messages, passage_claims.MAX_TOKENS)
            first = first if first is not None else time.perf_counter() - t0
            n_in += sum(llm.count_tokens(m.content) for m in messages[-1:])
            n_out += out
        rows.append((len(prompts), n_in, first, time.perf_counter() - t0, n_out))
    p50 = statistics.median
    print(f"model {Path(path).name}, style passage, {len(rows)} questions, threads {args.threads or 'all'}")
    print(table(["", "p50", "max"], [
        ["passages (prompts) per answer", p50(r[0] for r in rows), max(r[0] for r in rows)],
        ["new prompt tokens per answer (the prefix cached)", p50(r[1] for r in rows), max(r[1] for r in rows)],
        ["first sentence ready (s)", f"{p50(r[2] for r in rows):.2f}", f"{max(r[2] for r in rows):.2f}"],
        ["whole answer (s)", f"{p50(r[3] for r in rows):.2f}", f"{max(r[3] for r in rows):.2f}"],
        ["tokens out per answer", p50(r[4] for r in rows), max(r[4] for r in rows)],
    ]))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.llm")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--questions", type=int, default=12)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--max-tokens", type=int, default=None)
    parser.add_argument("--style", choices=("passage", "joint"), default="passage")
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
        lang = answering.language(item["question"])
        if found.evidence and args.style == "passage":
            quotes = passage_claims.cited(found.turn, found.evidence, settings.extractive_max, settings.extractive_second)
            prompts.append([passage_claims.messages(item["question"], c.quote, lang) for c in quotes])
        elif found.evidence:
            passages = answering.prompt_passages(found.turn, found.evidence, settings.llm_passages)
            prompts.append(answering.build_messages(item["question"], passages, lang))
    service.close()
    path = args.model or require(QWEN_GGUF, settings)
    llm = LocalLlamaCpp(path, n_ctx=settings.llm_context, threads=args.threads or settings.llm_threads)
    if args.style == "passage":
        per_passage(llm, prompts, path, args)
        return
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
