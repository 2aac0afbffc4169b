"""The canonical document model: what every reader produces and every writer consumes.

An :class:`Article` is metadata plus a tuple of blocks; blocks hold inlines. All nodes are
frozen, slotted dataclasses from a closed set, so a writer can ``match`` on them and let
mypy's ``assert_never`` name any node type it forgot.

Text is sanitised here, once, at the model boundary: every string stored in a node is
NFC-normalised and stripped of characters that XML 1.0 cannot hold (C0 controls other than
tab/newline/carriage return, U+FFFE, U+FFFF, lone surrogates). python-docx raises on them,
ebooklib writes a truncated file and reportlab draws boxes (PITFALLS 3), so no writer may
ever see one. Removals are reported on the ``briefconv`` logger; readers that know file and
line numbers sanitise first themselves (see :func:`sanitize`) and report with a location.

Example::

    >>> from briefconv.model import Article, ArticleMeta, Heading, Paragraph, Text
    >>> art = Article(ArticleMeta(title="Talks"), (Heading(1, (Text("Start"),)),))
    >>> art.blocks[0].level
    1
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

__all__ = [
    "HANDOUT_LAYOUT",
    "MODEL_VERSION",
    "PACK_LAYOUT",
    "Article",
    "ArticleMeta",
    "Block",
    "BulletList",
    "Code",
    "Emphasis",
    "Figure",
    "Heading",
    "Inline",
    "Layout",
    "LineBreak",
    "Link",
    "OrderedList",
    "Pack",
    "PackArticle",
    "PackMeta",
    "Paragraph",
    "Quote",
    "Strong",
    "Text",
    "ThematicBreak",
    "plain_text",
    "sanitize",
    "sanitize_reported",
]

#: Version of the model's JSON form; bumped whenever a node or field changes meaning.
MODEL_VERSION = 1

_log = logging.getLogger("briefconv")

# XML 1.0 Char production, inverted: everything that may not appear in an XML document.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def sanitize(text: str) -> tuple[str, list[str]]:
    r"""Return ``text`` in NFC with XML-invalid characters removed, and what was removed.

    The removed characters are listed as ``U+XXXX`` strings, in order of appearance::

        >>> sanitize("a\x00b")
        ('ab', ['U+0000'])
    """
    removed = [f"U+{ord(c):04X}" for c in _XML_INVALID.findall(text)]
    if removed:
        text = _XML_INVALID.sub("", text)
    return unicodedata.normalize("NFC", text), removed


def sanitize_reported(text: str, where: str | None = None) -> str:
    """:func:`sanitize` ``text`` and log a warning naming what was removed and ``where``.

    ``where`` is a location such as ``talks.txt:12``; readers pass one, the model's own
    safety net (for nodes built by hand) has none.
    """
    cleaned, removed = sanitize(text)
    if removed:
        _log.warning(
            "%sremoved %d character(s) that documents cannot hold: %s",
            f"{where}: " if where else "",
            len(removed),
            ", ".join(sorted(set(removed))),
        )
    return cleaned


def _clean(value: str) -> str:
    """Sanitise one model string, reporting (without a location) anything removed."""
    return sanitize_reported(value)


def _set_clean(node: object, name: str) -> None:
    """Sanitise attribute ``name`` of a frozen node in place (only from ``__post_init__``)."""
    value = getattr(node, name)
    if value is not None:
        object.__setattr__(node, name, _clean(value))


# --- inlines ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """A run of plain text; never interpreted as markup by any writer."""

    text: str

    def __post_init__(self) -> None:
        _set_clean(self, "text")


@dataclass(frozen=True, slots=True)
class Emphasis:
    """Emphasised (usually italic) inline content."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Strong:
    """Strongly emphasised (usually bold) inline content."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink: ``url`` as written in the source, ``children`` its visible text."""

    url: str
    children: tuple[Inline, ...]

    def __post_init__(self) -> None:
        _set_clean(self, "url")


@dataclass(frozen=True, slots=True)
class Code:
    """Inline code, set in a monospaced face; never interpreted as markup."""

    text: str

    def __post_init__(self) -> None:
        _set_clean(self, "text")


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A hard line break inside a paragraph, list item or quote."""


Inline: TypeAlias = Text | Emphasis | Strong | Link | Code | LineBreak

# --- blocks ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading; ``level`` 1 is the top section level below the article title."""

    level: int
    children: tuple[Inline, ...]

    def __post_init__(self) -> None:
        if not 1 <= self.level <= 6:
            raise ValueError(f"heading level must be 1..6, not {self.level}")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of body text."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Quote:
    """A block quotation: one or more paragraphs and an optional attribution (no dash)."""

    paragraphs: tuple[Paragraph, ...]
    attribution: tuple[Inline, ...] = ()


@dataclass(frozen=True, slots=True)
class BulletList:
    """An unordered list; each item is a run of inline content.

    ``sublists`` nests lists under items: ``(item_index, list)`` pairs, in order.
    """

    items: tuple[tuple[Inline, ...], ...]
    sublists: tuple[tuple[int, BulletList | OrderedList], ...] = ()


@dataclass(frozen=True, slots=True)
class OrderedList:
    """A numbered list starting at ``start``; each item is a run of inline content.

    ``sublists`` nests lists under items: ``(item_index, list)`` pairs, in order.
    """

    items: tuple[tuple[Inline, ...], ...]
    start: int = 1
    sublists: tuple[tuple[int, BulletList | OrderedList], ...] = ()


