"""How well each evidence sentence answers the question: EmbeddingGemma read as a cross-encoder.

The embedder reads a question and a sentence apart, so a sentence that restates the question
outranks the next one that answers it. Here the question and one sentence are read together
("task: question answering | query: Q | document: S") by EmbeddingGemma's own transformer, whose
last two layers, final norm and a linear head on the mean-pooled tokens were trained
(``scripts/train_answer_scorer.py``) to pick, among a paragraph's sentences, the one holding the
answer: SQuAD 2.0's English sample and the squad-uk-mini questions the squad eval never asks. No
archive question is trained on. The trained parts (``rag/data/answer_scorer.safetensors``,
bfloat16) replace the base model's; everything else is the shipped EmbeddingGemma.

The scores are relative: the selection model (:mod:`rag.selection`) reads each sentence's share
of the question's softmax. No library offers a cross-encoder on a model we may ship, hence this.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Sequence

WEIGHTS = Path(__file__).resolve().parent / "data" / "answer_scorer.safetensors"
MAX_TOKENS = 160  # question and sentence together; training used the same cut


def pair_text(question: str, sentence: str) -> str:
    """The one text the scorer reads for a (question, sentence) pair.

    >>> pair_text("Who?", "He did.")
    'task: question answering | query: Who? | document: He did.'
    """
    return f"task: question answering | query: {question} | document: {sentence}"


def trained_names(layers: int, total: int) -> list[str]:
    """The parameter-name prefixes the trained file replaces: the last ``layers`` of ``total``.

    >>> trained_names(2, 24)
    ['layers.22.', 'layers.23.', 'norm.']
    """
    return [f"layers.{i}." for i in range(total - layers, total)] + ["norm."]


class AnswerScorer:
    """Scores (question, sentence) pairs; loaded on first use (about 3 s, 1.2 GB)."""

    def __init__(self, model_dir: Path, weights: Path = WEIGHTS, threads: int = 0) -> None:
        self._model_dir = Path(model_dir)
        self._weights = Path(weights)
        self._threads = threads
        self._lock = threading.Lock()
        self._loaded: tuple[Any, Any, Any] | None = None

    def _load(self) -> tuple[Any, Any, Any]:
        if self._loaded is None:
            import torch
            from safetensors.torch import load_file
            from transformers import AutoModel, AutoTokenizer

            if self._threads:
                torch.set_num_threads(self._threads)
            tokenizer = AutoTokenizer.from_pretrained(str(self._model_dir))
            model = AutoModel.from_pretrained(str(self._model_dir))
            trained = load_file(str(self._weights))
            head = torch.nn.Linear(model.config.hidden_size, 1)
            head.load_state_dict({"weight": trained.pop("head.weight").float(), "bias": trained.pop("head.bias").float()})
            trained.pop("none", None)  # the "no answer" logit of a model trained with unanswered items
            state = model.state_dict()
            unknown = [k for k in trained if k not in state]
            if unknown:
                raise ValueError(f"{self._weights} does not fit {self._model_dir}: {unknown[:3]}")
            model.load_state_dict({k: v.to(state[k].dtype) for k, v in trained.items()}, strict=False)
            model.eval()
            self._loaded = (tokenizer, model, head.eval())
        return self._loaded

    def scores(self, question: str, sentences: Sequence[str]) -> list[float]:
        """One score per sentence: higher is likelier to hold the answer (comparable within a
        question only)."""
        if not sentences:
            return []
        import torch

        with self._lock, torch.no_grad():
            tokenizer, model, head = self._load()
            return [float(v) for v in head_scores(tokenizer, model, head, [pair_text(question, s) for s in sentences])]


def head_scores(tokenizer: Any, model: Any, head: Any, texts: list[str]) -> Any:
    """The head's score of each pair text (a torch tensor): the transformer in bfloat16, its
    tokens mean-pooled, the linear head. Training (scripts/train_answer_scorer.py) and scoring
    share it, so both read a pair alike."""
    import torch

    batch = tokenizer(texts, return_tensors="pt", padding=True, truncation=True, max_length=MAX_TOKENS)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    return head((hidden.float() * mask).sum(1) / mask.sum(1)).squeeze(-1)


def shares(scores: Sequence[float]) -> list[float]:
    """Each score's share of the softmax over the question's sentences.

    >>> [round(v, 3) for v in shares([0.0, 0.0])]
    [0.5, 0.5]
    >>> shares([])
    []
    """
    import math

    if not scores:
        return []
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]
