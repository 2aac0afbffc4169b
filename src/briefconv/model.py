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
from typing import Any, Literal, TypeAlias, get_args

from briefconv._records import record_methods

__all__ = [
    "HANDOUT_LAYOUT",
    "MODEL_VERSION",
    "PACK_LAYOUT",
    "Align",
    "Article",
    "ArticleMeta",
    "Block",
    "BulletList",
    "Cell",
    "Code",
    "CodeBlock",
    "Emphasis",
    "Figure",
    "Heading",
    "Inline",
    "Layout",
    "LineBreak",
    "Link",
    "Note",
    "OrderedList",
    "Pack",
    "PackArticle",
    "PackMeta",
    "Paragraph",
    "Quote",
    "Strikethrough",
    "Strong",
    "Table",
    "Text",
    "ThematicBreak",
    "block_text",
    "notes_in",
    "plain_text",
    "sanitize",
    "sanitize_reported",
]

#: Version of the model's JSON form; bumped whenever a node or field changes meaning.
#: Version 2 added code blocks, tables, footnotes, strikethrough and task-list items;
#: version 1 JSON is a subset of it and still reads.
MODEL_VERSION = 2

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
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"{type(node).__name__}.{name}: expected a string, got {_describe(value)}")
    object.__setattr__(node, name, _clean(value))


def _describe(value: object) -> str:
    """A value's type and a short repr, for a message saying what was given instead."""
    shown = repr(value)
    return f"{type(value).__name__} {shown if len(shown) <= 40 else shown[:39] + '…'}"


def _check_seq(
    node: object, name: str, kinds: tuple[type, ...] | None, what: str
) -> tuple[Any, ...]:
    """Check that field ``name`` of ``node`` is a tuple of ``kinds``; the tuple.

    A list is taken and stored as a tuple (what a caller building nodes by hand writes
    most naturally); anything else is a :class:`TypeError` naming the node and field,
    raised where the node is built, not deep inside a writer later.
    ``kinds`` ``None`` checks only that the field is a sequence.
    """
    value = getattr(node, name)
    if isinstance(value, list):
        value = tuple(value)
        object.__setattr__(node, name, value)
    where = f"{type(node).__name__}.{name}"
    if not isinstance(value, tuple):
        raise TypeError(f"{where}: expected a tuple of {what}, got {_describe(value)}")
    if kinds is not None:
        for index, item in enumerate(value):
            if not isinstance(item, kinds):
                raise TypeError(f"{where}[{index}]: expected {what}, got {_describe(item)}")
    return value


def _check_runs(node: object, name: str, *, nested: bool = False) -> None:
    """Check a field holding inline content (``nested``: a tuple of such runs)."""
    if not nested:
        _check_seq(node, name, _INLINE_TYPES, "inline nodes (Text, Emphasis, Link ...)")
        return
    runs = _check_seq(node, name, (tuple, list), "runs of inline nodes")
    fixed = tuple(tuple(run) for run in runs)
    for index, run in enumerate(fixed):
        for item in run:
            if not isinstance(item, _INLINE_TYPES):
                raise TypeError(
                    f"{type(node).__name__}.{name}[{index}]: expected inline nodes "
                    f"(Text, Emphasis, Link ...), got {_describe(item)}"
                )
    if fixed != runs:
        object.__setattr__(node, name, fixed)


