"""The Markdown reader: CommonMark (markdown-it-py) with YAML or TOML front matter, into the model.

Raw HTML is never interpreted as markup. It is read as a reader view shows it: comments,
``<script>`` and ``<style>`` (with what they hold) are dropped, since an author hides
drafts in comments and a CMS export carries scripts; any other tag is dropped and its
text kept. One warning per article says what was removed.

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
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefconv.errors import InputError
from briefconv.model import (
    Article,
    ArticleMeta,
    Block,
    BulletList,
    Code,
    Emphasis,
    Figure,
    Heading,
    Inline,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    Quote,
    Strong,
    Text,
    ThematicBreak,
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
        # markdown-it silently drops what is nested deeper than maxNesting (20 by default),
        # counting a list level twice (list + item): allow more than _check_nesting lets
        # through, so nothing is ever lost.
        parser = MarkdownIt("commonmark", {"html": True, "maxNesting": 2 * _MAX_DEPTH + 20})
        tokens = parser.parse(body)
        base = source.parent if source is not None else Path.cwd()
        images = _Images(where, base, self.allow_outside)
        builder = _Builder(tokens, where, offset, images)
        blocks = builder.blocks()
        if builder.html_removed:
            _log.warning(
                "%s: raw HTML removed (%s); the text of other tags is kept",
                where,
                ", ".join(sorted(builder.html_removed)),
            )

        found_title: str | None = None
        h1 = [b for b in blocks if isinstance(b, Heading) and b.level == 1]
        if len(h1) == 1 and blocks and blocks[0] is h1[0]:
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
            data = yaml.safe_load(match.group(1) or "") or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 2}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or "invalid YAML"
            raise InputError(f"{where}{line}: front matter is not valid YAML: {problem}") from None
        if not isinstance(data, dict):
            raise InputError(f"{where}:2: front matter must be a mapping of keys to values")
        return data, text[match.end() :], match.group(0).count("\n")


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


_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"))


class _Images:
    """Resolves image references: local PNG/JPEG in the article's folder, nothing remote."""

    def __init__(self, where: str, base: Path, allow_outside: bool) -> None:
        self.where = where
        self.base = base.resolve()
        self.allow_outside = allow_outside

    def figure(self, src: str, alt: str) -> Figure:
        """A :class:`Figure` for ``src``, with ``path`` only if the image may be shown."""
        scheme = urllib.parse.urlsplit(src).scheme.lower()
        if scheme and len(scheme) > 1:  # "c:" would be a Windows drive, not a scheme
            _log.warning(
                "%s: image %s is not fetched (briefconv never downloads); its alt text is kept",
                self.where,
                src[:200],
            )
            return Figure(src, alt)
        path = (self.base / urllib.parse.unquote(src)).resolve()
        if not self.allow_outside and not path.is_relative_to(self.base):
            _log.warning(
                "%s: image %s is outside the article's folder; refused (--allow-outside "
                "permits it); its alt text is kept",
                self.where,
                src,
            )
            return Figure(src, alt)
        try:
            with path.open("rb") as fh:
                head = fh.read(8)
        except OSError as exc:
            _log.warning("%s: image %s: %s; its alt text is kept", self.where, src, exc.strerror)
            return Figure(src, alt)
        if not any(head.startswith(magic) for magic, _ in _IMAGE_MAGIC):
            _log.warning(
                "%s: image %s is not a PNG or JPEG file; its alt text is kept", self.where, src
            )
            return Figure(src, alt)
        return Figure(src, alt, str(path))


