"""A sentence-transformers model run by OpenVINO: the same vectors, faster per question.

The whole sentence-transformers pipeline (transformer, pooling, dense layers, normalisation) is
exported once through ``torch.export`` into OpenVINO's format and cached under the download cache,
keyed by the model's files and the library versions; later processes load only the tokenizer and
the compiled graph. On 2 cores of an AVX-512 BF16 CPU one short question takes 20 ms in bf16
against 54 ms for torch in bf16, and the vectors agree with torch's fp32 ones to cosine >= 0.9999
(docs/performance.md). With ``precision="int8"`` (the product's default) nncf compresses the
weights to int8 once more and the CPU plugin quantises activations on the fly: an archive question's
three variants take 62 against 224 ms for torch bf16 on a CPU without AMX, vectors at cosine >= 0.998
of the bf16 graph's, archive dev and seeds figures kept. sentence-transformers' own OpenVINO backend needs optimum-intel,
which pins another torch and transformers than the product's; the export here needs only
``openvino`` (and ``nncf`` for int8).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, Sequence

import numpy as np

log = logging.getLogger(__name__)

# OpenVINO's names of the arithmetic the CPU plugin runs in. "int8" keeps the weights in int8
# (nncf's weight compression, per channel, asymmetric) and the rest of the graph in bf16.
_INFERENCE_PRECISION = {"fp32": "f32", "bf16": "bf16", "int8": "bf16"}
# int8: the CPU plugin quantises activations on the fly in groups of this many values, so the
# products run on int8 (VNNI) units; without it the weights are widened back (90 against 33 ms).
# Calibrated static int8 (nncf.quantize) was faster again but moved vectors to cosine 0.9875.
# Groups of 128 were faster (27 ms) but moved archive dev answers (abstention recall 0.640 -> 0.600).
_DYNAMIC_QUANTIZATION_GROUP = 32
_MAX_TOKENS = 512  # the export's upper bound on sequence length (EmbeddingGemma's own limit)
_MAX_BATCH = 512
# texts per request on the bulk path: archive chunks per second on 2 cores, two streams, by batch:
# 4: 26.4, 8: 26.3, 16: 25.3, 32: 22.6, 64: 15.9 (smaller batches pad less and stay in cache)
_BULK_BATCH = 8
# calls of at least this many texts take the bulk path: an ingest's batches (128 chunks) do, a
# question's variants and its uncached evidence sentences (tens) do not, so answering never
# compiles the second graph (about 160 MB more resident) nor waits behind an ingest's streams
_BULK_MIN = 64
_EXPORT_VERSION = "2"  # bumped whenever the export itself changes: older exports are not reused


def export_key(model_dir: Path) -> str:
    """A short key naming one export: the model's files (name, size, modification time) and the
    versions of the libraries that shape the graph. Any change gives a new key, so a stale export
    is never loaded."""
    import openvino
    import torch
    import transformers

    parts = [_EXPORT_VERSION, openvino.__version__, torch.__version__, transformers.__version__, str(_MAX_TOKENS)]
    for path in sorted(p for p in Path(model_dir).rglob("*") if p.is_file()):
        stat = path.stat()
        parts.append(f"{path.relative_to(model_dir)}:{stat.st_size}:{int(stat.st_mtime)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def export_model(model_dir: Path, cache_dir: Path, max_seq_length: int = _MAX_TOKENS) -> Path:
    """The OpenVINO graph (``model.xml``) of the sentence-transformers model in ``model_dir``,
    exported on first use (about a minute and 2 GB of memory for EmbeddingGemma) into
    ``cache_dir/<folder name>-<key>/`` and reused afterwards."""
    model_dir = Path(model_dir)
    target = Path(cache_dir) / f"{model_dir.name}-{export_key(model_dir)}"
    if (target / "model.xml").exists():
        return target / "model.xml"
    log.warning("exporting %s to OpenVINO once (about a minute)", model_dir.name)
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu", trust_remote_code=False)
    model.max_seq_length = min(max_seq_length, model.max_seq_length or max_seq_length)

    class _Pipeline(torch.nn.Module):
        """The sentence-transformers modules as one function of the tokenizer's two tensors."""

        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.inner({"input_ids": input_ids, "attention_mask": attention_mask})["sentence_embedding"]

    example = model.tokenize(["a short example", "a slightly longer example of two lines"])
    return export_graph(_Pipeline(model), (example["input_ids"], example["attention_mask"]), target)


