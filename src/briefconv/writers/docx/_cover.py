"""The DOCX pack cover: the PDF's design (:mod:`briefconv.writers.pdf._cover`) in Word terms.

The cover is the first section; its footer holds the classification marking alone and
its header the marking over the **identity band** (:func:`add_cover_band`): a one-row
table, exactly 12 mm high, its cell shaded in the accent colour, naming the issuing unit
in letter-spaced white capitals (``w:caps``: the text stays as written, for search and
screen readers), and the logo, if the style has one, in a white cell of its own at the
left. The band is in the header, not the body, because pandoc takes a document's title
only from the ``Title`` paragraphs that open the body; the cover section's top margin is
set below it. So the marking is printed once at each edge, and nowhere else but among the
details. The body, top to bottom:

- the **title** (Word's ``Title``, so pandoc and Word take it as the document's title),
  its first baseline a third of the way down the page, then the ``Subtitle`` and a
  0.75 pt rule in the accent colour;
- the **details**: a borderless two-column table, labels in small grey capitals, values
  at 10.5 pt or more in the body's colour;
- in the **lower third**, "In this pack" over a borderless table of the articles
  (number, title, reading time) and the counts line.

Word and LibreOffice have no "a third of the way down" for body text, so the space
before the title and before the lower third is worked out from the type sizes and line
counts measured in the style's fonts, with room to spare so that the cover never spills
onto a second page: articles that would not fit are left out after a "…" row (the counts
line still gives them all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from docx.enum.style import WD_STYLE_TYPE
from docx.image.image import Image as DocxImage
from docx.oxml.ns import qn
from docx.shared import Pt

from briefconv.model import Pack
from briefconv.styles import Role, Style
from briefconv.wording import cover_text, one_line, untitled
from briefconv.writers._furniture import (
    BAND_HEIGHT,
    CLEARANCE,
    EDGE,
    ELLIPSIS,
    TRACKING,
    cover_roles,
    cut,
)
from briefconv.writers.docx._content import (
    add_picture,
    add_styled_paragraph,
    add_text_run,
    append_to_body,
)
from briefconv.writers.docx._furniture import body_width, role_measurer
from briefconv.writers.docx._oxml import (
    Doc,
    Elem,
    Para,
    el,
    finish_table,
    half_points,
    hex_color,
    insert_ordered,
    lookup_style_id,
    lookups,
    p_element,
    twips,
)

__all__ = ["add_cover_band", "write_cover"]

#: Room the cover leaves at its foot for a reader's own line heights (points).
_SLACK = 24.0
#: Space between the parts, in points (as the PDF's).
_GAP = 14.0
#: Space between two rows of the details or of the article list, in points.
_ROW_GAP = 5.0
#: How far above its line's top a DejaVu line's baseline sits, as a fraction of the size.
_ASCENT = 0.93
#: A font's own line height (about 1.17 x the size for DejaVu): "at least" spacing below
#: it is not used.
_NATURAL_LINE = 1.17


class _Lines:
    """Estimated heights of texts in a role, from line counts measured in its face."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self._measures: dict[tuple[str, float, bool], Callable[[str], float]] = {}

    def measure(self, role: Role) -> Callable[[str], float]:
        """Text width in points in ``role``'s face and size."""
        key = (role.font, role.size, role.bold)
        if key not in self._measures:
            self._measures[key] = role_measurer(self.style, "body", role)
        return self._measures[key]

    def height(self, text: str, role: Role, width: float) -> float:
        """Points the lines of ``text`` take at ``width`` in ``role`` (no space around)."""
        return _line_count(text, self.measure(role), width) * _line(role)

    def most(self, text: str, role: Role, width: float, lines: int) -> str:
        """``text`` on one line's words, cut with "…" to about ``lines`` lines at ``width``.

        A cover is one page: the PDF sets a text too long for its share smaller, which
        Word cannot; here it is cut (the document's properties and the contents keep it
        whole). Lines broken at spaces waste some of their width, so the cut is made
        shorter until the text fits.
        """
        text = one_line(text)
        measure = self.measure(role)
        share = 1.0
        while _line_count(text, measure, width) > lines and share > 0.2:
            share -= 0.1
            text = cut(text, width * lines * share, measure)
        return text


