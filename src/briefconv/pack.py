"""Articles -> Pack: order, unique ids, summaries, reading times; and the pack's wording.

This is the one transform step between reading and writing (model in, model out)::

    pack = make_pack([read_file(p) for p in paths], PackMeta(title="Weekly brief"))

Writers print the words here (:func:`labels`, :func:`long_date`, :func:`reading_time`) so
every format says the same thing in the pack's language.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from briefconv.dates import parse_date
from briefconv.model import (
    Article,
    Block,
    BulletList,
    Heading,
    OrderedList,
    Pack,
    PackArticle,
    PackMeta,
    Paragraph,
    Quote,
    plain_text,
)

__all__ = [
    "DEFAULT_WORDS_PER_MINUTE",
    "CoverText",
    "Labels",
    "article_words",
    "cover_text",
    "entry_details",
    "first_sentence",
    "heading_id",
    "labels",
    "long_date",
    "make_pack",
    "reading_time",
    "single",
]

#: Reading speed for reading times, in words a minute; styles and manifests may change it.
DEFAULT_WORDS_PER_MINUTE = 230


def _blocks_text(blocks: Sequence[Block]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        match block:
            case Heading(children=children) | Paragraph(children=children):
                out.append(plain_text(children))
            case Quote(paragraphs=paragraphs, attribution=attribution):
                out.extend(plain_text(p.children) for p in paragraphs)
                out.append(plain_text(attribution))
            case BulletList(items=items) | OrderedList(items=items):
                out.extend(plain_text(item) for item in items)
    return out


def article_words(article: Article) -> int:
    """Words in the article's body (title and metadata excluded)."""
    return sum(len(text.split()) for text in _blocks_text(article.blocks))


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
) -> Pack:
    """Bundle articles into a pack with unique ids, summaries and reading times.

    ``summaries`` maps article positions (from 0) to one-line summaries; an article without
    one uses its own metadata's summary, else its first sentence.
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
    return Pack(meta, tuple(entries), cover=True)


def single(article: Article) -> Pack:
    """A one-article handout: no cover, no contents, no running header."""
    words = article_words(article)
    meta = PackMeta(title=article.meta.title, language=article.meta.language)
    entry = PackArticle(article, "a1", first_sentence(article), words, reading_time(words))
    return Pack(meta, (entry,), cover=False)


# --- wording ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Labels:
    """The fixed words a pack prints, in one language."""

    in_this_pack: str
    prepared_by: str
    prepared_for: str
    articles: str  # "{n} articles"
    article: str  # "{n} article"
    min_read: str  # "{n} min read"
    total_reading: str  # "{n} min reading in all"
    page_of: str  # "Page {page} of {pages}"
    months: tuple[str, ...]


_LABELS: dict[str, Labels] = {
    "en": Labels(
        "In this pack",
        "Prepared by",
        "Prepared for",
        "{n} articles",
        "{n} article",
        "{n} min read",
        "{n} min reading in all",
        "Page {page} of {pages}",
        (
            "January", "February", "March", "April", "May", "June", "July",
            "August", "September", "October", "November", "December",
        ),
    ),
    "uk": Labels(
        "У цьому пакеті",
        "Підготував",
        "Для",
        "{n} статей",
        "{n} стаття",
        "{n} хв читання",
        "{n} хв читання загалом",
        "Сторінка {page} з {pages}",
        (
            "січня", "лютого", "березня", "квітня", "травня", "червня", "липня",
            "серпня", "вересня", "жовтня", "листопада", "грудня",
        ),
    ),
    "ru": Labels(
        "В этом пакете",
        "Подготовил",
        "Для",
        "{n} статей",
        "{n} статья",
        "{n} мин чтения",
        "{n} мин чтения всего",
        "Страница {page} из {pages}",
        (
            "января", "февраля", "марта", "апреля", "мая", "июня", "июля",
            "августа", "сентября", "октября", "ноября", "декабря",
        ),
    ),
    "el": Labels(
        "Σε αυτό το πακέτο",
        "Προετοιμασία",
        "Για",
        "{n} άρθρα",
        "{n} άρθρο",
        "{n} λεπτά ανάγνωσης",
        "{n} λεπτά ανάγνωσης συνολικά",
        "Σελίδα {page} από {pages}",
        (
            "Ιανουαρίου", "Φεβρουαρίου", "Μαρτίου", "Απριλίου", "Μαΐου", "Ιουνίου",
            "Ιουλίου", "Αυγούστου", "Σεπτεμβρίου", "Οκτωβρίου", "Νοεμβρίου", "Δεκεμβρίου",
        ),
    ),
    "fr": Labels(
        "Dans ce dossier",
        "Préparé par",
        "Préparé pour",
        "{n} articles",
        "{n} article",
        "{n} min de lecture",
        "{n} min de lecture au total",
        "Page {page} sur {pages}",
        (
            "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
            "août", "septembre", "octobre", "novembre", "décembre",
        ),
    ),
    "de": Labels(
        "In diesem Paket",
        "Erstellt von",
        "Erstellt für",
        "{n} Artikel",
        "{n} Artikel",
        "{n} Min. Lesezeit",
        "{n} Min. Lesezeit insgesamt",
        "Seite {page} von {pages}",
        (
            "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
            "August", "September", "Oktober", "November", "Dezember",
        ),
    ),
}  # fmt: skip


def labels(language: str) -> Labels:
    """The pack's fixed words in ``language`` (a BCP 47 tag), English if not translated."""
    return _LABELS.get(language.split("-")[0].lower(), _LABELS["en"])


def long_date(text: str | None, language: str) -> str | None:
    """A date written out in the pack's language: "2026-11-26" -> "26 November 2026".

    Dates that do not parse are returned as written.

    >>> long_date("2026-11-26", "en"), long_date("2026-11-26", "uk")
    ('26 November 2026', '26 листопада 2026')
    """
    if not text:
        return None
    parsed = parse_date(text)
    if parsed is None:
        return text
    month = labels(language).months[parsed.month - 1]
    return f"{parsed.day} {month} {parsed.year}"


@dataclass(frozen=True, slots=True)
class CoverText:
    """The cover's lines, worded once for every writer; ``None`` lines are left out."""

    title: str
    subtitle: str | None
    date: str | None  # written out: "26 November 2026"
    prepared_by: str | None  # "Prepared by: Policy Analysis Unit"
    prepared_for: str | None  # "Prepared for: Foreign Affairs Committee"
    summary: str  # "3 articles · 9 min reading in all"
    classification: str | None


def cover_text(pack: Pack) -> CoverText:
    """What the cover says, in the pack's language."""
    meta, words = pack.meta, labels(pack.meta.language)
    count = len(pack.articles)
    total = sum(entry.minutes for entry in pack.articles)
    counted = (words.article if count == 1 else words.articles).format(n=count)
    return CoverText(
        title=meta.title,
        subtitle=meta.subtitle,
        date=long_date(meta.date, meta.language),
        prepared_by=f"{words.prepared_by}: {meta.prepared_by}" if meta.prepared_by else None,
        prepared_for=f"{words.prepared_for}: {meta.prepared_for}" if meta.prepared_for else None,
        summary=f"{counted} · {words.total_reading.format(n=total)}",
        classification=meta.classification,
    )


def entry_details(entry: PackArticle, language: str) -> str:
    """The contents line under an article's title: "Example News · 3 June 2025 · 3 min read"."""
    meta = entry.article.meta
    parts = [p for p in (meta.source, long_date(meta.date, language)) if p]
    parts.append(labels(language).min_read.format(n=entry.minutes))
    return " · ".join(" ".join(p.split()) for p in parts)
