"""The archive eval: questions over uk-news articles nobody tuned on, dev and test apart.

    rag eval --archive                   # CI: the questions' articles + a fixed sample of distractors
    python -m evals.archive.run --whole  # the whole archive (878 uk-news articles + seeds/, ~16k chunks)

Each question is asked through the public API (``RagService``), scored per split, language
and type. Dev is for tuning; test is only ever read as aggregate figures (evals/README.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path
from typing import Any, Callable, Sequence

from evals import metrics as M
from evals.run import EVALS, check_thresholds, evaluate_item, summarise
from rag.errors import InputError
from rag.service import RagService
from rag.settings import PROJECT_ROOT, Settings

ARCHIVE = EVALS / "archive"
CI_COLLECTION = "eval_archive"
WHOLE_COLLECTION = "eval_archive_whole"
CI_DISTRACTORS = 40
COLUMNS = ("article_cited", "key_facts", "hit@3", "citation_precision", "abstention_recall", "abstention_precision",
           "false_abstention_rate", "quote_exactness")


def load_questions(path: Path = ARCHIVE / "questions.jsonl") -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus_files(settings: Settings, whole: bool, questions: Sequence[dict[str, Any]],
                 distractors: int = CI_DISTRACTORS) -> list[Path]:
    """What the collection holds: the whole archive and the seeds, or the eval's articles
    (evals/archive/articles.tsv) and a fixed sample of other uk-news articles (the same every run)."""
    corpus = settings.shared_dir / "corpora" / "uk-news"
    every = sorted(p for folder in ("bruk-press", "nashigroshi") for p in (corpus / folder).glob("*.txt"))
    if not every:  # else the prune after ingesting would empty the collection
        raise InputError(f"no uk-news articles under {corpus}: set RAG_SHARED_DIR to the folder holding corpora/")
    if whole:
        return every + sorted((PROJECT_ROOT / "seeds").glob("*.txt"))
    wanted = {line.split("\t")[1] for line in (ARCHIVE / "articles.tsv").read_text(encoding="utf-8").splitlines()[1:]
              if line.strip()} | {s for q in questions for s in q["sources"]}
    chosen = [p for p in every if p.name in wanted]
    others = [p for p in every if p.name not in wanted]
    step = max(1, len(others) // max(1, distractors))
    return chosen + others[::step][:distractors]


def score_archive(row: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """The archive's reader-level figures: the right article among the citations (an abstention
    counts as a miss), and the key facts in what is shown (0 when it abstained)."""
    row = dict(row, split=item["split"])
    if item["answerable"] and row["has_answer"]:
        cited = {c["source"] for c in row["citations"]}
        row["article_cited"] = float(not row["abstained"] and bool(cited & set(item["sources"])))
        if item.get("facts"):
            shown = row["answer"] + " " + " ".join(c["quote"] for c in row["citations"])
            row["key_facts"] = 0.0 if row["abstained"] else M.fact_coverage(shown, item["facts"])
    return row


def summary_of(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    out = summarise(rows)
    answerable = [r for r in rows if r["answerable"] and r["has_answer"]]
    out["article_cited"] = M.mean(r.get("article_cited") for r in answerable)
    out["key_facts"] = M.mean(r.get("key_facts") for r in answerable)
    return out


def groups(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Summaries per split, and per split x language and split x type."""
    out: dict[str, dict[str, Any]] = {}
    for split in ("dev", "test"):
        part = [r for r in rows if r["split"] == split]
        if not part:
            continue
        out[split] = summary_of(part)
        for key in ("lang", "type"):
            for value in sorted({str(r[key]) for r in part}):
                out[f"{split}/{value}"] = summary_of([r for r in part if str(r[key]) == value])
    out["all"] = summary_of(rows)
    return out


def ensure_collection(service: RagService, whole: bool, questions: Sequence[dict[str, Any]],
                      progress: Callable[[int, int, str], None] | None = None,
                      distractors: int = CI_DISTRACTORS) -> tuple[str, list[Path]]:
    """Ingest the archive eval's collection (idempotent: unchanged articles are skipped) and prune
    what it should not hold; its name and files."""
    collection = WHOLE_COLLECTION if whole else CI_COLLECTION
    files = corpus_files(service.settings, whole, questions, distractors)
    total = len(files)
    done = [0]

    def counted(_result: Any) -> None:
        done[0] += 1
        if progress and (done[0] % 25 == 0 or done[0] == total):
            progress(done[0], total, f"archive: ingesting into {collection}")

    service.ingest(files, collection, on_result=counted)
    service.prune([p.name for p in files], collection)
    return collection, files