def _line(role: Role) -> float:
    """The distance between two lines of ``role``, as Word lays "at least" spacing out."""
    return max(role.size * role.line_height, role.size * _NATURAL_LINE)


def _line_count(text: str, measure: Callable[[str], float], width: float) -> int:
    """Lines ``text`` takes when broken at spaces to fit ``width``."""
    lines, current = 1, ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and measure(candidate) > width:
            lines += 1
            current = word
        else:
            current = candidate
    return lines


def _marking_line(pack: Pack, style: Style) -> float:
    """The height of the marking's line in the cover's header (none without a marking)."""
    return style.role("marking").size * 1.25 if one_line(pack.meta.classification or "") else 0.0


def _band_top(pack: Pack, style: Style) -> float:
    """Where the band starts, from the paper's top edge.

    At the top margin, as in the PDF, and at least a clearance below the marking.
    """
    line = _marking_line(pack, style)
    least = EDGE + line + (CLEARANCE + 2.0 if line else 0.0)
    return max(style.page.margin_top, least)


def _body_top(pack: Pack, style: Style) -> float:
    """The cover section's top margin: below the band."""
    return _band_top(pack, style) + BAND_HEIGHT + _GAP


def write_cover(doc: Doc, pack: Pack, style: Style) -> None:
    """Append the cover of ``pack`` to ``doc``'s body (the cover section's paragraphs).

    The section's top margin and the band in its header come later, with the section
    (:func:`add_cover_band`).
    """
    text = cover_text(pack)
    roles = cover_roles(style)
    page = style.page
    width = body_width(doc)
    lines = _Lines(style)
    bottom = page.height - page.margin_bottom - _SLACK  # lowest place the cover may reach
    y = _body_top(pack, style)  # where the next part starts, from the paper's top edge

    # The title's first baseline a third of the way down the page.
    title_role = style.role("cover_title")
    # The title is Word's and pandoc's document title too: cut only when it would fill the
    # page (COVER_MAX characters would take some 30 lines).
    title = lines.most(untitled(text.title, pack.meta.language), title_role, width, 8)
    before = max(page.height / 3 - y - _ASCENT * title_role.size, _GAP)
    title_p = _paragraph(doc, "Title", title, before=before, after=0.0, role=title_role)
    y += before + lines.height(title, title_role, width)
    last = title_p
    if text.subtitle:
        subtitle_role = style.role("subtitle")
        subtitle = lines.most(text.subtitle, subtitle_role, width, 3)
        last = _paragraph(doc, "Subtitle", subtitle, before=10.0, after=0.0, role=subtitle_role)
        y += 10.0 + lines.height(subtitle, subtitle_role, width)
    # The rule under the title block: 0.75 pt (w:sz counts eighths of a point), 12 pt
    # below the text and 14 pt above the details (a paragraph's space after is outside
    # its border).
    _border(last, "bottom", roles.accent, eighths=6, space=12.0)
    last_role = style.role("subtitle") if text.subtitle else title_role
    _spacing(last, last_role, before=10.0 if text.subtitle else before, after=_GAP)
    y += 12.0 + 0.75 + _GAP

    if text.details:
        label_width = max(_caps_width(style, roles.label, label) for label, _ in text.details)
        column = label_width + _GAP
        rows = _table(doc, [column, width - column])
        for number, (label, whole) in enumerate(text.details):
            value = lines.most(whole, roles.value, width - column, 2)
            after = 0.0 if number == len(text.details) - 1 else _ROW_GAP
            cells = _row(rows, [column, width - column])
            _cell_text(doc, cells[0], label, roles.label, after=after, capitals=True)
            _cell_text(doc, cells[1], value, roles.value, after=after)
            y += lines.height(value, roles.value, width - column) + after

    # The lower third: at two thirds of the page, or a little below the details.
    start = max(page.height * 2 / 3, y + 2 * _GAP)
    heading = add_styled_paragraph(doc, "Cover Text")
    add_text_run(p_element(heading), one_line(text.contents))
    _run_look(p_element(heading), roles.label, capitals=True)
    _border(heading, "top", roles.label.color, eighths=4, space=6.0)
    _spacing(heading, roles.label, before=start - y, after=8.0)
    y = start + 6.0 + _line(roles.label) + 8.0

    summary_height = _line(roles.value) + _ROW_GAP
    number_width = _caps_width(style, roles.number, "00") + 8.0
    time_width = (
        max(
            (
                _caps_width(style, roles.label, t, plain=True, size=roles.value.size)
                for _, t in text.entries
            ),
            default=0.0,
        )
        + 4.0
    )
    title_width = width - number_width - time_width
    widths = [number_width, title_width, time_width]
    entries = _table(doc, widths)
    for index, (entry_title, minutes) in enumerate(text.entries, start=1):
        shown = lines.most(entry_title, roles.value, title_width, 2)
        height = lines.height(shown, roles.value, title_width) + _ROW_GAP
        more = index < len(text.entries)
        if y + height + (_line(roles.value) + _ROW_GAP if more else 0.0) > bottom - summary_height:
            cells = _row(entries, widths)
            _cell_text(doc, cells[0], "", roles.number, after=_ROW_GAP)
            _cell_text(doc, cells[1], ELLIPSIS, roles.value, after=_ROW_GAP)
            _cell_text(doc, cells[2], "", roles.value, after=_ROW_GAP)
            break
        cells = _row(entries, widths)
        _cell_text(doc, cells[0], str(index), roles.number, after=_ROW_GAP)
        _cell_text(doc, cells[1], shown, roles.value, after=_ROW_GAP)
        _cell_text(
            doc,
            cells[2],
            minutes,
            replace(roles.value, color=roles.label.color),
            after=_ROW_GAP,
            align="right",
        )
        y += height
    summary = add_styled_paragraph(doc, "Cover Text")
    add_text_run(p_element(summary), text.summary)
    _spacing(summary, roles.value, before=4.0, after=0.0)
    _run_look(p_element(summary), replace(roles.value, color=roles.label.color))


