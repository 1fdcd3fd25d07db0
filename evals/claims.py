"""Sample the claims the product shows, for labelling by hand.

Each archive question of a split is answered through the public API. In LLM mode (``--mode llm``)
every shown sentence is written with the quote(s) it cites, and every sentence the verifier
removed with the quotes of the passages it cited. In the default mode (``--mode default``: the
extractive answer, with an English gloss under each Ukrainian quote for an English question) the
model writes only the glosses (asked for here whatever ``RAG_GLOSSES`` says), so each shown gloss
is written with its quote (``output: gloss``),
and each gloss the checks withheld as not shown. The output (JSONL) is what helpers label,
reading the Ukrainian: supported / partly / unsupported and the error kind (evals/labels/README.md).

    python -m evals.claims --split dev --limit 80 --out evals/labels/claims-dev.jsonl
    python -m evals.claims --mode default --lang en --split dev --limit 60 --out evals/labels/glosses-dev.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from evals.archive import run as archive
from evals.run import _progress, standalone
from rag.gloss import needs_gloss
from rag.service import RagService
from rag.settings import Settings

_SENTENCE = re.compile(r"(.+?)\s*((?:\[\d+\])+)\s*([.!?…]?)(?=\s|$)", re.S)


def shown_claims(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The sentences of an LLM answer with the quotes their markers cite; a passage the answer shows
    as its quote is no sentence of the model's."""
    quotes = {c["n"]: c for c in answer["citations"]}
    out = []
    for m in _SENTENCE.finditer(answer["answer"]):
        markers = [int(n) for n in re.findall(r"\d+", m.group(2))]
        cited = [quotes[n] for n in markers if n in quotes]
        if m.group(1).strip() in {f"«{c['quote']}»" for c in cited}:
            continue  # a passage shown as its quote (rag.passage_claims): nothing the model wrote
        out.append({"claim": (m.group(1) + m.group(3)).strip(), "quotes": [c["quote"] for c in cited],
                    "sources": [c["source"] for c in cited]})
    return out


def shown_glosses(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The English glosses of a default-mode answer, each with its quote; a quote whose gloss the
    checks withheld gives a row with ``shown: False`` and no claim."""
    target = answer.get("language", "en")
    return [{"claim": c.get("gloss") or "", "quotes": [c["quote"]], "sources": [c["source"]], "output": "gloss",
             "shown": bool(c.get("gloss"))} for c in answer["citations"] if needs_gloss(c["quote"], target)]


def sample(service: RagService, split: str, limit: int, answerable_only: bool = False,
           exclude: frozenset[str] = frozenset(), mode: str = "llm", lang: str = "") -> list[dict[str, Any]]:
    every = archive.load_questions()
    collection, _files = archive.ensure_collection(service, False, every, _progress)
    questions = [q for q in every if q["split"] == split and (q["answerable"] or not answerable_only)
                 and q["id"] not in exclude and (not lang or q["lang"] == lang)]
    step = max(1, len(questions) // max(1, limit))
    chosen = questions[::step][:limit]
    rows = []
    for i, item in enumerate(chosen, 1):
        question = standalone(item, service, collection)
        found = service.retrieve(question, collection)
        t0 = time.perf_counter()
        reader = "en" if mode == "default-en" else None  # every quote glossed, as for an English reader
        if mode == "llm":
            answer = service.answer(found, use_llm=True).to_dict()
        else:  # the extractive answer with its glosses (RAG_GLOSSES=1), whatever the defaults
            answer = service.answer(found, use_llm=False, language=reader, glosses=True).to_dict()
        base = {"qid": item["id"], "question": item["question"], "lang": item["lang"], "answerable": item["answerable"],
                "mode": answer["mode"], "notice": answer.get("notice", ""), "seconds": round(time.perf_counter() - t0, 1)}
        if mode != "llm":
            rows += [dict(base, **g) for g in shown_glosses(answer)]
            if answer["abstained"]:
                rows.append(dict(base, shown=None, claim=answer["answer"], quotes=[], sources=[]))
            _progress(i, len(chosen), f"glosses: {split}")
            continue
        if answer["mode"] == "llm":
            rows += [dict(base, shown=True, **c) for c in shown_claims(answer)]
        evidence = {e.quote.text for e in found.evidence}
        for line in answer.get("removed") or []:
            rows.append(dict(base, shown=False, claim=line, quotes=sorted(evidence)[:3], sources=[]))
        if answer["mode"] != "llm":
            rows.append(dict(base, shown=None, claim=answer["answer"], quotes=[], sources=[]))
        _progress(i, len(chosen), f"claims: {split}")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.claims")
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--limit", type=int, default=80)
    parser.add_argument("--answerable-only", action="store_true")
    parser.add_argument("--mode", choices=("llm", "default", "default-en"), default="llm",
                        help="llm: the model writes the answer; default: the product's default answer and its "
                             "glosses; default-en: the same, every answer glossed as for an English reader")
    parser.add_argument("--lang", choices=("", "en", "uk"), default="", help="only questions in this language")
    parser.add_argument("--exclude", type=Path, help="a claims file whose questions are skipped (a second batch)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    service = RagService(Settings.from_env())
    done = frozenset(json.loads(line)["qid"] for line in args.exclude.read_text(encoding="utf-8").splitlines()
                     if line.strip()) if args.exclude else frozenset()
    rows = sample(service, args.split, args.limit, answerable_only=args.answerable_only, exclude=done,
                  mode=args.mode, lang=args.lang)
    service.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    shown = [r for r in rows if r["shown"]]
    print(f"{len(shown)} shown claims, {sum(r['shown'] is False for r in rows)} removed, "
          f"{sum(r['shown'] is None for r in rows)} answers not in LLM mode -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
