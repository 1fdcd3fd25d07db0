"""The English SQuAD 2.0 check asks only questions the answer scorer was not trained on."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from evals import squad2
from rag.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FILE = Settings.from_env().shared_dir / "qa" / "squad2-en-sample" / "train-v2.0-sample.json"
needs_file = pytest.mark.skipif(not FILE.is_file(), reason="../shared/qa/squad2-en-sample is not beside the checkout")


@needs_file
def test_the_held_out_questions_are_those_the_scorer_script_did_not_train_on() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import train_answer_scorer

    paragraphs, answerable, unanswerable = squad2.load(FILE)
    assert len(paragraphs) == 628 and len(answerable) == 3618 and len(unanswerable) == 348
    # the committed scorer's recipe: --english 2000, seed 0 (its English items come first in the file's shuffle)
    items = train_answer_scorer.training_items(FILE.parents[2], squad2.SCORER_TRAINED, 0, 0, 0)
    trained = {q for q, _, _ in items}
    held = squad2.held_out(answerable)
    assert len(held) == len(answerable) - squad2.SCORER_TRAINED
    texts = [q["question"] for q in answerable]
    asked_twice = {t for t in texts if texts.count(t) > 1}
    assert not ({q["question"] for q in held} & trained) - asked_twice
    assert len({q["question"] for q in answerable} & trained) >= 1800  # the shuffle is the script's
    for q in held[:50]:  # gold spans point into their paragraph
        assert paragraphs[q["source"]][q["start"]:q["end"]].strip()


def test_an_evenly_spaced_sample_is_the_same_each_run() -> None:
    items = [{"id": str(i)} for i in range(10)]
    assert squad2.sampled(items, 5) == squad2.sampled(items, 5) == [items[i] for i in (0, 2, 4, 6, 8)]
    assert squad2.sampled(items, None) == items


@needs_file
def test_dev_and_test_parts_share_no_question() -> None:
    _, answerable, unanswerable = squad2.load(FILE)
    dev, test = squad2.split(answerable, unanswerable, "dev"), squad2.split(answerable, unanswerable, "test")
    assert [len(x) for x in dev] == [squad2.DEV_SIZE, squad2.DEV_SIZE]
    assert [len(x) for x in test] == [len(answerable) - squad2.SCORER_TRAINED - squad2.DEV_SIZE,
                                      len(unanswerable) - squad2.DEV_SIZE]
    assert not {q["id"] for q in dev[0] + dev[1]} & {q["id"] for q in test[0] + test[1]}
