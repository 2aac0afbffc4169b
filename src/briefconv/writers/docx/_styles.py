"""Word styles from style roles: which Word style takes its look from which role, and how.

Structure is carried by Word's built-in styles, so Word's navigation pane, screen readers
and pandoc all see it: the title is ``Title``, the subtitle ``Subtitle``, the byline the
custom ``Byline``, headings ``Heading 1``-``Heading 6``, paragraphs ``Body Text``, quotes
``Quote`` (attribution ``Quote Attribution``), lists ``List Bullet`` / ``List Number``,
inline code the character style ``Verbatim Char`` (pandoc's name, in the style's ``mono``
family). Every style's look comes from one role of the resolved
:class:`~briefconv.styles.Style` (see :data:`STYLE_ROLES`; a pack maps roles by
:data:`PACK_ROLES`). Line spacing is "at least" ``line_height`` x ``size`` (the PDF's
leading, the CSS line-height), not Word's "multiple", which multiplies the font's own line
height instead.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.styles import BabelFish
from docx.styles.styles import Styles

from briefconv.model import (
    BulletList,
    CodeBlock,
    Figure,
    Layout,
    OrderedList,
    Pack,
    Table,
    notes_in,
)
from briefconv.styles import Role, Style
from briefconv.writers._blocks import caption_role, quote_box
from briefconv.writers._runs import mark_floor
from briefconv.writers.docx._notes import FOOTNOTE_REFERENCE
from briefconv.writers.docx._numbering import list_indent
from briefconv.writers.docx._oxml import (
    Doc,
    Elem,
    el,
    half_points,
    hex_color,
    insert_ordered,
    on_off,
    twips,
)
from briefconv.writers.docx._tables import (
    TABLE_CONTENTS,
    TABLE_HEADING,
    TABLE_STYLE,
    table_look,
    table_style_properties,
)

__all__ = [
    "CAPTION_STYLE",
    "CODE_BLOCK_STYLE",
    "CODE_STYLE",
    "FOOTNOTE_TEXT",
    "PACK_CUSTOM",
    "PACK_ROLES",
    "STYLE_ROLES",
    "PageSource",
    "apply_paragraph_role",
    "features",
    "line_spacing",
    "log_not_expressed",
    "quote_box_props",
    "quote_gap",
    "roles_for",
    "setup_document_styles",
    "setup_pack_styles",
    "setup_styles",
]

_log = logging.getLogger("briefconv")

#: Word style name -> role it takes its look from. Levels 4-6 have no role of their own
#: (styles define heading1..heading3) and share the deepest one.
STYLE_ROLES: tuple[tuple[str, str], ...] = (
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

# Theme-font attributes: when present they beat the named font in Word (PITFALLS 6).
_THEME_FONT_ATTRS = tuple(
    qn(f"w:{a}") for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
)

_ALIGN = {"left": "left", "center": "center", "right": "right", "justify": "both"}

#: The character style of inline code; pandoc reads runs in it as ``Code``.
CODE_STYLE = "Verbatim Char"

#: The paragraph style of code blocks; pandoc reads paragraphs in it as ``CodeBlock``.
CODE_BLOCK_STYLE = "Source Code"

#: The paragraph style of footnotes (Word's built-in name).
FOOTNOTE_TEXT = "Footnote Text"

#: The paragraph style of a figure's caption (Word's built-in name).
CAPTION_STYLE = "Caption"

#: Word style -> role of the constructs a document may not use (code blocks, tables,
#: footnotes), by the feature :func:`features` names; only a document that uses one gets
#: its styles, so the styles of every other document stay as they were.
_FEATURE_ROLES: dict[str, tuple[tuple[str, str], ...]] = {
    "code": ((CODE_BLOCK_STYLE, "code"),),
    "table": ((TABLE_CONTENTS, "table"), (TABLE_HEADING, "table_header")),
    "notes": ((FOOTNOTE_TEXT, "footnote"),),
}

#: The paragraph styles of those constructs that are not Word built-ins, with their bases.
_FEATURE_CUSTOM: dict[str, str] = {
    CODE_BLOCK_STYLE: "Normal",
    TABLE_CONTENTS: "Normal",
    TABLE_HEADING: TABLE_CONTENTS,
}

#: What follows ``w:noProof`` in a ``w:rPr`` (ECMA-376 CT_RPr), for inserting it in order.
_AFTER_NO_PROOF: tuple[str, ...] = (
    "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern",
    "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
    "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)  # fmt: skip

#: Tab stops of the code style: one every 8 characters, as a terminal sets tabs.
_CODE_TAB_COLUMNS = 8
_CODE_TAB_STOPS = 16


class _Styles(Styles):
    """python-docx's styles, with ``name in styles`` asked of the XML in one query.

    python-docx answers ``in`` by making a proxy of every style and comparing names (some
    160 styles in its template, about a millisecond per question); setting up a document's
    styles asks thirty questions. :meth:`Styles.__getitem__` finds a style by the same
    name with one XPath query: a style is there exactly when it finds one.
    """

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return self.element.get_by_name(BabelFish.ui2internal(name)) is not None


def styles_of(doc: Doc) -> Any:  # Styles: add_style and others are untyped
    """``doc.styles``, with the faster ``in`` of :class:`_Styles`."""
    return _Styles(doc.styles.element)


def setup_styles(
    doc: Doc,
    style: Style,
    language: str,
    *,
    template: bool,
    roles: Sequence[tuple[str, str]] = STYLE_ROLES,
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
    styles = styles_of(doc)
    kept: set[str] = set()
    if template:
        # A template made in Word defines only the styles its author used or changed; the
        # definitions of the rest (outline levels, "next" styles) come from python-docx's
        # default template, which is what the writer uses without a template.
        source = Document().styles.element
        created: list[Elem] = []
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
        apply_paragraph_role(
            styles[name].element,
            role,
            style.family(role).name,
            keep_numbering=name in _NUMBERED_STYLES,
            numbered=name == "List Number",
        )
        _break_control(styles[name].paragraph_format, name, roles)
    for name in ("Quote", "Quote Attribution"):
        if name not in kept and name in styles:
            _box_quote_style(styles[name].element, style, attribution=name != "Quote")
    if "Hyperlink" not in kept:
        _setup_hyperlink_style(styles, style.role("link"))
    _setup_code_style(styles, style, keep=template and CODE_STYLE in styles)
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


#: Styles of a single article's title block: kept with what follows, like headings.
_TITLE_BLOCK = frozenset({"Title", "Subtitle", "Byline"})


def _break_control(paragraph_format: Any, name: str, roles: Sequence[tuple[str, str]]) -> None:
    """Page breaks as the PDF makes them, said in the style itself.

    A heading (and a handout's title block) is kept whole and on the page of the
    paragraph after it (``w:keepNext``, ``w:keepLines``); every other paragraph style
    leaves no single line at a page's foot or head (``w:widowControl``). The document
    defaults say so too, but a style that says it needs nothing else to be right.
    """
    handout = dict(roles).get("Title") == "title"  # a pack's Title is its cover's
    if name.startswith("Heading") or (handout and name in _TITLE_BLOCK):
        paragraph_format.keep_with_next = True
        paragraph_format.keep_together = True
    elif name not in ("Header", "Footer"):
        paragraph_format.widow_control = True


def _copy_style(styles_element: Elem, source: Elem, name: str) -> Elem | None:
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


def _fix_style_references(styles_element: Elem, created: Iterable[Elem]) -> None:
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


def _rpr_default(styles_element: Elem) -> Elem:
    """The ``w:docDefaults/w:rPrDefault`` of a styles part, created if missing."""
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = el("w:docDefaults")
        styles_element.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = el("w:rPrDefault")
        defaults.insert(0, rpr_default)
    return rpr_default


def _set_default_language(styles_element: Elem, language: str) -> None:
    """Set only ``w:lang`` of the document defaults (spelling and hyphenation language)."""
    rpr_default = _rpr_default(styles_element)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = el("w:rPr")
        rpr_default.append(rpr)
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.insert_element_before(
        el("w:lang", val=language), "w:eastAsianLayout", "w:specVanish", "w:oMath"
    )


def apply_paragraph_role(
    element: Elem, role: Role, font: str, *, keep_numbering: bool, numbered: bool = False
) -> None:
    """Replace a paragraph style's spacing, borders, alignment and run look with ``role``.

    A list style (``keep_numbering``) hangs its label by a bullet's width, or a number's
    when ``numbered``.
    """
    ppr = element.get_or_add_pPr()
    # Template leftovers go too: tab stops sized for US Letter, Title's theme-coloured rule,
    # the list styles' contextualSpacing (which would swallow the role's spacing).
    removed = ["w:pBdr", "w:shd", "w:tabs", "w:spacing", "w:ind", "w:contextualSpacing", "w:jc"]
    if not keep_numbering:
        # The template's Subtitle carries a stray <w:numPr> with only an ilvl.
        removed.append("w:numPr")
    ppr.remove_all(*removed)
    hanging = ("number" if numbered else "bullet") if keep_numbering else None
    for child in _paragraph_props(role, hanging=hanging):
        insert_ordered(ppr, child)
    for old in element.findall(qn("w:rPr")):
        element.remove(old)
    rpr = element.get_or_add_rPr()
    for child in _run_props(role, font):
        rpr.append(child)


def _paragraph_props(role: Role, *, hanging: str | None = None) -> list[Elem]:
    """The ``w:pPr`` children that express ``role``'s box: border, shading, spacing ...

    With ``hanging`` ("bullet" or "number"), the first line hangs out by the width of a
    list's bullet or number.
    """
    props: list[Elem] = []
    border = el("w:pBdr")
    # A left rule as in the PDF and EPUB; sz is in eighths of a point, space in points.
    # "No border" and "no shading" are written out too: a role's box is its own (see
    # styles.py), but a Word style inherits both from its base ("Quote Attribution").
    if role.border_color is not None:
        left = el("w:left", val="single", sz="18", space="8", color=hex_color(role.border_color))
    else:
        left = el("w:left", val="nil")
    border.append(left)
    props.append(border)
    fill = hex_color(role.background) if role.background is not None else "auto"
    props.append(el("w:shd", val="clear", color="auto", fill=fill))
    props.append(
        el(
            "w:spacing",
            before=str(twips(role.space_before)),
            after=str(twips(role.space_after)),
            **line_spacing(role),
        )
    )
    if hanging:
        left, hang = list_indent(role, numbered=hanging == "number")
        props.append(el("w:ind", left=str(left), hanging=str(hang)))
    elif role.indent:
        props.append(el("w:ind", left=str(twips(role.indent))))
    props.append(el("w:jc", val=_ALIGN[role.align]))
    return props


def _box_quote_style(element: Elem, style: Style, *, attribution: bool) -> None:
    """The quote box of :func:`~briefconv.writers._blocks.quote_box`, as the PDF draws it.

    The rule is a left border ``padding`` points from the text; borders in the tint's own
    colour above, below and to the right give the box its padding there (Word shades the
    space between a border and the text). The text is indented by the box's indent, rule
    and padding on the left, indent and padding on the right, so the box is inset on
    both sides. The attribution has exactly the same borders, shading and indents, which
    is what makes Word (and LibreOffice) draw the quote and its attribution as one box.
    Inside the box paragraphs are the body's paragraph gap apart; the space above and
    below the box is set on its first and last paragraph (see the content writer).
    """
    box = quote_box(style)
    role = style.role("quote_attribution" if attribution else "quote")
    ppr = element.get_or_add_pPr()
    ppr.remove_all("w:pBdr", "w:shd", "w:spacing", "w:ind")
    for child in quote_box_props(style):
        insert_ordered(ppr, child)
    after = box.space_after if attribution else quote_gap(style)
    insert_ordered(ppr, el("w:spacing", before="0", after=str(twips(after)), **line_spacing(role)))


def quote_gap(style: Style) -> float:
    """Space between paragraphs inside a quote box, in points: the body's paragraph gap."""
    return style.role("body").space_after


def quote_box_props(style: Style) -> list[Elem]:
    """``w:pBdr``, ``w:shd`` and ``w:ind`` of a paragraph in the quote box (schema order)."""
    box = quote_box(style)
    pad = str(round(box.padding))  # w:space is whole points
    tint = hex_color(box.background) if box.background is not None else None
    # The tint's borders are as thin as Word draws (a quarter point): they only carry the
    # padding and the shading out to the box's edge.
    edge = {"val": "single", "sz": "2", "space": pad, "color": tint} if tint else {"val": "nil"}
    border = el("w:pBdr")
    border.append(el("w:top", **edge))
    if box.rule_color is not None:
        sz = str(round(box.rule * 8))  # eighths of a point
        border.append(el("w:left", val="single", sz=sz, space=pad, color=hex_color(box.rule_color)))
    else:
        border.append(el("w:left", **edge))
    border.append(el("w:bottom", **edge))
    border.append(el("w:right", **edge))
    left = box.indent + box.rule + box.padding
    right = box.indent + box.padding
    return [
        border,
        el("w:shd", val="clear", color="auto", fill=tint or "auto"),
        el("w:ind", left=str(twips(left)), right=str(twips(right))),
    ]


def line_spacing(role: Role) -> dict[str, str]:
    """``w:spacing`` line attributes: lines ``line_height`` x ``size`` apart, as in PDF and CSS.

    Word's "multiple" rule (``auto``) multiplies the font's own line height (about 1.16 x the
    size for DejaVu), not the size, so 1.45 would come out near 1.7. "At least" the PDF's
    leading gives the same distance, and lets a line grow rather than clip a taller glyph.
    """
    return {"line": str(twips(role.size * role.line_height)), "lineRule": "atLeast"}


def _run_props(role: Role, font: str) -> list[Elem]:
    """The ``w:rPr`` children (in schema order) that express ``role``'s type."""
    return [
        el("w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font),
        el("w:b", val=on_off(role.bold)),
        el("w:bCs", val=on_off(role.bold)),
        el("w:i", val=on_off(role.italic)),
        el("w:iCs", val=on_off(role.italic)),
        el("w:color", val=hex_color(role.color)),
        # w:szCs is the size for complex scripts; python-docx leaves it stale (PITFALLS 6).
        el("w:sz", val=str(half_points(role.size))),
        el("w:szCs", val=str(half_points(role.size))),
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
    rpr.append(el("w:color", val=hex_color(link.color)))
    rpr.append(el("w:u", val="single"))


def _setup_code_style(styles: Any, style: Style, *, keep: bool) -> None:
    """Create the ``Verbatim Char`` character style for inline code: the ``mono`` family.

    pandoc's Word reader reads runs in this style (pandoc's own name for it) as ``Code``.
    Size and colour are inherited from the paragraph (body text: the body size and colour).
    A template that defines the style keeps its look.
    """
    if keep:
        return
    if CODE_STYLE in styles:
        element = styles[CODE_STYLE].element
    else:
        added = styles.add_style(CODE_STYLE, WD_STYLE_TYPE.CHARACTER)
        if "Default Paragraph Font" in styles:
            added.base_style = styles["Default Paragraph Font"]
        added.quick_style = True
        element = added.element
    for old in element.findall(qn("w:rPr")):
        element.remove(old)
    mono = style.fonts["mono"].name
    rpr = element.get_or_add_rPr()
    rpr.append(el("w:rFonts", ascii=mono, hAnsi=mono, eastAsia=mono, cs=mono))


def _setup_doc_defaults(styles_element: Elem, body: Role, font: str, language: str) -> None:
    """Set ``w:docDefaults`` to the body role and the article's language."""
    rpr_default = _rpr_default(styles_element)
    rpr_default.clear()
    rpr = el("w:rPr")
    rpr.append(el("w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font))
    rpr.append(el("w:sz", val=str(half_points(body.size))))
    rpr.append(el("w:szCs", val=str(half_points(body.size))))
    # The document language drives Word's spelling and hyphenation; the template says en-US.
    rpr.append(el("w:lang", val=language))
    rpr_default.append(rpr)
    defaults = rpr_default.getparent()
    assert defaults is not None  # _rpr_default put it in w:docDefaults
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = el("w:pPrDefault")
        defaults.append(ppr_default)
    ppr_default.clear()
    ppr = el("w:pPr")
    # Without w:widowControl anywhere in the hierarchy the spec says lone lines are allowed.
    ppr.append(el("w:widowControl"))
    ppr.append(el("w:spacing", after=str(twips(body.space_after)), **line_spacing(body)))
    ppr_default.append(ppr)


@dataclass(frozen=True, slots=True)
class PageSource:
    """What of the page came from the template rather than from the style."""

    page: bool
    headers: bool


def log_not_expressed(
    template: object, kept: frozenset[str], source: PageSource, layout: Layout
) -> None:
    """Say once, at DEBUG, which style keys this document does not follow, and why.

    Without a template Word expresses every role key (``line_height`` as "at least" the
    same leading as the PDF's); with one, the template's page and styles win.
    """
    keys: list[str] = []
    if source.page:
        keys.append("page.size and page.margin_* (the template's page setup)")
    if source.headers:
        keys.append("roles.header and roles.footer (the template's headers and footers)")
    feature_roles = (pair for pairs in _FEATURE_ROLES.values() for pair in pairs)
    for name, role_name in (*roles_for(layout)[0], *feature_roles):
        if name in kept:
            keys.append(f"roles.{role_name} (Word style {name!r} as the template defines it)")
    if "Hyperlink" in kept:
        keys.append("roles.link (Word style 'Hyperlink' as the template defines it)")
    if keys:
        _log.debug("docx: template %s: not taken from the style: %s", template, "; ".join(keys))


#: Word style -> role in a pack: the article title is ``Heading 1`` and looks like the
#: ``title`` role, model headings go one level deeper; ``Title`` is the cover's.
PACK_ROLES: tuple[tuple[str, str], ...] = (
    *((name, role) for name, role in STYLE_ROLES if not name.startswith(("Heading", "Title"))),
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
    ("Cover Text", "byline"),
    ("Contents Entry", "heading2"),
    ("Article Byline", "byline"),
)

#: Paragraph styles of a pack that python-docx's template lacks, with their bases.
PACK_CUSTOM: dict[str, str] = {
    "Byline": "Normal",
    "Quote Attribution": "Quote",
    "Marking": "Normal",
    # The cover's band, details and article list: the byline's face, sized directly.
    "Cover Text": "Normal",
    "Contents Entry": "Normal",
    "Article Byline": "Byline",
}


def setup_pack_styles(doc: Doc, style: Style, kept: frozenset[str]) -> None:
    """Rules under the contents heading and the article byline; the ``TOC n`` styles.

    No TOC field uses ``TOC n`` ("In this pack" is the contents), but a TOC a Word user
    inserts does, and gets the pack's look.
    """
    styles = styles_of(doc)
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
        apply_paragraph_role(
            styles[name].element, role, style.family(role).name, keep_numbering=False
        )


def _bottom_rule(style_element: Elem, color: str, *, space: float) -> None:
    """A thin rule under every paragraph of a style, ``space`` points below its text."""
    ppr = style_element.get_or_add_pPr()
    border = ppr.find(qn("w:pBdr"))
    if border is None:
        border = el("w:pBdr")
        insert_ordered(ppr, border)
    for old in border.findall(qn("w:bottom")):
        border.remove(old)
    # Schema order inside w:pBdr: top, left, bottom, right, between, bar.
    bottom = el(
        "w:bottom", val="single", sz="6", space=str(min(31, round(space))), color=hex_color(color)
    )
    right = border.find(qn("w:right"))
    if right is not None:
        right.addprevious(bottom)
    else:
        border.append(bottom)


def roles_for(layout: Layout) -> tuple[tuple[tuple[str, str], ...], dict[str, str]]:
    """Word style -> role for a document of ``layout``, and the styles to create (with bases).

    An article title that is the document's title is ``Title``, its headings at their own
    level (:data:`STYLE_ROLES`); article titles under a pack are ``Heading 1``
    (:data:`PACK_ROLES`).
    """
    if layout.title_role == "title":
        return STYLE_ROLES, _CUSTOM_STYLES
    return PACK_ROLES, PACK_CUSTOM


def setup_document_styles(
    doc: Doc,
    style: Style,
    layout: Layout,
    language: str,
    *,
    template: bool,
    used: frozenset[str] = frozenset(),
) -> frozenset[str]:
    """Every Word style a document of ``layout`` uses, from the roles; the ones a template kept.

    ``used`` names the optional constructs the document has (see :func:`features`): the
    styles of code blocks, tables and footnotes are made only for a document that has them.
    """
    roles, custom = roles_for(layout)
    for feature in sorted(used):
        roles = (*roles, *_FEATURE_ROLES.get(feature, ()))
    custom = {
        **custom,
        **{name: base for name, base in _FEATURE_CUSTOM.items() if name in dict(roles)},
    }
    # Whether the template defines them, asked before setup_styles creates any.
    styles = styles_of(doc)
    defined = {name: template and name in styles for name in (TABLE_STYLE, FOOTNOTE_REFERENCE)}
    kept = setup_styles(doc, style, language, template=template, roles=roles, custom=custom)
    if layout.title_role == "heading":
        setup_pack_styles(doc, style, kept)
    elif "Byline" not in kept:
        # The rule under a handout's header block, as in the PDF and in a pack (where
        # "Article Byline" has it): under the byline, the block's last line.
        _bottom_rule(
            styles["Byline"].element,
            style.role("title").color,
            space=style.role("byline").space_after,
        )
    if "code" in used and CODE_BLOCK_STYLE not in kept:
        _setup_code_block_style(styles[CODE_BLOCK_STYLE].element, style)
    if "table" in used and not defined[TABLE_STYLE]:
        _setup_table_style(styles, style)
    if "notes" in used and not defined[FOOTNOTE_REFERENCE]:
        _setup_footnote_reference_style(styles, style)
    if "figure" in used and not (template and CAPTION_STYLE in styles):
        _setup_caption_style(styles, style)
    return kept


def _setup_caption_style(styles: Any, style: Style) -> None:  # Styles: add_style is untyped
    """Word's ``Caption`` style, as the PDF and EPUB set a caption (``caption_role``)."""
    if CAPTION_STYLE not in styles:
        added = styles.add_style(CAPTION_STYLE, WD_STYLE_TYPE.PARAGRAPH, builtin=True)
        added.base_style = styles["Normal"]
        added.next_paragraph_style = styles["Body Text"]
    role = caption_role(style)
    apply_paragraph_role(
        styles[CAPTION_STYLE].element, role, style.family(role).name, keep_numbering=False
    )


def features(pack: Pack) -> frozenset[str]:
    """The optional constructs ``pack`` uses: "code", "table", "notes", "figure".

    Code blocks, tables, footnotes and images; code inside a footnote counts too.
    """
    found: set[str] = set()

    def walk(block: object) -> None:
        match block:
            case Figure():
                found.add("figure")
            case CodeBlock():
                found.add("code")
            case Table():
                found.add("table")
            case BulletList(sublists=subs) | OrderedList(sublists=subs):
                for _, sublist in subs:
                    walk(sublist)

    for entry in pack.articles:
        for block in entry.article.blocks:
            walk(block)
            for note in notes_in(block):
                found.add("notes")
                for inner in note.blocks:
                    walk(inner)
    return frozenset(found)


def _setup_code_block_style(element: Elem, style: Style) -> None:
    """What the ``code`` role cannot say: no hyphenation or spelling, tabs every 8 columns.

    A hyphen or a red underline in a listing would change what it says; tab stops every
    eight characters of the ``mono`` face make a tab line up as it does in a terminal.
    """
    # Imported here: only documents with code blocks measure text (reportlab is slow to load).
    from briefconv.fonts.metrics import measurer

    role = style.role("code")
    ppr = element.get_or_add_pPr()
    step = measurer(style, role)(" " * _CODE_TAB_COLUMNS)
    tabs = el("w:tabs")
    for n in range(1, _CODE_TAB_STOPS + 1):
        tabs.append(el("w:tab", val="left", pos=str(twips(step * n))))
    insert_ordered(ppr, tabs)
    insert_ordered(ppr, el("w:suppressAutoHyphens"))
    rpr = element.get_or_add_rPr()
    rpr.insert_element_before(el("w:noProof"), *_AFTER_NO_PROOF)


def _setup_table_style(styles: Any, style: Style) -> None:  # Styles: add_style is untyped
    """The ``Table`` table style: rules and header shading from the table roles."""
    if TABLE_STYLE in styles:
        element = styles[TABLE_STYLE].element
    else:
        added = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
        if "Normal Table" in styles:  # a template may lack it
            added.base_style = styles["Normal Table"]
        added.quick_style = True
        element = added.element
    for tag in ("w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr"):
        for old in element.findall(qn(tag)):
            element.remove(old)
    props, first_row = table_style_properties(table_look(style))
    element.append(props)
    element.append(first_row)


def _setup_footnote_reference_style(styles: Any, style: Style) -> None:  # add_style: untyped
    """The ``Footnote Reference`` character style: a superscript number, in the text's font.

    Word draws a superscript about a third smaller than its text. In a style that allows
    no text smaller than its body (large print, :func:`~briefconv.writers._runs.mark_floor`)
    the number keeps its text's size and is raised a third of the body's size instead.
    """
    if FOOTNOTE_REFERENCE in styles:
        element = styles[FOOTNOTE_REFERENCE].element
    else:
        added = styles.add_style(FOOTNOTE_REFERENCE, WD_STYLE_TYPE.CHARACTER, builtin=True)
        if "Default Paragraph Font" in styles:
            added.base_style = styles["Default Paragraph Font"]
        added.unhide_when_used = True
        element = added.element
    for old in element.findall(qn("w:rPr")):
        element.remove(old)
    rpr = element.get_or_add_rPr()
    if mark_floor(style) is None:
        rpr.append(el("w:vertAlign", val="superscript"))
    else:
        # w:position is in half-points: a third of the body's size.
        rpr.append(el("w:position", val=str(round(style.role("body").size * 2 / 3))))
