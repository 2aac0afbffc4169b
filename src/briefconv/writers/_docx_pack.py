"""The DOCX writer's briefing pack: cover, "In this pack", a TOC field, one section per article.

Layout, as in the PDF pack (:mod:`._pdf_pack`):

* The **cover** is a section of its own whose header and footer hold only the
  classification marking; the pack title is ``Title`` (so pandoc and Word take it as the
  document title), the subtitle ``Subtitle``, the date, "Prepared by/for" lines and the
  counts line ``Byline``; the lower block sits at the foot of the page in a frame.
* **"In this pack"** (``TOC Heading``, which Word keeps out of its own TOC and navigation
  pane) lists every article: its title as an internal hyperlink to the article's bookmark
  with a ``PAGEREF`` page number, the details line and the summary. A real Word ``TOC``
  field follows, pre-filled with the article titles (``TOC 1``) and their headings (``TOC
  2``/``TOC 3``), because headless LibreOffice and other readers never rebuild it
  (PITFALLS 6); ``w:updateFields`` asks Word to refresh its page numbers on opening.
* **Each article** is a section of its own, so it starts on a new page and carries its
  own running header (pack title, article title; LibreOffice 7.4 cannot be relied on for
  ``STYLEREF``). Its title is ``Heading 1`` (bookmark ``entry.id``) and model heading level
  n is ``Heading n+1`` (bookmark ``heading_id(entry.id, block index)``), so headings nest
  under their article in Word's navigation pane and in pandoc.
* Every page carries the marking at its top and bottom (header and footer); every page but
  the cover the running header and "Page X of Y" with real ``PAGE``/``NUMPAGES`` fields.

Word limits bookmark names to 40 characters: longer ids are shortened with a hash of the
whole id (:func:`bookmark_name`), so they stay unique.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from docx.enum.section import WD_HEADER_FOOTER
from docx.enum.style import WD_STYLE_TYPE
from docx.image.image import Image as DocxImage
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.parts.document import DocumentPart
from docx.parts.hdrftr import FooterPart, HeaderPart
from docx.parts.story import StoryPart
from docx.section import Section
from docx.shape import InlineShape
from docx.shared import Emu, Length, Pt

from briefconv.model import Heading, Pack, PackArticle, plain_text
from briefconv.pack import heading_id
from briefconv.styles import Role, Style
from briefconv.wording import byline, cover_text, entry_details, labels
from briefconv.writers._dates import pack_datetime
from briefconv.writers._runs import flatten
from briefconv.writers.docx import (
    _STYLE_ROLES,
    _W_P,
    _add_picture,
    _add_runs,
    _add_text_run,
    _apply_paragraph_role,
    _base_document,
    _Doc,
    _el,
    _Elem,
    _finish,
    _fit,
    _hex,
    _insert_ordered,
    _last_section,
    _line_spacing,
    _Numbering,
    _p_element,
    _Para,
    _relate,
    _set_paragraph_style,
    _setup_styles,
    _twips,
    _write_block,
    add_styled_paragraph,
)

__all__ = ["bookmark_name", "write_pack"]

_log = logging.getLogger("briefconv")

#: Word drops or renames bookmarks with longer names.
_BOOKMARK_MAX = 40
#: Space kept clear at the paper's edge (about 5 mm), as in the PDF: printers cannot print there.
_EDGE = 14.0
_ELLIPSIS = "…"
#: Smallest type a long classification marking shrinks to before it is cut (as in the PDF).
_MIN_MARKING_SIZE = 6.0
#: Right indent of the contents' summaries: room for the page numbers above them.
_NUMBER_RESERVE = 36.0
#: Room the cover leaves at its foot for a reader's own line heights (points).
_COVER_SLACK = 24.0

#: Word style -> role in a pack: the article title is ``Heading 1`` and looks like the
#: ``title`` role, model headings go one level deeper; ``Title`` is the cover's.
_PACK_ROLES: tuple[tuple[str, str], ...] = (
    *((name, role) for name, role in _STYLE_ROLES if not name.startswith(("Heading", "Title"))),
    ("Title", "cover_title"),
    ("Heading 1", "title"),
    ("Heading 2", "heading1"),
    ("Heading 3", "heading2"),
    ("Heading 4", "heading3"),
    ("Heading 5", "heading3"),
    ("Heading 6", "heading3"),
    ("Heading 7", "heading3"),
    ("TOC Heading", "heading1"),
    ("Marking", "marking"),
    ("Contents Entry", "heading2"),
    ("Article Byline", "byline"),
)

#: Paragraph styles of a pack that python-docx's template lacks, with their bases.
_PACK_CUSTOM: dict[str, str] = {
    "Byline": "Normal",
    "Quote Attribution": "Quote",
    "Marking": "Normal",
    "Contents Entry": "Normal",
    "Article Byline": "Byline",
}

#: What follows ``w:updateFields`` in ``w:settings`` (ECMA-376 CT_Settings): it goes before
#: the first of these that is present (PITFALLS 6).
_AFTER_UPDATE_FIELDS: tuple[str, ...] = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars",
    "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary",
    "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip

#: TOC levels Word fills from ``TOC \\o "1-3"``: heading styles 1-3.
_TOC_LEVELS = 3


def bookmark_name(anchor: str) -> str:
    """The Word bookmark name for ``anchor``: itself, or cut with a hash if over 40 characters.

    >>> bookmark_name("a1-talks-h3")
    'a1-talks-h3'
    >>> len(bookmark_name("a1-" + "x" * 60 + "-h12"))
    40
    """
    if len(anchor) <= _BOOKMARK_MAX:
        return anchor
    digest = hashlib.sha1(anchor.encode()).hexdigest()[:8]
    return f"{anchor[: _BOOKMARK_MAX - 9]}_{digest}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write_pack(pack: Pack, style: Style) -> bytes:
    """Render ``pack`` (with cover and contents) in ``style``; return the DOCX bytes."""
    when = pack_datetime(pack)
    language = pack.meta.language
    doc, template = _base_document(style)
    kept = _setup_styles(
        doc, style, language, template=template is not None, roles=_PACK_ROLES, custom=_PACK_CUSTOM
    )
    _setup_pack_styles(doc, style, kept)
    lists = _Numbering(doc, style.role("list"), kept)
    page_from_template = _setup_pack_page(doc, style, template)
    if template is not None:
        _log.debug(
            "docx: template %s: a pack has its own running headers and footers%s",
            template,
            "; page setup from the template" if page_from_template else "",
        )
    builder = _PackBuilder(doc, pack, style, lists)
    builder.build()
    _running_heads(doc, pack, style, builder.sections)
    _update_fields_on_open(doc)
    _set_pack_properties(doc, pack, when)
    return _finish(doc, when)


# --- styles ----------------------------------------------------------------------------


def _setup_pack_styles(doc: _Doc, style: Style, kept: frozenset[str]) -> None:
    """Rules under the contents heading and the article byline; the ``TOC n`` styles."""
    styles = doc.styles
    rule = style.role("title")
    byline_role = style.role("byline")
    heading = style.role("heading1")
    if "TOC Heading" not in kept:
        _bottom_rule(styles["TOC Heading"].element, heading.color, space=4.0)
    if "Article Byline" not in kept:
        _bottom_rule(styles["Article Byline"].element, rule.color, space=byline_role.space_after)
    body = style.role("body")
    looks = {
        # Article titles: the contents entries' look, a little smaller; headings as body.
        "TOC 1": replace(
            style.role("heading3"), space_before=6, space_after=2, color=heading.color
        ),
        "TOC 2": replace(body, space_before=0, space_after=1, indent=14),
        "TOC 3": replace(body, space_before=0, space_after=1, indent=28),
        # The contents' article titles sit close to their details line, as in the PDF.
        "Contents Entry": replace(style.role("heading2"), space_after=2),
    }
    for name, role in looks.items():
        if name in kept:
            continue
        if name not in styles:  # not in python-docx's template (PITFALLS 6: KeyError)
            added = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=True)
            added.base_style = styles["Normal"]
            added.next_paragraph_style = styles["Normal"]
            added.unhide_when_used = True
            added.priority = 39
        _apply_paragraph_role(
            styles[name].element, role, style.family(role).name, keep_numbering=False
        )


def _bottom_rule(style_element: _Elem, color: str, *, space: float) -> None:
    """A thin rule under every paragraph of a style, ``space`` points below its text."""
    ppr = style_element.get_or_add_pPr()
    border = ppr.find(qn("w:pBdr"))
    if border is None:
        border = _el("w:pBdr")
        _insert_ordered(ppr, border)
    for old in border.findall(qn("w:bottom")):
        border.remove(old)
    # Schema order inside w:pBdr: top, left, bottom, right, between, bar.
    bottom = _el(
        "w:bottom", val="single", sz="6", space=str(min(31, round(space))), color=_hex(color)
    )
    right = border.find(qn("w:right"))
    if right is not None:
        right.addprevious(bottom)
    else:
        border.append(bottom)


# --- page and running heads ------------------------------------------------------------


def _setup_pack_page(doc: _Doc, style: Style, template: str | None) -> bool:
    """Page size and margins of the (last, template) section; drop template heads.

    Returns whether the page setup came from the template.
    """
    body = doc.element.body
    page_from_template = template is not None and body.sectPr is not None
    sect = body.get_or_add_sectPr()
    # A pack's heads name the current article: the template's cannot, and go.
    for ref in sect.findall(qn("w:headerReference")) + sect.findall(qn("w:footerReference")):
        rid = ref.get(qn("r:id"))
        sect.remove(ref)
        if rid in doc.part.rels:
            doc.part.drop_rel(rid)
    for title_pg in sect.findall(qn("w:titlePg")):
        sect.remove(title_pg)
    section = doc.sections[-1]
    if not page_from_template:
        page = style.page
        section.page_width = Pt(page.width)
        section.page_height = Pt(page.height)
        section.top_margin = Pt(page.margin_top)
        section.bottom_margin = Pt(page.margin_bottom)
        section.left_margin = Pt(page.margin_left)
        section.right_margin = Pt(page.margin_right)
    # Heads start at the paper's printable edge, where the PDF draws the marking.
    section.header_distance = Pt(_EDGE)
    section.footer_distance = Pt(_EDGE)
    return page_from_template


def _text_width(doc: _Doc) -> float:
    """Width between the margins of the last section, in points."""
    section = _last_section(doc)
    return (
        _points(section.page_width) - _points(section.left_margin) - _points(section.right_margin)
    )


def _points(length: Length | None) -> float:
    """A python-docx length in points (0 if the document does not say)."""
    return float(length.pt) if length is not None else 0.0


@dataclass(frozen=True, slots=True)
class _Heads:
    """What one section's header names: nothing (the cover) or the current section title."""

    title: str | None


