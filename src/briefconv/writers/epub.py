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

import hashlib
import io
import logging
import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC
from html import escape
from itertools import groupby
from pathlib import Path
from typing import Any, ClassVar, assert_never

from ebooklib import epub

from briefconv.model import (
    Article,
    Block,
    BulletList,
    Figure,
    Heading,
    Inline,
    OrderedList,
    Pack,
    Paragraph,
    Quote,
    ThematicBreak,
    plain_text,
)
from briefconv.pack import handout, heading_id
from briefconv.styles import Role, Style
from briefconv.wording import ATTRIBUTION_DASH, byline
from briefconv.writers._css import FontFace, font_faces, stylesheet
from briefconv.writers._dates import document_datetime
from briefconv.writers._links import safe_url
from briefconv.writers._runs import Run, flatten
from briefconv.writers._zip import normalize_zip
from briefconv.writers.options import EpubOptions

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

_NO_IMAGES = "No images, audio or video."
_ACCESSIBILITY_SUMMARY = (
    "One news article as structured text: a title, headings, paragraphs, block quotations "
    "and lists in reading order, with a table of contents. " + _NO_IMAGES
)


def _images_sentence(images: _Images) -> str:
    """The summary's words on the pictures a book shows (only called when it shows some)."""
    if not images.undescribed:
        return "Every image has a text description. No audio or video."
    if not images.described:
        return "Its images are decorative, without text descriptions. No audio or video."
    return "Images have text descriptions, except decorative ones. No audio or video."


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


#: Folder of the book's images, beside the content documents (relative ``src`` resolves).
_IMAGE_DIR = "images"


@dataclass(frozen=True, slots=True)
class _Image:
    """One image file of the book: where it lives in the EPUB, its media type and bytes."""

    href: str  # e.g. "images/3f2a9c0d1b4e5f60.png", named by a hash of the bytes
    media_type: str
    data: bytes


@dataclass(slots=True)
class _Images:
    """The images a book shows, each file once, collected while its documents are written.

    Keyed by the reader-checked path, so a file is read (and a broken one reported) once
    per book; two paths with the same bytes share one manifest item.
    """

    by_path: dict[str, _Image | None] = field(default_factory=dict)
    #: Whether any shown image has alt text / lacks it (for the accessibility metadata).
    described: bool = False
    undescribed: bool = False

    def get(self, path: str) -> _Image | None:
        """The image at ``path``, or ``None`` (warned once) when it cannot be shown."""
        if path not in self.by_path:
            self.by_path[path] = _load_image(path)
        return self.by_path[path]

    def items(self) -> list[_Image]:
        """Every image shown, once each, in a fixed order (by href)."""
        unique = {image.href: image for image in self.by_path.values() if image is not None}
        return [unique[href] for href in sorted(unique)]


def _load_image(path: str) -> _Image | None:
    """Read and check an image file; ``None`` with a warning when it is unusable."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        _log.warning("image %s cannot be read (%s): its alt text is shown instead", path, exc)
        return None
    kind = _image_kind(data)
    if kind is None:
        _log.warning("image %s is not a readable PNG or JPEG: its alt text is shown instead", path)
        return None
    extension, media_type = kind
    digest = hashlib.sha256(data).hexdigest()[:16]
    return _Image(f"{_IMAGE_DIR}/{digest}.{extension}", media_type, data)


def _image_kind(data: bytes) -> tuple[str, str] | None:
    """``(extension, media type)`` of a structurally sound PNG or JPEG, else ``None``.

    Checks more than the signature (a PNG's IHDR chunk, a JPEG's frame header), so that a
    truncated or mislabelled file is reported instead of being declared wrongly (OPF-029)
    or shown broken.
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(data) >= 33 and data[12:16] == b"IHDR":
            return "png", "image/png"
        return None
    if data.startswith(b"\xff\xd8"):
        pos = 2
        while pos + 4 <= len(data) and data[pos] == 0xFF:
            marker = data[pos + 1]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                return "jpg", "image/jpeg"  # a start-of-frame header: the image's size
            if marker == 0xFF:  # fill byte
                pos += 1
                continue
            pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return None