def _paragraph(
    doc: Doc, style_name: str, text: str, *, before: float, after: float, role: Role
) -> Para:
    """A paragraph in Word style ``style_name`` with ``text`` and its own spacing."""
    paragraph = add_styled_paragraph(doc, style_name)
    add_text_run(p_element(paragraph), text)
    _spacing(paragraph, role, before=before, after=after)
    return paragraph


def _spacing(paragraph: Para | Elem, role: Role, *, before: float, after: float) -> None:
    """Direct spacing before and after, and "at least" the role's line height."""
    p = p_element(paragraph) if isinstance(paragraph, Para) else paragraph
    ppr = p.get_or_add_pPr()
    for old in ppr.findall(qn("w:spacing")):
        ppr.remove(old)
    insert_ordered(
        ppr,
        el(
            "w:spacing",
            before=str(twips(before)),
            after=str(twips(after)),
            line=str(twips(role.size * role.line_height)),
            lineRule="atLeast",
        ),
    )


def _border(paragraph: Para, side: str, color: str, *, eighths: int, space: float) -> None:
    """A rule on ``side`` of the paragraph, ``eighths`` of a point thick, ``space`` from it."""
    ppr = p_element(paragraph).get_or_add_pPr()
    border = el("w:pBdr")
    border.append(
        el(
            f"w:{side}",
            val="single",
            sz=str(eighths),
            space=str(round(space)),
            color=hex_color(color),
        )
    )
    insert_ordered(ppr, border)


