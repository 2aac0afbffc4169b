"""Word (DOCX) writer: an :class:`~briefconv.model.Article` as a structured ``.docx`` file.

Structure is carried by Word's built-in styles, so Word's navigation pane, screen readers
and pandoc all see it: the title is ``Title``, the subtitle ``Subtitle``, the byline the
custom ``Byline``, headings ``Heading 1``-``Heading 6``, paragraphs ``Body Text``, quotes
``Quote`` (attribution ``Quote Attribution``), lists ``List Bullet`` / ``List Number``.
Every style's look comes from one role of the resolved :class:`~briefconv.styles.Style`
(see :data:`_STYLE_ROLES`); python-docx supplies the package, and the XML it has no API
for (hyperlinks, fields, borders, numbering restarts) is built here.

The output is deterministic: the only date is :func:`~briefconv.writers._dates.
document_datetime`, and the zip is rewritten by :func:`~briefconv.writers._zip.normalize_zip`.

Example::

    >>> from briefconv.model import Article, ArticleMeta, Paragraph, Text
    >>> from briefconv.styles import load_style
    >>> article = Article(ArticleMeta(title="Talks"), (Paragraph((Text("Hi <b>"),)),))
    >>> DocxWriter().write(article, load_style())[:2]
    b'PK'
"""

from __future__ import annotations

import io
import itertools
import logging
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, ClassVar, TypeAlias, assert_never

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as DocxRun

from briefconv.model import (
    Article,
    ArticleMeta,
    Block,
    BulletList,
    Heading,
    Inline,
    OrderedList,
    Paragraph,
    Quote,
)
from briefconv.styles import Role, Style
from briefconv.writers._dates import document_datetime
from briefconv.writers._links import safe_url
from briefconv.writers._meta import ATTRIBUTION_DASH, byline
from briefconv.writers._runs import Run, flatten
from briefconv.writers._zip import normalize_zip

__all__ = ["DocxWriter"]

_log = logging.getLogger("briefconv")

# python-docx types its public API, but the element classes it generates at import time
# (get_or_add_pPr() and friends) are invisible to mypy: XML elements are Any here.
_Doc: TypeAlias = DocxDocument
_Para: TypeAlias = DocxParagraph
_Elem: TypeAlias = Any

#: Word style name -> role it takes its look from. Levels 4-6 have no role of their own
#: (styles define heading1..heading3) and share the deepest one.
_STYLE_ROLES: tuple[tuple[str, str], ...] = (
    ("Normal", "body"),
    ("Body Text", "body"),
    ("Title", "title"),
    ("Subtitle", "subtitle"),
    ("Byline", "byline"),
    ("Heading 1", "heading1"),
    ("Heading 2", "heading2"),
    ("Heading 3", "heading3"),
    ("Heading 4", "heading3"),
    ("Heading 5", "heading3"),
    ("Heading 6", "heading3"),
    ("Quote", "quote"),
    ("Quote Attribution", "quote_attribution"),
    ("List Bullet", "list"),
    ("List Number", "list"),
    ("Header", "header"),
    ("Footer", "footer"),
)

#: Paragraph styles the default template lacks, and the style each is based on.
#: "Quote Attribution" is based on "Quote" so that it reads as part of the quotation.
_CUSTOM_STYLES: dict[str, str] = {"Byline": "Normal", "Quote Attribution": "Quote"}

#: Styles whose numbering (``w:numPr``) in the template is kept: the list styles.
_NUMBERED_STYLES = frozenset({"List Bullet", "List Number"})

# Schema order of <w:pPr> children (ECMA-376 CT_PPrBase): Word rejects out-of-order XML.
_PPR_ORDER: tuple[str, ...] = (
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)

# Theme-font attributes: when present they beat the named font in Word (PITFALLS 6).
_THEME_FONT_ATTRS = tuple(
    qn(f"w:{a}") for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
)

_ALIGN = {"left": "left", "center": "center", "right": "right", "justify": "both"}

# The template's Word 2010 copy of styles.xml still carries theme fonts and would
# contradict styles.xml; its thumbnail shows an empty python-docx page (PITFALLS 4).
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

# The template's app.xml claims "Microsoft Macintosh Word" 14; say what made the file.
_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/docPropsVTypes"><Application>briefconv</Application><DocSecurity>0</DocSecurity>'
    b"<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    b"<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
)

#: Core properties are limited to 255 characters by python-docx.
_CORE_MAX = 255


