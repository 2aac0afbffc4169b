"""Page furniture rules every paged format shares: the edge, the marking's fit, cutting to width.

A classification marking must stay on one line at the paper's edge in the PDF and the
DOCX alike, so both decide its size, its cut and its distance from the edge and from the
running heads here. The rule knows no format and no
font: it is given ``measure``, a function giving a text's width in points at the role's
own size (for example :func:`briefconv.fonts.metrics.measurer`).

>>> def measure(text: str) -> float:  # a 10-point monospace face: 6 points a character
...     return 6.0 * len(text)
>>> fit_marking("OFFICIAL", 10.0, 100.0, measure)
('OFFICIAL', 10.0)
>>> fit_marking("OFFICIAL-SENSITIVE", 10.0, 81.0, measure)  # 108 points: set smaller
('OFFICIAL-SENSITIVE', 7.5)
>>> fit_marking("OFFICIAL-SENSITIVE", 10.0, 54.0, measure)  # 6 points, and still cut
('OFFICIAL-SENSI…', 6.0)
>>> cut("Talks resume in Istanbul", 60.0, measure)
'Talks res…'
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = [
    "CLEARANCE",
    "EDGE",
    "ELLIPSIS",
    "MARKING_TOP",
    "MIN_MARKING_SIZE",
    "cut",
    "fit_marking",
]

#: Space kept clear at the paper's edge, in points (10 mm): nothing is printed there. Many
#: office printers cannot print the outer 4 to 5 mm and some inkjets need 10 to 12 mm at
#: the foot, and a classification marking a printer clips is a failed marking. The
#: marking's glyph box (ascent to descent) starts this far from the edge.
EDGE = 10 * 72 / 25.4
#: The top marking's baseline is at least this far below the top edge (12 mm), the
#: distance the visual review asked for; with 10 mm to its glyph box it is about 12.7 mm.
MARKING_TOP = 12 * 72 / 25.4
#: Space kept between the marking and a running head or footer, in points, so the two
#: never read as one line of furniture.
CLEARANCE = 8.0
#: What ends a text cut to fit.
ELLIPSIS = "…"
#: Smallest type, in points, a long classification marking shrinks to before it is cut.
MIN_MARKING_SIZE = 6.0


def cut(text: str, width: float, measure: Callable[[str], float]) -> str:
    """``text``, cut with an :data:`ELLIPSIS` if ``measure`` says it is wider than ``width``."""
    if measure(text) <= width:
        return text
    # The longest prefix that fits with the ellipsis, by bisection: widths only grow with
    # the length, and cutting one character at a time measured a 17,000-character title
    # 17,000 times (over 150 s).
    low, high = 0, len(text)  # text[:low] + ELLIPSIS fits (or low is 0); text[:high] does not
    while high - low > 1:
        middle = (low + high) // 2
        if measure(text[:middle] + ELLIPSIS) <= width:
            low = middle
        else:
            high = middle
    return text[:low].rstrip() + ELLIPSIS


def fit_marking(
    text: str, size: float, width: float, measure: Callable[[str], float]
) -> tuple[str, float]:
    """The marking and its type size on one line ``width`` points wide.

    ``size`` is the marking role's size and ``measure`` measures at that size. A marking
    that fits is kept as it is; a longer one is set smaller, down to
    :data:`MIN_MARKING_SIZE`, and cut with an ellipsis if it still does not fit. The caller
    compares the text it gets back with its own to tell whether it was cut (and warns in
    its own words: where the full text can still be read depends on the format).
    """
    natural = measure(text)
    if natural <= width:
        return text, size
    fitted = max(size * width / natural, MIN_MARKING_SIZE)
    # Widths grow in proportion to the type size, so fitting ``width`` at the smaller size
    # is fitting ``width * size / fitted`` at the size ``measure`` measures in.
    return cut(text, width * size / fitted, measure), fitted
