"""The PDF pack cover: one page with every part at its place, as issue 16's review designed it.

From the top of the frame down (the markings are page furniture, drawn at the paper's
edges like on every page):

- an **identity band**, 12 mm of the accent colour across the frame, naming the issuing
  unit (``prepared_by``) in letter-spaced capitals; the style's ``[pack] logo``, if any,
  stands at its left, outside it, so a dark logo never sits on the dark band;
- the **title**, its first baseline a third of the way down the page, then the subtitle
  and a 0.75 pt rule in the accent colour;
- the **details**, a two-column table: labels in small grey capitals, values at 10.5 pt
  or more in the body's (black) colour;
- in the **lower third**, "In this pack": each article numbered, with its title and
  reading time, then the counts line ("3 articles · about 6 minutes' reading").

The cover is one flowable that takes its whole frame (:class:`CoverPage`), so it never
flows onto a second page: a title or a detail too long for its share of the page is set
smaller (reportlab's ``KeepInFrame``), and articles that do not fit in the lower third are
left out after a "…" line (the counts line still gives them all).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable
from reportlab.platypus.flowables import KeepInFrame

from briefconv.fonts.metrics import Face, FontSet
from briefconv.styles import Role, Style
from briefconv.wording import CoverText, one_line
from briefconv.writers._furniture import (
    BAND_HEIGHT,
    ELLIPSIS,
    TRACKING,
    CoverRoles,
    caps,
    cover_roles,
    cut,
)
from briefconv.writers.pdf._tags import Node, content

__all__ = ["BAND_HEIGHT", "CoverPage", "caps", "cover_page", "cover_roles"]

#: Space between the parts, in points.
_GAP = 14.0


@dataclass(frozen=True, slots=True)
class Caps:
    """One line of letter-spaced capitals, drawn on the canvas (paragraphs cannot track)."""

    text: str
    face: Face
    role: Role

    @property
    def spacing(self) -> float:
        """Space added after every character, in points."""
        return self.role.size * TRACKING

    def width(self) -> float:
        """The line's width, letter spacing included (none after the last character)."""
        natural = float(stringWidth(self.text, self.face.font_name, self.role.size))
        return natural + self.spacing * max(len(self.text) - 1, 0)

    def draw(self, canv: Any, x: float, baseline: float) -> None:
        """Draw the line from ``x`` on ``baseline``."""
        # The letter spacing is graphics state: it would outlive the text object and track
        # everything drawn after it.
        canv.saveState()
        text = canv.beginText(x, baseline)
        text.setFont(self.face.font_name, self.role.size)
        text.setCharSpace(self.spacing)
        text.setFillColor(HexColor(self.role.color))
        text.textOut(self.text)
        canv.drawText(text)
        canv.restoreState()


@dataclass
class CoverParts:
    """What the cover draws, made by :func:`cover_page`; paragraphs are reportlab's."""

    roles: CoverRoles
    identity: Caps | None
    logo: Any | None  # a reportlab Image, scaled to the band's height
    title: list[Any]  # the title's and the subtitle's paragraphs
    details: list[tuple[Caps, Any]]  # label, value paragraph
    contents: Caps
    entries: list[tuple[str, Any, str]]  # number, title paragraph, reading time
    more: Any  # the "…" line after the entries that do not fit
    summary: Any  # the counts line
    number_face: Face
    time_face: Face


