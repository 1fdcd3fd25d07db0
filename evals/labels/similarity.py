"""How a labelled file's shown glosses (or claims) would fare under a similarity floor: each is
embedded with its quote(s) by the product's embedder (its sentence-similarity prompt, the one
``rag.answer.check_support`` uses), and the labels of those at or above each floor are counted.
Aggregates only, so a test file can be read with it. (Measured in the twelfth session and not
kept as a check: docs/faithfulness.md.)

    python -m evals.labels.similarity evals/labels/glosses-dev.labelled.jsonl --floors 0.85 0.87 0.89
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Sequence

from rag.service import RagService
from rag.settings import Settings


def similarities(rows: list[dict], service: RagService) -> list[float]:
    """Cosine of each row's claim with its quotes joined (the embedder's similarity prompt)."""
    claims = service.embedder.embed_symmetric([r["claim"] for r in rows])
    quotes = service.embedder.embed_symmetric([" ".join(r["quotes"]) for r in rows])
    return [float(c @ q) for c, q in zip(claims, quotes)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.labels.similarity")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--floors", nargs="+", type=float, default=[0.0, 0.85, 0.87, 0.89, 0.9])
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    rows = [json.loads(line) for f in args.files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r.get("shown") and r.get("label")]
    if not rows:
        raise SystemExit("no labelled shown rows in " + ", ".join(map(str, args.files)))
    service = RagService(Settings.from_env(llm="none"))
    cos = similarities(rows, service)
    service.close()
    print("| floor | shown | supported | partly | unsupported | supported share |\n|---|---|---|---|---|---|")
    for floor in args.floors:
        kept = Counter(r["label"] for r, c in zip(rows, cos) if c >= floor)
        n = sum(kept.values())
        share = f"{kept['supported'] / n:.3f}" if n else "–"
        print(f"| {floor:.2f} | {n} | {kept['supported']} | {kept['partly']} | {kept['unsupported']} | {share} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
