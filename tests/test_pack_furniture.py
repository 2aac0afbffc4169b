"""Issue 16: the pack cover's design and the markings' places, measured in every format.

The PDF is read back with poppler's ``pdftotext -bbox-layout`` (each line's glyph box:
the font's ascent to its descent) and pypdf (each piece's baseline and size); the DOCX
from its XML; the EPUB's cover image from its SVG. The numbers are the visual review's:

- markings once at the top edge and once at the bottom of every page, the cover too (no
  boxed duplicate), their glyphs at least 10 mm from the paper's edges and 8 pt from any
  running head or footer, 10 pt bold, never in an accent colour;
- the cover: an identity band, the title's baseline between 28 % and 40 % of the page
  height, a details table (labels in small caps, values at 10.5 pt or more), the
  articles and their reading times in the lower third, "about N minutes' reading";
- no running head on the contents page and on articles' first pages; no "Page 1 of 1".
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from lxml import etree

import briefconv
from briefconv.model import Article, ArticleMeta, Pack, PackMeta, Paragraph, Text
from briefconv.pack import handout, make_pack
from briefconv.styles import Style, load_style
from briefconv.wording import cover_text

from . import readback
from .conftest import ROOT

MANIFEST = ROOT / "source" / "pack.toml"
MM = 72 / 25.4
#: How far a measured box may be off: pdftotext prints boxes to the micro-point.
EPSILON = 0.01
#: DejaVu's ascent and descent, the parts of a pdftotext box above and below the baseline.
ASCENT, DESCENT = 0.76, 0.24
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SVG = "{http://www.w3.org/2000/svg}"
STYLES = ["default", "newsroom", "official", "large-print"]


@dataclass(frozen=True)
class Line:
    """One line of text on a page, as pdftotext boxes it (points from the top edge)."""

    text: str
    top: float
    bottom: float
    left: float

    @property
    def baseline(self) -> float:
        """The baseline, from the top edge: the box is the face's ascent over its descent."""
        return self.top + (self.bottom - self.top) * ASCENT / (ASCENT + DESCENT)


@dataclass(frozen=True)
class Page:
    """A page's size, its lines top to bottom (left to right on one height), its words."""

    height: float
    lines: list[Line]
    words: list[Line]

    def markings(self, marking: str = "OFFICIAL") -> list[Line]:
        """The lines that are the marking and nothing else."""
        return [line for line in self.lines if line.text == marking]


def _bbox_pages(data: bytes, folder: Path) -> list[Page]:
    """Every page's lines, from ``pdftotext -bbox-layout``."""
    if shutil.which("pdftotext") is None:
        pytest.fail("needs poppler's pdftotext: apt-get install poppler-utils")
    path = folder / "pack.pdf"
    path.write_bytes(data)
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True))
    pages = []
    for page in root.iter("{*}page"):
        lines = [
            Line(
                " ".join(w.text or "" for w in line.iter("{*}word")),
                float(line.get("yMin")),
                float(line.get("yMax")),
                float(line.get("xMin")),
            )
            for line in page.iter("{*}line")
        ]
        words = [
            Line(w.text or "", float(w.get("yMin")), float(w.get("yMax")), float(w.get("xMin")))
            for w in page.iter("{*}word")
        ]
        lines.sort(key=lambda x: (round(x.top, 1), x.left))
        pages.append(Page(float(page.get("height")), lines, words))
    return pages


@pytest.fixture(scope="module")
def pack() -> Pack:
    return briefconv.load_manifest(MANIFEST).to_pack()


@pytest.fixture(scope="module")
def pdfs(pack: Pack) -> dict[str, bytes]:
    return {name: briefconv.render_pack(pack, "pdf", load_style(name)) for name in STYLES}