class CoverPage(Flowable):  # type: ignore[misc]  # reportlab has no type stubs
    """The whole cover: takes its frame's full height and draws every part at its place.

    Places are given from the top of the page (a third of the way down is ``height / 3``)
    and turned into the flowable's own coordinates: it sits at the foot of its frame, at
    ``frame_bottom`` above the paper's bottom edge.

    In a tagged PDF, ``tag`` is the cover's ``Sect``: the title is an ``H1``, the identity,
    each detail and the counts are ``P``, the articles an ``L``; the band, the rules and
    the logo are artifacts.
    """

    tag: Node | None = None

    def __init__(self, parts: CoverParts, page_height: float, frame_bottom: float) -> None:
        """Draw ``parts`` on a page ``page_height`` high, the frame's foot at ``frame_bottom``."""
        super().__init__()
        self.parts = parts
        self.page_height = page_height
        self.frame_bottom = frame_bottom

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Claim the whole frame: the cover is the page."""
        self.width, self.height = availWidth, availHeight
        return availWidth, availHeight

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """Never split: the cover is drawn on one page whatever it holds."""
        return []

    def _y(self, from_top: float) -> float:
        """The flowable's y of a place ``from_top`` points below the paper's top edge."""
        return self.page_height - from_top - self.frame_bottom

    def _node(self, role: str, parent: Node | None = None, **kwargs: Any) -> Node | None:
        """A new element under ``parent`` or the cover's, if tagged."""
        if self.tag is None:
            return None
        return (parent or self.tag).add(role, **kwargs)

    def draw(self) -> None:
        """Band, title block, details, then the lower third, top to bottom."""
        canv, parts, roles = self.canv, self.parts, self.parts.roles
        width = self.width
        top = self.page_height - self.frame_bottom - self.height  # the frame's top, from top
        bottom = self.page_height - self.frame_bottom  # the frame's foot, from the top

        # The identity band at the top of the frame, the logo left of it.
        band_left = 0.0
        if parts.logo is not None:
            parts.logo.drawOn(canv, 0, self._y(top + BAND_HEIGHT))
            band_left = parts.logo.drawWidth + 8.0
        canv.saveState()
        canv.setFillColor(HexColor(roles.accent))
        canv.rect(band_left, self._y(top + BAND_HEIGHT), width - band_left, BAND_HEIGHT, 0, 1)
        canv.restoreState()
        if parts.identity is not None:
            size = parts.identity.role.size
            # Capitals centred on the band: their height is about 0.73 of the size.
            baseline = top + (BAND_HEIGHT + 0.73 * size) / 2
            with content(canv, self._node("P")):
                parts.identity.draw(canv, band_left + 0.8 * size, self._y(baseline))

        # The title's first baseline a third of the way down (reportlab sets a paragraph's
        # first baseline one font size below its top).
        title_size = parts.title[0].style.fontSize
        y = max(self.page_height / 3 - title_size, top + BAND_HEIGHT + _GAP)
        room = bottom - y
        for index, paragraph in enumerate(parts.title):
            paragraph.tag = self._node("H1" if index == 0 else "P")
        y = self._place(parts.title, y, room * 0.4)
        y += 12.0
        canv.saveState()
        canv.setStrokeColor(HexColor(roles.accent))
        canv.setLineWidth(0.75)
        canv.line(0, self._y(y), width, self._y(y))
        canv.restoreState()
        y += _GAP
        y = self._details(y, room * 0.3)
        self._lower(max(self.page_height * 2 / 3, y + 2 * _GAP), bottom)

    def _place(self, flowables: list[Any], y: float, most: float) -> float:
        """Draw ``flowables`` from ``y`` down, set smaller if taller than ``most``; new y."""
        box = KeepInFrame(self.width, most, content=flowables, mode="shrink")
        _, height = box.wrapOn(self.canv, self.width, most)
        box.drawOn(self.canv, 0, self._y(y + height))
        return y + float(height)

    def _details(self, y: float, most: float) -> float:
        """The details table from ``y`` down; its new bottom."""
        rows = self.parts.details
        if not rows:
            return y
        column = max(label.width() for label, _ in rows) + _GAP
        table = _Details(rows, column, [self._node("P") for _ in rows])
        return self._place([table], y, most)

    def _lower(self, y: float, bottom: float) -> None:
        """The "In this pack" list from ``y`` down: the entries that fit, then the counts."""
        canv, parts = self.canv, self.parts
        width = self.width
        canv.saveState()
        canv.setStrokeColor(HexColor(parts.roles.label.color))
        canv.setLineWidth(0.5)
        canv.line(0, self._y(y), width, self._y(y))
        canv.restoreState()
        label = parts.contents
        y += 6.0 + label.role.size
        with content(canv, self._node("P")):
            label.draw(canv, 0, self._y(y))
        listed = self._node("L", attributes={"O": "List", "ListNumbering": "Decimal"})
        y += 8.0
        value = parts.roles.value
        number_width = float(stringWidth("00", parts.number_face.font_name, value.size)) + 8.0
        times = [time for _, _, time in parts.entries]
        time_width = max(
            (float(stringWidth(t, parts.time_face.font_name, value.size)) for t in times),
            default=0.0,
        )
        title_width = width - number_width - time_width - _GAP
        _, summary_height = parts.summary.wrap(width, bottom)
        _, more_height = parts.more.wrap(title_width, bottom)
        limit = bottom - summary_height - 8.0  # where the last entry must end
        for index, (number, title, time) in enumerate(parts.entries):
            _, height = title.wrap(title_width, bottom)
            last = index == len(parts.entries) - 1
            # Room for this entry, and for the "…" line unless it is the last one.
            if y + height + (0 if last else 4.0 + more_height) > limit:
                parts.more.tag = self._node("P")
                parts.more.drawOn(canv, number_width, self._y(y + more_height))
                y += more_height + 4.0
                break
            # Number, title, time: drawn in reading order, so text extraction reads so.
            baseline = y + value.size  # a paragraph's first baseline
            item = self._node("LI", listed)
            label_tag = self._node("Lbl", item) if item else None
            body = self._node("LBody", item) if item else None
            with content(canv, label_tag):
                canv.saveState()
                canv.setFont(parts.number_face.font_name, value.size)
                canv.setFillColor(HexColor(parts.roles.number.color))
                canv.drawString(0, self._y(baseline), number)
                canv.restoreState()
            title.tag = body
            title.drawOn(canv, number_width, self._y(y + height))
            with content(canv, body):
                canv.saveState()
                canv.setFont(parts.time_face.font_name, value.size)
                canv.setFillColor(HexColor(parts.roles.label.color))
                canv.drawRightString(width, self._y(baseline), time)
                canv.restoreState()
            y += height + 4.0
        parts.summary.tag = self._node("P")
        parts.summary.drawOn(canv, 0, self._y(y + 4.0 + summary_height))


