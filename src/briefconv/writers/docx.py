"""Word (DOCX) writer: an :class:`~briefconv.model.Article` as a structured ``.docx`` file.

Structure is carried by Word's built-in styles, so Word's navigation pane, screen readers
and pandoc all see it: the title is ``Title``, the subtitle ``Subtitle``, the byline the
custom ``Byline``, headings ``Heading 1``-``Heading 6``, paragraphs ``Body Text``, quotes
``Quote`` (attribution ``Quote Attribution``), lists ``List Bullet`` / ``List Number``
(nested lists at numbering level ``w:ilvl`` = depth), inline code the character style
``Verbatim Char`` (pandoc's name, in the style's ``mono`` family); images are inline
pictures scaled into the text frame with their alt text as ``wp:docPr/@descr``.
Every style's look comes from one role of the resolved :class:`~briefconv.styles.Style`
(see :data:`_STYLE_ROLES`); python-docx supplies the package, and the XML it has no API
for (hyperlinks, fields, borders, numbering restarts) is built here. Line spacing is "at
least" ``line_height`` x ``size`` (the PDF's leading, the CSS line-height), not Word's
"multiple", which multiplies the font's own line height instead.

``[docx] template`` (an absolute path to a .docx or .dotx, resolved by the style loader)
works like pandoc's ``--reference-doc``: the template is the base document, its body
content is removed (and the images, links and comments only that content used), and its
final section's page size, margins and headers/footers are kept; a template without
headers or footers gets ours (running title, "Page X of Y"). Every Word style the
template *defines* keeps the template's look, theme fonts and document defaults included
(only ``w:lang`` is set to the article's language); styles it lacks are copied from
python-docx's default template (outline levels, next styles) and styled from the roles,
and list numbering it lacks is copied in the same way. Core properties are replaced as
without a template. What of the style is therefore not used is said once at DEBUG level.

A briefing pack (cover, "In this pack" and a pre-filled TOC field, one section per
article with its own running header, classification marking on every page) is built by
:mod:`._docx_pack` from the same helpers; ``write(article)`` is
``write_pack(handout(article))``, which renders exactly the one-article handout above.

The output is deterministic, with a template too: the only date is
:func:`~briefconv.writers._dates.document_datetime` (for a pack
:func:`~briefconv.writers._dates.pack_datetime`), and the zip is rewritten by
:func:`~briefconv.writers._zip.normalize_zip`.

Example::

    >>> from briefconv.model import Article, ArticleMeta, Paragraph, Text
    >>> from briefconv.styles import load_style
    >>> article = Article(ArticleMeta(title="Talks"), (Paragraph((Text("Hi <b>"),)),))
    >>> DocxWriter().write(article, load_style())[:2]
    b'PK'
"""

from __future__ import annotations

import copy
import io
import itertools
import logging
import re
import struct
import weakref
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, TypeAlias, assert_never, cast

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.image.exceptions import (
    InvalidImageStreamError,
    UnexpectedEndOfFileError,
    UnrecognizedImageError,
)
from docx.image.image import Image as DocxImage
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part as OpcPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.package import ImageParts
from docx.parts.document import DocumentPart
from docx.parts.image import ImagePart
from docx.parts.numbering import NumberingPart
from docx.section import Section
from docx.shared import Emu, Length, Pt
from docx.styles import BabelFish
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from briefconv.errors import RenderError
from briefconv.model import (
    Article,
    ArticleMeta,
    Block,
    BulletList,
    Figure,
    Heading,
    OrderedList,
    Pack,
    Paragraph,
    Quote,
    ThematicBreak,
)
from briefconv.pack import handout
from briefconv.styles import Role, Style
from briefconv.wording import ATTRIBUTION_DASH, byline
from briefconv.writers._dates import document_datetime
from briefconv.writers._links import safe_url
from briefconv.writers._runs import Run, flatten
from briefconv.writers._zip import normalize_zip
from briefconv.writers.options import DocxOptions

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

_PPR_RANK = {qn(tag): index for index, tag in enumerate(_PPR_ORDER)}

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

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# A .dotx differs from a .docx in the content type of its main part only.
_TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOC_MAIN = CT.WML_DOCUMENT_MAIN.encode()

# Relationships only body content points at: dropped with the template's content when
# nothing in the body refers to them any more (comments are referenced by id, not rId).
_CONTENT_RELS = frozenset(
    {
        RT.IMAGE,
        RT.HYPERLINK,
        RT.HEADER,
        RT.FOOTER,
        RT.OLE_OBJECT,
        RT.PACKAGE,
        RT.CHART,
        RT.DIAGRAM_DATA,
        RT.DIAGRAM_LAYOUT,
        RT.DIAGRAM_QUICK_STYLE,
        RT.DIAGRAM_COLORS,
        RT.COMMENTS,
        "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
        "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
        "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible",
        "http://schemas.microsoft.com/office/2011/relationships/people",
    }
)

#: The character style of inline code; pandoc reads runs in it as ``Code``.
_CODE_STYLE = "Verbatim Char"

#: Deepest Word list level (``w:ilvl`` 0-8); deeper lists are drawn at this level.
_MAX_LEVEL = 8

#: Bullets of nested list levels: level 0 keeps the template's (Symbol's bullet).
_BULLETS = ("\u2022", "\u25e6", "\u25aa")

#: English Metric Units per inch; images are sized at 96 dpi, as browsers and pandoc do.
_EMU_PER_INCH = 914400
_IMAGE_DPI = 96

#: Core properties are limited to 255 characters by python-docx.
_CORE_MAX = 255


