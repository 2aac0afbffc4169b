"""The article body in Word: blocks, lists, tables, footnotes, figures, runs and links.

Headings are ``Heading n``, paragraphs ``Body Text``, quotes ``Quote`` (attribution
``Quote Attribution``), lists ``List Bullet`` / ``List Number`` (nested lists at numbering
level ``w:ilvl`` = depth; a task list's items start with a ballot box, ☒ done or ☐ open),
code blocks one ``Source Code`` paragraph each (lines joined by ``w:br``, tabs as
``w:tab``, every space kept), tables real Word tables (see :mod:`._tables`), footnotes
real Word footnotes (see :mod:`._notes`) whose blocks are written here like the body's,
inline code the character style ``Verbatim Char``, struck text ``w:strike``; images are
inline pictures scaled into the text frame with their alt text as ``wp:docPr/@descr``.
Text is always text (never parsed as markup); only http, https and mailto links are live.

Where blocks go is a :class:`Story`: the body, or one footnote.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import struct
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, assert_never, cast

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.image.exceptions import (
    InvalidImageStreamError,
    UnexpectedEndOfFileError,
    UnrecognizedImageError,
)
from docx.image.image import Image as DocxImage
from docx.image.jpeg import Jpeg
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.package import ImageParts
from docx.parts.document import DocumentPart
from docx.parts.image import ImagePart
from docx.parts.story import StoryPart
from docx.shared import Emu, Length, Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from briefconv.model import (
    Block,
    BulletList,
    CodeBlock,
    Figure,
    Heading,
    Note,
    OrderedList,
    Paragraph,
    Quote,
    Table,
    ThematicBreak,
)
from briefconv.styles import Style
from briefconv.wording import ATTRIBUTION_DASH, image_text, one_line
from briefconv.writers._blocks import (
    BREAK_THICKNESS,
    BREAK_WIDTH,
    FIGURE_SPACE_AFTER,
    FIGURE_SPACE_BEFORE,
    break_space,
    quote_box,
)
from briefconv.writers._links import safe_url
from briefconv.writers._runs import Run, emphasised, flatten
from briefconv.writers.docx._notes import FOOTNOTE_REFERENCE, Footnotes
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
    W_P,
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
    el,
    hex_color,
    insert_ordered,
    last_section,
    lookup_style_id,
    lookups,
    new_rid,
    p_element,
    relate,
    twips,
)
from briefconv.writers.docx._styles import (
    CAPTION_STYLE,
    CODE_BLOCK_STYLE,
    CODE_STYLE,
    FOOTNOTE_TEXT,
)
from briefconv.writers.docx._tables import (
    TABLE_CONTENTS,
    TABLE_HEADING,
    cell_alignment,
    new_cell,
    new_row,
    new_table,
)

__all__ = [
    "DEEPEST_HEADING",
    "Story",
    "add_picture",
    "add_runs",
    "add_styled_paragraph",
    "add_text_run",
    "append_to_body",
    "put_text",
    "write_block",
]

_log = logging.getLogger("briefconv")

#: English Metric Units per inch; images are sized at 96 dpi, as browsers and pandoc do.
_EMU_PER_INCH = 914400
_IMAGE_DPI = 96


#: The deepest Word heading style a pack's headings go to (model level 6 under an article).
DEEPEST_HEADING = 7

#: Code blocks of up to this many lines are kept on one page; a longer one may break, as
#: keeping it whole would leave most of a page empty above it.
_KEEP_CODE_LINES = 12

#: A task list item's mark: a ballot box with an X (done) or an empty one (open), so the
#: state shows in print. The space after it keeps pandoc reading the mark as a word.
_BALLOT = {True: "\u2612 ", False: "\u2610 "}

_CODE_SPLIT = re.compile(r"(\r\n|\r|\n|\t)")
_EMU_PER_POINT = 12700
_W_FOOTNOTE_REF = qn("w:footnoteRef")
_W_FOOTNOTE_REFERENCE = qn("w:footnoteReference")
_W_ID = qn("w:id")
_W_STRIKE = qn("w:strike")


@dataclass(slots=True)
class Story:
    """Where blocks are written (the body, or one footnote), and what they all share.

    ``parent`` is the element new paragraphs go into: ``None`` for the body (they go before
    its final ``w:sectPr``), else a ``w:footnote``. ``links`` is the part whose
    relationships hold link targets: the document's (``None``) or the footnotes part.
    Inside a note (``in_note``) paragraphs and list items take ``Footnote Text``.
    ``language`` is the article's (words the writer adds, such as an image's stand-in).
    ``boxes`` (role name -> font for the task list boxes) is shared by every story of a
    document, as are the lists and notes.
    """

    doc: Doc
    style: Style
    lists: Numbering
    notes: Footnotes
    language: str = "en"
    parent: Elem | None = None
    links: Any = None  # a python-docx Part (untyped there)
    in_note: bool = False
    boxes: dict[str, str | None] = field(default_factory=dict)

    def paragraph(self, style: str) -> Elem:
        """Append an empty ``w:p`` in the Word style named ``style``."""
        if self.parent is None:
            return _add_p(self.doc, style)
        p = etree.SubElement(self.parent, W_P)
        _set_style(self.doc, p, style)
        return p

    def append(self, element: Elem) -> None:
        """Append a block-level element (a ``w:tbl``) where paragraphs go."""
        if self.parent is None:
            append_to_body(self.doc, element)
        else:
            self.parent.append(element)

    def runs(self, p: Elem, runs: Iterable[Run]) -> None:
        """Append runs to ``p``; a note's mark writes the note, as a footnote of this story.

        Emphasis is set as the style says (bold in a style without italics).
        """
        runs = emphasised(runs, self.style.emphasis)
        _append_runs(p, self.doc.part, runs, links=self.links, note=self._footnote)

    def _footnote(self, note: Note) -> int:
        return _write_note(self, note)


def write_block(story: Story, block: Block, *, heading_offset: int = 0) -> Elem | None:
    """Append one model block where ``story`` writes; a heading's ``w:p``, else None.

    A heading of level n is ``Heading n+heading_offset`` (1 under an article's ``Heading
    1`` in a pack); its paragraph is returned so that the caller can bookmark it.
    """
    match block:
        case Heading(level=level, children=children):
            p = story.paragraph(f"Heading {min(level + heading_offset, DEEPEST_HEADING)}")
            story.runs(p, flatten(children))
            return p
        case Paragraph(children=children):
            p = story.paragraph(FOOTNOTE_TEXT if story.in_note else "Body Text")
            story.runs(p, flatten(children))
        case Quote(paragraphs=paragraphs, attribution=attribution):
            box: list[Elem] = []
            for quoted in paragraphs:
                box.append(story.paragraph("Quote"))
                story.runs(box[-1], flatten(quoted.children))
            if attribution:
                box.append(story.paragraph("Quote Attribution"))
                add_text_run(box[-1], ATTRIBUTION_DASH)
                story.runs(box[-1], flatten(attribution))
            _space_box(story, box)
        case BulletList() | OrderedList():
            _write_list(story, block, 0)
        case CodeBlock(text=text):
            _write_code(story, text)
        case Table():
            _write_table(story, block)
        case ThematicBreak():
            _write_thematic_break(story.doc, story.style)
        case Figure():
            _write_figure(story.doc, block, story.language, story.style.emphasis)
        case _:
            assert_never(block)
    return None


def _space_box(story: Story, box: list[Elem]) -> None:
    """The space above and below a quote box, on its first and last paragraph.

    Inside the box paragraphs are only the quote gap apart (the styles say so); the box's
    own space is the same with or without an attribution, as in the PDF and EPUB.
    """
    if not box:
        return
    look = quote_box(story.style)
    first = box[0].get_or_add_pPr()
    insert_ordered(first, el("w:spacing", before=str(twips(look.space_before))))
    last = box[-1].get_or_add_pPr()
    spacing = last.find(qn("w:spacing"))
    if spacing is None:
        spacing = el("w:spacing")
        insert_ordered(last, spacing)
    spacing.set(qn("w:after"), str(twips(look.space_after)))


def _write_list(story: Story, block: BulletList | OrderedList, depth: int) -> None:
    """One paragraph per item, each pointing at the list's own numbering instance.

    Nested lists follow their item at ``w:ilvl`` = ``depth`` + 1 (Word's deepest level is
    8), each with a numbering instance of its own, so it restarts and pandoc reads it as a
    list inside the item. A sublist whose item index is out of range follows the last item.
    In a footnote the items are ``Footnote Text`` paragraphs with the list's numbering, so
    they are set as small as the note. A task list item starts with its ballot box.
    """
    match block:
        case BulletList():
            kind, start = "List Bullet", None
        case OrderedList(start=start):
            kind = "List Number"
        case _:
            assert_never(block)
    num_id = story.lists.new_list(kind, start, depth)
    last = len(block.items) - 1
    under: dict[int, list[BulletList | OrderedList]] = {}
    for index, sublist in block.sublists:
        under.setdefault(min(max(index, 0), last), []).append(sublist)
    level = str(min(depth, MAX_LEVEL))
    style = FOOTNOTE_TEXT if story.in_note else kind
    checks = block.checks
    for index, item in enumerate(block.items):
        p = story.paragraph(style)
        # w:numPr follows w:pStyle, the new paragraph's only property: appended, in the
        # order python-docx's get_or_add_numPr/_ilvl/_numId would insert them.
        num_pr = etree.SubElement(p.pPr, W_NUM_PR)
        etree.SubElement(num_pr, W_ILVL, {W_VAL: level})
        etree.SubElement(num_pr, W_NUM_ID, {W_VAL: str(num_id)})
        done = checks[index] if checks else None
        if done is not None:
            _append_ballot(story, p, done)
        story.runs(p, flatten(item))
        for sublist in under.get(index, ()):
            _write_list(story, sublist, depth + 1)
    if last < 0:  # no items: the sublists stand on their own
        for _, sublist in block.sublists:
            _write_list(story, sublist, depth)


def _append_ballot(story: Story, p: Elem, done: bool) -> None:
    """A task's ballot box (☒ done, ☐ open) at the start of its item, in a face that has it.

    DejaVu Serif, the default body face, has neither box: the run then names the first
    family of the style that has both (DejaVu Sans), where Word and LibreOffice would
    otherwise each pick a fallback of their own.
    """
    role = "footnote" if story.in_note else "list"
    if role not in story.boxes:
        story.boxes[role] = _ballot_font(story.style, role)
    r = etree.SubElement(p, W_R)
    font = story.boxes[role]
    if font is not None:
        rpr = etree.SubElement(r, W_RPR)
        rpr.append(el("w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font))
    _add_t(r, _BALLOT[done], preserve=True)


def _ballot_font(style: Style, role_name: str) -> str | None:
    """The family to set ballot boxes in: None if the role's own family has them.

    Else the first family of the style that has both (a warning if none has: each
    reader's fallback font shows them then).
    """
    # Imported here: only task lists check glyphs, and reportlab is slow to load.
    from briefconv.fonts.metrics import FontSet

    fonts = FontSet(style)
    role = style.role(role_name)
    for key in dict.fromkeys((role.font, *style.fonts)):
        face = fonts.face(replace(role, font=key))
        if all(face.has_glyph(box.strip()) for box in _BALLOT.values()):
            return None if key == role.font else style.fonts[key].name
    _log.warning(
        "docx: no font of the style has the task list boxes \u2610 and \u2612; "
        "Word and LibreOffice show them in a fallback font"
    )
    return None


def _write_code(story: Story, text: str) -> None:
    """A code block: one ``Source Code`` paragraph, every character as written.

    Lines are joined by ``w:br`` and tabs are ``w:tab`` (the style has stops every 8
    columns); all text is in ``w:t`` with ``xml:space="preserve"``, so no space is lost.
    pandoc reads the paragraph back as one code block with exactly this text.
    """
    p = story.paragraph(CODE_BLOCK_STYLE)
    if text.count("\n") < _KEEP_CODE_LINES:
        insert_ordered(p.pPr, el("w:keepLines"))
    r = etree.SubElement(p, W_R)
    for piece in _CODE_SPLIT.split(text):
        if piece == "\t":
            etree.SubElement(r, W_TAB)
        elif piece in ("\n", "\r", "\r\n"):
            etree.SubElement(r, W_BR)
        elif piece:
            _add_t(r, piece, preserve=True)


def _write_table(story: Story, table: Table) -> None:
    """A Word table as wide as the text, then the paragraph Word needs after a table.

    Header cells are ``Table Heading`` paragraphs, body cells ``Table Contents``, each
    aligned as its column says; their inline content (bold, links, code, notes) is
    written as in any paragraph. An empty paragraph follows, a body paragraph's space
    high: two tables in a row would otherwise merge into one, and a pack's section break
    (which goes in a paragraph) would otherwise land before a table that ends an article.
    """
    doc = story.doc
    width = _text_frame(doc)[0] / _EMU_PER_POINT
    tbl, widths = new_table(doc, table, story.style, width)
    story.append(tbl)
    aligns = [cell_alignment(a) for a in table.align]
    for number, row in enumerate((table.header, *table.rows)):
        header = number == 0
        tr = new_row(tbl, header=header)
        for cell, cell_width, align in zip(row, widths, aligns, strict=True):
            tc = new_cell(tr, cell_width)
            p = etree.SubElement(tc, W_P)
            _set_style(doc, p, TABLE_HEADING if header else TABLE_CONTENTS)
            if align is not None:
                insert_ordered(p.pPr, el("w:jc", val=align))
            story.runs(p, flatten(cell))
    after = story.paragraph(FOOTNOTE_TEXT if story.in_note else "Body Text")
    space = twips(max(story.style.role("body").space_after, 1.0))
    insert_ordered(
        after.pPr, el("w:spacing", before="0", after="0", line=str(space), lineRule="exact")
    )


def _write_note(story: Story, note: Note) -> int:
    """Write ``note`` as a Word footnote; its id, for the reference mark in the text.

    Its blocks are written as the body's are, in ``Footnote Text``; the note's own mark
    (``w:footnoteRef``, which Word numbers) starts its first paragraph. A note that starts
    with code gets a paragraph of its own for the mark, so the code keeps its exact text.
    """
    note_id, footnote = story.notes.add()
    inner = replace(story, parent=footnote, links=story.notes.part, in_note=True)
    if not note.blocks or isinstance(note.blocks[0], CodeBlock):
        inner.paragraph(FOOTNOTE_TEXT)
    for block in note.blocks:
        write_block(inner, block)
    first = footnote.find(W_P)
    if first is None:  # the note's blocks made no paragraph (an empty list)
        first = inner.paragraph(FOOTNOTE_TEXT)
    mark = etree.Element(W_R)
    rpr = etree.SubElement(mark, W_RPR)
    ref_id = lookup_style_id(story.doc.part, FOOTNOTE_REFERENCE, WD_STYLE_TYPE.CHARACTER)
    if ref_id is not None:
        etree.SubElement(rpr, W_RSTYLE, {W_VAL: ref_id})
    etree.SubElement(mark, _W_FOOTNOTE_REF)
    space = etree.Element(W_R)
    _add_t(space, " ", preserve=True)
    ppr = first.find(W_PPR)
    if ppr is not None:
        ppr.addnext(mark)
    else:
        first.insert(0, mark)
    mark.addnext(space)
    return note_id


def _write_thematic_break(doc: Doc, style: Style) -> None:
    """A section break: a short centred rule with a line's space above and below it.

    As the PDF and EPUB draw it (:mod:`briefconv.writers._blocks`): an empty paragraph one
    body line high with a bottom border, indented on both sides to a quarter of the text
    width, then a body line's space.
    """
    body = style.role("body")
    space = break_space(style)
    width = _text_frame(doc)[0] / _EMU_PER_INCH * 72  # points
    side = twips(width * (1 - BREAK_WIDTH) / 2)
    p = _add_p(doc, "Body Text")
    ppr = p.get_or_add_pPr()
    insert_ordered(ppr, el("w:keepNext"))
    border = el("w:pBdr")
    sz = str(round(BREAK_THICKNESS * 8))  # eighths of a point
    border.append(el("w:bottom", val="single", sz=sz, space="0", color=hex_color(body.color)))
    insert_ordered(ppr, border)
    line = str(twips(space))
    insert_ordered(ppr, el("w:spacing", before="0", after=line, line=line, lineRule="exact"))
    insert_ordered(ppr, el("w:ind", left=str(side), right=str(side)))


def _docx_image(data: bytes) -> DocxImage:
    """python-docx's image for ``data``, JPEGs it cannot parse included.

    python-docx recognises a JPEG only by a JFIF or Exif segment at byte 6; a CMYK JPEG
    (an Adobe segment first) or one with no application segment is as valid to Word. The
    reader has checked the file (:mod:`briefconv.images`); only its size is needed here.
    """
    try:
        return DocxImage.from_blob(data)
    except UnrecognizedImageError:
        if not data.startswith(b"\xff\xd8\xff"):
            raise
    from PIL import Image as PilImage

    with PilImage.open(io.BytesIO(data), formats=("JPEG",)) as image:
        width, height = image.size
        dpi = image.info.get("dpi", (72, 72))
    return DocxImage(data, "image.jpg", Jpeg(width, height, int(dpi[0]) or 72, int(dpi[1]) or 72))


def _write_figure(doc: Doc, figure: Figure, language: str, emphasis: str = "italic") -> None:
    """An image, centred and scaled to the text frame, with its alt text as ``descr``.

    A remote or refused image (no ``path``), or one that cannot be read, is shown as its
    alt text, emphasised as the style's ``emphasis`` says, instead; an unreadable one is
    also a warning.
    """
    if figure.path is None:
        _write_image_text(doc, figure.alt, language, emphasis)
        return
    try:
        data = Path(figure.path).read_bytes()
        image = _docx_image(data)
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
        _write_image_text(doc, figure.alt, language, emphasis)
        return
    frame_width, frame_height = _text_frame(doc)
    width = image.px_width * _EMU_PER_INCH / _IMAGE_DPI
    height = image.px_height * _EMU_PER_INCH / _IMAGE_DPI
    scale = min(1.0, frame_width / width, frame_height / height)
    paragraph = add_styled_paragraph(doc, "Body Text")
    paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    # The figure's space, as in the PDF and EPUB; its caption stays with it.
    paragraph.paragraph_format.space_before = Pt(FIGURE_SPACE_BEFORE)
    caption = one_line(figure.alt)
    paragraph.paragraph_format.space_after = Pt(0 if caption else FIGURE_SPACE_AFTER)
    paragraph.paragraph_format.keep_with_next = bool(caption)
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
    if caption:
        # The alt text is also the visible caption, in Word's own Caption style, as the
        # PDF and EPUB show it (a decorative image, with no alt text, has none).
        add_text_run(_add_p(doc, CAPTION_STYLE), caption)


def add_picture(
    part: StoryPart,
    r: Elem,
    image: DocxImage,
    *,
    width: Length | None = None,
    height: Length | None = None,
) -> Elem:
    """``run.add_picture(image, width, height)`` for the ``w:r`` of a run of ``part``'s story.

    ``part`` is the main document part, or a header's (the cover's logo); returns the
    ``wp:inline``.

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