def _running_heads(doc: _Doc, pack: Pack, style: Style, sections: Sequence[_Heads]) -> None:
    """Header and footer parts for every section: marking; running title; Page X of Y."""
    words = labels(pack.meta.language)
    width = _text_width(doc)
    header_role, footer_role = style.role("header"), style.role("footer")
    marking = _fit_marking(_one_line(pack.meta.classification or ""), style, width)
    last = _last_section(doc)
    top = _points(last.top_margin)
    bottom = _points(last.bottom_margin)
    marking_line = marking.size * 1.25 if marking.text else 0.0
    header_line = header_role.size * 1.3
    footer_line = footer_role.size * 1.3
    # The header rule sits about 8 pt above the text and the footer about 10 pt below it,
    # as in the PDF; the marking lines at the paper's printable edges.
    header_gap = max(0.0, top - 8.0 - 3.0 - _EDGE - marking_line - header_line)
    footer_gap = max(0.0, bottom - 10.0 - _EDGE - marking_line - footer_line)
    title = _one_line(pack.meta.title)
    measure = _measurer(style, "header")
    part = doc.part
    new_parts = _HeadParts(doc)
    for section, heads in zip(doc.sections, sections, strict=True):
        # What ``header.is_linked_to_previous = False`` does, without python-docx's scans.
        new_parts.define(section)
        header = section.header
        footer = section.footer
        hp = header.paragraphs[0]
        fp = footer.paragraphs[0]
        if heads.title is None:  # the cover: the marking only
            if marking.text:
                marking.put(hp, part, marking_line)
                marking.put(fp, part, marking_line)
            else:
                _set_paragraph_style(hp, part, "Header")
                _set_paragraph_style(fp, part, "Footer")
            continue
        if marking.text:
            marking.put(hp, part, marking_line)
            hp = header.add_paragraph()
        _set_paragraph_style(hp, part, "Header")
        _exact(hp, header_line, before=header_gap)
        _header_line(hp, title, heads.title, width, header_role, measure)
        _set_paragraph_style(fp, part, "Footer")
        _exact(fp, footer_line)
        _page_x_of_y(fp, words.page_of)
        if marking.text:
            below = footer.add_paragraph()
            marking.put(below, part, marking_line, before=footer_gap)