@pytest.fixture(scope="module")
def bbox(pdfs: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("bbox")
    return {name: _bbox_pages(data, folder) for name, data in pdfs.items()}


# --- PDF: markings ----------------------------------------------------------------------


@pytest.mark.parametrize("name", STYLES)
def test_pdf_marking_once_at_each_edge_of_every_page(name: str, bbox: dict[str, Any]) -> None:
    pages: list[Page] = bbox[name]
    assert len(pages) >= 5
    for number, page in enumerate(pages, start=1):
        marks = page.markings()
        top = [m for m in marks if m.bottom < page.height * 0.1]
        bottom = [m for m in marks if m.top > page.height * 0.9]
        assert len(top) == len(bottom) == 1, (name, number, marks)
        # Nothing else of the marking: on the cover it is also the Classification detail,
        # in the middle of the page; the boxed duplicate at the foot is gone.
        edges = (top[0].top, bottom[0].top)
        middle = [w for w in page.words if w.text == "OFFICIAL" and w.top not in edges]
        assert len(middle) == (1 if number == 1 else 0), (name, number, middle)
        if middle:
            assert page.height * 0.3 < middle[0].top < page.height * 0.7
        # They are the first and the last line of the page.
        assert page.lines[0] == top[0] and page.lines[-1] == bottom[0], (name, number)


@pytest.mark.parametrize("name", STYLES)
def test_pdf_marking_10_mm_from_the_edges_and_8_pt_clear_of_the_heads(
    name: str, bbox: dict[str, Any]
) -> None:
    for number, page in enumerate(bbox[name], start=1):
        top, bottom = page.lines[0], page.lines[-1]
        # Printable on any office printer: the glyph boxes 10 mm in from the edges.
        assert top.top >= 10 * MM - EPSILON, (name, number, top.top / MM)
        assert page.height - bottom.bottom >= 10 * MM - EPSILON, (name, number)
        # The baseline of the top one about 12 mm down, as the review asked.
        assert top.baseline >= 12 * MM - EPSILON, (name, number)
        # 8 pt from the running head below the top one and the footer above the bottom.
        assert page.lines[1].top - top.bottom >= 8 - EPSILON, (name, number, page.lines[1])
        assert bottom.top - page.lines[-2].bottom >= 8 - EPSILON, (name, number)


def test_pdf_marking_is_10_pt_bold_and_not_the_accent(pdfs: dict[str, bytes]) -> None:
    for name in STYLES:
        style = load_style(name)
        found = _marking_looks(pdfs[name])
        # Every marking of every page in the role's size (10 pt, large print 14), bold,
        # in the role's colour, which is no accent: newsroom's red headings had a red one.
        assert {size for size, _, _ in found} == {style.role("marking").size}, name
        assert style.role("marking").size >= 10
        assert all("Bold" in font for _, font, _ in found), name
        colours = {colour for _, _, colour in found}
        assert colours == {_rgb(style.role("marking").color)}, (name, colours)
        for role in ("title", "heading1", "cover_title", "link"):
            accent = style.role(role).color
            if accent not in ("#000000", "#0B0C0C", "#111111"):  # black is no accent
                assert _rgb(accent) not in colours, (name, role)
    assert _marking_looks(pdfs["newsroom"])[0][2] == (0.0, 0.0, 0.0)


def _rgb(color: str) -> tuple[float, ...]:
    """``#RRGGBB`` as the PDF's fill colour operands, rounded."""
    return tuple(round(int(color[i : i + 2], 16) / 255, 3) for i in (1, 3, 5))


def _marking_looks(data: bytes) -> list[tuple[float, str, tuple[float, ...]]]:
    """(size, font, fill colour) of every marking drawn, read with pypdf's visitors."""
    found = []
    colour: list[tuple[float, ...]] = [()]

    def before(operator: bytes, operands: list[Any], *_: Any) -> None:
        if operator == b"rg":
            colour[0] = tuple(round(float(v), 3) for v in operands)

    def text(piece: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        # At the edges only: on the cover the marking is also a detail, mid-page.
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]  # the baseline, on the page
        edge = not 0.1 < y / height < 0.9
        if piece.strip() == "OFFICIAL" and font is not None and edge:
            found.append((round(size, 2), str(font.get("/BaseFont")), colour[0]))

    for page in readback.pdf_reader(data).pages:
        height = float(page.mediabox.height)
        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return found


# --- PDF: the cover ----------------------------------------------------------------------


def test_pdf_cover_title_a_third_of_the_way_down(bbox: dict[str, Any], pack: Pack) -> None:
    for name in STYLES:
        cover: Page = bbox[name][0]
        # Its first line (the title wraps within the measure's margins in some styles).
        title = next(line for line in cover.lines if pack.meta.title.startswith(line.text))
        assert 0.28 <= title.baseline / cover.height <= 0.40, (name, title.baseline)


def test_pdf_cover_has_the_band_details_and_the_articles_in_the_lower_third(
    bbox: dict[str, Any], pdfs: dict[str, bytes], pack: Pack
) -> None:
    text = cover_text(pack)
    cover: Page = bbox["default"][0]
    texts = [line.text for line in cover.lines]
    # The identity band right under the top marking, in capitals.
    assert texts[1] == "POLICY ANALYSIS UNIT"
    # The details: label in capitals at the left, value in the next column, one baseline.
    # pdftotext reads the no-break spaces of dates and reading times as plain ones.
    plain = str.maketrans({"\u00a0": " "})
    for label, value in text.details:
        value = value.translate(plain)
        (left,) = [line for line in cover.lines if line.text == label.upper()]
        (right,) = [
            line
            for line in cover.lines
            if line.text == value and line.left > 100 and 0.2 < line.top / cover.height < 0.8
        ]
        assert left.left == pytest.approx(cover.lines[2].left)  # the title's margin
        assert left.baseline == pytest.approx(right.baseline, abs=0.05)
    assert "REFERENCE" in texts and "PAU/2026/117" in texts
    # The articles with their reading times, in the lower third; the counts in words.
    (heading,) = [line for line in cover.lines if line.text == "IN THIS PACK"]
    assert heading.top >= cover.height * 2 / 3 - 1
    for number, (title, minutes) in enumerate(text.entries, start=1):
        (line,) = [line for line in cover.lines if line.text == title]
        row = [other.text for other in cover.lines if abs(other.baseline - line.baseline) < 1]
        assert line.top > heading.top and row == [str(number), title, minutes.translate(plain)]
    assert texts[-2] == "3 articles · about 6 minutes’ reading"
    assert not any("reading in all" in t for t in texts)
    # Values 10.5 pt or more, labels smaller (8.5 pt), from the text's own sizes.
    sizes: dict[str, float] = {}

    def note(piece: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if 0.2 < (tm[5] * cm[3] + cm[5]) / cover.height < 0.8:  # not the markings
            sizes[piece.strip()] = size * tm[3]

    readback.pdf_reader(pdfs["default"]).pages[0].extract_text(visitor_text=note)
    for label, value in text.details:
        assert sizes[value.translate(plain)] >= 10.5, value
        assert sizes[label.upper()] == pytest.approx(8.5), label


def test_pdf_cover_band_is_12_mm_of_the_accent_colour(pdfs: dict[str, bytes]) -> None:
    stream = readback.pdf_reader(pdfs["default"]).pages[0].get_contents().get_data()
    # A filled rectangle 12 mm high across the text width, in the cover title's navy.
    navy = b".078431 .156863 .294118 rg"  # #14284B, as reportlab writes it
    assert navy in stream
    rects = re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re f", stream)
    heights = [float(h) for *_, h in rects]
    assert any(abs(h - 12 * MM) < 0.01 for h in heights), heights


# --- PDF: running heads and folios ----------------------------------------------------


def test_pdf_no_running_head_on_openers_and_contents(bbox: dict[str, Any], pack: Pack) -> None:
    for name in STYLES:
        pages: list[Page] = bbox[name]
        openers = {1}  # the contents
        for index, page in enumerate(pages):
            # Right under the marking, an article's title: its first page.
            # (its first line: titles are balanced over two lines in narrow measures)
            first = page.lines[1].text
            if any(e.article.meta.title.startswith(first) for e in pack.articles):
                openers.add(index)
        assert len(openers) == 1 + len(pack.articles), name
        for index, page in enumerate(pages[1:], start=1):
            heads = [line for line in page.lines if line.text.startswith(pack.meta.title)]
            if index in openers:
                assert not heads, (name, index + 1)
            else:
                assert heads and heads[0] == page.lines[1], (name, index + 1)


def _short(title: str = "Short") -> Article:
    return Article(ArticleMeta(title=title), (Paragraph((Text("One paragraph."),)),))


def test_pdf_one_page_handout_has_no_page_1_of_1(tmp_path: Path, style: Style) -> None:
    data = briefconv.render_pack(handout(_short()), "pdf", style)
    (page,) = _bbox_pages(data, tmp_path)
    assert not [line for line in page.lines if line.text.startswith("Page")]
    # Nor a pack that comes out on one page.
    layout = briefconv.Layout(cover=False, contents=False, running_heads=False)
    one = make_pack([_short()], PackMeta(title="P"), layout=layout)
    (page,) = _bbox_pages(briefconv.render_pack(one, "pdf", style), tmp_path)
    assert not [line for line in page.lines if "of 1" in line.text]


def test_pdf_handout_running_title_from_page_2(tmp_path: Path, style: Style) -> None:
    long = Article(
        ArticleMeta(title="A Long Handout"),
        tuple(Paragraph((Text("Words of the handout. " * 40),)) for _ in range(12)),
    )
    pages = _bbox_pages(briefconv.render_pack(handout(long), "pdf", style), tmp_path)
    assert len(pages) >= 2
    assert pages[0].lines[0].text == "A Long Handout"  # the title itself: no head above
    assert not [line for line in pages[0].lines if line.text.startswith("Page ")]
    for number, page in enumerate(pages[1:], start=2):
        assert page.lines[0].text == "A Long Handout", number  # the running title
        assert page.lines[-1].text == f"Page {number} of {len(pages)}"


# --- DOCX ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack_docx(pack: Pack) -> bytes:
    return briefconv.render_pack(pack, "docx", load_style("default"))


def _xml(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def _twips(points: float) -> int:
    return round(points * 20)


def test_docx_heads_10_mm_from_the_edges_and_8_pt_clear(pack_docx: bytes) -> None:
    doc = Document(io.BytesIO(pack_docx))
    for section in doc.sections:
        # The marking's line starts 10 mm from the top edge; the foot a little further in,
        # for Word and LibreOffice set a descender below its line's exact height.
        assert section.header_distance.pt == pytest.approx(10 * MM, abs=0.05)
        assert section.footer_distance.pt >= 10 * MM
    for section in doc.sections[1:]:
        marking, head = section.header.paragraphs
        assert marking.text == "OFFICIAL" and marking.style.name == "Marking"
        spacing = head._p.find(f"{W}pPr/{W}spacing")
        assert int(spacing.get(f"{W}before")) >= _twips(8)
        _, below = section.footer.paragraphs
        spacing = below._p.find(f"{W}pPr/{W}spacing")
        assert below.text == "OFFICIAL" and int(spacing.get(f"{W}before")) >= _twips(8)


def test_docx_openers_have_the_marking_alone_at_their_top(pack_docx: bytes, pack: Pack) -> None:
    doc = Document(io.BytesIO(pack_docx))
    # The contents and each article: a section whose first page has no running head.
    assert len(doc.sections) == 2 + len(pack.articles)
    assert not doc.sections[0].different_first_page_header_footer  # the cover
    for section in doc.sections[1:]:
        assert section.different_first_page_header_footer
        assert [p.text for p in section.first_page_header.paragraphs] == ["OFFICIAL"]
        assert [p.text for p in section.first_page_footer.paragraphs] == [
            "Page 1 of 1",  # cached fields: Word and LibreOffice fill them in
            "OFFICIAL",
        ]
        assert pack.meta.title in "".join(p.text for p in section.header.paragraphs)


def test_docx_cover_band_title_details_and_articles(pack_docx: bytes, pack: Pack) -> None:
    style = load_style("default")
    doc = Document(io.BytesIO(pack_docx))
    cover = doc.sections[0]
    # The band: in the cover's header, under the marking, 12 mm high in the accent colour,
    # the unit's name in letter-spaced capitals.
    header = cover.header._element
    assert cover.header.paragraphs[0].text == "OFFICIAL"
    (band,) = header.findall(f"{W}tbl")
    height = band.find(f".//{W}trHeight")
    assert (height.get(f"{W}val"), height.get(f"{W}hRule")) == (str(_twips(12 * MM)), "exact")
    assert band.find(f".//{W}shd").get(f"{W}fill") == "14284B"
    run = band.find(f".//{W}r")
    assert run.find(f"{W}rPr/{W}caps") is not None
    assert run.findtext(f"{W}t") == "Policy Analysis Unit"
    # The title opens the body (pandoc's and Word's document title), its first baseline a
    # third of the way down: the section's top margin, the space before, DejaVu's ascent.
    title = doc.paragraphs[0]
    assert title.style.name == "Title" and title.text == pack.meta.title
    before = int(title._p.find(f"{W}pPr/{W}spacing").get(f"{W}before")) / 20
    baseline = cover.top_margin.pt + before + 0.93 * style.role("cover_title").size
    assert 0.28 <= baseline / style.page.height <= 0.40
    # The details: a borderless two-column table; labels small grey capitals, values
    # 10.5 pt in the body's colour.
    body = _xml(pack_docx, "word/document.xml")
    tables = body.findall(f"{W}body/{W}tbl")
    details = [
        ["".join(tc.itertext()) for tc in tr.findall(f"{W}tc")]
        for tr in tables[0].findall(f"{W}tr")
    ]
    assert details == [[label, value] for label, value in cover_text(pack).details]
    for tr in tables[0].findall(f"{W}tr"):
        label, value = (tc.find(f".//{W}rPr") for tc in tr.findall(f"{W}tc"))
        assert label.find(f"{W}caps") is not None
        assert label.find(f"{W}sz").get(f"{W}val") == "17"  # 8.5 pt
        assert label.find(f"{W}color").get(f"{W}val") == "555555"
        assert int(value.find(f"{W}sz").get(f"{W}val")) >= 21  # 10.5 pt
        assert value.find(f"{W}color").get(f"{W}val") == "1A1A1A"
    # The articles: number, title, reading time.
    rows = [
        ["".join(tc.itertext()) for tc in tr.findall(f"{W}tc")]
        for tr in tables[1].findall(f"{W}tr")
    ]
    assert rows == [
        [str(n), e.article.meta.title, f"{e.minutes}\u00a0min\u00a0read"]
        for n, e in enumerate(pack.articles, start=1)
    ]
    texts = [p.text for p in doc.paragraphs]
    assert "3 articles · about 6\u00a0minutes’ reading" in texts
    # No boxed marking: the only "OFFICIAL" in the body is the Classification detail.
    assert sum(t == "OFFICIAL" for t in texts) == 0
    assert not body.findall(f".//{W}pBdr/{W}left")


def test_docx_handout_numbers_and_heads_pages_from_2(style: Style) -> None:
    data = briefconv.render_pack(handout(_short("Handout")), "docx", style)
    section = Document(io.BytesIO(data)).sections[0]
    assert section.different_first_page_header_footer
    # Page 1: the title itself, no running title, no "Page 1 of 1".
    assert "".join(p.text for p in section.first_page_header.paragraphs) == ""
    first_footer = section.first_page_footer._element
    assert not first_footer.findall(f".//{W}instrText")
    # Pages 2 on: the running title over a hairline (the PDF's), "Page X of Y" fields.
    assert [p.text for p in section.header.paragraphs] == ["Handout"]
    assert section.header.paragraphs[0]._p.find(f"{W}pPr/{W}pBdr/{W}bottom") is not None
    instructions = [
        " ".join((t.text or "").split()) for t in section.footer._element.iter(f"{W}instrText")
    ]
    assert instructions == ["PAGE", "NUMPAGES"]


# --- EPUB: the cover image -------------------------------------------------------------
