"""The role -> reportlab ``ParagraphStyle`` table of the PDF writer."""

from __future__ import annotations

from typing import Any, assert_never

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from briefconv.fonts.metrics import Face
from briefconv.styles import Align, Role

__all__ = ["alignment", "heading_role", "paragraph_style"]


def alignment(align: Align) -> int:
    """Map a style alignment to reportlab's TA_* constant (a string crashes at draw)."""
    match align:
        case "left":
            return int(TA_LEFT)
        case "center":
            return int(TA_CENTER)
        case "right":
            return int(TA_RIGHT)
        case "justify":
            return int(TA_JUSTIFY)
        case _:
            assert_never(align)


def paragraph_style(
    name: str,
    role: Role,
    face: Face,
    *,
    keep_with_next: bool = False,
    boxed: bool = False,
    **overrides: Any,
) -> Any:
    """A reportlab ``ParagraphStyle`` for ``role`` set in ``face``.

    ``boxed`` is for paragraphs inside a :class:`QuoteBox`, which draws the role's indent,
    border and background itself.
    """
    options: dict[str, Any] = {
        "fontName": face.font_name,
        "fontSize": role.size,
        "leading": role.size * role.line_height,
        "textColor": HexColor(role.color),
        "alignment": alignment(role.align),
        "spaceBefore": role.space_before,
        "spaceAfter": role.space_after,
        "leftIndent": 0.0 if boxed else role.indent,
        "bulletFontName": face.font_name,
        "bulletFontSize": role.size,
        # PITFALLS 7: no widows or orphans, headings kept with what follows, long words
        # (URLs) broken rather than run off the page.
        "allowWidows": 0,
        "allowOrphans": 0,
        "splitLongWords": 1,
        "keepWithNext": int(keep_with_next),
        # Hyphenation comes from soft hyphens (see hyphenator), not from reportlab.
        "hyphenationLang": "",
        "embeddedHyphenation": 0,
    }
    if not boxed and role.background is not None:
        options["backColor"] = HexColor(role.background)
    if not boxed and role.border_color is not None:
        options.update(borderColor=HexColor(role.border_color), borderWidth=0.75)
    if not boxed and (role.background is not None or role.border_color is not None):
        options["borderPadding"] = role.size * 0.3
    options.update(overrides)
    return ParagraphStyle(name, **options)


def heading_role(level: int) -> str:
    """Style role for a heading level: levels deeper than 3 share ``heading3``."""
    match level:
        case 1:
            return "heading1"
        case 2:
            return "heading2"
        case _:
            return "heading3"