def _write_image_text(doc: Doc, alt: str, language: str, emphasis: str) -> None:
    """Stand-in for an image that is not shown: "[Image: alt]" emphasised, in ``language``."""
    paragraph = add_styled_paragraph(doc, "Body Text")
    run = paragraph.add_run(image_text(alt, language))
    if emphasis == "bold":
        run.bold = True
    else:
        run.italic = True


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
    p = OxmlElement("w:p")
    append_to_body(doc, p)
    _set_style(doc, p, style)
    return p


def append_to_body(doc: Doc, element: Elem) -> None:
    """Append a paragraph or table to the body, before its closing ``w:sectPr``."""
    body = doc.element.body
    # len() of an lxml element counts its children (O(n)); the last child is found directly.
    last = next(body.iterchildren(reversed=True), None)
    if last is not None and last.tag == W_SECT_PR:
        last.addprevious(element)
    else:
        body.append(element)


def _set_style(doc: Doc, p: Elem, style: str) -> None:
    """Give a new, empty ``w:p`` its ``w:pPr`` with the id of the Word style ``style``.

    What CT_P.style writes (w:pPr, w:pStyle), without its get-or-add searches: the
    paragraph is new and empty. Sub-elements take python-docx's element classes from
    the document's parser, so its methods (get_or_add_pPr ...) still work on them.
    """
    style_id = lookups(doc.part).styles.paragraph_id(doc.part, style)
    ppr = etree.SubElement(p, W_PPR)
    if style_id is not None:
        etree.SubElement(ppr, W_PSTYLE, {W_VAL: style_id})


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
    """Append runs as text (never parsed as markup); linked runs go in ``w:hyperlink``.

    For the text around the article (bylines), which has no footnotes: a note's mark here
    would have no note to point to and is left out. The article's blocks go through a
    :class:`Story`, which writes their notes.
    """
    _append_runs(paragraph._p, cast(DocumentPart, paragraph.part), runs)


