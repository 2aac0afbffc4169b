"""The plain-text reader on a corpus of news articles: structure, wrapping, every word kept.

The corpus and an editor's expectations are in ``tests/corpus/text/``;
``tests/measure_text_structure.py`` reports the same checks as numbers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefconv.serialize import to_dict

from .conftest import CASES, SAMPLE
from .measure_text_structure import (
    CORPUS,
    WIDTHS,
    found,
    hard_wrap,
    load_manifest,
    lost_words,
    read,
)

MANIFEST = load_manifest()
ARTICLES = sorted(MANIFEST)


def test_the_corpus_is_complete() -> None:
    on_disk = sorted(p.name for p in CORPUS.glob("*.txt"))
    assert on_disk == ARTICLES
    assert len(ARTICLES) >= 20
    for name in ARTICLES:
        words = len((CORPUS / name).read_text(encoding="utf-8").split())
        assert 150 <= words <= 600, f"{name} has {words} words"


@pytest.mark.parametrize("name", ARTICLES)
def test_structure_matches_the_manifest(name: str) -> None:
    want = MANIFEST[name]
    got = found(read((CORPUS / name).read_text(encoding="utf-8"), name))
    assert got.title == want["title"]
    assert got.headings == want["headings"]
    assert got.lists == want["lists"]
    if "authors" in want:
        assert got.authors == want["authors"]
    if "date" in want:
        assert got.date == want["date"]
    if "line_blocks" in want:
        assert got.line_blocks == want["line_blocks"]


@pytest.mark.parametrize("hyphens", [False, True], ids=["words-whole", "hyphens-broken"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ARTICLES)
def test_hard_wrapping_changes_nothing(name: str, width: int, hyphens: bool) -> None:
    text = (CORPUS / name).read_text(encoding="utf-8")
    wrapped = hard_wrap(text, width, hyphens=hyphens)
    assert wrapped != text  # every article has lines longer than the width
    assert to_dict(read(wrapped, name)) == to_dict(read(text, name))


def _plain_articles() -> list[Path]:
    """Corpus articles plus the bundled ones without a ``Key: value`` header."""
    return [
        *(CORPUS / n for n in ARTICLES),
        SAMPLE,
        SAMPLE.parent / "grain-corridor.txt",
        CASES / "wrapped.txt",
        CASES / "cyrillic-greek.txt",
        CASES / "quotes.txt",
    ]


@pytest.mark.parametrize("path", _plain_articles(), ids=lambda p: p.name)
def test_every_word_is_kept(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.name == "quotes.txt":
        text = text.replace("Title:", "", 1)  # the header's key is not a word of the article
    for version in (text, *(hard_wrap(text, w) for w in WIDTHS)):
        assert not lost_words(version, read(version, path.name))
