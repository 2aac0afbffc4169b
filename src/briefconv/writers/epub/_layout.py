"""The EPUB writer's briefing pack: cover page, "In this pack", one chapter per article.

The spine, every item linear and so reachable (PITFALLS 5, OPF-096)::

    cover.xhtml      the cover's words as real text (marking, title, subtitle, date,
                     prepared by / for, counts line, boxed classification), optional logo
    contents.xhtml   "In this pack": each article's title linked to its chapter, its
                     details line and its summary
    <entry.id>.xhtml one per article: the marking, then the header block (title as <h1>,
                     subtitle, byline with reading time), then the body, model heading
                     level n as <h{n+1}>

``cover.svg`` (drawn by :mod:`briefconv.writers.epub._cover`) is the ``cover-image`` for
library thumbnails, with the EPUB 2 ``<meta name="cover">`` for older readers. The nav
nests each article's headings under its title, after an entry for "In this pack"; the
landmarks point at the cover, the contents page and the first article; the NCX mirrors the
nav. Every id is unique across the pack: the title of an article has ``entry.id`` as its id
and its headings :func:`~briefconv.pack.heading_id` (the PDF's and DOCX's bookmarks).

Package metadata: the pack's title and language, ``prepared_by`` as creator, the subtitle as
description, the date from :func:`~briefconv.writers._dates.pack_datetime`, a UUID5 of the
pack's content, and the classification as ``dcterms:accessRights``.
"""

from __future__ import annotations

import io
import logging
import uuid
from datetime import UTC
from html import escape
from pathlib import Path
from typing import Any

from ebooklib import epub

from briefconv.model import Figure, Pack, PackArticle
from briefconv.styles import Role, Style
from briefconv.wording import byline, cover_text, entry_details, labels
from briefconv.writers import _xhtml
from briefconv.writers._css import FontFace, font_faces, stylesheet
from briefconv.writers._dates import pack_datetime
from briefconv.writers._zip import normalize_zip
from briefconv.writers.epub._cover import cover_svg
from briefconv.writers.epub._package import (
    CSS,
    FONT_MEDIA_TYPE,
    ID_NAMESPACE,
    NOT_EXPRESSIBLE,
    add_accessibility_metadata,
    ebooklib_toc,
    identity,
    image_items,
    text_faces,
    toc_tree,
)

__all__ = ["write_pack"]

_log = logging.getLogger("briefconv")

_COVER_PAGE = "cover.xhtml"
_CONTENTS_PAGE = "contents.xhtml"
_COVER_IMAGE = "cover.svg"

_ACCESSIBILITY_SUMMARY = (
    "A briefing pack of news articles as structured text: a cover page, a contents page "
    "linking to each article, then each article with its title, headings, paragraphs, block "
    "quotations and lists in reading order; a table of contents nests each article's "
    "headings under its title. The cover image repeats the cover page's text. No audio or "
    "video."
)


def _direction(language: str) -> str | None:
    return "rtl" if language.split("-")[0].lower() in _xhtml.RTL_LANGUAGES else None


def _document(title: str, language: str, body: str) -> str:
    """A complete XHTML content document around ``body``, linked to the stylesheet."""
    lang = escape(language)
    direction = _direction(language)
    dir_attr = f' dir="{direction}"' if direction else ""
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
        "<body>\n" + body + "</body>\n</html>\n"
    )


def _marking(marking: str | None) -> str:
    """The classification marking as the first line of a document (nothing without one)."""
    return f'<p class="marking">{escape(marking)}</p>\n' if marking else ""


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


def _cover_page(pack: Pack, title: str, language: str, logo: str | None) -> str:
    text = cover_text(pack)
    marking = _xhtml.line(text.classification) or None
    lines = [_marking(marking), '<section epub:type="cover" aria-labelledby="cover-title">\n']
    if logo:
        # Decorative: the organisation is named in words on the same page.
        lines.append(f'<p class="logo"><img src="{logo}" alt="" role="presentation"/></p>\n')
    lines.append(f'<h1 id="cover-title" class="cover-title">{escape(title)}</h1>\n')
    if subtitle := _xhtml.line(text.subtitle):
        lines.append(f'<p class="subtitle">{escape(subtitle)}</p>\n')
    for line in (text.date, text.prepared_by, text.prepared_for, text.summary):
        if line := _xhtml.line(line):
            lines.append(f'<p class="byline">{escape(line)}</p>\n')
    if marking:
        lines.append(f'<p class="cover-marking">{escape(marking)}</p>\n')
    lines.append("</section>\n")
    return _document(title, language, "".join(lines))


