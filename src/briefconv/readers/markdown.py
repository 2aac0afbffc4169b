"""The Markdown reader: CommonMark (markdown-it-py) with YAML or TOML front matter, into the model.

Beyond CommonMark it reads what GitHub-flavoured posts use, each with markdown-it's own
rules or plugins, never a parser of its own:

- fenced (```` ``` ````, ``~~~``) and indented code -> :class:`CodeBlock`, every space, tab
  and line break as written; the fence's first info word is the language;
- GFM tables -> :class:`Table` with the delimiter row's alignment; short rows are padded
  with empty cells, and the text of cells beyond the header's goes into the last cell
  (GFM drops it) with a warning;
- ``~~struck~~`` -> :class:`Strikethrough`;
- footnotes (``[^1]`` with a ``[^1]:`` definition, and ``^[inline]``) -> a :class:`Note`
  at each reference, the same note again for a label referenced twice. A definition no
  reference uses is kept as a paragraph at the end, and a reference with no definition
  as its text ``[^x]``, each with a warning naming the line. Inside a note, blocks a note
  cannot hold (headings, tables, figures) become paragraphs, and another note's mark
  stays text;
- task lists (``- [x] done``, ``- [ ] todo``) -> the list's ``checks``;
- bare ``https://`` and ``www.`` addresses and e-mail addresses -> :class:`Link`, never
  inside code;
- relative links (``/about/``, ``../post.md``) are resolved against the front matter's
  ``url`` when that is an absolute web address; otherwise they keep only their text,
  with one warning per article.

Raw HTML is never interpreted as markup. It is read as a reader view shows it: comments,
``<script>`` and ``<style>`` (with what they hold) are dropped, since an author hides
drafts in comments and a CMS export carries scripts; any other tag is dropped and its
text kept (in table cells and footnotes too). One warning per article says what was
removed.

Front matter is YAML between ``---`` lines (Jekyll, Hugo, pandoc) or TOML between ``+++``
lines (Hugo, Zola). Its keys: ``title``, ``subtitle``, ``author``/``authors`` (a name or a list),
``date``, ``source``, ``url``, ``lang``/``language``, ``summary``; any other key is kept in
the metadata's ``extra``. A document whose only level-1 heading
is its first block takes that heading as its title, and its other headings move up a level.
A block quote whose last paragraph starts with an em dash has that paragraph as its
attribution.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import escapedSplit, getLine, table
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from briefconv._records import record_methods
from briefconv.errors import InputError
from briefconv.images import ImageResolver
from briefconv.model import (
    Align,
    Article,
    ArticleMeta,
    Block,
    BulletList,
    Cell,
    Code,
    CodeBlock,
    Emphasis,
    Figure,
    Heading,
    Inline,
    LineBreak,
    Link,
    Note,
    OrderedList,
    Paragraph,
    Quote,
    Strikethrough,
    Strong,
    Table,
    Text,
    ThematicBreak,
    notes_in,
    plain_text,
    sanitize_reported,
)
from briefconv.readers._levels import no_skipped_levels
from briefconv.readers.text import guess_language, title_from_filename

__all__ = ["MarkdownReader"]

_log = logging.getLogger("briefconv")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_TOML_FRONT_MATTER = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n)?\+\+\+[ \t]*(?:\n|\Z)", re.S)
_ATTRIBUTION = re.compile(r"^(?:—|―|–|--)\s*(\S.*)$", re.S)


_KNOWN_KEYS = frozenset(
    {
        "title",
        "subtitle",
        "author",
        "authors",
        "date",
        "source",
        "url",
        "lang",
        "language",
        "summary",
    }
)


def _extra_value(value: Any) -> str:
    """Front matter values the model has no field for, kept as text (JSON for structures)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def _meta_str(value: Any, key: str, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value).strip() or None
    _log.warning("%s: front matter %s: expected text, ignored", where, key)
    return None


