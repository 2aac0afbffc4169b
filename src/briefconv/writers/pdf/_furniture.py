"""The PDF pack's page furniture: classification marking, running header, footer.

Every page but the cover carries a running header (pack title, current section) and a
footer ("Page X of Y"); every page, the cover included, carries the classification
marking at its top and bottom edges.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, assert_never

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth

from briefconv.fonts.metrics import Face, FontSet
from briefconv.model import Pack
from briefconv.styles import Align, Style
from briefconv.wording import labels
from briefconv.writers.pdf._flowables import define_form
from briefconv.writers.pdf._text import plain

__all__ = ["Chrome", "Geometry", "page_geometry"]

#: Space kept clear at the paper's edge (about 5 mm): many printers cannot print there.
_EDGE = 14.0
_ELLIPSIS = "…"
#: Smallest type a long classification marking shrinks to before it is cut.
_MIN_MARKING_SIZE = 6.0

_log = logging.getLogger("briefconv")


@dataclass(frozen=True, slots=True)
class Geometry:
    """Where the frame and the page furniture go; y values from the page's bottom edge."""

    frame_top: float
    frame_bottom: float
    marking_top: float  # baselines from here down
    header: float
    header_rule: float
    footer: float
    marking_bottom: float


def page_geometry(style: Style, marked: bool) -> Geometry:
    """Fit marking, header and footer into the margins, shrinking the frame if they crowd.

    The header sits just above the frame under a thin rule and the footer just below it;
    the markings sit at the paper's edges (PDF text is drawn on its baseline: about 0.75
    of the size above it, 0.25 below).
    """
    page = style.page
    ms = style.role("marking").size
    hs = style.role("header").size
    fs = style.role("footer").size
    frame_top = page.height - page.margin_top
    frame_bottom = page.margin_bottom
    marking_top = page.height - _EDGE - 0.75 * ms
    marking_bottom = _EDGE + 0.25 * ms

    rule_gap = max(8.0, 0.8 * hs)
    header_room = marking_top - 0.25 * ms - 4.0 if marked else page.height - _EDGE
    header_top = frame_top + rule_gap + 0.3 * hs + 2.0 + 0.75 * hs
    frame_top -= max(0.0, header_top - header_room)
    header_rule = frame_top + rule_gap
    header = header_rule + 0.3 * hs + 2.0

    footer_gap = max(10.0, 1.2 * fs)
    footer_room = marking_bottom + 0.75 * ms + 4.0 if marked else _EDGE
    footer_bottom = frame_bottom - footer_gap - 0.75 * fs - 0.25 * fs
    frame_bottom += max(0.0, footer_room - footer_bottom)
    footer = frame_bottom - footer_gap - 0.75 * fs
    return Geometry(
        frame_top, frame_bottom, marking_top, header, header_rule, footer, marking_bottom
    )


def _fit(text: str, font_name: str, size: float, width: float) -> str:
    """``text``, cut with an ellipsis if wider than ``width`` points."""
    if stringWidth(text, font_name, size) <= width:
        return text
    while text and stringWidth(text + _ELLIPSIS, font_name, size) > width:
        text = text[:-1]
    return text.rstrip() + _ELLIPSIS


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