def _append_runs(
    p: Elem,
    part: DocumentPart,
    runs: Iterable[Run],
    *,
    links: Any = None,
    note: Callable[[Note], int] | None = None,
) -> None:
    """:func:`add_runs` on a ``w:p`` of the document whose main part is ``part``.

    ``links`` is the part whose relationships hold link targets (default: ``part``);
    ``note`` writes a footnote and returns its id, for a note's reference mark.
    """
    rels = part if links is None else links
    for url, group in itertools.groupby(runs, key=_run_url):
        target = safe_url(url) if url is not None else None
        if url is not None and target is None:
            _log.warning(
                "docx: link %r rendered as plain text (only http, https and mailto links)",
                url[:80],
            )
        if target is None:
            for run in group:
                if run.note is not None:
                    if note is not None:
                        _append_note_reference(p, part, note(run.note))
                elif run.code:
                    code_id = lookup_style_id(part, CODE_STYLE, WD_STYLE_TYPE.CHARACTER)
                    _append_run(p, run, code_id, styled=True)
                else:
                    _append_run(p, run, None, styled=False)
            continue
        hyperlink = etree.SubElement(p, W_HYPERLINK, {R_ID: _link_rid(rels, target)})
        link_id = lookup_style_id(part, "Hyperlink", WD_STYLE_TYPE.CHARACTER)
        for run in group:
            font = _code_font(part) if run.code else None
            _append_run(hyperlink, run, link_id, styled=True, font=font)


