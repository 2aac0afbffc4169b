"""One article, one style with unusual values: the same look in DOCX, EPUB and PDF.

The style (body 13 pt #1A1A66 serif, heading1 19 pt #8B0000 sans, Letter, 1 in margins) is
written as a user would: ten lines in a project's ``styles/house.toml`` based on default.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import ContentStream

import briefconv
from briefconv.model import Article

from .conftest import SAMPLE

HOUSE = """\
based_on = "default"
name = "house"
description = "Unusual values for the consistency test"
[page]
size = "Letter"
margin = "1in"
[roles.body]
size = 13
color = "#1A1A66"
[roles.heading1]
size = "19pt"
color = "#8B0000"
"""
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("house")
    (folder / "styles").mkdir()
    (folder / "styles" / "house.toml").write_text(HOUSE, encoding="utf-8")
    article: Article = briefconv.read_file(SAMPLE)
    style = briefconv.load_style(folder / "styles" / "house.toml")
    return {fmt: briefconv.render(article, fmt, style) for fmt in ("docx", "pdf", "epub")}


def _docx_style(styles: etree._Element, name: str) -> etree._Element:
    for style in styles.iter(f"{W}style"):
        style_name = style.find(f"{W}name")
        # Built-in styles are stored under lower-case names ("heading 1").
        if style_name is not None and style_name.get(f"{W}val", "").lower() == name.lower():
            return style
    raise AssertionError(f"no style {name!r}")


def test_docx_styles_and_page(outputs: dict[str, bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(outputs["docx"])) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
        document = etree.fromstring(z.read("word/document.xml"))
    for name, half_points, color, font in (
        ("Body Text", "26", "1A1A66", "DejaVu Serif"),
        ("Heading 1", "38", "8B0000", "DejaVu Sans"),
    ):
        rpr = _docx_style(styles, name).find(f"{W}rPr")
        assert rpr is not None
        assert rpr.find(f"{W}sz").get(f"{W}val") == half_points  # type: ignore[union-attr]
        assert rpr.find(f"{W}szCs").get(f"{W}val") == half_points  # type: ignore[union-attr]
        assert rpr.find(f"{W}color").get(f"{W}val") == color  # type: ignore[union-attr]
        fonts = rpr.find(f"{W}rFonts")
        assert fonts is not None and fonts.get(f"{W}ascii") == font
        assert not any(k.endswith("Theme") for k in fonts.attrib)
    sect = document.find(f"{W}body/{W}sectPr")
    assert sect is not None
    size = sect.find(f"{W}pgSz")
    margins = sect.find(f"{W}pgMar")
    assert size is not None and margins is not None
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("12240", "15840")  # twips: 8.5 x 11 in
    for side in ("top", "right", "bottom", "left"):
        assert margins.get(f"{W}{side}") == "1440"


def _css_rule(css: str, selector: str) -> dict[str, str]:
    match = re.search(r"(?m)^" + re.escape(selector) + r" \{(.*?)\}", css, re.S)
    assert match, selector
    return dict(
        (k.strip(), v.strip())
        for k, v in (d.split(":", 1) for d in match.group(1).split(";") if ":" in d)
    )


def test_epub_css(outputs: dict[str, bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(outputs["epub"])) as z:
        css = z.read("EPUB/style.css").decode("utf-8")
    body = _css_rule(css, "body")
    heading = _css_rule(css, "h2")
    # The body's face reaches the e-book, its colour does not: running text takes the
    # reader's colour, so night and sepia modes never set dark text on a dark page.
    assert "color" not in body and body["font-family"].startswith('"DejaVu Serif"')
    assert heading["color"] == "#8B0000" and heading["font-family"].startswith('"DejaVu Sans"')
    # The body keeps the reader's chosen text size (an e-reader setting); every other size
    # is relative to it, so 19 pt over a 13 pt body is 1.462em.
    assert "font-size" not in body
    assert heading["font-size"] == f"{19 / 13:.3f}em"


def _glyph_runs(reader: PdfReader) -> list[tuple[str, float, str, tuple[float, ...]]]:
    """(text, font size, font name, fill colour) for every text-showing operator, page 1."""
    page = reader.pages[0]
    fonts = page["/Resources"]["/Font"]
    ops = ContentStream(page.get_contents(), reader).operations
    size, font, color = 0.0, "", (0.0, 0.0, 0.0)
    runs: list[tuple[str, float, str, tuple[float, ...]]] = []
    for operands, op in ops:
        if op == b"Tf":
            font = str(fonts[operands[0]].get_object()["/BaseFont"]).split("+")[-1]
            size = float(operands[1])
        elif op == b"rg":
            color = tuple(round(float(x), 3) for x in operands)
        elif op in (b"Tj", b"TJ"):
            runs.append((str(operands[0]), size, font, color))
    return runs


def _rgb(hex_color: str) -> tuple[float, ...]:
    return tuple(round(int(hex_color[i : i + 2], 16) / 255, 3) for i in (1, 3, 5))


def test_pdf_page_and_glyphs(outputs: dict[str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(outputs["pdf"]))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    runs = _glyph_runs(reader)
    heading = [r for r in runs if r[1] == 19.0]
    body = [r for r in runs if r[1] == 13.0]
    assert heading and body
    assert {r[3] for r in heading} == {_rgb("#8B0000")}
    assert {r[2] for r in heading} == {"DejaVuSans-Bold"}
    assert _rgb("#1A1A66") in {r[3] for r in body}
    assert "DejaVuSerif" in {r[2] for r in body}
    # Text lines start at the 1 in left margin, never to its left.
    assert min(_line_starts(reader)) == pytest.approx(72.0)


def _line_starts(reader: PdfReader) -> list[float]:
    """The x of every flowable placed on page 1 (reportlab moves to each with ``cm``)."""
    ops = ContentStream(reader.pages[0].get_contents(), reader).operations
    return [float(operands[4]) for operands, op in ops if op == b"cm" and operands[4] != 0]


def test_changed_style_changes_all_three(tmp_path: Path, outputs: dict[str, bytes]) -> None:
    default = {fmt: briefconv.render(briefconv.read_file(SAMPLE), fmt) for fmt in outputs}
    for fmt in outputs:
        assert default[fmt] != outputs[fmt], fmt
