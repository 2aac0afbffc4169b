"""Page furniture rules every paged format shares: the edge, the marking's fit, cutting to width.

A classification marking must stay on one line at the paper's edge in the PDF and the
DOCX alike, so both decide its size, its cut and its distance from the edge and from the
running heads here. The rule knows no format and no font: it is given ``measure``, a
function giving a text's width in points at the role's own size (for example
:func:`briefconv.fonts.metrics.measurer`).

The pack cover has one design in the PDF, the DOCX and the EPUB's cover image (issue 16):
its band, letter spacing and the looks of its parts (:func:`cover_roles`) are here too.

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

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from briefconv.styles import ROLE_NAMES, Role, Style

__all__ = [
    "BAND_HEIGHT",
    "CLEARANCE",
    "EDGE",
    "ELLIPSIS",
    "MARKING_TOP",
    "MIN_MARKING_SIZE",
    "TRACKING",
    "CoverRoles",
    "caps",
    "cover_roles",
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
#: Height of the pack cover's identity band, in points (12 mm).
BAND_HEIGHT = 12 * 72 / 25.4
#: Letter spacing of the cover's capitals (band and labels), as a fraction of their size.
TRACKING = 0.08
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


# --- the pack cover: one design for the PDF, the DOCX and the EPUB cover image --------


def caps(text: str) -> str:
    """``text`` in capitals, as labels are set: Greek capitals lose their accents.

    >>> caps("Ημερομηνία"), caps("Prepared for")
    ('ΗΜΕΡΟΜΗΝΙΑ', 'PREPARED FOR')
    """
    upper = text.upper()
    # Greek is written in capitals without tonos (and a dialytika stays); other scripts
    # keep their accents ("É").
    decomposed = unicodedata.normalize("NFD", upper)
    kept = [
        c
        for i, c in enumerate(decomposed)
        if not (c == "\u0301" and i and "\u0391" <= decomposed[i - 1] <= "\u03a9")
    ]
    return unicodedata.normalize("NFC", "".join(kept))


@dataclass(frozen=True, slots=True)
class CoverRoles:
    """The looks of the cover's parts, derived from the style's roles."""

    label: Role  # small grey capitals: "DATE", "IN THIS PACK"
    value: Role  # the details' values and the articles' titles: 10.5 pt or more, black
    identity: Role  # the unit's name on the band: bold capitals in white (or black)
    number: Role  # an article's number: bold, in the accent colour
    accent: str  # the band and the rule


def _luminance(color: str) -> float:
    """Relative luminance of ``#RRGGBB`` (WCAG), 0 for black to 1 for white."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else float(((c + 0.055) / 1.055) ** 2.4)

    r, g, b = (channel(int(color[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def cover_roles(style: Style) -> CoverRoles:
    """The cover's roles: sizes never below the review's 8.5 pt labels and 10.5 pt values.

    They grow with the style's byline (a large-print style's cover grows with it). The
    band takes the cover title's colour, and its text is white unless the band is so light
    that black reads better.
    """
    byline, body = style.role("byline"), style.role("body")
    plain = replace(byline, bold=False, italic=False, space_before=0.0, space_after=0.0)
    plain = replace(plain, indent=0.0, align="left", border_color=None, background=None)
    accent = style.role("cover_title").color
    white = _luminance(accent) < 0.35
    value_size = max(10.5, byline.size + 1.0)
    # Never smaller than the style's smallest role: in large print, where every text is at
    # least 18 pt, a label a point under the byline would be the one small text.
    floor = min(style.role(name).size for name in ROLE_NAMES)
    return CoverRoles(
        label=replace(plain, size=max(8.5, byline.size - 1.0, floor)),
        value=replace(plain, size=value_size, color=body.color, line_height=1.3),
        identity=replace(
            plain,
            size=max(9.0, style.role("header").size),
            bold=True,
            color="#FFFFFF" if white else "#000000",
        ),
        number=replace(plain, size=value_size, bold=True, color=accent),
        accent=accent,
    )
