"""EPUB 3 writer: one article as one XHTML content document, a nav document and an NCX.

A briefing pack (cover page, "In this pack" page, one content document per article, an
SVG cover image) is written by :mod:`briefconv.writers._epub_pack` with the helpers here.

The content document is generated here, as a string, straight from the model: ebooklib's
``EpubHtml`` re-parses content with ``lxml.html`` and silently "repairs" it (PITFALLS 5), so
the chapter is handed to ebooklib as an opaque :class:`ebooklib.epub.EpubItem` and written
byte for byte. ebooklib is used for what it does well: the OPF package, the nav document
and the NCX, both built from a table of contents of plain-text titles.

Every text fragment is escaped; links are live only for allow-listed schemes
(:func:`~briefconv.writers._links.safe_url`); the CSS (from the style's roles, see
:mod:`briefconv.writers._css`) sits beside the chapter so its relative link resolves
(PITFALLS 5, RSC-007). With ``[epub] embed_fonts = true`` the faces the text actually uses
(each role's family, in the weights and styles its runs need) are embedded as ``font/ttf``
items under ``fonts/`` with ``@font-face`` rules, so reading systems show the PDF's
typeface. Page size, margins and running header/footer mean nothing in a reflowable book;
the writer says so once at DEBUG level. Output is deterministic: a UUID5 identifier, dates from
:func:`~briefconv.writers._dates.document_datetime`, no generator meta, and a normalised zip
(PITFALLS 4).

Example::

    >>> from briefconv.model import Article, ArticleMeta
    >>> from briefconv.styles import load_style
    >>> data = EpubWriter().write(Article(ArticleMeta(title="Talks"), ()), load_style())
    >>> data[30:58]
    b'mimetypeapplication/epub+zip'
"""

from __future__ import annotations

import io
import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC
from html import escape
from itertools import groupby
from typing import Any, ClassVar, assert_never

from ebooklib import epub

from briefconv.model import (
    Article,
    Block,
    BulletList,
    Heading,
    Inline,
    OrderedList,
    Pack,
    Paragraph,
    Quote,
    plain_text,
)
from briefconv.pack import heading_id, single
from briefconv.styles import Role, Style
from briefconv.writers._css import FontFace, font_faces, stylesheet
from briefconv.writers._dates import document_datetime
from briefconv.writers._links import safe_url
from briefconv.writers._meta import ATTRIBUTION_DASH, byline
from briefconv.writers._runs import Run, flatten
from briefconv.writers._zip import normalize_zip

__all__ = ["EpubWriter"]

_log = logging.getLogger("briefconv")

# Chapter and stylesheet share one folder so the chapter's relative CSS link resolves
# (PITFALLS 5, RSC-007).
_CHAPTER = "article.xhtml"
_CSS = "style.css"

#: Namespace of the UUID5 identifiers of briefconv e-books (never uuid4: PITFALLS 4).
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "epub.briefconv.invalid")

# A well-formed BCP 47 tag, loosely: EPUBCheck rejects a malformed dc:language (OPF-092).
_LANG_TAG = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")

# Primary language subtags written right to left: the page turns and text runs the other way.
_RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})

_ACCESSIBILITY_SUMMARY = (
    "One news article as structured text: a title, headings, paragraphs, block quotations "
    "and lists in reading order, with a table of contents. No images, audio or video."
)

# Style keys a reflowable e-book cannot honour (said once per book at DEBUG): the reading
# system lays out its own pages, and an e-book has no running header or footer.
_NOT_EXPRESSIBLE = (
    "page.size",
    "page.margin_top",
    "page.margin_right",
    "page.margin_bottom",
    "page.margin_left",
    "roles.header",
    "roles.footer",
)

# Embedded TrueType fonts: "font/ttf" is the EPUB 3.3 core media type. EPUBCheck 5.3 accepts
# all three candidates without a warning, but says (USAGE OPF-090) "it is encouraged to use
# font/ttf instead of application/font-sfnt" and "font/otf instead of
# application/vnd.ms-opentype"; font/ttf draws no message at all.
_FONT_MEDIA_TYPE = "font/ttf"

# xml:lang in the Clark notation lxml (inside ebooklib) expects for attribute names.
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(slots=True)
class _TocNode:
    """One table-of-contents entry: a target in the chapter, its text, its sub-entries."""

    anchor: str
    title: str
    level: int
    children: list[_TocNode] = field(default_factory=list)