def _run_look(parent: Elem, role: Role, *, capitals: bool = False) -> None:
    """Give every run of ``parent`` the look of ``role`` (size, colour, weight), directly.

    ``capitals`` sets it in letter-spaced capitals with ``w:caps``: the text stays as
    written, for search, copying and screen readers, as CSS ``text-transform`` would.
    """
    for r in parent.iter(qn("w:r")):
        rpr = el("w:rPr")
        rpr.append(el("w:b", val="1" if role.bold else "0"))
        rpr.append(el("w:bCs", val="1" if role.bold else "0"))
        rpr.append(el("w:i", val="0"))
        rpr.append(el("w:iCs", val="0"))
        if capitals:
            rpr.append(el("w:caps"))
        rpr.append(el("w:color", val=hex_color(role.color)))
        if capitals:
            # Letter spacing, in twentieths of a point.
            rpr.append(el("w:spacing", val=str(twips(role.size * TRACKING))))
        rpr.append(el("w:sz", val=str(half_points(role.size))))
        rpr.append(el("w:szCs", val=str(half_points(role.size))))
        r.insert(0, rpr)


def _caps_width(
    style: Style, role: Role, text: str, *, plain: bool = False, size: float | None = None
) -> float:
    """The width of ``text`` in ``role`` (in capitals and letter-spaced unless ``plain``)."""
    shown = role if size is None else replace(role, size=size)
    measure = role_measurer(style, "body", shown)
    if plain:
        return measure(text)
    upper = text.upper()
    return measure(upper) + shown.size * TRACKING * max(len(upper) - 1, 0)


def _table(doc: Doc, widths: list[float]) -> Elem:
    """A borderless fixed-width table with no cell margins, appended to the body."""
    tbl = _new_table(widths)
    append_to_body(doc, tbl)
    return tbl


