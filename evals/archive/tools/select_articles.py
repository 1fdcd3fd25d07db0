"""Choose the archive eval's articles and split them by article into dev and test.

Deterministic: articles are ordered by a hash of their file name and the first ones of
each folder with enough text are taken; an article's split is fixed by another hash, so
adding articles never moves an old one between dev and test.

    python -m evals.archive.tools.select_articles > evals/archive/articles.tsv
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from rag.settings import PROJECT_ROOT

CORPUS = PROJECT_ROOT.parent / "shared" / "corpora" / "uk-news"
FOLDERS = ("bruk-press", "nashigroshi")
PER_FOLDER = 76
MIN_CHARS = 1200
TEST_SHARE = 0.4


def _hash(text: str, salt: str) -> int:
    return int(hashlib.sha256((salt + text).encode()).hexdigest()[:12], 16)


def split_of(name: str) -> str:
    """'test' for about TEST_SHARE of the articles, else 'dev', by the file name alone."""
    return "test" if _hash(name, "split:") % 1000 < TEST_SHARE * 1000 else "dev"


def select(corpus: Path = CORPUS) -> list[tuple[str, str, str]]:
    """(folder, file name, split) of the chosen articles."""
    chosen = []
    for folder in FOLDERS:
        files = sorted((corpus / folder).glob("*.txt"), key=lambda p: _hash(p.name, "pick:"))
        files = [p for p in files if len(p.read_text(encoding="utf-8")) >= MIN_CHARS][:PER_FOLDER]
        chosen += [(folder, p.name, split_of(p.name)) for p in sorted(files)]
    return chosen


def main() -> None:
    sys.stdout.write("folder\tsource\tsplit\n")
    for folder, name, split in select():
        sys.stdout.write(f"{folder}\t{name}\t{split}\n")


if __name__ == "__main__":
    main()
