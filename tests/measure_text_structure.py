"""Measure how well the plain-text reader finds structure in the corpus of news articles.

The corpus is ``tests/corpus/text/``: articles written in the style of BBC, Reuters, AP and
local news pages pasted as plain text, with an editor's expectations in ``manifest.toml``
(title, headings, list count, and where present the byline, dateline and line blocks).
Each article is read as written and hard-wrapped at 60, 72 and 80 columns; the wrapped
text must give exactly the same model. Run it on any checkout (it uses only the public
API, so it measures an older reader too)::

    PYTHONPATH=src python tests/measure_text_structure.py
    PYTHONPATH=/tmp/old/src python tests/measure_text_structure.py   # the reader before

``tests/test_text_corpus.py`` asserts the same things one article at a time.
"""

from __future__ import annotations

import re
import sys
import textwrap
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import briefconv
from briefconv.model import (
    Article,
    BulletList,
    Heading,
    LineBreak,
    OrderedList,
    Paragraph,
    block_text,
    plain_text,
)
from briefconv.serialize import to_dict

CORPUS = Path(__file__).resolve().parent / "corpus" / "text"
WIDTHS = (60, 72, 80)


def load_manifest(corpus: Path = CORPUS) -> dict[str, dict[str, Any]]:
    """The expectations for each article of ``corpus``, by file name."""
    with (corpus / "manifest.toml").open("rb") as f:
        articles: dict[str, dict[str, Any]] = tomllib.load(f)["articles"]
    return articles


def hard_wrap(text: str, width: int, *, hyphens: bool = False) -> str:
    """Hard-wrap every line of ``text`` at ``width`` columns, keeping blank lines.

    Each line of the corpus is one paragraph, list item or short line, so wrapping line by
    line is wrapping paragraph by paragraph. Words are not split, as editors and mail
    programs wrap (``fmt``, ``par``, Vim's ``gq``); with ``hyphens``, hyphenated words may
    be, after a hyphen, as :mod:`textwrap` does by default.
    """
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            out.append("")
            continue
        out.extend(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=hyphens))
    return "\n".join(out) + "\n"


def read(text: str, name: str) -> Article:
    """Read ``text`` as the plain-text file ``name``, without a file time."""
    article = briefconv.read_string(text, name=name)
    return Article(article.meta, article.blocks)


def words(text: str) -> Counter[str]:
    """The words of ``text``, counted (letters and digits; punctuation is not a word)."""
    return Counter(re.findall(r"\w+", text))


def model_words(article: Article) -> Counter[str]:
    """Every word the model holds: title, metadata and the text of every block.

    Markers the model holds as structure count too: the "By" of a byline and the "and"
    between its names (the authors), and the numbers of a numbered list (its start).
    """
    meta = article.meta
    parts = [meta.title, meta.subtitle or "", meta.date or "", meta.source or "", meta.url or ""]
    parts.extend(meta.authors)
    if meta.authors:
        parts.append("By" + " and" * (len(meta.authors) - 1))
    for block in article.blocks:
        parts.append(block_text(block))
        if isinstance(block, OrderedList):
            parts.extend(str(block.start + i) for i in range(len(block.items)))
    return words("\n".join(parts))


def lost_words(text: str, article: Article) -> Counter[str]:
    """Words of ``text`` (with multiplicity) that the model does not hold."""
    return words(text) - model_words(article)


@dataclass(frozen=True, slots=True)
class Found:
    """What the reader found in one article, in the manifest's terms."""

    title: str
    headings: list[str]
    lists: int
    line_blocks: int
    authors: list[str]
    date: str | None


def found(article: Article) -> Found:
    """Summarise ``article`` as the manifest describes articles."""
    headings = [plain_text(b.children) for b in article.blocks if isinstance(b, Heading)]
    lists = sum(isinstance(b, BulletList | OrderedList) for b in article.blocks)
    line_blocks = sum(
        isinstance(b, Paragraph) and any(isinstance(c, LineBreak) for c in b.children)
        for b in article.blocks
    )
    return Found(
        article.meta.title,
        headings,
        lists,
        line_blocks,
        list(article.meta.authors),
        article.meta.date,
    )


def main(argv: list[str]) -> int:
    """Print the corpus measurements; exit status 0 (this is a report, not a test).

    ``-v`` lists what differs from the manifest; ``--corpus DIR`` measures another folder
    laid out the same way.
    """
    corpus = Path(argv[argv.index("--corpus") + 1]) if "--corpus" in argv else CORPUS
    manifest = load_manifest(corpus)
    n = len(manifest)
    titles = lists = invented = missed = expected_headings = lost = 0
    meta_ok = meta_n = blocks_ok = blocks_n = 0
    unchanged = dict.fromkeys(WIDTHS, 0)
    unchanged_hyphens = dict.fromkeys(WIDTHS, 0)
    problems: list[str] = []
    for name, want in sorted(manifest.items()):
        text = (corpus / name).read_text(encoding="utf-8")
        article = read(text, name)
        got = found(article)
        titles += got.title == want["title"]
        if got.title != want["title"]:
            problems.append(f"{name}: title {got.title!r}")
        extra = Counter(got.headings) - Counter(want["headings"])
        missing = Counter(want["headings"]) - Counter(got.headings)
        invented += sum(extra.values())
        missed += sum(missing.values())
        expected_headings += len(want["headings"])
        if extra or missing:
            problems.append(f"{name}: headings +{sorted(extra)} -{sorted(missing)}")
        lists += got.lists == want["lists"]
        if got.lists != want["lists"]:
            problems.append(f"{name}: {got.lists} lists, not {want['lists']}")
        for key, value in (("authors", got.authors), ("date", got.date)):
            if key in want:
                meta_n += 1
                meta_ok += value == want[key]
                if value != want[key]:
                    problems.append(f"{name}: {key} {value!r}")
        if "line_blocks" in want:
            blocks_n += 1
            blocks_ok += got.line_blocks == want["line_blocks"]
            if got.line_blocks != want["line_blocks"]:
                problems.append(f"{name}: {got.line_blocks} line blocks")
        lost += sum(lost_words(text, article).values())
        reference = to_dict(article)
        for width in WIDTHS:
            for hyphens, count in ((False, unchanged), (True, unchanged_hyphens)):
                same = to_dict(read(hard_wrap(text, width, hyphens=hyphens), name)) == reference
                count[width] += same
                if not same:
                    how = " (breaking at hyphens)" if hyphens else ""
                    problems.append(f"{name}: wrapped at {width}{how} reads differently")
    print(f"articles:                       {n}")
    print(f"titles found correctly:         {titles}/{n}")
    print(f"headings invented per 100:      {100 * invented / n:.1f} ({invented} in all)")
    print(f"headings missed:                {missed}/{expected_headings}")
    print(f"list counts right:              {lists}/{n}")
    print(f"bylines and datelines right:    {meta_ok}/{meta_n}")
    print(f"line blocks right:              {blocks_ok}/{blocks_n}")
    print(f"words lost:                     {lost}")
    for width in WIDTHS:
        print(
            f"wrapped at {width}, model unchanged: {unchanged[width]}/{n}"
            f" ({unchanged_hyphens[width]}/{n} breaking at hyphens too)"
        )
    if "-v" in argv:
        print("\n".join(problems))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