# --- inlines ---------------------------------------------------------------------------


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Text:
    """A run of plain text; never interpreted as markup by any writer."""

    text: str

    def __post_init__(self) -> None:
        _set_clean(self, "text")


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Emphasis:
    """Emphasised (usually italic) inline content."""

    children: tuple[Inline, ...]

    def __post_init__(self) -> None:
        _check_runs(self, "children")


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Strong:
    """Strongly emphasised (usually bold) inline content."""

    children: tuple[Inline, ...]

    def __post_init__(self) -> None:
        _check_runs(self, "children")


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Link:
    """A hyperlink: ``url`` as written in the source, ``children`` its visible text."""

    url: str
    children: tuple[Inline, ...]

    def __post_init__(self) -> None:
        _set_clean(self, "url")
        _check_runs(self, "children")


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Code:
    """Inline code, set in a monospaced face; never interpreted as markup."""

    text: str

    def __post_init__(self) -> None:
        _set_clean(self, "text")


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class LineBreak:
    """A hard line break inside a paragraph, list item or quote."""


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Strikethrough:
    """Struck-out inline content (``~~text~~``): text shown as deleted, still part of it."""

    children: tuple[Inline, ...]

    def __post_init__(self) -> None:
        _check_runs(self, "children")


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Note:
    """A footnote, standing where its reference mark goes; ``blocks`` are the note's text.

    Writers number an article's notes 1, 2, ... in reading order and show each note where
    their format does (Word footnotes, notes after the article, EPUB footnote asides). A
    note holds paragraphs, lists, quotes and code blocks, and never another note::

        >>> Note((Paragraph((Text("Source: the ministry."),)),)).blocks[0].children[0].text
        'Source: the ministry.'
    """

    blocks: tuple[Block, ...]

    def __post_init__(self) -> None:
        _check_seq(self, "blocks", None, "blocks")
        for block in self.blocks:
            if not isinstance(block, Paragraph | BulletList | OrderedList | Quote | CodeBlock):
                raise ValueError(f"a note cannot hold a {type(block).__name__}")
            if notes_in(block):
                raise ValueError("a note cannot hold another note")


Inline: TypeAlias = Text | Emphasis | Strong | Link | Code | LineBreak | Strikethrough | Note
_INLINE_TYPES: tuple[type, ...] = get_args(Inline)

# --- blocks ----------------------------------------------------------------------------


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Heading:
    """A section heading; ``level`` 1 is the top section level below the article title."""

    level: int
    children: tuple[Inline, ...]

    def __post_init__(self) -> None:
        if isinstance(self.level, bool) or not isinstance(self.level, int):
            raise TypeError(f"Heading.level: expected a whole number, got {_describe(self.level)}")
        _check_runs(self, "children")
        if not 1 <= self.level <= 6:
            raise ValueError(f"heading level must be 1..6, not {self.level}")


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Paragraph:
    """A paragraph of body text."""

    children: tuple[Inline, ...]

    def __post_init__(self) -> None:
        _check_runs(self, "children")


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Quote:
    """A block quotation: one or more paragraphs and an optional attribution (no dash)."""

    paragraphs: tuple[Paragraph, ...]
    attribution: tuple[Inline, ...] = ()

    def __post_init__(self) -> None:
        _check_seq(self, "paragraphs", (Paragraph,), "Paragraph nodes")
        _check_runs(self, "attribution")


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class BulletList:
    """An unordered list; each item is a run of inline content.

    ``sublists`` nests lists under items: ``(item_index, list)`` pairs, in order.
    """

    items: tuple[tuple[Inline, ...], ...]
    sublists: tuple[tuple[int, BulletList | OrderedList], ...] = ()
    checks: tuple[bool | None, ...] = ()

    def __post_init__(self) -> None:
        _check_list(self)


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class OrderedList:
    """A numbered list starting at ``start``; each item is a run of inline content.

    ``sublists`` nests lists under items: ``(item_index, list)`` pairs, in order.
    ``checks`` makes it a task list, as for :class:`BulletList`.
    """

    items: tuple[tuple[Inline, ...], ...]
    start: int = 1
    sublists: tuple[tuple[int, BulletList | OrderedList], ...] = ()
    checks: tuple[bool | None, ...] = ()

    def __post_init__(self) -> None:
        _check_list(self)


def _check_list(node: BulletList | OrderedList) -> None:
    """Check a list's fields: runs of inlines, ``(index, list)`` pairs, one check per item."""
    name = type(node).__name__
    if isinstance(node, OrderedList) and (
        isinstance(node.start, bool) or not isinstance(node.start, int)
    ):
        raise TypeError(f"{name}.start: expected a whole number, got {_describe(node.start)}")
    _check_runs(node, "items", nested=True)
    pairs = _check_seq(node, "sublists", (tuple, list), "(item index, list) pairs")
    for index, pair in enumerate(pairs):
        if not (
            len(pair) == 2
            and isinstance(pair[0], int)
            and isinstance(pair[1], BulletList | OrderedList)
        ):
            raise TypeError(
                f"{name}.sublists[{index}]: expected an (item index, list) pair, "
                f"got {_describe(pair)}"
            )
    checks = _check_seq(node, "checks", (bool, type(None)), "True, False or None")
    if checks and len(checks) != len(node.items):
        raise ValueError(
            f"a task list needs one check per item: {len(checks)} for {len(node.items)}"
        )


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class CodeBlock:
    """Preformatted text: a code listing, a log, an ASCII table.

    Every space and line break is kept as written, set in a monospaced face. ``language``
    is the fence's info word (``python``), if any. The text has no trailing newline.
    """

    text: str
    language: str | None = None

    def __post_init__(self) -> None:
        _set_clean(self, "text")
        _set_clean(self, "language")


