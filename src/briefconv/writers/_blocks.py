"""Block designs every format draws alike: the quote box, the break, lists and figures.

One style gives one look in DOCX, PDF and EPUB only if the writers agree on the numbers
the style does not spell out: how far a quote box's text sits from its rule, how wide a
thematic break is, where a list's bullet hangs, how much space a figure takes. They are
decided here, from the style, and each writer only translates them (twips and borders,
reportlab flowables, CSS ``em``).

>>> from briefconv.styles import load_style
>>> box = quote_box(load_style("default"))
>>> box.indent, box.rule, box.padding
(12.0, 3.0, 10.0)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from briefconv.styles import Role, Style

__all__ = [
    "BREAK_THICKNESS",
    "BREAK_WIDTH",
    "FIGURE_SPACE_AFTER",
    "FIGURE_SPACE_BEFORE",
    "LIST_GAP",
    "QUOTE_PADDING",
    "QUOTE_RULE",
    "QuoteBox",
    "break_space",
    "caption_role",
    "list_hang",
    "quote_box",
]

#: Width of a quote box's accent rule, in points.
QUOTE_RULE = 3.0
#: Space inside a quote box, in points: above its first line, below its last, between the
#: rule and the text, and between the text and the box's right edge.
QUOTE_PADDING = 10.0

#: A thematic break is a centred rule this fraction of the text width ...
BREAK_WIDTH = 0.25
#: ... and this thick, in points, in the body text's colour.
BREAK_THICKNESS = 0.8

#: Between a list's bullet or number and its text, as a fraction of the list's type size:
#: the least reportlab leaves after a bullet (``0.6 * bulletFontSize``), so a first line
#: starts where the item's other lines do.
LIST_GAP = 0.6
# Advance widths of a bullet and of a one-digit number with its full stop ("9."), as
# fractions of the type size (DejaVu Sans and Serif alike). The PDF measures its labels
# in the face itself; a Word numbering level is defined once for every list of its kind,
# before any label is known, so the DOCX hangs its labels by these.
_BULLET_WIDTH = 0.59
_NUMBER_WIDTH = 0.954

#: Space above a figure, and below its caption (or the image, without one), in points.
FIGURE_SPACE_BEFORE = 10.0
FIGURE_SPACE_AFTER = 12.0


@dataclass(frozen=True, slots=True)
class QuoteBox:
    """A quote box's geometry in points, and its colours (``#RRGGBB``, ``None`` for none).

    ``indent`` is from the text margin to the box's left edge (where the rule is) and from
    the box's right edge to the right margin: the box is inset on both sides. ``rule`` is
    0 when the quote role has no ``border_color``; ``padding`` 0 when it has neither rule
    nor background (a plain indented quotation needs no inner space). ``space_before`` and
    ``space_after`` are outside the box, the same with or without an attribution.
    """

    indent: float
    rule: float
    padding: float
    space_before: float
    space_after: float
    rule_color: str | None
    background: str | None


def quote_box(style: Style) -> QuoteBox:
    """The quote box ``style`` describes (its ``quote`` role), for every writer alike."""
    role = style.role("quote")
    boxed = role.border_color is not None or role.background is not None
    return QuoteBox(
        indent=role.indent,
        rule=QUOTE_RULE if role.border_color is not None else 0.0,
        padding=QUOTE_PADDING if boxed else 0.0,
        space_before=role.space_before,
        space_after=role.space_after,
        rule_color=role.border_color,
        background=role.background,
    )


def break_space(style: Style) -> float:
    """Space above and below a thematic break's rule, in points: one line of body text."""
    body = style.role("body")
    return body.size * body.line_height


def list_hang(role: Role, *, numbered: bool) -> float:
    """How far a list's label starts before its text, in points, for a one-digit label.

    The label, then :data:`LIST_GAP`, then the text at the role's ``indent``; never
    further out than the text margin.

    >>> from briefconv.styles import load_style
    >>> role = load_style("default").role("list")
    >>> round(list_hang(role, numbered=False), 2), round(list_hang(role, numbered=True), 2)
    (12.49, 16.32)
    """
    width = _NUMBER_WIDTH if numbered else _BULLET_WIDTH
    return min(role.indent, role.size * (width + LIST_GAP))


def caption_role(style: Style) -> Role:
    """The look of a figure's caption: the byline's small sans type, centred.

    Its ``space_before`` is the gap between the image and the caption; its
    ``space_after`` is :data:`FIGURE_SPACE_AFTER`.
    """
    byline = style.role("byline")
    return replace(
        byline,
        align="center",
        indent=0.0,
        space_before=byline.size / 3,
        space_after=FIGURE_SPACE_AFTER,
        border_color=None,
        background=None,
    )