class _Builder:
    """Turns markdown-it's flat token stream into model blocks."""

    def __init__(self, tokens: Sequence[Token], where: str, offset: int, images: _Images) -> None:
        self.tokens = tokens
        self.where = where
        self.offset = offset
        self.images = images
        self.pos = 0
        #: What raw HTML was dropped ("comments", "<script>", "tags"...), for one warning.
        self.html_removed: set[str] = set()

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
        token = self.tokens[self.pos]
        kind = token.type
        if kind == "heading_open":
            level = int(token.tag[1])
            inlines = self.inline_after()
            self.pos += 1  # heading_close
            return [Heading(level, inlines)]
        if kind == "paragraph_open":
            found: list[tuple[str, str]] = []
            inlines = self.inline_after(found)
            self.pos += 1  # paragraph_close
            figures: list[Block] = [self.images.figure(src, alt) for src, alt in found]
            if (
                found
                and not plain_text(inlines)
                .strip(" \n")
                .replace(" ".join(alt for _, alt in found), "")
                .strip()
            ):
                return figures  # a paragraph that is only an image is a figure
            # Images inside running text: their alt text stays in the sentence, and the
            # images that can be shown follow the paragraph.
            shown: list[Block] = [
                f for f in figures if isinstance(f, Figure) and f.path is not None
            ]
            return ([Paragraph(inlines)] if inlines else []) + shown
        if kind in ("bullet_list_open", "ordered_list_open"):
            return self.list_block()
        if kind == "blockquote_open":
            self.pos += 1
            inner = self.blocks("blockquote_close")
            return [self.quote(inner)]
        if kind in ("fence", "code_block"):
            self.pos += 1
            lines = token.content.rstrip("\n").split("\n")
            parts: list[Inline] = []
            for number, text in enumerate(lines):
                if number:
                    parts.append(LineBreak())
                if text:
                    parts.append(Code(text))
            return [Paragraph(tuple(parts))] if any(lines) else []
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

    def inline_after(self, images: list[tuple[str, str]] | None = None) -> tuple[Inline, ...]:
        """The inline content of the ``inline`` token after an opening token.

        Images met are appended to ``images`` as ``(src, alt)``.
        """
        self.pos += 1
        token = self.tokens[self.pos]
        self.pos += 1
        return _inlines(
            token.children or [], images if images is not None else [], self.html_removed
        )

    def list_block(self) -> list[Block]:
        open_token = self.tokens[self.pos]
        ordered = open_token.type == "ordered_list_open"
        close = "ordered_list_close" if ordered else "bullet_list_close"
        start = int(open_token.attrGet("start") or 1)
        self.pos += 1
        items: list[tuple[Inline, ...]] = []
        sublists: list[tuple[int, BulletList | OrderedList]] = []
        after: list[Block] = []
        while self.tokens[self.pos].type != close:
            if self.tokens[self.pos].type == "list_item_open":
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
                        # A quote, heading or figure inside an item: kept, after the list.
                        after.append(block)
                items.append(tuple(inlines))
            else:
                self.pos += 1
        self.pos += 1
        main: Block = (
            OrderedList(tuple(items), start, tuple(sublists))
            if ordered
            else BulletList(tuple(items), tuple(sublists))
        )
        return [main, *after]

    @staticmethod
    def quote(inner: list[Block]) -> Quote:
        # The model's quotes hold paragraphs: nested quotes, lists and headings inside a
        # quote are kept as paragraphs of their text rather than dropped.
        paragraphs = [p for b in inner for p in _as_paragraphs(b)]
        attribution: tuple[Inline, ...] = ()
        if len(paragraphs) >= 2:
            last = paragraphs[-1]
            first = last.children[0] if last.children else None
            if isinstance(first, Text) and (m := _ATTRIBUTION.match(first.text)):
                attribution = (Text(m.group(1)), *last.children[1:])
                paragraphs = paragraphs[:-1]
        return Quote(tuple(paragraphs), attribution)


#: Deepest nesting of block quotes and lists read; deeper input is a clear error rather
#: than a recursion crash in the parser.
_MAX_DEPTH = 100
_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:\s+|$)")


def _check_nesting(body: str, where: str, offset: int) -> None:
    """Refuse input nested deeper than :data:`_MAX_DEPTH` levels, naming the line."""
    for number, line in enumerate(body.split("\n"), start=1 + offset):
        indent = len(line) - len(line.lstrip(" "))
        rest = line.lstrip()
        depth = 0
        while rest:
            if rest.startswith(">"):
                rest = rest[1:].lstrip()
            elif m := _LIST_MARKER.match(rest):
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


def _inlines(
    tokens: Sequence[Token], images: list[tuple[str, str]], html_removed: set[str]
) -> tuple[Inline, ...]:
    """Inline tokens -> model inlines (nested emphasis, strong and links).

    Images are collected into ``images`` as ``(src, alt)``; their alt text stays inline.
    Raw HTML tags are dropped (what was dropped is added to ``html_removed``); the text of
    a ``<script>`` or ``<style>`` element goes with it.
    """
    stack: list[tuple[str, str | None, list[Inline]]] = [("root", None, [])]
    # One reader per paragraph: it knows whether the text between tags is in a script.
    html = _HtmlText()
    dropped = False  # something was dropped since the last text: "a <iframe></iframe> b"
    for token in tokens:
        kind = token.type
        current = stack[-1][2]
        if kind == "html_inline":
            html.feed(token.content)
            html_removed |= html.removed
            # A tag's text (an entity written in the HTML, say) is kept like any other.
            if text := "".join(html.parts):
                current.append(Text(text))
            html.parts.clear()
            dropped = not text
        elif html.skipping and kind in ("text", "code_inline", "softbreak", "hardbreak"):
            # Inside an inline <script> or <style>: its words go with it. Emphasis and
            # links still open and close, so the nesting stays whole.
            dropped = True
        elif kind == "text":
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
        elif kind == "image":
            alt = token.content or "".join(c.content for c in token.children or [])
            images.append((str(token.attrGet("src") or ""), alt))
            if alt:
                current.append(Text(alt))
        elif kind in ("em_open", "strong_open"):
            stack.append((kind, None, []))
        elif kind == "link_open":
            stack.append((kind, str(token.attrGet("href") or ""), []))
        elif kind in ("em_close", "strong_close", "link_close") and len(stack) > 1:
            opened, href, children = stack.pop()
            parent = stack[-1][2]
            if opened == "em_open":
                parent.append(Emphasis(tuple(children)))
            elif opened == "strong_open":
                parent.append(Strong(tuple(children)))
            else:
                parent.append(Link(href or "", tuple(children)))
    while len(stack) > 1:  # unclosed (cannot happen with markdown-it, but never lose text)
        _, _, children = stack.pop()
        stack[-1][2].extend(children)
    return tuple(_merge_text(stack[0][2]))


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
        case BulletList(items=items):
            return [Paragraph((Text("• "), *item)) for item in items]
        case OrderedList(items=items, start=start):
            return [Paragraph((Text(f"{start + i}. "), *item)) for i, item in enumerate(items)]
        case Figure(alt=alt):
            return [Paragraph((Text(alt),))] if alt else []
    return []


def _merge_text(inlines: list[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        else:
            out.append(node)
    return out