class MarkdownReader:
    """Reads CommonMark articles with optional YAML front matter."""

    name: ClassVar[str] = "markdown"
    extensions: ClassVar[tuple[str, ...]] = (".md", ".markdown")

    def __init__(self, *, allow_outside: bool = False) -> None:
        self.allow_outside = allow_outside

    def read(self, text: str, *, source: Path | None = None, title: str | None = None) -> Article:
        """Parse Markdown ``text`` into an :class:`Article`; see the module docstring."""
        where = str(source) if source is not None else "<string>"
        text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        clean = sanitize_reported(text, where)
        front, body, offset = self._front_matter(clean, where)
        if not body.strip() and not front:
            raise InputError(f"{where}: no text to convert (the file is empty)")
        _check_nesting(body, where, offset)
        env: dict[str, Any] = {}
        tokens = _parser().parse(body, env)
        base = source.parent if source is not None else Path.cwd()
        images = ImageResolver(where, base, self.allow_outside)
        builder = _Builder(tokens, where, offset, images, env, _base_url(front.get("url")))
        blocks = builder.blocks()
        blocks.extend(builder.unreferenced())
        if builder.html_removed:
            _log.warning(
                "%s: raw HTML removed (%s); the text of other tags is kept",
                where,
                ", ".join(sorted(builder.html_removed)),
            )
        if builder.relative_links:
            line, href = builder.relative_links[0]
            _log.warning(
                "%s: %d relative link(s) kept as text, the first to %s: there is no base "
                "URL to resolve them against (give the article's address as url in the "
                "front matter)",
                builder.at(line),
                len(builder.relative_links),
                href[:200],
            )

        found_title: str | None = None
        h1 = [b for b in blocks if isinstance(b, Heading) and b.level == 1]
        # A heading with a footnote stays a heading: a title cannot hold the note.
        if len(h1) == 1 and blocks and blocks[0] is h1[0] and not notes_in(h1[0]):
            found_title = plain_text(h1[0].children)
            blocks = blocks[1:]
        # Sections start at level 1 below the title, so "##" sections under a front matter
        # title do not leave a level out (screen readers and navigation panes need that).
        levels = [b.level for b in blocks if isinstance(b, Heading)]
        if levels and min(levels) > 1:
            shift = min(levels) - 1
            blocks = [
                Heading(b.level - shift, b.children) if isinstance(b, Heading) else b
                for b in blocks
            ]
        blocks = no_skipped_levels(blocks)

        authors_value = front.get("authors", front.get("author"))
        if isinstance(authors_value, list):
            authors = tuple(a for a in (_meta_str(v, "author", where) for v in authors_value) if a)
        else:
            one = _meta_str(authors_value, "author", where)
            authors = (one,) if one else ()
        language = _meta_str(front.get("lang", front.get("language")), "lang", where)
        if language is None:
            language = guess_language(
                " ".join(plain_text(b.children) for b in blocks[:40] if isinstance(b, Paragraph))
            )
        article_title = title or _meta_str(front.get("title"), "title", where) or found_title
        if article_title is None:
            article_title = title_from_filename(source.name) if source is not None else "Untitled"
        return Article(
            meta=ArticleMeta(
                title=article_title,
                subtitle=_meta_str(front.get("subtitle"), "subtitle", where),
                authors=authors,
                date=_meta_str(front.get("date"), "date", where),
                source=_meta_str(front.get("source"), "source", where),
                url=_meta_str(front.get("url"), "url", where),
                language=language,
                summary=_meta_str(front.get("summary"), "summary", where),
                extra=tuple(
                    (str(key), _extra_value(value))
                    for key, value in front.items()
                    if str(key) not in _KNOWN_KEYS and value is not None
                ),
            ),
            blocks=tuple(blocks),
        )

    @staticmethod
    def _front_matter(text: str, where: str) -> tuple[dict[str, Any], str, int]:
        """Split front matter off ``text``: (data, body, lines taken by the front matter)."""
        match = _FRONT_MATTER.match(text)
        if match is None:
            toml_match = _TOML_FRONT_MATTER.match(text)
            if toml_match is None:
                return {}, text, 0
            data = _toml_front_matter(toml_match.group(1) or "", where)
            return data, text[toml_match.end() :], toml_match.group(0).count("\n")
        try:
            data = yaml.load(match.group(1) or "", Loader=_FrontMatterLoader) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 2}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or "invalid YAML"
            raise InputError(f"{where}{line}: front matter is not valid YAML: {problem}") from None
        if not isinstance(data, dict):
            raise InputError(f"{where}:2: front matter must be a mapping of keys to values")
        return data, text[match.end() :], match.group(0).count("\n")


class _FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases.

    Front matter never needs them, and a few hundred bytes of nested aliases (a "billion
    laughs") expand to gigabytes.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Refuse an alias (``*name``) where the safe loader would expand it."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in front matter", event.start_mark
            )
        return super().compose_node(parent, index)


def _toml_front_matter(source: str, where: str) -> dict[str, Any]:
    """The keys of TOML front matter (``+++`` lines); a one-line error naming the line."""
    import tomllib  # only articles with TOML front matter pay for it

    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        # tomllib says "... (at line 3, column 9)", counting from the first line after "+++".
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        problem = str(exc)[: found.start()].strip() if found else str(exc)
        line = f":{int(found.group(1)) + 1}" if found else ""
        raise InputError(f"{where}{line}: front matter is not valid TOML: {problem}") from None