class _HeadParts:
    """Adds the header and footer parts of sections, as python-docx does, in linear time.

    ``section.header.is_linked_to_previous = False`` names the new part with
    ``package.next_partname``, which walks every part of the package (keeping the visited
    ones in a list), and relates it with ``relate_to``, which scans every relationship:
    about O(n²) per section and O(n³) for a pack of n articles. Here the part names in use
    are read once and new ones counted up from there, giving python-docx's names (the
    lowest free ``header<N>.xml``), and relationship ids come from :func:`_new_rid`.
    """

    def __init__(self, doc: _Doc) -> None:
        self._doc_part = doc.part
        self._package = doc.part.package
        self._taken = {str(p.partname) for p in self._package.iter_parts()}
        self._next: dict[str, int] = {}
        # The parts' initial XML (one empty paragraph in style Header or Footer), read from
        # python-docx's templates once rather than once per part.
        self._xml = {
            RT.HEADER: cast(Any, HeaderPart)._default_header_xml(),  # untyped
            RT.FOOTER: cast(Any, FooterPart)._default_footer_xml(),
        }

    def define(self, section: Section) -> None:
        """Give ``section`` a header and a footer of its own where it has none yet."""
        sect = section._sectPr
        if sect.get_headerReference(WD_HEADER_FOOTER.PRIMARY) is None:
            rid = self._add(RT.HEADER, "/word/header%d.xml", CT.WML_HEADER, HeaderPart)
            sect.add_headerReference(WD_HEADER_FOOTER.PRIMARY, rid)
        if sect.get_footerReference(WD_HEADER_FOOTER.PRIMARY) is None:
            rid = self._add(RT.FOOTER, "/word/footer%d.xml", CT.WML_FOOTER, FooterPart)
            sect.add_footerReference(WD_HEADER_FOOTER.PRIMARY, rid)

    def _add(self, reltype: str, template: str, content_type: str, kind: type[StoryPart]) -> str:
        n = self._next.get(template, 1)
        while template % n in self._taken:
            n += 1
        self._next[template] = n + 1
        name = template % n
        self._taken.add(name)
        part = kind(PackURI(name), content_type, parse_xml(self._xml[reltype]), self._package)
        return _relate(self._doc_part, part, reltype)