def run(service: RagService, whole: bool = False, llm: int = 0, splits: Sequence[str] = ("dev", "test"),
        progress: Callable[[int, int, str], None] | None = None, distractors: int = CI_DISTRACTORS) -> dict[str, Any]:
    """Ingest the collection (idempotent), ask every question of ``splits``; ``llm`` of them
    (a fixed, evenly spaced subset) are also answered with the LLM."""
    questions = [q for q in load_questions() if q["split"] in splits]
    collection, files = ensure_collection(service, whole, questions, progress, distractors)
    texts = {r.source: service.article_text(r.source, collection) or "" for r in service.articles(collection)}
    rows = []
    for i, item in enumerate(questions, 1):
        rows.append(score_archive(evaluate_item(service, item, False, texts, collection), item))
        if progress:
            progress(i, len(questions), "archive: retrieval and extractive answers")
    answerable = [q for q in questions if q["answerable"]]
    pool = sorted(questions, key=lambda q: q["id"])
    subset = pool[:: max(1, len(pool) // llm)][:llm] if llm else []
    llm_rows = []
    for i, item in enumerate(subset, 1):
        llm_rows.append(score_archive(evaluate_item(service, item, True, texts, collection), item))
        if progress:
            progress(i, len(subset), "archive: LLM answers")
    return {"collection": collection, "articles": len(files), "questions": len(questions),
            "answerable": len(answerable), "summary": groups(rows),
            "llm": summary_of(llm_rows) if llm_rows else None, "rows": rows, "llm_rows": llm_rows}


def report_lines(report: dict[str, Any]) -> list[str]:
    fmt = lambda v: "–" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))  # noqa: E731
    lines = ["## Archive (uk-news questions nobody tuned on)", "",
             f"{report['questions']} questions ({report['answerable']} answerable) asked of `{report['collection']}` "
             f"({report['articles']} articles); extractive answers. Dev is tuned on; test is read only as these "
             "aggregates.", "", "| group | n | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 2) + "|"]
    for group, s in report["summary"].items():
        lines.append(f"| {group} | {s['questions']} | " + " | ".join(fmt(s.get(c)) for c in COLUMNS) + " |")
    if report.get("llm"):
        s = report["llm"]
        lines += ["", f"LLM answers on a fixed subset of {s['questions']}: " + ", ".join(
            f"{c} {fmt(s.get(c))}" for c in ("article_cited", "key_facts", "abstention_recall", "quote_exactness"))]
    return lines


def gate(report: dict[str, Any]) -> list[str]:
    """Thresholds of ``[archive.dev]`` and ``[archive.test]`` in evals/thresholds.toml."""
    config = tomllib.loads((EVALS / "thresholds.toml").read_text(encoding="utf-8")).get("archive", {})
    failures = []
    for split, floors in config.items():
        if split in report["summary"]:
            failures += [f"archive {split} {f}" for f in check_thresholds(report["summary"][split], floors)]
    return failures


def main(argv: Sequence[str] | None = None) -> int:
    from evals.run import _progress

    parser = argparse.ArgumentParser(prog="python -m evals.archive.run")
    parser.add_argument("--whole", action="store_true", help="the whole archive (about 16k chunks) instead of CI's sample")
    parser.add_argument("--llm", type=int, default=0, help="also answer N questions with the LLM")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--out", type=Path, default=EVALS / "report" / "archive")
    parser.add_argument("--no-gate", action="store_true")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    service = RagService(Settings.from_env())
    splits = ("dev", "test") if args.split == "all" else (args.split,)
    report = run(service, args.whole, args.llm, splits, _progress)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    text = "\n".join(report_lines(report)) + "\n"
    (args.out / "report.md").write_text(text, encoding="utf-8")
    print(text)
    service.close()
    failures = [] if args.whole else gate(report)
    if failures and not args.no_gate:
        print("archive gate FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
