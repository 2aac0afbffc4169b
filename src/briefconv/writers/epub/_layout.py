"""The one EPUB book assembly: the pack's :class:`~briefconv.model.Layout` decides the parts.

The spine, every item linear and so reachable (PITFALLS 5, OPF-096)::

    cover.xhtml      (layout.cover) the cover's words as real text (marking, title,
                     subtitle, date, prepared by / for, counts line, boxed classification),
                     optional logo; cover.png is its image
    contents.xhtml   (layout.contents) "In this pack": each article's title linked to its
                     chapter, its details line and its summary
    <chapter>.xhtml  one per article: the marking, then the header block (title as <h1>,
                     subtitle, byline), then the body, model heading level n as <h{n+1}>

Each content document has its own outline, so an article's title is its ``<h1>`` whatever
``layout.title_role`` says. The title role decides what the book *is*:

- ``"title"`` (a handout, :func:`briefconv.pack.handout`): the book is its article. The
  package is described by the article (authors as creators, outlet as publisher, URL as
  source), and the chapter keeps the names it has always had (``article.xhtml``, ``#title``,
  ``#sec1``...), so links into existing books stay valid.
- ``"heading"`` (a pack): the package is described by the pack (``prepared_by`` as creator,
  the subtitle as description, the classification as ``dcterms:accessRights``); every name
  carries the article's id (``<entry.id>.xhtml``, ``#<entry.id>``,
  :func:`~briefconv.pack.heading_id` for headings: the PDF's and DOCX's bookmarks), unique
  across the pack; bylines end with the reading time.

``cover.png`` (drawn by :mod:`briefconv.writers.epub._cover`) is the ``cover-image`` for
library thumbnails, with the EPUB 2 ``<meta name="cover">`` for older readers. The nav
nests each article's headings under its title, after an entry for "In this pack"; the
landmarks point at the cover, the contents page and the first article; the NCX mirrors the
nav. ``layout.running_heads`` has nothing to draw: a reflowable book has no pages, so no
page headers (said with the other page settings at DEBUG level).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ebooklib import epub

from briefconv._records import record_methods
from briefconv.model import Figure, Pack, PackArticle
from briefconv.styles import Style
from briefconv.wording import labels, one_line, untitled
from briefconv.writers import _xhtml
from briefconv.writers._css import FontFace, font_faces, stylesheet
from briefconv.writers._dates import pack_datetime
from briefconv.writers.epub._package import (
    CSS,
    IMAGE_DIR,
    NOT_EXPRESSIBLE,
    accessibility_summary,
    add_accessibility_metadata,
    document_item,
    ebooklib_toc,
    finish,
    font_items,
    identity,
    image_items,
    new_book,
    toc_tree,
)
from briefconv.writers.options import EpubOptions

__all__ = ["write_book"]

_log = logging.getLogger("briefconv")

_COVER_PAGE = "cover.xhtml"
_CONTENTS_PAGE = "contents.xhtml"
_COVER_IMAGE = "cover.png"

#: How the content documents are written: images in the book's folder, the stylesheet
#: beside the documents, EPUB structural semantics.
_OPTIONS = _xhtml.Options(
    image_src=lambda image: f"{IMAGE_DIR}/{image.name}",
    stylesheet=f'<link rel="stylesheet" type="text/css" href="{CSS}"/>',
    epub_types=True,
)


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class _Chapter:
    """One article's content document: its names in the book and its heading anchors."""

    entry: PackArticle
    uid: str  # manifest id
    file_name: str
    title_id: str  # the id of its <h1>
    title: str
    anchors: dict[int, str]


def _chapters(pack: Pack) -> list[_Chapter]:
    """The chapters, named as the title role says (see the module docstring)."""
    out: list[_Chapter] = []
    for entry in pack.articles:
        article = entry.article
        title = untitled(article.meta.title, article.meta.language)
        if pack.layout.title_role == "title":
            anchors = _xhtml.heading_anchors(article.blocks)
            out.append(_Chapter(entry, "article", "article.xhtml", "title", title, anchors))
        else:
            anchors = _xhtml.heading_anchors(article.blocks, entry.id)
            out.append(_Chapter(entry, entry.id, f"{entry.id}.xhtml", entry.id, title, anchors))
    return out


def _identity(pack: Pack, images: _xhtml.Images) -> str:
    """What the book's UUID5 is made of: everything it shows, not file paths or times.

    A handout is identified by its article alone (its pack metadata is derived from it).
    """
    if pack.layout.title_role == "title":
        article = pack.articles[0].article
        return repr(article.meta) + identity(article.blocks, images)
    return repr(pack.meta) + "".join(
        repr((e.id, e.summary, e.minutes, e.article.meta, identity(e.article.blocks, images)))
        if any(isinstance(b, Figure) for b in e.article.blocks)
        else repr((e.id, e.summary, e.minutes, e.article.meta, e.article.blocks))
        for e in pack.articles
    )