#: How a table column is aligned; "default" leaves it to the writer (start of line).
Align: TypeAlias = Literal["default", "left", "center", "right"]

#: A table cell: a run of inline content.
Cell: TypeAlias = tuple[Inline, ...]


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Table:
    """A table with one header row: ``header`` names the columns, ``rows`` hold the body.

    Every row has exactly one cell per column (readers pad short rows with empty cells);
    ``align`` has one entry per column, or is empty for all "default"::

        >>> t = Table(((Text("City"),), (Text("Votes"),)), (((Text("Lviv"),), (Text("12"),)),))
        >>> t.align
        ('default', 'default')
    """

    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    align: tuple[Align, ...] = ()

    def __post_init__(self) -> None:
        _check_runs(self, "header", nested=True)
        rows = _check_seq(self, "rows", (tuple, list), "rows of cells")
        fixed = tuple(tuple(row) for row in rows)
        if fixed != rows:
            object.__setattr__(self, "rows", fixed)
        for number, row in enumerate(self.rows, 1):
            for cell in row:
                if not isinstance(cell, tuple) or not all(
                    isinstance(item, _INLINE_TYPES) for item in cell
                ):
                    raise TypeError(
                        f"Table.rows[{number - 1}]: expected cells (tuples of inline "
                        f"nodes), got {_describe(cell)}"
                    )
        _check_seq(self, "align", (str,), "alignments")
        columns = len(self.header)
        if columns == 0:
            raise ValueError("a table needs at least one column")
        for number, row in enumerate(self.rows, 1):
            if len(row) != columns:
                raise ValueError(f"table row {number} has {len(row)} cells, not {columns}")
        if not self.align:
            object.__setattr__(self, "align", ("default",) * columns)
        elif len(self.align) != columns:
            raise ValueError(f"table has {columns} columns but {len(self.align)} alignments")
        for value in self.align:
            if value not in ("default", "left", "center", "right"):
                raise ValueError(f"unknown column alignment {value!r}")


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class ThematicBreak:
    """A section break between parts of an article."""


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
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


Block: TypeAlias = (
    Heading
    | Paragraph
    | Quote
    | BulletList
    | OrderedList
    | ThematicBreak
    | Figure
    | CodeBlock
    | Table
)
_BLOCK_TYPES: tuple[type, ...] = get_args(Block)

# --- the article -----------------------------------------------------------------------


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
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


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Article:
    """One parsed article: metadata, body blocks, and when its source was last changed.

    ``timestamp`` (seconds since the Unix epoch, or ``None``) is the source's modification
    time as the reader saw it; writers use it, never the clock, when a file format needs a
    date and the metadata gives none.
    """

    meta: ArticleMeta
    blocks: tuple[Block, ...]
    timestamp: int | None = field(default=None)

    def __post_init__(self) -> None:
        if not isinstance(self.meta, ArticleMeta):
            raise TypeError(f"Article.meta: expected an ArticleMeta, got {_describe(self.meta)}")
        _check_seq(self, "blocks", _BLOCK_TYPES, "block nodes (Heading, Paragraph ...)")


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
            case Strikethrough(children=children):
                parts.append(plain_text(children))
            case Note():
                pass  # the note's text is not part of the sentence it is attached to
    return "".join(parts)