def _base_url(value: Any) -> str | None:
    """The front matter's ``url`` if relative links can be resolved against it."""
    if not isinstance(value, str):
        return None
    try:
        parts = urllib.parse.urlsplit(value.strip())
    except ValueError:
        return None
    # Hugo and Jekyll also use url for a site path ("/posts/x/"): no host, no base.
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


@cache
def _parser() -> MarkdownIt:
    """The one markdown-it parser: CommonMark plus the GitHub extensions the model holds.

    Tables, strikethrough and task lists (markdown-it's own rules), bare URLs (its linkify
    option, with linkify-it-py), footnotes (mdit-py-plugins, with pandoc's ``^[inline]``
    notes too).
    """
    parser = MarkdownIt(
        "commonmark",
        {
            "html": True,
            # markdown-it silently drops what is nested deeper than maxNesting (20 by
            # default), counting a list level twice (list + item): allow more than
            # _check_nesting lets through, so nothing is ever lost.
            "maxNesting": 2 * _MAX_DEPTH + 20,
            "linkify": True,
            "tasklists": True,  # list items get meta["checked"]; "[x] " leaves the text
        },
    )
    parser.enable(["table", "strikethrough", "linkify"])
    parser.block.ruler.at("table", _table_keeping_extra_cells, {"alt": ["paragraph", "reference"]})
    parser.linkify = _WebLinks(parser.linkify)
    # Definitions stay in place (move_to_end would silently drop unreferenced ones), and
    # every [^label] is matched so that one with no definition can be reported.
    parser.use(footnote_plugin, inline=True, move_to_end=False, always_match_refs=True)
    return parser


class _WebLinks:
    """linkify-it, keeping the bare links GitHub makes: ``http(s)://``, ``www.``, e-mail.

    linkify-it also links any word that ends in a top-level domain, and ``model.py`` or
    ``notes.md`` (Paraguay, Moldova) in a technical post are file names, not web sites.
    """

    def __init__(self, linkify: Any) -> None:
        self._linkify = linkify

    @staticmethod
    def _wanted(match: Any) -> bool:
        schema = str(match.schema).lower()
        if schema in ("http:", "https:", "mailto:"):
            return True
        return not schema and str(match.text).lower().startswith("www.")

    def pretest(self, text: str) -> bool:
        """Whether ``text`` may hold a link (a quick check, as linkify-it's)."""
        return bool(self._linkify.pretest(text))

    def test(self, text: str) -> bool:
        """Whether ``text`` holds a link linkify-it finds (filtered later by :meth:`match`)."""
        return bool(self._linkify.test(text))

    def match(self, text: str) -> list[Any] | None:
        """The links in ``text`` that are kept, or ``None``."""
        kept = [m for m in self._linkify.match(text) or [] if self._wanted(m)]
        return kept or None

    def match_at_start(self, text: str) -> Any:
        """The link ``text`` starts with, if it is kept, else ``None``."""
        found = self._linkify.match_at_start(text)
        return found if found is not None and self._wanted(found) else None


