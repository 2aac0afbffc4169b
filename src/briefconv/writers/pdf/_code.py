"""Code blocks: every space and line break kept, long lines wrapped inside the frame.

reportlab's ``Paragraph`` collapses runs of spaces, and ``Preformatted``/``XPreformatted``
either never wrap (a 150-character line runs off the page) or parse their text as markup
(PITFALLS 1). So a code block is a flowable of its own, :class:`CodeBox`: it wraps each
line to the width it is given, marks every continuation line, and draws the lines with
the canvas's text operators, which take text as text: ``<b>`` and ``&`` cannot be markup.

pdftotext and other extractors rebuild spaces from glyph positions and turn two spaces
inside a line into one (``Count  votes`` read back as ``Count votes``). Each line is
therefore drawn inside a marked-content span whose ``/ActualText`` (PDF 32000-1, 14.9.4)
is the line exactly as written, so text extraction and copying give the spaces back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from briefconv.writers.pdf._tags import Node, content, pdf_text_string

__all__ = ["CONTINUATION_MARKS", "TAB_SIZE", "CodeBox", "CodeLook", "code_lines", "wrap_line"]

#: Columns between tab stops. Four, not a terminal's eight: the page is narrow.
TAB_SIZE = 4
#: What starts a continuation line, the first one the mono face can draw (the last, ASCII,
#: is in every font).
CONTINUATION_MARKS = ("↪", "»", ">")
#: A continuation line keeps its line's indentation up to this share of the width.
_MAX_CONTINUATION_INDENT = 0.4


def code_lines(text: str) -> list[str]:
    r"""The lines of a code block as drawn: line ends normalised, tabs expanded to stops.

    >>> code_lines("a\r\n\tb\rc")
    ['a', '    b', 'c']
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [line.expandtabs(TAB_SIZE) for line in text.split("\n")]


def wrap_line(line: str, width: float, measure: Callable[[str], float], mark: str) -> list[str]:
    """``line`` cut into pieces no wider than ``width``; every piece after the first continued.

    A continuation piece starts with the line's own indentation (at most 40 % of the
    width), ``mark`` and a space. Pieces end after a space where one is near enough, else
    anywhere: nothing is dropped, so the pieces less their prefixes join up into the line.

    >>> w = lambda s: float(len(s))
    >>> wrap_line("  alpha beta gamma delta", 11, w, ">")
    ['  alpha ', '  > beta ', '  > gamma ', '  > delta']
    >>> wrap_line("abcdefghij", 6, w, ">")
    ['abcdef', '> ghij']
    """
    if measure(line) <= width:
        return [line]
    indent = line[: len(line) - len(line.lstrip(" "))]
    while indent and measure(indent) > width * _MAX_CONTINUATION_INDENT:
        indent = indent[:-1]
    prefix = f"{indent}{mark} "
    pieces: list[str] = []
    rest = line
    while True:
        head = prefix if pieces else ""
        room = width - measure(head)
        if measure(rest) <= room:
            pieces.append(head + rest)
            return pieces
        n = _fitting(rest, room, measure)
        if rest[n] != " ":
            # Inside a word: end after the last space of the piece if that keeps at least a
            # third of it (and leaves it more than indentation), else cut the word.
            space = rest.rfind(" ", 0, n)
            if space + 1 >= n / 3 and rest[:space].strip():
                n = space + 1
        pieces.append(head + rest[:n])
        rest = rest[n:]


def _fitting(text: str, room: float, measure: Callable[[str], float]) -> int:
    """How many leading characters of ``text`` fit in ``room`` (at least one, fewer than all)."""
    used = 0.0
    for index, char in enumerate(text):
        used += measure(char)
        if used > room:
            return max(index, 1)
    return len(text) - 1


@dataclass(frozen=True, slots=True)
class CodeLook:
    """How a :class:`CodeBox` looks: face, size, line spacing, colours (#RRGGBB), box."""

    font_name: str
    size: float
    leading: float
    color: str
    background: str | None
    border_color: str | None
    indent: float  # the box's left edge, from the frame's
    padding_x: float
    padding_y: float
    mark: str  # starts each continuation line, see CONTINUATION_MARKS


