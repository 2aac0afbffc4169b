"""The EPUB pack's cover image: a PNG drawn with Pillow from the pack's cover text.

Reading systems show the ``cover-image`` item as the book's thumbnail in their library, and
several library views and stores thumbnail only raster covers (calibre even drops an SVG
one), so the cover is a PNG of the 1:1.6 portrait most stores ask for. The cover *page* in
the spine carries the same words as real text, so the image adds nothing a screen reader
would miss.

Everything drawn comes from :func:`briefconv.wording.cover_text`: the classification
marking at the top and bottom edges, a band in the cover title's colour holding the title
and subtitle (so a thumbnail is never a blank white card), then under the band the date, a
rule, and at the foot "Prepared by", "Prepared for" and the counts line. Colours come from
the style's roles; text is set in the style's own font files, as on the PDF cover, and
measured with them, so a line never overflows the width it was broken for.

The bytes are reproducible: Pillow's basic text layout (no HarfBuzz, whose presence and
version vary between machines), fixed compression settings, and no metadata chunk (no
time, no text, no resolution) in the file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from briefconv._records import record_methods
from briefconv.model import Pack
from briefconv.styles import Role, Style
from briefconv.wording import cover_text, one_line, untitled

__all__ = ["COVER_HEIGHT", "COVER_WIDTH", "cover_png"]

#: The image's size in pixels: the 1:1.6 portrait most e-book stores ask for.
COVER_WIDTH = 1600
COVER_HEIGHT = 2560
_MARGIN = 140
_INNER = COVER_WIDTH - 2 * _MARGIN
_ELLIPSIS = "…"
_WHITE = (255, 255, 255)
_BLACK = (0, 0, 0)
#: The band in the title's colour: from under the top marking to about 60 % down.
_BAND_TOP_WITH_MARKING = 190
_BAND_BOTTOM = 1560
#: Title sizes tried, largest first: the largest that sets the title in 5 lines wins.
_TITLE_SIZES = (128, 112, 96, 84, 72)
_TITLE_LINES = 5
_MARKING_SIZE = 48
_SUBTITLE_SIZE = 64
_DATE_SIZE = 56
_DETAIL_SIZE = 46

_NO_DITHER = Image.Dither.NONE
_MAX_COVERAGE = Image.Quantize.MAXCOVERAGE

RGB = tuple[int, int, int]


def _rgb(color: str) -> RGB:
    """``#RRGGBB`` as an (r, g, b) tuple."""
    return (int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16))


def _luminance(rgb: RGB) -> float:
    """WCAG relative luminance of a colour."""
    channels = []
    for value in rgb:
        c = value / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def _contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _on(background: RGB) -> RGB:
    """White or black, whichever reads better on ``background``."""
    return _WHITE if _contrast(background, _WHITE) >= _contrast(background, _BLACK) else _BLACK


def _mix(a: RGB, b: RGB, share_of_a: float) -> RGB:
    """``a`` and ``b`` mixed, ``share_of_a`` of ``a``."""
    r, g, bl = (round(x * share_of_a + y * (1 - share_of_a)) for x, y in zip(a, b, strict=True))
    return (r, g, bl)


@cache
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """A face of the style at a pixel size, with Pillow's basic (machine-independent) layout."""
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