def _table_keeping_extra_cells(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's GFM table rule, but a body row's cells beyond the header's are kept.

    GFM (and markdown-it) drop the cells of a row that has more than the header, and with
    them the author's words. Here their text goes into the row's last cell, separated by
    ``|`` as written, using markdown-it's own line and cell splitting; the row's
    ``tr_open`` token gets ``meta["extra_cells"]`` so the reader can say so.
    """
    first = len(state.tokens)
    if not table(state, start, end, silent):
        return False
    if silent:
        return True
    columns = 0
    row: Token | None = None
    last_cell: Token | None = None
    for token in state.tokens[first:]:
        if token.type == "th_open":
            columns += 1
        elif token.type == "tr_open":
            row, last_cell = token, None
        elif token.type == "inline":
            last_cell = token
        elif token.type == "tr_close" and row is not None and row.map and last_cell is not None:
            cells = escapedSplit(getLine(state, row.map[0]).strip())
            # As the table rule does: a leading or trailing pipe opens or closes the row.
            if cells and cells[0] == "":
                cells.pop(0)
            if cells and cells[-1] == "":
                cells.pop()
            if columns and len(cells) > columns:
                kept = [c.strip() for c in cells[columns - 1 :] if c.strip()]
                last_cell.content = " | ".join(kept)
                row.meta["extra_cells"] = len(cells) - columns
    return True


class _HtmlText(HTMLParser):
    """The text a reader view shows of raw HTML: no comments, no scripts or styles, no tags.

    Block-level tags become spaces, so words on either side stay apart; inline tags
    (``<b>``, ``<span>``) leave nothing, so "un<b>likely</b>" stays one word. ``removed``
    names what was dropped, for the reader's one warning.
    """

    _DROPPED = frozenset({"script", "style", "template", "noscript"})
    _BLOCKS = frozenset({
        "address", "article", "aside", "blockquote", "br", "dd", "details", "dialog", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    })  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.removed: set[str] = set()
        self.skipping: list[str] = []  # open <script>/<style> elements

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Drop the tag; start dropping text inside a script or style."""
        if tag in self._DROPPED:
            self.removed.add(f"<{tag}>")
            self.skipping.append(tag)
        else:
            self.removed.add("tags")
            self._space(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A self-closing tag (``<br/>``, ``<img/>``): dropped like an opening tag."""
        self.removed.add("tags")
        self._space(tag)

    def handle_endtag(self, tag: str) -> None:
        """End a script or style; any other closing tag is dropped like an opening one."""
        if self.skipping and tag == self.skipping[-1]:
            self.skipping.pop()
        elif tag not in self._DROPPED:
            self._space(tag)

    def _space(self, tag: str) -> None:
        if tag in self._BLOCKS and not self.skipping:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        """Keep text, unless inside a script or style."""
        if not self.skipping:
            self.parts.append(data)

    def handle_comment(self, data: str) -> None:
        """Drop a comment: authors hide drafts in them."""
        self.removed.add("comments")

    def handle_decl(self, decl: str) -> None:
        """Drop a declaration (``<!DOCTYPE ...>``)."""
        self.removed.add("tags")

    def handle_pi(self, data: str) -> None:
        """Drop a processing instruction."""
        self.removed.add("tags")

    def unknown_decl(self, data: str) -> None:
        """Drop CDATA and other markup declarations."""
        self.removed.add("tags")


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class _Definition:
    """Where one footnote definition (``[^label]: ...``) sits in the token stream."""

    label: str
    start: int  # index of its footnote_reference_open token
    line: int | None  # line in the file, for warnings


#: Column alignment as markdown-it's table rule writes it on each header cell.
_ALIGN: dict[str, Align] = {
    "text-align:left": "left",
    "text-align:center": "center",
    "text-align:right": "right",
}


class _Builder:
    """Turns markdown-it's flat token stream into model blocks.

    Footnote definitions stay where markdown-it found them (the footnote plugin's
    ``move_to_end`` is off, because moving them throws unreferenced ones away). The first
    reference to a label reads its definition, in *note mode*: there a reference to another
    footnote stays as written (``[^2]``), an inline footnote becomes text in parentheses
    (a note never holds a note), images are their alt text, and blocks a note cannot hold
    become paragraphs. Definitions nobody referenced are added at the end of the article.
    """

    def __init__(
        self,
        tokens: Sequence[Token],
        where: str,
        offset: int,
        images: ImageResolver,
        env: dict[str, Any],
        base_url: str | None,
    ) -> None:
        self.tokens = tokens
        self.where = where
        self.offset = offset
        self.images = images
        self.base_url = base_url
        self.pos = 0
        #: What raw HTML was dropped ("comments", "<script>", "tags"...), for one warning.
        self.html_removed: set[str] = set()
        #: Whether too deeply nested formatting was flattened (warned about once).
        self.flattened = False
        #: (line, URL) of each relative link read as text, for one warning.
        self.relative_links: list[tuple[int | None, str]] = []
        self.in_note = False
        # Inline footnotes (^[...]): the plugin keeps their parsed tokens in the env by id.
        self.inline_notes: dict[int, Any] = env.get("footnotes", {}).get("list", {})
        self.notes: dict[str, Note] = {}  # label -> its note, read on first reference
        self.undefined: set[str] = set()  # labels referenced but never defined (warned)
        self.ends: dict[int, int] = {}  # footnote_reference_open index -> its close index
        self.definitions: list[_Definition] = []
        stack: list[int] = []
        for index, token in enumerate(tokens):
            if token.type == "footnote_reference_open":
                stack.append(index)
            elif token.type == "footnote_reference_close" and stack:
                start = stack.pop()
                self.ends[start] = index
                opened = tokens[start]
                self.definitions.append(
                    _Definition(str(opened.meta["label"]), start, self.line_of(opened))
                )
        self.definitions.sort(key=lambda d: d.start)
        self.by_label: dict[str, _Definition] = {}
        for definition in self.definitions:
            # The first definition of a label counts, as for CommonMark's link references.
            self.by_label.setdefault(definition.label, definition)

    def line_of(self, token: Token) -> int | None:
        """The file line where ``token`` starts, if markdown-it recorded it."""
        return token.map[0] + 1 + self.offset if token.map else None

    def at(self, line: int | None) -> str:
        """``file:line`` (or just the file) for a warning."""
        return f"{self.where}:{line}" if line is not None else self.where

    def blocks(self, until: str | None = None) -> list[Block]:
        """Blocks up to the closing token ``until`` (or the end)."""
        out: list[Block] = []
        while self.pos < len(self.tokens):
            token = self.tokens[self.pos]
            if until is not None and token.type == until:
                self.pos += 1
                return out
            out.extend(self.block())
        return out

    def block(self) -> list[Block]:
        """What the token at ``pos`` reads as (none, one or more blocks); moves past it."""
        token = self.tokens[self.pos]
        kind = token.type
        if kind == "heading_open":
            level = int(token.tag[1])
            inlines = self.inline_after()
            self.pos += 1  # heading_close
            return [Heading(level, inlines)]
        if kind == "paragraph_open":
            return self.paragraph()
        if kind in ("bullet_list_open", "ordered_list_open"):
            return self.list_block()
        if kind == "blockquote_open":
            self.pos += 1
            inner = self.blocks("blockquote_close")
            return [self.quote(inner)]
        if kind in ("fence", "code_block"):
            self.pos += 1
            # Exactly as written (tabs, runs of spaces, blank lines inside), without the
            # newline(s) that end the block; a block of nothing but blank lines has no text.
            text = token.content.rstrip("\n")
            words = token.info.split()
            return [CodeBlock(text, words[0] if words else None)] if text.strip() else []
        if kind == "table_open":
            return [self.table()]
        if kind == "footnote_reference_open":
            # Read where it is referenced (or at the end, if nowhere): see the class.
            self.pos = self.ends.get(self.pos, self.pos) + 1
            return []
        if kind == "hr":
            self.pos += 1
            return [ThematicBreak()]
        if kind == "html_block":
            self.pos += 1
            reader = _HtmlText()
            reader.feed(token.content)
            reader.close()
            self.html_removed |= reader.removed
            text = " ".join("".join(reader.parts).split())
            return [Paragraph((Text(text),))] if text else []
        self.pos += 1
        return []

    def paragraph(self) -> list[Block]:
        """A paragraph, or the figure(s) it is when it holds only images."""
        found: list[tuple[str, str]] = []
        inlines = self.inline_after(found)
        self.pos += 1  # paragraph_close
        if self.in_note:
            return [Paragraph(inlines)] if inlines else []  # images: their alt text only
        figures: list[Block] = [self.images.figure(src, alt) for src, alt in found]
        if (
            found
            and not any(isinstance(node, Note) for node in inlines)
            and not plain_text(inlines)
            .strip(" \n")
            .replace(" ".join(alt for _, alt in found), "")
            .strip()
        ):
            return figures  # a paragraph that is only an image is a figure
        # Images inside running text: their alt text stays in the sentence, and the
        # images that can be shown follow the paragraph.
        shown: list[Block] = [f for f in figures if isinstance(f, Figure) and f.path is not None]
        return ([Paragraph(inlines)] if inlines else []) + shown

    def inline_after(self, images: list[tuple[str, str]] | None = None) -> tuple[Inline, ...]:
        """The inline content of the ``inline`` token after an opening token.

        Images met are appended to ``images`` as ``(src, alt)``.
        """
        self.pos += 1
        token = self.tokens[self.pos]
        self.pos += 1
        return self.inlines(
            token.children or [], images if images is not None else [], self.line_of(token)
        )

    def list_block(self) -> list[Block]:
        """A bullet or numbered list; blocks its items hold but a list cannot follow it."""
        open_token = self.tokens[self.pos]
        ordered = open_token.type == "ordered_list_open"
        close = "ordered_list_close" if ordered else "bullet_list_close"
        start = int(open_token.attrGet("start") or 1)
        self.pos += 1
        items: list[tuple[Inline, ...]] = []
        checks: list[bool | None] = []
        sublists: list[tuple[int, BulletList | OrderedList]] = []
        after: list[Block] = []
        while self.tokens[self.pos].type != close:
            item = self.tokens[self.pos]
            if item.type == "list_item_open":
                # markdown-it's task-list option has already taken "[x] " off the item.
                checked = item.meta.get("checked")
                checks.append(checked if isinstance(checked, bool) else None)
                self.pos += 1
                content = self.blocks("list_item_close")
                inlines: list[Inline] = []
                for block in content:
                    if isinstance(block, Paragraph):
                        if inlines:
                            inlines.append(LineBreak())
                        inlines.extend(block.children)
                    elif isinstance(block, BulletList | OrderedList):
                        sublists.append((len(items), block))
                    else:
                        # A quote, code block, table... inside an item: kept, after the list.
                        after.append(block)
                items.append(tuple(inlines))
            else:
                self.pos += 1
        self.pos += 1
        # A list with no checkbox at all is not a task list; in one that has some, the
        # items without a box are None.
        task = tuple(checks) if any(c is not None for c in checks) else ()
        main: Block = (
            OrderedList(tuple(items), start, tuple(sublists), task)
            if ordered
            else BulletList(tuple(items), tuple(sublists), task)
        )
        return [main, *after]

    def table(self) -> Table:
        """A GFM table: header, body rows padded to the header's width, alignments."""
        self.pos += 1
        header: list[Cell] | None = None
        rows: list[list[Cell]] = []
        align: list[Align] = []
        row: list[Cell] = []
        while self.tokens[self.pos].type != "table_close":
            token = self.tokens[self.pos]
            if token.type == "tr_open":
                row = []
                if extra := token.meta.get("extra_cells"):
                    _log.warning(
                        "%s: table row has %d cell(s) more than its header; their text is "
                        "added to the row's last cell",
                        self.at(self.line_of(token)),
                        extra,
                    )
            elif token.type == "th_open":
                align.append(_ALIGN.get(str(token.attrGet("style") or ""), "default"))
            elif token.type == "inline":
                row.append(self.inlines(token.children or [], [], self.line_of(token)))
            elif token.type == "tr_close":
                if header is None:
                    header = row
                else:
                    rows.append(row)
            self.pos += 1
        self.pos += 1
        head = tuple(header or [()])
        return Table(head, tuple(_fit_row(r, len(head)) for r in rows), tuple(align))

    @staticmethod
    def quote(inner: list[Block]) -> Quote:
        """A block quote; an em-dash last paragraph is its attribution."""
        # The model's quotes hold paragraphs: nested quotes, lists, code and headings
        # inside a quote are kept as paragraphs of their text rather than dropped.
        paragraphs = [p for b in inner for p in _as_paragraphs(b)]
        attribution: tuple[Inline, ...] = ()
        if len(paragraphs) >= 2:
            last = paragraphs[-1]
            first = last.children[0] if last.children else None
            if isinstance(first, Text) and (m := _ATTRIBUTION.match(first.text)):
                attribution = (Text(m.group(1)), *last.children[1:])
                paragraphs = paragraphs[:-1]
        return Quote(tuple(paragraphs), attribution)

    def footnote(
        self, token: Token, before: list[Inline], line: int | None, depth: int
    ) -> list[Inline]:
        """What a footnote reference after ``before`` stands for: a note, or text.

        See the class for which it is.
        """
        label = token.meta.get("label")
        if label is None:  # an inline footnote, ^[...]
            data = self.inline_notes.get(token.meta.get("id", -1), {})
            last = before[-1] if before else None
            space = "" if isinstance(last, Text) and last.text[-1:].isspace() else " "
            if self.in_note and depth >= _MAX_DEPTH:
                # Nested that deep, the words are kept without their formatting.
                return [Text(f"{space}({data.get('content', '')})")]
            was_in_note, self.in_note = self.in_note, True
            try:
                inner = self.inlines(data.get("tokens") or [], [], line, depth + 1)
            finally:
                self.in_note = was_in_note
            if not inner:
                return []
            if self.in_note:
                return [Text(space + "("), *inner, Text(")")]
            return [Note((Paragraph(inner),))]
        literal = Text(f"[^{label}]")  # the reference as written
        definition = self.by_label.get(str(label))
        if definition is None:
            if label not in self.undefined:
                self.undefined.add(str(label))
                _log.warning(
                    "%s: footnote [^%s] has no definition; the mark is kept as text",
                    self.at(line),
                    label,
                )
            return [literal]
        if self.in_note:
            return [literal]  # a note cannot hold a note: the mark stays as written
        if definition.label not in self.notes:
            self.notes[definition.label] = Note(tuple(self.definition_blocks(definition)))
        # Referenced again: the same note again, as pandoc does.
        return [self.notes[definition.label]]

    def definition_blocks(self, definition: _Definition) -> list[Block]:
        """A footnote definition's blocks, read in note mode and fit for a note."""
        saved = self.pos, self.in_note
        self.pos, self.in_note = definition.start + 1, True
        try:
            blocks = self.blocks("footnote_reference_close")
        finally:
            self.pos, self.in_note = saved
        return [b for block in blocks for b in _note_blocks(block)]

    def unreferenced(self) -> list[Block]:
        """Footnote definitions no reference used, as paragraphs: their words are kept."""
        out: list[Block] = []
        for definition in self.definitions:
            first = self.by_label[definition.label] is definition
            if first and definition.label in self.notes:
                continue
            _log.warning(
                "%s: footnote [^%s] %s; its text is kept at the end of the article",
                self.at(definition.line),
                definition.label,
                "is never referenced" if first else "is defined twice",
            )
            blocks = self.definition_blocks(definition)
            mark = f"[^{definition.label}]:"
            if blocks and isinstance(blocks[0], Paragraph):
                blocks[0] = Paragraph(tuple(_merge_text([Text(mark + " "), *blocks[0].children])))
            else:
                blocks.insert(0, Paragraph((Text(mark),)))
            out.extend(blocks)
        return out

    def link_url(self, href: str, line: int | None) -> str | None:
        """``href`` made absolute against the base URL; ``None`` if it cannot be."""
        try:
            scheme = urllib.parse.urlsplit(href).scheme
        except ValueError:
            return href  # not a URL at all: writers show it as text
        if len(scheme) > 1:  # "c:" would be a Windows drive, not a scheme
            return href
        if self.base_url is not None:
            return urllib.parse.urljoin(self.base_url, href)
        # "/about/" or "../post.md" leads nowhere outside the site it was written for.
        self.relative_links.append((line, href))
        return None

    def inlines(
        self,
        tokens: Sequence[Token],
        images: list[tuple[str, str]],
        line: int | None,
        depth: int = 0,
    ) -> tuple[Inline, ...]:
        """Inline tokens -> model inlines (nested emphasis, strong, strikethrough, links).

        Images are collected into ``images`` as ``(src, alt)``; their alt text stays inline.
        Raw HTML tags are dropped (what was dropped is added to ``html_removed``); the text
        of a ``<script>`` or ``<style>`` element goes with it. ``line`` is where the
        tokens' block starts; warnings name the line of the token itself.
        """
        stack: list[tuple[str, str | None, list[Inline]]] = [("root", None, [])]
        # markdown-it records lines per block only: count the line breaks passed since.
        breaks = 0
        # One reader per paragraph: it knows whether the text between tags is in a script.
        html = _HtmlText()
        dropped = False  # something was dropped since the last text: "a <iframe></iframe> b"
        for token in tokens:
            kind = token.type
            current = stack[-1][2]
            here = line + breaks if line is not None else None
            if kind in ("softbreak", "hardbreak"):
                breaks += 1
            elif kind == "html_inline":
                breaks += token.content.count("\n")
            if kind == "html_inline":
                html.feed(token.content)
                self.html_removed |= html.removed
                # A tag's text (an entity written in the HTML, say) is kept like any other.
                if text := "".join(html.parts):
                    current.append(Text(text))
                html.parts.clear()
                dropped = not text
            elif html.skipping and kind in _WORDS:
                # Inside an inline <script> or <style>: its words go with it. Emphasis and
                # links still open and close, so the nesting stays whole.
                dropped = True
            elif kind in ("text", "text_special"):
                content = token.content
                last = current[-1] if current else None
                if dropped and isinstance(last, Text) and last.text[-1:].isspace():
                    # The space on both sides of what was dropped would print twice.
                    content = content.lstrip(" ")
                dropped = False
                if content:
                    current.append(Text(content))
            elif kind == "code_inline":
                current.append(Code(token.content))
            elif kind == "softbreak":
                current.append(Text(" "))
            elif kind == "hardbreak":
                current.append(LineBreak())
            elif kind == "footnote_ref":
                current.extend(self.footnote(token, current, here, depth))
            elif kind == "image":
                alt = token.content or "".join(c.content for c in token.children or [])
                images.append((str(token.attrGet("src") or ""), alt))
                if alt:
                    current.append(Text(alt))
            elif kind in ("em_open", "strong_open", "s_open"):
                stack.append((kind, None, []))
            elif kind == "link_open":
                written = str(token.attrGet("href") or "")
                # Autolinks and bare URLs are absolute by construction.
                url = written if token.info == "auto" else self.link_url(written, here)
                stack.append(("link_open" if url is not None else "text_link", url, []))
            elif kind in ("em_close", "strong_close", "s_close", "link_close") and len(stack) > 1:
                depth_here = len(stack) - 1
                opened, href, children = stack.pop()
                parent = stack[-1][2]
                if depth_here > _MAX_INLINE_NESTING:
                    # Formatting nested this deep is an attack, not writing: every writer
                    # recurses per level. The text stays; the deeper levels' formatting goes.
                    parent.extend(children)
                    if not self.flattened:
                        self.flattened = True
                        _log.warning(
                            "%s:%s: emphasis or links nested more than %d levels deep; the "
                            "deeper levels are shown as plain text",
                            self.where,
                            here,
                            _MAX_INLINE_NESTING,
                        )
                elif opened == "em_open":
                    parent.append(Emphasis(tuple(children)))
                elif opened == "strong_open":
                    parent.append(Strong(tuple(children)))
                elif opened == "s_open":
                    parent.append(Strikethrough(tuple(children)))
                elif opened == "link_open":
                    parent.append(Link(href or "", tuple(children)))
                else:  # a link with nowhere to go: its text, in the sentence
                    parent.extend(children)
        while len(stack) > 1:  # unclosed (cannot happen with markdown-it, but never lose text)
            _, _, children = stack.pop()
            stack[-1][2].extend(children)
        return tuple(_merge_text(stack[0][2]))


#: Inline tokens that carry words (dropped inside an inline <script> or <style>).
_WORDS = frozenset({"text", "text_special", "code_inline", "softbreak", "hardbreak"})


def _fit_row(row: list[Cell], columns: int) -> tuple[Cell, ...]:
    """``row`` with exactly ``columns`` cells: padded with empty ones, or the extra merged."""
    if len(row) <= columns:
        return (*row, *([()] * (columns - len(row))))
    last: list[Inline] = list(row[columns - 1])
    for cell in row[columns:]:
        last.extend((Text(" | "), *cell))
    return (*row[: columns - 1], tuple(_merge_text(last)))


#: Deepest nesting of block quotes and lists read; deeper input is a clear error rather
#: than a recursion crash in the parser.
_MAX_DEPTH = 100

#: Inline formatting levels kept (emphasis in strong in a link ...); deeper ones are text.
_MAX_INLINE_NESTING = 32
_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:\s+|$)")
# A footnote definition's label opens a container too: "[^a]: [^b]: > - text".
_FOOTNOTE_LABEL = re.compile(r"\[\^[^\]\s]+\]:\s*")


def _check_nesting(body: str, where: str, offset: int) -> None:
    """Refuse input nested deeper than :data:`_MAX_DEPTH` levels, naming the line."""
    for number, line in enumerate(body.split("\n"), start=1 + offset):
        indent = len(line) - len(line.lstrip(" "))
        rest = line.lstrip()
        depth = 0
        while rest:
            if rest.startswith(">"):
                rest = rest[1:].lstrip()
            elif m := _LIST_MARKER.match(rest) or _FOOTNOTE_LABEL.match(rest):
                rest = rest[m.end() :]
            else:
                break
            depth += 1
        if depth and _LIST_MARKER.match(line.lstrip()):
            depth += indent // 2
        if depth > _MAX_DEPTH:
            raise InputError(
                f"{where}:{number}: quotes or lists nested {depth} levels deep; "
                f"briefconv reads at most {_MAX_DEPTH}"
            )


def _as_paragraphs(block: Block) -> list[Paragraph]:
    """A block's text as paragraphs (for places that can hold only paragraphs)."""
    match block:
        case Paragraph():
            return [block]
        case Heading(children=children):
            return [Paragraph(children)]
        case Quote(paragraphs=paragraphs, attribution=attribution):
            tail = [Paragraph((Text("— "), *attribution))] if attribution else []
            return [*paragraphs, *tail]
        case BulletList() | OrderedList():
            return _list_paragraphs(block)
        case CodeBlock(text=text):
            # Line by line in the code face; leading spaces stay inside each Code.
            parts: list[Inline] = []
            for number, code_line in enumerate(text.split("\n")):
                if number:
                    parts.append(LineBreak())
                if code_line:
                    parts.append(Code(code_line))
            return [Paragraph(tuple(parts))]
        case Table(header=header, rows=rows):
            # A row per paragraph, cells apart as the author wrote them.
            out: list[Paragraph] = []
            for row in (header, *rows):
                cells: list[Inline] = []
                for number, cell in enumerate(row):
                    cells.extend((Text(" | "), *cell) if number else cell)
                out.append(Paragraph(tuple(_merge_text(cells))))
            return out
        case Figure(alt=alt):
            return [Paragraph((Text(alt),))] if alt else []
    return []


def _list_paragraphs(block: BulletList | OrderedList) -> list[Paragraph]:
    """A list as paragraphs, one per item, with its marker, checkbox and nested lists."""
    out: list[Paragraph] = []
    nested = dict(block.sublists)
    for index, item in enumerate(block.items):
        marker = f"{block.start + index}. " if isinstance(block, OrderedList) else "• "
        check = block.checks[index] if block.checks else None
        box = "" if check is None else ("[x] " if check else "[ ] ")
        out.append(Paragraph(tuple(_merge_text([Text(marker + box), *item]))))
        if index in nested:
            out.extend(_list_paragraphs(nested[index]))
    return out


def _note_blocks(block: Block) -> list[Block]:
    """``block`` as blocks a note may hold: headings, tables and figures become paragraphs."""
    if isinstance(block, Paragraph | BulletList | OrderedList | Quote | CodeBlock):
        return [block]
    return list(_as_paragraphs(block))


def _merge_text(inlines: list[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        else:
            out.append(node)
    return out