class EpubWriter:
    """Write an :class:`Article` as an EPUB 3 e-book that EPUBCheck accepts without a warning.

    Stateless between calls: everything a call needs lives in its locals.
    """

    name: ClassVar[str] = "epub"
    extension: ClassVar[str] = ".epub"
    media_type: ClassVar[str] = "application/epub+zip"
    description: ClassVar[str] = "EPUB 3 e-book (ebooklib)"

    def write(self, article: Article, style: Style) -> bytes:
        """Render ``article`` in ``style`` and return the bytes of the ``.epub`` file."""
        return self.write_pack(single(article), style)

    def write_pack(self, pack: Pack, style: Style) -> bytes:
        """Render ``pack`` in ``style`` and return the bytes of the ``.epub`` file.

        A pack without a cover (:func:`briefconv.pack.single`) is the one-article e-book;
        any other is a briefing pack with cover page, contents page and a chapter each.
        """
        if not pack.cover and len(pack.articles) == 1:
            return _write_article(pack.articles[0].article, style)
        # Imported here: the pack module builds on this one's helpers.
        from briefconv.writers._epub_pack import write_pack

        return write_pack(pack, style)


def _write_article(article: Article, style: Style) -> bytes:
    """The one-article e-book: one content document, its nav and NCX."""
    meta = article.meta
    when = document_datetime(article)
    language = _language(meta.language)
    direction = "rtl" if language.split("-")[0].lower() in _RTL_LANGUAGES else None
    title = _line(meta.title)
    if not title:
        # An empty title would leave an empty heading, an empty dc:title and a nav entry
        # without text (PITFALLS 5: "anchors in nav must contain text").
        _log.warning("article has no title: the e-book is titled 'Untitled'")
        title = "Untitled"

    anchors = _heading_anchors(article.blocks)
    chapter = _chapter_xhtml(article, title, language, direction, anchors)
    toc = _toc(title, article.blocks, anchors)

    book = epub.EpubBook()
    # ebooklib stamps its own version into a generator meta (PITFALLS 4): drop it.
    book.metadata.get(epub.NAMESPACES["OPF"], {}).pop("generator", None)
    identifier = uuid.uuid5(_ID_NAMESPACE, repr(meta) + repr(article.blocks))
    # Replaces the uuid4() identifier ebooklib's constructor sets; the NCX's dtb:uid
    # follows it.
    book.set_identifier(f"urn:uuid:{identifier}")
    book.set_title(title)
    book.set_language(language)
    if direction is not None:
        book.set_direction(direction)
    for index, author in enumerate(_line(a) for a in meta.authors):
        if author:
            # Each creator needs its own id: ebooklib's default "creator" would repeat.
            book.add_author(author, uid=f"creator{index + 1}")
    book.add_metadata("DC", "date", when.strftime("%Y-%m-%d"))
    if source := _line(meta.source):
        book.add_metadata("DC", "publisher", source)
    if url := _line(meta.url):
        book.add_metadata("DC", "source", url)
    _add_accessibility_metadata(book)

    _log.debug(
        "epub: a reflowable e-book has no pages, so the reading system decides %s",
        ", ".join(_NOT_EXPRESSIBLE),
    )
    faces: list[FontFace] = []
    if style.epub.get("embed_fonts") is True:
        faces = font_faces(style, _text_faces(article, style, anchors))
    css = epub.EpubItem(
        uid="css",
        file_name=_CSS,
        media_type="text/css",
        content=stylesheet(style, faces).encode(),
    )
    # A plain EpubItem, not EpubHtml: ebooklib writes it as given, never re-parsed.
    doc = epub.EpubItem(
        uid="article",
        file_name=_CHAPTER,
        media_type="application/xhtml+xml",
        content=chapter.encode("utf-8"),
    )
    nav = epub.EpubNav(uid="nav", file_name="nav.xhtml", direction=direction)
    for item in (doc, css, nav, epub.EpubNcx(uid="ncx", file_name="toc.ncx")):
        book.add_item(item)
    for face in faces:
        book.add_item(
            epub.EpubItem(
                uid="font-" + face.href.rpartition("/")[2].removesuffix(".ttf"),
                file_name=face.href,  # beside the CSS, so its relative url() resolves
                media_type=_FONT_MEDIA_TYPE,
                content=face.source.read_bytes(),
            )
        )
    # Only the article is in the spine: no cover page, so nothing non-linear that must
    # be reachable (PITFALLS 5, OPF-096); the nav is reachable from the reading system.
    book.spine = [doc]
    book.toc = [_ebooklib_toc(toc)]

    buffer = io.BytesIO()
    options: dict[str, Any] = {
        # dcterms:modified from the article, never now() (PITFALLS 4); ebooklib wants a
        # naive datetime in UTC.
        "mtime": when.astimezone(UTC).replace(tzinfo=None),
        "raise_exceptions": True,
        "epub2_guide": False,
        "epub3_landmark": False,
        "epub3_pages": False,
    }
    epub.write_epub(buffer, book, options)
    return normalize_zip(buffer.getvalue(), when, first=("mimetype",))