def _face(
    style: Style, role: Role, size: int, *, bold: bool | None = None
) -> ImageFont.FreeTypeFont:
    """The font file a role is set in (its weight, or ``bold``), at ``size`` pixels."""
    family = style.family(role)
    heavy = role.bold if bold is None else bold
    path = {
        (False, False): family.regular,
        (True, False): family.bold,
        (False, True): family.italic,
        (True, True): family.bold_italic,
    }[(heavy, role.italic)]
    return _font(path, size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float, max_lines: int) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` px; the last one cut with "…".

    Words are measured once each and lines added up from them, so the time is linear in
    the text (a cover detail may have 1,000 characters); a word wider than a line is
    broken between characters. It stops at the first line past ``max_lines``.
    """
    space = font.getlength(" ")
    lines: list[str] = []
    current, used = "", 0.0
    for word in text.split():
        if len(lines) > max_lines:
            break
        size = font.getlength(word)
        if current and used + space + size <= width:
            current, used = f"{current} {word}", used + space + size
            continue
        if current:
            lines.append(current)
        while size > width and len(lines) <= max_lines:
            cut = _fitting(word, font, width)
            lines.append(word[:cut])
            word = word[cut:]
            size = font.getlength(word)
        current, used = word, size
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        room = width - font.getlength(_ELLIPSIS)
        last = last[: _fitting(last, font, room, at_least=0)].rstrip()
        lines = [*lines[: max_lines - 1], last + _ELLIPSIS]
    return lines


def _fitting(text: str, font: ImageFont.FreeTypeFont, width: float, at_least: int = 1) -> int:
    """How many leading characters of ``text`` fit in ``width`` px (at least ``at_least``)."""
    total = 0.0
    for index, char in enumerate(text):
        total += font.getlength(char)
        if total > width:
            return max(index, at_least)
    return len(text)


@record_methods
@dataclass(slots=True, repr=False, eq=False)
class _Canvas:
    """The image being drawn, and the text lines drawn on it."""

    image: Image.Image
    draw: ImageDraw.ImageDraw

    def lines(
        self,
        lines: list[str],
        baseline: float,
        font: ImageFont.FreeTypeFont,
        fill: RGB,
        *,
        step: float,
        centred: bool = False,
    ) -> float:
        """Draw one line per entry from ``baseline`` on, ``step`` apart; the next baseline."""
        for line in lines:
            x = COVER_WIDTH / 2 if centred else _MARGIN
            anchor = "ms" if centred else "ls"
            self.draw.text((x, baseline), line, font=font, fill=fill, anchor=anchor)
            baseline += step
        return baseline


def cover_png(pack: Pack, style: Style) -> bytes:
    """The cover image of ``pack`` as PNG bytes (:data:`COVER_WIDTH` × :data:`COVER_HEIGHT`)."""
    text = cover_text(pack)
    image = Image.new("RGB", (COVER_WIDTH, COVER_HEIGHT), _WHITE)
    canvas = _Canvas(image, ImageDraw.Draw(image))
    accent = _rgb(style.role("cover_title").color)
    ink = _on(accent)

    marking = one_line(text.classification or "")
    band_top = _BAND_TOP_WITH_MARKING if marking else 0
    canvas.draw.rectangle((0, band_top, COVER_WIDTH - 1, _BAND_BOTTOM - 1), fill=accent)
    if marking:
        role = style.role("marking")
        font = _face(style, role, _MARKING_SIZE)
        lines = _wrap(marking, font, _INNER, 1)
        # Top and bottom, as on every PDF page; in the marking's colour on white.
        for baseline in (120, COVER_HEIGHT - 80):
            canvas.lines(lines, baseline, font, _rgb(role.color), step=0, centred=True)

    # The title block, in the band: the largest size that sets the title in 5 lines.
    title_role = style.role("cover_title")
    title = untitled(text.title, pack.meta.language)
    for size in _TITLE_SIZES:
        font = _face(style, title_role, size)
        title_lines = _wrap(title, font, _INNER, _TITLE_LINES + 1)
        if len(title_lines) <= _TITLE_LINES:
            break
    title_lines = title_lines[: _TITLE_LINES + 1]
    if len(title_lines) > _TITLE_LINES:
        title_lines = _wrap(title, font, _INNER, _TITLE_LINES)
    y = canvas.lines(title_lines, band_top + 420, font, ink, step=font.size * 1.15)
    if subtitle := one_line(text.subtitle or ""):
        role = style.role("subtitle")
        font = _face(style, role, _SUBTITLE_SIZE)
        lines = _wrap(subtitle, font, _INNER, 3)
        # A little quieter than the title: the ink mixed a fifth of the way to the band.
        canvas.lines(lines, y + 40, font, _mix(ink, accent, 0.8), step=_SUBTITLE_SIZE * 1.3)

    byline = style.role("byline")
    detail_ink = _rgb(byline.color)
    y = _BAND_BOTTOM + 150
    if text.date:
        font = _face(style, byline, _DATE_SIZE)
        date_ink = _rgb(style.role("body").color)
        y = canvas.lines([one_line(text.date)], y, font, date_ink, step=_DATE_SIZE * 1.3)
    canvas.draw.rectangle((_MARGIN, y, _MARGIN + _INNER - 1, y + 3), fill=accent)

    # The foot of the cover: prepared for, prepared by, reference, then the counts line.
    font = _face(style, byline, _DETAIL_SIZE)
    # The details but the date (drawn above) and the classification (the marking).
    shown = (text.date, text.classification)
    foot = [f"{label}: {value}" for label, value in text.details if value not in shown]
    blocks = [_wrap(line, font, _INNER, 2) for line in foot]
    blocks.append(_wrap(text.summary, font, _INNER, 1))
    step = _DETAIL_SIZE * 1.35
    total = sum(len(lines) for lines in blocks)
    y = COVER_HEIGHT - 240 - (total - 1) * step
    for lines in blocks:
        y = canvas.lines(lines, y, font, detail_ink, step=step)

    # Flat colours and their anti-aliased edges fit a 256-colour palette: half the bytes
    # of an RGB image, and several times faster to compress. Maximum coverage keeps the
    # flat colours exact (the fast octree turned white into #FEFEFE), no dithering keeps
    # flat areas flat, and both are deterministic.
    indexed = image.quantize(colors=256, method=_MAX_COVERAGE, dither=_NO_DITHER)
    out = io.BytesIO()
    # No pnginfo, no dpi: Pillow then writes no tIME, tEXt or pHYs chunk.
    indexed.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()
