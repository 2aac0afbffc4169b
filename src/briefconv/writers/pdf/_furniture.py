"""The PDF page furniture around the frame: classification marking, running head, footer.

What a page carries depends on the pack's :class:`~briefconv.model.Layout`:

- every page, a cover included, the classification marking, if the pack has one, once at
  its top edge and once at its bottom edge (10 mm in from each, 8 pt clear of any head or
  footer: :mod:`briefconv.writers._furniture`);
- every page but a cover the footer "Page X of Y" (in the pack's language), when there
  is more than one page: "Page 1 of 1" is noise. A handout's first page, which shows its
  title, has no footer either, as in its DOCX (which cannot know its page count: see
  :mod:`briefconv.writers.docx._furniture`), the way a letter numbers its continuation
  pages only;
- with running heads, every page but a cover, the contents' first page and an article's
  first page (an *opener*, whose own title block is right below) a header: the pack's
  title and the current section; a handout's pages from the second a header with its
  title alone, as its DOCX has.

The marking's size and cut follow the rule shared with the DOCX writer
(:mod:`briefconv.writers._furniture`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, assert_never

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth

from briefconv.fonts.metrics import Face, FontSet
from briefconv.model import Layout, Pack
from briefconv.styles import Align, Style
from briefconv.wording import labels, one_line, untitled
from briefconv.writers._furniture import CLEARANCE, EDGE, ELLIPSIS, MARKING_TOP, cut, fit_marking
from briefconv.writers.pdf._flowables import define_form

__all__ = ["Chrome", "Geometry", "page_geometry"]

_log = logging.getLogger("briefconv")


@dataclass(frozen=True, slots=True)
class Geometry:
    """Where the frame and the page furniture go; y values from the page's bottom edge.

    ``header`` and ``header_rule`` are where a running head goes; without running heads
    nothing is drawn there.
    """

    frame_width: float
    frame_top: float
    frame_bottom: float
    marking_top: float  # baselines from here down
    header: float
    header_rule: float
    footer: float
    marking_bottom: float

    @property
    def frame_size(self) -> tuple[float, float]:
        """Width and height of the text frame."""
        return self.frame_width, self.frame_top - self.frame_bottom


def _extent(face: Face) -> tuple[float, float]:
    """Ascent and descent of ``face`` as fractions of its size, both positive.

    They bound the glyph box a PDF reader (and ``pdftotext -bbox``) gives a line of text:
    for DejaVu Sans 0.76 above the baseline and 0.24 below it.
    """
    metrics = face.font.face
    return float(metrics.ascent) / 1000.0, -float(metrics.descent) / 1000.0


def page_geometry(
    style: Style, layout: Layout, marked: bool, fonts: FontSet | None = None
) -> Geometry:
    """Fit marking, header and footer into the margins, shrinking the frame if they crowd.

    The markings' glyph boxes sit :data:`EDGE` (10 mm) from the paper's edges, the top
    one's baseline at least :data:`MARKING_TOP` down, in reach of every office printer. A
    running head sits just above the frame under a thin rule and the footer mirrors it just
    below, each at least :data:`CLEARANCE` from the marking's glyphs, measured with the
    faces' real ascent and descent (PDF text is drawn on its baseline). A document titled
    by its one article (a handout) has a running title from its second page, as its DOCX
    has. A footer with no marking below it sits a little below the middle of the bottom
    margin, and never nearer the edge than :data:`EDGE`; the frame is then the page less
    its margins.
    """
    fonts = fonts if fonts is not None else FontSet(style)
    page = style.page
    ms = style.role("marking").size
    hs = style.role("header").size
    fs = style.role("footer").size
    m_ascent, m_descent = _extent(fonts.face(style.role("marking")))
    h_ascent, _ = _extent(fonts.face(style.role("header")))
    f_ascent, f_descent = _extent(fonts.face(style.role("footer")))
    frame_width = page.width - page.margin_left - page.margin_right
    frame_top = page.height - page.margin_top
    frame_bottom = page.margin_bottom
    marking_top = page.height - max(MARKING_TOP, EDGE + m_ascent * ms)
    marking_bottom = EDGE + m_descent * ms

    # How high a running head's glyphs may reach, and how low a footer's.
    top_room = marking_top - m_descent * ms - CLEARANCE if marked else page.height - EDGE
    bottom_room = marking_bottom + m_ascent * ms + CLEARANCE if marked else EDGE
    rule_gap = max(8.0, 0.8 * hs)
    rise = 0.3 * hs + 2.0  # from the rule up to the head's baseline
    if layout.running_heads or layout.title_role == "title":
        head_top = frame_top + rule_gap + rise + h_ascent * hs
        frame_top -= max(0.0, head_top - top_room)
    elif marked:
        frame_top = min(frame_top, top_room)
    header_rule = frame_top + rule_gap
    header = header_rule + rise

    if layout.running_heads or marked:
        footer_gap = max(10.0, 1.2 * fs)
        footer_bottom = frame_bottom - footer_gap - (f_ascent + f_descent) * fs
        frame_bottom += max(0.0, bottom_room - footer_bottom)
        footer = frame_bottom - footer_gap - f_ascent * fs
    else:
        footer = max(page.margin_bottom * 0.45, fs, EDGE + f_descent * fs)
    return Geometry(
        frame_width,
        frame_top,
        frame_bottom,
        marking_top,
        header,
        header_rule,
        footer,
        marking_bottom,
    )


def _draw_aligned(canv: Any, text: str, align: Align, y: float, left: float, right: float) -> None:
    match align:
        case "left" | "justify":
            canv.drawString(left, y, text)
        case "center":
            canv.drawCentredString((left + right) / 2, y, text)
        case "right":
            canv.drawRightString(right, y, text)
        case _:
            assert_never(align)


def _measure(face: Face, size: float) -> Callable[[str], float]:
    """Width in points of a text in ``face`` at ``size``."""

    def measure(text: str) -> float:
        return float(stringWidth(text, face.font_name, size))

    return measure


class Chrome:
    """Draws what pages carry around their frame, as the layout asks; knows every text it draws.

    Its methods are the page templates' callbacks: ``cover_begin``/``cover_end`` for a
    cover, ``page_begin``/``page_end`` for every other page, and :meth:`footers` once the
    page count is known.
    """

    def __init__(self, pack: Pack, style: Style, fonts: FontSet, geometry: Geometry) -> None:
        """Furniture for ``pack`` in ``style``, placed by ``geometry`` (:func:`page_geometry`)."""
        self.style = style
        self.layout = pack.layout
        self.words = labels(pack.meta.language)
        self.title = one_line(pack.meta.title)
        self.sections = [
            untitled(e.article.meta.title, e.article.meta.language) for e in pack.articles
        ]
        self.marking = one_line(pack.meta.classification or "") or None
        self.geometry = geometry
        self.marking_face = fonts.face(style.role("marking"))
        self.header_face = fonts.face(style.role("header"))
        self.footer_face = fonts.face(style.role("footer"))
        self.marking_size = style.role("marking").size
        if self.marking is not None:
            self.marking, self.marking_size = self._fit_marking(self.marking)

    def _fit_marking(self, text: str) -> tuple[str, float]:
        """The marking and its size: smaller type if needed to stay on the page, else cut."""
        size = self.style.role("marking").size
        measure = _measure(self.marking_face, size)
        fitted, size = fit_marking(text, size, self.geometry.frame_width, measure)
        if fitted != text:
            _log.warning(
                "PDF: the classification marking is too long for one line and is cut on "
                "every page to %r (the full text is in the metadata)",
                fitted,
            )
        return fitted, size

    def texts(self) -> list[tuple[str, Face]]:
        """Every text the furniture draws, with its face, for the glyph check."""
        out = [(self.words.page_of.format(page=1234567890, pages=0), self.footer_face)]
        if self.layout.title_role == "title":
            out += [(section, self.header_face) for section in self.sections]
            out.append((ELLIPSIS, self.header_face))
        if self.layout.running_heads:
            out += [(self.title, self.header_face), (ELLIPSIS, self.header_face)]
            out += [(section, self.header_face) for section in self.sections]
            if self.layout.contents:
                out.append((self.words.in_this_pack, self.header_face))
        if self.marking:
            out.append((self.marking, self.marking_face))
        return out

    def _draw(
        self, canv: Any, text: str, role_name: str, face: Face, size: float, y: float
    ) -> None:
        """One line of ``text`` at ``y``, aligned between the margins as the role says."""
        role = self.style.role(role_name)
        page = self.style.page
        canv.saveState()
        canv.setFont(face.font_name, size)
        canv.setFillColor(HexColor(role.color))
        _draw_aligned(canv, text, role.align, y, page.margin_left, page.width - page.margin_right)
        canv.restoreState()

    def _marking(self, canv: Any, y: float) -> None:
        if self.marking is not None:
            self._draw(canv, self.marking, "marking", self.marking_face, self.marking_size, y)

    def cover_begin(self, canv: Any, doc: Any) -> None:
        """The cover's top marking (the cover has no header or footer)."""
        self._marking(canv, self.geometry.marking_top)

    def cover_end(self, canv: Any, doc: Any) -> None:
        """The cover's bottom marking."""
        doc.page_count = doc.page
        self._marking(canv, self.geometry.marking_bottom)

    def page_begin(self, canv: Any, doc: Any) -> None:
        """Top marking, then the running head if the layout has one and the page is no opener.

        An opener, the first page of a part (contents, an article, a handout's only
        article), has its own title right below: a running head there only repeats it.
        """
        opener = doc.opener
        doc.opener = False
        self._marking(canv, self.geometry.marking_top)
        if opener:
            return
        if self.layout.running_heads:
            self._running_head(canv, self.title, doc.section)
        elif self.layout.title_role == "title":
            self._running_head(canv, doc.section, "")

    def _running_head(self, canv: Any, title: str, section: str) -> None:
        """``title`` left, ``section`` right, each cut to fit; a thin rule below."""
        role = self.style.role("header")
        page = self.style.page
        measure = _measure(self.header_face, role.size)
        left, right = page.margin_left, page.width - page.margin_right
        width = right - left
        gap = role.size * 2
        # A pack's title takes at most a little over half the line; a title alone all of it.
        title = cut(title, width * 0.55 if section else width, measure)
        section = cut(one_line(section), width - measure(title) - gap, measure) if section else ""
        canv.saveState()
        canv.setFont(self.header_face.font_name, role.size)
        canv.setFillColor(HexColor(role.color))
        canv.drawString(left, self.geometry.header, title)
        if section:
            canv.drawRightString(right, self.geometry.header, section)
        canv.setStrokeColor(HexColor(role.color))
        canv.setLineWidth(0.5)
        canv.line(left, self.geometry.header_rule, right, self.geometry.header_rule)
        canv.restoreState()

    def page_end(self, canv: Any, doc: Any) -> None:
        """The footer's form (defined by :meth:`footers`), then the bottom marking.

        Drawn when the page ends, so the footer comes after the body in extracted text.
        """
        doc.page_count = doc.page
        doc.footer_pages.append(doc.page)
        canv.doForm(_footer_form(doc.page))
        self._marking(canv, self.geometry.marking_bottom)

    def footers(self, canv: Any, pages: list[int], total: int) -> None:
        """Define the footer form of each page in ``pages``: "Page X of Y", X counting a cover.

        A form per page, drawn in page coordinates: the whole text moves with the width of
        Y when the footer is centred or right-aligned, and the wording may put Y anywhere.
        A document of one page has empty footers: "Page 1 of 1" says nothing. Nor has a
        handout's first page a footer (see the module docstring).
        """
        role = self.style.role("footer")
        handout = self.layout.title_role == "title"
        for number in pages:
            with define_form(canv, _footer_form(number)):
                if total <= 1 or (handout and number == 1):
                    continue
                text = self.words.page_of.format(page=number, pages=total)
                self._draw(canv, text, "footer", self.footer_face, role.size, self.geometry.footer)


def _footer_form(page: int) -> str:
    return f"briefconv-footer-{page}"
