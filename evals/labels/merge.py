"""Merge two helpers' labels of one claims file into one: where they disagree the stricter label
(and its kind and note) is kept, and both are recorded under ``labels``.

    python -m evals.labels.merge A.jsonl B.jsonl OUT.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Sequence

_STRICTNESS = {"supported": 0, "partly": 1, "unsupported": 2}


def merge(a: list[dict], b: list[dict]) -> tuple[list[dict], int, int]:
    """(merged rows, labelled rows, rows both labelled alike)."""
    if len(a) != len(b):
        raise ValueError(f"the two files differ in length ({len(a)} and {len(b)} lines)")
    out, labelled, agree = [], 0, 0
    for x, y in zip(a, b):
        if x.get("claim") != y.get("claim") or x.get("qid") != y.get("qid"):
            raise ValueError(f"the files are not in the same order at {x.get('qid')}")
        if bool(x.get("label")) != bool(y.get("label")):
            raise ValueError(f"only one helper labelled {x.get('qid')}: {x.get('claim', '')[:60]!r}")
        if not x.get("label"):
            out.append(x)
            continue
        for r in (x, y):
            if r["label"] not in _STRICTNESS:
                raise ValueError(f"unknown label {r['label']!r} at {r.get('qid')}: use one of {', '.join(_STRICTNESS)}")
        labelled += 1
        agree += x["label"] == y["label"]
        worse = max((x, y), key=lambda r: _STRICTNESS[r["label"]])
        out.append(dict(x, label=worse["label"], kind=worse.get("kind", ""), note=worse.get("note", ""),
                        labels=[x["label"], y["label"]]))
    return out, labelled, agree


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 3:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    a_path, b_path, out_path = args
    load = lambda p: [json.loads(line) for line in Path(p).read_text(encoding="utf-8").splitlines() if line.strip()]  # noqa: E731
    rows, labelled, agree = merge(load(a_path), load(b_path))
    Path(out_path).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{labelled} labelled by both, {agree} alike ({agree / max(1, labelled):.2f}) -> {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
