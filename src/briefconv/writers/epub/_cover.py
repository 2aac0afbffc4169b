"""The EPUB pack's cover image: an SVG drawn from the pack's cover text, no new dependency.

Reading systems show the ``cover-image`` item as the book's thumbnail in their library; the
cover *page* in the spine carries the same words as real text, so the image adds nothing a
screen reader would miss. Everything drawn comes from :func:`briefconv.wording.cover_text`,
in the printed cover's design (issue 16, :mod:`briefconv.writers.pdf._cover`): the
classification marking once at the top edge and once at the bottom, the identity band,
the title a third of the way down, the subtitle, a rule, the details table, and in the
lower third the articles with their reading times and the counts line. Colours come from
the style's roles (:func:`briefconv.writers._furniture.cover_roles`); fonts are named only
generically (``serif``, ``sans-serif``), since a thumbnail renderer has no access to the
book's embedded fonts.

SVG has no line wrapping: lines are broken here on an estimated text width (east Asian wide
characters count a full em, others a little over half) and a title too long for its lines
ends in an ellipsis. Every text is escaped; nothing from the input is ever markup.
"""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape, quoteattr

from briefconv.model import Pack
from briefconv.styles import Role, Style
from briefconv.wording import cover_text, one_line, untitled
from briefconv.writers._css import generic_family
from briefconv.writers._furniture import TRACKING, caps, cover_roles

__all__ = ["COVER_HEIGHT", "COVER_WIDTH", "cover_svg"]

#: The image's size in pixels: the 1:1.6 portrait most e-book stores ask for.
COVER_WIDTH = 1600
COVER_HEIGHT = 2560
_MARGIN = 140
# The markings' baselines from the top and bottom edges, and the band below the top one.
_MARKING_TOP = 110
_MARKING_BOTTOM = 80
_BAND_TOP = 190
_BAND = 110
# Type sizes, in pixels: the band's capitals, the details' labels and values.
_BAND_TEXT = 38
_LABEL = 32
_VALUE = 46
_ELLIPSIS = "…"
_BACKGROUND = "#FFFFFF"
# Characters about as wide as an em in a generic sans (DejaVu Sans Bold: "<" is 0.84 em).
_WIDE = frozenset("<>=+~#%&@mwMWЖШЩЮжшщю—…")


def _em_width(text: str, bold: bool) -> float:
    """Estimated width of ``text`` in ems, erring wide (DejaVu-like generic sans metrics)."""
    width = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            width += 1.0
        elif unicodedata.combining(char):
            continue
        elif char == " ":
            width += 0.32
        elif char in _WIDE:
            width += 1.0
        elif char.isupper():
            width += 0.78 if bold else 0.72
        else:
            width += 0.66 if bold else 0.6
    return width


