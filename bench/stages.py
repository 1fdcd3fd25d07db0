"""Time per stage for one question, on the archive eval's collection (132 articles + 40
distractors, 3,072 chunks) with the archive's dev questions:

- encode: the question's variants through the encoder, before (one call per prompt, as until the
  eighth session) and after (one batch, ``Embedder.embed_variants``), the embedder's in-memory
  cache of recent questions bypassed;
- search, evidence + decision, the answer scorer, and a question's parts (a question of two asks
  searches and scores each part again; 0 for the others): ``Retrieval.stages_ms`` of
  ``RagService.retrieve``;
- the default answer: extractive, and the English glosses of its quotes (``gloss_ms``, LLM);
- ``--llm N``: N answers written by the LLM (first token, whole answer), in the style
  ``RAG_LLM_STYLE`` sets.

``--json F`` keeps the p50 of each stage; ``--plot F.png --before B.json`` draws this run's p50s
beside another run's (the bars of docs/performance.md).

    python -m bench.stages [--questions 40] [--glosses 8] [--llm 0] [--json F] [--plot F.png --before B.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bench.common import table
from evals.archive import run as archive
from rag.gloss import needs_gloss
from rag.service import RagService
from rag.settings import Settings


def p50(values: list[float]) -> str:
    return f"{statistics.median(values):.0f}" if values else "–"


def p95(values: list[float]) -> str:
    return f"{sorted(values)[int(0.95 * (len(values) - 1))]:.0f}" if values else "–"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.stages")
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--glosses", type=int, default=8, help="English questions answered with glosses")
    parser.add_argument("--llm", type=int, default=0, help="questions answered by the LLM")
    parser.add_argument("--json", type=Path, help="write each stage's p50 (ms) here")
    parser.add_argument("--plot", type=Path, help="draw the p50s as bars into this PNG")
    parser.add_argument("--before", type=Path, help="another run's --json, drawn beside this one")
    parser.add_argument("--labels", default="before,after", help="the two runs' names in the plot")
    args = parser.parse_args()
    service = RagService(Settings.from_env())
    every = archive.load_questions()
    collection, _ = archive.ensure_collection(service, False, every)
    dev = [q for q in every if q["split"] == "dev" and not q.get("history")]
    chosen = dev[:: max(1, len(dev) // args.questions)][: args.questions]
    inner = getattr(service.embedder, "inner", service.embedder)
    service.retrieve(chosen[0]["question"], collection)  # load the models
    apart, together = [], []
    stages: dict[str, list[float]] = {"encode_ms": [], "search_ms": [], "evidence_ms": [], "parts_ms": []}
    total = []
    for item in chosen:
        q = item["question"]
        t0 = time.perf_counter()
        inner.embed_queries([q])
        inner.embed_questions([q, q.rstrip("?") + " ?"])
        apart.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        inner.embed_variants([("query", q), ("question", q), ("question", q.rstrip("?") + " ?")])
        together.append((time.perf_counter() - t0) * 1000)
        forget = getattr(service.embedder, "forget_recent", None)
        if forget is not None:  # the recent-question cache must miss: a new question
            forget()
        found = service.retrieve(q, collection)
        for k, v in found.stages_ms.items():  # with the answer scorer on, its stage too
            stages.setdefault(k, []).append(v)
        total.append(found.retrieve_ms)
    rows = [["encode, one call per prompt (before)", p50(apart), p95(apart)],
            ["encode, one batch (after)", p50(together), p95(together)]]
    rows += [[f"retrieve: {k[:-3]}", p50(v), p95(v)] for k, v in stages.items()]
    rows.append(["retrieve, total", p50(total), p95(total)])
    english = [q for q in chosen if q["lang"] == "en"][: args.glosses]
    gloss_ms, per_quote = [], []
    if english and service.llm() is not None:
        for item in english:
            answer = service.ask(item["question"], collection, use_llm=False, glosses=True)
            if "gloss_ms" in answer.timings:
                gloss_ms.append(answer.timings["gloss_ms"])
                per_quote.append(answer.timings["gloss_ms"] / max(1, sum(needs_gloss(c.quote) for c in answer.citations)))
        rows += [["default answer: glosses of its quotes", p50(gloss_ms), p95(gloss_ms)],
                 ["  per quote", p50(per_quote), p95(per_quote)]]
    first, whole = [], []
    for item in chosen[: args.llm]:
        answer = service.ask(item["question"], collection, use_llm=True)
        if "first_token_ms" in answer.timings:
            first.append(answer.timings["first_token_ms"])
            whole.append(answer.timings["generate_ms"])
    if first:
        rows += [["--llm: first token", p50(first), p95(first)], ["--llm: whole answer", p50(whole), p95(whole)]]
    service.close()
    print(f"{len(chosen)} archive dev questions on {collection}; milliseconds")
    print(table(["stage", "p50 ms", "p95 ms"], rows))
    figures = {row[0].strip(): float(row[1]) for row in rows if row[1] != "–"}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    if args.plot:
        before = json.loads(args.before.read_text(encoding="utf-8")) if args.before else {}
        plot(figures, before, args.labels.split(","), args.plot)


def plot(after: dict[str, float], before: dict[str, float], labels: list[str], path: Path) -> None:
    """Horizontal bars, seconds on a log scale: each stage's p50 in both runs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stages = [k for k in after if not k.startswith("encode,")] + [k for k in before if k not in after]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(stages) + 1.2))
    y = range(len(stages))
    for shift, (name, run) in zip((-0.2, 0.2), zip(labels, (before, after))):
        ax.barh([i + shift for i in y], [run.get(k, 0) / 1000 for k in stages], height=0.38, label=name)
    ax.set_yticks(list(y), stages)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("p50, seconds (log scale)")
    ax.axvline(3.0, color="grey", linestyle="--", linewidth=0.8)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
