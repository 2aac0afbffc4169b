"""Page furniture of the DOCX writer: page setup, headers and footers, fields, the marking.

A handout has a running title from page 2 (over a hairline, as in the PDF) and "Page X of
Y" in the footers of pages 2 on: its first page, which shows the title itself, has
neither (``w:titlePg``). So a one-page handout never says "Page 1 of 1": a DOCX cannot
know its page count, and LibreOffice prints the nested fields of ``IF NUMPAGES > 1`` side
by side ("111"), so the condition is the page, not the count. The PDF does the same.

In a pack every page carries the classification marking at its top and bottom (header
and footer), its glyphs 10 mm from the paper's edges and 8 pt clear of the running head
and the footer (:mod:`briefconv.writers._furniture`); every page but the cover "Page X of
Y" with real ``PAGE``/``NUMPAGES`` fields; and every page but the cover and the first
page of each section (the contents, an article: an *opener*, with ``w:titlePg``) the
running header, pack title left and current article right. python-docx has no API for
fields (PITFALLS 6): they are built here as runs.
"""

from __future__ import annotations

import copy
import functools
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from docx.enum.section import WD_HEADER_FOOTER
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.parts.document import DocumentPart
from docx.parts.hdrftr import FooterPart, HeaderPart
from docx.parts.story import StoryPart
from docx.section import Section
from docx.shared import Length, Pt

from briefconv.model import Pack
from briefconv.styles import FontFamily, Role, Style
from briefconv.wording import labels, one_line, untitled
from briefconv.writers._furniture import CLEARANCE, EDGE, cut, fit_marking
from briefconv.writers.docx._oxml import (
    Doc,
    Elem,
    Para,
    el,
    hex_color,
    insert_ordered,
    last_section,
    p_element,
    relate,
    set_paragraph_style,
    twips,
)
from briefconv.writers.docx._styles import PageSource

__all__ = [
    "Heads",
    "body_width",
    "complex_field",
    "copy_without_heads",
    "fld_char",
    "role_measurer",
    "running_heads",
    "setup_page",
    "tab_run",
    "text_run",
    "to_points",
]

_log = logging.getLogger("briefconv")


def setup_page(doc: Doc, style: Style, pack: Pack, *, template: str | None) -> PageSource:
    """Page size and margins from the style; the heads of a document titled by its article.

    A template's page setup is used as it is. A document whose title is its one article's
    (``title_role`` "title", a handout) keeps the template's headers and footers when it
    has any (pandoc's ``--reference-doc`` does the same), and otherwise gets ours now: the
    running title from page 2 and "Page X of Y" on every page. A pack's heads name each
    section's article and carry the marking, which a template's cannot: they go, and
    :func:`running_heads` draws the pack's once the body has its sections.
    """
    titled = pack.layout.title_role == "title"
    body = doc.element.body
    page_from_template = template is not None and body.sectPr is not None
    sect = body.get_or_add_sectPr()
    refs = sect.findall(qn("w:headerReference")) + sect.findall(qn("w:footerReference"))
    headers_from_template = titled and template is not None and bool(refs)
    if not titled:
        if template is not None:
            _log.debug(
                "docx: template %s: a pack has its own running headers and footers%s",
                template,
                "; page setup from the template" if page_from_template else "",
            )
        for ref in refs:
            rid = ref.get(qn("r:id"))
            sect.remove(ref)
            if rid in doc.part.rels:
                doc.part.drop_rel(rid)
        for title_pg in sect.findall(qn("w:titlePg")):
            sect.remove(title_pg)
    section = doc.sections[-1]
    if not page_from_template:
        page = style.page
        # The default template is US Letter (PITFALLS 6).
        section.page_width = Pt(page.width)
        section.page_height = Pt(page.height)
        section.top_margin = Pt(page.margin_top)
        section.bottom_margin = Pt(page.margin_bottom)
        section.left_margin = Pt(page.margin_left)
        section.right_margin = Pt(page.margin_right)
        if titled:
            section.header_distance = Pt(min(36.0, page.margin_top / 2))
            section.footer_distance = Pt(min(36.0, page.margin_bottom / 2))
    if not titled:
        # Heads start at the paper's printable edge, where the PDF draws the marking;
        # the foot's a little further in, for Word and LibreOffice set a line's descender
        # about 0.1 of the size below the bottom of its exact line height.
        marking = style.role("marking").size
        section.header_distance = Pt(EDGE)
        section.footer_distance = Pt(EDGE + _FOOT_ALLOWANCE * marking)
    elif not headers_from_template:
        _title_heads(doc, section, pack, style)
    return PageSource(page_from_template, headers_from_template)


