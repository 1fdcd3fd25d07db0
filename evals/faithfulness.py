"""The claim verifier measured on synthetic pairs from NTREX (English news sentences and
their Ukrainian translations, ``../shared/qa/ntrex-en-uk``, CC BY-SA 4.0).

For each English sentence: against its own translation (supported); against the next
document sentence (unsupported, whatever it says); with one number, month or name changed,
or a negation added (unsupported, the kind known). ``rag.verify.check_claim`` flags a pair
or not; precision and recall of the flags for "unsupported", per kind and per part. Pairs
of even line numbers are the dev part, odd ones the test part (no rule is tuned on it).

    python -m evals.faithfulness [--part test]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, Sequence

from rag.settings import Settings
from rag.verify import check_claim

_NUMBER = re.compile(r"(?<![\w.,])\d+(?![\w])")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_NAME = re.compile(r"(?<=[a-z,] )[A-Z][a-z]{3,}")


def load_pairs(shared: Path) -> list[tuple[str, str, str]]:
    folder = shared / "qa" / "ntrex-en-uk"
    en = (folder / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    uk = (folder / "newstest2019-ref.ukr.txt").read_text(encoding="utf-8").splitlines()
    docs = (folder / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    return list(zip(en, uk, docs))


def perturbations(en: str, names: list[str]) -> list[tuple[str, str]]:
    """(kind, changed sentence): one number changed, one month changed, one name swapped
    for a name from another sentence, a negation added."""
    out = []
    number = _NUMBER.search(en)
    if number:
        value = int(number.group(0))
        other = value + 1 if value < 10 else value * 2 + 3
        out.append(("number", en[: number.start()] + str(other) + en[number.end():]))
    month = next((m for m in _MONTHS if re.search(rf"\b{m}\b", en)), None)
    if month:
        other = _MONTHS[(_MONTHS.index(month) + 5) % 12]
        out.append(("month", re.sub(rf"\b{month}\b", other, en, count=1)))
    name = _NAME.search(en)
    if name and names:
        other = next((n for n in names if n != name.group(0) and n[:2] != name.group(0)[:2]), None)
        if other:
            out.append(("name", en[: name.start()] + other + en[name.end():]))
    negated = re.sub(r"\b(is|are|was|were|will|has|have|had|can|could|would|should)\b", r"\1 not", en, count=1)
    if negated != en:
        out.append(("negation", negated))
    return out


def run(shared: Path, part: str = "all") -> dict[str, Any]:
    pairs = load_pairs(shared)
    names = [m.group(0) for en, _, _ in pairs for m in _NAME.finditer(en)][::7]
    rows = []
    for i, (en, uk, doc) in enumerate(pairs):
        if len(en) < 30 or (part == "dev" and i % 2) or (part == "test" and not i % 2):
            continue
        rows.append(("supported", False, check_claim(en, [uk]).supported))
        if i + 1 < len(pairs) and pairs[i + 1][2] == doc:
            rows.append(("neighbour", True, check_claim(en, [pairs[i + 1][1]]).supported))
        for kind, changed in perturbations(en, names):
            rows.append((kind, True, check_claim(changed, [uk]).supported))
    flagged = [(kind, bad, not ok) for kind, bad, ok in rows]
    tp = sum(bad and flag for _, bad, flag in flagged)
    fp = sum(not bad and flag for _, bad, flag in flagged)
    fn = sum(bad and not flag for _, bad, flag in flagged)
    out: dict[str, Any] = {"part": part, "pairs": len(rows),
                           "precision": tp / (tp + fp) if tp + fp else None,
                           "recall": tp / (tp + fn) if tp + fn else None,
                           "supported_flagged": fp / max(1, sum(not bad for _, bad, _ in flagged))}
    for kind in ("neighbour", "number", "month", "name", "negation"):
        group = [flag for k, _, flag in flagged if k == kind]
        out[f"caught_{kind}"] = sum(group) / len(group) if group else None
        out[f"n_{kind}"] = len(group)
    return out


_MECHANICAL = ("number", "month", "currency")


def shown_claim_violations(answers: Sequence[dict[str, Any]]) -> list[str]:
    """Shown LLM sentences with a number, month or currency their cited quotes lack (the verifier
    must have removed them all): one line each. ``answers`` are ``Answer.to_dict()`` values."""
    from evals.claims import shown_claims

    out = []
    for answer in answers:
        if answer.get("mode") != "llm":
            continue
        for claim in shown_claims(answer):
            problems = [p for p in check_claim(claim["claim"], claim["quotes"]).problems if p.startswith(_MECHANICAL)]
            if problems:
                out.append(f"{claim['claim']} ({'; '.join(problems)})")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.faithfulness")
    parser.add_argument("--part", choices=("dev", "test", "all"), default="dev")
    args = parser.parse_args(argv)
    print(json.dumps(run(Settings.from_env().shared_dir, args.part), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