def _describe(book: Any, pack: Pack, date: str) -> None:
    """Creators, description, date, publisher, source and access rights of the package."""
    meta = pack.meta
    if pack.layout.title_role == "title":
        article = pack.articles[0].article.meta
        for index, author in enumerate(one_line(a) for a in article.authors):
            if author:
                # Each creator needs its own id: ebooklib's default "creator" would repeat.
                book.add_author(author, uid=f"creator{index + 1}")
    elif prepared_by := one_line(meta.prepared_by or ""):
        book.add_author(prepared_by, uid="creator1")
    if subtitle := one_line(meta.subtitle or ""):
        book.add_metadata("DC", "description", subtitle)
    book.add_metadata("DC", "date", date)
    if pack.layout.title_role == "title":
        if source := one_line(article.source or ""):
            book.add_metadata("DC", "publisher", source)
        if url := one_line(article.url or ""):
            book.add_metadata("DC", "source", url)
    if marking := one_line(meta.classification or ""):
        # EPUB 3 reserves the dcterms: prefix, so no prefix declaration is needed.
        book.add_metadata(None, "meta", marking, {"property": "dcterms:accessRights"})


def _logo(style: Style) -> tuple[str, bytes, str] | None:
    """The style's logo as (file name, bytes, media type), or ``None``.

    The path comes from the style file, never from an article; the type is read from the
    file's first bytes, since a misnamed file would otherwise be declared wrongly (OPF-029).
    """
    path = style.pack.get("logo")
    if not path:
        return None
    data = Path(str(path)).read_bytes()
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "logo.png", data, "image/png"
    if data.startswith(b"\xff\xd8"):
        return "logo.jpg", data, "image/jpeg"
    _log.warning("pack.logo %s is neither PNG nor JPEG: left off the e-book's cover", path)
    return None


@record_methods
@dataclass(slots=True, repr=False, eq=False)
class _Parts:
    """What the book is made of, gathered in reading order while its pages are written."""

    documents: list[Any] = field(default_factory=list)  # the spine, in order
    guide: list[dict[str, str]] = field(default_factory=list)  # landmarks
    toc: list[Any] = field(default_factory=list)  # the nav's entries
    uses: list[_xhtml.Face] = field(default_factory=list)  # faces drawn, for embedding

    def add(self, uid: str, file_name: str, content: str) -> None:
        """Put a content document next in the spine."""
        self.documents.append(document_item(uid, file_name, content))


def write_book(pack: Pack, style: Style) -> bytes:
    """Render ``pack`` in ``style`` with the parts its layout asks for; the EPUB bytes."""
    meta, layout = pack.meta, pack.layout
    when = pack_datetime(pack)
    language = _xhtml.language(meta.language)
    title = untitled(meta.title, meta.language)
    if not one_line(meta.title):
        # An empty title would leave an empty heading, an empty dc:title and a nav entry
        # without text (PITFALLS 5: "anchors in nav must contain text").
        what = "article" if layout.title_role == "title" else "pack"
        _log.warning("%s has no title: the e-book is titled %r", what, title)

    # Every figure is loaded first: the identifier and accessibility metadata depend on it.
    images = _xhtml.Images()
    for entry in pack.articles:
        images.collect(entry.article.blocks)

    book = new_book(_identity(pack, images), title, language)
    _describe(book, pack, when.strftime("%Y-%m-%d"))
    _log.debug(
        "epub: a reflowable e-book has no pages, so the reading system decides %s",
        ", ".join(NOT_EXPRESSIBLE),
    )

    parts = _Parts(
        uses=_xhtml.page_faces(pack, style, cover=layout.cover, contents=layout.contents)
    )
    logo = _logo(style) if layout.cover else None
    if layout.cover:
        _cover_page(pack, parts, title, language, logo and logo[0])
    if layout.contents:
        _contents_page(pack, parts, language)
    _chapter_pages(pack, parts, style, images)
    # The summary says what the pages written hold (tables, code, notes): after them.
    shown = _xhtml.Constructs.of([item.content.decode("utf-8") for item in parts.documents])
    add_accessibility_metadata(book, accessibility_summary(layout, shown), images=images)
    if layout.cover:
        # Imported here: drawing the cover needs Pillow (6-8 ms to import), and a handout
        # has no cover.
        from briefconv.writers.epub._cover import cover_png

        # The cover image: the EPUB 3 cover-image property and the EPUB 2 <meta name="cover">.
        book.set_cover(_COVER_IMAGE, cover_png(pack, style), create_page=False)

    faces: list[FontFace] = []
    if EpubOptions.of(style).embed_fonts:
        faces = font_faces(style, parts.uses)
    # The pack's own markup (cover, contents, marking) needs its rules; a handout has none.
    # Code, tables and notes need theirs only where an article has them.
    css = stylesheet(
        style,
        faces,
        pack=_xhtml.has_pack_markup(pack),
        extended=_xhtml.has_extended_markup(pack),
        balance=True,
    ).encode()
    items = [
        *parts.documents,
        epub.EpubItem(uid="css", file_name=CSS, media_type="text/css", content=css),
        *font_items(faces),
    ]
    if logo:
        items.append(
            epub.EpubItem(uid="logo", file_name=logo[0], media_type=logo[2], content=logo[1])
        )
    items += image_items(images)
    items.append(
        epub.EpubNav(uid="nav", file_name="nav.xhtml", direction=_xhtml.direction(language))
    )
    items.append(epub.EpubNcx(uid="ncx", file_name="toc.ncx"))
    for item in items:
        book.add_item(item)

    # Every spine item linear: the cover page is content, reachable in reading order
    # (PITFALLS 5, OPF-096). The nav is reachable from the reading system.
    book.spine = parts.documents
    book.toc = parts.toc
    book.guide = parts.guide
    return finish(book, when)


