"""Flowables the PDF writer adds to reportlab's: outline-aware headings and quote boxes.

reportlab has no splittable box with a background and a single left rule: a one-cell
``Table`` raises ``LayoutError`` once a quote is taller than a page (PITFALLS 7), so
:class:`QuoteBox` lays out its own content and splits between (and inside) paragraphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.platypus import Flowable, Paragraph

__all__ = ["HeadingParagraph", "OutlineEntry", "QuoteBox"]


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
