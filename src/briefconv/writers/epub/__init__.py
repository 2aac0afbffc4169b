"""EPUB 3 writer: one article as one XHTML content document, a nav document and an NCX.

A briefing pack (cover page, "In this pack" page, one content document per article, an
SVG cover image) is written by :mod:`briefconv.writers.epub._layout`; the one-article book
and the parts every book shares are in :mod:`briefconv.writers.epub._package`, the SVG
cover in :mod:`briefconv.writers.epub._cover`.

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

from typing import ClassVar

from briefconv.model import Article, Pack
from briefconv.pack import handout
from briefconv.styles import Style
from briefconv.writers.epub._layout import write_pack
from briefconv.writers.epub._package import write_article

__all__ = ["EpubWriter"]


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
            return write_article(pack.articles[0].article, style)
        return write_pack(pack, style)
