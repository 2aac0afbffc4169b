"""The PDF writer: an :class:`Article` in a :class:`Style` as a PDF handout (reportlab).

A briefing pack (cover, "In this pack" with page numbers, running headers, classification
marking) is built by :mod:`._layout` from the same story pieces; ``write(article)`` is
``write_pack(handout(article))``, which renders exactly the one-article handout below.

What reportlab gets wrong when used naively, and what this module does instead
(numbers refer to ``PITFALLS.md``):

* Paragraph text is markup (1): all reportlab markup is made by :func:`markup` from
  flattened model runs, every fragment escaped, links only for allow-listed schemes.
* Silent glyph loss (2): the style's TTF families are registered by absolute path with all
  four faces (:mod:`briefconv.fonts.metrics`), the standard-14 fonts are never used (not
  even for the footer or the canvas's initial font), and every character is checked against the face
  it is drawn in, with one warning naming what is missing.
* Page X of Y (7): the document is laid out once and each footer is a PDF form defined
  after the last page, when the count is known (:class:`._flowables.FinishingCanvas`),
  so bookmarks stay on their pages (the ``NumberedCanvas`` recipe sends them all to
  page 1) and nothing is laid out twice.
* Hyphenation (7): reportlab's own never breaks Ukrainian words with і/ї/є/ґ or Greek, so
  pyphen inserts soft hyphens (U+00AD) instead; reportlab draws a hyphen only where it
  breaks a line there and strips the others, so extracted text has no stray U+00AD.
* Reproducibility (4): ``invariant`` output, dates from :func:`document_datetime` only.
* Start-up cost: faces are registered when first used (:mod:`briefconv.fonts.metrics`), parsed fonts
  and hyphenation dictionaries come from an on-disk cache (:mod:`briefconv._cache`).

Example::

    >>> from briefconv.model import Article, ArticleMeta, Paragraph, Text
    >>> from briefconv.styles import load_style
    >>> art = Article(ArticleMeta(title="Talks"), (Paragraph((Text("Hello."),)),))
    >>> PdfWriter().write(art, load_style()).startswith(b"%PDF-")
    True
"""

from __future__ import annotations

import threading
from typing import ClassVar

from briefconv.fonts.metrics import FontSet, report_missing_glyphs
from briefconv.model import Article, Pack
from briefconv.pack import handout
from briefconv.styles import Style
from briefconv.writers.pdf._document import footer_text, render
from briefconv.writers.pdf._layout import write_pack
from briefconv.writers.pdf._story import StoryBuilder
from briefconv.writers.pdf._text import hyphenator, warn_problems, warn_unsafe_links

__all__ = ["PdfWriter"]

_RENDER_LOCK = threading.Lock()


class PdfWriter:
    """Writes an article as a PDF handout with embedded fonts, outline and page numbers.

    Stateless between calls: fonts are registered once per process (idempotently) and
    everything else lives in locals of :meth:`write`.
    """

    name: ClassVar[str] = "pdf"
    extension: ClassVar[str] = ".pdf"
    media_type: ClassVar[str] = "application/pdf"
    description: ClassVar[str] = "PDF with embedded fonts (reportlab)"

    def write(self, article: Article, style: Style) -> bytes:
        """Render ``article`` in ``style``; return the bytes of the PDF file."""
        return self.write_pack(handout(article), style)

    def write_pack(self, pack: Pack, style: Style) -> bytes:
        """Render ``pack`` in ``style``; return the bytes of the PDF file.

        A pack whose layout makes the article title the document title
        (:func:`briefconv.pack.handout`) is the one-article handout;
        any other is a briefing pack with cover, contents and running headers.
        """
        # reportlab shares each registered TTFont between documents, and subsetting a face
        # moves a file position inside it: two threads building at once can embed a
        # broken subset or raise IndexError. Builds in one process therefore take turns.
        with _RENDER_LOCK:
            if pack.layout.title_role == "title":
                return self._write(pack.articles[0].article, style)
            return write_pack(pack, style)

    def _write(self, article: Article, style: Style) -> bytes:
        fonts = FontSet(style)
        hyphenate = hyphenator(article.meta.language, bool(style.pdf.get("hyphenate", True)))
        first = StoryBuilder(article, style, fonts, hyphenate)
        story = first.build()
        footer_face = fonts.face(style.role("footer"))
        report_missing_glyphs([*first.texts, (footer_text(1234567890, 0), footer_face)])
        warn_unsafe_links(first.unsafe_links)
        warn_problems(first.problems)

        # Laid out once: each footer is a form defined when the page count is known.
        return render(article, style, footer_face, story).data
