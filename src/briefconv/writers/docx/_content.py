"""The article body in Word: blocks, lists, figures and pictures, runs and links.

Headings are ``Heading n``, paragraphs ``Body Text``, quotes ``Quote`` (attribution
``Quote Attribution``), lists ``List Bullet`` / ``List Number`` (nested lists at numbering
level ``w:ilvl`` = depth), inline code the character style ``Verbatim Char``; images are
inline pictures scaled into the text frame with their alt text as ``wp:docPr/@descr``.
Text is always text (never parsed as markup); only http, https and mailto links are live.
"""

from __future__ import annotations

import itertools
import logging
import re
import struct
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import assert_never, cast

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.image.exceptions import (
    InvalidImageStreamError,
    UnexpectedEndOfFileError,
    UnrecognizedImageError,
)
from docx.image.image import Image as DocxImage
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement
from docx.oxml.shape import CT_Inline
from docx.package import ImageParts
from docx.parts.document import DocumentPart
from docx.parts.image import ImagePart
from docx.shared import Emu, Length, Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from briefconv.model import (
    Block,
    BulletList,
    Figure,
    Heading,
    OrderedList,
    Paragraph,
    Quote,
    ThematicBreak,
)
from briefconv.wording import ATTRIBUTION_DASH, image_text
from briefconv.writers._links import safe_url
from briefconv.writers._runs import Run, flatten
from briefconv.writers.docx._numbering import MAX_LEVEL, Numbering
from briefconv.writers.docx._oxml import (
    R_ID,
    W_ASCII,
    W_B,
    W_BR,
    W_HANSI,
    W_HYPERLINK,
    W_I,
    W_ILVL,
    W_NUM_ID,
    W_NUM_PR,
    W_PPR,
    W_PSTYLE,
    W_R,
    W_RFONTS,
    W_RPR,
    W_RSTYLE,
    W_SECT_PR,
    W_T,
    W_TAB,
    W_VAL,
    XML_SPACE,
    Doc,
    Elem,
    ImageIndex,
    Lookups,
    Para,
    last_section,
    lookup_style_id,
    lookups,
    new_rid,
    p_element,
    relate,
)
from briefconv.writers.docx._styles import CODE_STYLE

__all__ = [
    "DEEPEST_HEADING",
    "add_picture",
    "add_runs",
    "add_styled_paragraph",
    "add_text_run",
    "put_text",
    "write_block",
]

_log = logging.getLogger("briefconv")

#: English Metric Units per inch; images are sized at 96 dpi, as browsers and pandoc do.
_EMU_PER_INCH = 914400
_IMAGE_DPI = 96


#: The deepest Word heading style a pack's headings go to (model level 6 under an article).
DEEPEST_HEADING = 7


def write_block(
    doc: Doc, block: Block, lists: Numbering, language: str, *, heading_offset: int = 0
) -> Elem | None:
    """Append one model block as one or more styled paragraphs; a heading's ``w:p``, else None.

    A heading of level n is ``Heading n+heading_offset`` (1 under an article's ``Heading
    1`` in a pack); its paragraph is returned so that the caller can bookmark it. Words
    the writer adds (an image's stand-in) are in ``language``, the article's.
    """
    part = doc.part
    match block:
        case Heading(level=level, children=children):
            p = _add_p(doc, f"Heading {min(level + heading_offset, DEEPEST_HEADING)}")
            _append_runs(p, part, flatten(children))
            return p
        case Paragraph(children=children):
            _append_runs(_add_p(doc, "Body Text"), part, flatten(children))
        case Quote(paragraphs=paragraphs, attribution=attribution):
            for quoted in paragraphs:
                _append_runs(_add_p(doc, "Quote"), part, flatten(quoted.children))
            if attribution:
                p = _add_p(doc, "Quote Attribution")
                add_text_run(p, ATTRIBUTION_DASH)
                _append_runs(p, part, flatten(attribution))
        case BulletList() | OrderedList():
            _write_list(doc, block, lists, 0)
        case ThematicBreak():
            _write_thematic_break(doc)
        case Figure():
            _write_figure(doc, block, language)
        case _:
            assert_never(block)
    return None


def _write_list(doc: Doc, block: BulletList | OrderedList, lists: Numbering, depth: int) -> None:
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
    level = str(min(depth, MAX_LEVEL))
    for index, item in enumerate(block.items):
        p = _add_p(doc, kind)
        # w:numPr follows w:pStyle, the new paragraph's only property: appended, in the
        # order python-docx's get_or_add_numPr/_ilvl/_numId would insert them.
        num_pr = etree.SubElement(p.pPr, W_NUM_PR)
        etree.SubElement(num_pr, W_ILVL, {W_VAL: level})
        etree.SubElement(num_pr, W_NUM_ID, {W_VAL: str(num_id)})
        _append_runs(p, doc.part, flatten(item))
        for sublist in under.get(index, ()):
            _write_list(doc, sublist, lists, depth + 1)
    if last < 0:  # no items: the sublists stand on their own
        for _, sublist in block.sublists:
            _write_list(doc, sublist, lists, depth)