def _collect_images(blocks: tuple[Block, ...], images: _Images) -> None:
    """Load every figure of ``blocks`` now, so metadata can be decided before writing."""
    for block in blocks:
        if isinstance(block, Figure) and block.path and images.get(block.path) is not None:
            if block.alt.strip():
                images.described = True
            else:
                images.undescribed = True


def _identity(blocks: tuple[Block, ...], images: _Images) -> str:
    """``repr(blocks)`` with each figure's path replaced by its image's content name.

    The identifier then depends on what the book shows, not on where the input lived on
    disk; without figures this is exactly ``repr(blocks)``.
    """
    if not any(isinstance(block, Figure) for block in blocks):
        return repr(blocks)
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Figure) and block.path is not None:
            image = images.get(block.path)
            block = replace(block, path=image.href if image else None)
        out.append(block)
    return repr(tuple(out))


def _image_items(images: _Images) -> list[Any]:
    """The manifest items of the book's images."""
    return [
        epub.EpubItem(
            uid="img-" + image.href.rpartition("/")[2].partition(".")[0],
            file_name=image.href,
            media_type=image.media_type,
            content=image.data,
        )
        for image in images.items()
    ]


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
        return self.write_pack(handout(article), style)

    def write_pack(self, pack: Pack, style: Style) -> bytes:
        """Render ``pack`` in ``style`` and return the bytes of the ``.epub`` file.

        A pack whose layout makes the article title the document title
        (:func:`briefconv.pack.handout`) is the one-article e-book;
        any other is a briefing pack with cover page, contents page and a chapter each.
        """
        if pack.layout.title_role == "title":
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
    images = _Images()
    _collect_images(article.blocks, images)
    chapter = _chapter_xhtml(article, title, language, direction, anchors, images)
    toc = _toc(title, article.blocks, anchors)

    book = epub.EpubBook()
    # ebooklib stamps its own version into a generator meta (PITFALLS 4): drop it.
    book.metadata.get(epub.NAMESPACES["OPF"], {}).pop("generator", None)
    identifier = uuid.uuid5(_ID_NAMESPACE, repr(meta) + _identity(article.blocks, images))
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
    _add_accessibility_metadata(book, images=images)

    _log.debug(
        "epub: a reflowable e-book has no pages, so the reading system decides %s",
        ", ".join(_NOT_EXPRESSIBLE),
    )
    faces: list[FontFace] = []
    if EpubOptions.of(style).embed_fonts:
        faces = font_faces(style, _text_faces(article, style, anchors, images=images))
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
    for item in _image_items(images):
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
    # Landmarks in the nav (and the EPUB 2 guide): where the text starts, for reading
    # systems' "go to beginning" and for assistive technology.
    book.guide = [{"href": _CHAPTER, "title": title, "type": "text"}]

    buffer = io.BytesIO()
    options: dict[str, Any] = {
        # dcterms:modified from the article, never now() (PITFALLS 4); ebooklib wants a
        # naive datetime in UTC.
        "mtime": when.astimezone(UTC).replace(tzinfo=None),
        "raise_exceptions": True,
        "epub2_guide": True,
        "epub3_landmark": True,
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


def _add_accessibility_metadata(
    book: Any, summary: str = _ACCESSIBILITY_SUMMARY, *, images: _Images | None = None
) -> None:
    """Add the schema.org accessibility metadata EPUB Accessibility 1.1 asks for.

    With ``images`` (loaded by :func:`_collect_images`) that show pictures, the book is
    also visual; text suffices alone only when every picture has alt text, which makes
    ``alternativeText`` a feature; the summary then speaks of images too.
    """
    shown = images is not None and (images.described or images.undescribed)
    entries = [("schema:accessMode", "textual")]
    if shown:
        entries.append(("schema:accessMode", "visual"))
    if images is None or not images.undescribed:
        entries.append(("schema:accessModeSufficient", "textual"))
    if shown:
        entries.append(("schema:accessModeSufficient", "textual,visual"))
    entries += [
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
    ]
    if images is not None and images.described:
        entries.append(("schema:accessibilityFeature", "alternativeText"))
    entries.append(("schema:accessibilityHazard", "none"))
    if images is not None and shown:
        for tail in (_NO_IMAGES, "No audio or video."):
            summary = summary.removesuffix(tail)
        summary = summary.rstrip() + " " + _images_sentence(images)
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
    article: Article,
    style: Style,
    anchors: dict[int, str],
    extra: tuple[str, ...] = (),
    images: _Images | None = None,
) -> list[tuple[Role, bool, bool]]:
    """(role, bold, italic) of every run of text the content document shows.

    Mirrors :func:`_chapter_xhtml`, so only faces that are really drawn get embedded;
    ``extra`` are the byline's added parts (a pack's reading time).
    """
    meta = article.meta
    uses: list[tuple[Role, bool, bool]] = [(style.role("title"), False, False)]

    def add(role: str, inlines: tuple[Inline, ...]) -> None:
        base = style.role(role)
        for run in flatten(inlines):
            if run.line_break:
                continue
            # Inline code keeps the role's weight and slant but is set in the mono family.
            uses.append((replace(base, font="mono") if run.code else base, run.bold, run.italic))

    def add_list(block: BulletList | OrderedList) -> None:
        for item in block.items:
            add("list", item)
        for _index, sublist in block.sublists:
            add_list(sublist)

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
            case BulletList() | OrderedList():
                add_list(block)
            case ThematicBreak():
                pass
            case Figure(path=path):
                # A shown image's alt text is an attribute that no face draws; one that
                # cannot be shown becomes "[Image: alt]" in italic body text.
                if path is None or images is None or images.get(path) is None:
                    uses.append((style.role("body"), False, True))
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
    images: _Images,
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
    body = [_block(block, anchors.get(index), images) for index, block in enumerate(article.blocks)]
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


