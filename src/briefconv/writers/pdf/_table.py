"""Tables: column widths from the cells' content, always within the frame.

reportlab's ``Table`` takes column widths as given: too wide and it runs past the margin,
``None`` and it splits the frame evenly whatever the cells hold. :func:`column_widths`
sizes the columns from their cells, much as a browser lays out an automatic table:
natural widths when they fit; otherwise each column keeps its longest word and the room
left is shared out in proportion to what each column would like; and when even the
longest words do not fit (ten columns, or one 80-character word), the widest columns
are narrowed to a common width, at which reportlab breaks their long words
(``splitLongWords``), and the others keep theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["cell_extent", "column_widths", "share_widths"]

#: A little slack on measured widths: a cell exactly as wide as its text may wrap anyway
#: when reportlab's sums round the other way.
_SLACK = 0.5
#: Pretend width for "as wide as you like" when measuring a paragraph on one line.
_UNBOUNDED = 1e9


def cell_extent(paragraph: Any) -> tuple[float, float]:
    """A cell paragraph's (longest word, longest line) widths, as reportlab sets them.

    Wraps ``paragraph`` on an unbounded width to measure it; the table wraps it again at
    the column's width.
    """
    minimum = float(paragraph.minWidth())
    paragraph.wrap(_UNBOUNDED, _UNBOUNDED)
    lines = paragraph.getActualLineWidths0()
    return minimum, max((float(w) for w in lines), default=0.0)


def column_widths(
    columns: Sequence[Sequence[Any]], available: float, padding: float, floor: float
) -> list[float]:
    """Widths of the columns (each a sequence of cell paragraphs) that fit ``available``.

    ``padding`` is a cell's left plus right padding; ``floor`` the least a column's text
    gets, however many columns there are (unless even that does not fit: then all are
    equal).
    """
    extents = [[cell_extent(p) for p in column] for column in columns]
    lows = [max((lo for lo, _ in cells), default=0.0) for cells in extents]
    highs = [max((hi for _, hi in cells), default=0.0) for cells in extents]
    return share_widths(
        [max(lo, floor) + padding + _SLACK for lo in lows],
        [max(hi, lo, floor) + padding + _SLACK for lo, hi in zip(lows, highs, strict=True)],
        available,
    )


def share_widths(lows: Sequence[float], highs: Sequence[float], available: float) -> list[float]:
    """Column widths, each from its ``lows`` to its ``highs`` entry, within ``available``.

    Below the lows (which sum to more than ``available``) only the widest are cut.

    >>> share_widths([10, 10], [30, 50], 100)
    [30, 50]
    >>> share_widths([10, 10], [30, 50], 50)
    [20.0, 30.0]
    >>> share_widths([10, 80, 10], [10, 80, 10], 60)
    [10, 40.0, 10]
    """
    if sum(highs) <= available:
        return list(highs)
    total_low = sum(lows)
    if total_low <= available:
        extra = sum(highs) - total_low
        share = (available - total_low) / extra if extra > 0 else 0.0
        return [lo + (hi - lo) * share for lo, hi in zip(lows, highs, strict=True)]
    return _level(lows, available)


def _level(lows: Sequence[float], available: float) -> list[float]:
    """Cut the widest of ``lows`` down to one width, so that they sum to ``available``."""
    n = len(lows)
    ordered = sorted(lows)
    below = 0.0  # sum of the columns narrower than the level
    for index, low in enumerate(ordered):
        level = (available - below) / (n - index)
        if level <= low:
            return [min(lo, level) for lo in lows]
        below += low
    return list(lows)  # not reached: the lows sum to more than available
