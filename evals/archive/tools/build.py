"""Check the hand-written archive questions and build evals/archive/questions.jsonl.

Each line of ``evals/archive/src/*.jsonl`` is written from the articles (never from the
product's output) with its gold quotes as exact text; this script finds each quote in its
file, records its character offsets, checks every field, and gives each item its split from
``evals/archive/articles.tsv`` (all of an item's articles must share one split).

    python -m evals.archive.tools.build          # check and write questions.jsonl
    python -m evals.archive.tools.build --check src/part-0.jsonl   # check one part only

Pure standard library, so it runs before the project is installed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ARCHIVE = Path(__file__).resolve().parents[1]
CORPUS = ARCHIVE.parents[1].parent / "shared" / "corpora" / "uk-news"
SEEDS = ARCHIVE.parents[1] / "seeds"
TYPES = {"who", "what", "how_much", "when", "where", "why", "quote", "multi", "follow_up"}


def articles(path: Path = ARCHIVE / "articles.tsv") -> dict[str, tuple[str, str]]:
    """source -> (folder, split) of the eval's articles."""
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    return {r[1]: (r[0], r[2]) for r in rows}


def source_text(source: str, table: dict[str, tuple[str, str]]) -> str:
    if source in table:
        return (CORPUS / table[source][0] / source).read_text(encoding="utf-8")
    for folder in ("bruk-press", "nashigroshi"):
        if (CORPUS / folder / source).exists():
            return (CORPUS / folder / source).read_text(encoding="utf-8")
    raise ValueError(f"unknown source {source!r}")


def check_item(item: dict[str, Any], table: dict[str, tuple[str, str]]) -> tuple[dict[str, Any], list[str]]:
    """The item with offsets and split filled in, and the problems found (empty: fine)."""
    problems = []
    q = item.get("question", "")
    if not isinstance(q, str) or len(q) < 8:
        problems.append("question missing or too short")
    if item.get("lang") not in ("en", "uk"):
        problems.append("lang must be en or uk")
    if item.get("type") not in TYPES:
        problems.append(f"type must be one of {sorted(TYPES)}")
    if not isinstance(item.get("answerable"), bool):
        problems.append("answerable must be true or false")
    sources = item.get("sources") or []
    if not sources:
        problems.append("sources is empty")
    splits = {table.get(s, ("", "?"))[1] for s in sources}
    if any(s not in table for s in sources):
        problems.append(f"sources not among the eval's articles: {[s for s in sources if s not in table]}")
    if len(splits) > 1:
        problems.append(f"sources from different splits: {splits}")
    evidence = []
    for ev in item.get("evidence") or []:
        try:
            text = source_text(ev["source"], table)
        except (KeyError, ValueError) as exc:
            problems.append(f"evidence: {exc}")
            continue
        quote = ev.get("text", "")
        start = text.find(quote) if quote else -1
        if start < 0:
            problems.append(f"evidence text not found verbatim in {ev['source']}: {quote[:80]!r}")
            continue
        if ev["source"] not in sources:
            problems.append(f"evidence source {ev['source']} not in sources")
        evidence.append({"source": ev["source"], "start": start, "end": start + len(quote), "text": quote})
    facts = item.get("facts") or []
    if item.get("answerable"):
        if not evidence:
            problems.append("an answerable item needs evidence")
        if not facts or not all(isinstance(f, list) and f and all(isinstance(x, str) and x for x in f) for f in facts):
            problems.append("an answerable item needs facts: a list of lists of alternative strings")
        for f in facts:
            low = " ".join(e["text"] for e in evidence).lower()
            if isinstance(f, list) and not any(isinstance(x, str) and x.lower() in low for x in f):
                problems.append(f"fact {f} appears in none of the evidence texts (give the article's own form too)")
    else:
        if evidence or facts:
            problems.append("an unanswerable item has no evidence and no facts")
        if not item.get("missing"):
            problems.append("an unanswerable item says in 'missing' what the article does not give")
    if item.get("type") == "follow_up" and not item.get("history"):
        problems.append("a follow_up item needs history: the earlier question(s)")
    if item.get("type") == "multi" and len(set(sources)) < 2:
        problems.append("a multi item needs two or more sources")
    out = dict(item)
    out["evidence"] = evidence
    out["split"] = splits.pop() if len(splits) == 1 else "?"
    return out, problems


def load(path: Path) -> list[dict[str, Any]]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{n}: not JSON ({exc})")
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=Path, help="check one part file only")
    args = parser.parse_args(argv)
    table = articles()
    parts = [args.check] if args.check else sorted((ARCHIVE / "src").glob("*.jsonl"))
    built, bad = [], 0
    for part in parts:
        for n, item in enumerate(load(part), 1):
            out, problems = check_item(item, table)
            for p in problems:
                print(f"{part.name}:{n}: {p}", file=sys.stderr)
            bad += bool(problems)
            out["id"] = f"{part.stem}-{n:03d}"
            built.append(out)
    print(f"{len(built)} items, {bad} with problems", file=sys.stderr)
    if args.check or bad:
        return 1 if bad else 0
    with (ARCHIVE / "questions.jsonl").open("w", encoding="utf-8") as f:
        for item in built:
            f.write(json.dumps(item, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