def _new_table(widths: list[float]) -> Elem:
    """A borderless fixed-width table with no cell margins, ``widths`` points wide."""
    tbl = el("w:tbl")
    props = el("w:tblPr")
    twip_widths = [twips(w) for w in widths]
    props.append(el("w:tblW", w=str(sum(twip_widths)), type="dxa"))
    props.append(el("w:tblInd", w="0", type="dxa"))
    borders = el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(el(f"w:{side}", val="nil"))
    props.append(borders)
    props.append(el("w:tblLayout", type="fixed"))
    # No cell margins: the text lines up with the margins and the title above.
    margins = el("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        margins.append(el(f"w:{side}", w="0", type="dxa"))
    props.append(margins)
    finish_table(tbl, props, twip_widths, look="0000", first_row=False)
    return tbl


def _row(tbl: Elem, widths: list[float], *, height: float | None = None) -> list[Elem]:
    """Append a row of cells ``widths`` wide (exactly ``height`` high if given); its cells."""
    tr = el("w:tr")
    props = el("w:trPr")
    props.append(el("w:cantSplit"))
    if height is not None:
        props.append(el("w:trHeight", val=str(twips(height)), hRule="exact"))
    tr.append(props)
    cells = []
    for w in widths:
        tc = el("w:tc")
        tc_props = el("w:tcPr")
        tc_props.append(el("w:tcW", w=str(twips(w)), type="dxa"))
        tc.append(tc_props)
        tr.append(tc)
        cells.append(tc)
    tbl.append(tr)
    return cells


def _cell_text(
    doc: Doc,
    tc: Elem,
    text: str,
    role: Role,
    *,
    after: float,
    capitals: bool = False,
    align: str | None = None,
    indent: float = 0.0,
) -> Elem:
    """A paragraph in cell ``tc``: ``text`` in ``role``'s look, in the ``Cover Text`` style."""
    p = el("w:p")
    ppr = el("w:pPr")
    p.append(ppr)
    # The byline's look (its sans face); the id looked up once per document.
    style_id = lookup_style_id(doc.part, "Cover Text", WD_STYLE_TYPE.PARAGRAPH)
    if style_id is not None:
        insert_ordered(ppr, el("w:pStyle", val=style_id))
    _spacing(p, role, before=0.0, after=after)
    if indent:
        insert_ordered(ppr, el("w:ind", left=str(twips(indent))))
    if align is not None:
        insert_ordered(ppr, el("w:jc", val=align))
    if text:
        add_text_run(p, text)
        _run_look(p, role, capitals=capitals)
    tc.append(p)
    return p


def add_cover_band(doc: Doc, pack: Pack, style: Style) -> None:
    """The identity band in the cover section's header, below the marking; its top margin.

    Called once the sections and their heads exist (:func:`._furniture.running_heads`
    has put the marking in the header's first paragraph).
    """
    section = doc.sections[0]
    header = section.header
    text = cover_text(pack)
    roles = cover_roles(style)
    width = body_width(doc)
    hdr = header._element
    first = hdr.find(qn("w:p"))
    # The band's top at the top margin, as in the PDF: the space after the marking's line.
    spacing = first.get_or_add_pPr().find(qn("w:spacing"))
    line = _marking_line(pack, style)
    gap = _band_top(pack, style) - EDGE - line
    if spacing is None:
        spacing = el("w:spacing", before="0", line=str(twips(max(line, 1.0))), lineRule="exact")
        insert_ordered(first.get_or_add_pPr(), spacing)
    spacing.set(qn("w:after"), str(twips(gap)))
    logo = style.pack.get("logo")
    widths = [width]
    if logo:
        logo_width = min(_logo_width(str(logo)), width / 4) + 8.0
        widths = [logo_width, width - logo_width]
    tbl = _new_table(widths)
    hdr.append(tbl)
    cells = _row(tbl, widths, height=BAND_HEIGHT)
    band = cells[-1]
    tc_props = band.find(qn("w:tcPr"))
    tc_props.append(el("w:shd", val="clear", color="auto", fill=hex_color(roles.accent)))
    tc_props.append(el("w:vAlign", val="center"))
    indent = 0.8 * roles.identity.size
    # One line in the band (its height is exact): cut to the band's width if need be.
    measure = role_measurer(style, "body", roles.identity)

    def tracked(line: str) -> float:
        upper = line.upper()
        return measure(upper) + roles.identity.size * TRACKING * max(len(upper) - 1, 0)

    identity = cut(one_line(text.identity or ""), widths[-1] - 2.5 * indent, tracked)
    _cell_text(doc, band, identity, roles.identity, after=0.0, capitals=True, indent=indent)
    if logo:
        holder = cells[0]
        holder.find(qn("w:tcPr")).append(el("w:vAlign", val="center"))
        p = _cell_text(doc, holder, "", roles.value, after=0.0)
        image = DocxImage.from_file(str(logo))
        # As high as the band, or narrower for a wide logo (its cell is at most a quarter).
        height = min(BAND_HEIGHT, (widths[0] - 8.0) * image.px_height / max(image.px_width, 1))
        width = height * image.px_width / max(image.px_height, 1)
        # Shape ids go on from the body's, so that no two pictures share one (python-docx
        # counts per part; Word wants them unique in the document).
        body = lookups(doc.part)
        if body.shape_id is None:
            body.shape_id = max(
                (int(v) for v in doc.part.element.xpath("//@id") if v.isdigit()), default=0
            )
        lookups(header.part).shape_id = body.shape_id
        add_picture(header.part, add_text_run(p, ""), image, width=Pt(width), height=Pt(height))
    # A story ends in a paragraph; this one takes no room.
    end = el("w:p")
    end_ppr = el("w:pPr")
    end_ppr.append(el("w:spacing", before="0", after="0", line="20", lineRule="exact"))
    end.append(end_ppr)
    hdr.append(end)
    section.top_margin = Pt(_body_top(pack, style))


def _logo_width(path: str) -> float:
    """The logo's width at the band's height, in points."""
    image = DocxImage.from_file(path)
    return float(image.width) / float(image.height) * BAND_HEIGHT if image.height else 0.0
