"""The ``rag`` command: ingest, ask, serve, eval, articles, remove, models."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Sequence

from rag.settings import PROJECT_ROOT, Settings


def _offline_env() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(collection=getattr(args, "collection", None))


def cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from rag.service import RagService

    service = RagService(_settings(args))
    paths = [Path(p) for p in (args.paths or [PROJECT_ROOT / "seeds"])]
    bar: list = []

    def start(total: int) -> None:
        bar.append(tqdm(total=total, unit="file", desc="ingesting", file=sys.stderr, disable=args.quiet))

    def done(result) -> None:
        bar[0].update(1)
        if not args.quiet or not result.ok:
            bar[0].write(result.line(), file=sys.stderr)

    results = service.ingest(paths, on_result=done, rebuild=args.rebuild, on_start=start)
    if bar:
        bar[0].close()
    if args.prune:
        for source in service.prune([r.source for r in results]):
            print(f"removed   {source} (no longer among the ingested files)", file=sys.stderr)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    store = service.store()
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no files"
    print(f"{summary}; collection {store.name!r} now holds {len(store.articles())} articles, {store.count_chunks()} chunks")
    service.close()
    rejected = counts.get("rejected", 0)
    return 1 if (args.strict and rejected) or (results and rejected == len(results)) else 0


def _print_answer(answer, out=sys.stdout) -> None:
    print(answer.text, file=out)
    if answer.notice and answer.mode != "abstain":
        print(f"\n({answer.notice})", file=out)
    if answer.citations:
        print("\nSources:", file=out)
        for c in answer.citations:
            print(f"[{c.n}] {c.source} ({c.start}-{c.end}) {c.title}\n    «{c.quote}»", file=out)
    if answer.related:
        print("\nClosest passages (not an answer):", file=out)
        for c in answer.related:
            print(f"  - {c.source}: «{c.quote}»", file=out)


def cmd_ask(args: argparse.Namespace) -> int:
    from rag.errors import RagError
    from rag.followup import contextualise
    from rag.service import RagService
    from rag.types import Citation

    service = RagService(_settings(args))
    questions = [q for q in sys.stdin.read().splitlines() if q.strip()] if args.question == "-" else [args.question]
    status = 0
    history = list(args.after)
    sources: list[str] | None = None  # the previous answer's articles, once this run has answered one
    cited: list[Citation] = []  # and its citations, which a follow-up does not quote again
    for question in questions:
        try:
            asked = (service.follow_up(history, question) if sources is None
                     else contextualise(history, question, sources, cited))
            if sources is None and asked.is_follow_up:
                # the --after history is answered once, not per question
                sources, cited = list(asked.previous_sources), list(asked.previous_citations)
            if args.chat:
                history.append(asked.text)
            answer = service.ask(asked, use_llm=False if args.no_llm else (True if args.llm else None),
                                 glosses=False if args.no_llm else (True if args.glosses else None),
                                 reader=False if args.no_llm else None)
            if args.chat:
                sources, cited = [c.source for c in answer.citations], list(answer.citations)
        except RagError as exc:
            if args.json:
                print(json.dumps({"question": question, "error": str(exc)}, ensure_ascii=False), flush=True)
            else:
                print(f"error: {exc}", file=sys.stderr)
            status = 2
            sources = [] if args.chat else sources  # the turn has no answer to stay with
            if "collection" in str(exc) or "embedded Qdrant" in str(exc):
                break
            continue
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        else:
            _print_answer(answer)
    service.close()
    return status


def cmd_articles(args: argparse.Namespace) -> int:
    from rag.service import RagService

    service = RagService(_settings(args))
    for record in service.articles():
        date = record.dates[0] if record.dates else "-"
        print(f"{record.source}\t{record.chunk_count} chunks\t{date}\t{record.title}")
    service.close()
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from rag.service import RagService

    service = RagService(_settings(args))
    status = 0
    for source in args.sources:
        if service.remove(source):
            print(f"removed {source}")
        else:
            print(f"not found: {source}", file=sys.stderr)
            status = 1
    service.close()
    return status


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.app import serve

    serve(_settings(args), host=args.host, port=args.port)
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from rag import models

    settings = Settings.from_env()
    if args.action == "fetch":
        models.fetch_all(settings)
        from rag.embed.factory import create_embedder, runtime

        if runtime(settings) == "openvino" and settings.embedder.strip().lower() == "embeddinggemma":
            print("preparing the encoder for OpenVINO (the first time: about a minute)", flush=True)
            create_embedder(settings)  # exports the graph into the download cache now, not at the first question
        if settings.answer_scorer:
            from rag.answer_scorer import create_scorer

            print("preparing the answer scorer (the first time: about a minute)", flush=True)
            create_scorer(settings).prepare()
        return 0
    bad = 0
    for spec in models.ALL_MODELS:
        problems = models.verify(spec, settings.models_dir)
        print(f"{spec.name}: {'ok' if not problems else '; '.join(problems)}")
        bad += bool(problems)
    return 1 if bad else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="Cited answers over news archives, offline.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="add .txt/.md/.html files or folders (default: seeds/)")
    p.add_argument("paths", nargs="*")
    p.add_argument("--collection")
    p.add_argument("--rebuild", action="store_true", help="drop the collection first")
    p.add_argument("--strict", action="store_true", help="exit non-zero if any file is rejected")
    p.add_argument("--prune", action="store_true", help="remove articles whose files are not among PATHs any more")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="answer a question with quoted citations ('-' reads one per line from stdin)")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="one JSON object per question")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--llm", action="store_true",
                      help="the language model writes the answer (each sentence checked against its quote); "
                           "default: RAG_ANSWER_MODE (extractive)")
    mode.add_argument("--no-llm", action="store_true",
                      help="no language model at all: the quotes alone, without English glosses")
    mode.add_argument("--glosses", action="store_true",
                      help="an English gloss by the language model after each Ukrainian quote of an extractive answer "
                           "to an English question (default: RAG_GLOSSES, off: most glosses were wrong, "
                           "docs/faithfulness.md)")
    p.add_argument("--collection")
    p.add_argument("--after", metavar="QUESTION", action="append", default=[],
                   help="an earlier question of the conversation: a follow-up ('And what about air defence?') "
                        "is asked within its subject and answered from the articles the last of them is "
                        "answered from, as in the chat (repeatable)")
    p.add_argument("--chat", action="store_true",
                   help="the questions are one conversation: each may follow up the one before it")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("articles", help="list ingested articles")
    p.add_argument("--collection")
    p.set_defaults(func=cmd_articles)

    p = sub.add_parser("remove", help="remove articles by source name")
    p.add_argument("sources", nargs="+")
    p.add_argument("--collection")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("serve", help="start the chat UI")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--collection")
    p.set_defaults(func=cmd_serve)

    sub.add_parser("eval", help="run the evaluation harness: rag eval [--llm N] [--out DIR] [--no-gate]")

    p = sub.add_parser("models", help="fetch or verify the offline models")
    p.add_argument("action", choices=["fetch", "verify"])
    p.set_defaults(func=cmd_models)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _offline_env()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["eval"]:  # the harness has its own options
        from evals.run import main as eval_main

        return eval_main(argv[1:])
    args = build_parser().parse_args(argv)
    from rag.errors import RagError

    try:
        return int(args.func(args) or 0)
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
