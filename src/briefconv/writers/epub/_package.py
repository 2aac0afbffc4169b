"""The EPUB package: the parts of a book that are not page content, for any layout.

ebooklib builds the OPF package, the nav document and the NCX, both from a table of
contents of plain-text titles; the content documents are generated as strings
(:mod:`briefconv.writers._xhtml`) and handed over as opaque items that it writes byte for
byte (PITFALLS 5). Here: the book with its identity (UUID5, never uuid4: PITFALLS 4),
title and language, the accessibility metadata, the table of contents, the items for
documents, images and fonts, and the final write with fixed dates and a normalised zip.
What the book contains is decided by :mod:`briefconv.writers.epub._layout`.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from ebooklib import epub

from briefconv._records import record_methods
from briefconv.model import Block, Figure, Heading, Layout, plain_text
from briefconv.wording import one_line
from briefconv.writers import _xhtml
from briefconv.writers._css import FontFace
from briefconv.writers._zip import normalize_zip

__all__ = [
    "CSS",
    "IMAGE_DIR",
    "NOT_EXPRESSIBLE",
    "TocNode",
    "accessibility_summary",
    "add_accessibility_metadata",
    "document_item",
    "ebooklib_toc",
    "finish",
    "font_items",
    "identity",
    "image_items",
    "new_book",
    "toc_tree",
]

# Content documents and stylesheet share one folder so a document's relative CSS link
# resolves (PITFALLS 5, RSC-007).
CSS = "style.css"

#: Folder of the book's images, beside the content documents (relative ``src`` resolves).
IMAGE_DIR = "images"

#: Namespace of the UUID5 identifiers of briefconv e-books (never uuid4: PITFALLS 4).
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "epub.briefconv.invalid")

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
_FONT_MEDIA_TYPE = "font/ttf"

# xml:lang in the Clark notation lxml (inside ebooklib) expects for attribute names.
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


_NO_IMAGES = "No images, audio or video."
_ARTICLE = (
    "One news article as structured text: a title, headings, paragraphs, block quotations "
    "and lists in reading order, with a table of contents."
)
_ARTICLES = (
    "each article with its title, headings, paragraphs, block quotations and lists in "
    "reading order; a table of contents nests each article's headings under its title."
)


def _constructs_sentence(constructs: _xhtml.Constructs, *, handout: bool) -> str:
    """The summary's sentence on tables, code blocks and footnotes ("" without any).

    Each is said with what makes it usable without sight: a table's header row, code's
    every character, a note's links both ways.
    """
    where = "the article" if handout else "each article"
    clauses = [
        clause
        for clause, shown in (
            ("tables have a header row of column headings", constructs.tables),
            ("code blocks are preformatted text, every character kept", constructs.code),
            (
                f"numbered footnote marks link to the notes at the end of {where}, "
                "and each note links back to its mark",
                constructs.notes,
            ),
        )
        if shown
    ]
    if not clauses:
        return ""
    sentence = "; ".join(clauses)
    return " " + sentence[0].upper() + sentence[1:] + "."


def accessibility_summary(layout: Layout, constructs: _xhtml.Constructs | None = None) -> str:
    """The accessibility summary of a book with ``layout``'s parts (English, as tagged).

    A handout is one article; a pack names the pages it has before its articles. With
    ``constructs`` (:meth:`~briefconv.writers._xhtml.Constructs.of` the book's documents)
    it says how the book's tables, code blocks and footnotes are marked up.
    """
    constructs = constructs or _xhtml.Constructs()
    if layout.title_role == "title":
        return f"{_ARTICLE}{_constructs_sentence(constructs, handout=True)} {_NO_IMAGES}"
    pages = [
        page
        for page, shown in (
            ("a cover page", layout.cover),
            ("a contents page linking to each article", layout.contents),
        )
        if shown
    ]
    summary = "A briefing pack of news articles as structured text: " + ", ".join(
        [*pages, f"then {_ARTICLES}" if pages else _ARTICLES]
    )
    summary += _constructs_sentence(constructs, handout=False)
    if layout.cover:
        return summary + " The cover image repeats the cover page's text. No audio or video."
    return f"{summary} {_NO_IMAGES}"


def _images_sentence(images: _xhtml.Images) -> str:
    """The summary's words on the pictures a book shows (only called when it shows some)."""
    if not images.undescribed:
        return "Every image has a text description. No audio or video."
    if not images.described:
        return "Its images are decorative, without text descriptions. No audio or video."
    return "Images have text descriptions, except decorative ones. No audio or video."


def add_accessibility_metadata(book: Any, summary: str, *, images: _xhtml.Images) -> None:
    """Add the schema.org accessibility metadata EPUB Accessibility 1.1 asks for.

    With ``images`` (loaded by :meth:`~briefconv.writers._xhtml.Images.collect`) that show
    pictures, the book is also visual; text suffices alone only when every picture has alt
    text, which makes ``alternativeText`` a feature; the summary then speaks of images too.
    """
    shown = images.described or images.undescribed
    entries = [("schema:accessMode", "textual")]
    if shown:
        entries.append(("schema:accessMode", "visual"))
    if not images.undescribed:
        entries.append(("schema:accessModeSufficient", "textual"))
    if shown:
        entries.append(("schema:accessModeSufficient", "textual,visual"))
    entries += [
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        # Every content document has DPUB-ARIA roles (doc-chapter, and doc-endnotes,
        # doc-footnote, doc-noteref with notes) and the nav doc-toc: the vocabulary's ARIA.
        ("schema:accessibilityFeature", "ARIA"),
    ]
    if images.described:
        entries.append(("schema:accessibilityFeature", "alternativeText"))
    entries.append(("schema:accessibilityHazard", "none"))
    if shown:
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


def new_book(content: str, title: str, language: str) -> Any:
    """An ebooklib book identified by a UUID5 of ``content``, with a title and a language."""
    book = epub.EpubBook()
    # ebooklib stamps its own version into a generator meta (PITFALLS 4): drop it.
    book.metadata.get(epub.NAMESPACES["OPF"], {}).pop("generator", None)
    # Replaces the uuid4() identifier ebooklib's constructor sets; the NCX's dtb:uid
    # follows it.
    book.set_identifier(f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, content)}")
    book.set_title(title)
    book.set_language(language)
    if (direction := _xhtml.direction(language)) is not None:
        book.set_direction(direction)
    return book