def _file_name(entry: PackArticle) -> str:
    return f"{entry.id}.xhtml"


def _title(entry: PackArticle) -> str:
    return _xhtml.line(entry.article.meta.title) or "Untitled"


def _contents_page(pack: Pack, language: str, marking: str | None) -> str:
    words = labels(pack.meta.language)
    lines = [
        _marking(marking),
        '<section aria-labelledby="contents">\n',
        f'<h1 id="contents" class="contents">{escape(words.in_this_pack)}</h1>\n',
        '<ol class="contents">\n',
    ]
    for entry in pack.articles:
        lines.append(
            "<li>\n"
            f'<p class="entry-title"><a href="{_file_name(entry)}">'
            f"{escape(_title(entry))}</a></p>\n"
            f'<p class="byline">{escape(entry_details(entry, pack.meta.language))}</p>\n'
        )
        if summary := _xhtml.line(entry.summary):
            lines.append(f"<p>{escape(summary)}</p>\n")
        lines.append("</li>\n")
    lines.append("</ol>\n</section>\n")
    return _document(words.in_this_pack, language, "".join(lines))


def _chapter(
    entry: PackArticle,
    pack: Pack,
    marking: str | None,
    anchors: dict[int, str],
    images: _xhtml.Images,
) -> str:
    """One article's content document: marking, header block, body."""
    meta = entry.article.meta
    title = _title(entry)
    minutes = labels(pack.meta.language).min_read.format(n=entry.minutes)
    header = [f'<h1 id="{entry.id}" class="title">{escape(title)}</h1>']
    if subtitle := _xhtml.line(meta.subtitle):
        header.append(f'<p class="subtitle">{escape(subtitle)}</p>')
    if parts := byline(meta, extra=(minutes,)):
        header.append(f'<p class="byline">{_xhtml.inlines(parts)}</p>')
    blocks = entry.article.blocks
    body = [_xhtml.block(block, anchors.get(index), images) for index, block in enumerate(blocks)]
    return _document(
        title,
        _xhtml.language(meta.language),
        _marking(marking)
        + f'<section epub:type="bodymatter chapter" aria-labelledby="{entry.id}">\n'
        "<header>\n"
        + "\n".join(header)
        + "\n</header>\n"
        # Never an empty document (PITFALLS 5): the title heading is always there.
        + "".join(part + "\n" for part in body if part)
        + "</section>\n",
    )


def _identifier(pack: Pack, images: _xhtml.Images) -> uuid.UUID:
    """A UUID5 of everything the pack shows (not the source files' timestamps or paths)."""
    content = repr(pack.meta) + "".join(
        repr((e.id, e.summary, e.minutes, e.article.meta, identity(e.article.blocks, images)))
        if any(isinstance(b, Figure) for b in e.article.blocks)
        else repr((e.id, e.summary, e.minutes, e.article.meta, e.article.blocks))
        for e in pack.articles
    )
    return uuid.uuid5(ID_NAMESPACE, content)


