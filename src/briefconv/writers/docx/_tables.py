"""Tables in Word: the ``w:tbl`` skeleton, its column widths, and the look of the ``Table`` style.

A model table becomes a real Word table in the ``Table`` table style (pandoc's name, so a
pandoc reference document's table style applies). Its header row repeats on every page
(``w:tblHeader``), no row splits across pages (``w:cantSplit``), and the header is also
marked by ``w:tblLook`` "first row", which is what the style's header look (shading, rule,
bold) hangs on and what pandoc reads as the header.

The table is exactly as wide as the text: the layout is fixed (Word and LibreOffice both
keep fixed widths, where an autofit table grows with an unbreakable word), and the
columns share the width by their content, measured in the style's faces, the way a
browser sizes an auto-width table: each column gets at least its longest word, and what
is left goes to the columns whose text is longer than that.

Cell text is in the paragraph styles ``Table Contents`` and ``Table Heading`` (roles
``table`` and ``table_header``); this module builds everything but the cells' paragraphs,
which the content module fills.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from docx.enum.style import WD_STYLE_TYPE

from briefconv.model import Align, Cell, Table, plain_text
from briefconv.styles import Style
from briefconv.writers.docx._oxml import (
    Doc,
    Elem,
    el,
    finish_table,
    hex_color,
    lookup_style_id,
    twips,
)

__all__ = [
    "CELL_MARGIN",
    "TABLE_CONTENTS",
    "TABLE_HEADING",
    "TABLE_STYLE",
    "TableLook",
    "cell_alignment",
    "column_widths",
    "new_cell",
    "new_row",
    "new_table",
    "table_look",
    "table_style_properties",
]

#: The table style every table is in (pandoc's name for it).
TABLE_STYLE = "Table"
#: The paragraph style of body cells (role ``table``); LibreOffice's name for it.
TABLE_CONTENTS = "Table Contents"
#: The paragraph style of header cells (role ``table_header``); LibreOffice's name for it.
TABLE_HEADING = "Table Heading"

#: Space between a cell's edge and its text, left and right (points); top and bottom half.
CELL_MARGIN = 4.0

#: How much of the rule colour the hairlines between body rows keep (the rest is white).
_HAIRLINE_STRENGTH = 0.35

#: Word's "compatibilityMode" from which a table's indent is measured to its edge (Word
#: 2013); before it, to the first cell's text (the edge then sits a cell margin further out).
_EDGE_INDENT_MODE = 15

#: Points a column gets beyond its measured text (rounding, kerning, a reader's metrics).
_SLACK = 2.0

_JC = {"left": "left", "center": "center", "right": "right"}
_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class TableLook:
    """The colours of a table, from the ``table`` and ``table_header`` roles.

    ``rule`` is the table's border colour (the ``table`` role's ``border_color``, else
    the header's, else the header's text colour): a rule above and below the table and
    under its header. ``hairline`` is a lighter tint of it between body rows; ``header_fill``
    the header row's shading (the ``table_header`` role's ``background``, if any).
    """

    rule: str
    hairline: str
    header_fill: str | None


def table_look(style: Style) -> TableLook:
    """The colours of a table in ``style``."""
    body, header = style.role("table"), style.role("table_header")
    rule = body.border_color or header.border_color or header.color
    return TableLook(rule, _tint(rule, _HAIRLINE_STRENGTH), header.background or body.background)


def _tint(color: str, strength: float) -> str:
    """``color`` mixed with white, keeping ``strength`` of it (``#RRGGBB``)."""
    channels = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 - (255 - c) * strength) for c in channels]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def column_widths(natural: Sequence[float], minimum: Sequence[float], total: float) -> list[float]:
    """Share ``total`` among columns that want ``natural`` and need at least ``minimum``.

    Content that fits is spread out to the full width in proportion; content that does
    not gets every column's minimum first and the rest in proportion to what each still
    wants; minimums that do not fit are scaled down (Word then breaks the long words)::

        >>> column_widths([10, 30], [10, 10], 80)
        [20.0, 60.0]
        >>> column_widths([10, 110], [10, 20], 60)
        [10.0, 50.0]
    """
    wanted = sum(natural)
    if wanted <= 0:
        return [total / len(natural)] * len(natural)
    if wanted <= total:
        return [total * n / wanted for n in natural]
    least = sum(minimum)
    if least >= total:
        return [total * m / least for m in minimum]
    extra = [n - m for n, m in zip(natural, minimum, strict=True)]
    spare = total - least
    return [m + spare * e / sum(extra) for m, e in zip(minimum, extra, strict=True)]


def _cell_extent(cell: Cell, measure: Callable[[str], float]) -> tuple[float, float]:
    """The width a cell's text wants on one line (its longest line), and its longest word's."""
    text = plain_text(cell)
    lines = text.split("\n")
    natural = max(measure(line) for line in lines)
    longest = max((measure(word) for word in _WORD.findall(text)), default=0.0)
    return natural, longest


