"""Rebuild rag/data/answer_scorer.safetensors: EmbeddingGemma's last layers as a cross-encoder.

    .venv/bin/python scripts/train_answer_scorer.py [--english 2000] [--impossible 0] [--elsewhere 0] [--withheld 0]

Each training item is a question with a few sentences of its paragraph (the gold one and up to
three others, shuffled per item); the loss is the softmax over them (and over a learned "no
answer" logit when ``--impossible`` or ``--elsewhere`` adds items whose answer is none of them):
- SQuAD 2.0's English sample (``../shared/qa/squad2-en-sample``): ``--english`` answerable
  questions; ``--impossible`` of its unanswerable ones; ``--elsewhere`` answerable ones asked of
  another paragraph;
- squad-uk-mini: every question about a paragraph the squad eval's sample never asks about;
- ``--withheld N``: N of the English answerable questions, and every Ukrainian one, asked again
  of their paragraph without the sentences that hold the answer (label: none of them).
No archive eval question is read. Measured and not kept (twenty-second session, archive dev): with
``--english 3000 --impossible 348 --withheld 1500`` the best score against "none" tells answerable
from unanswerable dev questions at AUC 0.70 (the committed scorer's best raw score: 0.68), lowers
the answerability model's out-of-fold refusals (0.63 -> 0.56), and the scorer alone picks the gold
sentence 0.655 against 0.709; ``--english 3618 --layers 4`` picks it 0.627 (more trained layers
fit English-English pairs and read Ukrainian sentences worse). Only the last ``--layers`` transformer layers, the final norm
and the head are trained (the rest is frozen, so one step is mostly an inference pass): one epoch
of about 2,000 items takes about 27 minutes on 2 cores. The trained tensors are written in
bfloat16 (about 17 MB for two layers).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evals import squad2  # noqa: E402
from evals.squad import load_squad, sampled  # noqa: E402
from rag import models  # noqa: E402
from rag.answer_scorer import WEIGHTS, head_scores, pair_text, trained_names  # noqa: E402
from rag.ingest.sentences import split_sentences  # noqa: E402
from rag.settings import Settings  # noqa: E402
from rag.types import Span  # noqa: E402

SQUAD_SAMPLE = 200  # as `make eval` runs the squad check (Makefile): its paragraphs are never trained on
OTHERS = 3  # sentences besides the gold one per item


def sentences(text: str) -> list[Span]:
    return split_sentences(text, [Span(0, len(text))])


def answerable_items(rows: list[tuple[str, str, int]], rng: random.Random) -> list[tuple[str, list[str], int | None]]:
    """(question, sentences, index of the gold one): the gold sentence first, then up to OTHERS."""
    out: list[tuple[str, list[str], int | None]] = []
    for question, context, at in rows:
        spans = sentences(context)
        gold = [i for i, s in enumerate(spans) if s.start <= at < s.end]
        if not gold or len(spans) < 2:
            continue
        others = [i for i in range(len(spans)) if i != gold[0]]
        rng.shuffle(others)
        out.append((question, [context[spans[i].start:spans[i].end] for i in [gold[0]] + others[:OTHERS]], 0))
    return out


def withheld_items(rows: list[tuple[str, str, int, int]], rng: random.Random) -> list[tuple[str, list[str], int | None]]:
    """(question, sentences, None): an answerable question asked of its own paragraph without
    every sentence that holds its answer, so that the rest is about the same thing but does not
    say what is asked (the archive's unanswerable kind: a fact of a named entity that the article
    lacks, with other facts of that entity beside it)."""
    out: list[tuple[str, list[str], int | None]] = []
    for question, context, start, end in rows:
        answer = context[start:end].strip().lower()
        texts = [context[s.start:s.end] for s in sentences(context)
                 if not s.start <= start < s.end and not (answer and answer in context[s.start:s.end].lower())]
        if not texts:
            continue
        rng.shuffle(texts)
        out.append((question, texts[:OTHERS + 1], None))
    return out


def unanswered_items(rows: list[tuple[str, str]], rng: random.Random) -> list[tuple[str, list[str], int | None]]:
    """(question, sentences, None): no sentence holds the answer."""
    out: list[tuple[str, list[str], int | None]] = []
    for question, context in rows:
        texts = [context[s.start:s.end] for s in sentences(context)]
        rng.shuffle(texts)
        out.append((question, texts[:OTHERS + 1], None))
    return out


def training_items(shared: Path, english: int, impossible: int, elsewhere: int, seed: int,
                   withheld: int = 0) -> list[Any]:
    rng = random.Random(seed)
    # the English sample read as the SQuAD 2.0 check reads it, in the file's order (its held-out
    # questions are those after the first ``--english`` of this shuffle: evals.squad2.scorer_training)
    texts, english_answerable, english_unanswerable = squad2.load(shared / "qa" / "squad2-en-sample" / "train-v2.0-sample.json")
    # each with its own answer's end (13 question texts repeat with other answers), for withholding
    # every sentence that holds it; the shuffle below permutes by length alone, so the items are as before
    answerable = [(q["question"], texts[q["source"]], q["start"], q["end"]) for q in english_answerable]
    unanswerable = [(q["question"], texts[q["source"]]) for q in english_unanswerable]
    contexts = list(texts.values())
    rng.shuffle(answerable)
    if impossible or elsewhere:
        rng.shuffle(unanswerable)
    items = answerable_items([(q, c, at) for q, c, at, _ in answerable[:english]], rng)
    items += unanswered_items(unanswerable[:impossible], rng)
    # answerable questions asked of another paragraph: the archive's hard case of a near article
    items += unanswered_items([(q, rng.choice(contexts)) for q, _, _, _ in answerable[english:english + elsewhere]], rng)
    # the same questions as the answerable items, without their answer: the gold must beat "none"
    # and "none" the paragraph's other sentences
    items += withheld_items(answerable[:withheld], rng)
    paragraphs, questions = load_squad(shared / "qa" / "squad-uk-mini" / "squad-train-v1.1-uk-mini.json")
    covered = {q["source"] for q in sampled(questions, SQUAD_SAMPLE)}
    outside = [q for q in questions if q["source"] not in covered]
    rng.shuffle(outside)
    items += answerable_items([(q["question"], paragraphs[q["source"]], q["start"]) for q in outside], rng)
    if withheld:
        items += withheld_items([(q["question"], paragraphs[q["source"]], q["start"], q["end"]) for q in outside], rng)
    rng.shuffle(items)
    return items


def main() -> int:
    import numpy as np
    import torch
    from safetensors.torch import save_file
    from transformers import AutoModel, AutoTokenizer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--english", type=int, default=2000)
    parser.add_argument("--impossible", type=int, default=0)
    parser.add_argument("--elsewhere", type=int, default=0)
    parser.add_argument("--withheld", type=int, default=0,
                        help="English answerable questions also asked of their paragraph without the answer's "
                             "sentences (and every Ukrainian one so, when > 0)")
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args()

    settings = Settings.from_env()
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    items = training_items(settings.shared_dir, args.english, args.impossible, args.elsewhere, args.seed,
                           args.withheld)
    print(f"{len(items)} training items", flush=True)
    model_dir = models.require(models.EMBEDDINGGEMMA, settings)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModel.from_pretrained(str(model_dir))
    for p in model.parameters():
        p.requires_grad = False
    trained: list[torch.nn.Parameter] = []
    for layer in list(model.layers[-args.layers:]) + [model.norm]:
        for p in layer.parameters():
            p.requires_grad = True
            trained.append(p)
    head = torch.nn.Linear(model.config.hidden_size, 1)
    none = torch.nn.Parameter(torch.zeros(1))  # the "no answer" logit (used only with unanswered items)
    optimiser = torch.optim.AdamW([{"params": trained, "lr": 2e-5},
                                   {"params": list(head.parameters()) + [none], "lr": 1e-3}])

    with_none = bool(args.impossible or args.elsewhere or args.withheld)
    model.train()
    started, losses, step_size = time.time(), [], 4
    for step in range(0, len(items), step_size):
        batch = items[step:step + step_size]
        logits = head_scores(tokenizer, model, head, [pair_text(q, s) for q, texts, _ in batch for s in texts])
        loss, at = torch.zeros(()), 0
        for _, texts, gold in batch:
            these = logits[at:at + len(texts)]
            at += len(texts)
            if with_none:
                these = torch.cat([none, these])
            target = 0 if gold is None else gold + int(with_none)
            loss = loss - torch.log_softmax(these, 0)[target]
        (loss / len(batch)).backward()
        optimiser.step()
        optimiser.zero_grad()
        losses.append(float(loss.detach()) / len(batch))
        if (step // step_size) % 25 == 0:
            print(f"  step {step // step_size}/{len(items) // step_size}: loss {np.mean(losses[-25:]):.3f}, "
                  f"{time.time() - started:.0f} s", flush=True)
    prefixes = tuple(trained_names(args.layers, len(model.layers)))
    tensors = {k: v.detach().to(torch.bfloat16).contiguous() for k, v in model.state_dict().items() if k.startswith(prefixes)}
    tensors["head.weight"] = head.weight.detach().to(torch.bfloat16).contiguous()
    tensors["head.bias"] = head.bias.detach().to(torch.bfloat16).contiguous()
    if with_none:
        tensors["none"] = none.detach().to(torch.bfloat16).contiguous()
    save_file(tensors, str(args.out), metadata={"layers": str(args.layers), "english": str(args.english),
                                                "impossible": str(args.impossible), "elsewhere": str(args.elsewhere),
                                                "withheld": str(args.withheld),
                                                "seed": str(args.seed)})
    print(f"wrote {args.out} ({sum(t.numel() for t in tensors.values()) / 1e6:.1f} M values)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
