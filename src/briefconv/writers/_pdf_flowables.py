"""Flowables the PDF writer adds to reportlab's: outline headings, quote boxes, pack parts.

For briefing packs: section breaks for the running header, contents lines with dot
leaders and page numbers, and blocks set at the foot of the cover.

reportlab has no splittable box with a background and a single left rule: a one-cell
``Table`` raises ``LayoutError`` once a quote is taller than a page (PITFALLS 7), so
:class:`QuoteBox` lays out its own content and splits between (and inside) paragraphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Paragraph

__all__ = [
    "LEADER_CALLBACK",
    "LEADER_MARK",
    "BottomBlock",
    "BoxLook",
    "ContentsLine",
    "HeadingParagraph",
    "OutlineEntry",
    "QuoteBox",
    "SectionBreak",
    "number_reserve",
]

#: Name of the ``<onDraw>`` callback that tells a :class:`ContentsLine` where its text ends.
#: Paragraph markup ending in ``LEADER_MARK`` calls it; the name is ours, never the input's.
LEADER_CALLBACK = "briefconv_leader"
LEADER_MARK = f'<onDraw name="{LEADER_CALLBACK}" label="end"/>'


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """A bookmark for the PDF outline: plain-text title, unique key, nesting level."""

    title: str
    key: str
    level: int


class HeadingParagraph(Paragraph):  # type: ignore[misc]  # reportlab has no type stubs
    """A paragraph that adds itself to the PDF outline when first drawn.

    Registering at draw time puts the destination at the heading's real page and height.
    Only the first part of a split heading carries the entry, so it is added once.
    """

    outline: OutlineEntry | None = None

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """Split like a paragraph; only the first part keeps the outline entry."""
        parts: list[Any] = super().split(availWidth, availHeight)
        for i, part in enumerate(parts):
            if isinstance(part, HeadingParagraph):
                part.outline = self.outline if i == 0 else None
        return parts

    def draw(self) -> None:
        """Bind the bookmark to the top of the heading, add the outline entry, draw."""
        entry = self.outline
        if entry is not None:
            self.canv.bookmarkHorizontal(entry.key, 0, self.height)
            self.canv.addOutlineEntry(entry.title, entry.key, level=entry.level, closed=False)
        super().draw()


@dataclass(frozen=True, slots=True)
class BoxLook:
    """How a :class:`QuoteBox` looks: indents, padding, rule and fill (colours #RRGGBB)."""

    indent_left: float
    indent_right: float
    padding: float
    rule_width: float
    rule_color: str | None
    background: str | None


class QuoteBox(Flowable):  # type: ignore[misc]  # reportlab has no type stubs
    """A block of flowables on a filled background with a rule down its left side.

    It splits like a frame does: as many children as fit, the next one split if it can
    be, the rest in a new box; each part is drawn as a complete box on its own page.
    """

    def __init__(
        self,
        content: list[Any],
        look: BoxLook,
        *,
        space_before: float = 0.0,
        space_after: float = 0.0,
    ) -> None:
        """Box ``content`` (reportlab flowables) with ``look``."""
        super().__init__()
        self.content = content
        self.look = look
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self._heights: list[float] = []

    def _inner_width(self, avail_width: float) -> float:
        look = self.look
        return max(
            avail_width - look.indent_left - look.indent_right - look.rule_width - 2 * look.padding,
            1.0,
        )

    def _gap(self, index: int) -> float:
        """Vertical space between child ``index - 1`` and child ``index``."""
        if index == 0:
            return 0.0
        prev, cur = self.content[index - 1], self.content[index]
        return float(prev.getSpaceAfter()) + float(cur.getSpaceBefore())

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Lay out every child at the inner width; return the box's size."""
        inner = self._inner_width(availWidth)
        self._heights = []
        total = 2 * self.look.padding
        for i, child in enumerate(self.content):
            _, height = child.wrap(inner, availHeight)
            self._heights.append(float(height))
            total += self._gap(i) + float(height)
        self.width = availWidth
        self.height = total
        return availWidth, total

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """Split into a box that fits ``availHeight`` and a box with the rest, or ``[]``."""
        inner = self._inner_width(availWidth)
        room = availHeight - 2 * self.look.padding
        used = 0.0
        head: list[Any] = []
        tail: list[Any] = []
        for i, child in enumerate(self.content):
            gap = self._gap(i) if head else 0.0
            _, height = child.wrap(inner, max(room - used - gap, 0.0))
            if used + gap + height <= room:
                head.append(child)
                used += gap + height
                continue
            parts: list[Any] = (
                child.split(inner, room - used - gap) if room - used - gap > 0 else []
            )
            if len(parts) >= 2:
                head.append(parts[0])
                tail = list(parts[1:]) + self.content[i + 1 :]
            else:
                tail = self.content[i:]
            break
        if not head or not tail:
            # Nothing fits here, so the frame moves on to a new page (or it all fits, which
            # wrap() already said it does not: never hand back self, the frame would loop).
            return []
        first = QuoteBox(head, self.look, space_before=self.spaceBefore)
        rest = QuoteBox(tail, self.look, space_after=self.spaceAfter)
        return [first, rest]

    def draw(self) -> None:
        """Paint the background and the rule, then draw the children top to bottom."""
        look = self.look
        canv = self.canv
        box_width = self.width - look.indent_left - look.indent_right
        canv.saveState()
        if look.background is not None:
            canv.setFillColor(HexColor(look.background))
            canv.rect(look.indent_left, 0, box_width, self.height, stroke=0, fill=1)
        if look.rule_color is not None and look.rule_width > 0:
            canv.setFillColor(HexColor(look.rule_color))
            canv.rect(look.indent_left, 0, look.rule_width, self.height, stroke=0, fill=1)
        canv.restoreState()
        x = look.indent_left + look.rule_width + look.padding
        y = self.height - look.padding
        for i, (child, height) in enumerate(zip(self.content, self._heights, strict=True)):
            y -= self._gap(i) + height
            child.drawOn(canv, x, y)


def _stack_gap(content: list[Any], index: int) -> float:
    """Vertical space between flowable ``index - 1`` and flowable ``index`` of ``content``."""
    if index == 0:
        return 0.0
    return float(content[index - 1].getSpaceAfter()) + float(content[index].getSpaceBefore())


class SectionBreak(PageBreak):  # type: ignore[misc]  # reportlab has no type stubs
    """A page break after which the pages belong to the section ``title``.

    The document's ``afterFlowable`` reads it to set the running header. reportlab calls
    that after ending the page but before beginning the next one, so the header is right
    from the section's first page; and unlike a zero-size marker before a ``PageBreak``, a
    break needs no room left on the page it ends.
    """

    def __init__(self, title: str) -> None:
        """Start a new page belonging to ``title``."""
        super().__init__()
        self.title = title


class ContentsLine(Flowable):  # type: ignore[misc]  # reportlab has no type stubs
    """A contents entry's title with dot leaders and a right-aligned page number.

    The whole line is one internal link to the bookmark ``key``. The title paragraph is
    set ``reserve`` points narrower than the frame, whatever the number, so the layout
    (and so every page number) is the same in both build passes. The paragraph's markup
    must end in :data:`LEADER_MARK`, which reports where its last line ends.
    """

    def __init__(
        self,
        paragraph: Paragraph,
        *,
        key: str,
        number: str,
        font_name: str,
        font_size: float,
        color: str,
        leader_color: str,
        reserve: float,
    ) -> None:
        """Wrap ``paragraph``; show ``number`` (may be empty) at the right; link to ``key``."""
        super().__init__()
        self.paragraph = paragraph
        self.key = key
        self.number = number
        self.font_name = font_name
        self.font_size = font_size
        self.color = color
        self.leader_color = leader_color
        self.reserve = reserve
        self._end: tuple[float, float] | None = None

    def _options(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "number": self.number,
            "font_name": self.font_name,
            "font_size": self.font_size,
            "color": self.color,
            "leader_color": self.leader_color,
            "reserve": self.reserve,
        }

    def getSpaceBefore(self) -> float:
        """The paragraph's space before."""
        return float(self.paragraph.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        """The paragraph's space after."""
        return float(self.paragraph.getSpaceAfter())

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Lay the title out in the frame width less the number column."""
        _, height = self.paragraph.wrap(max(availWidth - self.reserve, 1.0), availHeight)
        self.width, self.height = availWidth, float(height)
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """Split the title between lines; only the part holding the end draws the number."""
        parts = self.paragraph.split(max(availWidth - self.reserve, 1.0), availHeight)
        return [ContentsLine(part, **self._options()) for part in parts]

    def _at_end(self, canv: Any, kind: str, label: str | None) -> None:
        info = canv._curr_tx_info
        self._end = (float(info["cur_x"]), float(info["cur_y"]))

    def draw(self) -> None:
        """Draw the title, then the leaders and the number after its last line, and link."""
        canv = self.canv
        self._end = None
        canv.setNamedCB(LEADER_CALLBACK, self._at_end)
        self.paragraph.drawOn(canv, 0, 0)
        if self._end is not None and self.number:
            end_x, baseline = self._end
            canv.saveState()
            canv.setFont(self.font_name, self.font_size)
            canv.setFillColor(HexColor(self.color))
            canv.drawRightString(self.width, baseline, self.number)
            # Dots on a grid counted from the number column, so they line up between
            # entries; drawn as shapes, so extracted text reads "Title 3", not "Title ....".
            step = self.font_size * 0.55
            radius = max(self.font_size * 0.045, 0.4)
            number_width = stringWidth(self.number, self.font_name, self.font_size)
            first = end_x + step
            canv.setFillColor(HexColor(self.leader_color))
            x = self.width - 2 * step
            while x > self.width - number_width - step:
                x -= step
            while x >= first:
                canv.circle(x, baseline + radius, radius, stroke=0, fill=1)
                x -= step
            canv.restoreState()
        canv.linkRect("", self.key, (0, 0, self.width, self.height), relative=1, thickness=0)


def number_reserve(font_name: str, font_size: float) -> float:
    """Width kept free for a contents page number (up to four digits) and its gap."""
    return float(stringWidth("0000", font_name, font_size)) + font_size * 1.5


class BottomBlock(Flowable):  # type: ignore[misc]  # reportlab has no type stubs
    """Flowables set at the foot of the frame: the block takes all the height left.

    For a cover whose last lines sit at the bottom of the page. If they do not fit in
    what is left, they flow as ordinary flowables instead.
    """

    def __init__(self, content: list[Any]) -> None:
        """Set ``content`` (reportlab flowables) at the bottom of the frame."""
        super().__init__()
        self.content = content
        self._heights: list[float] = []
        self._total = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Measure the content; claim the whole remaining height if it fits."""
        self._heights = []
        total = 0.0
        for i, child in enumerate(self.content):
            _, height = child.wrap(availWidth, availHeight)
            self._heights.append(float(height))
            total += _stack_gap(self.content, i) + float(height)
        self._total = total
        self.width = availWidth
        self.height = max(total, availHeight)
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """Too tall for what is left: let the content flow on its own."""
        return list(self.content)

    def draw(self) -> None:
        """Draw the content top to bottom, ending at the bottom of the block."""
        y = self._total
        for i, (child, height) in enumerate(zip(self.content, self._heights, strict=True)):
            y -= _stack_gap(self.content, i) + height
            child.drawOn(self.canv, 0, y)