class DocxWriter:
    """Renders an article or a pack as a Word document with built-in styles from the style.

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
        return self.write_pack(handout(article), style)

    def write_pack(self, pack: Pack, style: Style) -> bytes:
        """Render ``pack`` in ``style`` and return the bytes of the ``.docx`` file.

        A pack whose layout makes the article title the document title
        (:func:`briefconv.pack.handout`) is the one-article handout;
        any other is a briefing pack with cover, contents and running headers
        (:mod:`._docx_pack`).
        """
        if pack.layout.title_role == "title":
            return _write_article(pack.articles[0].article, style)
        # Imported here: the pack module builds on this one's helpers.
        from briefconv.writers._docx_pack import write_pack

        return write_pack(pack, style)


def _write_article(article: Article, style: Style) -> bytes:
    """The one-article handout: title block, blocks, running title from page 2."""
    when = document_datetime(article)
    doc, template = _base_document(style)
    kept = _setup_styles(doc, style, article.meta.language, template=template is not None)
    lists = _Numbering(doc, style.role("list"), kept)
    source = _setup_page(doc, style, article.meta, template=template is not None)
    _log_not_expressed(template, kept, source)
    _write_front_matter(doc, article.meta)
    for block in article.blocks:
        _write_block(doc, block, lists)
    _set_core_properties(doc, article.meta, when)
    return _finish(doc, when)


def _base_document(style: Style) -> tuple[_Doc, str | None]:
    """A fresh document: the style's ``[docx] template`` emptied, else python-docx's own."""
    template = str(path) if (path := DocxOptions.of(style).template) else None
    if isinstance(template, str):
        doc = _open_template(Path(template))
        _clear_body(doc)
    else:
        doc = Document()
        template = None
    _drop_template_extras(doc)
    return doc, template


def _finish(doc: _Doc, when: datetime) -> bytes:
    """Save ``doc`` with our app.xml and fixed zip dates."""
    replaced = _replace_app_part(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    data = buffer.getvalue()
    if not replaced:
        data = _replace_member(data, "docProps/app.xml", _APP_XML)
    # python-docx stamps each zip member with the current time (PITFALLS 4).
    return normalize_zip(data, when)


def _replace_app_part(doc: _Doc) -> bool:
    """Put our app.xml in the package before it is saved; False if it cannot be done there.

    python-docx keeps docProps/app.xml as a plain part holding the bytes it read, and
    writes them back as they are. Swapping the bytes in place gives the same zip member as
    rewriting the saved zip (:func:`_replace_member`), without inflating and deflating
    every member once more (a quarter of a second for a 300-article pack).
    """
    for rel in doc.part.package.rels.values():
        if rel.is_external:
            continue
        part = rel.target_part
        if part.partname == "/docProps/app.xml" and type(part) is OpcPart:
            part._blob = _APP_XML  # the plain part's only state: no API sets it
            return True
    return False


# --- package ---------------------------------------------------------------------------


def _open_template(path: Path) -> _Doc:
    """Open a ``[docx] template`` (.docx or .dotx) as the base document.

    python-docx refuses a .dotx ("file is not a Word file, content type is ...template.main
    +xml"): the package differs from a .docx only in that content type, so it is rewritten
    in memory and the template file itself is never changed.
    """
    try:
        data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as src:
            types = src.read("[Content_Types].xml")
        if _TEMPLATE_MAIN.encode() in types:
            data = _replace_member(
                data, "[Content_Types].xml", types.replace(_TEMPLATE_MAIN.encode(), _DOC_MAIN)
            )
        return Document(io.BytesIO(data))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise RenderError(f"docx.template: cannot use {path} as a Word template: {exc}") from exc


def _clear_body(doc: _Doc) -> None:
    """Remove the template's content, keeping its final section (page setup, headers).

    Parts only the content pointed at (images, links, comments, the headers of sections
    that were removed) are dropped with it, so none of the template's text is shipped.
    """
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    xml = etree.tostring(doc.element)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype in _CONTENT_RELS and f'"{rid}"'.encode() not in xml:
            doc.part.drop_rel(rid)


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


def _setup_styles(
    doc: _Doc,
    style: Style,
    language: str,
    *,
    template: bool,
    roles: Sequence[tuple[str, str]] = _STYLE_ROLES,
    custom: Mapping[str, str] = _CUSTOM_STYLES,
) -> frozenset[str]:
    """Make every Word style we use look the way its role says.

    ``roles`` maps Word style names to the roles they take their look from, ``custom``
    the paragraph styles the default template lacks to their base styles (a pack maps
    other roles than a single article: its article titles are ``Heading 1``).
    With a template, a style the template defines keeps the template's look (as pandoc's
    ``--reference-doc`` does); only the styles it lacks are created and styled from roles.
    Returns the names of the styles kept from the template.
    """
    styles = doc.styles
    kept: set[str] = set()
    if template:
        # A template made in Word defines only the styles its author used or changed; the
        # definitions of the rest (outline levels, "next" styles) come from python-docx's
        # default template, which is what the writer uses without a template.
        source = Document().styles.element
        created: list[_Elem] = []
        for name in ("Normal", *(n for n, _ in roles)):
            if name in styles:
                kept.add(name)
            elif (copied := _copy_style(styles.element, source, name)) is not None:
                created.append(copied)
        kept.update(name for name in (*custom, "Hyperlink") if name in styles)
        _fix_style_references(styles.element, created)
    for name, base in custom.items():
        if name not in styles:
            added = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            added.base_style = styles[base]
            added.next_paragraph_style = styles["Body Text"]
            added.quick_style = True
    for name, role_name in roles:
        if name in kept:
            continue
        if name not in styles:  # neither the template nor python-docx's defines it
            added = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=True)
            added.base_style = styles["Normal"]
        role = style.role(role_name)
        _apply_paragraph_role(
            styles[name].element,
            role,
            style.family(role).name,
            keep_numbering=name in _NUMBERED_STYLES,
        )
    if "Hyperlink" not in kept:
        _setup_hyperlink_style(styles, style.role("link"))
    _setup_code_style(styles, style, keep=template and _CODE_STYLE in styles)
    body = style.role("body")
    if template:
        # The template's document defaults are part of its look (Normal is usually empty
        # and takes its font from them); only the language is the article's.
        _set_default_language(styles.element, language)
        return frozenset(kept)
    _setup_doc_defaults(styles.element, body, style.family(body).name, language)
    # Other template styles (TOC Heading, Caption, tables ...) still name theme fonts,
    # which Word prefers over anything inherited (PITFALLS 6).
    for fonts in list(styles.element.iter(qn("w:rFonts"))):
        for attr in _THEME_FONT_ATTRS:
            fonts.attrib.pop(attr, None)
        if not fonts.attrib:
            fonts.getparent().remove(fonts)
    return frozenset(kept)


def _copy_style(styles_element: _Elem, source: _Elem, name: str) -> _Elem | None:
    """Copy the definition of style ``name`` from ``source`` (python-docx's default styles).

    Returns the new ``w:style``, or ``None`` when ``source`` has no such style either.
    """
    found = source.get_by_name(BabelFish.ui2internal(name))
    if found is None:
        return None
    copied = copy.deepcopy(found)
    copied.attrib.pop(qn("w:default"), None)  # the template has its own default style
    for child in copied.findall(qn("w:rsid")):
        copied.remove(child)
    ppr = copied.find(qn("w:pPr"))
    if ppr is not None:
        # Numbering ids of the default template mean nothing here; lists get their own.
        for num_pr in ppr.findall(qn("w:numPr")):
            ppr.remove(num_pr)
    taken = {s.get(qn("w:styleId")) for s in styles_element.findall(qn("w:style"))}
    style_id = base_id = copied.get(qn("w:styleId"))
    n = 1
    while style_id in taken:  # the template uses this id for a style of another name
        n += 1
        style_id = f"{base_id}{n}"
    copied.set(qn("w:styleId"), style_id)
    styles_element.append(copied)
    return copied


def _fix_style_references(styles_element: _Elem, created: Iterable[_Elem]) -> None:
    """Drop references of copied styles to styles the template lacks ("Heading 1 Char")."""
    ids = {s.get(qn("w:styleId")) for s in styles_element.findall(qn("w:style"))}
    normal = styles_element.get_by_name("Normal")
    for element in created:
        for tag in ("w:basedOn", "w:next", "w:link"):
            ref = element.find(qn(tag))
            if ref is None or ref.get(qn("w:val")) in ids:
                continue
            if tag == "w:basedOn" and normal is not None and normal is not element:
                ref.set(qn("w:val"), normal.get(qn("w:styleId")))
            else:
                element.remove(ref)


def _set_default_language(styles_element: _Elem, language: str) -> None:
    """Set only ``w:lang`` of the document defaults (spelling and hyphenation language)."""
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = _el("w:docDefaults")
        styles_element.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = _el("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = _el("w:rPr")
        rpr_default.append(rpr)
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.insert_element_before(
        _el("w:lang", val=language), "w:eastAsianLayout", "w:specVanish", "w:oMath"
    )


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
            **_line_spacing(role),
        )
    )
    if hanging:
        left, hang = _list_indent(role)
        props.append(_el("w:ind", left=str(left), hanging=str(hang)))
    elif role.indent:
        props.append(_el("w:ind", left=str(_twips(role.indent))))
    props.append(_el("w:jc", val=_ALIGN[role.align]))
    return props


def _line_spacing(role: Role) -> dict[str, str]:
    """``w:spacing`` line attributes: lines ``line_height`` x ``size`` apart, as in PDF and CSS.

    Word's "multiple" rule (``auto``) multiplies the font's own line height (about 1.16 x the
    size for DejaVu), not the size, so 1.45 would come out near 1.7. "At least" the PDF's
    leading gives the same distance, and lets a line grow rather than clip a taller glyph.
    """
    return {"line": str(_twips(role.size * role.line_height)), "lineRule": "atLeast"}


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
        if "Default Paragraph Font" in styles:  # a template may lack it
            added.base_style = styles["Default Paragraph Font"]
        added.unhide_when_used = True
        element = added.element
    for old in element.findall(qn("w:rPr")):
        element.remove(old)
    rpr = element.get_or_add_rPr()
    # Colour and underline only: a link inside a heading keeps the heading's font and size.
    rpr.append(_el("w:color", val=_hex(link.color)))
    rpr.append(_el("w:u", val="single"))


def _setup_code_style(styles: Any, style: Style, *, keep: bool) -> None:
    """Create the ``Verbatim Char`` character style for inline code: the ``mono`` family.

    pandoc's Word reader reads runs in this style (pandoc's own name for it) as ``Code``.
    Size and colour are inherited from the paragraph (body text: the body size and colour).
    A template that defines the style keeps its look.
    """
    if keep:
        return
    if _CODE_STYLE in styles:
        element = styles[_CODE_STYLE].element
    else:
        added = styles.add_style(_CODE_STYLE, WD_STYLE_TYPE.CHARACTER)
        if "Default Paragraph Font" in styles:
            added.base_style = styles["Default Paragraph Font"]
        added.quick_style = True
        element = added.element
    for old in element.findall(qn("w:rPr")):
        element.remove(old)
    mono = style.fonts["mono"].name
    rpr = element.get_or_add_rPr()
    rpr.append(_el("w:rFonts", ascii=mono, hAnsi=mono, eastAsia=mono, cs=mono))


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
    ppr.append(_el("w:spacing", after=str(_twips(body.space_after)), **_line_spacing(body)))
    ppr_default.append(ppr)


# --- numbering -------------------------------------------------------------------------


class _Numbering:
    """Per-document list numbering: one fresh ``w:num`` for every list.

    Paragraphs styled ``List Number`` all share the style's ``w:num`` and so count on
    across separate lists; a new ``w:num`` with a ``w:startOverride`` makes each list
    restart (at its own ``start``). A list style kept from a template keeps the template's
    numbering definition as it is; one we style gets its level 0 indented as the list role.
    """

    def __init__(self, doc: _Doc, role: Role, kept: frozenset[str]) -> None:
        self._numbering = _numbering_element(doc)
        self._abstract: dict[str, int] = {}
        defaults: _Doc | None = None
        for kind in ("List Bullet", "List Number"):
            abstract_id = self._abstract_id(doc.styles[kind].element)
            if abstract_id is None:
                # A style copied for a template, or a template's list style without
                # numbering: take python-docx's definition of this kind of list.
                defaults = defaults or Document()
                source = defaults.part.numbering_part.element
                abstract_id = self._copy_abstract(source, _style_abstract_id(defaults, kind))
            self._abstract[kind] = abstract_id
            if kind not in kept:
                self._indent_level(abstract_id, role)
            self._add_levels(abstract_id, kind)
        # CT_Numbering.add_num finds the next numId by reading every w:num's (the lowest
        # unused) and then scans for w:numIdMacAtCleanup to insert before: O(n) per list,
        # O(n²) for a pack. The same ids come from the ids in use, read once, and a
        # counter; the new w:num goes before w:numIdMacAtCleanup if there is one.
        self._used_num_ids = {int(v) for v in self._numbering.xpath("./w:num/@w:numId")}
        self._next_num_id = 1
        self._cleanup: _Elem | None = self._numbering.find(qn("w:numIdMacAtCleanup"))

    def new_list(self, kind: str, start: int | None, depth: int = 0) -> int:
        """Create a numbering instance for one list of ``kind``; return its ``numId``.

        ``depth`` is the list's nesting level (``w:ilvl``), where its start is set.
        """
        num_id = self._next_num_id
        while num_id in self._used_num_ids:
            num_id += 1
        self._used_num_ids.add(num_id)
        self._next_num_id = num_id + 1
        # What CT_Num.new builds.
        num = _el("w:num", numId=str(num_id))
        num.append(_el("w:abstractNumId", val=str(self._abstract[kind])))
        if self._cleanup is not None:
            self._cleanup.addprevious(num)
        else:
            self._numbering.append(num)
        if start is not None:
            num.add_lvlOverride(ilvl=min(depth, _MAX_LEVEL)).add_startOverride(start)
        return num_id

    def _add_levels(self, abstract_id: int, kind: str) -> None:
        """Give a list definition levels 1-8 (nested lists) where it has only level 0.

        Each copies level 0, one level-0 indent further in; bullets alternate, numbers
        stay decimal (the model's lists have no number style). Levels a template defines
        are kept as they are.
        """
        (abstract,) = (
            a
            for a in self._numbering.findall(qn("w:abstractNum"))
            if a.get(qn("w:abstractNumId")) == str(abstract_id)
        )
        levels = {lvl.get(qn("w:ilvl")): lvl for lvl in abstract.findall(qn("w:lvl"))}
        first = levels.get("0")
        if first is None:
            return
        ind = first.find(f"{qn('w:pPr')}/{qn('w:ind')}")
        left = int(ind.get(qn("w:left"), "360")) if ind is not None else 360
        hanging = int(ind.get(qn("w:hanging"), "360")) if ind is not None else 360
        previous = first
        for level in range(1, _MAX_LEVEL + 1):
            if str(level) in levels:
                previous = levels[str(level)]
                continue
            lvl = copy.deepcopy(first)
            lvl.set(qn("w:ilvl"), str(level))
            for child in lvl.findall(qn("w:pStyle")) + lvl.findall(qn("w:rPr")):
                lvl.remove(child)
            text = lvl.find(qn("w:lvlText"))
            if text is not None:
                if kind == "List Bullet":
                    text.set(qn("w:val"), _BULLETS[level % len(_BULLETS)])
                else:
                    text.set(qn("w:val"), f"%{level + 1}.")
            ppr = lvl.find(qn("w:pPr"))
            if ppr is not None:
                level_left = left * (level + 1)
                for old in ppr.findall(qn("w:tabs")) + ppr.findall(qn("w:ind")):
                    ppr.remove(old)
                tabs = _el("w:tabs")
                tabs.append(_el("w:tab", val="num", pos=str(level_left)))
                ppr.insert(0, tabs)
                ppr.append(_el("w:ind", left=str(level_left), hanging=str(hanging)))
            previous.addnext(lvl)
            previous = lvl

    def _abstract_id(self, style_element: _Elem) -> int | None:
        """The abstract numbering definition a list style's ``w:numPr`` points at, if any."""
        num_ids = style_element.xpath("./w:pPr/w:numPr/w:numId/@w:val")
        if not num_ids:
            return None
        found = self._numbering.xpath(f'./w:num[@w:numId="{num_ids[0]}"]/w:abstractNumId/@w:val')
        return int(found[0]) if found else None

    def _copy_abstract(self, source: _Elem, abstract_id: int) -> int:
        """Copy abstract definition ``abstract_id`` of ``source`` in; return its new id."""
        (found,) = source.xpath(f'./w:abstractNum[@w:abstractNumId="{abstract_id}"]')
        copied = copy.deepcopy(found)
        used = [int(v) for v in self._numbering.xpath("./w:abstractNum/@w:abstractNumId")]
        new_id = max(used, default=-1) + 1
        copied.set(qn("w:abstractNumId"), str(new_id))
        # nsid/tmpl identify a list across documents (a copy must not claim the template's
        # identity); pStyle links a level to a style id that need not exist here.
        # A deep copy is a plain lxml element: its xpath() needs the namespace spelt out.
        for child in copied.xpath(
            "./w:nsid | ./w:tmpl | ./w:lvl/w:pStyle", namespaces={"w": _W_NS}
        ):
            child.getparent().remove(child)
        # Schema order: every w:abstractNum comes before the first w:num.
        self._numbering.insert_element_before(copied, "w:num", "w:numIdMacAtCleanup")
        return new_id

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


def _style_abstract_id(doc: _Doc, kind: str) -> int:
    """The abstract numbering id of list style ``kind`` in python-docx's default template."""
    num_id = doc.styles[kind].element.pPr.numPr.numId.val
    numbering = doc.part.numbering_part.element
    return int(numbering.num_having_numId(num_id).abstractNumId.val)


def _numbering_element(doc: _Doc) -> _Elem:
    """The document's ``w:numbering``, adding a numbering part to a template without one.

    python-docx's own fallback (``NumberingPart.new``) raises NotImplementedError.
    """
    try:
        part = doc.part.part_related_by(RT.NUMBERING)
    except KeyError:
        package = doc.part.package
        xml = f'<w:numbering xmlns:w="{_W_NS}"/>'.encode()
        # The usual name, not next_partname()'s numbering1.xml: pandoc looks for
        # word/numbering.xml by name and would lose every list.
        taken = {p.partname for p in package.iter_parts()}
        partname = PackURI("/word/numbering.xml")
        if partname in taken:
            partname = package.next_partname("/word/numbering%d.xml")
        part = NumberingPart(
            partname,
            CT.WML_NUMBERING,
            parse_xml(xml),
            package,
        )
        doc.part.relate_to(part, RT.NUMBERING)
    return cast(NumberingPart, part).element


def _list_indent(role: Role) -> tuple[int, int]:
    """List text indent and the hanging width of its bullet or number, in twips.

    The role's ``indent`` is where item text starts; the marker hangs up to 18 pt before it.
    """
    left = _twips(role.indent)
    return left, min(left, _twips(18))


# --- page, header, footer --------------------------------------------------------------


def _setup_page(doc: _Doc, style: Style, meta: ArticleMeta, *, template: bool) -> _PageSource:
    """Page size and margins from the style; running title header and page-number footer.

    A template's page setup is used as it is, and so are its headers and footers when it
    has any (pandoc's ``--reference-doc`` does the same); a template without headers or
    footers gets ours.
    """
    body = doc.element.body
    page_from_template = template and body.sectPr is not None
    sect = body.get_or_add_sectPr()
    headers_from_template = template and bool(
        sect.findall(qn("w:headerReference")) or sect.findall(qn("w:footerReference"))
    )
    section = doc.sections[0]
    if not page_from_template:
        page = style.page
        # The default template is US Letter (PITFALLS 6).
        section.page_width = Pt(page.width)
        section.page_height = Pt(page.height)
        section.top_margin = Pt(page.margin_top)
        section.bottom_margin = Pt(page.margin_bottom)
        section.left_margin = Pt(page.margin_left)
        section.right_margin = Pt(page.margin_right)
        section.header_distance = Pt(min(36.0, page.margin_top / 2))
        section.footer_distance = Pt(min(36.0, page.margin_bottom / 2))
    if not headers_from_template:
        # Page 1 shows the title itself: the running title starts on page 2.
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        header.style = "Header"
        header.add_run(meta.title)
        for footer in (section.footer, section.first_page_footer):
            _page_number(footer.paragraphs[0])
    return _PageSource(page_from_template, headers_from_template)


@dataclass(frozen=True, slots=True)
class _PageSource:
    """What of the page came from the template rather than from the style."""

    page: bool
    headers: bool


def _log_not_expressed(template: object, kept: frozenset[str], source: _PageSource) -> None:
    """Say once, at DEBUG, which style keys this document does not follow, and why.

    Without a template Word expresses every role key (``line_height`` as "at least" the
    same leading as the PDF's); with one, the template's page and styles win.
    """
    keys: list[str] = []
    if source.page:
        keys.append("page.size and page.margin_* (the template's page setup)")
    if source.headers:
        keys.append("roles.header and roles.footer (the template's headers and footers)")
    for name, role_name in _STYLE_ROLES:
        if name in kept:
            keys.append(f"roles.{role_name} (Word style {name!r} as the template defines it)")
    if "Hyperlink" in kept:
        keys.append("roles.link (Word style 'Hyperlink' as the template defines it)")
    if keys:
        _log.debug("docx: template %s: not taken from the style: %s", template, "; ".join(keys))


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
    _add_text_run(_add_p(doc, "Title"), meta.title)
    if meta.subtitle:
        _add_text_run(_add_p(doc, "Subtitle"), meta.subtitle)
    if parts := byline(meta):
        _append_runs(_add_p(doc, "Byline"), doc.part, flatten(parts))


def _write_block(doc: _Doc, block: Block, lists: _Numbering) -> None:
    """Append one model block as one or more styled paragraphs."""
    part = doc.part
    match block:
        case Heading(level=level, children=children):
            _append_runs(_add_p(doc, f"Heading {level}"), part, flatten(children))
        case Paragraph(children=children):
            _append_runs(_add_p(doc, "Body Text"), part, flatten(children))
        case Quote(paragraphs=paragraphs, attribution=attribution):
            for quoted in paragraphs:
                _append_runs(_add_p(doc, "Quote"), part, flatten(quoted.children))
            if attribution:
                p = _add_p(doc, "Quote Attribution")
                _add_text_run(p, ATTRIBUTION_DASH)
                _append_runs(p, part, flatten(attribution))
        case BulletList() | OrderedList():
            _write_list(doc, block, lists, 0)
        case ThematicBreak():
            _write_thematic_break(doc)
        case Figure():
            _write_figure(doc, block)
        case _:
            assert_never(block)


def _write_list(doc: _Doc, block: BulletList | OrderedList, lists: _Numbering, depth: int) -> None:
    """One paragraph per item, each pointing at the list's own numbering instance.

    Nested lists follow their item at ``w:ilvl`` = ``depth`` + 1 (Word's deepest level is
    8), each with a numbering instance of its own, so it restarts and pandoc reads it as a
    list inside the item. A sublist whose item index is out of range follows the last item.
    """
    match block:
        case BulletList():
            kind, start = "List Bullet", None
        case OrderedList(start=start):
            kind = "List Number"
        case _:
            assert_never(block)
    num_id = lists.new_list(kind, start, depth)
    last = len(block.items) - 1
    under: dict[int, list[BulletList | OrderedList]] = {}
    for index, sublist in block.sublists:
        under.setdefault(min(max(index, 0), last), []).append(sublist)
    level = str(min(depth, _MAX_LEVEL))
    for index, item in enumerate(block.items):
        p = _add_p(doc, kind)
        # w:numPr follows w:pStyle, the new paragraph's only property: appended, in the
        # order python-docx's get_or_add_numPr/_ilvl/_numId would insert them.
        num_pr = etree.SubElement(p.pPr, _W_NUM_PR)
        etree.SubElement(num_pr, _W_ILVL, {_W_VAL: level})
        etree.SubElement(num_pr, _W_NUM_ID, {_W_VAL: str(num_id)})
        _append_runs(p, doc.part, flatten(item))
        for sublist in under.get(index, ()):
            _write_list(doc, sublist, lists, depth + 1)
    if last < 0:  # no items: the sublists stand on their own
        for _, sublist in block.sublists:
            _write_list(doc, sublist, lists, depth)


def _write_thematic_break(doc: _Doc) -> None:
    """A section break: three centred asterisks with a blank line's space around them."""
    paragraph = add_styled_paragraph(doc, "Body Text")
    paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    paragraph.paragraph_format.space_before = Pt(12)
    paragraph.paragraph_format.space_after = Pt(12)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run("*\u2003*\u2003*")


def _write_figure(doc: _Doc, figure: Figure) -> None:
    """An image, centred and scaled to the text frame, with its alt text as ``descr``.

    A remote or refused image (no ``path``), or one that cannot be read, is shown as its
    alt text in italics instead; an unreadable one is also a warning.
    """
    if figure.path is None:
        _write_image_text(doc, figure.alt)
        return
    try:
        data = Path(figure.path).read_bytes()
        image = DocxImage.from_blob(data)
        if image.px_width <= 0 or image.px_height <= 0:
            raise ValueError("the image has no size")
    except (
        OSError,
        ValueError,
        IndexError,
        KeyError,
        struct.error,
        InvalidImageStreamError,
        UnexpectedEndOfFileError,
        UnrecognizedImageError,
    ) as exc:
        _log.warning("docx: image %s cannot be read (%s); its alt text is shown", figure.src, exc)
        _write_image_text(doc, figure.alt)
        return
    frame_width, frame_height = _text_frame(doc)
    width = image.px_width * _EMU_PER_INCH / _IMAGE_DPI
    height = image.px_height * _EMU_PER_INCH / _IMAGE_DPI
    scale = min(1.0, frame_width / width, frame_height / height)
    paragraph = add_styled_paragraph(doc, "Body Text")
    paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    r = _add_text_run(_p_element(paragraph), "")
    # python-docx has no API for alt text: it is set on the inline's XML below.
    inline = _add_picture(
        doc.part, r, image, width=Emu(int(width * scale)), height=Emu(int(height * scale))
    )
    # Without distances LibreOffice keeps 0.32 cm clear either side of the picture, which
    # pushes a full-width one past the right margin.
    for side in ("distT", "distB", "distL", "distR"):
        inline.set(side, "0")
    shape_id = inline.docPr.get("id")
    name = f"Figure {shape_id}"
    for props in (inline.docPr, *inline.xpath(".//pic:cNvPr")):
        props.set("name", name)
        props.set("descr", figure.alt)


def _add_picture(
    part: DocumentPart,
    r: _Elem,
    image: DocxImage,
    *,
    width: Length | None = None,
    height: Length | None = None,
) -> _Elem:
    """``run.add_picture(image, width, height)`` for the ``w:r`` of a body run; the ``wp:inline``.

    The same XML, image part and relationship as python-docx's, without its scans, which
    made a pack with a picture per article quadratic: ``StoryPart.next_id`` reads every
    ``id`` attribute of the document with XPath for each picture; ``ImageParts`` looks for
    an image of the same SHA-1 and for a free part number by walking all image parts; and
    ``relate_to`` scans all relationships (thousands of links in a pack). Every picture of
    a document goes through here, so the highest shape id is kept as a number.
    """
    looks = _lookups(part)
    image_part = _image_part(looks, part.package.image_parts, image)
    name = str(image_part.partname)
    if looks.image_rids is None:
        looks.image_rids = {}
        for rid, rel in part.rels.items():  # the first match wins, as in relate_to
            if not rel.is_external and rel.reltype == RT.IMAGE:
                looks.image_rids.setdefault(str(rel.target_part.partname), rid)
    rid = looks.image_rids.get(name)
    if rid is None:
        rid = looks.image_rids[name] = _relate(part, image_part, RT.IMAGE)
    if looks.shape_id is None:
        # StoryPart.next_id's rule: one more than the largest numeric id in the document.
        numbers = [int(v) for v in part.element.xpath("//@id") if v.isdigit()]
        looks.shape_id = max(numbers, default=0)
    looks.shape_id += 1
    picture = image_part.image
    cx, cy = picture.scaled_dimensions(width, height)
    inline = CT_Inline.new_pic_inline(looks.shape_id, rid, picture.filename, cx, cy)
    r.add_drawing(inline)
    return inline


def _image_part(looks: _Lookups, parts: ImageParts, image: DocxImage) -> ImagePart:
    """``ImageParts.get_or_add_image_part``: the part holding ``image``, added if new.

    An image already in the package (same SHA-1) is shared; a new one is named
    ``/word/media/image<N>.<ext>`` with the lowest number no image part uses.
    """
    index = looks.images
    if index is None or index.count != len(parts):  # first use, or parts added elsewhere
        index = looks.images = _ImageIndex(parts)
    found = index.by_sha1.get(image.sha1)
    if found is not None and (shared := found()) is not None:
        return shared
    n = index.next_number
    while n in index.numbers:
        n += 1
    index.next_number = n + 1
    index.numbers.add(n)
    partname = PackURI(f"/word/media/image{n}.{image.ext}")
    image_part: ImagePart = ImagePart.from_image(image, partname)
    index.by_sha1[image.sha1] = weakref.ref(image_part)
    parts.append(image_part)
    index.count += 1
    return image_part


class _ImageIndex:
    """The package's image parts by SHA-1 and their numbers.

    Weak references: the lookups must not keep the package (and so the document) alive.
    """

    __slots__ = ("by_sha1", "count", "next_number", "numbers")

    def __init__(self, parts: ImageParts) -> None:
        self.by_sha1: dict[str, weakref.ref[ImagePart]] = {}
        for part in parts:
            self.by_sha1.setdefault(part.sha1, weakref.ref(part))  # the first match wins
        self.numbers = {part.partname.idx for part in parts}
        self.next_number = 1
        self.count = len(parts)


def _text_frame(doc: _Doc) -> tuple[int, int]:
    """Width and (a little less than) the height of the current section's text, in EMU.

    A template's section may leave out page size or margins: A4 and 1 inch then.
    """
    section = _last_section(doc)
    inch = _EMU_PER_INCH
    width = (section.page_width or 7560310) - (section.left_margin or inch)
    width -= section.right_margin or inch
    height = (section.page_height or 10692130) - (section.top_margin or inch)
    height -= section.bottom_margin or inch
    # 90 % of the height: the paragraph's spacing must fit on the page too.
    return max(width, inch), max(height * 9 // 10, inch)


def _last_section(doc: _Doc) -> Section:
    """``doc.sections[-1]``, which searches the whole body with XPath, found directly.

    The last section's properties are the body's own ``w:sectPr``, its last child.
    """
    last = next(doc.element.body.iterchildren(reversed=True), None)
    if last is not None and last.tag == _W_SECT_PR:
        return Section(last, doc.part)
    return doc.sections[-1]


def _write_image_text(doc: _Doc, alt: str) -> None:
    """Stand-in for an image that is not shown: its alt text in italics."""
    paragraph = add_styled_paragraph(doc, "Body Text")
    paragraph.add_run(f"[Image: {alt}]" if alt else "[Image]").italic = True


def add_styled_paragraph(doc: _Doc, style: str) -> _Para:
    """Append an empty paragraph in the Word style named ``style``.

    python-docx resolves a style name with an XPath search of styles.xml on every call
    (about 1.5 ms), and finds the body's closing ``w:sectPr`` by scanning from the first
    paragraph on every insert: 20,000 paragraphs took 50 s and 100,000 took 580 s. Here the
    style ids are looked up once per document, and the paragraph goes in front of the
    ``w:sectPr``, which is the body's last child, without a scan.
    """
    return DocxParagraph(_add_p(doc, style), doc._body)


def _add_p(doc: _Doc, style: str) -> _Elem:
    """:func:`add_styled_paragraph` without the python-docx proxy: the new ``w:p``."""
    ids = _lookups(doc.part).paragraph_ids
    if style in ids:
        style_id = ids[style]
    else:
        style_id = ids[style] = doc.styles[style].style_id
    body = doc.element.body
    p = OxmlElement("w:p")
    # len() of an lxml element counts its children (O(n)); the last child is found directly.
    last = next(body.iterchildren(reversed=True), None)
    if last is not None and last.tag == _W_SECT_PR:
        last.addprevious(p)
    else:
        body.append(p)
    # What CT_P.style writes (w:pPr, w:pStyle), without its get-or-add searches: the
    # paragraph is new and empty. Sub-elements take python-docx's element classes from
    # the document's parser, so its methods (get_or_add_pPr ...) still work on them.
    ppr = etree.SubElement(p, _W_PPR)
    if style_id is not None:
        etree.SubElement(ppr, _W_PSTYLE, {_W_VAL: style_id})
    return p


class _Lookups:
    """What python-docx would work out again on every call, worked out once per document.

    * Style ids: python-docx resolves a style name with an XPath search of styles.xml on
      every ``Paragraph.style``/``Run.style`` assignment and ``styles[name]`` (about 1.5 ms
      each; a 300-article pack makes some 100,000 of them).
    * Relationship ids: ``Part.relate_to`` scans every relationship of the part for one to
      reuse and then counts up from ``rId1`` for a free id, so a document with n links or
      n header parts costs O(n²). Here links are found by URL in a dict, and new ids come
      from a counter that gives exactly python-docx's ids (the lowest free ``rIdN``): ids
      are only ever added while a document is written, so every id below the counter
      stays taken.
    * Pictures: see :func:`_add_picture`.
    """

    __slots__ = (
        "fonts",
        "image_rids",
        "images",
        "links",
        "next_rid",
        "paragraph_ids",
        "shape_id",
        "style_ids",
    )

    def __init__(self) -> None:
        #: ``styles[name].style_id``, what :func:`add_styled_paragraph` writes.
        self.paragraph_ids: dict[str, str | None] = {}
        #: ``part.get_style_id(name, type)``, what python-docx's ``.style = name`` writes
        #: (None for the type's default style).
        self.style_ids: dict[tuple[str, WD_STYLE_TYPE], str | None] = {}
        #: ``styles[name].font.name``.
        self.fonts: dict[str, str | None] = {}
        #: External hyperlink target -> rId, filled from the part's relationships on first use.
        self.links: dict[str, str] | None = None
        self.next_rid = 1
        #: Image part name -> rId, filled from the part's relationships on first use.
        self.image_rids: dict[str, str] | None = None
        #: The package's image parts (no reference to a part: see _LOOKUPS).
        self.images: _ImageIndex | None = None
        #: The largest numeric ``id`` attribute of the document (pictures' shape ids).
        self.shape_id: int | None = None


# Per document part; weak, so the lookups live exactly as long as the document being
# written and no state outlasts a write (the values must not refer to the part).
_LOOKUPS: weakref.WeakKeyDictionary[Any, _Lookups] = weakref.WeakKeyDictionary()


def _lookups(part: DocumentPart) -> _Lookups:
    """The lookups of the document whose main part is ``part``, made on first use."""
    found = _LOOKUPS.get(part)
    if found is None:
        found = _LOOKUPS[part] = _Lookups()
    return found


def _style_id(part: DocumentPart, name: str, kind: WD_STYLE_TYPE) -> str | None:
    """The id python-docx's ``paragraph.style = name`` (or ``run.style``) would write."""
    ids = _lookups(part).style_ids
    key = (name, kind)
    if key not in ids:
        ids[key] = cast(Any, part).get_style_id(name, kind)  # untyped in python-docx
    return ids[key]


def _set_paragraph_style(paragraph: _Para, part: DocumentPart, name: str) -> None:
    """``paragraph.style = name`` with the style id looked up once per document."""
    paragraph._p.style = _style_id(part, name, WD_STYLE_TYPE.PARAGRAPH)


def _new_rid(part: DocumentPart) -> str:
    """The id python-docx would give a new relationship of ``part`` (the lowest free one)."""
    looks = _lookups(part)
    rels = part.rels
    n = looks.next_rid
    while f"rId{n}" in rels:
        n += 1
    looks.next_rid = n + 1
    return f"rId{n}"


def _relate(part: DocumentPart, target: Any, reltype: str) -> str:
    """``part.relate_to(target, reltype)`` for a part not related yet, without its scans."""
    rid = _new_rid(part)
    part.rels.add_relationship(reltype, target, rid)
    return rid


def _link_rid(part: DocumentPart, url: str) -> str:
    """The rId of an external hyperlink to ``url``, shared by every link to the same URL.

    ``part.relate_to(url, RT.HYPERLINK, is_external=True)`` does the same with a scan of
    every relationship per link.
    """
    looks = _lookups(part)
    links = looks.links
    if links is None:
        links = looks.links = {}
        for rid, rel in part.rels.items():  # the first match wins, as in python-docx
            if rel.is_external and rel.reltype == RT.HYPERLINK:
                links.setdefault(rel.target_ref, rid)
    rid = links.get(url)
    if rid is None:
        rid = links[url] = _new_rid(part)
        part.rels.add_relationship(RT.HYPERLINK, url, rid, is_external=True)
    return rid


def _add_runs(paragraph: _Para, runs: Iterable[Run]) -> None:
    """Append runs as text (never parsed as markup); linked runs go in ``w:hyperlink``."""
    _append_runs(paragraph._p, cast(DocumentPart, paragraph.part), runs)


def _append_runs(p: _Elem, part: DocumentPart, runs: Iterable[Run]) -> None:
    """:func:`_add_runs` on the ``w:p`` of a body paragraph of ``part``."""
    for url, group in itertools.groupby(runs, key=_run_url):
        target = safe_url(url) if url is not None else None
        if url is not None and target is None:
            _log.warning(
                "docx: link %r rendered as plain text (only http, https and mailto links)",
                url[:80],
            )
        if target is None:
            for run in group:
                if run.code:
                    code_id = _style_id(part, _CODE_STYLE, WD_STYLE_TYPE.CHARACTER)
                    _append_run(p, run, code_id, styled=True)
                else:
                    _append_run(p, run, None, styled=False)
            continue
        hyperlink = etree.SubElement(p, _W_HYPERLINK, {_R_ID: _link_rid(part, target)})
        link_id = _style_id(part, "Hyperlink", WD_STYLE_TYPE.CHARACTER)
        for run in group:
            font = _code_font(part) if run.code else None
            _append_run(hyperlink, run, link_id, styled=True, font=font)


def _run_url(run: Run) -> str | None:
    """What runs are grouped by: consecutive runs with the same link share a w:hyperlink."""
    return run.url


def _code_font(part: DocumentPart) -> str | None:
    """The font of the ``Verbatim Char`` style (code inside a link takes it directly)."""
    fonts = _lookups(part).fonts
    if _CODE_STYLE not in fonts:
        fonts[_CODE_STYLE] = part.styles[_CODE_STYLE].font.name
    return fonts[_CODE_STYLE]


def _append_run(
    parent: _Elem, run: Run, style_id: str | None, *, styled: bool, font: str | None = None
) -> None:
    """Append one ``w:r`` with ``run``'s text, or a line break, and its look.

    Bold/italic are direct formatting (pandoc and screen readers read them as strong and
    emphasis); code takes the ``Verbatim Char`` style, or inside a link (which has the
    ``Hyperlink`` style, ``style_id``) the same monospaced font directly (``font``).
    ``styled`` says python-docx would have set a character style (the run gets a
    ``w:rPr`` even if the id is None, the default style's).

    Built with lxml rather than python-docx's ``Run`` (whose ``text``, ``style``, ``bold``
    setters search the run and styles.xml each time) to the same XML: children in schema
    order (``rStyle``, ``rFonts``, ``b``, ``i``), then the content.
    """
    r = etree.SubElement(parent, _W_R)
    if styled or run.bold or run.italic:
        rpr = etree.SubElement(r, _W_RPR)
        if style_id is not None:
            etree.SubElement(rpr, _W_RSTYLE, {_W_VAL: style_id})
        if font is not None:
            etree.SubElement(rpr, _W_RFONTS, {_W_ASCII: font, _W_HANSI: font})
        if run.bold:
            etree.SubElement(rpr, _W_B)
        if run.italic:
            etree.SubElement(rpr, _W_I)
    if run.line_break:
        etree.SubElement(r, _W_BR)
    else:
        _put_text(r, run.text)


def _add_text_run(p: _Elem, text: str) -> _Elem:
    """``paragraph.add_run(text)`` on a ``w:p``: the new ``w:r``."""
    r = etree.SubElement(p, _W_R)
    _put_text(r, text)
    return r


def _put_text(r: _Elem, text: str) -> None:
    """Append ``text`` to an empty run as python-docx's ``Run.text = text`` does.

    Tabs become ``w:tab``, each CR or LF a ``w:br``, the rest ``w:t`` (with
    ``xml:space="preserve"`` when it starts or ends with white space).
    """
    if _RUN_CONTROLS.search(text) is None:
        if text:
            _add_t(r, text)
        return
    for piece in _RUN_CONTROLS_SPLIT.split(text):
        if piece == "\t":
            etree.SubElement(r, _W_TAB)
        elif piece in ("\r", "\n"):
            etree.SubElement(r, _W_BR)
        elif piece:
            _add_t(r, piece)


def _add_t(r: _Elem, text: str) -> None:
    """Append a ``w:t`` holding ``text`` (no tabs or line ends) as ``CT_R.add_t`` does."""
    t: _Elem = etree.SubElement(r, _W_T)
    t.text = text
    if len(text.strip()) < len(text):  # python-docx's test, str.strip's white space
        t.set(_XML_SPACE, "preserve")


_RUN_CONTROLS = re.compile(r"[\t\r\n]")
_RUN_CONTROLS_SPLIT = re.compile(r"([\t\r\n])")

# Qualified names, worked out once: qn() splits and looks up its argument on every call.
_W_ASCII = qn("w:ascii")
_W_B = qn("w:b")
_W_BR = qn("w:br")
_W_HANSI = qn("w:hAnsi")
_W_HYPERLINK = qn("w:hyperlink")
_W_I = qn("w:i")
_W_ILVL = qn("w:ilvl")
_W_NUM_ID = qn("w:numId")
_W_NUM_PR = qn("w:numPr")
_W_P = qn("w:p")
_W_PPR = qn("w:pPr")
_W_PSTYLE = qn("w:pStyle")
_W_R = qn("w:r")
_W_RFONTS = qn("w:rFonts")
_W_RPR = qn("w:rPr")
_W_RSTYLE = qn("w:rStyle")
_W_SECT_PR = qn("w:sectPr")
_W_T = qn("w:t")
_W_TAB = qn("w:tab")
_W_VAL = qn("w:val")
_R_ID = qn("r:id")
_XML_SPACE = qn("xml:space")


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
    """Insert ``child`` into a ``w:pPr`` where the schema order puts it.

    Before the child of the earliest following kind present (the first of that kind), as
    python-docx's ``insert_element_before(child, *successors)`` would, in one pass over
    the children rather than a search per following kind (up to 35 per insert).
    """
    rank = _PPR_RANK[child.tag]
    successor, successor_rank = None, len(_PPR_ORDER)
    for existing in parent.iterchildren():
        found = _PPR_RANK.get(existing.tag)
        if found is not None and rank < found < successor_rank:
            successor, successor_rank = existing, found
    if successor is not None:
        successor.addprevious(child)
    else:
        parent.append(child)


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
