"""Counts of a labelled claims file: shown claims supported / partly / unsupported per language,
the error kinds, and the verifier on real outputs (a removed claim that was not supported is a
catch; a removed supported claim a false alarm; a shown unsupported claim a miss).

    python -m evals.labels.summary evals/labels/claims-dev.labelled.jsonl
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Sequence


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    labelled = [r for r in rows if r.get("label")]
    shown = [r for r in labelled if r["shown"] is True]
    removed = [r for r in labelled if r["shown"] is False]
    out: dict[str, Any] = {"labelled": len(labelled), "shown": len(shown), "removed": len(removed)}
    for lang in ("all", "en", "uk"):
        part = [r for r in shown if lang == "all" or r["lang"] == lang]
        labels = Counter(r["label"] for r in part)
        out[f"shown_{lang}"] = {"n": len(part), **labels,
                                "supported_share": labels["supported"] / len(part) if part else None}
    out["shown_kinds"] = dict(Counter(r["kind"] for r in shown if r["label"] != "supported"))
    bad_removed = sum(r["label"] != "supported" for r in removed)
    bad_shown = sum(r["label"] != "supported" for r in shown)
    out["verifier"] = {"precision": bad_removed / len(removed) if removed else None,
                       "recall": bad_removed / (bad_removed + bad_shown) if bad_removed + bad_shown else None,
                       "caught": bad_removed, "false_alarms": len(removed) - bad_removed, "missed": bad_shown}
    return out


def main(argv: Sequence[str] | None = None) -> int:
    for name in (sys.argv[1:] if argv is None else argv):
        print(name)
        print(json.dumps(summary(load(Path(name))), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