def identity(blocks: tuple[Block, ...], images: _xhtml.Images) -> str:
    """``repr(blocks)`` with each figure's path replaced by its image's place in the book.

    The identifier then depends on what the book shows, not on where the input lived on
    disk; without figures this is exactly ``repr(blocks)``.
    """
    if not any(isinstance(block, Figure) for block in blocks):
        return repr(blocks)
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Figure) and block.path is not None:
            image = images.get(block.path)
            block = replace(block, path=f"{IMAGE_DIR}/{image.name}" if image else None)
        out.append(block)
    return repr(tuple(out))


def document_item(uid: str, file_name: str, content: str) -> Any:
    """A content document as a plain ``EpubItem``, written as given.

    Not ``EpubHtml``: ebooklib would re-parse and "repair" it (PITFALLS 5).
    """
    return epub.EpubItem(
        uid=uid,
        file_name=file_name,
        media_type="application/xhtml+xml",
        content=content.encode("utf-8"),
    )


def image_items(images: _xhtml.Images) -> list[Any]:
    """The manifest items of the book's images, under :data:`IMAGE_DIR`."""
    return [
        epub.EpubItem(
            uid="img-" + image.name.partition(".")[0],
            file_name=f"{IMAGE_DIR}/{image.name}",
            media_type=image.media_type,
            content=image.data,
        )
        for image in images.items()
    ]


def font_items(faces: list[FontFace]) -> list[Any]:
    """The manifest items of the embedded fonts."""
    return [
        epub.EpubItem(
            uid="font-" + face.href.rpartition("/")[2].removesuffix(".ttf"),
            file_name=face.href,  # beside the CSS, so its relative url() resolves
            media_type=_FONT_MEDIA_TYPE,
            content=face.source.read_bytes(),
        )
        for face in faces
    ]


