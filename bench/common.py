"""Helpers shared by the benchmarks: corpora, timers, memory, tables."""

from __future__ import annotations

import resource
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
UK_NEWS = Settings.from_env().shared_dir / "corpora" / "uk-news"
OUT = ROOT / "bench" / "out"


def corpus_files(limit: int | None = None) -> list[Path]:
    """The seeds plus the uk-news articles (read from ../shared, never copied)."""
    files = sorted((ROOT / "seeds").glob("*.txt"))
    if UK_NEWS.is_dir():
        files += sorted(p for p in UK_NEWS.rglob("*.txt"))
    return files[:limit] if limit else files


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timer() -> Iterator[list[float]]:
    box: list[float] = []
    t0 = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - t0)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[f"{v:.2f}" if isinstance(v, float) else str(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    return "\n".join([line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(r) for r in cells[1:]])