#: How much further from the bottom edge than :data:`EDGE` a footer starts, in sizes of
#: its last line (the marking's): Word and LibreOffice set the descender that far below.
_FOOT_ALLOWANCE = 0.25


def _title_heads(doc: Doc, section: Section, pack: Pack, style: Style) -> None:
    """The heads of a document titled by its article: from page 2, its title and page numbers.

    Page 1 shows the title itself and has neither; a one-page handout so never says "Page
    1 of 1" (see the module docstring). The running title sits over a hairline in the
    header role's colour, as the PDF draws it.
    """
    meta = pack.articles[0].article.meta
    part = doc.part
    section.different_first_page_header_footer = True
    # The parts python-docx would add on first use of each, in the order they are used
    # below (so they get its names and ids), without its scans of the package.
    parts = _HeadParts(doc)
    parts.add(section, WD_HEADER_FOOTER.PRIMARY, footer=False)
    parts.add(section, WD_HEADER_FOOTER.FIRST_PAGE, footer=False)
    parts.add(section, WD_HEADER_FOOTER.FIRST_PAGE, footer=True)
    parts.add(section, WD_HEADER_FOOTER.PRIMARY, footer=True)
    header = section.header.paragraphs[0]
    set_paragraph_style(header, part, "Header")
    header.add_run(untitled(meta.title, meta.language))
    _rule_below(header, style.role("header"))
    set_paragraph_style(section.first_page_header.paragraphs[0], part, "Header")
    set_paragraph_style(section.first_page_footer.paragraphs[0], part, "Footer")
    paragraph = section.footer.paragraphs[0]
    set_paragraph_style(paragraph, part, "Footer")
    _page_x_of_y(paragraph, labels(pack.meta.language).page_of)


def _rule_below(paragraph: Para, role: Role) -> None:
    """A hairline under a running head, 3 pt below its text, in ``role``'s colour."""
    ppr = p_element(paragraph).get_or_add_pPr()
    border = el("w:pBdr")
    border.append(el("w:bottom", val="single", sz="4", space="3", color=hex_color(role.color)))
    insert_ordered(ppr, border)


def body_width(doc: Doc) -> float:
    """Width between the margins of the last section, in points."""
    section = last_section(doc)
    return (
        to_points(section.page_width)
        - to_points(section.left_margin)
        - to_points(section.right_margin)
    )


def to_points(length: Length | None) -> float:
    """A python-docx length in points (0 if the document does not say)."""
    return float(length.pt) if length is not None else 0.0


@dataclass(frozen=True, slots=True)
class Heads:
    """What one section's header names: nothing (the cover) or the current section title."""

    title: str | None