def notes_in(block: Block) -> tuple[Note, ...]:
    """The footnotes attached to ``block``'s inline content, in reading order."""
    found: list[Note] = []

    def inlines(nodes: tuple[Inline, ...]) -> None:
        for node in nodes:
            match node:
                case Note():
                    found.append(node)
                case Emphasis(children=c) | Strong(children=c) | Link(children=c):
                    inlines(c)
                case Strikethrough(children=c):
                    inlines(c)

    def walk(node: Block) -> None:
        match node:
            case Heading(children=c) | Paragraph(children=c):
                inlines(c)
            case Quote(paragraphs=ps, attribution=a):
                for p in ps:
                    inlines(p.children)
                inlines(a)
            case BulletList(items=items, sublists=subs) | OrderedList(items=items, sublists=subs):
                nested = dict(subs)
                for index, item in enumerate(items):
                    inlines(item)
                    if index in nested:
                        walk(nested[index])
            case Table(header=header, rows=rows):
                for row in (header, *rows):
                    for cell in row:
                        inlines(cell)

    walk(block)
    return tuple(found)


def block_text(block: Block, *, notes: bool = True) -> str:
    r"""All the text a reader sees in ``block``, joined by spaces or line breaks.

    That is nested lists, table cells, code, and (with ``notes``) the text of its footnotes
    after it. A figure has none (its alt text stands in only where the image cannot be
    shown).

    >>> block_text(Table(((Text("City"),), (Text("Votes"),)), (((Text("Lviv"),), (Text("12"),)),)))
    'City Votes\nLviv 12'
    """
    parts: list[str] = []
    match block:
        case Heading(children=c) | Paragraph(children=c):
            parts.append(plain_text(c))
        case Quote(paragraphs=ps, attribution=a):
            parts.extend(plain_text(p.children) for p in ps)
            if a:
                parts.append(plain_text(a))
        case BulletList(items=items, sublists=subs) | OrderedList(items=items, sublists=subs):
            nested = dict(subs)
            for index, item in enumerate(items):
                parts.append(plain_text(item))
                if index in nested:
                    parts.append(block_text(nested[index], notes=False))
        case CodeBlock(text=text):
            parts.append(text)
        case Table(header=header, rows=rows):
            parts.extend(" ".join(plain_text(cell) for cell in row) for row in (header, *rows))
        case Figure() | ThematicBreak():
            pass  # a figure's alt text is shown only when its image is not
    if notes:
        for note in notes_in(block):
            parts.extend(block_text(b) for b in note.blocks)
    return "\n".join(parts)


# --- the pack --------------------------------------------------------------------------


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class PackMeta:
    """What a briefing pack says about itself, printed on its cover and in file metadata.

    ``date`` is kept as written; ``classification`` is a free-text marking such as
    ``OFFICIAL-SENSITIVE`` printed on every page, or ``None`` for no marking at all;
    ``reference`` is the issuer's own reference for the pack (a file or docket number),
    printed with the cover's details.
    """

    title: str
    subtitle: str | None = None
    date: str | None = None
    prepared_by: str | None = None
    prepared_for: str | None = None
    classification: str | None = None
    language: str = "en"
    # Last, so that positional construction from before it was added still works.
    reference: str | None = None

    def __post_init__(self) -> None:
        for name in ("title", "subtitle", "date", "prepared_by", "prepared_for", "reference"):
            _set_clean(self, name)
        _set_clean(self, "classification")
        _set_clean(self, "language")
        if self.classification is not None:
            object.__setattr__(self, "classification", _plain_marking(self.classification))


# Bidirectional controls (embeddings, overrides, isolates, marks) and other invisible
# format characters: in a marking they can make "‮LAICIFFO‬" display as "OFFICIAL".
# Compiled on first use: only a pack's classification marking is checked for them.
_INVISIBLE = "[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"


def _plain_marking(marking: str) -> str:
    """A classification marking with invisible and direction-changing characters removed.

    A marking must read as it displays; what is removed is reported::

        >>> _plain_marking("\u202eLAICIFFO\u202c")
        'LAICIFFO'
    """
    removed = sorted({f"U+{ord(c):04X}" for c in re.findall(_INVISIBLE, marking)})
    if not removed:
        return marking
    _log.warning(
        "removed %d invisible or direction-changing character(s) from the marking: %s",
        len(removed),
        ", ".join(removed),
    )
    return re.sub(_INVISIBLE, "", marking)


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class PackArticle:
    """One article in a pack: its unique id (for anchors and bookmarks), summary and length."""

    article: Article
    id: str
    summary: str
    words: int
    minutes: int

    def __post_init__(self) -> None:
        _set_clean(self, "summary")


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
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


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
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