def _block(block: Block, anchor: str | None, images: _Images) -> str:
    """One block as XHTML; the article's heading level n becomes ``h{n+1}`` (h1 is the title).

    A figure's image is taken from ``images`` (which then puts it in the manifest).
    """
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
        case BulletList() | OrderedList():
            return _list(block)
        case ThematicBreak():
            return "<hr/>"
        case Figure(alt=alt, path=path):
            alt = " ".join(alt.split())
            image = images.get(path) if path is not None else None
            if image is None:
                # Remote or refused (the reader said so), or unreadable (said above).
                text = f"[Image: {alt}]" if alt else "[Image]"
                return f'<p class="image-missing"><em>{escape(text)}</em></p>'
            # alt is always there; empty marks a decorative image.
            return f'<figure><img src="{image.href}" alt="{escape(alt)}"/></figure>'
        case _:
            assert_never(block)


def _list(block: BulletList | OrderedList) -> str:
    """Render a list, its nested lists inside their items' ``<li>``.

    An empty list is left out (it has nothing to show); a nested list under an item that
    does not exist goes under the last item, with a warning.
    """
    items = block.items
    if not items:
        if block.sublists:
            _log.warning("list without items: its nested lists are shown on their own")
            return "\n".join(filter(None, (_list(sub) for _i, sub in block.sublists)))
        _log.debug("empty list left out of the e-book")
        return ""
    nested: dict[int, list[str]] = {}
    for index, sublist in block.sublists:
        if not 0 <= index < len(items):
            _log.warning(
                "nested list under item %d of %d: put under the last item", index + 1, len(items)
            )
            index = len(items) - 1
        if html := _list(sublist):
            nested.setdefault(index, []).append(html)
    lis = "".join(
        f"<li>{_inlines(item)}</li>\n"
        if index not in nested
        else f"<li>{_inlines(item)}\n" + "\n".join(nested[index]) + "\n</li>\n"
        for index, item in enumerate(items)
    )
    if isinstance(block, BulletList):
        return f"<ul>\n{lis}</ul>"
    start = f' start="{block.start}"' if block.start != 1 else ""
    return f"<ol{start}>\n{lis}</ol>"


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
    """One styled run: escaped text in ``<em>`` and/or ``<strong>``.

    Inline code is ``<code>`` (set in the style's mono family by the stylesheet); a hard
    line break is ``<br/>``.
    """
    if run.line_break:
        return "<br/>"
    text = escape(run.text)
    if run.code:
        text = f"<code>{text}</code>"
    if run.italic:
        text = f"<em>{text}</em>"
    if run.bold:
        text = f"<strong>{text}</strong>"
    return text