def running_heads(doc: Doc, pack: Pack, style: Style, sections: Sequence[Heads]) -> None:
    """Header and footer parts for every section of a pack: marking; running head; Page X of Y.

    The running head (pack title left, the section's title right) is drawn if the pack's
    layout asks for it, from each section's second page: its first page (``w:titlePg``)
    opens the contents or an article, whose own title is right below. The cover's heads
    hold the marking only.
    """
    words = labels(pack.meta.language)
    width = body_width(doc)
    header_role, footer_role = style.role("header"), style.role("footer")
    marking = _fit_marking(one_line(pack.meta.classification or ""), style, width)
    last = last_section(doc)
    top = to_points(last.top_margin)
    bottom = to_points(last.bottom_margin)
    marking_line = marking.size * 1.25 if marking.text else 0.0
    header_line = header_role.size * 1.3
    footer_line = footer_role.size * 1.3
    # The header rule sits about 8 pt above the text and the footer about 10 pt below it,
    # as in the PDF; the marking lines at the paper's printable edges, and at least
    # CLEARANCE from the running head and the footer (the heads grow into the page when
    # the margins are too small for all of it, as the PDF's frame shrinks).
    foot_distance = EDGE + _FOOT_ALLOWANCE * marking.role_size
    # The glyphs of an exact-height line may reach about 1 pt past it: 2 pt to spare.
    least = CLEARANCE + 2.0
    header_gap = max(least, top - 8.0 - 3.0 - EDGE - marking_line - header_line)
    footer_gap = max(least, bottom - 10.0 - foot_distance - marking_line - footer_line)
    title = untitled(pack.meta.title, pack.meta.language)
    running = pack.layout.running_heads
    measure = role_measurer(style, "header")
    part = doc.part
    new_parts = _HeadParts(doc)
    for section, heads in zip(doc.sections, sections, strict=True):
        opener = heads.title is not None and running
        # What ``header.is_linked_to_previous = False`` does, without python-docx's scans.
        new_parts.define(section, first_page=opener)
        if heads.title is None:  # the cover: the marking only
            _marking_only(section.header.paragraphs[0], marking, part, marking_line, "Header")
            _marking_only(section.footer.paragraphs[0], marking, part, marking_line, "Footer")
            continue
        footers = [section.footer]
        if opener:
            section.different_first_page_header_footer = True
            first = section.first_page_header.paragraphs[0]
            _marking_only(first, marking, part, marking_line, "Header")
            footers.append(section.first_page_footer)
        hp = section.header.paragraphs[0]
        if marking.text:
            marking.put(hp, part, marking_line)
            if running:
                hp = section.header.add_paragraph()
        if running:
            set_paragraph_style(hp, part, "Header")
            _exact(hp, header_line, before=header_gap if marking.text else 0.0)
            _header_line(hp, title, heads.title, width, header_role, measure)
        elif not marking.text:
            set_paragraph_style(hp, part, "Header")
        for footer in footers:
            fp = footer.paragraphs[0]
            set_paragraph_style(fp, part, "Footer")
            _exact(fp, footer_line)
            _page_x_of_y(fp, words.page_of)
            if marking.text:
                below = footer.add_paragraph()
                marking.put(below, part, marking_line, before=footer_gap)


def _marking_only(
    paragraph: Para, marking: _Marking, part: DocumentPart, line: float, style_name: str
) -> None:
    """A header or footer holding the marking alone (or nothing, in its Word style)."""
    if marking.text:
        marking.put(paragraph, part, line)
    else:
        set_paragraph_style(paragraph, part, style_name)


