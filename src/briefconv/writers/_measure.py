"""The measure: side margins widened so a body line holds at most ``page.max_measure`` characters.

A line of 60 to 72 characters is the comfortable range for reading; 85 to 110, what fixed
margins gave at a small body size, is tiring. A style says how many characters a line
may hold (``[page] max_measure``) instead of margins that are right for one font at one
size only: the text width is that many times the body face's average character width,
measured on :data:`MEASURE_SAMPLE`, ordinary prose, in the face and size the ``body`` role
is set in. A font or size change then moves the margins with it, never the line length.

The PDF and DOCX writers both start from :func:`fit_measure`, so their pages have the same
text width. A reflowable e-book has no page: its reading system sets the measure.

The average width depends only on the font file, so it is kept in the on-disk cache
(:mod:`briefconv._cache`): a DOCX does not load reportlab just to read it.
"""

from __future__ import annotations

import dataclasses

from briefconv._cache import cached
from briefconv.styles import Role, Style

__all__ = ["MEASURE_SAMPLE", "average_char_width", "fit_measure"]

#: English prose with the usual mix of letters, capitals, spaces and punctuation: what a
#: body line holds on average. Its average width per character, times ``max_measure``,
#: is the text width. Changing it changes every page: bump :data:`_PAYLOAD` with it.
MEASURE_SAMPLE = (
    "The committee met on Tuesday to review the draft agreement. Members asked how the "
    "new rules would apply to smaller firms, and whether the costs of compliance had been "
    "fairly estimated. A final vote is expected next month, after a period of public "
    "consultation, when the minister will set out her response to the report."
)

#: Part of the cache key: bumped when the sample or the way it is measured changes.
_PAYLOAD = "measure 1"


def average_char_width(style: Style, role: Role) -> float:
    """The average width of a character of :data:`MEASURE_SAMPLE` in ``role``, in points."""
    family = style.family(role)
    path = {
        (False, False): family.regular,
        (True, False): family.bold,
        (False, True): family.italic,
        (True, True): family.bold_italic,
    }[role.bold, role.italic]

    def measure() -> float:
        # Imported here: only a cache miss needs reportlab's font machinery.
        from briefconv.fonts.metrics import FontSet

        font = FontSet(style).face(role).font
        return float(font.stringWidth(MEASURE_SAMPLE, 1.0)) / len(MEASURE_SAMPLE)

    return cached("measure", path, (_PAYLOAD,), measure, float) * role.size


def fit_measure(style: Style) -> Style:
    """``style`` with its side margins widened until a body line holds ``max_measure`` characters.

    Margins are only ever widened, each side by half the excess, so the text block keeps
    its place on the page; a page already narrow enough (or a style without
    ``max_measure``) is returned as it is.

    >>> from briefconv.styles import load_style
    >>> style = load_style("default")
    >>> fitted = fit_measure(style)
    >>> page = fitted.page
    >>> width = page.width - page.margin_left - page.margin_right
    >>> round(width / average_char_width(fitted, fitted.role("body")))
    70
    """
    page = style.page
    if page.max_measure is None:
        return style
    width = page.width - page.margin_left - page.margin_right
    target = page.max_measure * average_char_width(style, style.role("body"))
    excess = width - target
    # A millionth of a point is nothing a layout can show, and a fitted style's excess is
    # only rounding: a style fitted already (the DOCX's page setup, as the DOCX writer
    # hands it to the PDF writer's layout) is returned as it is.
    if excess <= 1e-6:
        return style
    fitted = dataclasses.replace(
        page,
        margin_left=page.margin_left + excess / 2,
        margin_right=page.margin_right + excess / 2,
    )
    return dataclasses.replace(style, page=fitted)
