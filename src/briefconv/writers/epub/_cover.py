"""The EPUB pack's cover image: an SVG drawn from the pack's cover text, no new dependency.

Reading systems show the ``cover-image`` item as the book's thumbnail in their library; the
cover *page* in the spine carries the same words as real text, so the image adds nothing a
screen reader would miss. Everything drawn comes from :func:`briefconv.wording.cover_text`:
the classification marking at the top and bottom edges, an accent bar, the title, the
subtitle, a rule, the date, and at the foot "Prepared by", "Prepared for" and the counts
line. Colours come from the style's roles; fonts are named only generically (``serif``,
``sans-serif``), since a thumbnail renderer has no access to the book's embedded fonts.

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

__all__ = ["COVER_HEIGHT", "COVER_WIDTH", "cover_svg"]

#: The image's size in pixels: the 1:1.6 portrait most e-book stores ask for.
COVER_WIDTH = 1600
COVER_HEIGHT = 2560
_MARGIN = 140
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
) -> tuple[str, float]:
    """One ``<text>`` element per line from baseline ``y``; return them and the next y."""
    x = COVER_WIDTH / 2 if anchor == "middle" else _MARGIN
    weight = "bold" if (role.bold if bold is None else bold) else "normal"
    attrs = (
        f' font-family="{generic_family(style, role)}" font-size="{size:g}"'
        f' font-weight="{weight}" fill="{role.color}"'
        + (' font-style="italic"' if role.italic else "")
        + (f' text-anchor="{anchor}"' if anchor != "start" else "")
    )
    out = []
    for line in lines:
        out.append(f'<text x="{x:g}" y="{y:g}"{attrs}>{escape(line)}</text>')
        y += size * line_height
    return "\n".join(out), y


def cover_svg(pack: Pack, style: Style, language: str) -> str:
    """The cover image of ``pack`` as a complete SVG document (UTF-8 text)."""
    text = cover_text(pack)
    inner = COVER_WIDTH - 2 * _MARGIN
    accent = style.role("cover_title").color
    parts: list[str] = [
        f'<rect x="0" y="0" width="{COVER_WIDTH}" height="{COVER_HEIGHT}" fill="{_BACKGROUND}"/>'
    ]
    marking = one_line(text.classification or "")
    if marking:
        role = style.role("marking")
        lines = _wrap(marking, 44, inner, 1, style.role("marking").bold)
        for edge in (110, COVER_HEIGHT - 80):  # top and bottom, as on every PDF page
            parts.append(_text(lines, edge, 44, role, style, anchor="middle")[0])

    # The title block starts about a fifth of the way down, like the PDF cover.
    parts.append(f'<rect x="{_MARGIN}" y="520" width="180" height="24" fill="{accent}"/>')
    title_role = style.role("cover_title")
    title = untitled(text.title, pack.meta.language)
    block, y = _text(
        _wrap(title, 120, inner, 6, title_role.bold), 720, 120, title_role, style, line_height=1.15
    )
    parts.append(block)
    if subtitle := one_line(text.subtitle or ""):
        block, y = _text(
            _wrap(subtitle, 64, inner, 4, style.role("subtitle").bold),
            y + 10,
            64,
            style.role("subtitle"),
            style,
        )
        parts.append(block)
    # A rule under the subtitle (y is the next baseline: the rule sits below the descenders).
    rule = y - 20
    parts.append(f'<rect x="{_MARGIN}" y="{rule:g}" width="{inner}" height="4" fill="{accent}"/>')
    byline = style.role("byline")
    if text.date:
        parts.append(_text([one_line(text.date)], rule + 90, 52, byline, style)[0])

    # The foot of the cover: prepared by, prepared for, then the counts line last.
    foot = [line for line in (text.prepared_by, text.prepared_for) if line]
    foot_lines = [_wrap(line, 44, inner, 2, byline.bold) for line in foot]
    foot_lines.append(_wrap(text.summary, 44, inner, 1, byline.bold))
    total = sum(len(lines) for lines in foot_lines)
    y = COVER_HEIGHT - 230.0 - (total - 1) * 44 * 1.3
    for lines in foot_lines:
        block, y = _text(lines, y, 44, byline, style, line_height=1.3)
        parts.append(block)

    lang = quoteattr(language)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1"'
        f' width="{COVER_WIDTH}" height="{COVER_HEIGHT}"'
        f' viewBox="0 0 {COVER_WIDTH} {COVER_HEIGHT}" xml:lang={lang}>\n'
        f"<title>{escape(title)}</title>\n" + "\n".join(parts) + "\n</svg>\n"
    )