class _HeadParts:
    """Adds the header and footer parts of sections, as python-docx does, in linear time.

    ``section.header.is_linked_to_previous = False`` names the new part with
    ``package.next_partname``, which walks every part of the package (keeping the visited
    ones in a list), and relates it with ``relate_to``, which scans every relationship:
    about O(n²) per section and O(n³) for a pack of n articles. Here the part names in use
    are read once and new ones counted up from there, giving python-docx's names (the
    lowest free ``header<N>.xml``), and relationship ids come from :func:`._oxml.new_rid`.
    """

    def __init__(self, doc: Doc) -> None:
        self._doc_part = doc.part
        self._package = doc.part.package
        self._taken = {str(p.partname) for p in self._package.iter_parts()}
        self._next: dict[str, int] = {}
        self._xml = _default_heads_xml()

    def define(self, section: Section, *, first_page: bool = False) -> None:
        """Give ``section`` a header and a footer of its own where it has none yet.

        With ``first_page``, a first-page header and footer too (a section without them
        would show the previous section's on its first page).
        """
        kinds = [WD_HEADER_FOOTER.PRIMARY]
        if first_page:
            kinds.append(WD_HEADER_FOOTER.FIRST_PAGE)
        for kind in kinds:
            self.add(section, kind, footer=False)
            self.add(section, kind, footer=True)

    def add(self, section: Section, kind: WD_HEADER_FOOTER, *, footer: bool) -> None:
        """Give ``section`` a header (or ``footer``) of ``kind`` where it has none yet."""
        sect = section._sectPr
        if not footer and sect.get_headerReference(kind) is None:
            rid = self._add(RT.HEADER, "/word/header%d.xml", CT.WML_HEADER, HeaderPart)
            sect.add_headerReference(kind, rid)
        elif footer and sect.get_footerReference(kind) is None:
            rid = self._add(RT.FOOTER, "/word/footer%d.xml", CT.WML_FOOTER, FooterPart)
            sect.add_footerReference(kind, rid)

    def _add(self, reltype: str, template: str, content_type: str, kind: type[StoryPart]) -> str:
        n = self._next.get(template, 1)
        while template % n in self._taken:
            n += 1
        self._next[template] = n + 1
        name = template % n
        self._taken.add(name)
        part = kind(PackURI(name), content_type, parse_xml(self._xml[reltype]), self._package)
        return relate(self._doc_part, part, reltype)


@functools.cache
def _default_heads_xml() -> Mapping[str, bytes]:
    """A new header's and footer's XML (one empty paragraph in style Header or Footer).

    Read from python-docx's template files once per process, not once per part.
    """
    return {
        RT.HEADER: cast(Any, HeaderPart)._default_header_xml(),  # untyped
        RT.FOOTER: cast(Any, FooterPart)._default_footer_xml(),
    }


@dataclass(frozen=True, slots=True)
class _Marking:
    """The classification marking as the heads print it: one line, smaller if need be."""

    text: str
    size: float
    role_size: float

    def put(self, paragraph: Para, part: DocumentPart, line: float, *, before: float = 0.0) -> None:
        """Fill ``paragraph`` (in a header or footer of ``part``) with the marking."""
        set_paragraph_style(paragraph, part, "Marking")
        run = paragraph.add_run(self.text)
        if self.size != self.role_size:
            run.font.size = Pt(self.size)
            # w:szCs too: python-docx leaves the complex-script size stale (PITFALLS 6).
            half_points = str(round(self.size * 2))
            rpr: Elem = run._r.get_or_add_rPr()
            rpr.find(qn("w:sz")).addnext(el("w:szCs", val=half_points))
        _exact(paragraph, line, before=before)


def _fit_marking(text: str, style: Style, width: float) -> _Marking:
    """The marking and its size: smaller type to stay on one line, else cut (as the PDF)."""
    role = style.role("marking")
    if not text:
        return _Marking("", role.size, role.size)
    # The rule is the PDF's (writers/_furniture.py): both formats cut at the same place.
    fitted, size = fit_marking(text, role.size, width, role_measurer(style, "marking"))
    if fitted != text:
        _log.warning(
            "docx: the classification marking is too long for one line and is cut in every "
            "header and footer to %r (the full text is on the cover and in the metadata)",
            fitted,
        )
    return _Marking(fitted, size, role.size)


def _exact(paragraph: Para, line: float, *, before: float = 0.0) -> None:
    """Exact line height and spacing, so the heads land where the PDF draws them."""
    ppr = p_element(paragraph).get_or_add_pPr()
    for old in ppr.findall(qn("w:spacing")):
        ppr.remove(old)
    insert_ordered(
        ppr,
        el(
            "w:spacing",
            before=str(twips(before)),
            after="0",
            line=str(twips(line)),
            lineRule="exact",
        ),
    )


