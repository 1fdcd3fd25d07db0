"""English glosses of Ukrainian quotes, scored with chrF against NTREX's English references.

Each Ukrainian sentence of ``../shared/qa/ntrex-en-uk`` (the human translation of an English news
sentence) is glossed by ``RagService.gloss`` exactly as a quote is for an English reader; the
gloss is compared with the English original (sacrebleu chrF, corpus level). A gloss the checks
withhold (a number, month or name its quote lacks; Cyrillic left in it) is not shown and counts
as withheld. Even line numbers are the dev part, odd ones the test part.

    python -m evals.glosses --part test --limit 60
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, Sequence

from evals.faithfulness import load_pairs
from rag.service import RagService
from rag.settings import Settings


def run(service: RagService, part: str = "dev", limit: int = 60) -> dict[str, Any]:
    import sacrebleu

    pairs = [(en, uk) for i, (en, uk, _doc) in enumerate(load_pairs(service.settings.shared_dir))
             if len(uk) >= 30 and (i % 2 == (0 if part == "dev" else 1))]
    step = max(1, len(pairs) // max(1, limit))
    chosen = pairs[::step][:limit]
    shown, refs, withheld, seconds = [], [], 0, []
    rows = []
    for en, uk in chosen:
        t0 = time.perf_counter()
        gloss = service.gloss(uk, "", "en")
        seconds.append(time.perf_counter() - t0)
        rows.append({"uk": uk, "en": en, "gloss": gloss})
        if gloss is None:
            withheld += 1
        else:
            shown.append(gloss)
            refs.append(en)
    chrf = sacrebleu.corpus_chrf(shown, [refs]).score if shown else None
    seconds.sort()
    return {"part": part, "sentences": len(chosen), "shown": len(shown), "withheld": withheld,
            "chrf_shown": chrf, "seconds_p50": seconds[len(seconds) // 2] if seconds else None, "rows": rows}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.glosses")
    parser.add_argument("--part", choices=("dev", "test"), default="dev")
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--rows", action="store_true", help="print every gloss (dev only)")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    service = RagService(Settings.from_env())
    if service.llm() is None:
        print(f"the language model is {service.llm_status()}", file=sys.stderr)
        return 2
    report = run(service, args.part, args.limit)
    rows = report.pop("rows")
    if args.rows and args.part == "dev":
        for r in rows:
            print(json.dumps(r, ensure_ascii=False))
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