def _line(text: str | None) -> str:
    """Collapse a metadata string to one line (``""`` for ``None``).

    Titles and names go into the package, the nav and the NCX, where a line break from the
    source would only be noise.
    """
    return " ".join(text.split()) if text else ""


def _language(tag: str) -> str:
    """Return the language tag, or ``und`` (undetermined) when it is not well formed."""
    tag = tag.strip()
    if _LANG_TAG.match(tag):
        return tag
    _log.warning("language %r is not a BCP 47 tag: the e-book's language is 'und'", tag)
    return "und"


def _add_accessibility_metadata(book: Any, summary: str = _ACCESSIBILITY_SUMMARY) -> None:
    """Add the schema.org accessibility metadata EPUB Accessibility 1.1 asks for."""
    entries = [
        ("schema:accessMode", "textual"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityHazard", "none"),
    ]
    for prop, value in entries:
        book.add_metadata(None, "meta", value, {"property": prop})
    # The summary is English whatever the article's language: say so.
    book.add_metadata(
        None,
        "meta",
        summary,
        {"property": "schema:accessibilitySummary", _XML_LANG: "en"},
    )


def _text_faces(
    article: Article, style: Style, anchors: dict[int, str], extra: tuple[str, ...] = ()
) -> list[tuple[Role, bool, bool]]:
    """(role, bold, italic) of every run of text the content document shows.

    Mirrors :func:`_chapter_xhtml`, so only faces that are really drawn get embedded;
    ``extra`` are the byline's added parts (a pack's reading time).
    """
    meta = article.meta
    uses: list[tuple[Role, bool, bool]] = [(style.role("title"), False, False)]

    def add(role: str, inlines: tuple[Inline, ...]) -> None:
        uses.extend((style.role(role), run.bold, run.italic) for run in flatten(inlines))

    if _line(meta.subtitle):
        uses.append((style.role("subtitle"), False, False))
    add("byline", byline(meta, extra=extra))
    for index, block in enumerate(article.blocks):
        match block:
            case Heading(level=level, children=children):
                if index in anchors:
                    add(f"heading{min(level, 3)}", children)
            case Paragraph(children=children):
                add("body", children)
            case Quote(paragraphs=paragraphs, attribution=attribution):
                for quoted in paragraphs:
                    add("quote", quoted.children)
                if plain_text(attribution).strip():
                    uses.append((style.role("quote_attribution"), False, False))  # the dash
                    add("quote_attribution", attribution)
            case BulletList(items=items) | OrderedList(items=items):
                for item in items:
                    add("list", item)
            case _:
                assert_never(block)
    return uses


def _heading_anchors(blocks: tuple[Block, ...], entry_id: str | None = None) -> dict[int, str]:
    """Give every heading that has text an id, keyed by its index in ``blocks``.

    In a pack (``entry_id`` given) the id is :func:`~briefconv.pack.heading_id`, unique
    across the pack and the same as the PDF's and DOCX's bookmarks; alone, ``sec1``, ``sec2``...
    """
    anchors: dict[int, str] = {}
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            if plain_text(block.children).strip():
                anchors[index] = (
                    heading_id(entry_id, index) if entry_id else f"sec{len(anchors) + 1}"
                )
            else:
                # An empty heading says nothing and would give the nav an entry without
                # text, which is invalid (PITFALLS 5).
                where = f"{entry_id}: " if entry_id else ""
                _log.warning("%sblock %d: heading without text left out", where, index + 1)
    return anchors


def _toc(
    title: str, blocks: tuple[Block, ...], anchors: dict[int, str], title_anchor: str = "title"
) -> _TocNode:
    """Nest the headings under the title by level (a skipped level nests one step)."""
    root = _TocNode(title_anchor, title, 0)
    stack = [root]
    for index, anchor in anchors.items():
        heading = blocks[index]
        assert isinstance(heading, Heading)
        while stack[-1].level >= heading.level:
            stack.pop()
        node = _TocNode(anchor, " ".join(plain_text(heading.children).split()), heading.level)
        stack[-1].children.append(node)
        stack.append(node)
    return root


def _ebooklib_toc(node: _TocNode, file_name: str = _CHAPTER, *, top: bool = False) -> Any:
    """Convert a TOC entry to ebooklib's shape: a ``Link``, or ``(Link, [children])``.

    With ``top`` the entry links to the start of ``file_name`` (a pack's chapter, whose
    classification marking comes before the title), not to the node's anchor.
    """
    href = file_name if top else f"{file_name}#{node.anchor}"
    link = epub.Link(href, node.title, f"toc-{node.anchor}")
    if not node.children:
        # A tuple with no children would give the nav an empty <ol>, which is invalid.
        return link
    return (link, [_ebooklib_toc(child, file_name) for child in node.children])


def _chapter_xhtml(
    article: Article,
    title: str,
    language: str,
    direction: str | None,
    anchors: dict[int, str],
) -> str:
    """Generate the complete XHTML content document for ``article``."""
    meta = article.meta
    lang = escape(language)
    dir_attr = f' dir="{direction}"' if direction else ""
    header = [f'<h1 id="title" class="title">{escape(title)}</h1>']
    if subtitle := _line(meta.subtitle):
        header.append(f'<p class="subtitle">{escape(subtitle)}</p>')
    if parts := byline(meta):
        header.append(f'<p class="byline">{_inlines(parts)}</p>')
    body = [_block(block, anchors.get(index)) for index, block in enumerate(article.blocks)]
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<!DOCTYPE html>\n"
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        f' lang="{lang}" xml:lang="{lang}"{dir_attr}>\n'
        "<head>\n"
        '<meta charset="utf-8"/>\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" type="text/css" href="{_CSS}"/>\n'
        "</head>\n"
        "<body>\n"
        '<section epub:type="bodymatter chapter" aria-labelledby="title">\n'
        "<header>\n"
        + "\n".join(header)
        + "\n</header>\n"
        # Never an empty document (PITFALLS 5): the title heading is always there.
        + "".join(part + "\n" for part in body if part)
        + "</section>\n</body>\n</html>\n"
    )