def _append_note_reference(p: Elem, part: DocumentPart, note_id: int) -> None:
    """The reference mark of footnote ``note_id``: a run in ``Footnote Reference``."""
    r = etree.SubElement(p, W_R)
    rpr = etree.SubElement(r, W_RPR)
    style_id = lookup_style_id(part, FOOTNOTE_REFERENCE, WD_STYLE_TYPE.CHARACTER)
    if style_id is not None:
        etree.SubElement(rpr, W_RSTYLE, {W_VAL: style_id})
    etree.SubElement(r, _W_FOOTNOTE_REFERENCE, {_W_ID: str(note_id)})


def _run_url(run: Run) -> str | None:
    """What runs are grouped by: consecutive runs with the same link share a w:hyperlink."""
    return run.url


def _code_font(part: DocumentPart) -> str | None:
    """The font of the ``Verbatim Char`` style (code inside a link takes it directly)."""
    return lookups(part).styles.font(part, CODE_STYLE)


def _append_run(
    parent: Elem, run: Run, style_id: str | None, *, styled: bool, font: str | None = None
) -> None:
    """Append one ``w:r`` with ``run``'s text, or a line break, and its look.

    Bold/italic/strike are direct formatting (pandoc and screen readers read them as
    strong, emphasis and deleted text); code takes the ``Verbatim Char`` style, or inside
    a link (which has the ``Hyperlink`` style, ``style_id``) the same monospaced font
    directly (``font``). ``styled`` says python-docx would have set a character style
    (the run gets a ``w:rPr`` even if the id is None, the default style's).

    Built with lxml rather than python-docx's ``Run`` (whose ``text``, ``style``, ``bold``
    setters search the run and styles.xml each time) to the same XML: children in schema
    order (``rStyle``, ``rFonts``, ``b``, ``i``, ``strike``), then the content.
    """
    r = etree.SubElement(parent, W_R)
    if styled or run.bold or run.italic or run.strike:
        rpr = etree.SubElement(r, W_RPR)
        if style_id is not None:
            etree.SubElement(rpr, W_RSTYLE, {W_VAL: style_id})
        if font is not None:
            etree.SubElement(rpr, W_RFONTS, {W_ASCII: font, W_HANSI: font})
        if run.bold:
            etree.SubElement(rpr, W_B)
        if run.italic:
            etree.SubElement(rpr, W_I)
        if run.strike:
            etree.SubElement(rpr, _W_STRIKE)
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


def _add_t(r: Elem, text: str, *, preserve: bool = False) -> None:
    """Append a ``w:t`` holding ``text`` (no tabs or line ends) as ``CT_R.add_t`` does.

    With ``preserve`` the ``w:t`` always says ``xml:space="preserve"`` (code: every space
    counts), else only where python-docx would say it.
    """
    t: Elem = etree.SubElement(r, W_T)
    t.text = text
    if preserve or len(text.strip()) < len(text):  # python-docx's test, str.strip's spaces
        t.set(XML_SPACE, "preserve")


_RUN_CONTROLS = re.compile(r"[\t\r\n]")
_RUN_CONTROLS_SPLIT = re.compile(r"([\t\r\n])")