class DocxWriter:
    """Renders an article as a Word document with built-in styles driven by the style file.

    Stateless: every call builds a fresh document from python-docx's template.
    """

    name: ClassVar[str] = "docx"
    extension: ClassVar[str] = ".docx"
    media_type: ClassVar[str] = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    description: ClassVar[str] = "Word document (python-docx)"

    def write(self, article: Article, style: Style) -> bytes:
        """Render ``article`` in ``style`` and return the bytes of the ``.docx`` file."""
        when = document_datetime(article)
        doc = Document()
        _drop_template_extras(doc)
        _setup_styles(doc, style, article.meta.language)
        lists = _Numbering(doc, style.role("list"))
        _setup_page(doc, style, article.meta)
        _write_front_matter(doc, article.meta)
        for block in article.blocks:
            _write_block(doc, block, lists)
        _set_core_properties(doc, article.meta, when)
        buffer = io.BytesIO()
        doc.save(buffer)
        data = _replace_member(buffer.getvalue(), "docProps/app.xml", _APP_XML)
        # python-docx stamps each zip member with the current time (PITFALLS 4).
        return normalize_zip(data, when)


# --- package ---------------------------------------------------------------------------


def _drop_template_extras(doc: _Doc) -> None:
    """Remove template parts that would contradict what we write (thumbnail, old styles)."""
    package_rels = doc.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package_rels[rid]
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype == _STYLES_WITH_EFFECTS:
            doc.part.drop_rel(rid)


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """Return the zip ``data`` with member ``name`` replaced by ``content``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, content if info.filename == name else src.read(info.filename))
    return out.getvalue()


def _set_core_properties(doc: _Doc, meta: ArticleMeta, when: datetime) -> None:
    """Fill docProps/core.xml from the article, replacing every template default."""
    props = doc.core_properties
    # The template says author "python-docx", comments "generated by python-docx" and
    # carries 2013 dates (PITFALLS 4): overwrite every field it sets.
    props.title = _fit(meta.title, "title")
    props.author = _fit("; ".join(meta.authors), "author")
    props.subject = _fit(meta.subtitle or meta.source or "", "subject")
    props.language = _fit(meta.language, "language")
    props.keywords = ""
    props.comments = ""
    props.category = ""
    props.content_status = ""
    props.identifier = _fit(safe_url(meta.url) or "", "identifier") if meta.url else ""
    props.last_modified_by = "briefconv"
    props.revision = 1
    props.created = when
    props.modified = when


def _fit(value: str, what: str) -> str:
    """Shorten ``value`` to the 255 characters a core property may hold, saying so."""
    if len(value) <= _CORE_MAX:
        return value
    _log.warning("docx: %s metadata cut to %d characters (Word's limit)", what, _CORE_MAX)
    return value[: _CORE_MAX - 1] + "…"


# --- styles ----------------------------------------------------------------------------


def _setup_styles(doc: _Doc, style: Style, language: str) -> None:
    """Make every Word style we use look the way its role says."""
    styles = doc.styles
    for name, base in _CUSTOM_STYLES.items():
        if name not in styles:
            added = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            added.base_style = styles[base]
            added.next_paragraph_style = styles["Body Text"]
            added.quick_style = True
    for name, role_name in _STYLE_ROLES:
        role = style.role(role_name)
        _apply_paragraph_role(
            styles[name].element,
            role,
            style.family(role).name,
            keep_numbering=name in _NUMBERED_STYLES,
        )
    _setup_hyperlink_style(styles, style.role("link"))
    body = style.role("body")
    _setup_doc_defaults(styles.element, body, style.family(body).name, language)
    # Other template styles (TOC Heading, Caption, tables ...) still name theme fonts,
    # which Word prefers over anything inherited (PITFALLS 6).
    for fonts in list(styles.element.iter(qn("w:rFonts"))):
        for attr in _THEME_FONT_ATTRS:
            fonts.attrib.pop(attr, None)
        if not fonts.attrib:
            fonts.getparent().remove(fonts)


def _apply_paragraph_role(element: _Elem, role: Role, font: str, *, keep_numbering: bool) -> None:
    """Replace a paragraph style's spacing, borders, alignment and run look with ``role``."""
    ppr = element.get_or_add_pPr()
    # Template leftovers go too: tab stops sized for US Letter, Title's theme-coloured rule,
    # the list styles' contextualSpacing (which would swallow the role's spacing).
    removed = ["w:pBdr", "w:shd", "w:tabs", "w:spacing", "w:ind", "w:contextualSpacing", "w:jc"]
    if not keep_numbering:
        # The template's Subtitle carries a stray <w:numPr> with only an ilvl.
        removed.append("w:numPr")
    ppr.remove_all(*removed)
    for child in _paragraph_props(role, hanging=keep_numbering):
        _insert_ordered(ppr, child)
    for old in element.findall(qn("w:rPr")):
        element.remove(old)
    rpr = element.get_or_add_rPr()
    for child in _run_props(role, font):
        rpr.append(child)


