"""Articles -> Pack: order, unique ids, summaries, reading times; a handout is a pack of one.

This is the one transform step between reading and writing (model in, model out)::

    pack = make_pack([read_file(p) for p in paths], PackMeta(title="Weekly brief"))

The words a pack prints (labels, dates, the cover's lines) are in :mod:`briefconv.wording`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence

from briefconv.model import (
    HANDOUT_LAYOUT,
    PACK_LAYOUT,
    Article,
    Layout,
    Pack,
    PackArticle,
    PackMeta,
    Paragraph,
    block_text,
    plain_text,
)

__all__ = [
    "DEFAULT_WORDS_PER_MINUTE",
    "article_words",
    "first_sentence",
    "handout",
    "heading_id",
    "make_pack",
    "reading_time",
]

#: Reading speed for reading times, in words a minute; styles and manifests may change it.
DEFAULT_WORDS_PER_MINUTE = 230


def article_words(article: Article) -> int:
    """Words in the article's body (title and metadata excluded)."""
    return sum(len(block_text(block).split()) for block in article.blocks)


def first_sentence(article: Article, limit: int = 200) -> str:
    """The first sentence of the article's first paragraph, cut at ``limit`` characters.

    >>> from briefconv.model import ArticleMeta, Text
    >>> first_sentence(Article(ArticleMeta("T"), (Paragraph((Text("Talks began. Late."),)),)))
    'Talks began.'
    """
    for block in article.blocks:
        if isinstance(block, Paragraph):
            text = " ".join(plain_text(block.children).split())
            # A full stop after one or two capitals ("U.S.", "a.m.") does not end a sentence.
            match = re.search(
                r"(?<![A-Z.][a-z.])(?<!\b[A-Z])[.!?…](?=\s+[\"“«A-ZА-ЯҐЄІЇΑ-Ω])", text
            )
            sentence = text[: match.end()] if match else text
            if len(sentence) > limit:
                sentence = sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
            return sentence
    return ""


def reading_time(words: int, words_per_minute: int = DEFAULT_WORDS_PER_MINUTE) -> int:
    """Minutes to read ``words``, rounded up, at least 1."""
    return max(1, math.ceil(words / max(1, words_per_minute)))


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:40].strip("-")


def heading_id(article_id: str, index: int) -> str:
    """The anchor/bookmark id of the ``index``-th block of an article, unique in the pack."""
    return f"{article_id}-h{index}"


def make_pack(
    articles: Sequence[Article],
    meta: PackMeta,
    *,
    summaries: Mapping[int, str] | None = None,
    words_per_minute: int = DEFAULT_WORDS_PER_MINUTE,
    layout: Layout = PACK_LAYOUT,
) -> Pack:
    """Bundle articles into a pack with unique ids, summaries and reading times.

    ``summaries`` maps article positions (from 0) to one-line summaries; an article without
    one uses its own metadata's summary, else its first sentence. ``layout`` says which
    parts are drawn (by default cover, contents and running heads).
    """
    summaries = summaries or {}
    entries: list[PackArticle] = []
    for index, article in enumerate(articles, start=1):
        # "a1-", "a2-" ... keeps ids unique even when two articles share a title, and
        # valid as XML ids (they may not start with a digit).
        base = _slug(article.meta.title)
        article_id = f"a{index}" + (f"-{base}" if base else "")
        words = article_words(article)
        summary = summaries.get(index - 1) or article.meta.summary or first_sentence(article)
        entries.append(
            PackArticle(article, article_id, summary, words, reading_time(words, words_per_minute))
        )
    return Pack(meta, tuple(entries), layout)


def handout(article: Article) -> Pack:
    """A one-article handout: a pack of one whose article title is the document's title.

    It has no cover, contents or running heads (:data:`~briefconv.model.HANDOUT_LAYOUT`).

    Every writer renders it through the same path as a briefing pack, so page footers,
    bylines and dates are worded alike in both.
    """
    words = article_words(article)
    meta = PackMeta(
        title=article.meta.title, date=article.meta.date, language=article.meta.language
    )
    entry = PackArticle(article, "a1", first_sentence(article), words, reading_time(words))
    return Pack(meta, (entry,), HANDOUT_LAYOUT)