def _block(block: Block, anchor: str | None) -> str:
    """One block as XHTML; the article's heading level n becomes ``h{n+1}`` (h1 is the title)."""
    match block:
        case Heading(level=level, children=children):
            if anchor is None:  # no text: see _heading_anchors
                return ""
            tag = f"h{min(level + 1, 6)}"
            return f'<{tag} id="{anchor}">{_inlines(children)}</{tag}>'
        case Paragraph(children=children):
            return f"<p>{_inlines(children)}</p>"
        case Quote(paragraphs=paragraphs, attribution=attribution):
            parts = [f"<p>{_inlines(p.children)}</p>" for p in paragraphs]
            if plain_text(attribution).strip():
                parts.append(
                    f'<p class="attribution">{ATTRIBUTION_DASH}{_inlines(attribution)}</p>'
                )
            return "<blockquote>\n" + "\n".join(parts) + "\n</blockquote>"
        case BulletList(items=items):
            return _list("ul", items, "")
        case OrderedList(items=items, start=start):
            return _list("ol", items, f' start="{start}"' if start != 1 else "")
        case _:
            assert_never(block)


def _list(tag: str, items: tuple[tuple[Inline, ...], ...], attrs: str) -> str:
    """Render a list; an empty one is left out (it has nothing to show)."""
    if not items:
        _log.debug("empty list left out of the e-book")
        return ""
    lis = "".join(f"<li>{_inlines(item)}</li>\n" for item in items)
    return f"<{tag}{attrs}>\n{lis}</{tag}>"


def _inlines(inlines: tuple[Inline, ...]) -> str:
    """Inline content as escaped XHTML; neighbouring runs with one URL share one ``<a>``."""
    out: list[str] = []
    for url, group in groupby(flatten(inlines), key=lambda run: run.url):
        inner = "".join(_run(run) for run in group)
        if url is None:
            out.append(inner)
            continue
        href = safe_url(url)
        if href is None:
            # javascript:, file:, data: ... never become live links (PITFALLS 1 and 5).
            _log.warning("link to %r is not http(s) or mailto: rendered as plain text", url)
            out.append(inner)
        else:
            # Percent-encoded, so spaces and <> cannot make an invalid URL (RSC-020).
            out.append(f'<a href="{escape(href)}">{inner}</a>')
    return "".join(out)


def _run(run: Run) -> str:
    """One styled run: escaped text in ``<em>`` and/or ``<strong>``."""
    text = escape(run.text)
    if run.italic:
        text = f"<em>{text}</em>"
    if run.bold:
        text = f"<strong>{text}</strong>"
    return text