def _widths(table: Table, style: Style, total: float) -> list[int]:
    """Column widths in twips, adding up to ``total`` points exactly."""
    # Imported here: only documents with tables measure text, and reportlab is slow to load.
    from briefconv.fonts.metrics import measurer

    # Both margins, and a little room for a reader that measures a word a hair wider.
    pad = 2 * CELL_MARGIN + _SLACK
    columns = len(table.header)
    natural = [pad] * columns
    minimum = [pad] * columns
    for row, role in ((table.header, "table_header"), *((r, "table") for r in table.rows)):
        measure = measurer(style, style.role(role))
        for index, cell in enumerate(row):
            wants, needs = _cell_extent(cell, measure)
            natural[index] = max(natural[index], wants + pad)
            minimum[index] = max(minimum[index], needs + pad)
    widths = [twips(w) for w in column_widths(natural, minimum, total)]
    widths[-1] += twips(total) - sum(widths)  # rounding never pushes past the margin
    return widths


def _compatibility_mode(doc: Doc) -> int:
    """Word's compatibility mode of the document (14 for python-docx's template)."""
    found = doc.settings.element.xpath(
        './w:compat/w:compatSetting[@w:name="compatibilityMode"]/@w:val'
    )
    return int(found[0]) if found and str(found[0]).isdigit() else 0


def new_table(doc: Doc, table: Table, style: Style, width: float) -> tuple[Elem, list[int]]:
    """A ``w:tbl`` with its properties and grid, ``width`` points wide; and its column widths.

    Its left edge is on the margin: in the compatibility mode of python-docx's template
    (Word 2010) the indent is measured to the first cell's text, so it is one cell margin.
    """
    widths = _widths(table, style, width)
    tbl = el("w:tbl")
    props = el("w:tblPr")
    # Looked up once per document, not per table (python-docx searches styles.xml).
    style_id = lookup_style_id(doc.part, TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    if style_id is not None:
        props.append(el("w:tblStyle", val=style_id))
    props.append(el("w:tblW", w=str(sum(widths)), type="dxa"))
    margin = twips(CELL_MARGIN)
    indent = 0 if _compatibility_mode(doc) >= _EDGE_INDENT_MODE else margin
    props.append(el("w:tblInd", w=str(indent), type="dxa"))
    props.append(el("w:tblLayout", type="fixed"))
    # The cell margins are part of the widths worked out above, so they are the table's
    # own (LibreOffice 7.4 ignores a table style's and keeps Word's default 5.4 pt).
    props.append(_cell_margins())
    # First row: the style's header look applies; no banding (the style has none).
    finish_table(tbl, props, widths, look="0620", first_row=True)
    return tbl, widths


def _cell_margins() -> Elem:
    """``w:tblCellMar``: :data:`CELL_MARGIN` left and right, half of it above and below."""
    margins = el("w:tblCellMar")
    side, end = str(twips(CELL_MARGIN)), str(twips(CELL_MARGIN / 2))
    for name, value in (("top", end), ("left", side), ("bottom", end), ("right", side)):
        margins.append(el(f"w:{name}", w=value, type="dxa"))
    return margins


def new_row(tbl: Elem, *, header: bool) -> Elem:
    """Append a row that never splits across pages; a header row repeats on every page."""
    tr = el("w:tr")
    props = el("w:trPr")
    props.append(el("w:cantSplit"))
    if header:
        props.append(el("w:tblHeader"))
    tr.append(props)
    tbl.append(tr)
    return tr


def new_cell(tr: Elem, width: int) -> Elem:
    """Append a cell ``width`` twips wide; the caller adds its paragraphs (at least one)."""
    tc = el("w:tc")
    props = el("w:tcPr")
    props.append(el("w:tcW", w=str(width), type="dxa"))
    tc.append(props)
    tr.append(tc)
    return tc


def cell_alignment(align: Align) -> str | None:
    """The ``w:jc`` of a column's paragraphs; None for "default" (the role's alignment)."""
    return _JC.get(align)


def table_style_properties(look: TableLook) -> tuple[Elem, Elem]:
    """The ``Table`` style's ``w:tblPr`` and its header-row ``w:tblStylePr``.

    Rules above and below the table and hairlines between rows, no vertical rules (as a
    newspaper sets figures); the header row shaded and ruled below. Bold and colour of
    the header's text come from its paragraph style, ``Table Heading``.
    """
    props = el("w:tblPr")
    borders = el("w:tblBorders")
    rule = hex_color(look.rule)
    borders.append(el("w:top", val="single", sz="8", space="0", color=rule))
    borders.append(el("w:left", val="nil"))
    borders.append(el("w:bottom", val="single", sz="8", space="0", color=rule))
    borders.append(el("w:right", val="nil"))
    borders.append(el("w:insideH", val="single", sz="4", space="0", color=hex_color(look.hairline)))
    borders.append(el("w:insideV", val="nil"))
    props.append(borders)
    props.append(_cell_margins())
    first_row = el("w:tblStylePr", type="firstRow")
    cell = el("w:tcPr")
    cell_borders = el("w:tcBorders")
    cell_borders.append(el("w:bottom", val="single", sz="8", space="0", color=rule))
    cell.append(cell_borders)
    if look.header_fill is not None:
        cell.append(el("w:shd", val="clear", color="auto", fill=hex_color(look.header_fill)))
    first_row.append(cell)
    return props, first_row
