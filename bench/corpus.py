"""A deterministic corpus of news-style Markdown articles for the benchmark.

Nothing large is committed: ``write_corpus(n, seed, folder)`` makes the same ``n`` articles
byte for byte on every machine (``random.Random(seed)``, no clock, no locale). Each article
has YAML front matter (title, author, date, source, summary: read by briefconv and pandoc
alike), 400 to 1,500 words in two to five sections, block quotes, bulleted and numbered
lists, emphasis, links, and in about a third of the articles quoted Ukrainian or Russian
(Cyrillic, including і ї є ґ) so font coverage and hyphenation are exercised.

Usage: ``python bench/corpus.py N FOLDER [--seed S]``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Corpus", "make_article", "markdown_from_model", "word_count", "write_corpus"]


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


_NOUNS = _words(
    "talks ministry delegation ceasefire corridor grain shipment port insurer premium "
    "negotiator border region pipeline tariff sanction exporter harbour convoy treaty "
    "parliament committee budget inspector observer envoy frontline reservoir substation "
    "grid transformer winter refinery tanker cargo underwriter broker summit memorandum "
    "agreement deadline prisoner exchange mediator capital province analyst agency "
    "spokesperson statement report vote coalition reserve market price contract"
)
_VERBS = _words(
    "said warned argued announced confirmed denied expected proposed rejected signed "
    "delayed resumed insisted estimated reported suggested promised questioned welcomed "
    "criticised approved postponed extended restored repaired"
)
_ADJECTIVES = _words(
    "fragile renewed cautious formal partial temporary lengthy tense decisive regional "
    "narrow urgent quiet public private sharp modest broad technical critical"
)
_CONNECTIVES = _words(
    "however meanwhile still yet instead moreover nonetheless separately earlier later"
)
_PLACES = _words(
    "Istanbul Kyiv Odesa Ankara Geneva Brussels Warsaw Kharkiv Mykolaiv Chisinau Vienna "
    "Constanța Varna Izmail Dnipro"
)
_PEOPLE = _words(
    "Olena Kovalenko|Hakan Demir|Maria Ionescu|Tomás Ortega|Yuliia Hnatiuk|Piotr Nowak|"
    "Ana Lungu|Kerem Aydın|Iryna Bondar|Elif Şahin|Jonas Berg|Sofia Petrenko",
    "|",
)
_SOURCES = ("Example News", "Example Wire", "Harbour Bulletin", "Regional Review")
# Real sentences, so hyphenation and glyph coverage meet real words.
_CYRILLIC = (
    "Ми готові говорити, але не ціною нашої території.",
    "Їхні вимоги залишаються незмінними, і це ґрунтовна проблема.",
    "Зерновий коридор працює, хоча страхування дорожчає щотижня.",
    "Енергосистема витримала, але ремонт ще триває.",
    "Мы не видим оснований для нового раунда переговоров.",
    "Переговоры продолжатся в Стамбуле на следующей неделе.",
    "Єдине, що ми чуємо, — це обіцянки.",
)


@dataclass(frozen=True)
class Corpus:
    """What :func:`write_corpus` made: the files in order and their word counts."""

    paths: tuple[Path, ...]
    words: tuple[int, ...]
    has_cyrillic: tuple[bool, ...]

    @property
    def cyrillic(self) -> int:
        """How many articles quote Cyrillic text."""
        return sum(self.has_cyrillic)

    def head(self, n: int) -> Corpus:
        """The first ``n`` articles."""
        return Corpus(self.paths[:n], self.words[:n], self.has_cyrillic[:n])


def _sentence(rng: random.Random, words: int) -> str:
    parts: list[str] = []
    if rng.random() < 0.25:
        parts.append(rng.choice(_CONNECTIVES) + ",")
    while len(parts) < words:
        roll = rng.random()
        if roll < 0.15:
            parts.append(rng.choice(_PLACES))
        elif roll < 0.35:
            parts.append(rng.choice(_ADJECTIVES))
        elif roll < 0.5:
            parts.append(rng.choice(_VERBS))
        elif roll < 0.6:
            parts.append(rng.choice(("the", "a", "of", "in", "on", "after", "before", "with")))
        else:
            parts.append(rng.choice(_NOUNS))
    text = " ".join(parts)
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", "?"))


def _inline(rng: random.Random, text: str, serial: int) -> str:
    """Add emphasis, strong and a link to some words of ``text``."""
    words = text.split(" ")
    if len(words) > 6:
        i = rng.randrange(1, len(words) - 2)
        roll = rng.random()
        if roll < 0.3:
            words[i] = f"*{words[i]}*"
        elif roll < 0.5:
            words[i] = f"**{words[i]}**"
        elif roll < 0.65:
            words[i] = f"[{words[i]}](https://example.org/news/{serial}/{i})"
    return " ".join(words)


def _paragraph(rng: random.Random, serial: int) -> str:
    sentences = [_sentence(rng, rng.randint(9, 24)) for _ in range(rng.randint(2, 5))]
    return _inline(rng, " ".join(sentences), serial)


def _count(markdown: str) -> int:
    return word_count(markdown.split("---\n", 2)[-1])


def word_count(text: str) -> int:
    """Words in ``text``: runs of letters (numbers and punctuation are not words)."""
    return len(re.findall(r"[^\W\d_]+", text))


# Characters that mean something in pandoc's Markdown (emphasis, links, raw HTML, headings,
# tables, sub/superscript, TeX math, citations): backslash-escaped so text stays text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$@^])")


def _inlines(nodes: list[dict[str, Any]]) -> str:
    out: list[str] = []
    for node in nodes:
        kind = node["type"]
        if kind == "text":
            out.append(_MARKDOWN_SPECIAL.sub(r"\\\1", node["text"]))
        elif kind == "emphasis":
            out.append(f"*{_inlines(node['content'])}*")
        elif kind == "strong":
            out.append(f"**{_inlines(node['content'])}**")
        elif kind == "link":
            out.append(f"[{_inlines(node['content'])}]({node['url']})")
        elif kind == "code":
            out.append(f"`` {node['text']} ``")
        elif kind == "line_break":
            out.append("\\\n")
        else:
            raise ValueError(f"no Markdown for inline {kind!r} here")
    return "".join(out)


def markdown_from_model(model: dict[str, Any], title: str) -> str:
    """The article ``model`` (``briefconv inspect --json``) as Markdown for pandoc.

    pandoc has no reader for briefconv's plain-text articles (one paragraph a line,
    headings found by their shape), so the peer reads this: the same title (front
    matter), sections one level below it (``##``, as in the corpus), paragraphs, quotes and
    lists with the same text. Nodes the benchmark's articles do not have raise ValueError.
    """
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"]
    lines += [f"lang: {model['meta'].get('language') or 'en'}", "---", ""]
    for block in model["blocks"]:
        kind = block["type"]
        if kind == "paragraph":
            lines.append(_inlines(block["content"]))
        elif kind == "heading":
            lines.append("#" * (block["level"] + 1) + " " + _inlines(block["content"]))
        elif kind == "quote":
            paragraphs = [_inlines(p) for p in block["paragraphs"]]
            if block.get("attribution"):
                paragraphs.append("— " + _inlines(block["attribution"]))
            lines.append("\n>\n".join(f"> {p}" for p in paragraphs))
        elif kind in ("bullet_list", "ordered_list") and not block.get("sublists"):
            start = block.get("start", 1)
            lines += [
                (f"{start + i}. " if kind == "ordered_list" else "- ") + _inlines(item)
                for i, item in enumerate(block["items"])
            ]
        elif kind == "thematic_break":
            lines.append("* * *")
        else:
            raise ValueError(f"no Markdown for block {kind!r} here")
        lines.append("")
    return "\n".join(lines)


def make_article(rng: random.Random, serial: int) -> str:
    """One Markdown article (front matter and body) drawn from ``rng``."""
    target = rng.randint(400, 1500)
    cyrillic = rng.random() < 1 / 3
    person = rng.choice(_PEOPLE)
    place = rng.choice(_PLACES)
    title = f"{rng.choice(_ADJECTIVES).title()} {rng.choice(_NOUNS)} in {place}"
    date = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"
    front = [
        "---",
        f'title: "{title} ({serial})"',
        f'author: "{person}"',
        f"date: {date}",
        f'source: "{rng.choice(_SOURCES)}"',
        "lang: en",
        f'summary: "{_sentence(rng, 14)}"',
        "---",
        "",
    ]
    body: list[str] = [_paragraph(rng, serial), ""]
    sections = 0
    while _count("\n".join(body)) < target:
        if sections == 0 or rng.random() < 0.3:
            sections += 1
            body += [f"## {rng.choice(_ADJECTIVES).title()} {rng.choice(_NOUNS)}", ""]
        roll = rng.random()
        if roll < 0.12:
            quote = (
                rng.choice(_CYRILLIC)
                if cyrillic and rng.random() < 0.6
                else _sentence(rng, rng.randint(10, 20))
            )
            body += [f"> “{quote}”", ">", f"> — {rng.choice(_PEOPLE)}, {place}", ""]
        elif roll < 0.2:
            body += [
                f"- {_inline(rng, _sentence(rng, rng.randint(5, 14)), serial)}"
                for _ in "x" * rng.randint(3, 6)
            ]
            body.append("")
        elif roll < 0.25:
            items = rng.randint(3, 5)
            body += [f"{i}. {_sentence(rng, rng.randint(5, 12))}" for i in range(1, items + 1)]
            body.append("")
        else:
            body += [_paragraph(rng, serial), ""]
    if cyrillic and not re.search("[\u0400-\u04ff]", "\n".join(body)):
        body += [f"> “{rng.choice(_CYRILLIC)}”", ""]
    return "\n".join(front + body).rstrip("\n") + "\n"


def write_corpus(n: int, seed: int, folder: Path) -> Corpus:
    """Write ``n`` articles as ``folder/article-NNNN.md``; the same seed gives the same bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths: list[Path] = []
    words: list[int] = []
    cyrillic: list[bool] = []
    for serial in range(1, n + 1):
        text = make_article(rng, serial)
        path = folder / f"article-{serial:04d}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
        words.append(_count(text))
        cyrillic.append(bool(re.search("[\u0400-\u04ff]", text)))
    return Corpus(tuple(paths), tuple(words), tuple(cyrillic))


def main() -> None:
    """Command line: write a corpus and print its size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    corpus = write_corpus(args.n, args.seed, args.folder)
    print(
        f"{len(corpus.paths)} articles, {sum(corpus.words)} words "
        f"({min(corpus.words)}-{max(corpus.words)} each), {corpus.cyrillic} with Cyrillic"
    )


if __name__ == "__main__":
    main()
