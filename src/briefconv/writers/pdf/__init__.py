"""The PDF writer: a :class:`Pack` in a :class:`Style` as a PDF file (reportlab).

One pipeline (:mod:`._layout`) renders every pack; its layout decides the parts. A
one-article handout (:func:`briefconv.pack.handout`) is the article alone with a page
footer; a briefing pack adds a cover, "In this pack" with page numbers, running heads and
the classification marking.

The package's modules import one way: ``__init__`` -> ``_layout`` (the pipeline) ->
``_document`` (template, render) -> ``_furniture`` (marking, heads, footer); ``_layout``
-> ``_story`` (an article's flowables and its footnotes) -> ``_styles`` (role ->
ParagraphStyle), ``_text`` (markup, hyphenation), ``_flowables`` (reportlab additions),
``_code`` (code blocks) and ``_table`` (table column widths).

What reportlab gets wrong when used naively, and what this module does instead
(numbers refer to ``PITFALLS.md``):

* Paragraph text is markup (1): all reportlab markup is made by :func:`._text.markup` from
  flattened model runs, every fragment escaped, links only for allow-listed schemes.
* Silent glyph loss (2): the style's TTF families are registered by absolute path with all
  four faces (:mod:`briefconv.fonts.metrics`), the standard-14 fonts are never used (not
  even for the footer or the canvas's initial font), and every character is checked
  against the face it is drawn in, with one warning naming what is missing.
* Page X of Y (7): the document is laid out once and each footer is a PDF form defined
  after the last page, when the count is known (:class:`._flowables.FinishingCanvas`),
  so bookmarks stay on their pages (the ``NumberedCanvas`` recipe sends them all to
  page 1) and nothing is laid out twice (but for a runt last page, pulled back by one
  or two tighter layouts when that works).
* Code keeps its spaces: a :class:`._code.CodeBox` wraps long lines itself (marking the
  continuations) and gives each line as ``/ActualText``, since extractors turn two spaces
  into one; tables get column widths from their cells that never pass the margins.
* Hyphenation (7), when a style turns it on: reportlab's own never breaks Ukrainian words
  with і/ї/є/ґ or Greek, so pyphen inserts soft hyphens (U+00AD) instead; reportlab draws
  a hyphen only where it breaks a line there and strips the others, so extracted text has
  no stray U+00AD. Breaks a typesetter would refuse are undone (:mod:`._breaks`).
* Keep-with-next (7): a heading is kept with the first lines of what follows, not all of
  it (:class:`._flowables.HeadingRoom`); no widows or orphans; titles and headings of two
  or three lines are balanced.
* The measure: side margins widen to the style's ``max_measure``
  (:func:`briefconv.writers._measure.fit_measure`), as the DOCX's do.
* Reproducibility (4): ``invariant`` output, dates from
  :func:`~briefconv.writers._dates.pack_datetime` only.
* Start-up cost: faces are registered when first used (:mod:`briefconv.fonts.metrics`),
  parsed fonts and hyphenation dictionaries come from an on-disk cache
  (:mod:`briefconv._cache`).

Example::

    >>> from briefconv.model import Article, ArticleMeta, Paragraph, Text
    >>> from briefconv.pack import handout
    >>> from briefconv.styles import load_style
    >>> art = Article(ArticleMeta(title="Talks"), (Paragraph((Text("Hello."),)),))
    >>> PdfWriter().write_pack(handout(art), load_style()).startswith(b"%PDF-")
    True
"""

from __future__ import annotations

import threading
from typing import ClassVar

from briefconv.model import Pack
from briefconv.styles import Style
from briefconv.writers._measure import fit_measure
from briefconv.writers.pdf._fixes import import_platypus
from briefconv.writers.pdf._fixes import install as _install_fixes

# Before anything below imports reportlab.platypus (see import_platypus).
import_platypus()

from briefconv.writers.pdf._document import Rendered  # noqa: E402
from briefconv.writers.pdf._layout import rendered_pack  # noqa: E402

_install_fixes()

__all__ = ["PdfWriter", "start_pages"]

_RENDER_LOCK = threading.Lock()


class _LastRender:
    """The last PDF rendered in this process, for the same pack asked for again.

    A pack's DOCX takes its contents' page numbers from the PDF's layout
    (:func:`start_pages`), and ``briefconv pack`` then writes that PDF too: laying a
    300-article pack out twice took as long as writing its PDF. So a render is kept, and
    reused when the same pack (equal, not merely the same object: every render typesets
    its own copy) in the same style is asked for again. A render depends on nothing but
    the pack and the style (the bytes are reproducible), so the reuse gives the same
    bytes; one render is kept, replaced by the next.
    """

    def __init__(self) -> None:
        self._kept: tuple[Pack, Style, Rendered] | None = None

    def get(self, pack: Pack, style: Style) -> Rendered:
        """The render of ``pack`` in ``style``: the kept one if it is theirs, else a new one."""
        # The layout's own page setup: the DOCX writer asks in its page setup, which is
        # the style's fitted to its measure (fit_measure leaves a fitted style alone).
        style = fit_measure(style)
        kept = self._kept
        if kept is not None and kept[1] == style and kept[0] == pack:
            return kept[2]
        rendered = rendered_pack(pack, style)
        self._kept = (pack, style, rendered)
        return rendered


_LAST = _LastRender()


class PdfWriter:
    """Writes a pack (a handout is a pack of one) as a PDF with embedded fonts and outline.

    Stateless between calls: fonts are registered once per process (idempotently) and
    everything else lives in locals of :meth:`write_pack`.
    """

    name: ClassVar[str] = "pdf"
    extension: ClassVar[str] = ".pdf"
    media_type: ClassVar[str] = "application/pdf"
    description: ClassVar[str] = "PDF with embedded fonts (reportlab)"

    def write_pack(self, pack: Pack, style: Style) -> bytes:
        """Render ``pack`` in ``style`` with the parts its layout asks for; the PDF's bytes."""
        # reportlab shares each registered TTFont between documents, and subsetting a face
        # moves a file position inside it: two threads building at once can embed a
        # broken subset or raise IndexError. Builds in one process therefore take turns.
        with _RENDER_LOCK:
            return _LAST.get(pack, style).data


def start_pages(pack: Pack, style: Style) -> dict[str, int]:
    """The page each article of ``pack`` starts on in its PDF in ``style`` (from 1), by id.

    Laid out as :meth:`PdfWriter.write_pack` lays it out, and kept: the DOCX writer fills
    its contents' page numbers from it, and the PDF of the same pack, asked for next, is
    that render (see :class:`_LastRender`).
    """
    with _RENDER_LOCK:  # the same shared fonts as a render (see PdfWriter.write_pack)
        first = _LAST.get(pack, style).first_pages
    # The outline's other top-level entry, the contents page, is not an article.
    return {e.id: first[e.id] for e in pack.articles if e.id in first}