def _write_thematic_break(doc: Doc) -> None:
    """A section break: three centred asterisks with a blank line's space around them."""
    paragraph = add_styled_paragraph(doc, "Body Text")
    paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    paragraph.paragraph_format.space_before = Pt(12)
    paragraph.paragraph_format.space_after = Pt(12)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run("*\u2003*\u2003*")


def _write_figure(doc: Doc, figure: Figure, language: str) -> None:
    """An image, centred and scaled to the text frame, with its alt text as ``descr``.

    A remote or refused image (no ``path``), or one that cannot be read, is shown as its
    alt text in italics instead; an unreadable one is also a warning.
    """
    if figure.path is None:
        _write_image_text(doc, figure.alt, language)
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
        _write_image_text(doc, figure.alt, language)
        return
    frame_width, frame_height = _text_frame(doc)
    width = image.px_width * _EMU_PER_INCH / _IMAGE_DPI
    height = image.px_height * _EMU_PER_INCH / _IMAGE_DPI
    scale = min(1.0, frame_width / width, frame_height / height)
    paragraph = add_styled_paragraph(doc, "Body Text")
    paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    r = add_text_run(p_element(paragraph), "")
    # python-docx has no API for alt text: it is set on the inline's XML below.
    inline = add_picture(
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


def add_picture(
    part: DocumentPart,
    r: Elem,
    image: DocxImage,
    *,
    width: Length | None = None,
    height: Length | None = None,
) -> Elem:
    """``run.add_picture(image, width, height)`` for the ``w:r`` of a body run; the ``wp:inline``.

    The same XML, image part and relationship as python-docx's, without its scans, which
    made a pack with a picture per article quadratic: ``StoryPart.next_id`` reads every
    ``id`` attribute of the document with XPath for each picture; ``ImageParts`` looks for
    an image of the same SHA-1 and for a free part number by walking all image parts; and
    ``relate_to`` scans all relationships (thousands of links in a pack). Every picture of
    a document goes through here, so the highest shape id is kept as a number.
    """
    looks = lookups(part)
    image_part = _image_part(looks, part.package.image_parts, image)
    name = str(image_part.partname)
    if looks.image_rids is None:
        looks.image_rids = {}
        for rid, rel in part.rels.items():  # the first match wins, as in relate_to
            if not rel.is_external and rel.reltype == RT.IMAGE:
                looks.image_rids.setdefault(str(rel.target_part.partname), rid)
    rid = looks.image_rids.get(name)
    if rid is None:
        rid = looks.image_rids[name] = relate(part, image_part, RT.IMAGE)
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


def _image_part(looks: Lookups, parts: ImageParts, image: DocxImage) -> ImagePart:
    """``ImageParts.get_or_add_image_part``: the part holding ``image``, added if new.

    An image already in the package (same SHA-1) is shared; a new one is named
    ``/word/media/image<N>.<ext>`` with the lowest number no image part uses.
    """
    index = looks.images
    if index is None or index.count != len(parts):  # first use, or parts added elsewhere
        index = looks.images = ImageIndex(parts)
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


def _text_frame(doc: Doc) -> tuple[int, int]:
    """Width and (a little less than) the height of the current section's text, in EMU.

    A template's section may leave out page size or margins: A4 and 1 inch then.
    """
    section = last_section(doc)
    inch = _EMU_PER_INCH
    width = (section.page_width or 7560310) - (section.left_margin or inch)
    width -= section.right_margin or inch
    height = (section.page_height or 10692130) - (section.top_margin or inch)
    height -= section.bottom_margin or inch
    # 90 % of the height: the paragraph's spacing must fit on the page too.
    return max(width, inch), max(height * 9 // 10, inch)


def _write_image_text(doc: Doc, alt: str, language: str) -> None:
    """Stand-in for an image that is not shown: "[Image: alt]" in italics, in ``language``."""
    paragraph = add_styled_paragraph(doc, "Body Text")
    paragraph.add_run(image_text(alt, language)).italic = True


def add_styled_paragraph(doc: Doc, style: str) -> Para:
    """Append an empty paragraph in the Word style named ``style``.

    python-docx resolves a style name with an XPath search of styles.xml on every call
    (about 1.5 ms), and finds the body's closing ``w:sectPr`` by scanning from the first
    paragraph on every insert: 20,000 paragraphs took 50 s and 100,000 took 580 s. Here the
    style ids are looked up once per document, and the paragraph goes in front of the
    ``w:sectPr``, which is the body's last child, without a scan.
    """
    return DocxParagraph(_add_p(doc, style), doc._body)


def _add_p(doc: Doc, style: str) -> Elem:
    """:func:`add_styled_paragraph` without the python-docx proxy: the new ``w:p``."""
    ids = lookups(doc.part).paragraph_ids
    if style in ids:
        style_id = ids[style]
    else:
        style_id = ids[style] = doc.styles[style].style_id
    body = doc.element.body
    p = OxmlElement("w:p")
    # len() of an lxml element counts its children (O(n)); the last child is found directly.
    last = next(body.iterchildren(reversed=True), None)
    if last is not None and last.tag == W_SECT_PR:
        last.addprevious(p)
    else:
        body.append(p)
    # What CT_P.style writes (w:pPr, w:pStyle), without its get-or-add searches: the
    # paragraph is new and empty. Sub-elements take python-docx's element classes from
    # the document's parser, so its methods (get_or_add_pPr ...) still work on them.
    ppr = etree.SubElement(p, W_PPR)
    if style_id is not None:
        etree.SubElement(ppr, W_PSTYLE, {W_VAL: style_id})
    return p


def _link_rid(part: DocumentPart, url: str) -> str:
    """The rId of an external hyperlink to ``url``, shared by every link to the same URL.

    ``part.relate_to(url, RT.HYPERLINK, is_external=True)`` does the same with a scan of
    every relationship per link.
    """
    looks = lookups(part)
    links = looks.links
    if links is None:
        links = looks.links = {}
        for rid, rel in part.rels.items():  # the first match wins, as in python-docx
            if rel.is_external and rel.reltype == RT.HYPERLINK:
                links.setdefault(rel.target_ref, rid)
    rid = links.get(url)
    if rid is None:
        rid = links[url] = new_rid(part)
        part.rels.add_relationship(RT.HYPERLINK, url, rid, is_external=True)
    return rid


def add_runs(paragraph: Para, runs: Iterable[Run]) -> None:
    """Append runs as text (never parsed as markup); linked runs go in ``w:hyperlink``."""
    _append_runs(paragraph._p, cast(DocumentPart, paragraph.part), runs)


def _append_runs(p: Elem, part: DocumentPart, runs: Iterable[Run]) -> None:
    """:func:`add_runs` on the ``w:p`` of a body paragraph of ``part``."""
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
                    code_id = lookup_style_id(part, CODE_STYLE, WD_STYLE_TYPE.CHARACTER)
                    _append_run(p, run, code_id, styled=True)
                else:
                    _append_run(p, run, None, styled=False)
            continue
        hyperlink = etree.SubElement(p, W_HYPERLINK, {R_ID: _link_rid(part, target)})
        link_id = lookup_style_id(part, "Hyperlink", WD_STYLE_TYPE.CHARACTER)
        for run in group:
            font = _code_font(part) if run.code else None
            _append_run(hyperlink, run, link_id, styled=True, font=font)


def _run_url(run: Run) -> str | None:
    """What runs are grouped by: consecutive runs with the same link share a w:hyperlink."""
    return run.url


def _code_font(part: DocumentPart) -> str | None:
    """The font of the ``Verbatim Char`` style (code inside a link takes it directly)."""
    fonts = lookups(part).fonts
    if CODE_STYLE not in fonts:
        fonts[CODE_STYLE] = part.styles[CODE_STYLE].font.name
    return fonts[CODE_STYLE]


def _append_run(
    parent: Elem, run: Run, style_id: str | None, *, styled: bool, font: str | None = None
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
    r = etree.SubElement(parent, W_R)
    if styled or run.bold or run.italic:
        rpr = etree.SubElement(r, W_RPR)
        if style_id is not None:
            etree.SubElement(rpr, W_RSTYLE, {W_VAL: style_id})
        if font is not None:
            etree.SubElement(rpr, W_RFONTS, {W_ASCII: font, W_HANSI: font})
        if run.bold:
            etree.SubElement(rpr, W_B)
        if run.italic:
            etree.SubElement(rpr, W_I)
    if run.line_break:
        etree.SubElement(r, W_BR)
    else:
        put_text(r, run.text)


def add_text_run(p: Elem, text: str) -> Elem:
    """``paragraph.add_run(text)`` on a ``w:p``: the new ``w:r``."""
    r = etree.SubElement(p, W_R)
    put_text(r, text)
    return r


def put_text(r: Elem, text: str) -> None:
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
            etree.SubElement(r, W_TAB)
        elif piece in ("\r", "\n"):
            etree.SubElement(r, W_BR)
        elif piece:
            _add_t(r, piece)


def _add_t(r: Elem, text: str) -> None:
    """Append a ``w:t`` holding ``text`` (no tabs or line ends) as ``CT_R.add_t`` does."""
    t: Elem = etree.SubElement(r, W_T)
    t.text = text
    if len(text.strip()) < len(text):  # python-docx's test, str.strip's white space
        t.set(XML_SPACE, "preserve")


_RUN_CONTROLS = re.compile(r"[\t\r\n]")
_RUN_CONTROLS_SPLIT = re.compile(r"([\t\r\n])")