def _cover_page(pack: Pack, parts: _Parts, title: str, language: str, logo: str | None) -> None:
    """The cover page: the cover's words as real text, under the marking."""
    section = _xhtml.cover_section(pack, _OPTIONS, logo_src=logo)
    body = _xhtml.marking(pack.meta.classification) + section
    parts.add("cover", _COVER_PAGE, _xhtml.document(title, language, body, _OPTIONS))
    parts.guide.append({"href": _COVER_PAGE, "title": title, "type": "cover"})


def _contents_page(pack: Pack, parts: _Parts, language: str) -> None:
    """The "In this pack" page, its landmark and the nav's first entry."""
    heading = labels(pack.meta.language).in_this_pack
    section = _xhtml.contents_section(pack, lambda entry: f"{entry.id}.xhtml", _OPTIONS)
    body = _xhtml.marking(pack.meta.classification) + section
    parts.add("contents", _CONTENTS_PAGE, _xhtml.document(heading, language, body, _OPTIONS))
    parts.guide.append({"href": _CONTENTS_PAGE, "title": heading, "type": "toc"})
    parts.toc.append(epub.Link(_CONTENTS_PAGE, heading, "toc-contents"))


def _chapter_pages(pack: Pack, parts: _Parts, style: Style, images: _xhtml.Images) -> None:
    """One content document per article, each with its entry in the nav."""
    handout = pack.layout.title_role == "title"
    chapters = _chapters(pack)
    for chapter in chapters:
        entry = chapter.entry
        if not handout and not one_line(entry.article.meta.title):
            _log.warning("article %s has no title: it is called %r", entry.id, chapter.title)
        # A pack's byline ends with the reading time; a handout's is the article's own.
        words = labels(pack.meta.language)
        extra = () if handout else (words.min_read.format(n=entry.minutes),)
        section = _xhtml.article_section(
            entry,
            _OPTIONS,
            title_id=chapter.title_id,
            anchors=chapter.anchors,
            extra=extra,
            images=images,
            # A handout keeps plain note ids ("fn-1"); a pack's carry the article's id.
            scope=None if handout else entry.id,
        )
        body = _xhtml.marking(pack.meta.classification) + section
        language = _xhtml.language(entry.article.meta.language)
        page = _xhtml.document(chapter.title, language, body, _OPTIONS)
        parts.add(chapter.uid, chapter.file_name, page)
        parts.uses += _xhtml.faces(entry, style, chapter.anchors, extra=extra, images=images)
        node = toc_tree(chapter.title, entry.article.blocks, chapter.anchors, chapter.title_id)
        # A pack's chapter starts with its marking, above the title: link to its top.
        parts.toc.append(ebooklib_toc(node, chapter.file_name, top=not handout))
    if chapters:
        # Landmarks in the nav (and the EPUB 2 guide): where the text starts, for reading
        # systems' "go to beginning" and for assistive technology. ebooklib writes the
        # EPUB 2 guide type "text" as the landmark "bodymatter".
        first = chapters[0]
        parts.guide.append({"href": first.file_name, "title": first.title, "type": "text"})
