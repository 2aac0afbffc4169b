"""Flowables the PDF writer adds to reportlab's: outline headings, quote boxes, pack parts.

For briefing packs: section breaks for the running header, contents lines with dot
leaders and page numbers, and blocks set at the foot of the cover.

Numbers known only once layout is over ("of 12" in a footer, the page each article of a
pack starts on) are drawn as PDF form XObjects: a page draws a form by name while it is
laid out, and :class:`FinishingCanvas` defines the form after the last page, before the
file is written. So a document is laid out once, not once to count its pages and again
to print the count (PITFALLS 7).

reportlab has no splittable box with a background and a single left rule: a one-cell
``Table`` raises ``LayoutError`` once a quote is taller than a page (PITFALLS 7), so
:class:`QuoteBox` lays out its own content and splits between (and inside) paragraphs.
:class:`NoteBox`, a footnote with its number hanging beside its blocks, is one too.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, Image, KeepTogether, PageBreak, Paragraph
from reportlab.platypus.flowables import _listWrapOn

from briefconv.writers.pdf._breaks import balanced_lines, discipline_hyphens
from briefconv.writers.pdf._tags import (
    Node,
    Tagging,
    TaggingMixin,
    content,
    label_next_text,
    link_owner,
    paragraph_lines,
)

__all__ = [
    "LEADER_CALLBACK",
    "LEADER_MARK",
    "BoxLook",
    "ContentsLine",
    "ContentsNumbers",
    "DisplayParagraph",
    "FinishingCanvas",
    "HeadingKeeper",
    "HeadingParagraph",
    "HeadingRoom",
    "NoteBox",
    "OutlineEntry",
    "QuoteBox",
    "SectionBreak",
    "TaggedImage",
    "TextParagraph",
    "define_form",
    "join_fragments",
    "number_reserve",
]

#: Name of the ``<onDraw>`` callback that tells a :class:`ContentsLine` where its text ends.
#: Paragraph markup ending in ``LEADER_MARK`` calls it; the name is ours, never the input's.
LEADER_CALLBACK = "briefconv_leader"
LEADER_MARK = f'<onDraw name="{LEADER_CALLBACK}" label="end"/>'


class FinishingCanvas(TaggingMixin, Canvas):  # type: ignore[misc]  # reportlab has no stubs
    """A canvas that calls ``finish(canvas)`` after the last page, before writing the file.

    ``finish`` defines the forms the pages drew by name (:func:`define_form`). A page may
    use a form defined later: reportlab refers to it by name only until ``save`` writes
    the file (and raises there if it is still undefined). Text drawn in a form adds its
    glyphs to the font subsets like any other, since fonts are embedded when the file is
    written. Give it to ``build`` as ``canvasmaker=FinishingCanvas.maker(finish)``.

    With a :class:`~._tags.Tagging` it marks what the pages draw and writes the structure
    tree when saved (a tagged PDF, :mod:`._tags`).
    """

    def __init__(
        self,
        *args: Any,
        finish: Callable[[Any], None],
        tagging: Tagging | None = None,
        **kwargs: Any,
    ) -> None:
        """A reportlab ``Canvas`` (same arguments) that runs ``finish`` when saved."""
        self.tagging = tagging
        super().__init__(*args, **kwargs)
        self._finish = finish

    @classmethod
    def maker(
        cls, finish: Callable[[Any], None], tagging: Tagging | None = None
    ) -> Callable[..., FinishingCanvas]:
        """A ``canvasmaker`` for ``BaseDocTemplate.build`` that runs ``finish``."""
        return functools.partial(cls, finish=finish, tagging=tagging)

    def save(self) -> None:
        """Define the late forms, add the structure tree, then write the file."""
        # The document template has shown the last page already, so a form begun here
        # starts from an empty stream; were a page still open, beginForm would set it
        # aside and reportlab's save would show it afterwards.
        self._finish(self)
        if self.tagging is not None:
            self.tagging.write(self._doc)
        super().save()


@contextmanager
def define_form(
    canv: Any, name: str, bbox: tuple[float, float, float, float] | None = None
) -> Iterator[None]:
    """Draw into the form XObject ``name`` inside the ``with`` block.

    ``bbox`` (left, bottom, right, top, in the form's own space) clips what is drawn;
    without it the form is the page, for furniture drawn in page coordinates.
    """
    if bbox is None:
        canv.beginForm(name)
    else:
        canv.beginForm(name, *bbox)
    yield
    canv.endForm()


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """A bookmark for the PDF outline: plain-text title, unique key, nesting level."""

    title: str
    key: str
    level: int


class TextParagraph(Paragraph):  # type: ignore[misc]  # reportlab has no type stubs
    """A paragraph whose runs of text in one style are one fragment each, as written.

    reportlab's parser ends a fragment at every entity, so ``a &amp; &amp; b`` becomes
    ``"a "``, ``"&"``, ``" "``, ``"&"``, ``" b"``; its line breaker then drops a fragment
    that is only white space and the space after a soft-hyphenated word that ends a
    fragment ("a & & b" printed "a&& b", "Chateau & Estate" "Chateau& Estate"). Fragments
    that differ only in their text are joined again after parsing, so an entity is text
    like any other. Every paragraph of the PDF writer is one of these.

    ``tag`` is the structure element its text belongs to in a tagged PDF (every part of
    a split paragraph has the same), ``label_tag`` its bullet's or number's (a list
    item's ``Lbl``), drawn by the first part only.
    """

    tag: Node | None = None
    label_tag: Node | None = None

    def _setup(self, text: str, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:
        super()._setup(text, style, bulletText, frags, cleaner)
        if frags is None:  # parsed here, not handed over by a split
            self.frags: list[Any] = join_fragments(self.frags)

    def breakLines(self, width: Any) -> Any:
        """The lines reportlab breaks, less the soft-hyphen breaks a typesetter would refuse.

        See :func:`._breaks.discipline_hyphens`: no three hyphenated lines in a row, no
        hyphen on the last full line. Breaking is where wrap and split both start, so the
        lines a page shows are the lines that were measured.
        """

        def again() -> Any:
            return super(TextParagraph, self).breakLines(width)

        return discipline_hyphens(self.frags, again(), again)

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """Split like a paragraph; every part keeps the element, the first the label's."""
        parts: list[Any] = super().split(availWidth, availHeight)
        for i, part in enumerate(parts):
            if isinstance(part, TextParagraph):
                part.tag = self.tag
                part.label_tag = self.label_tag if i == 0 else None
        return parts

    def _drawOn(self, canv: Any) -> None:
        """Draw as the content of :attr:`tag`; the bullet, if any, as :attr:`label_tag`'s."""
        lines = len(getattr(getattr(self, "blPara", None), "lines", ()))
        with content(canv, self.tag, self), paragraph_lines(canv, lines):
            if self.label_tag is not None and self.bulletText:
                label_next_text(canv, self.label_tag)
            try:
                super()._drawOn(canv)
            finally:
                label_next_text(canv, None)


def join_fragments(frags: list[Any]) -> list[Any]:
    """Consecutive text fragments that differ only in their text, joined into one.

    Images (``cbDefn``), line breaks and other special fragments are kept as they are.
    """
    out: list[Any] = []
    for frag in frags:
        previous = out[-1] if out else None
        if (
            previous is not None
            and _is_text(previous)
            and _is_text(frag)
            and _style_of(previous) == _style_of(frag)
        ):
            previous.text += frag.text
        else:
            out.append(frag)
    return out


def _is_text(frag: Any) -> bool:
    return isinstance(getattr(frag, "text", None), str) and not (
        hasattr(frag, "cbDefn") or hasattr(frag, "lineBreak")
    )


def _style_of(frag: Any) -> dict[str, Any]:
    return {key: value for key, value in vars(frag).items() if key != "text"}


class DisplayParagraph(TextParagraph):
    """Display text (a title, heading or subtitle) set in balanced lines.

    One of two or three lines is broken at the narrowest width that keeps its line count
    (:func:`._breaks.balanced_lines`), so it never ends in one stranded word; it is drawn
    where a full-width one would be, whatever its alignment.
    """

    #: (the width given to wrap, its balanced lines), so that wrapping again costs nothing.
    _balanced: tuple[float, Any] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Wrap as a paragraph, then balance two or three lines."""
        width, height = super().wrap(availWidth, availHeight)
        if self._balanced is not None and self._balanced[0] == availWidth:
            self.blPara = self._balanced[1]
            return width, height
        line_width = self._wrapWidths[-1]
        if self._wrapWidths[0] != line_width or self.bulletText:
            return width, height  # a hanging first line: leave it to reportlab
        # reportlab's breakLines resets the height (and notes the widest line) as it goes.
        saved: tuple[float, Any] = (height, getattr(self, "_width_max", None))
        found = balanced_lines(line_width, lambda w: TextParagraph.breakLines(self, [w]))
        self.height = saved[0]
        if saved[1] is not None:
            self._width_max = saved[1]
        if found is not None:
            lines, narrower = found
            # The lines keep the room they would have had at full width, so alignment
            # (centred, right) places them as it would the unbalanced ones.
            if lines.kind == 0:
                lines.lines = [(extra + narrower, words) for extra, words in lines.lines]
            else:
                for line in lines.lines:
                    line.extraSpace += narrower
            self.blPara = lines
            self._balanced = (availWidth, lines)
        return width, height


class HeadingParagraph(DisplayParagraph):
    """A title or heading: balanced lines, and an entry in the PDF outline when first drawn.

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


class TaggedImage(Image):  # type: ignore[misc]  # reportlab has no type stubs
    """An image drawn as the content of :attr:`tag` (a ``Figure``), or as an artifact."""

    tag: Node | None = None

    def _drawOn(self, canv: Any) -> None:
        with content(canv, self.tag, self):
            super()._drawOn(canv)


class HeadingKeeper(KeepTogether):  # type: ignore[misc]  # reportlab has no type stubs
    """What keeps a ``keepWithNext`` flowable with the next: its first part, for tables and code.

    (Section headings are kept with what follows by :class:`HeadingRoom` instead; this
    serves the title block, a figure and its caption, the contents heading.)
    reportlab groups a ``keepWithNext`` flowable and the one after it in a
    ``KeepTogether``, which moves both to the next page whenever they do not fit in what
    is left of this one: a heading over a two-page table left most of a page empty. When
    the flowable after the headings says it splits well (``flows_after_heading``, set on
    tables and code blocks) and at least :attr:`min_room` is left below the headings,
    they are set here and the flowable split under them. Everything else is kept together
    as before. Give it to the document as its ``keepTogetherClass``.
    """

    #: Points that must be left below the headings: a few lines of code or table rows.
    min_room = 72.0

    def split(self, aW: float, aH: float) -> list[Any]:
        """Headings here and the first part of a table or code block under them, if it fits."""
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        content: list[Any] = self._content
        if (
            len(content) >= 2
            and aH < self._H
            and getattr(content[-1], "flows_after_heading", False)
        ):
            lead, last = content[:-1], content[-1]
            _, height = _listWrapOn(lead, aW, self.canv)
            room = aH - height - lead[-1].getSpaceAfter() - last.getSpaceBefore()
            if room >= self.min_room:
                parts: list[Any] = last.split(aW, room)
                if parts:
                    return [*lead, *parts]
        result: list[Any] = super().split(aW, aH)
        return result


class HeadingRoom(CondPageBreak):  # type: ignore[misc]  # reportlab has no type stubs
    """Before a heading: a new page unless the heading fits with the start of what follows.

    reportlab's ``keepWithNext`` keeps a heading with the whole of the next paragraph,
    moving both to the next page whenever that paragraph does not fit: a six-line
    paragraph left five lines blank at a page foot. This asks only for the room the
    heading needs and the least of the next flowable the page may end with: its first two
    lines (fewer than that reportlab's orphan control would refuse anyway), or all of it
    if it cannot split (a three-line paragraph, a figure). Tables and code blocks
    (``flows_after_heading``) want :attr:`HeadingKeeper.min_room` of rows under it.

    It takes no room and passes the space after the flowable before it on to the
    heading, so the spacing around the heading is the same as without it.
    """

    _ZEROSIZE = 1
    _SPACETRANSFER = True

    def __init__(self, headings: list[Any], following: list[Any]) -> None:
        """Make room for ``headings`` (set one after another) and the start of ``following``.

        ``following`` is the flowable after the headings, with those ``keepWithNext``
        ties to it (an image and its caption), or empty at the end of the story.
        """
        super().__init__(0.0)
        self.headings = headings
        self.following = following

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Ask for a new page (as ``CondPageBreak`` does) unless there is room; take none."""
        frame = getattr(self, "_frame", None)
        if frame is None or frame._atTop or availHeight <= 0:
            # Measured inside a group, or at a page top (a break would not help), or below
            # the frame's foot (the space after the flowable above ran past it): the frame
            # moves on by itself, and a break asked for too would leave a blank page.
            return 0, 0
        space_before = frame._prevASpace if frame._oASpace else 0.0
        fits = self._fits(availWidth, availHeight, space_before)
        self.height = 0.0 if fits else availHeight + 1.0
        result: tuple[float, float] = super().wrap(availWidth, availHeight)
        return result

    def _fits(self, width: float, height: float, before: float) -> bool:
        """Whether the headings and the start of the next flowable fit in ``height``.

        ``before`` is the space already left under the flowable above (reportlab sets
        the larger of one flowable's space after and the next one's space before).
        """
        room = height
        for heading in self.headings:
            _, used = heading.wrap(width, room)
            room -= max(heading.getSpaceBefore() - before, 0.0) + used
            before = heading.getSpaceAfter()
            room -= before
            if room < 0:
                return False
        if not self.following:
            return True
        first = self.following[0]
        room -= max(first.getSpaceBefore() - before, 0.0)
        if room <= 0:
            return False
        _, used = first.wrap(width, room)
        for before_it, tied in itertools.pairwise(self.following):
            # Kept together with the first (reportlab's keepWithNext): all or nothing,
            # the larger of the two spaces between them, as the frame sets it.
            gap = max(float(before_it.getSpaceAfter()), float(tied.getSpaceBefore()))
            used += gap + tied.wrap(width, room)[1]
        if used <= room:
            return True
        if len(self.following) > 1:
            return False
        if getattr(first, "flows_after_heading", False) and room < HeadingKeeper.min_room:
            return False
        return bool(first.split(width, room))


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
        self._paint()
        self._draw_content()

    def _paint(self) -> None:
        """The background and the rule."""
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

    def _draw_content(self) -> None:
        """The children, top to bottom, inside the padding."""
        look = self.look
        canv = self.canv
        x = look.indent_left + look.rule_width + look.padding
        y = self.height - look.padding
        for i, (child, height) in enumerate(zip(self.content, self._heights, strict=True)):
            y -= self._gap(i) + height
            child.drawOn(canv, x, y)


class NoteBox(QuoteBox):
    """A footnote: its number (``label``, a flowable) hanging left, its blocks beside it.

    ``look.indent_left`` is the width of the number's column. It splits like a
    :class:`QuoteBox`; only the first part draws the number, so the note's bookmark and
    its link back to the mark are made once.
    """

    def __init__(
        self,
        content: list[Any],
        look: BoxLook,
        *,
        label: Any | None,
        space_before: float = 0.0,
        space_after: float = 0.0,
    ) -> None:
        """Set ``content`` (reportlab flowables) beside ``label`` with ``look``."""
        super().__init__(content, look, space_before=space_before, space_after=space_after)
        self.label = label
        self._label_height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Lay out the blocks and the number; as tall as the taller of the two."""
        width, height = super().wrap(availWidth, availHeight)
        if self.label is not None:
            _, label_height = self.label.wrap(self.look.indent_left, availHeight)
            self._label_height = float(label_height)
            self.height = max(height, self._label_height)
        return width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """Split the blocks like a quote box; the number stays with the first part."""
        parts = super().split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        first, rest = parts
        return [
            NoteBox(first.content, self.look, label=self.label, space_before=self.spaceBefore),
            NoteBox(rest.content, self.look, label=None, space_after=self.spaceAfter),
        ]

    def draw(self) -> None:
        """Draw the number at the top of its column, then the blocks.

        The number first, so that text extraction reads it before the note, not after.
        """
        self._paint()
        if self.label is not None:
            self.label.drawOn(self.canv, 0, self.height - self._label_height)
        self._draw_content()


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


@dataclass
class ContentsNumbers:
    """The contents' page numbers and their dot leaders, filled in once layout is over.

    Each :class:`ContentsLine` draws a form at the right end of its title's last line and
    notes where on that line the title ends; :meth:`define` then draws into each form the
    page its article starts on, right-aligned at the form's origin, and the leaders from
    the title to it. The leaders are drawn there too, not during layout, so that they stop
    just short of the number whatever its width, which layout cannot know yet.
    """

    font_name: str
    font_size: float
    color: str
    leader_color: str
    #: (article key, where its title ends, relative to the form's origin) per form drawn.
    _lines: list[tuple[str, float]] = field(default_factory=list, init=False)

    def place(self, canv: Any, key: str, right: float, baseline: float, text_end: float) -> None:
        """Draw the (future) number of article ``key`` at ``right`` on ``baseline``.

        ``text_end`` is where the title's last line ends, in the same coordinates.
        """
        # Forms are named by their index, not the key: keys are slugs of the titles, may
        # hold any letter, and reportlab writes form names into the PDF unescaped.
        canv.saveState()
        canv.translate(right, baseline)
        canv.doForm(f"briefconv-contents-{len(self._lines)}")
        canv.restoreState()
        self._lines.append((key, text_end - right))

    def define(self, canv: Any, first_pages: Mapping[str, int]) -> None:
        """Define every placed form, given the page (counted from 1) each article starts on.

        An article with no known first page gets an empty form: no number, no leaders.
        """
        size = self.font_size
        for index, (key, text_end) in enumerate(self._lines):
            bbox = (text_end - size, -size, size, 2 * size)
            with define_form(canv, f"briefconv-contents-{index}", bbox):
                if key in first_pages:
                    self._draw(canv, str(first_pages[key]), text_end)

    def _draw(self, canv: Any, number: str, text_end: float) -> None:
        """The number ending at x = 0 on the baseline y = 0, leaders back to ``text_end``."""
        size = self.font_size
        canv.setFont(self.font_name, size)
        canv.setFillColor(HexColor(self.color))
        canv.drawRightString(0, 0, number)
        # Dots on a grid counted from the number column, so they line up between
        # entries; drawn as shapes, so extracted text reads "Title 3", not "Title ....".
        step = size * 0.55
        radius = max(size * 0.045, 0.4)
        number_width = stringWidth(number, self.font_name, size)
        right = -2 * step
        while right > -number_width - step:
            right -= step
        first = text_end + step
        if right < first:
            return
        left = right
        while left - step >= first:
            left -= step
        # One line of zero-length dashes with round caps draws a row of dots (PDF 32000-1
        # 8.4.3.6): a single path instead of a four-curve circle per dot, which cost about
        # as much as setting the contents' text.
        canv.setStrokeColor(HexColor(self.leader_color))
        canv.setLineWidth(2 * radius)
        canv.setLineCap(1)
        canv.setDash([0, step])
        # Half a step past the last dot: the line ends between two dashes, never on one.
        canv.line(left, radius, right + step / 2, radius)


class ContentsLine(Flowable):  # type: ignore[misc]  # reportlab has no type stubs
    """A contents entry's title with dot leaders and a right-aligned page number.

    The whole line is one internal link to the bookmark ``key``. The title paragraph is
    set ``reserve`` points narrower than the frame, room for the widest number, which is
    drawn with its leaders after layout by ``numbers`` (:class:`ContentsNumbers`). The
    paragraph's markup must end in :data:`LEADER_MARK`, which reports where its last line
    ends.
    """

    def __init__(
        self, paragraph: Paragraph, *, key: str, numbers: ContentsNumbers, reserve: float
    ) -> None:
        """Wrap ``paragraph``; show the page ``key`` starts on at the right; link to ``key``."""
        super().__init__()
        self.paragraph = paragraph
        self.key = key
        self.numbers = numbers
        self.reserve = reserve
        self._end: tuple[float, float] | None = None

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
        return [
            ContentsLine(part, key=self.key, numbers=self.numbers, reserve=self.reserve)
            for part in parts
        ]

    def _at_end(self, canv: Any, kind: str, label: str | None) -> None:
        info = canv._curr_tx_info
        self._end = (float(info["cur_x"]), float(info["cur_y"]))

    def draw(self) -> None:
        """Draw the title, then the number's form after its last line, and link."""
        canv = self.canv
        self._end = None
        canv.setNamedCB(LEADER_CALLBACK, self._at_end)
        self.paragraph.drawOn(canv, 0, 0)
        tag = getattr(self.paragraph, "tag", None)
        if self._end is not None:
            end_x, baseline = self._end
            # The number is read with the title: part of the same element.
            with content(canv, tag):
                self.numbers.place(canv, self.key, self.width, baseline, end_x)
        with link_owner(canv, tag):
            canv.linkRect("", self.key, (0, 0, self.width, self.height), relative=1, thickness=0)


def number_reserve(font_name: str, font_size: float) -> float:
    """Width kept free for a contents page number (up to four digits) and its gap.

    Sized for the widest digit, not the number: the numbers are only drawn after layout.
    """
    digit = max(float(stringWidth(d, font_name, font_size)) for d in "0123456789")
    return 4 * digit + font_size * 1.5