@record_methods
@dataclass(slots=True, repr=False, eq=False)
class TocNode:
    """One table-of-contents entry: a target in the chapter, its text, its sub-entries."""

    anchor: str
    title: str
    level: int
    children: list[TocNode] = field(default_factory=list)


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
        node = TocNode(anchor, one_line(plain_text(heading.children)), heading.level)
        stack[-1].children.append(node)
        stack.append(node)
    return root


def ebooklib_toc(node: TocNode, file_name: str, *, top: bool = False) -> Any:
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


def finish(book: Any, when: datetime) -> bytes:
    """Write ``book`` dated ``when`` and return the bytes of the normalised ``.epub``."""
    buffer = io.BytesIO()
    options: dict[str, Any] = {
        # dcterms:modified from the document, never now() (PITFALLS 4); ebooklib wants a
        # naive datetime in UTC.
        "mtime": when.astimezone(UTC).replace(tzinfo=None),
        "raise_exceptions": True,
        "epub2_guide": True,
        "epub3_landmark": True,
        "epub3_pages": False,
        # The package's dir, with its xml:lang (see _Writer): only a right-to-left book
        # has a direction set (new_book), so only its package says so.
        "package_direction": True,
    }
    # epub.write_epub(), with the NCX written in linear time (see _Writer).
    writer = _Writer(buffer, book, options)
    writer.process()
    writer.write()
    return normalize_zip(buffer.getvalue(), when, first=("mimetype",))


class _Writer(epub.EpubWriter):  # type: ignore[misc]
    """ebooklib's writer with the package's language, and its NCX built in linear time.

    ebooklib writes no ``xml:lang`` on the OPF ``package`` element, so the language of the
    metadata's text (title, creators, description) is left unsaid; DAISY Ace reports that
    as ``epub-lang`` (serious). It is the book's language, as in ``dc:language``; the
    accessibility summary, always English, says so on its own element.

    ebooklib looks up the parent's ``content`` element for every entry it adds, a search
    through all the parent's children so far (lxml's ``find``): a flat table of contents of
    n headings took O(n²), 5 s for 32,000 headings. Our entries always carry their href,
    so the lookup (which fills an empty one) is not needed. The XML written is the same
    as ebooklib's, byte for byte: same ids (``sep_N`` for entries with children), same
    order, same play order option.
    """

    def _write_opf_file(self, root: Any) -> None:
        root.set(_XML_LANG, self.book.language)
        super()._write_opf_file(root)

    def _get_ncx(self) -> bytes:
        from lxml import etree

        ncx = epub.parse_string(self.book.get_template("ncx"))
        root = ncx.getroot()
        head = etree.SubElement(root, "head")
        for name, content in (
            ("dtb:uid", self.book.uid),
            ("dtb:depth", "0"),
            ("dtb:totalPageCount", "0"),
            ("dtb:maxPageNumber", "0"),
        ):
            etree.SubElement(head, "meta", {"content": content, "name": name})
        doc_title = etree.SubElement(root, "docTitle")
        etree.SubElement(doc_title, "text").text = self.book.title
        nav_map = etree.SubElement(root, "navMap")
        play = self._play_order

        def point(parent: Any, ident: str, title: str, href: str) -> Any:
            if not href:
                raise ValueError(f"table of contents entry {title!r} has no href")
            node = etree.SubElement(parent, "navPoint", {"id": ident})
            if play["enabled"]:
                node.set("playOrder", str(play["start_from"]))
                play["start_from"] += 1
            label = etree.SubElement(node, "navLabel")
            etree.SubElement(label, "text").text = title
            etree.SubElement(node, "content", {"src": href})
            return node

        def section(parent: Any, items: list[Any], uid: int) -> int:
            for item in items:
                if isinstance(item, tuple | list):
                    link, children = item[0], item[1]
                    node = point(parent, f"sep_{uid}", link.title, link.href)
                    uid = section(node, children, uid + 1)
                else:
                    point(parent, item.uid, item.title, item.href)
            return uid

        section(nav_map, self.book.toc, 0)
        result: bytes = etree.tostring(
            root, pretty_print=True, encoding="utf-8", xml_declaration=True
        )
        return result
