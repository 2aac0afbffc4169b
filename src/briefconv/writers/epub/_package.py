"""The EPUB package: the one-article book's assembly and the parts every book shares.

ebooklib builds the OPF package, the nav document and the NCX, both from a table of
contents of plain-text titles; the content documents are generated as strings
(:mod:`briefconv.writers._xhtml`) and handed over as opaque items (PITFALLS 5). Shared by the
briefing pack (:mod:`briefconv.writers.epub._layout`): the stylesheet's name, the identifier
namespace, the accessibility metadata, the faces to embed, the table of contents and the
image items.
"""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC
from html import escape
from typing import Any, assert_never

from ebooklib import epub

from briefconv.model import (
    Article,
    Block,
    BulletList,
    Figure,
    Heading,
    Inline,
    OrderedList,
    Paragraph,
    Quote,
    ThematicBreak,
    plain_text,
)
from briefconv.styles import Role, Style
from briefconv.wording import byline
from briefconv.writers import _xhtml
from briefconv.writers._css import FontFace, font_faces, stylesheet
from briefconv.writers._dates import document_datetime
from briefconv.writers._runs import flatten
from briefconv.writers._zip import normalize_zip

__all__ = [
    "CSS",
    "FONT_MEDIA_TYPE",
    "ID_NAMESPACE",
    "NOT_EXPRESSIBLE",
    "TocNode",
    "add_accessibility_metadata",
    "ebooklib_toc",
    "identity",
    "image_items",
    "text_faces",
    "toc_tree",
    "write_article",
]

_log = logging.getLogger("briefconv")

# Chapter and stylesheet share one folder so the chapter's relative CSS link resolves
# (PITFALLS 5, RSC-007).
_CHAPTER = "article.xhtml"
CSS = "style.css"

#: Namespace of the UUID5 identifiers of briefconv e-books (never uuid4: PITFALLS 4).
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "epub.briefconv.invalid")


_NO_IMAGES = "No images, audio or video."
_ACCESSIBILITY_SUMMARY = (
    "One news article as structured text: a title, headings, paragraphs, block quotations "
    "and lists in reading order, with a table of contents. " + _NO_IMAGES
)


def _images_sentence(images: _xhtml.Images) -> str:
    """The summary's words on the pictures a book shows (only called when it shows some)."""
    if not images.undescribed:
        return "Every image has a text description. No audio or video."
    if not images.described:
        return "Its images are decorative, without text descriptions. No audio or video."
    return "Images have text descriptions, except decorative ones. No audio or video."