def export_graph(module: Any, example: tuple[Any, Any], target: Path, max_tokens: int = _MAX_TOKENS) -> Path:
    """``module``, a torch function of the tokenizer's ``(input_ids, attention_mask)`` with
    dynamic batch and length (up to ``max_tokens``), exported through ``torch.export`` into ``target/model.xml``
    (written atomically: a concurrent export of the same target leaves one folder)."""
    import openvino as ov
    import torch
    from torch.export import Dim, export
    from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS

    original_mask = ALL_MASK_ATTENTION_FUNCTIONS._global_mapping["sdpa"]

    def mask_without_empty_rows(*args: object, **kwargs: object) -> object:
        """The attention mask, where a row that may attend to nothing may attend to everything.
        Such rows are padding beyond a sliding window's reach; torch's attention returns zeros
        for them, OpenVINO's returns NaN, which the next layer spreads to every token."""
        mask = original_mask(*args, **kwargs)
        if isinstance(mask, torch.Tensor) and mask.dtype == torch.bool:
            mask = mask | ~mask.any(dim=-1, keepdim=True)
        return mask

    batch, tokens = Dim("batch", min=1, max=_MAX_BATCH), Dim("tokens", min=2, max=max_tokens)
    ALL_MASK_ATTENTION_FUNCTIONS._global_mapping["sdpa"] = mask_without_empty_rows
    try:
        with torch.no_grad():
            program = export(module.eval(), example, dynamic_shapes=({0: batch, 1: tokens}, {0: batch, 1: tokens}))
            graph = ov.convert_model(program)
    finally:
        ALL_MASK_ATTENTION_FUNCTIONS._global_mapping["sdpa"] = original_mask
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    ov.save_model(graph, staging / "model.xml", compress_to_fp16=False)
    try:
        staging.rename(target)  # atomic: a concurrent export of the same key leaves one folder
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
    return target / "model.xml"


def int8_model(graph: Path) -> Path:
    """``graph`` with its weights compressed to int8 by nncf (in ``int8-nncf<version>/`` beside
    it), made on first use (about 20 seconds) and reused afterwards."""
    import nncf
    import openvino as ov

    target = graph.parent / f"int8-nncf{nncf.__version__}"
    if (target / "model.xml").exists():
        return target / "model.xml"
    log.warning("compressing the OpenVINO graph's weights to int8 once (about 20 seconds)")
    staging = Path(tempfile.mkdtemp(prefix=".int8-", dir=graph.parent))
    try:
        compressed = nncf.compress_weights(ov.Core().read_model(str(graph)), mode=nncf.CompressWeightsMode.INT8_ASYM)
        ov.save_model(compressed, staging / "model.xml", compress_to_fp16=False)
        try:
            staging.rename(target)  # atomic, as in export_model: a concurrent run leaves one folder
        except OSError:
            if not (target / "model.xml").exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target / "model.xml"


def inference_config(core: Any, precision: str) -> dict[str, str]:
    """The CPU plugin's settings for ``precision`` ("fp32", "bf16", "int8"): bf16 arithmetic only
    where the CPU has bf16 units, and on-the-fly int8 activations for int8 weights."""
    arithmetic = _INFERENCE_PRECISION[precision]
    if arithmetic == "bf16" and "BF16" not in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES"):
        arithmetic = "f32"  # no bf16 units on this CPU: OpenVINO would emulate them slowly
    config = {"INFERENCE_PRECISION_HINT": arithmetic, "PERFORMANCE_HINT": "LATENCY"}
    if precision == "int8":
        config["DYNAMIC_QUANTIZATION_GROUP_SIZE"] = str(_DYNAMIC_QUANTIZATION_GROUP)
    return config


def padded(tokenizer: Any, ids: Sequence[Sequence[int]]) -> dict[str, np.ndarray]:
    """Token ids of one batch padded to its longest, with the attention mask, as the graph takes them."""
    batch = tokenizer.pad({"input_ids": list(ids)}, padding=True, return_tensors="np")
    return {"input_ids": batch["input_ids"].astype(np.int64), "attention_mask": batch["attention_mask"].astype(np.int64)}


def by_length(ids: Sequence[Sequence[int]], size: int) -> list[list[int]]:
    """Row numbers in batches of ``size``, longest texts first: texts of like token length run
    together, so a batch pads little."""
    order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
    return [order[start : start + size] for start in range(0, len(order), size)]


