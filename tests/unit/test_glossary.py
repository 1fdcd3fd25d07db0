"""The glossary's quick filter (a phrase whose first word prefix the text lacks is not scanned)
finds exactly what scanning every phrase finds."""

from __future__ import annotations

from pathlib import Path

from rag import glossary


def _scanning_everything(text: str) -> list[str]:
    words = glossary._lower_words([text])
    return [a.short for a in glossary.abbreviations().values()
            if glossary._used(a, text) or glossary._written_out(a, words)]


def test_filter_finds_what_a_full_scan_finds(seeds: Path) -> None:
    sentences = [s for f in sorted(seeds.glob("*.txt")) for s in f.read_text("utf-8").split(". ")]
    sentences += ["Посилення протиповітряної оборони та ЗСУ.", "air defence and the Armed Forces", ""]
    found = 0
    for text in sentences:
        expected = _scanning_everything(text)
        assert [a.short for a in glossary.mentioned_in(text)] == expected
        found += bool(expected)
    assert found >= 5  # the comparison saw texts that do mention abbreviations