def _wrap(text: str, size: float, width: float, max_lines: int, bold: bool) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` px at ``size``; cut with "…".

    A word wider than a line is broken between characters. Linear in the text, and it
    stops at the first line past ``max_lines``: a 42,000-character classification or a
    17,000-character title is an attack, not a cover line.
    """
    limit = width / size
    lines: list[str] = []
    current = ""
    for word in text.split():
        if len(lines) > max_lines:
            break
        candidate = f"{current} {word}" if current else word
        if _em_width(candidate, bold) <= limit:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        while _em_width(word, bold) > limit and len(lines) <= max_lines:
            cut = _fitting(word, limit, bold)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        last = last[: _fitting(last, limit - _em_width(_ELLIPSIS, bold), bold, at_least=0)]
        lines = [*lines[: max_lines - 1], last.rstrip() + _ELLIPSIS]
    return lines


def _fitting(text: str, limit: float, bold: bool, at_least: int = 1) -> int:
    """How many leading characters of ``text`` fit in ``limit`` ems (at least ``at_least``).

    One pass, adding each character's width: cutting one character at a time and
    measuring again was quadratic in the length of a word.
    """
    total = 0.0
    for index, char in enumerate(text):
        total += _em_width(char, bold)
        if total > limit:
            return max(index, at_least)
    return len(text)


def _text(
    lines: list[str],
    y: float,
    size: float,
    role: Role,
    style: Style,
    *,
    anchor: str = "start",
    bold: bool | None = None,
    line_height: float = 1.2,
    x: float | None = None,
    spacing: float = 0.0,
) -> tuple[str, float]:
    """One ``<text>`` element per line from baseline ``y``; return them and the next y.

    ``x`` defaults to the margin (the middle for ``anchor="middle"``); ``spacing`` is
    letter spacing in ems.
    """
    if x is None:
        x = COVER_WIDTH / 2 if anchor == "middle" else _MARGIN
    weight = "bold" if (role.bold if bold is None else bold) else "normal"
    attrs = (
        f' font-family="{generic_family(style, role)}" font-size="{size:g}"'
        f' font-weight="{weight}" fill="{role.color}"'
        + (' font-style="italic"' if role.italic else "")
        + (f' text-anchor="{anchor}"' if anchor != "start" else "")
        + (f' letter-spacing="{size * spacing:g}"' if spacing else "")
    )
    out = []
    for line in lines:
        out.append(f'<text x="{x:g}" y="{y:g}"{attrs}>{escape(line)}</text>')
        y += size * line_height
    return "\n".join(out), y


def cover_svg(pack: Pack, style: Style, language: str) -> str:
    """The cover image of ``pack`` as a complete SVG document (UTF-8 text).

    The printed cover's design (issue 16), at the image's scale: the marking once at the
    top edge and once at the bottom; the identity band in the accent colour naming the
    issuing unit; the title with its first baseline a third of the way down; the
    subtitle and a rule; the details as two columns (labels in small grey capitals,
    values larger, in the body's colour); in the lower third "In this pack" with each
    article's number, title and reading time, then the counts line.
    """
    text = cover_text(pack)
    roles = cover_roles(style)
    inner = COVER_WIDTH - 2 * _MARGIN
    accent = roles.accent
    parts: list[str] = [
        f'<rect x="0" y="0" width="{COVER_WIDTH}" height="{COVER_HEIGHT}" fill="{_BACKGROUND}"/>'
    ]
    marking = one_line(text.classification or "")
    if marking:
        role = style.role("marking")
        lines = _wrap(marking, 44, inner, 1, role.bold)
        # Top and bottom, once each, as on every PDF page.
        for edge in (_MARKING_TOP, COVER_HEIGHT - _MARKING_BOTTOM):
            parts.append(_text(lines, edge, 44, role, style, anchor="middle")[0])

    # The identity band, below the top marking.
    parts.append(
        f'<rect x="{_MARGIN}" y="{_BAND_TOP}" width="{inner}" height="{_BAND}" fill="{accent}"/>'
    )
    if text.identity:
        band = _wrap(caps(text.identity), _BAND_TEXT, inner - 80, 1, True)
        baseline = _BAND_TOP + (_BAND + 0.72 * _BAND_TEXT) / 2
        parts.append(
            _text(
                band, baseline, _BAND_TEXT, roles.identity, style, x=_MARGIN + 40, spacing=TRACKING
            )[0]
        )

    # The title's first baseline a third of the way down.
    title_role = style.role("cover_title")
    title = untitled(text.title, pack.meta.language)
    title_lines = _wrap(title, 120, inner, 4, title_role.bold)
    block, y = _text(title_lines, COVER_HEIGHT / 3, 120, title_role, style, line_height=1.15)
    parts.append(block)
    if subtitle := one_line(text.subtitle or ""):
        block, y = _text(
            _wrap(subtitle, 60, inner, 3, style.role("subtitle").bold),
            y + 10,
            60,
            style.role("subtitle"),
            style,
        )
        parts.append(block)
    # A rule under the title block (y is the next baseline: below the descenders).
    rule = y - 20
    parts.append(f'<rect x="{_MARGIN}" y="{rule:g}" width="{inner}" height="3" fill="{accent}"/>')

    # The details: labels in grey capitals, values beside them.
    y = rule + 90
    column = 330
    for label, value in text.details:
        values = _wrap(value, _VALUE, inner - column, 2, False)
        parts.append(_text([caps(label)], y, _LABEL, roles.label, style, spacing=TRACKING)[0])
        block, y = _text(values, y, _VALUE, roles.value, style, x=_MARGIN + column)
        parts.append(block)
        y += 16

    # The lower third: "In this pack", the articles, the counts line.
    y = max(COVER_HEIGHT * 2 / 3, y + 60)
    parts.append(
        f'<rect x="{_MARGIN}" y="{y:g}" width="{inner}" height="2" fill="{roles.label.color}"/>'
    )
    y += 70
    parts.append(_text([caps(text.contents)], y, _LABEL, roles.label, style, spacing=TRACKING)[0])
    y += 80
    limit = COVER_HEIGHT - _MARKING_BOTTOM - 200  # the counts line goes below
    times_width = max((_em_width(t, False) * _VALUE for _, t in text.entries), default=0.0)
    title_width = inner - 90 - times_width - 40
    for index, (entry_title, minutes) in enumerate(text.entries, start=1):
        lines = _wrap(one_line(entry_title), _VALUE, title_width, 2, False)
        height = len(lines) * _VALUE * 1.25 + 14
        last = index == len(text.entries)
        if y + height + (0 if last else _VALUE * 1.25) > limit:
            parts.append(_text([_ELLIPSIS], y, _VALUE, roles.value, style, x=_MARGIN + 90)[0])
            y += _VALUE * 1.25 + 14
            break
        parts.append(_text([str(index)], y, _VALUE, roles.number, style)[0])
        parts.append(
            _text(lines, y, _VALUE, roles.value, style, x=_MARGIN + 90, line_height=1.25)[0]
        )
        parts.append(
            _text([minutes], y, _VALUE, roles.label, style, anchor="end", x=_MARGIN + inner)[0]
        )
        y += height
    summary = _wrap(text.summary, 40, inner, 1, False)
    parts.append(_text(summary, y + 30, 40, roles.label, style)[0])

    lang = quoteattr(language)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1"'
        f' width="{COVER_WIDTH}" height="{COVER_HEIGHT}"'
        f' viewBox="0 0 {COVER_WIDTH} {COVER_HEIGHT}" xml:lang={lang}>\n'
        f"<title>{escape(title)}</title>\n" + "\n".join(parts) + "\n</svg>\n"
    )