@dataclass(frozen=True, slots=True)
class _Marking:
    """The classification marking as the heads print it: one line, smaller if need be."""

    text: str
    size: float
    role_size: float

    def put(
        self, paragraph: _Para, part: DocumentPart, line: float, *, before: float = 0.0
    ) -> None:
        """Fill ``paragraph`` (in a header or footer of ``part``) with the marking."""
        _set_paragraph_style(paragraph, part, "Marking")
        run = paragraph.add_run(self.text)
        if self.size != self.role_size:
            run.font.size = Pt(self.size)
            # w:szCs too: python-docx leaves the complex-script size stale (PITFALLS 6).
            half_points = str(round(self.size * 2))
            rpr: _Elem = run._r.get_or_add_rPr()
            rpr.find(qn("w:sz")).addnext(_el("w:szCs", val=half_points))
        _exact(paragraph, line, before=before)


def _fit_marking(text: str, style: Style, width: float) -> _Marking:
    """The marking and its size: smaller type to stay on one line, else cut (as the PDF)."""
    role = style.role("marking")
    if not text:
        return _Marking("", role.size, role.size)
    natural = _measurer(style, "marking")(text)
    if natural <= width:
        return _Marking(text, role.size, role.size)
    size = max(role.size * width / natural, _MIN_MARKING_SIZE)
    fitted = _cut(text, width, _measurer(style, "marking", replace(role, size=size)))
    if fitted != text:
        _log.warning(
            "docx: the classification marking is too long for one line and is cut in every "
            "header and footer to %r (the full text is on the cover and in the metadata)",
            fitted,
        )
    return _Marking(fitted, size, role.size)


def _exact(paragraph: _Para, line: float, *, before: float = 0.0) -> None:
    """Exact line height and spacing, so the heads land where the PDF draws them."""
    ppr = _p_element(paragraph).get_or_add_pPr()
    for old in ppr.findall(qn("w:spacing")):
        ppr.remove(old)
    _insert_ordered(
        ppr,
        _el(
            "w:spacing",
            before=str(_twips(before)),
            after="0",
            line=str(_twips(line)),
            lineRule="exact",
        ),
    )