class Chrome:
    """Draws what every page carries around its frame; knows every text it draws."""

    def __init__(self, pack: Pack, style: Style, fonts: FontSet) -> None:
        self.style = style
        self.words = labels(pack.meta.language)
        self.title = plain(pack.meta.title)
        self.marking = plain(pack.meta.classification or "") or None
        self.geometry = page_geometry(style, self.marking is not None)
        self.marking_face = fonts.face(style.role("marking"))
        self.header_face = fonts.face(style.role("header"))
        self.footer_face = fonts.face(style.role("footer"))
        self.marking_size = style.role("marking").size
        if self.marking is not None:
            self.marking, self.marking_size = self._fit_marking(self.marking)

    def _fit_marking(self, text: str) -> tuple[str, float]:
        """The marking and its size: smaller type if needed to stay on the page, else cut."""
        page = self.style.page
        width = page.width - page.margin_left - page.margin_right
        size = self.style.role("marking").size
        natural = stringWidth(text, self.marking_face.font_name, size)
        if natural <= width:
            return text, size
        size = max(size * width / natural, _MIN_MARKING_SIZE)
        fitted = _fit(text, self.marking_face.font_name, size, width)
        if fitted != text:
            _log.warning(
                "PDF: the classification marking is too long for one line and is cut on "
                "every page to %r (the full text is in the metadata)",
                fitted,
            )
        return fitted, size

    def texts(self) -> list[tuple[str, Face]]:
        """Every fixed text the furniture draws, with its face, for the glyph check."""
        out = [
            (self.title, self.header_face),
            (self.words.in_this_pack, self.header_face),
            (_ELLIPSIS, self.header_face),
            (self.words.page_of.format(page=1234567890, pages=0), self.footer_face),
        ]
        if self.marking:
            out.append((self.marking, self.marking_face))
        return out

    def _marking(self, canv: Any, y: float) -> None:
        if self.marking is None:
            return
        role = self.style.role("marking")
        page = self.style.page
        canv.saveState()
        canv.setFont(self.marking_face.font_name, self.marking_size)
        canv.setFillColor(HexColor(role.color))
        _draw_aligned(
            canv, self.marking, role.align, y, page.margin_left, page.width - page.margin_right
        )
        canv.restoreState()

    def cover_begin(self, canv: Any, doc: Any) -> None:
        """The cover's top marking (the cover has no header or footer)."""
        self._marking(canv, self.geometry.marking_top)

    def cover_end(self, canv: Any, doc: Any) -> None:
        """The cover's bottom marking."""
        doc.page_count = doc.page
        self._marking(canv, self.geometry.marking_bottom)

    def page_begin(self, canv: Any, doc: Any) -> None:
        """Top marking, then the header: pack title left, current section right."""
        self._marking(canv, self.geometry.marking_top)
        role = self.style.role("header")
        page = self.style.page
        face = self.header_face.font_name
        left, right = page.margin_left, page.width - page.margin_right
        width = right - left
        gap = role.size * 2
        title = _fit(self.title, face, role.size, width * 0.55)
        title_width = stringWidth(title, face, role.size)
        section = _fit(plain(doc.section), face, role.size, width - title_width - gap)
        canv.saveState()
        canv.setFont(face, role.size)
        canv.setFillColor(HexColor(role.color))
        canv.drawString(left, self.geometry.header, title)
        if section:
            canv.drawRightString(right, self.geometry.header, section)
        canv.setStrokeColor(HexColor(role.color))
        canv.setLineWidth(0.5)
        canv.line(left, self.geometry.header_rule, right, self.geometry.header_rule)
        canv.restoreState()

    def page_end(self, canv: Any, doc: Any) -> None:
        """The footer's form (defined by :meth:`footers`), then the bottom marking."""
        doc.page_count = doc.page
        doc.footer_pages.append(doc.page)
        canv.doForm(_footer_form(doc.page))
        self._marking(canv, self.geometry.marking_bottom)

    def footers(self, canv: Any, pages: list[int], total: int) -> None:
        """Define the footer form of each page in ``pages``: "Page X of Y", X counting the cover.

        A form per page, drawn in page coordinates: the whole text moves with the width of
        Y when the footer is centred or right-aligned, and the wording may put Y anywhere.
        """
        for number in pages:
            with define_form(canv, _footer_form(number)):
                self._footer(canv, self.words.page_of.format(page=number, pages=total))

    def _footer(self, canv: Any, text: str) -> None:
        role = self.style.role("footer")
        page = self.style.page
        canv.saveState()
        canv.setFont(self.footer_face.font_name, role.size)
        canv.setFillColor(HexColor(role.color))
        _draw_aligned(
            canv,
            text,
            role.align,
            self.geometry.footer,
            page.margin_left,
            page.width - page.margin_right,
        )
        canv.restoreState()


def _footer_form(page: int) -> str:
    return f"briefconv-footer-{page}"