class OpenVINOEncoder:
    """Texts to L2-normalised vectors with an exported graph and the model's own tokenizer."""

    def __init__(self, model_dir: Path, cache_dir: Path, precision: str = "bf16",
                 max_seq_length: int = _MAX_TOKENS, batch_size: int = 16) -> None:
        if precision not in _INFERENCE_PRECISION:
            raise ValueError(f"RAG_EMBED_PRECISION={precision!r}: RAG_EMBED_RUNTIME=openvino takes "
                             f"{', '.join(_INFERENCE_PRECISION)}")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import openvino as ov
        from transformers import AutoTokenizer

        core = ov.Core()
        config = inference_config(core, precision)
        if precision == "bf16" and config["INFERENCE_PRECISION_HINT"] == "f32":
            precision = "fp32"  # no bf16 units on this CPU (int8 names its weights: they stay int8)
        self.precision = precision
        self._tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        self._max_tokens = min(max_seq_length, _MAX_TOKENS)
        self._batch = max(1, min(batch_size, _MAX_BATCH))
        graph = export_model(Path(model_dir), Path(cache_dir), self._max_tokens)
        if precision == "int8":
            graph = int8_model(graph)
        self._model = core.read_model(str(graph))  # read once: the bulk path compiles it again
        compiled = core.compile_model(self._model, "CPU", config)
        self._request = compiled.create_infer_request()
        self.dim = int(compiled.output(0).get_partial_shape()[1].get_length())
        self._core, self._config = core, config
        # the bulk path's requests, compiled on the first call of at least _BULK_MIN texts (an
        # ingest; a question's variants and evidence sentences stay on the one request)
        self._queue: Any = None
        # one request and one queue, each used by one thread at a time (the UI asks while it ingests)
        self._request_lock, self._queue_lock = threading.Lock(), threading.Lock()

    def tokenize(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The tokenizer's ids and mask for ``texts``, padded and cut as sentence-transformers does."""
        return self._pad(self._ids(texts))

    def _ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's token ids, cut at the model's limit, unpadded."""
        return self._tokenizer(list(texts), truncation="longest_first", max_length=self._max_tokens)["input_ids"]

    def _pad(self, ids: Sequence[Sequence[int]]) -> dict[str, np.ndarray]:
        return padded(self._tokenizer, ids)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, in the order given. Texts are tokenized once and those of similar
        token length run together (padding to the char-longest of a batch wasted 14% of the
        tokens of archive chunks, by token length 2%). At least :data:`_BULK_MIN` texts (an
        ingest's batch) go through single-threaded streams side by side, in batches of
        :data:`_BULK_BATCH` (docs/performance.md: the encoder alone on 256 archive chunks 19.7 ->
        26.3 texts/s, ``bench.ingest`` 18.1 -> 22.7 chunks/s, vectors at cosine >= 0.999)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = self._ids(texts)
        if len(texts) < _BULK_MIN:
            with self._request_lock:
                for rows in by_length(ids, self._batch):
                    result = self._request.infer(self._pad([ids[i] for i in rows]))
                    out[rows] = np.asarray(result[0], dtype=np.float32)
            return out
        failures: list[BaseException] = []

        def done(request: Any, rows: list[int]) -> None:
            try:
                out[rows] = np.asarray(request.get_output_tensor(0).data, dtype=np.float32)
            except BaseException as error:  # raised in OpenVINO's thread: kept, re-raised below
                failures.append(error)

        with self._queue_lock:
            queue = self._bulk_queue()
            queue.set_callback(done)
            try:
                for rows in by_length(ids, _BULK_BATCH):
                    queue.start_async(self._pad([ids[i] for i in rows]), rows)
            finally:
                queue.wait_all()  # no request still writing into ``out`` when this call returns
        if failures:
            raise failures[0]
        return out

    def _bulk_queue(self) -> Any:
        """Requests on a graph compiled for throughput (OpenVINO picks the streams: one per core
        on the 2-core machines measured), made once."""
        if self._queue is None:
            import openvino as ov

            compiled = self._core.compile_model(self._model, "CPU", dict(self._config, PERFORMANCE_HINT="THROUGHPUT"))
            self._queue = ov.AsyncInferQueue(compiled, int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")))
        return self._queue