def _header_line(
    paragraph: _Para,
    title: str,
    section: str,
    width: float,
    role: Role,
    measure: Callable[[str], float],
) -> None:
    """Pack title left, section title right (a right tab), a thin rule below; cut to fit."""
    gap = role.size * 2
    title = _cut(title, width * 0.55, measure)
    section = _cut(section, width - measure(title) - gap, measure)
    ppr = _p_element(paragraph).get_or_add_pPr()
    tabs = _el("w:tabs")
    tabs.append(_el("w:tab", val="right", pos=str(_twips(width))))
    _insert_ordered(ppr, tabs)
    border = _el("w:pBdr")
    border.append(_el("w:bottom", val="single", sz="4", space="3", color=_hex(role.color)))
    _insert_ordered(ppr, border)
    paragraph.add_run(title)
    if section:
        paragraph.add_run("\t" + section)


def _cut(text: str, width: float, measure: Callable[[str], float]) -> str:
    """``text``, cut with an ellipsis if wider than ``width`` points (as the PDF cuts it)."""
    if measure(text) <= width:
        return text
    while text and measure(text + _ELLIPSIS) > width:
        text = text[:-1]
    return text.rstrip() + _ELLIPSIS


def _measurer(style: Style, role_name: str, role: Role | None = None) -> Callable[[str], float]:
    """Text width in points in ``role``'s face (the font files the PDF measures with)."""
    # Imported here: only packs measure text, and reportlab costs time to import.
    from briefconv.fonts.metrics import measurer

    return measurer(style, role or style.role(role_name))


def _page_x_of_y(paragraph: _Para, wording: str) -> None:
    """Write "Page {page} of {pages}" in the pack's language, with real PAGE and NUMPAGES fields."""
    for piece in re.split(r"(\{page\}|\{pages\})", wording):
        if piece == "{page}":
            _field(_p_element(paragraph), "PAGE", "1")
        elif piece == "{pages}":
            _field(_p_element(paragraph), "NUMPAGES", "1")
        elif piece:
            paragraph.add_run(piece)


