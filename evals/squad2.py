"""External check in English: SQuAD 2.0's English sample (``../shared/qa/squad2-en-sample``:
628 Wikipedia paragraphs, 3,618 answerable and 348 unanswerable questions), each paragraph
ingested as an article of an English collection. Answerable questions count when the gold
answer lies inside a quote cited from the gold paragraph; unanswerable ones when the answer
abstains.

The answer scorer (``scripts/train_answer_scorer.py``) was trained on 2,000 of the answerable
questions (the first of the seed-0 shuffle, :func:`scorer_training`); this check asks only the
others, and the unanswerable questions, which nothing here was fitted on. The paragraphs are
the same ones the scorer read with other questions.

Two parts, as the archive set has: **dev**, 150 evenly spaced held-out answerable questions and
150 unanswerable ones, whose failures may be read to find what to mend; **test**, all the other
held-out questions (1,468 answerable, 198 unanswerable), read only as aggregate figures.

    rag eval --squad2 [--squad2-sample N]      # test part (N of each kind), gated in CI
    python -m evals.squad2 [--split dev|test] [--sample N]
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, Callable

from evals import metrics as M
from evals.squad import ingest_paragraphs, read_squad, sampled
from rag.service import RagService

COLLECTION = "eval_squad2_en"
SCORER_TRAINED = 2000  # answerable questions the committed answer scorer was trained on (seed 0)


def load(path: Path) -> tuple[dict[str, str], list[dict[str, Any]], list[dict[str, Any]]]:
    """Paragraph texts by file name; answerable questions (with their gold answer span) and
    unanswerable ones, in the file's order."""
    paragraphs, questions = read_squad(path, "squad2-en-sample", "squad2_{a:02d}_{p:03d}.txt")
    fields = ("id", "question", "source")
    unanswerable = [{k: q[k] for k in fields} for q in questions if q["impossible"]]
    answerable = [{k: q[k] for k in fields + ("start", "end")} for q in questions if not q["impossible"] and "start" in q]
    return paragraphs, answerable, unanswerable


def scorer_training(answerable: list[dict[str, Any]], seed: int = 0) -> list[dict[str, Any]]:
    """The answerable questions in the order ``scripts/train_answer_scorer.py`` shuffles them
    (its first ``--english`` are trained on)."""
    shuffled = list(answerable)
    random.Random(seed).shuffle(shuffled)
    return shuffled


def held_out(answerable: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The answerable questions the committed scorer never saw, in the file's order."""
    trained = {q["id"] for q in scorer_training(answerable)[:SCORER_TRAINED]}
    return [q for q in answerable if q["id"] not in trained]


DEV_SIZE = 150  # of each kind


def split(answerable: list[dict[str, Any]], unanswerable: list[dict[str, Any]], name: str
          ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The held-out answerable and the unanswerable questions of the ``name`` part ("dev" or "test")."""
    held = held_out(answerable)
    dev = (sampled(held, DEV_SIZE), sampled(unanswerable, DEV_SIZE))
    if name == "dev":
        return dev
    seen = {q["id"] for q in dev[0] + dev[1]}
    return [q for q in held if q["id"] not in seen], [q for q in unanswerable if q["id"] not in seen]


def run(service: RagService, progress: Callable[[int, int, str], None], sample: int | None = None,
        part: str = "test") -> dict[str, Any]:
    """Ingest every paragraph (idempotent) and ask the ``part``'s questions: ``sample`` of each
    kind, evenly spaced (the same each run), or all of them."""
    shared = service.settings.shared_dir
    paragraphs, answerable, unanswerable = load(shared / "qa" / "squad2-en-sample" / "train-v2.0-sample.json")
    ingest_paragraphs(service, paragraphs, COLLECTION)
    yes, no = split(answerable, unanswerable, part)
    asked = [(q, True) for q in sampled(yes, sample)] + [(q, False) for q in sampled(no, sample)]
    rows = []
    for i, (q, has_answer) in enumerate(asked, 1):
        found = service.retrieve(q["question"], COLLECTION)
        answer = service.answer(found, use_llm=False, glosses=False).to_dict()
        hits = [h.source for h in found.hits]
        row: dict[str, Any] = {"answerable": has_answer, "abstained": float(answer["abstained"])}
        if has_answer:
            def contains(spans: list[tuple[str, int, int]]) -> bool:
                return any(s == q["source"] and a <= q["start"] and q["end"] <= b for s, a, b in spans)

            row.update({
                "hit@1": M.article_hit(hits, [q["source"]], 1),
                "hit@3": M.article_hit(hits, [q["source"]], 3),
                "answer_in_citation": float(contains([(c["source"], c["start"], c["end"]) for c in answer["citations"]])),
                "answer_in_evidence": float(contains([(e.quote.source, e.quote.start, e.quote.end)
                                                      for e in found.evidence])),
            })
        rows.append(row)
        progress(i, len(asked), f"squad2 (English, {part})")
    has = [r for r in rows if r["answerable"]]
    lacks = [r for r in rows if not r["answerable"]]
    summary: dict[str, Any] = {k: M.mean(r[k] for r in has) for k in ("hit@1", "hit@3", "answer_in_citation",
                                                                     "answer_in_evidence")}
    summary.update({"false_abstention_rate": M.mean(r["abstained"] for r in has),
                    "abstention_recall": M.mean(r["abstained"] for r in lacks),
                    "answerable": len(has), "unanswerable": len(lacks), "paragraphs": len(paragraphs), "part": part})
    return summary


def main() -> int:
    import argparse

    from evals.run import _progress
    from rag.settings import Settings

    parser = argparse.ArgumentParser(prog="python -m evals.squad2", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--sample", type=int, default=None, help="questions of each kind (default: all)")
    args = parser.parse_args()
    service = RagService(Settings.from_env())
    try:
        print(json.dumps(run(service, _progress, args.sample, args.split), indent=1))
    finally:
        service.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