class CodeBox(Flowable):  # type: ignore[misc]  # reportlab has no type stubs
    """Lines of code on a shaded box, wrapped to the width available, split between lines.

    Each part of a split is a complete box (padding, shading) on its page. A part keeps
    the lines as wrapped, so laid out again at the same width it is unchanged.
    """

    #: A heading before it stays with its first lines, not with all of it (HeadingKeeper).
    flows_after_heading = True
    #: Its ``Code`` element in a tagged PDF; every part of a split has the same.
    tag: Node | None = None

    def __init__(
        self,
        lines: list[str],
        look: CodeLook,
        *,
        space_before: float = 0.0,
        space_after: float = 0.0,
        _wrapped: tuple[float, dict[str, float]] | None = None,
    ) -> None:
        """Draw ``lines`` (see :func:`code_lines`) with ``look``.

        ``_wrapped`` is for :meth:`split`: the inner width the lines are already wrapped
        to, and the character widths measured so far.
        """
        super().__init__()
        self.lines = lines
        self.look = look
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self._shown: list[str] = []
        self._shown_for: float | None = None
        self._widths: dict[str, float] = {}
        if _wrapped is not None:
            # A part of a split is laid out again at every page: wrapping a thousand lines
            # anew each time made a long listing quadratic.
            self._shown, self._shown_for = lines, _wrapped[0]
            self._widths = _wrapped[1]

    def _measure(self, text: str) -> float:
        """Width of ``text``: the sum of its characters' (reportlab does not kern)."""
        widths = self._widths
        total = 0.0
        for char in text:
            width = widths.get(char)
            if width is None:
                width = widths[char] = float(stringWidth(char, self.look.font_name, self.look.size))
            total += width
        return total

    def _layout(self, avail_width: float) -> list[str]:
        """The lines as drawn at ``avail_width``: each line wrapped to the inner width."""
        look = self.look
        inner = max(avail_width - look.indent - 2 * look.padding_x, look.size)
        if self._shown_for != inner:
            self._shown = [
                piece
                for line in self.lines
                for piece in wrap_line(line, inner, self._measure, look.mark)
            ]
            self._shown_for = inner
        return self._shown

    def _height(self, lines: int) -> float:
        return lines * self.look.leading + 2 * self.look.padding_y

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Wrap the lines to the width; the box is as tall as its lines and padding."""
        self.width = availWidth
        self.height = self._height(len(self._layout(availWidth)))
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        """As many lines as fit in one box, the rest in another; ``[]`` if too few fit.

        A part holds at least two lines when the block has four or more, so no page
        starts or ends with a lone line of it.
        """
        shown = self._layout(availWidth)
        total = len(shown)
        look = self.look
        fit = int((availHeight - 2 * look.padding_y) // look.leading + 1e-9)
        first = min(fit, total - 1)
        if total >= 4:
            first = min(first, total - 2)
            if first < 2:
                return []
        if first < 1:
            return []
        wrapped = (float(self._shown_for or 0.0), self._widths)
        parts = [
            CodeBox(shown[:first], look, space_before=self.spaceBefore, _wrapped=wrapped),
            CodeBox(shown[first:], look, space_after=self.spaceAfter, _wrapped=wrapped),
        ]
        for part in parts:
            part.tag = self.tag
        return parts

    def draw(self) -> None:
        """Shade the box, then draw each line as exactly the text it holds."""
        look = self.look
        canv = self.canv
        shown = self._layout(self.width)
        canv.saveState()
        box_width = self.width - look.indent
        if look.background is not None:
            canv.setFillColor(HexColor(look.background))
            canv.rect(look.indent, 0, box_width, self.height, stroke=0, fill=1)
        if look.border_color is not None:
            canv.setStrokeColor(HexColor(look.border_color))
            canv.setLineWidth(0.75)
            canv.rect(look.indent, 0, box_width, self.height, stroke=1, fill=0)
        x = look.indent + look.padding_x
        top = self.height - look.padding_y
        # The shading is a layout artifact; the lines are the Code element's.
        self._draw_lines(shown, x, top)
        canv.restoreState()

    def _draw_lines(self, shown: list[str], x: float, top: float) -> None:
        """Each line as exactly the text it holds, from ``top`` down, starting at ``x``."""
        look = self.look
        canv = self.canv
        for index, line in enumerate(shown):
            if not line:
                continue
            # The glyphs' body (0.76 of the size above the baseline, 0.24 below) centred
            # in the line's share of the height.
            baseline = top - index * look.leading - look.leading / 2 - 0.26 * look.size
            # Each line says exactly what it holds (a /Span's /ActualText, the one kind
            # extractors honour): they turn two spaces into one. Tagged, each line is a
            # marked-content sequence of the Code element of its own (poppler reads the
            # ActualText of one Span per sequence).
            with content(canv, self.tag):
                canv.addLiteral(f"/Span <</ActualText {pdf_text_string(line)}>> BDC")
                self._draw_line(line, x, baseline)
                canv.addLiteral("EMC")

    def _draw_line(self, line: str, x: float, baseline: float) -> None:
        look = self.look
        canv = self.canv
        text = canv.beginText(x, baseline)
        text.setFont(look.font_name, look.size)
        text.setFillColor(HexColor(look.color))
        text.textOut(line)
        canv.drawText(text)