# Style keys a reflowable e-book cannot honour (said once per book at DEBUG): the reading
# system lays out its own pages, and an e-book has no running header or footer.
NOT_EXPRESSIBLE = (
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
FONT_MEDIA_TYPE = "font/ttf"

# xml:lang in the Clark notation lxml (inside ebooklib) expects for attribute names.
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(slots=True)
class TocNode:
    """One table-of-contents entry: a target in the chapter, its text, its sub-entries."""

    anchor: str
    title: str
    level: int
    children: list[TocNode] = field(default_factory=list)


def identity(blocks: tuple[Block, ...], images: _xhtml.Images) -> str:
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


def image_items(images: _xhtml.Images) -> list[Any]:
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


def write_article(article: Article, style: Style) -> bytes:
    """The one-article e-book: one content document, its nav and NCX."""
    meta = article.meta
    when = document_datetime(article)
    language = _xhtml.language(meta.language)
    direction = "rtl" if language.split("-")[0].lower() in _xhtml.RTL_LANGUAGES else None
    title = _xhtml.line(meta.title)
    if not title:
        # An empty title would leave an empty heading, an empty dc:title and a nav entry
        # without text (PITFALLS 5: "anchors in nav must contain text").
        _log.warning("article has no title: the e-book is titled 'Untitled'")
        title = "Untitled"

    anchors = _xhtml.heading_anchors(article.blocks)
    images = _xhtml.Images()
    _xhtml.collect_images(article.blocks, images)
    chapter = _chapter_xhtml(article, title, language, direction, anchors, images)
    toc = toc_tree(title, article.blocks, anchors)

    book = epub.EpubBook()
    # ebooklib stamps its own version into a generator meta (PITFALLS 4): drop it.
    book.metadata.get(epub.NAMESPACES["OPF"], {}).pop("generator", None)
    identifier = uuid.uuid5(ID_NAMESPACE, repr(meta) + identity(article.blocks, images))
    # Replaces the uuid4() identifier ebooklib's constructor sets; the NCX's dtb:uid
    # follows it.
    book.set_identifier(f"urn:uuid:{identifier}")
    book.set_title(title)
    book.set_language(language)
    if direction is not None:
        book.set_direction(direction)
    for index, author in enumerate(_xhtml.line(a) for a in meta.authors):
        if author:
            # Each creator needs its own id: ebooklib's default "creator" would repeat.
            book.add_author(author, uid=f"creator{index + 1}")
    book.add_metadata("DC", "date", when.strftime("%Y-%m-%d"))
    if source := _xhtml.line(meta.source):
        book.add_metadata("DC", "publisher", source)
    if url := _xhtml.line(meta.url):
        book.add_metadata("DC", "source", url)
    add_accessibility_metadata(book, images=images)

    _log.debug(
        "epub: a reflowable e-book has no pages, so the reading system decides %s",
        ", ".join(NOT_EXPRESSIBLE),
    )
    faces: list[FontFace] = []
    if style.epub.get("embed_fonts") is True:
        faces = font_faces(style, text_faces(article, style, anchors, images=images))
    css = epub.EpubItem(
        uid="css",
        file_name=CSS,
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
    for item in image_items(images):
        book.add_item(item)
    for face in faces:
        book.add_item(
            epub.EpubItem(
                uid="font-" + face.href.rpartition("/")[2].removesuffix(".ttf"),
                file_name=face.href,  # beside the CSS, so its relative url() resolves
                media_type=FONT_MEDIA_TYPE,
                content=face.source.read_bytes(),
            )
        )
    # Only the article is in the spine: no cover page, so nothing non-linear that must
    # be reachable (PITFALLS 5, OPF-096); the nav is reachable from the reading system.
    book.spine = [doc]
    book.toc = [ebooklib_toc(toc)]
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


def add_accessibility_metadata(
    book: Any, summary: str = _ACCESSIBILITY_SUMMARY, *, images: _xhtml.Images | None = None
) -> None:
    """Add the schema.org accessibility metadata EPUB Accessibility 1.1 asks for.

    With ``images`` (loaded by :func:`_xhtml.collect_images`) that show pictures, the book is
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


def text_faces(
    article: Article,
    style: Style,
    anchors: dict[int, str],
    extra: tuple[str, ...] = (),
    images: _xhtml.Images | None = None,
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

    if _xhtml.line(meta.subtitle):
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


def toc_tree(
    title: str, blocks: tuple[Block, ...], anchors: dict[int, str], title_anchor: str = "title"
) -> TocNode:
    """Nest the headings under the title by level (a skipped level nests one step)."""
    root = TocNode(title_anchor, title, 0)
    stack = [root]
    for index, anchor in anchors.items():
        heading = blocks[index]
        assert isinstance(heading, Heading)
        while stack[-1].level >= heading.level:
            stack.pop()
        node = TocNode(anchor, " ".join(plain_text(heading.children).split()), heading.level)
        stack[-1].children.append(node)
        stack.append(node)
    return root


def ebooklib_toc(node: TocNode, file_name: str = _CHAPTER, *, top: bool = False) -> Any:
    """Convert a TOC entry to ebooklib's shape: a ``Link``, or ``(Link, [children])``.

    With ``top`` the entry links to the start of ``file_name`` (a pack's chapter, whose
    classification marking comes before the title), not to the node's anchor.
    """
    href = file_name if top else f"{file_name}#{node.anchor}"
    link = epub.Link(href, node.title, f"toc-{node.anchor}")
    if not node.children:
        # A tuple with no children would give the nav an empty <ol>, which is invalid.
        return link
    return (link, [ebooklib_toc(child, file_name) for child in node.children])


def _chapter_xhtml(
    article: Article,
    title: str,
    language: str,
    direction: str | None,
    anchors: dict[int, str],
    images: _xhtml.Images,
) -> str:
    """Generate the complete XHTML content document for ``article``."""
    meta = article.meta
    lang = escape(language)
    dir_attr = f' dir="{direction}"' if direction else ""
    header = [f'<h1 id="title" class="title">{escape(title)}</h1>']
    if subtitle := _xhtml.line(meta.subtitle):
        header.append(f'<p class="subtitle">{escape(subtitle)}</p>')
    if parts := byline(meta):
        header.append(f'<p class="byline">{_xhtml.inlines(parts)}</p>')
    body = [
        _xhtml.block(block, anchors.get(index), images)
        for index, block in enumerate(article.blocks)
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<!DOCTYPE html>\n"
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        f' lang="{lang}" xml:lang="{lang}"{dir_attr}>\n'
        "<head>\n"
        '<meta charset="utf-8"/>\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" type="text/css" href="{CSS}"/>\n'
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
