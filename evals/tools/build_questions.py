"""Build evals/questions.jsonl from evals/questions.src.jsonl.

Each source item names its gold evidence by a short verbatim snippet per source file; this
expands each snippet to the article sentence(s) holding it and records exact character
offsets, failing loudly when a snippet is not in the file (or not in the article body).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rag.ingest.pipeline import parse_article
from rag.ingest.reader import read_document

ROOT = Path(__file__).resolve().parents[2]


def expand(source: str, snippet: str) -> dict:
    doc = read_document(ROOT / "seeds" / source)
    article = parse_article(doc)
    at = doc.text.find(snippet)
    if at < 0:
        raise SystemExit(f"{source}: snippet not found: {snippet!r}")
    end = at + len(snippet)
    spans = [s for s in article.sentences if s.start < end and at < s.end]
    if not spans:
        raise SystemExit(f"{source}: snippet is not in the article body: {snippet!r}")
    start, stop = spans[0].start, spans[-1].end
    return {"source": source, "start": start, "end": stop, "text": doc.text[start:stop]}


def main() -> None:
    src = ROOT / "evals" / "questions.src.jsonl"
    out = ROOT / "evals" / "questions.jsonl"
    items = []
    for n, line in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        item = json.loads(line)
        item["id"] = item.get("id") or f"q{n:03d}"
        item["evidence"] = [expand(e["source"], e["snippet"]) for e in item.pop("gold", [])]
        item["sources"] = sorted({e["source"] for e in item["evidence"]})
        items.append(item)
    out.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    print(f"{len(items)} questions -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
