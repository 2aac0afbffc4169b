"""EPUB 3 writer: a pack (a handout is a pack of one) as XHTML content documents, nav and NCX.

One assembly renders every pack (:mod:`briefconv.writers.epub._layout`): its layout says
whether the book has a cover page with a PNG cover image, an "In this pack" page, and
whether an article's title is the book's title (a handout: one content document) or one
chapter among several. The package parts (identifier, metadata, table of contents, items,
the final write) are in :mod:`briefconv.writers.epub._package`, the PNG cover in
:mod:`briefconv.writers.epub._cover`.

The content documents are generated as strings (:mod:`briefconv.writers._xhtml`), straight
from the model: ebooklib's ``EpubHtml`` re-parses content with ``lxml.html`` and silently
"repairs" it (PITFALLS 5), so each document is handed to ebooklib as an opaque
:class:`ebooklib.epub.EpubItem` and written byte for byte. ebooklib is used for what it
does well: the OPF package, the nav document and the NCX, both built from a table of
contents of plain-text titles.

Every text fragment is escaped; links are live only for allow-listed schemes
(:func:`~briefconv.writers._links.safe_url`); the CSS (from the style's roles, see
:mod:`briefconv.writers._css`) sits beside the chapter so its relative link resolves
(PITFALLS 5, RSC-007). With ``[epub] embed_fonts = true`` the faces the text actually uses
(each role's family, in the weights and styles its runs need) are embedded as ``font/ttf``
items under ``fonts/`` with ``@font-face`` rules, so reading systems show the PDF's
typeface. Page size, margins and running header/footer mean nothing in a reflowable book;
the writer says so once at DEBUG level. Output is deterministic: a UUID5 identifier, dates from
:func:`~briefconv.writers._dates.pack_datetime`, no generator meta, and a normalised zip
(PITFALLS 4).

Example::

    >>> from briefconv.model import Article, ArticleMeta
    >>> from briefconv.pack import handout
    >>> from briefconv.styles import load_style
    >>> data = EpubWriter().write_pack(handout(Article(ArticleMeta("Talks"), ())), load_style())
    >>> data[30:58]
    b'mimetypeapplication/epub+zip'
"""

from __future__ import annotations

from typing import ClassVar

from briefconv.model import Pack
from briefconv.styles import Style
from briefconv.writers.epub._layout import write_book

__all__ = ["EpubWriter"]


class EpubWriter:
    """Write a :class:`~briefconv.model.Pack` as an EPUB 3 e-book that EPUBCheck accepts.

    Stateless between calls: everything a call needs lives in its locals.
    """

    name: ClassVar[str] = "epub"
    extension: ClassVar[str] = ".epub"
    media_type: ClassVar[str] = "application/epub+zip"
    description: ClassVar[str] = "EPUB 3 e-book (ebooklib)"

    def write_pack(self, pack: Pack, style: Style) -> bytes:
        """Render ``pack`` in ``style`` and return the bytes of the ``.epub`` file.

        The pack's layout says which parts the book has: a handout
        (:func:`briefconv.pack.handout`) is its article alone; a briefing pack has a cover
        page, a contents page and a chapter per article.
        """
        return write_book(pack, style)