@dataclass(frozen=True, slots=True)
class ThematicBreak:
    """A section break between parts of an article."""


@dataclass(frozen=True, slots=True)
class Figure:
    """An image: ``src`` as written in the article, ``alt`` its description.

    ``path`` is the absolute path of the local PNG or JPEG to show, checked by the reader;
    ``None`` when the image is remote or was refused, and writers then show the alt text.
    """

    src: str
    alt: str
    path: str | None = None

    def __post_init__(self) -> None:
        for name in ("src", "alt", "path"):
            _set_clean(self, name)


Block: TypeAlias = Heading | Paragraph | Quote | BulletList | OrderedList | ThematicBreak | Figure

# --- the article -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """What an article says about itself; every field but ``title`` and ``language`` optional.

    ``date`` is kept as written in the source (e.g. "3 June 2025" or "2025-06-03").
    ``language`` is a BCP 47 tag such as ``en`` or ``uk``. ``summary`` is a one-line
    summary (a pack's contents use it); ``extra`` keeps any other metadata the source gave
    (e.g. Markdown front matter keys) as sorted ``(key, value)`` pairs, for filters.
    """

    title: str
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    source: str | None = None
    url: str | None = None
    language: str = "en"
    summary: str | None = None
    extra: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        for name in ("title", "subtitle", "date", "source", "url", "language", "summary"):
            _set_clean(self, name)
        object.__setattr__(self, "authors", tuple(_clean(a) for a in self.authors))
        object.__setattr__(
            self, "extra", tuple(sorted((_clean(k), _clean(v)) for k, v in self.extra))
        )


@dataclass(frozen=True, slots=True)
class Article:
    """One parsed article: metadata, body blocks, and when its source was last changed.

    ``timestamp`` (seconds since the Unix epoch, or ``None``) is the source's modification
    time as the reader saw it; writers use it, never the clock, when a file format needs a
    date and the metadata gives none.
    """

    meta: ArticleMeta
    blocks: tuple[Block, ...]
    timestamp: int | None = field(default=None)


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """Concatenate the visible text of ``inlines``, dropping all formatting.

    >>> plain_text((Text("a "), Strong((Text("b"),)), Link("https://x", (Text("c"),))))
    'a bc'
    """
    parts: list[str] = []
    for node in inlines:
        match node:
            case Text(text=text):
                parts.append(text)
            case Emphasis(children=children) | Strong(children=children):
                parts.append(plain_text(children))
            case Link(children=children):
                parts.append(plain_text(children))
            case Code(text=text):
                parts.append(text)
            case LineBreak():
                parts.append("\n")
    return "".join(parts)


# --- the pack --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PackMeta:
    """What a briefing pack says about itself, printed on its cover and in file metadata.

    ``date`` is kept as written; ``classification`` is a free-text marking such as
    ``OFFICIAL-SENSITIVE`` printed on every page, or ``None`` for no marking at all.
    """

    title: str
    subtitle: str | None = None
    date: str | None = None
    prepared_by: str | None = None
    prepared_for: str | None = None
    classification: str | None = None
    language: str = "en"

    def __post_init__(self) -> None:
        for name in ("title", "subtitle", "date", "prepared_by", "prepared_for"):
            _set_clean(self, name)
        _set_clean(self, "classification")
        _set_clean(self, "language")


@dataclass(frozen=True, slots=True)
class PackArticle:
    """One article in a pack: its unique id (for anchors and bookmarks), summary and length."""

    article: Article
    id: str
    summary: str
    words: int
    minutes: int

    def __post_init__(self) -> None:
        _set_clean(self, "summary")


@dataclass(frozen=True, slots=True)
class Layout:
    """Which parts of a pack a writer draws: a one-article handout is a pack with a layout.

    ``cover`` is a cover page (title, facts, marking); ``contents`` an "In this pack" page
    listing the articles; ``running_heads`` page headers with the pack's title and the
    current article. ``title_role`` says what an article's title is: ``"heading"`` puts
    it as a level-1 heading under the pack, its own headings one level lower (a briefing
    pack); ``"title"`` makes it the document's title, its headings at their own level, and
    is for a pack of exactly one article (a handout: see :func:`briefconv.pack.handout`).
    """

    cover: bool = True
    contents: bool = True
    running_heads: bool = True
    title_role: Literal["title", "heading"] = "heading"

    @property
    def heading_offset(self) -> int:
        """Levels added to an article's own headings: 0 under a title, 1 under a heading."""
        return 0 if self.title_role == "title" else 1


#: The layout of a briefing pack: cover, contents, running heads, articles under headings.
PACK_LAYOUT = Layout()
#: The layout of a one-article handout: the article alone, its title the document's title.
HANDOUT_LAYOUT = Layout(cover=False, contents=False, running_heads=False, title_role="title")


@dataclass(frozen=True, slots=True)
class Pack:
    """A briefing pack: metadata, articles in order, and the layout that says what is drawn.

    A one-article handout is a pack too (:func:`briefconv.pack.handout`), so every writer
    has one way to render both.
    """

    meta: PackMeta
    articles: tuple[PackArticle, ...]
    layout: Layout = PACK_LAYOUT

    def __post_init__(self) -> None:
        # A document has one title: "title" role for two articles would give it two.
        if self.layout.title_role == "title" and len(self.articles) != 1:
            raise ValueError(
                f"a pack whose article title is the document's title has one article, "
                f"not {len(self.articles)}"
            )