def _header_line(
    paragraph: Para,
    title: str,
    section: str,
    width: float,
    role: Role,
    measure: Callable[[str], float],
) -> None:
    """Pack title left, section title right (a right tab), a thin rule below; cut to fit."""
    gap = role.size * 2
    title = cut(title, width * 0.55, measure)
    section = cut(section, width - measure(title) - gap, measure)
    ppr = p_element(paragraph).get_or_add_pPr()
    tabs = el("w:tabs")
    tabs.append(el("w:tab", val="right", pos=str(twips(width))))
    insert_ordered(ppr, tabs)
    border = el("w:pBdr")
    border.append(el("w:bottom", val="single", sz="4", space="3", color=hex_color(role.color)))
    insert_ordered(ppr, border)
    paragraph.add_run(title)
    if section:
        paragraph.add_run("\t" + section)


def role_measurer(style: Style, role_name: str, role: Role | None = None) -> Callable[[str], float]:
    """Text width in points in ``role``'s face (the font files the PDF measures with)."""
    role = role or style.role(role_name)
    key = (style.family(role), role.bold, role.italic, role.size)
    found = _MEASURERS.get(key)
    if found is None:
        # Imported here: only packs measure text, and reportlab costs time to import.
        from briefconv.fonts.metrics import measurer

        if len(_MEASURERS) >= _MEASURERS_KEPT:  # a cover may try many sizes: stay small
            _MEASURERS.clear()
        found = _MEASURERS[key] = measurer(style, role)
    return found


# Measurers by what decides a width: the family's files, bold, italic and size. Making one
# resolves the four font paths (a pack's cover and heads ask for some twenty); a measurer
# is a pure function of its key, so one per key serves every document of the process.
_MEASURERS: dict[tuple[FontFamily, bool, bool, float], Callable[[str], float]] = {}
_MEASURERS_KEPT = 256


def _page_x_of_y(paragraph: Para, wording: str) -> None:
    """Write ``wording`` ("Page {page} of {pages}" in the document's language) with real fields.

    python-docx has no API for fields (PITFALLS 6); Word and LibreOffice compute PAGE and
    NUMPAGES when they lay the page out, so the cached result "1" is only a placeholder.
    """
    for piece in re.split(r"(\{page\}|\{pages\})", wording):
        if piece == "{page}":
            complex_field(p_element(paragraph), "PAGE", "1")
        elif piece == "{pages}":
            complex_field(p_element(paragraph), "NUMPAGES", "1")
        elif piece:
            paragraph.add_run(piece)


def complex_field(parent: Elem, instruction: str, result: str) -> None:
    """Append a complex field (begin, instruction, separate, cached result, end) as runs."""
    parent.append(fld_char("begin"))
    instr_run = el("w:r")
    instr = el("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    instr_run.append(instr)
    parent.append(instr_run)
    parent.append(fld_char("separate"))
    if result:
        # The cached result, as python-docx's Run.text writes it (no xml:space: "1").
        cached = el("w:r")
        t = el("w:t")
        t.text = result
        cached.append(t)
        parent.append(cached)
    parent.append(fld_char("end"))


def fld_char(kind: str) -> Elem:
    """A run holding a field character: ``kind`` is "begin", "separate" or "end"."""
    run = el("w:r")
    run.append(el("w:fldChar", fldCharType=kind))
    return run


def text_run(text: str) -> Elem:
    """A run holding ``text`` as it is (white space kept), for fields and links."""
    run = el("w:r")
    t = el("w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    run.append(t)
    return run


def tab_run(color: str) -> Elem:
    """A tab in ``color``, not bold: the look of its dot leader."""
    run = el("w:r")
    rpr = el("w:rPr")
    rpr.append(el("w:b", val="0"))
    rpr.append(el("w:bCs", val="0"))
    rpr.append(el("w:color", val=hex_color(color)))
    run.append(rpr)
    run.append(el("w:tab"))
    return run


def copy_without_heads(sect: Elem) -> Elem:
    """A copy of a ``w:sectPr`` without header/footer references (they are set per section)."""
    copied = copy.deepcopy(sect)
    for tag in ("w:headerReference", "w:footerReference"):
        for ref in copied.findall(qn(tag)):
            copied.remove(ref)
    return copied