def _field(parent: _Elem, instruction: str, result: str) -> None:
    """Append a complex field (begin, instruction, separate, cached result, end) as runs."""
    parent.append(_fld_char("begin"))
    instr_run = _el("w:r")
    instr = _el("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    instr_run.append(instr)
    parent.append(instr_run)
    parent.append(_fld_char("separate"))
    if result:
        parent.append(_text_run(result))
    parent.append(_fld_char("end"))


def _fld_char(kind: str) -> _Elem:
    run = _el("w:r")
    run.append(_el("w:fldChar", fldCharType=kind))
    return run


def _text_run(text: str) -> _Elem:
    run = _el("w:r")
    t = _el("w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    run.append(t)
    return run


def _tab_run(color: str) -> _Elem:
    """A tab in ``color``, not bold: the look of its dot leader."""
    run = _el("w:r")
    rpr = _el("w:rPr")
    rpr.append(_el("w:b", val="0"))
    rpr.append(_el("w:bCs", val="0"))
    rpr.append(_el("w:color", val=_hex(color)))
    run.append(rpr)
    run.append(_el("w:tab"))
    return run


def _update_fields_on_open(doc: _Doc) -> None:
    """Ask Word to update fields (TOC page numbers) on opening, in schema order (PITFALLS 6)."""
    settings = doc.settings.element
    for old in settings.findall(qn("w:updateFields")):
        settings.remove(old)
    settings.insert_element_before(_el("w:updateFields", val="true"), *_AFTER_UPDATE_FIELDS)


# --- core properties -------------------------------------------------------------------


def _set_pack_properties(doc: _Doc, pack: Pack, when: Any) -> None:
    """docProps/core.xml from the pack, replacing every template default."""
    meta = pack.meta
    props = doc.core_properties
    marking = _one_line(meta.classification or "")
    sources = dict.fromkeys(
        _one_line(e.article.meta.source) for e in pack.articles if e.article.meta.source
    )
    props.title = _fit(_one_line(meta.title), "title")
    props.author = _fit(_one_line(meta.prepared_by or ""), "author")
    props.subject = _fit(_one_line(meta.subtitle or ""), "subject")
    props.language = _fit(meta.language, "language")
    props.keywords = _fit("; ".join(k for k in (marking, *sources) if k), "keywords")
    props.category = _fit(marking, "category")
    props.comments = ""
    props.content_status = ""
    props.identifier = ""
    props.last_modified_by = "briefconv"
    props.revision = 1
    props.created = when
    props.modified = when


# --- content ---------------------------------------------------------------------------


class _Heights:
    """Estimated heights of one-paragraph texts in a role, from measured line counts."""

    def __init__(self, style: Style, width: float) -> None:
        self.style = style
        self.width = width
        self._measures: dict[str, Callable[[str], float]] = {}

    def of(
        self,
        text: str,
        role_name: str,
        *,
        before: float | None = None,
        after: float | None = None,
        inset: float = 0.0,
    ) -> float:
        """Points from the top of the paragraph's space before to the end of its space after."""
        role = self.style.role(role_name)
        if role_name not in self._measures:
            self._measures[role_name] = _measurer(self.style, role_name)
        lines = _line_count(text, self._measures[role_name], self.width - inset)
        # Lines are "at least" size x line_height apart; a font's own line height (about
        # 1.17 x the size for DejaVu) wins where it is larger.
        line = max(role.size * role.line_height, role.size * 1.17)
        return (
            (role.space_before if before is None else before)
            + lines * line
            + (role.space_after if after is None else after)
        )


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


@dataclass
class _PackBuilder:
    """Appends cover, contents and articles to the body, one section each."""

    doc: _Doc
    pack: Pack
    style: Style
    lists: _Numbering
    sections: list[_Heads] = field(default_factory=list)
    _bookmark_id: int = 0

    def build(self) -> None:
        words = labels(self.pack.meta.language)
        self._cover()
        self._end_section(_Heads(None))
        self._contents()
        heads = _Heads(words.in_this_pack)
        for entry in self.pack.articles:
            self._end_section(heads)
            self._article(entry)
            heads = _Heads(_one_line(entry.article.meta.title))
        self.sections.append(heads)  # the body's own w:sectPr ends the last section

    # -- sections

    def _end_section(self, heads: _Heads) -> None:
        """End the current section at the last paragraph: a copy of the page setup."""
        # The body's own w:sectPr is its last child, and the last paragraph comes just
        # before it: found from the end, as body.findall("w:p") and get_or_add_sectPr
        # would find them by scanning the whole body (O(n) per article, O(n²) a pack).
        body_sect: _Elem = _last_section(self.doc)._sectPr
        last = body_sect.getprevious()
        while last is not None and last.tag != _W_P:
            last = last.getprevious()
        sect = _copy_without_heads(body_sect)
        _insert_ordered(last.get_or_add_pPr(), sect)
        self.sections.append(heads)

    # -- helpers

    def _para(self, text: str, style_name: str) -> _Para:
        paragraph = add_styled_paragraph(self.doc, style_name)
        if text:
            _add_text_run(_p_element(paragraph), text)
        return paragraph

    def _bookmark(self, paragraph: _Para, anchor: str) -> None:
        """Wrap the paragraph's content in a bookmark named for ``anchor``."""
        p = _p_element(paragraph)
        self._bookmark_id += 1
        start = _el("w:bookmarkStart", id=str(self._bookmark_id), name=bookmark_name(anchor))
        ppr = p.find(qn("w:pPr"))
        if ppr is not None:
            ppr.addnext(start)
        else:
            p.insert(0, start)
        p.append(_el("w:bookmarkEnd", id=str(self._bookmark_id)))

    # -- cover

    def _cover(self) -> None:
        """Logo, accent bar, title block; the lower block at the foot of the page.

        Word and LibreOffice have no "bottom of the page" for body text (LibreOffice 7.4
        merges or drops frames whose paragraphs differ in borders), so the space above
        the lower block is worked out from the type sizes and measured line counts, with
        some room to spare so that the cover never spills onto a second page.
        """
        text = cover_text(self.pack)
        style = self.style
        page = style.page
        frame_height = page.height - page.margin_top - page.margin_bottom
        text_width = _text_width(self.doc)
        height = _Heights(style, text_width)
        used = 0.0
        logo = style.pack.get("logo")
        if logo:
            paragraph = add_styled_paragraph(self.doc, "Normal")
            _space(paragraph, style.role("body"), before=0, after=12)
            used += 12 + _add_logo(
                paragraph,
                str(logo),
                max_width=text_width / 2,
                max_height=min(60.0, frame_height / 8),
            )
        # The accent bar: a short thick rule about a fifth of the way down, as in the PDF.
        accent = style.role("cover_title").color
        bar = add_styled_paragraph(self.doc, "Normal")
        bar_ppr = _p_element(bar).get_or_add_pPr()
        border = _el("w:pBdr")
        border.append(_el("w:top", val="single", sz="40", space="0", color=_hex(accent)))
        _insert_ordered(bar_ppr, border)
        _insert_ordered(bar_ppr, _el("w:ind", left="0", right=str(_twips(text_width - 56))))
        bar_before = max(frame_height * 0.2 - used, 0.0)
        _insert_ordered(
            bar_ppr,
            _el(
                "w:spacing",
                before=str(_twips(bar_before)),
                after=str(_twips(16)),
                line=str(_twips(2)),
                lineRule="exact",
            ),
        )
        used += bar_before + 5 + 2 + 16
        title = _one_line(text.title)
        self._para(title, "Title")
        used += height.of(title, "cover_title")
        if text.subtitle:
            subtitle = _one_line(text.subtitle)
            _bottom_border(self._para(subtitle, "Subtitle"), accent, space=10)
            used += height.of(subtitle, "subtitle") + 11
        byline_role = style.role("byline")
        if text.date:
            _space(self._para(text.date, "Byline"), byline_role, after=4)
            used += height.of(text.date, "byline", after=4)
        # The lower block: prepared by/for, the counts line, the boxed marking.
        lower: list[tuple[str, str, float, float]] = [
            (_one_line(line), "Byline", 0.0, 3.0)
            for line in (text.prepared_by, text.prepared_for)
            if line
        ]
        lower.append((text.summary, "Byline", 6.0, 0.0))
        marking_role = style.role("marking")
        box_pad = round(marking_role.size * 0.6)
        if text.classification:
            lower.append((_one_line(text.classification), "Marking", 16.0, 0.0))
        lower_height = 0.0
        for line, style_name, before, after in lower:
            role_name = "marking" if style_name == "Marking" else "byline"
            inset = 2 * (box_pad + 2) if style_name == "Marking" else 0.0
            lower_height += height.of(line, role_name, before=before, after=after, inset=inset)
        if text.classification:
            lower_height += 2 * (box_pad + 1)
        # Room to spare for line heights a reader computes a little differently.
        gap = max(frame_height - used - lower_height - _COVER_SLACK, 12.0)
        for number, (line, style_name, before, after) in enumerate(lower):
            paragraph = self._para(line, style_name)
            role = marking_role if style_name == "Marking" else byline_role
            _space(paragraph, role, before=gap if number == 0 else before, after=after)
            if style_name == "Marking":
                _box(paragraph, marking_role)

    # -- contents

    def _contents(self) -> None:
        words = labels(self.pack.meta.language)
        language = self.pack.meta.language
        heading = self._para(words.in_this_pack, "TOC Heading")
        # At the top of the page, as the PDF's (reportlab drops space at a frame's top).
        _space(heading, self.style.role("heading1"), before=0)
        width = _text_width(self.doc)
        for entry in self.pack.articles:
            title = add_styled_paragraph(self.doc, "Contents Entry")
            ppr = _p_element(title).get_or_add_pPr()
            _insert_ordered(ppr, _el("w:keepNext"))
            tabs = _el("w:tabs")
            tabs.append(_el("w:tab", val="right", leader="dot", pos=str(_twips(width))))
            _insert_ordered(ppr, tabs)
            link = _internal_link(_p_element(title), entry.id)
            link.append(_text_run(_one_line(entry.article.meta.title)))
            # The dot leader takes the tab's look: light, as the PDF's.
            link.append(_tab_run(self.style.role("byline").color))
            _field(link, f"PAGEREF {bookmark_name(entry.id)} \\h", "")
            details = self._para(entry_details(entry, language), "Byline")
            _insert_ordered(_p_element(details).get_or_add_pPr(), _el("w:keepNext"))
            _space(details, self.style.role("byline"), after=3)
            if entry.summary:
                summary = self._para(_one_line(entry.summary), "Body Text")
                # Clear of the page-number column, as in the PDF.
                _insert_ordered(
                    _p_element(summary).get_or_add_pPr(),
                    _el("w:ind", left="0", right=str(_twips(_NUMBER_RESERVE))),
                )
        self._toc(width)

    def _toc(self, width: float) -> None:
        """A Word TOC field, pre-filled with what Word would put in it."""
        entries: list[tuple[int, str, str]] = []
        for entry in self.pack.articles:
            entries.append((1, _one_line(entry.article.meta.title), entry.id))
            for index, block in enumerate(entry.article.blocks):
                if isinstance(block, Heading) and block.level + 1 <= _TOC_LEVELS:
                    text = _one_line(plain_text(block.children))
                    if text:
                        entries.append((block.level + 1, text, heading_id(entry.id, index)))
        for number, (level, text, anchor) in enumerate(entries):
            paragraph = add_styled_paragraph(self.doc, f"TOC {level}")
            p = _p_element(paragraph)
            if number == 0:
                p.append(_fld_char("begin"))
                instr_run = _el("w:r")
                instr = _el("w:instrText")
                instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                instr.text = ' TOC \\o "1-3" \\h \\z \\u '
                instr_run.append(instr)
                p.append(instr_run)
                p.append(_fld_char("separate"))
            # No page numbers: only a layout knows them, and LibreOffice shows a TOC's
            # cached numbers as they are (wrong ones would mislead); Word, asked by
            # w:updateFields, rebuilds the whole field with numbers on opening.
            _internal_link(p, anchor).append(_text_run(text))
        # The field ends in a paragraph of its own, as Word writes it: LibreOffice loses the
        # section's footer fields when the TOC ends in the paragraph that ends the section.
        closing = add_styled_paragraph(self.doc, "Normal")
        _p_element(closing).append(_fld_char("end"))
        # ... and the section ends one paragraph later still: LibreOffice 7.4 reads the
        # footer's PAGE and NUMPAGES fields as empty when the TOC ends in that paragraph.
        add_styled_paragraph(self.doc, "Normal")

    # -- articles

    def _article(self, entry: PackArticle) -> None:
        article = entry.article
        meta = article.meta
        words = labels(self.pack.meta.language)
        title = self._para(meta.title, "Heading 1")
        self._bookmark(title, entry.id)
        if meta.subtitle:
            self._para(meta.subtitle, "Subtitle")
        parts = byline(meta, extra=(words.min_read.format(n=entry.minutes),))
        if parts:
            _add_runs(add_styled_paragraph(self.doc, "Article Byline"), flatten(parts))
        for index, block in enumerate(article.blocks):
            if isinstance(block, Heading):
                level = min(block.level + 1, 7)
                paragraph = add_styled_paragraph(self.doc, f"Heading {level}")
                _add_runs(paragraph, flatten(block.children))
                self._bookmark(paragraph, heading_id(entry.id, index))
            else:
                _write_block(self.doc, block, self.lists)


def _copy_without_heads(sect: _Elem) -> _Elem:
    """A copy of a ``w:sectPr`` without header/footer references (they are set per section)."""
    copied = copy.deepcopy(sect)
    for tag in ("w:headerReference", "w:footerReference"):
        for ref in copied.findall(qn(tag)):
            copied.remove(ref)
    return copied


def _space(
    paragraph: _Para, role: Role, *, before: float | None = None, after: float | None = None
) -> None:
    """Direct paragraph spacing (the contents and cover are tighter than their roles)."""
    ppr = _p_element(paragraph).get_or_add_pPr()
    for old in ppr.findall(qn("w:spacing")):
        ppr.remove(old)
    _insert_ordered(
        ppr,
        _el(
            "w:spacing",
            before=str(_twips(role.space_before if before is None else before)),
            after=str(_twips(role.space_after if after is None else after)),
            **_line_spacing(role),
        ),
    )


def _internal_link(p: _Elem, anchor: str) -> _Elem:
    link = _el("w:hyperlink", anchor=bookmark_name(anchor), history="1")
    p.append(link)
    return link


def _bottom_border(paragraph: _Para, color: str, *, space: float) -> None:
    ppr = _p_element(paragraph).get_or_add_pPr()
    border = _el("w:pBdr")
    border.append(_el("w:bottom", val="single", sz="6", space=str(round(space)), color=_hex(color)))
    _insert_ordered(ppr, border)


def _box(paragraph: _Para, role: Role) -> None:
    """A box round the cover's marking, in the marking's colour."""
    ppr = _p_element(paragraph).get_or_add_pPr()
    border = _el("w:pBdr")
    pad = str(round(role.size * 0.6))
    for side in ("top", "left", "bottom", "right"):
        border.append(_el(f"w:{side}", val="single", sz="8", space=pad, color=_hex(role.color)))
    _insert_ordered(ppr, border)
    ind = _twips(role.size * 0.6)
    _insert_ordered(ppr, _el("w:ind", left=str(ind), right=str(ind)))


def _add_logo(paragraph: _Para, path: str, *, max_width: float, max_height: float) -> float:
    """The style's logo (a trusted path from the style, never from an article), scaled.

    Returns its height in points.
    """
    r = _add_text_run(_p_element(paragraph), "")
    part = cast(DocumentPart, paragraph.part)
    picture = InlineShape(_add_picture(part, r, DocxImage.from_file(path)))
    scale = min(max_width / _points(picture.width), max_height / _points(picture.height))
    picture.width = Emu(round(picture.width * scale))
    picture.height = Emu(round(picture.height * scale))
    return _points(picture.height)