def write_pack(pack: Pack, style: Style) -> bytes:
    """Render ``pack`` (with cover and contents) in ``style``; return the EPUB bytes."""
    meta = pack.meta
    words = labels(meta.language)
    when = pack_datetime(pack)
    language = _xhtml.language(meta.language)
    direction = _direction(language)
    title = _xhtml.line(meta.title)
    if not title:
        _log.warning("pack has no title: the e-book is titled 'Untitled'")
        title = "Untitled"
    marking = _xhtml.line(meta.classification) or None
    for entry in pack.articles:
        if not _xhtml.line(entry.article.meta.title):
            _log.warning("article %s has no title: it is called 'Untitled'", entry.id)

    # Every figure is loaded first: the identifier and accessibility metadata depend on it.
    images = _xhtml.Images()
    for entry in pack.articles:
        _xhtml.collect_images(entry.article.blocks, images)

    book = epub.EpubBook()
    # ebooklib stamps its own version into a generator meta (PITFALLS 4): drop it.
    book.metadata.get(epub.NAMESPACES["OPF"], {}).pop("generator", None)
    book.set_identifier(f"urn:uuid:{_identifier(pack, images)}")
    book.set_title(title)
    book.set_language(language)
    if direction is not None:
        book.set_direction(direction)
    if prepared_by := _xhtml.line(meta.prepared_by):
        book.add_author(prepared_by, uid="creator1")
    if subtitle := _xhtml.line(meta.subtitle):
        book.add_metadata("DC", "description", subtitle)
    book.add_metadata("DC", "date", when.strftime("%Y-%m-%d"))
    if marking:
        # EPUB 3 reserves the dcterms: prefix, so no prefix declaration is needed.
        book.add_metadata(None, "meta", marking, {"property": "dcterms:accessRights"})
    add_accessibility_metadata(book, _ACCESSIBILITY_SUMMARY, images=images)
    _log.debug(
        "epub: a reflowable e-book has no pages, so the reading system decides %s",
        ", ".join(NOT_EXPRESSIBLE),
    )

    # The cover image: the EPUB 3 cover-image property and the EPUB 2 <meta name="cover">.
    book.set_cover(_COVER_IMAGE, cover_svg(pack, style, language).encode(), create_page=False)
    logo = _logo(style)

    documents: list[Any] = []

    def add_document(uid: str, file_name: str, content: str) -> Any:
        # A plain EpubItem, not EpubHtml: ebooklib writes it as given, never re-parsed.
        item = epub.EpubItem(
            uid=uid,
            file_name=file_name,
            media_type="application/xhtml+xml",
            content=content.encode("utf-8"),
        )
        book.add_item(item)
        documents.append(item)
        return item

    add_document("cover", _COVER_PAGE, _cover_page(pack, title, language, logo and logo[0]))
    add_document("contents", _CONTENTS_PAGE, _contents_page(pack, language, marking))

    uses: list[tuple[Role, bool, bool]] = [
        (style.role("cover_title"), False, False),
        (style.role("byline"), False, False),
        (style.role("heading1"), False, False),
        (style.role("heading2"), False, False),
    ]
    if marking:
        uses.append((style.role("marking"), False, False))
    if _xhtml.line(meta.subtitle):
        uses.append((style.role("subtitle"), False, False))
    if any(_xhtml.line(e.summary) for e in pack.articles):
        uses.append((style.role("body"), False, False))

    toc: list[Any] = [epub.Link(_CONTENTS_PAGE, words.in_this_pack, "toc-contents")]
    for entry in pack.articles:
        article = entry.article
        anchors = _xhtml.heading_anchors(article.blocks, entry.id)
        add_document(entry.id, _file_name(entry), _chapter(entry, pack, marking, anchors, images))
        minutes = (words.min_read.format(n=entry.minutes),)
        uses += text_faces(article, style, anchors, minutes, images)
        node = toc_tree(_title(entry), article.blocks, anchors, title_anchor=entry.id)
        toc.append(ebooklib_toc(node, _file_name(entry), top=True))

    faces: list[FontFace] = []
    if style.epub.get("embed_fonts") is True:
        faces = font_faces(style, uses)
    book.add_item(
        epub.EpubItem(
            uid="css",
            file_name=CSS,
            media_type="text/css",
            content=stylesheet(style, faces, pack=True).encode(),
        )
    )
    for face in faces:
        book.add_item(
            epub.EpubItem(
                uid="font-" + face.href.rpartition("/")[2].removesuffix(".ttf"),
                file_name=face.href,
                media_type=FONT_MEDIA_TYPE,
                content=face.source.read_bytes(),
            )
        )
    if logo:
        book.add_item(
            epub.EpubItem(uid="logo", file_name=logo[0], media_type=logo[2], content=logo[1])
        )
    for item in image_items(images):
        book.add_item(item)
    book.add_item(epub.EpubNav(uid="nav", file_name="nav.xhtml", direction=direction))
    book.add_item(epub.EpubNcx(uid="ncx", file_name="toc.ncx"))

    # Every spine item linear: the cover page is content, reachable in reading order
    # (PITFALLS 5, OPF-096). The nav is reachable from the reading system.
    book.spine = documents
    book.toc = toc
    first = pack.articles[0] if pack.articles else None
    book.guide = [
        {"href": _COVER_PAGE, "title": title, "type": "cover"},
        {"href": _CONTENTS_PAGE, "title": words.in_this_pack, "type": "toc"},
    ]
    if first is not None:
        # ebooklib writes the EPUB 2 guide type "text" as the landmark "bodymatter".
        book.guide.append({"href": _file_name(first), "title": _title(first), "type": "text"})

    buffer = io.BytesIO()
    options: dict[str, Any] = {
        # dcterms:modified from the pack, never now() (PITFALLS 4); naive UTC for ebooklib.
        "mtime": when.astimezone(UTC).replace(tzinfo=None),
        "raise_exceptions": True,
        "epub2_guide": True,
        "epub3_landmark": True,
        "epub3_pages": False,
    }
    epub.write_epub(buffer, book, options)
    return normalize_zip(buffer.getvalue(), when, first=("mimetype",))