class _Details(Flowable):  # type: ignore[misc]  # reportlab has no type stubs
    """The details' rows: a label in capitals, its value beside it, sharing a baseline."""

    def __init__(
        self, rows: Sequence[tuple[Caps, Any]], column: float, tags: Sequence[Node | None]
    ) -> None:
        super().__init__()
        self.rows = list(rows)
        self.column = column
        #: Each row's element in a tagged PDF (a ``P``: label and value read as one).
        self.tags = list(tags)
        self._heights: list[float] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._heights = [
            float(value.wrap(availWidth - self.column, availHeight)[1]) for _, value in self.rows
        ]
        self.width = availWidth
        self.height = sum(self._heights) + _ROW_GAP * max(len(self.rows) - 1, 0)
        return availWidth, self.height

    def draw(self) -> None:
        y = self.height
        rows = zip(self.rows, self._heights, self.tags, strict=True)
        for (label, value), height, tag in rows:
            # The value's first baseline is one font size below its top: the label's too.
            with content(self.canv, tag):
                label.draw(self.canv, 0, y - value.style.fontSize)
            value.tag = tag
            value.drawOn(self.canv, self.column, y - height)
            y -= height + _ROW_GAP


#: Space between two rows of the details, in points.
_ROW_GAP = 5.0


def cover_page(
    text: CoverText,
    style: Style,
    fonts: FontSet,
    *,
    paragraph: Callable[[str, str, Role], Any],
    record: Callable[[str, Face], None],
    logo: Any | None,
    frame_width: float,
    page_height: float,
    frame_bottom: float,
) -> CoverPage:
    """The cover of ``text`` in ``style``, one flowable for its whole frame.

    ``paragraph(text, name, role)`` makes a reportlab paragraph of plain ``text`` (escaped,
    its face noted for the glyph check); ``record`` notes a text drawn straight on the
    canvas, with its face. ``logo`` is the style's logo, already scaled to the band.
    """
    roles = cover_roles(style)
    label_face = fonts.face(roles.label)

    def capitals(words: str, role: Role, face: Face) -> Caps:
        line = Caps(caps(one_line(words)), face, role)
        record(line.text, face)
        return line

    identity = None
    if text.identity:
        face = fonts.face(roles.identity)
        logo_width = logo.drawWidth + 8.0 if logo is not None else 0.0
        room = frame_width - logo_width - 1.6 * roles.identity.size

        def tracked(line: str) -> float:
            return Caps(line, face, roles.identity).width()

        identity = Caps(cut(caps(text.identity), room, tracked), face, roles.identity)
        record(identity.text, face)
    title_role = style.role("cover_title")
    title = [paragraph(text.title, "cover_title", replace(title_role, space_after=0.0))]
    if text.subtitle:
        subtitle = replace(style.role("subtitle"), space_before=10.0, space_after=0.0)
        title.append(paragraph(text.subtitle, "subtitle", subtitle))
    details = [
        (capitals(label, roles.label, label_face), paragraph(value, "cover_value", roles.value))
        for label, value in text.details
    ]
    number_face = fonts.face(roles.number)
    time_face = fonts.face(roles.label)
    record("0123456789", number_face)
    value_face = fonts.face(roles.value)

    def measure_title(line: str) -> float:
        return float(stringWidth(line, value_face.font_name, roles.value.size))

    entries = []
    for index, (entry_title, minutes) in enumerate(text.entries, start=1):
        # At most about two lines: a cover lists, the contents page tells.
        shown = cut(one_line(entry_title), frame_width * 1.3, measure_title)
        entries.append((str(index), paragraph(shown, "cover_value", roles.value), minutes))
        record(minutes, time_face)
    parts = CoverParts(
        roles=roles,
        identity=identity,
        logo=logo,
        title=title,
        details=details,
        contents=capitals(text.contents, roles.label, label_face),
        entries=entries,
        more=paragraph(ELLIPSIS, "cover_value", roles.value),
        summary=paragraph(
            text.summary, "cover_summary", replace(roles.value, color=roles.label.color)
        ),
        number_face=number_face,
        time_face=time_face,
    )
    return CoverPage(parts, page_height, frame_bottom)
