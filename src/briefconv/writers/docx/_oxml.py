"""WordprocessingML helpers every module of the DOCX writer builds on.

Tag names worked out once, element builders (:func:`el`, :func:`insert_ordered` in schema
order), unit converters, and what python-docx would work out again on every call kept
once per document (:class:`Lookups`: relationship ids, pictures; :class:`StyleIndex`:
style ids). python-docx has no API for much of what the writer needs (hyperlinks, fields,
borders, numbering restarts), and its own calls scan the document; the XML is therefore
built here with lxml, to exactly what python-docx would write.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar, cast

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import NamespacePrefixedTag, qn
from docx.oxml.parser import oxml_parser
from docx.package import ImageParts
from docx.parts.document import DocumentPart
from docx.parts.image import ImagePart
from docx.parts.story import StoryPart
from docx.section import Section
from docx.text.paragraph import Paragraph as DocxParagraph

__all__ = [
    "R_ID",
    "W_ASCII",
    "W_B",
    "W_BR",
    "W_HANSI",
    "W_HYPERLINK",
    "W_I",
    "W_ILVL",
    "W_NS",
    "W_NUM_ID",
    "W_NUM_PR",
    "W_P",
    "W_PPR",
    "W_PSTYLE",
    "W_R",
    "W_RFONTS",
    "W_RPR",
    "W_RSTYLE",
    "W_SECT_PR",
    "W_T",
    "W_TAB",
    "W_VAL",
    "XML_SPACE",
    "Doc",
    "Elem",
    "ImageIndex",
    "Lookups",
    "Para",
    "StyleIndex",
    "el",
    "finish_table",
    "half_points",
    "hex_color",
    "insert_ordered",
    "last_section",
    "lookup_style_id",
    "lookups",
    "new_rid",
    "on_off",
    "p_element",
    "relate",
    "set_paragraph_style",
    "twips",
]

# python-docx types its public API, but the element classes it generates at import time
# (get_or_add_pPr() and friends) are invisible to mypy: XML elements are Any here.
Doc: TypeAlias = DocxDocument
Para: TypeAlias = DocxParagraph
Elem: TypeAlias = Any

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

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class ImageIndex:
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


def last_section(doc: Doc) -> Section:
    """``doc.sections[-1]``, which searches the whole body with XPath, found directly.

    The last section's properties are the body's own ``w:sectPr``, its last child.
    """
    last = next(doc.element.body.iterchildren(reversed=True), None)
    if last is not None and last.tag == W_SECT_PR:
        return Section(last, doc.part)
    return doc.sections[-1]


T = TypeVar("T")


class StyleIndex:
    """What the writer asks python-docx about the styles part, each question asked once.

    python-docx resolves a style name with an XPath search of styles.xml on every
    ``Paragraph.style``/``Run.style`` assignment and ``styles[name]`` (about 1.5 ms each;
    a 300-article pack makes some 100,000 of them). The answers depend on the styles part
    alone, which the writer does not change once the document's content is being written.

    A document's own index asks its own part (``source`` None). Documents copied from one
    base document (:mod:`._base`) share the base's index, whose ``source`` is the base's
    document part: it is never written to, so an answer found for one document is the
    answer for every other, and nothing any document does can change it. ``lock`` guards
    a shared index (and the base it reads) against threads.
    """

    __slots__ = ("_derived", "_fonts", "_lock", "_paragraph_ids", "_source", "_style_ids")

    def __init__(
        self, source: DocumentPart | None = None, lock: threading.RLock | None = None
    ) -> None:
        self._source = source
        self._lock: contextlib.AbstractContextManager[Any] = lock or contextlib.nullcontext()
        self._paragraph_ids: dict[str, str | None] = {}
        self._style_ids: dict[tuple[str, WD_STYLE_TYPE], str | None] = {}
        self._fonts: dict[str, str | None] = {}
        self._derived: dict[Callable[[Elem], Any], Any] = {}

    def paragraph_id(self, part: DocumentPart, name: str) -> str | None:
        """``styles[name].style_id``, what :func:`._content.add_styled_paragraph` writes."""
        found = self._paragraph_ids.get(name, _MISSING)
        if found is _MISSING:
            with self._lock:
                found = self._ask(part).styles[name].style_id
            self._paragraph_ids[name] = found
        return cast("str | None", found)

    def style_id(self, part: DocumentPart, name: str, kind: WD_STYLE_TYPE) -> str | None:
        """``part.get_style_id(name, kind)``, what python-docx's ``.style = name`` writes.

        None for the type's default style.
        """
        key = (name, kind)
        found = self._style_ids.get(key, _MISSING)
        if found is _MISSING:
            with self._lock:
                found = cast(Any, self._ask(part)).get_style_id(name, kind)  # untyped there
            self._style_ids[key] = found
        return cast("str | None", found)

    def font(self, part: DocumentPart, name: str) -> str | None:
        """``styles[name].font.name``."""
        found = self._fonts.get(name, _MISSING)
        if found is _MISSING:
            with self._lock:
                found = self._ask(part).styles[name].font.name
            self._fonts[name] = found
        return cast("str | None", found)

    def derived(self, part: DocumentPart, make: Callable[[Elem], T]) -> T:
        """``make(styles element)``, made once: what is read from the styles alone.

        ``make`` must only read the element, and what it returns must not be changed.
        """
        found = self._derived.get(make, _MISSING)
        if found is _MISSING:
            with self._lock:
                found = make(self._ask(part).styles.element)
            self._derived[make] = found
        return cast(T, found)

    def _ask(self, part: DocumentPart) -> DocumentPart:
        return self._source if self._source is not None else part


_MISSING: Any = object()


class Lookups:
    """What python-docx would work out again on every call, worked out once per document.

    * Styles: see :class:`StyleIndex`.
    * Relationship ids: ``Part.relate_to`` scans every relationship of the part for one to
      reuse and then counts up from ``rId1`` for a free id, so a document with n links or
      n header parts costs O(n²). Here links are found by URL in a dict, and new ids come
      from a counter that gives exactly python-docx's ids (the lowest free ``rIdN``): ids
      are only ever added while a document is written, so every id below the counter
      stays taken.
    * Pictures: see :func:`._content.add_picture`.
    """

    __slots__ = (
        "image_rids",
        "images",
        "links",
        "next_rid",
        "shape_id",
        "styles",
    )

    def __init__(self) -> None:
        #: The styles' ids and fonts (the document's own, or its base's: :mod:`._base`).
        self.styles = StyleIndex()
        #: External hyperlink target -> rId, filled from the part's relationships on first use.
        self.links: dict[str, str] | None = None
        self.next_rid = 1
        #: Image part name -> rId, filled from the part's relationships on first use.
        self.image_rids: dict[str, str] | None = None
        #: The package's image parts (no reference to a part: see _LOOKUPS).
        self.images: ImageIndex | None = None
        #: The largest numeric ``id`` attribute of the document (pictures' shape ids).
        self.shape_id: int | None = None


# Per document part; weak, so the lookups live exactly as long as the document being
# written and no state outlasts a write (the values must not refer to the part: a shared
# StyleIndex refers to its base's part, never to a document's).
_LOOKUPS: weakref.WeakKeyDictionary[Any, Lookups] = weakref.WeakKeyDictionary()


def lookups(part: StoryPart) -> Lookups:
    """The lookups of ``part`` (a document's main part, or a header), made on first use."""
    found = _LOOKUPS.get(part)
    if found is None:
        found = _LOOKUPS[part] = Lookups()
    return found


def lookup_style_id(part: DocumentPart, name: str, kind: WD_STYLE_TYPE) -> str | None:
    """The id python-docx's ``paragraph.style = name`` (or ``run.style``) would write."""
    return lookups(part).styles.style_id(part, name, kind)


def set_paragraph_style(paragraph: Para, part: DocumentPart, name: str) -> None:
    """``paragraph.style = name`` with the style id looked up once per document."""
    paragraph._p.style = lookup_style_id(part, name, WD_STYLE_TYPE.PARAGRAPH)


def new_rid(part: StoryPart) -> str:
    """The id python-docx would give a new relationship of ``part`` (the lowest free one)."""
    looks = lookups(part)
    rels = part.rels
    n = looks.next_rid
    while f"rId{n}" in rels:
        n += 1
    looks.next_rid = n + 1
    return f"rId{n}"


def relate(part: StoryPart, target: Any, reltype: str) -> str:
    """``part.relate_to(target, reltype)`` for a part not related yet, without its scans."""
    rid = new_rid(part)
    part.rels.add_relationship(reltype, target, rid)
    return rid


# Qualified names, worked out once: qn() splits and looks up its argument on every call.
W_ASCII = qn("w:ascii")
W_B = qn("w:b")
W_BR = qn("w:br")
W_HANSI = qn("w:hAnsi")
W_HYPERLINK = qn("w:hyperlink")
W_I = qn("w:i")
W_ILVL = qn("w:ilvl")
W_NUM_ID = qn("w:numId")
W_NUM_PR = qn("w:numPr")
W_P = qn("w:p")
W_PPR = qn("w:pPr")
W_PSTYLE = qn("w:pStyle")
W_R = qn("w:r")
W_RFONTS = qn("w:rFonts")
W_RPR = qn("w:rPr")
W_RSTYLE = qn("w:rStyle")
W_SECT_PR = qn("w:sectPr")
W_T = qn("w:t")
W_TAB = qn("w:tab")
W_VAL = qn("w:val")
R_ID = qn("r:id")
XML_SPACE = qn("xml:space")


def p_element(paragraph: Para) -> Elem:
    """The ``w:p`` of a python-docx paragraph.

    python-docx has no public API for hyperlinks or fields (PITFALLS 6); its own
    documentation builds them on this element.
    """
    return paragraph._p


def el(tag: str, **attrs: str) -> Elem:
    """A new WordprocessingML element ``tag`` with ``w:``-namespaced attributes.

    What ``OxmlElement(tag, attrs={qn("w:" + k): v ...})`` makes, with the tag's and the
    attributes' names worked out once per name rather than split and looked up on every
    call (a pack makes thousands of elements).
    """
    name, nsmap = _tag(tag)
    return oxml_parser.makeelement(name, {_attr(k): v for k, v in attrs.items()}, nsmap)


@functools.cache
def _tag(tag: str) -> tuple[str, dict[str, str]]:
    """``tag`` in Clark notation, and the one namespace declaration OxmlElement gives it."""
    prefixed = NamespacePrefixedTag(tag)
    return prefixed.clark_name, prefixed.nsmap


@functools.cache
def _attr(name: str) -> str:
    return qn(f"w:{name}")


def insert_ordered(parent: Elem, child: Elem) -> None:
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


def finish_table(tbl: Elem, props: Elem, widths: list[int], *, look: str, first_row: bool) -> None:
    """Close a table's properties with its ``w:tblLook`` and append them and its grid.

    ``look`` is the look's hex value as Word writes it, ``first_row`` whether the style's
    header look applies; no banding, no first or last column. ``widths`` are in twips.
    """
    props.append(
        el(
            "w:tblLook",
            val=look,
            firstRow=on_off(first_row),
            lastRow="0",
            firstColumn="0",
            lastColumn="0",
            noHBand="1",
            noVBand="1",
        )
    )
    tbl.append(props)
    grid = el("w:tblGrid")
    for w in widths:
        grid.append(el("w:gridCol", w=str(w)))
    tbl.append(grid)


def hex_color(color: str) -> str:
    """``#RRGGBB`` -> ``RRGGBB`` as WordprocessingML writes colours."""
    return color.lstrip("#").upper()


def on_off(value: bool) -> str:
    """An explicit on/off value, so a style never inherits a template toggle."""
    return "1" if value else "0"


def twips(points: float) -> int:
    """Points -> twentieths of a point, the unit of Word spacing and indents."""
    return round(points * 20)


def half_points(points: float) -> int:
    """Points -> half-points, the unit of ``w:sz``."""
    return round(points * 2)