def _paragraph_props(role: Role, *, hanging: bool = False) -> list[_Elem]:
    """The ``w:pPr`` children that express ``role``'s box: border, shading, spacing ...

    With ``hanging``, the first line hangs out by the width of a list's bullet or number.
    """
    props: list[_Elem] = []
    border = _el("w:pBdr")
    # A left rule as in the PDF and EPUB; sz is in eighths of a point, space in points.
    # "No border" and "no shading" are written out too: a role's box is its own (see
    # styles.py), but a Word style inherits both from its base ("Quote Attribution").
    if role.border_color is not None:
        left = _el("w:left", val="single", sz="18", space="8", color=_hex(role.border_color))
    else:
        left = _el("w:left", val="nil")
    border.append(left)
    props.append(border)
    fill = _hex(role.background) if role.background is not None else "auto"
    props.append(_el("w:shd", val="clear", color="auto", fill=fill))
    props.append(
        _el(
            "w:spacing",
            before=str(_twips(role.space_before)),
            after=str(_twips(role.space_after)),
            line=str(round(role.line_height * 240)),
            lineRule="auto",
        )
    )
    if hanging:
        left, hang = _list_indent(role)
        props.append(_el("w:ind", left=str(left), hanging=str(hang)))
    elif role.indent:
        props.append(_el("w:ind", left=str(_twips(role.indent))))
    props.append(_el("w:jc", val=_ALIGN[role.align]))
    return props


def _run_props(role: Role, font: str) -> list[_Elem]:
    """The ``w:rPr`` children (in schema order) that express ``role``'s type."""
    return [
        _el("w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font),
        _el("w:b", val=_on(role.bold)),
        _el("w:bCs", val=_on(role.bold)),
        _el("w:i", val=_on(role.italic)),
        _el("w:iCs", val=_on(role.italic)),
        _el("w:color", val=_hex(role.color)),
        # w:szCs is the size for complex scripts; python-docx leaves it stale (PITFALLS 6).
        _el("w:sz", val=str(_half_points(role.size))),
        _el("w:szCs", val=str(_half_points(role.size))),
    ]


def _setup_hyperlink_style(styles: Any, link: Role) -> None:  # Styles: add_style is untyped
    """Create (the template lacks it, PITFALLS 6) the ``Hyperlink`` character style."""
    if "Hyperlink" in styles:
        element = styles["Hyperlink"].element
    else:
        added = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER, builtin=True)
        added.base_style = styles["Default Paragraph Font"]
        added.unhide_when_used = True
        element = added.element
    for old in element.findall(qn("w:rPr")):
        element.remove(old)
    rpr = element.get_or_add_rPr()
    # Colour and underline only: a link inside a heading keeps the heading's font and size.
    rpr.append(_el("w:color", val=_hex(link.color)))
    rpr.append(_el("w:u", val="single"))


