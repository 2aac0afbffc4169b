"""The DOCX writer on the Markdown-era nodes: code, line breaks, breaks, figures, nesting.

Checked through real readers: pandoc (what Word's structure means), python-docx (the XML
of pictures and numbering) and LibreOffice (the layout).
"""

from __future__ import annotations

import io
import logging
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.shared import Pt

import briefconv
from briefconv.model import (
    Article,
    ArticleMeta,
    Block,
    BulletList,
    Code,
    Figure,
    LineBreak,
    Link,
    OrderedList,
    PackMeta,
    Paragraph,
    Text,
    ThematicBreak,
)
from briefconv.pack import handout, make_pack
from briefconv.styles import Style
from briefconv.writers._measure import fit_measure
from briefconv.writers.docx import DocxWriter

from .conftest import CASES
from .readback import pandoc_blocks, pandoc_text
from .test_writer_docx import libreoffice_pdf, make_template

PandocAst = Callable[[Path, str], dict[str, Any]]
FULL = CASES / "md" / "full.md"
MAP_ALT = "Map of the Black Sea corridor"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EMU_PER_PX = 914400 // 96


def png(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def article(*blocks: Block) -> Article:
    return Article(ArticleMeta(title="Figures"), blocks, timestamp=1_700_000_000)


def write(art: Article, style: Style, path: Path) -> Path:
    path.write_bytes(DocxWriter().write_pack(handout(art), style))
    return path


@pytest.fixture(scope="module")
def full() -> Article:
    return briefconv.read_file(FULL)


@pytest.fixture(scope="module")
def full_docx(full: Article, style: Style) -> bytes:
    return DocxWriter().write_pack(handout(full), style)


@pytest.fixture(scope="module")
def full_ast(
    full_docx: bytes, tmp_path_factory: pytest.TempPathFactory, pandoc_ast: PandocAst
) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("md") / "full.docx"
    path.write_bytes(full_docx)
    return pandoc_ast(path, "docx")


def inlines(ast: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = pandoc_blocks(ast, kind)  # walks inlines too
    return found


def test_two_writes_are_byte_identical(full: Article, style: Style, full_docx: bytes) -> None:
    assert DocxWriter().write_pack(handout(full), style) == full_docx


def test_pandoc_reads_the_image_with_its_alt_text(full_ast: dict[str, Any]) -> None:
    (image,) = inlines(full_ast, "Image")
    _attr, alt, (target, _title) = image["c"]
    assert pandoc_text(alt) == MAP_ALT
    assert target.startswith("media/image") and target.endswith(".png")


def test_pandoc_reads_the_nested_list_inside_the_first_item(full_ast: dict[str, Any]) -> None:
    outer = pandoc_blocks(full_ast, "BulletList")[0]
    first, second, third = outer["c"]
    assert pandoc_text(first[0]) == "a 30-day trial window for escorted convoys"
    (nested,) = [b for b in first if b["t"] == "BulletList"]
    assert [pandoc_text(item) for item in nested["c"]] == ["from Odesa", "from Chornomorsk"]
    assert all(b["t"] != "BulletList" for b in (*second, *third))
    (ordered,) = pandoc_blocks(full_ast, "OrderedList")
    assert ordered["c"][0][0] == 3


def test_pandoc_reads_code_and_the_line_break(full_ast: dict[str, Any]) -> None:
    codes = [c["c"][1] for c in inlines(full_ast, "Code")]
    assert codes == ["3%"]
    (para,) = [p for p in pandoc_blocks(full_ast, "Para") if "Premiums" in pandoc_text(p["c"])]
    kinds = [node["t"] for node in para["c"]]
    assert "LineBreak" in kinds
    before = para["c"][: kinds.index("LineBreak")]
    assert pandoc_text(before).endswith("vessel's value,")


def test_pandoc_reads_the_quote_links_and_remote_image_text(full_ast: dict[str, Any]) -> None:
    (quote,) = pandoc_blocks(full_ast, "BlockQuote")
    text = pandoc_text(quote["c"])
    assert "ready to return the moment the risk becomes measurable" in text
    assert text.endswith("— A Lloyd's broker")
    targets = {link["c"][2][0] for link in inlines(full_ast, "Link")}
    assert {"https://www.un.org/", "https://example.org/wire/grain-talks"} <= targets
    assert "satellite view" in pandoc_text(full_ast["blocks"])


def test_the_thematic_break_is_a_short_centred_rule(full_docx: bytes, style: Style) -> None:
    # As the PDF and EPUB draw it: a quarter of the text width, centred, a body line's
    # space above and below (the empty paragraph is that line).
    doc = Document(io.BytesIO(full_docx))
    (rule,) = [p for p in doc.paragraphs if p._p.find(f"{W}pPr/{W}pBdr/{W}bottom") is not None]
    assert rule.text == ""
    border = rule._p.find(f"{W}pPr/{W}pBdr/{W}bottom")
    assert border.get(f"{W}sz") == "6" and border.get(f"{W}color") == "1A1A1A"
    fmt = rule.paragraph_format
    body = style.role("body")
    assert fmt.line_spacing == fmt.space_after  # whole twips
    assert abs(fmt.space_after - Pt(body.size * body.line_height)) < Pt(0.05)
    assert fmt.left_indent == fmt.right_indent
    section = doc.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    assert abs(width - fmt.left_indent - fmt.right_indent - width / 4) < Pt(0.1)


def test_inline_code_is_set_in_the_mono_family(full_docx: bytes, style: Style) -> None:
    doc = Document(io.BytesIO(full_docx))
    code = doc.styles["Verbatim Char"]
    assert code.font.name == style.fonts["mono"].name
    runs = [r for p in doc.paragraphs for r in p.runs if r.style.name == "Verbatim Char"]
    assert [r.text for r in runs] == ["3%"]


def test_picture_has_alt_text_deterministic_names_and_natural_size(full_docx: bytes) -> None:
    doc = Document(io.BytesIO(full_docx))
    (shape,) = doc.inline_shapes
    doc_pr = shape._inline.docPr
    assert doc_pr.get("descr") == MAP_ALT
    assert doc_pr.get("name") == f"Figure {doc_pr.get('id')}"
    (c_nv_pr,) = shape._inline.iter(f"{PIC}cNvPr")
    assert c_nv_pr.get("descr") == MAP_ALT
    # map.png is 240 x 120 px: shown at its natural size at 96 dpi, never enlarged.
    assert (shape.width, shape.height) == (240 * EMU_PER_PX, 120 * EMU_PER_PX)
    with zipfile.ZipFile(io.BytesIO(full_docx)) as zf:
        media = [n for n in zf.namelist() if n.startswith("word/media/")]
        assert media == ["word/media/image1.png"]
        assert zf.read(media[0]) == (FULL.parent / "map.png").read_bytes()
    paragraph = next(p for p in doc.paragraphs if p._p.xpath(".//wp:inline"))
    assert paragraph.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER


def test_large_images_are_scaled_into_the_text_frame(style: Style, tmp_path: Path) -> None:
    wide, tall = tmp_path / "wide.png", tmp_path / "tall.png"
    wide.write_bytes(png(4000, 1000))
    tall.write_bytes(png(300, 6000))
    art = article(Figure("wide.png", "wide", str(wide)), Figure("tall.png", "tall", str(tall)))
    doc = Document(io.BytesIO(DocxWriter().write_pack(handout(art), style)))
    section: Any = doc.sections[0]  # lengths are Optional in python-docx's types
    frame_w = section.page_width - section.left_margin - section.right_margin
    frame_h = section.page_height - section.top_margin - section.bottom_margin
    first, second = doc.inline_shapes
    assert abs(first.width - frame_w) <= 1
    assert abs(first.width / first.height - 4.0) < 0.001
    assert second.height <= frame_h and second.height > frame_h * 0.8
    assert abs(second.height / second.width - 20.0) < 0.01
    assert [s._inline.docPr.get("descr") for s in doc.inline_shapes] == ["wide", "tall"]
    ids = [s._inline.docPr.get("id") for s in doc.inline_shapes]
    assert len(set(ids)) == 2


def test_remote_and_broken_images_show_their_alt_text(
    style: Style, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    art = article(
        Figure("https://example.org/sat.png", "satellite view", None),
        Figure("broken.png", "a broken map", str(broken)),
        Figure("gone.png", "", str(tmp_path / "gone.png")),
    )
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        doc = Document(io.BytesIO(DocxWriter().write_pack(handout(art), style)))
    shown = [p for p in doc.paragraphs if p.text.startswith("[Image")]
    assert [p.text for p in shown] == [
        "[Image: satellite view]",
        "[Image: a broken map]",
        "[Image]",
    ]
    assert all(r.italic for p in shown for r in p.runs)
    assert not doc.inline_shapes
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 2 and "broken.png" in warned[0] and "gone.png" in warned[1]


def deep_list(depth: int) -> BulletList:
    """A list nested ``depth`` levels deep, each level with two items and an ordered list."""
    inner: BulletList | OrderedList = BulletList(((Text(f"level {depth}"),),))
    for level in range(depth - 1, -1, -1):
        ordered = OrderedList(((Text(f"step {level}"),),), start=5)
        inner = BulletList(
            ((Text(f"level {level}"),), (Text(f"after {level}"),)),
            sublists=((0, inner), (1, ordered)),
        )
    assert isinstance(inner, BulletList)
    return inner


def nesting(blocks: list[dict[str, Any]], depth: int = 0) -> int:
    """The deepest list nesting pandoc read."""
    deepest = depth
    for block in blocks:
        if block["t"] in ("BulletList", "OrderedList"):
            items = block["c"] if block["t"] == "BulletList" else block["c"][1]
            for item in items:
                deepest = max(deepest, nesting(item, depth + 1))
    return deepest


def test_deep_nesting_uses_word_levels_and_restarts(
    style: Style, tmp_path: Path, pandoc_ast: PandocAst
) -> None:
    data = DocxWriter().write_pack(handout(article(deep_list(8))), style)
    path = tmp_path / "deep.docx"
    path.write_bytes(data)
    doc = Document(io.BytesIO(data))
    levels = [int(v) for v in doc.element.body.xpath(".//w:numPr/w:ilvl/@w:val")]
    assert sorted(set(levels)) == list(range(9))
    ast = pandoc_ast(path, "docx")
    assert nesting(ast["blocks"]) == 9
    ordered = pandoc_blocks(ast, "OrderedList")
    assert len(ordered) == 8 and all(o["c"][0][0] == 5 for o in ordered)
    # Deeper levels are indented further, each by one list indent.
    numbering = doc.part.numbering_part.element
    lefts = {
        int(lvl.get(f"{W}ilvl")): int(lvl.find(f"{W}pPr/{W}ind").get(f"{W}left"))
        for lvl in numbering.iter(f"{W}lvl")
    }
    assert [lefts[i] for i in range(9)] == [lefts[0] * (i + 1) for i in range(9)]


def test_lists_deeper_than_word_allows_stay_at_level_8(
    style: Style, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    doc = Document(io.BytesIO(DocxWriter().write_pack(handout(article(deep_list(12))), style)))
    levels = [int(v) for v in doc.element.body.xpath(".//w:numPr/w:ilvl/@w:val")]
    assert max(levels) == 8
    assert "level 12" in [p.text for p in doc.paragraphs]


def test_code_in_a_link_and_breaks_in_links(
    style: Style, tmp_path: Path, pandoc_ast: PandocAst
) -> None:
    para = Paragraph(
        (
            Link("https://example.org/", (Text("see "), Code("x < y"), LineBreak(), Text("here"))),
            LineBreak(),
            Code("<b>"),
        )
    )
    path = write(article(para), style, tmp_path / "code.docx")
    doc = Document(str(path))
    mono = style.fonts["mono"].name
    fonts = [r.get(f"{W}ascii") for r in doc.element.body.iter(f"{W}rFonts")]
    assert fonts == [mono]  # the linked code run; the other takes the style
    ast = pandoc_ast(path, "docx")
    (para_ast,) = [p for p in pandoc_blocks(ast, "Para") if "here" in pandoc_text(p["c"])]
    kinds = [n["t"] for n in para_ast["c"]]
    assert kinds.count("LineBreak") == 1 and kinds[-1] == "Code"
    assert para_ast["c"][-1]["c"][1] == "<b>"
    (link,) = inlines(ast, "Link")
    assert [n["t"] for n in link["c"][1]].count("LineBreak") == 1


def test_pack_renders_the_new_nodes(
    full: Article, style: Style, tmp_path: Path, pandoc_ast: PandocAst
) -> None:
    other = article(ThematicBreak(), Paragraph((Code("tail"),)))
    pack = make_pack([full, other], PackMeta(title="Two"))
    data = DocxWriter().write_pack(pack, style)
    assert data == DocxWriter().write_pack(pack, style)
    path = tmp_path / "pack.docx"
    path.write_bytes(data)
    ast = pandoc_ast(path, "docx")
    (image,) = inlines(ast, "Image")
    assert pandoc_text(image["c"][1]) == MAP_ALT
    assert [c["c"][1] for c in inlines(ast, "Code")] == ["3%", "tail"]
    first = pandoc_blocks(ast, "BulletList")[0]["c"][0]
    assert [b["t"] for b in first][-1] == "BulletList"


def test_template_without_list_levels_still_nests(
    full: Article, style: Style, tmp_path: Path, pandoc_ast: PandocAst
) -> None:
    template = make_template(tmp_path / "house.docx")
    with_template = style.with_options("docx", template=str(template))
    path = write(full, with_template, tmp_path / "templated.docx")
    ast = pandoc_ast(path, "docx")
    first = pandoc_blocks(ast, "BulletList")[0]["c"][0]
    assert [b["t"] for b in first][-1] == "BulletList"
    assert [c["c"][1] for c in inlines(ast, "Code")] == ["3%"]
    (image,) = inlines(ast, "Image")
    assert pandoc_text(image["c"][1]) == MAP_ALT


@pytest.mark.slow
def test_libreoffice_lays_it_out(full_docx: bytes, tmp_path: Path) -> None:
    path = tmp_path / "full.docx"
    path.write_bytes(full_docx)
    reader = libreoffice_pdf(path, tmp_path)
    page = reader.pages[0]
    text = page.extract_text()
    for expected in ("from Odesa", "3%", "several times the level", "satellite view"):
        assert expected in text
    images = list(page.images)
    assert len(images) == 1


@pytest.mark.slow
def test_libreoffice_keeps_a_full_width_image_inside_the_margins(
    style: Style, tmp_path: Path
) -> None:
    wide = tmp_path / "wide.png"
    wide.write_bytes(png(3000, 800))
    path = write(article(Figure("wide.png", "wide", str(wide))), style, tmp_path / "wide.docx")
    page = libreoffice_pdf(path, tmp_path).pages[0]
    content = page.get_contents().get_data().decode("latin-1")
    # LibreOffice draws the picture with one "w 0 0 h x y cm" matrix.
    (match,) = re.findall(r"([\d.]+) 0 0 ([\d.]+) ([\d.]+) ([\d.]+) cm", content)
    width, _height, x, _y = map(float, match)
    fitted = fit_measure(style).page  # the margins widened to the style's measure
    left, right = fitted.margin_left, float(page.mediabox.width) - fitted.margin_right
    assert x >= left - 0.5 and x + width <= right + 0.5
    assert width > (right - left) - 1
