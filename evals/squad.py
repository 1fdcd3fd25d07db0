"""External check on data nobody here wrote: squad-uk-mini (579 Ukrainian SQuAD questions over
197 paragraphs), each paragraph ingested as an article into its own collection together with
distractor articles from the uk-news corpus. A question counts when the gold answer span lies
inside a quote cited from the gold paragraph.

    rag eval --squad [--distractors N]
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, Callable

from evals import metrics as M
from rag.service import RagService

COLLECTION = "eval_squad"


def read_squad(path: Path, name: str, file_name: str) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Paragraph texts by file name (``file_name`` formatted with the article's and paragraph's
    numbers ``a`` and ``p``), and every question of a SQuAD-format file (``name`` in the error when
    it is missing): its id, text, paragraph (``source``), ``impossible`` (SQuAD 2.0's unanswerable
    ones) and, where it has an answer, the first answer's span (``start``, ``end``)."""
    if not path.is_file():
        raise SystemExit(f"{name} not found at {path}: the eval reads the shared folder beside the "
                         "checkout (../shared); set RAG_SHARED_DIR if it lives elsewhere")
    data = json.loads(path.read_text(encoding="utf-8"))
    paragraphs: dict[str, str] = {}
    questions: list[dict[str, Any]] = []
    for a, article in enumerate(data["data"]):
        for p, para in enumerate(article["paragraphs"]):
            source = file_name.format(a=a, p=p)
            paragraphs[source] = para["context"]
            for qa in para["qas"]:
                item = {"id": qa["id"], "question": qa["question"], "source": source,
                        "impossible": bool(qa.get("is_impossible"))}
                if qa["answers"]:
                    ans = qa["answers"][0]
                    item.update(start=ans["answer_start"], end=ans["answer_start"] + len(ans["text"]))
                questions.append(item)
    return paragraphs, questions


def load_squad(path: Path) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Paragraph texts by file name, and questions with their gold paragraph and answer span."""
    paragraphs, questions = read_squad(path, "squad-uk-mini", "squad_{a}_{p:03d}.txt")
    return paragraphs, [{k: q[k] for k in ("id", "question", "source", "start", "end")} for q in questions]


def sampled(questions: list[dict[str, Any]], sample: int | None) -> list[dict[str, Any]]:
    """An evenly spaced ``sample`` of the questions (the same ones each run), or all of them."""
    if not sample or sample >= len(questions):
        return questions
    step = len(questions) / sample
    return [questions[int(i * step)] for i in range(sample)]


def build_collection(service: RagService, distractors: int) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The paragraphs and ``distractors`` uk-news articles in :data:`COLLECTION`; the
    paragraphs and questions."""
    shared = service.settings.shared_dir
    paragraphs, questions = load_squad(shared / "qa" / "squad-uk-mini" / "squad-train-v1.1-uk-mini.json")
    extra = sorted((shared / "corpora" / "uk-news").rglob("*.txt"))[:distractors] if distractors else []
    ingest_paragraphs(service, paragraphs, COLLECTION, extra)
    return paragraphs, questions


def ingest_paragraphs(service: RagService, paragraphs: dict[str, str], collection: str,
                      extra: list[Path] | None = None) -> None:
    """Ingest each paragraph as an article named by its key (idempotent), with the ``extra``
    article files after them."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, text in paragraphs.items():
            (folder / name).write_text(text, encoding="utf-8")
        service.ingest(sorted(folder.iterdir()) + list(extra or []), collection)


def run(service: RagService, distractors: int, progress: Callable[[int, int, str], None],
        sample: int | None = None) -> dict[str, Any]:
    """Score every question, or an evenly spaced ``sample`` of them (the same ones each run)."""
    paragraphs, questions = build_collection(service, distractors)
    questions = sampled(questions, sample)
    rows = []
    for i, q in enumerate(questions, 1):
        found = service.retrieve(q["question"], COLLECTION)
        answer = service.answer(found, use_llm=False, glosses=False).to_dict()
        gold = (q["source"], q["start"], q["end"])

        def contains(spans):
            return any(s == gold[0] and a <= gold[1] and gold[2] <= b for s, a, b in spans)

        rows.append({
            "hit@1": M.article_hit([h.source for h in found.hits], [q["source"]], 1),
            "hit@3": M.article_hit([h.source for h in found.hits], [q["source"]], 3),
            "answer_in_citation": float(contains([(c["source"], c["start"], c["end"]) for c in answer["citations"]])),
            "answer_in_evidence": float(contains([(e.quote.source, e.quote.start, e.quote.end) for e in found.evidence])),
            "abstained": float(answer["abstained"]),
        })
        progress(i, len(questions), "squad-uk-mini")
    summary = {k: M.mean(r[k] for r in rows) for k in rows[0]}
    summary.update({"questions": len(rows), "paragraphs": len(paragraphs), "distractors": distractors})
    return summary
