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

import logging
import threading
from pathlib import Path
from typing import Any, Sequence

log = logging.getLogger(__name__)
WEIGHTS = Path(__file__).resolve().parent / "data" / "answer_scorer.safetensors"
MAX_TOKENS = 160  # question and sentence together; training used the same cut
_BATCH = 4  # pairs per OpenVINO request


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
    """Scores (question, sentence) pairs; loaded on first use (about 3 s, 1.2 GB).

    ``runtime`` "torch" reads the pairs with transformers in bfloat16; "openvino" exports the
    same function (the transformer with the trained layers, pooling and head) once into
    ``export_cache`` and runs it there, with int8 weights when ``precision`` is "int8", as the
    embedder does (rag.embed.openvino_encoder)."""

    def __init__(self, model_dir: Path, weights: Path = WEIGHTS, threads: int = 0, runtime: str = "torch",
                 precision: str = "bf16", export_cache: Path | None = None) -> None:
        if runtime not in ("torch", "openvino"):
            raise ValueError(f"the answer scorer runs on torch or openvino, not {runtime!r}")
        if runtime == "openvino" and export_cache is None:
            raise ValueError("the answer scorer's openvino runtime needs a folder for its exported graph")
        self._model_dir = Path(model_dir)
        self._weights = Path(weights)
        self._threads = threads
        self.runtime, self.precision = runtime, precision
        self._export_cache = export_cache
        self._lock = threading.Lock()
        self._loaded: tuple[Any, Any, Any] | None = None
        self._compiled: tuple[Any, Any] | None = None
        self._none: float | None = None

    def _load(self) -> tuple[Any, Any, Any]:
        """The tokenizer, the transformer with the trained layers, and the head (torch)."""
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

    def prepare(self) -> None:
        """Load the model now, exporting it to OpenVINO first if it never was (about a minute),
        rather than at the first question (``rag models fetch`` calls it)."""
        with self._lock:
            if self.runtime == "openvino":
                self._openvino()
            else:
                self._load()

    def _openvino(self) -> tuple[Any, Any]:
        """The tokenizer and an inference request on the exported graph (OpenVINO)."""
        if self._compiled is None:
            import openvino as ov
            from transformers import AutoTokenizer

            from rag.embed.openvino_encoder import inference_config

            graph = self._export()
            if self.precision == "int8":
                from rag.embed.openvino_encoder import int8_model

                graph = int8_model(graph)
            core = ov.Core()
            compiled = core.compile_model(core.read_model(str(graph)), "CPU", inference_config(core, self.precision))
            self._compiled = (AutoTokenizer.from_pretrained(str(self._model_dir)), compiled.create_infer_request())
        return self._compiled

    def _export(self) -> Path:
        """The scoring function's OpenVINO graph, exported once per model and trained file."""
        import hashlib

        from rag.embed.openvino_encoder import export_graph, export_key

        assert self._export_cache is not None
        digest = hashlib.sha256(self._weights.read_bytes()).hexdigest()[:12]
        target = Path(self._export_cache) / f"answer-scorer-{export_key(self._model_dir)}-{digest}"
        if (target / "model.xml").exists():
            return target / "model.xml"
        import torch

        log.warning("exporting the answer scorer to OpenVINO once (about a minute)")
        tokenizer, model, head = self._load()

        class _Scoring(torch.nn.Module):
            """Pair tokens to one score each: the transformer, mean pooling, the head."""

            def __init__(self) -> None:
                super().__init__()
                self.model, self.head = model, head

            def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
                hidden = self.model(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                return self.head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)

        example = tokenizer([pair_text("Who?", "He did."), pair_text("When was it?", "In May of that year.")],
                            return_tensors="pt", padding=True)
        graph = export_graph(_Scoring(), (example["input_ids"], example["attention_mask"]), target, MAX_TOKENS)
        self._loaded = None  # the torch model was needed only to export it
        return graph

    def none_logit(self) -> float:
        """The trained "no answer" logit (0 for a file trained without unanswered items)."""
        if self._none is None:
            from safetensors import safe_open

            with safe_open(str(self._weights), framework="pt") as f:
                self._none = float(f.get_tensor("none").float()[0]) if "none" in f.keys() else 0.0
        return self._none

    def scores(self, question: str, sentences: Sequence[str]) -> list[float]:
        """One score per sentence: higher is likelier to hold the answer. Scores are relative to
        the "no answer" logit of a file trained with unanswered items (a sentence above 0 beats
        "none of these"); otherwise comparable within a question only."""
        none = self.none_logit()
        return [v - none for v in self._raw_scores(question, sentences)]

    def _raw_scores(self, question: str, sentences: Sequence[str]) -> list[float]:
        if not sentences:
            return []
        texts = [pair_text(question, s) for s in sentences]
        if self.runtime == "openvino":
            import numpy as np

            from rag.embed.openvino_encoder import by_length, padded

            out = np.zeros(len(texts), dtype=np.float32)
            with self._lock:
                tokenizer, request = self._openvino()
                ids = tokenizer(texts, truncation=True, max_length=MAX_TOKENS)["input_ids"]
                for rows in by_length(ids, _BATCH):
                    result = request.infer(padded(tokenizer, [ids[i] for i in rows]))
                    out[rows] = np.asarray(result[0], dtype=np.float32).reshape(-1)
            return [float(v) for v in out]
        import torch

        with self._lock, torch.no_grad():
            tokenizer, model, head = self._load()
            return [float(v) for v in head_scores(tokenizer, model, head, texts)]


def create_scorer(settings: Any) -> AnswerScorer:
    """The scorer on EmbeddingGemma's own runtime and precision (``RAG_EMBED_RUNTIME``,
    ``RAG_EMBED_PRECISION``; by default OpenVINO with int8 weights, as the embedder), its
    exported graph in the download cache beside the embedder's."""
    from rag import models
    from rag.embed.sentence_transformers import DEFAULT_PRECISION

    runtime = settings.embed_runtime or "openvino"
    return AnswerScorer(models.require(models.EMBEDDINGGEMMA, settings), runtime=runtime,
                        precision=settings.embed_precision or DEFAULT_PRECISION[runtime],
                        export_cache=Path(settings.download_cache) / "openvino")


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