def _setup_doc_defaults(styles_element: _Elem, body: Role, font: str, language: str) -> None:
    """Set ``w:docDefaults`` to the body role and the article's language."""
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = _el("w:docDefaults")
        styles_element.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = _el("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr_default.clear()
    rpr = _el("w:rPr")
    rpr.append(_el("w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font))
    rpr.append(_el("w:sz", val=str(_half_points(body.size))))
    rpr.append(_el("w:szCs", val=str(_half_points(body.size))))
    # The document language drives Word's spelling and hyphenation; the template says en-US.
    rpr.append(_el("w:lang", val=language))
    rpr_default.append(rpr)
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = _el("w:pPrDefault")
        defaults.append(ppr_default)
    ppr_default.clear()
    ppr = _el("w:pPr")
    # Without w:widowControl anywhere in the hierarchy the spec says lone lines are allowed.
    ppr.append(_el("w:widowControl"))
    ppr.append(
        _el(
            "w:spacing",
            after=str(_twips(body.space_after)),
            line=str(round(body.line_height * 240)),
            lineRule="auto",
        )
    )
    ppr_default.append(ppr)


# --- numbering -------------------------------------------------------------------------


class _Numbering:
    """Per-document list numbering: one fresh ``w:num`` for every list.

    Paragraphs styled ``List Number`` all share the style's ``w:num`` and so count on
    across separate lists; a new ``w:num`` with a ``w:startOverride`` makes each list
    restart (at its own ``start``).
    """

    def __init__(self, doc: _Doc, role: Role) -> None:
        self._numbering = doc.part.numbering_part.element
        self._abstract = {
            kind: self._abstract_id(doc.styles[kind].element)
            for kind in ("List Bullet", "List Number")
        }
        for abstract_id in self._abstract.values():
            self._indent_level(abstract_id, role)

    def new_list(self, kind: str, start: int | None) -> int:
        """Create a numbering instance for one list of ``kind``; return its ``numId``."""
        num = self._numbering.add_num(self._abstract[kind])
        if start is not None:
            num.add_lvlOverride(ilvl=0).add_startOverride(start)
        return int(num.numId)

    def _abstract_id(self, style_element: _Elem) -> int:
        """The abstract numbering definition a list style's ``w:numPr`` points at."""
        num_id = style_element.pPr.numPr.numId.val
        return int(self._numbering.num_having_numId(num_id).abstractNumId.val)

    def _indent_level(self, abstract_id: int, role: Role) -> None:
        """Give level 0 of a list definition the list role's indent (the text's start)."""
        found = self._numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId="{abstract_id}"]/w:lvl[@w:ilvl="0"]/w:pPr'
        )
        left, hanging = _list_indent(role)
        for ppr in found:
            # Numbering indentation beats the paragraph style's, so it must agree with it.
            ppr.remove_all("w:tabs", "w:ind")
            tabs = _el("w:tabs")
            tabs.append(_el("w:tab", val="num", pos=str(left)))
            _insert_ordered(ppr, tabs)
            _insert_ordered(ppr, _el("w:ind", left=str(left), hanging=str(hanging)))


def _list_indent(role: Role) -> tuple[int, int]:
    """List text indent and the hanging width of its bullet or number, in twips.

    The role's ``indent`` is where item text starts; the marker hangs up to 18 pt before it.
    """
    left = _twips(role.indent)
    return left, min(left, _twips(18))


# --- page, header, footer --------------------------------------------------------------


def _setup_page(doc: _Doc, style: Style, meta: ArticleMeta) -> None:
    """Page size and margins from the style; running title header and page-number footer."""
    page = style.page
    section = doc.sections[0]
    # The default template is US Letter (PITFALLS 6).
    section.page_width = Pt(page.width)
    section.page_height = Pt(page.height)
    section.top_margin = Pt(page.margin_top)
    section.bottom_margin = Pt(page.margin_bottom)
    section.left_margin = Pt(page.margin_left)
    section.right_margin = Pt(page.margin_right)
    section.header_distance = Pt(min(36.0, page.margin_top / 2))
    section.footer_distance = Pt(min(36.0, page.margin_bottom / 2))
    # Page 1 shows the title itself: the running title starts on page 2.
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.style = "Header"
    header.add_run(meta.title)
    for footer in (section.footer, section.first_page_footer):
        _page_number(footer.paragraphs[0])


def _page_number(paragraph: _Para) -> None:
    """Fill a footer paragraph with "Page X of Y" as real PAGE and NUMPAGES fields."""
    paragraph.style = "Footer"
    paragraph.add_run("Page ")
    _add_field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _add_field(paragraph, "NUMPAGES")


def _add_field(paragraph: _Para, instruction: str) -> None:
    """Append a simple field (begin, instruction, separate, result "1", end) as runs.

    python-docx has no API for fields (PITFALLS 6); Word and LibreOffice compute PAGE and
    NUMPAGES when they lay the page out, so the cached result is only a placeholder.
    """
    p = _p_element(paragraph)
    p.add_r().append(_el("w:fldChar", fldCharType="begin"))
    instr = _el("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    p.add_r().append(instr)
    p.add_r().append(_el("w:fldChar", fldCharType="separate"))
    result = p.add_r()
    text = _el("w:t")
    text.text = "1"
    result.append(text)
    p.add_r().append(_el("w:fldChar", fldCharType="end"))


# --- content ---------------------------------------------------------------------------


def _write_front_matter(doc: _Doc, meta: ArticleMeta) -> None:
    """Title, subtitle and byline paragraphs."""
    doc.add_paragraph(style="Title").add_run(meta.title)
    if meta.subtitle:
        doc.add_paragraph(style="Subtitle").add_run(meta.subtitle)
    if parts := byline(meta):
        _add_runs(doc.add_paragraph(style="Byline"), flatten(parts))


def _write_block(doc: _Doc, block: Block, lists: _Numbering) -> None:
    """Append one model block as one or more styled paragraphs."""
    match block:
        case Heading(level=level, children=children):
            _add_runs(doc.add_paragraph(style=f"Heading {level}"), flatten(children))
        case Paragraph(children=children):
            _add_runs(doc.add_paragraph(style="Body Text"), flatten(children))
        case Quote(paragraphs=paragraphs, attribution=attribution):
            for quoted in paragraphs:
                _add_runs(doc.add_paragraph(style="Quote"), flatten(quoted.children))
            if attribution:
                paragraph = doc.add_paragraph(style="Quote Attribution")
                paragraph.add_run(ATTRIBUTION_DASH)
                _add_runs(paragraph, flatten(attribution))
        case BulletList(items=items):
            _write_list(doc, items, "List Bullet", lists.new_list("List Bullet", None))
        case OrderedList(items=items, start=start):
            _write_list(doc, items, "List Number", lists.new_list("List Number", start))
        case _:
            assert_never(block)


def _write_list(doc: _Doc, items: Sequence[tuple[Inline, ...]], kind: str, num_id: int) -> None:
    """One paragraph per item, each pointing at the list's own numbering instance."""
    for item in items:
        paragraph = doc.add_paragraph(style=kind)
        num_pr = _p_element(paragraph).get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num_id
        _add_runs(paragraph, flatten(item))


def _add_runs(paragraph: _Para, runs: Iterable[Run]) -> None:
    """Append runs as text (never parsed as markup); linked runs go in ``w:hyperlink``."""
    for url, group in itertools.groupby(runs, key=lambda run: run.url):
        members = list(group)
        target = safe_url(url) if url is not None else None
        if url is not None and target is None:
            _log.warning(
                "docx: link %r rendered as plain text (only http, https and mailto links)",
                url[:80],
            )
        if target is None:
            for run in members:
                _style_run(paragraph.add_run(run.text), run)
            continue
        rid = paragraph.part.relate_to(target, RT.HYPERLINK, is_external=True)
        hyperlink = _el("w:hyperlink")
        hyperlink.set(qn("r:id"), rid)
        _p_element(paragraph).append(hyperlink)
        for run in members:
            r = _el("w:r")
            hyperlink.append(r)
            docx_run = DocxRun(r, paragraph)
            docx_run.style = "Hyperlink"
            docx_run.text = run.text
            _style_run(docx_run, run)


def _style_run(docx_run: DocxRun, run: Run) -> None:
    """Direct bold/italic: pandoc and screen readers read them as strong/emphasis."""
    if run.bold:
        docx_run.bold = True
    if run.italic:
        docx_run.italic = True


# --- small XML helpers -----------------------------------------------------------------


def _p_element(paragraph: _Para) -> _Elem:
    """The ``w:p`` of a python-docx paragraph.

    python-docx has no public API for hyperlinks or fields (PITFALLS 6); its own
    documentation builds them on this element.
    """
    return paragraph._p


def _el(tag: str, **attrs: str) -> _Elem:
    """A new WordprocessingML element ``tag`` with ``w:``-namespaced attributes."""
    return OxmlElement(tag, attrs={qn(f"w:{k}"): v for k, v in attrs.items()})


def _insert_ordered(parent: _Elem, child: _Elem) -> None:
    """Insert ``child`` into a ``w:pPr`` where the schema order puts it."""
    tag = child.prefix + ":" + child.tag.rpartition("}")[2]
    successors = _PPR_ORDER[_PPR_ORDER.index(tag) + 1 :]
    parent.insert_element_before(child, *successors)


def _hex(color: str) -> str:
    """``#RRGGBB`` -> ``RRGGBB`` as WordprocessingML writes colours."""
    return color.lstrip("#").upper()


def _on(value: bool) -> str:
    """An explicit on/off value, so a style never inherits a template toggle."""
    return "1" if value else "0"


def _twips(points: float) -> int:
    """Points -> twentieths of a point, the unit of Word spacing and indents."""
    return round(points * 20)


def _half_points(points: float) -> int:
    """Points -> half-points, the unit of ``w:sz``."""
    return round(points * 2)
