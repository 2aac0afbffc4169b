"""``large-print`` is large print (issue 16, item 9): measured in the PDF and the DOCX.

UKAAF's minimum standard and APH/ACB practice: every text, not only the body, at 18 pt or
more (running heads, footers, markings, bylines, captions, notes, table text, code), and
no italics anywhere. The pack below has every part a page can carry: a cover, contents,
running heads, footers and markings; footnote marks in a paragraph, a list and a table;
code; a quotation; Markdown emphasis; an image with a caption and one that cannot be
shown (its "[Image: ...]" stand-in is emphasised).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections import Counter
from typing import Any

import pytest
from lxml import etree
from pypdf import PdfReader

import briefconv
from briefconv import PackMeta
from briefconv.errors import StyleError
from briefconv.model import Article, Emphasis, Figure, Pack, Paragraph, Text
from briefconv.pack import make_pack
from briefconv.styles import ROLE_NAMES, load_style, style_to_toml
from briefconv.writers.docx import DocxWriter
from briefconv.writers.pdf import PdfWriter

from .conftest import ROOT
from .rich import RICH

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: The smallest size anywhere: 18 pt (36 half-points in DOCX).
FLOOR = 18.0


@pytest.fixture(scope="module")
def pack(rich_article: Article) -> Pack:
    shipping = briefconv.read_file(ROOT / "source" / "shipping-insurance.md")
    missing = Article(
        rich_article.meta,
        (
            Paragraph((Text("An "), Emphasis((Text("emphasised"),)), Text(" word."))),
            Figure("https://example.org/map.png", "A map of the corridor"),
        ),
    )
    return make_pack(
        [rich_article, RICH, shipping, missing],
        PackMeta(
            title="Weekly Security Brief",
            subtitle="Large print edition",
            date="2026-11-24",
            prepared_by="Policy Analysis Unit",
            prepared_for="Foreign Affairs Committee",
            classification="OFFICIAL",
        ),
    )


@pytest.fixture(scope="module")
def pdf(pack: Pack) -> PdfReader:
    return PdfReader(io.BytesIO(PdfWriter().write_pack(pack, load_style("large-print"))))


@pytest.fixture(scope="module")
def docx(pack: Pack) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(DocxWriter().write_pack(pack, load_style("large-print"))))


def test_every_role_is_at_least_18_pt() -> None:
    style = load_style("large-print")
    small = {name: style.role(name).size for name in ROLE_NAMES if style.role(name).size < FLOOR}
    assert small == {}


def _glyph_sizes(reader: PdfReader) -> tuple[Counter[float], set[str]]:
    """Characters drawn at each size (text matrix and CTM applied), and the fonts used."""
    sizes: Counter[float] = Counter()
    fonts: set[str] = set()
    for page in reader.pages:

        def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
            if not text.strip():
                return
            scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
            sizes[round(size * scale, 2)] += len(text.strip())
            if font is not None:
                fonts.add(str(font.get("/BaseFont")).split("+")[-1])

        page.extract_text(visitor_text=visit)
    return sizes, fonts


def test_pdf_every_glyph_is_at_least_18_pt(pdf: PdfReader) -> None:
    """Before: header and footer 12 pt, marking 14, byline, caption, table, footnote 15,
    code 14, note marks 14 (reportlab's superscript is 2 pt smaller than its text)."""
    sizes, _fonts = _glyph_sizes(pdf)
    assert sum(sizes.values()) > 4000  # the whole pack was read
    assert min(sizes) >= FLOOR, sorted(sizes.items())[:5]


def test_pdf_uses_no_italic_or_oblique_face(pdf: PdfReader) -> None:
    """Before: Markdown emphasis and the "[Image: ...]" stand-in used DejaVuSans-Oblique."""
    _sizes, fonts = _glyph_sizes(pdf)
    assert fonts and not [f for f in fonts if "Oblique" in f or "Italic" in f], fonts
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "emphasised" in text and "[Image: A map of the corridor]" in text


def test_pdf_dates_never_split(pdf: PdfReader) -> None:
    """No line ends inside a date or a reading time ("24 / November 2026", "2 min / read")."""
    text = "\n".join(page.extract_text() for page in pdf.pages)
    months = "January|February|March|April|May|June|July|August|September|October|November"
    split = re.compile(
        rf"\b\d{{1,2}}\s*\n\s*(?:{months}|December)\b|\b(?:{months}|December)\s*\n\s*\d{{4}}\b|\b\d+\s*\n\s*min\b|\bmin\s*\n\s*read\b"
    )
    assert re.search(r"24\s+November\s+2026", text)  # the dates are there, whole
    assert split.findall(text) == []


def _on(element: Any) -> bool:
    """Whether a toggle property (``w:i``, ``w:b``) is on."""
    return element is not None and element.get(f"{W}val", "true") not in ("0", "false", "off")


class _Styles:
    """Word styles resolved along ``basedOn``: the first style in the chain that says wins."""

    def __init__(self, root: Any) -> None:
        self.by_id = {s.get(f"{W}styleId"): s for s in root.iter(f"{W}style")}
        self.defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self.default_paragraph = next(
            s.get(f"{W}styleId")
            for s in root.iter(f"{W}style")
            if s.get(f"{W}type") == "paragraph" and s.get(f"{W}default") in ("1", "true")
        )

    def prop(self, style_id: str | None, tag: str) -> Any:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            found = style.find(f"{W}rPr/{W}{tag}")
            if found is not None:
                return found
            based = style.find(f"{W}basedOn")
            style_id = based.get(f"{W}val") if based is not None else None
        return None


def _run_prop(styles: _Styles, run: Any, para_style: str | None, tag: str) -> Any:
    """A run's property: its own, else its character style's, else its paragraph style's."""
    rpr = run.find(f"{W}rPr")
    direct = rpr.find(f"{W}{tag}") if rpr is not None else None
    if direct is not None:
        return direct
    rstyle = rpr.find(f"{W}rStyle") if rpr is not None else None
    found = styles.prop(rstyle.get(f"{W}val") if rstyle is not None else None, tag)
    return found if found is not None else styles.prop(para_style, tag)


def _docx_runs(docx: zipfile.ZipFile) -> list[tuple[str, int, bool]]:
    """(text, effective size in half-points, effectively italic) of every run with text."""
    styles = _Styles(etree.fromstring(docx.read("word/styles.xml")))
    default_size = styles.defaults.find(f"{W}sz")
    parts = [
        n
        for n in docx.namelist()
        if n.startswith(("word/document", "word/header", "word/footer", "word/footnotes"))
        and n.endswith(".xml")
    ]
    out = []
    for name in parts:
        root = etree.fromstring(docx.read(name))
        for p in root.iter(f"{W}p"):
            pstyle = p.find(f"{W}pPr/{W}pStyle")
            para_style = pstyle.get(f"{W}val") if pstyle is not None else styles.default_paragraph
            for r in p.iter(f"{W}r"):
                text = "".join(t.text or "" for t in r.iter(f"{W}t"))
                if not text.strip():
                    continue
                size = _run_prop(styles, r, para_style, "sz")
                size = size if size is not None else default_size
                half_points = int(size.get(f"{W}val")) if size is not None else 20
                italic = _on(_run_prop(styles, r, para_style, "i"))
                out.append((text, half_points, italic))
    return out


def test_docx_every_run_is_at_least_18_pt_and_upright(docx: zipfile.ZipFile) -> None:
    """Before: the running head, footer and marking were 12-14 pt, bylines, tables and
    footnotes 15, code 14; Markdown emphasis and the image stand-in were italic."""
    runs = _docx_runs(docx)
    assert len(runs) > 200
    small = sorted({(size, text[:30]) for text, size, _i in runs if size < 2 * FLOOR})
    assert small == []
    assert [text for text, _s, italic in runs if italic] == []
    assert ("emphasised", 36, False) in runs
    # A note's number is not a superscript, which Word draws a third smaller: it keeps
    # the text's size, raised.
    styles = etree.fromstring(docx.read("word/styles.xml"))
    ref = next(s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == "FootnoteReference")
    assert ref.find(f"{W}rPr/{W}vertAlign") is None
    assert int(ref.find(f"{W}rPr/{W}position").get(f"{W}val")) > 0


def test_emphasis_is_a_checked_style_key(tmp_path: Any) -> None:
    path = tmp_path / "s.toml"
    path.write_text('based_on = "default"\nemphasis = "oblique"\n', encoding="utf-8")
    with pytest.raises(StyleError, match="emphasis: expected one of italic, bold"):
        load_style(path)
    assert load_style("default").emphasis == "italic"
    dumped = tmp_path / "dump.toml"
    dumped.write_text(style_to_toml(load_style("large-print")), encoding="utf-8")
    assert load_style(dumped).emphasis == "bold"
