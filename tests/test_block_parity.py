"""One design for the quote box, figures, the title rule, breaks and lists in every format.

The geometry comes from one place (:mod:`briefconv.writers._blocks`); each test measures
what a format actually draws (the PDF's word boxes from ``pdftotext -bbox``, the DOCX's
XML, the EPUB's CSS and XHTML) and compares it with that and with the other formats.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import briefconv
from briefconv.model import (
    Article,
    ArticleMeta,
    BulletList,
    Figure,
    OrderedList,
    Paragraph,
    Quote,
    Text,
)
from briefconv.styles import Style, load_style
from briefconv.writers._blocks import QUOTE_PADDING, QUOTE_RULE, list_hang, quote_box
from briefconv.writers._measure import fit_measure

from .conftest import ROOT
from .readback import epub_documents, pandoc_blocks, pandoc_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XHTML = "{http://www.w3.org/1999/xhtml}"
MAP = ROOT / "source" / "black-sea-corridor.png"
STYLES = ["default", "newsroom", "official", "large-print"]


def _article(*, attribution: bool = True, figure_alt: str = "Map of the corridor") -> Article:
    quote = Quote(
        (Paragraph((Text("Every transformer we install is one we will not have."),)),),
        (Text("Volodymyr Kudrytskyi"),) if attribution else (),
    )
    return Article(
        ArticleMeta("Kyiv braces", authors=("Iryna Savchenko",), date="2026-11-24"),
        (
            Paragraph((Text("Engineers worked through the weekend."),)),
            quote,
            BulletList(((Text("transformers"),), (Text("generators"),))),
            OrderedList(((Text("Kharkiv"),), (Text("Odesa"),))),
            Figure(str(MAP), figure_alt, str(MAP)),
            Paragraph((Text("Officials expect outages."),)),
        ),
    )


def _xml(data: bytes, member: str) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(member))


def _style(styles: Any, name: str) -> Any:
    # Word's built-in names are stored in lower case ("caption").
    (element,) = [
        s
        for s in styles.iter(f"{W}style")
        if s.find(f"{W}name").get(f"{W}val").lower() == name.lower()
    ]
    return element


def _style_ppr(styles: Any, name: str) -> Any:
    return _style(styles, name).find(f"{W}pPr")


def _twips(element: Any, attr: str) -> float:
    return int(element.get(f"{W}{attr}")) / 20


# --- the quote box -------------------------------------------------------------------------


@pytest.mark.parametrize("name", STYLES)
def test_docx_quote_and_attribution_are_one_box(name: str) -> None:
    style = load_style(name)
    box = quote_box(style)
    data = briefconv.render(_article(), "docx", style)
    styles = _xml(data, "word/styles.xml")
    quote, attribution = _style_ppr(styles, "Quote"), _style_ppr(styles, "Quote Attribution")
    # Word (and LibreOffice) draw consecutive paragraphs with the same borders, shading
    # and indents as one box: the attribution is inside it, not under it.
    for tag in ("pBdr", "shd", "ind"):
        assert etree.tostring(quote.find(f"{W}{tag}")) == etree.tostring(
            attribution.find(f"{W}{tag}")
        ), tag
    border = quote.find(f"{W}pBdr")
    left = border.find(f"{W}left")
    assert left.get(f"{W}sz") == str(round(QUOTE_RULE * 8))
    assert left.get(f"{W}color") == (box.rule_color or "").lstrip("#")
    for side in ("top", "bottom", "right", "left"):
        # The padding: the space between the text and each edge of the box.
        assert border.find(f"{W}{side}").get(f"{W}space") == str(round(QUOTE_PADDING)), side
    for side in ("top", "bottom", "right"):
        # The edges other than the rule are in the tint's own colour: padding, not lines.
        assert border.find(f"{W}{side}").get(f"{W}color") == (box.background or "").lstrip("#")
    assert quote.find(f"{W}shd").get(f"{W}fill") == (box.background or "").lstrip("#")
    ind = quote.find(f"{W}ind")
    # Text starts after the indent, the rule and the padding; the box is inset on the right
    # by the same indent (the right border's space is the padding).
    assert _twips(ind, "left") == pytest.approx(box.indent + box.rule + box.padding, abs=0.05)
    assert _twips(ind, "right") == pytest.approx(box.indent + box.padding, abs=0.05)


@pytest.mark.parametrize("attribution", [True, False])
def test_docx_quote_box_space_is_the_same_with_or_without_attribution(attribution: bool) -> None:
    style = load_style()
    box = quote_box(style)
    data = briefconv.render(_article(attribution=attribution), "docx", style)
    body = _xml(data, "word/document.xml").find(f"{W}body")
    paragraphs = [
        p
        for p in body.iter(f"{W}p")
        if (s := p.find(f"{W}pPr/{W}pStyle")) is not None and s.get(f"{W}val").startswith("Quote")
    ]
    assert [p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for p in paragraphs] == (
        ["Quote", "QuoteAttribution"] if attribution else ["Quote"]
    )
    first = paragraphs[0].find(f"{W}pPr/{W}spacing")
    last = paragraphs[-1].find(f"{W}pPr/{W}spacing")
    assert _twips(first, "before") == box.space_before
    assert _twips(last, "after") == box.space_after


def _words(data: bytes, tmp_path: Path) -> list[tuple[float, float, float, float, str]]:
    """Every word of page 1 with its box (xMin, yMin, xMax, yMax), from ``pdftotext -bbox``."""
    if shutil.which("pdftotext") is None:
        pytest.fail("needs poppler's pdftotext: apt-get install poppler-utils")
    path = tmp_path / "case.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout.decode("utf-8")
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<'
    return [
        (float(a), float(b), float(c), float(d), text)
        for a, b, c, d, text in re.findall(pattern, out)
    ]


def _word(words: list[tuple[float, float, float, float, str]], text: str) -> tuple[float, ...]:
    return next(w[:4] for w in words if w[4] == text)


@pytest.mark.parametrize("name", STYLES)
def test_pdf_quote_box_has_the_shared_geometry(name: str, tmp_path: Path) -> None:
    style = load_style(name)
    box = quote_box(style)
    words = _words(briefconv.render(_article(), "pdf", style), tmp_path)
    page = fit_measure(style).page  # the text block: margins widened to the measure
    left_margin = page.margin_left
    right_edge = page.width - page.margin_right
    # The quote's text starts after the indent, the rule and the padding ...
    x = _word(words, "Every")[0] - left_margin
    assert x == pytest.approx(box.indent + box.rule + box.padding, abs=0.5)
    # ... and the attribution, right-aligned inside the box, ends the padding and the
    # indent before the right margin, exactly where the DOCX's right indent puts it.
    end = _word(words, "Kudrytskyi")[2]
    assert right_edge - end == pytest.approx(box.indent + box.padding, abs=1.0)


def test_epub_quote_box_has_the_shared_geometry() -> None:
    style = load_style()
    box = quote_box(style)
    size = style.role("quote").size
    data = briefconv.render(_article(), "epub", style)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        css = z.read("EPUB/style.css").decode()
    rule = css.split("\nblockquote {", 1)[1].split("}", 1)[0]

    def em(points: float) -> str:
        return f"{round(points / size, 3):g}em"

    assert f"margin-left: {em(box.indent)};" in rule
    assert f"margin-right: {em(box.indent)};" in rule
    assert f"border-left: {em(box.rule)} solid {box.rule_color};" in rule
    assert f"padding: {em(box.padding)};" in rule
    # The last paragraph's gap goes: the padding alone is below the last line.
    assert "blockquote > p:last-child {\n  margin-bottom: 0;\n}" in css
    (blockquote,) = [q for doc in epub_documents(data) for q in doc.iter(f"{XHTML}blockquote")]
    assert [p.get("class") for p in blockquote] == [None, "attribution"]


def test_pandoc_still_reads_the_docx_quote_box_as_one_quote(
    pandoc_ast: Callable[[Path, str], dict[str, Any]], tmp_path: Path
) -> None:
    path = tmp_path / "quote.docx"
    path.write_bytes(briefconv.render(_article(), "docx"))
    (quote,) = pandoc_blocks(pandoc_ast(path, "docx"), "BlockQuote")
    text = pandoc_text(quote)
    assert "Every transformer" in text and "— Volodymyr Kudrytskyi" in text


# --- figures, the title rule, breaks and lists --------------------------------------------


def test_docx_caption_follows_each_image_and_stays_with_it() -> None:
    data = briefconv.render(_article(), "docx")
    body = _xml(data, "word/document.xml").find(f"{W}body")
    paragraphs = list(body.iter(f"{W}p"))
    images = [i for i, p in enumerate(paragraphs) if p.find(f".//{W}drawing") is not None]
    assert images
    for i in images:
        image, caption = paragraphs[i], paragraphs[i + 1]
        assert image.find(f"{W}pPr/{W}keepNext") is not None
        assert caption.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Caption"
        assert "".join(caption.itertext()) == "Map of the corridor"
    # The caption style is the PDF's caption: the byline's small sans type, centred.
    style = load_style()
    caption_style = _style_ppr(_xml(data, "word/styles.xml"), "Caption")
    assert caption_style.find(f"{W}jc").get(f"{W}val") == "center"
    element = _style(_xml(data, "word/styles.xml"), "Caption")
    size = element.find(f"{W}rPr/{W}sz").get(f"{W}val")
    assert int(size) == round(style.role("byline").size * 2)


def test_a_decorative_image_has_no_caption() -> None:
    data = briefconv.render(_article(figure_alt=""), "docx")
    document = _xml(data, "word/document.xml")
    assert not [p for p in document.iter(f"{W}pStyle") if p.get(f"{W}val") == "Caption"]
    epub = briefconv.render(_article(figure_alt=""), "epub")
    assert not [e for doc in epub_documents(epub) for e in doc.iter(f"{XHTML}figcaption")]


def test_epub_figure_has_a_figcaption_and_keeps_the_alt_text() -> None:
    data = briefconv.render(_article(), "epub")
    (figure,) = [f for doc in epub_documents(data) for f in doc.iter(f"{XHTML}figure")]
    img, caption = figure
    assert img.get("alt") == "Map of the corridor"
    assert caption.tag == f"{XHTML}figcaption" and caption.text == "Map of the corridor"


def test_pdf_caption_sits_under_the_image(tmp_path: Path) -> None:
    words = _words(briefconv.render(_article(), "pdf"), tmp_path)
    caption = _word(words, "corridor")
    after = _word(words, "Officials")
    assert caption[1] < after[1]


def _has_bottom_rule(ppr: Any) -> bool:
    return ppr is not None and ppr.find(f"{W}pBdr/{W}bottom") is not None


def test_docx_handout_has_the_rule_under_its_header_block() -> None:
    style = load_style()
    data = briefconv.render(_article(), "docx", style)
    styles = _xml(data, "word/styles.xml")
    # Under the byline, the block's last line, as in the PDF (and as a pack has it).
    byline = _style_ppr(styles, "Byline")
    rule = byline.find(f"{W}pBdr/{W}bottom")
    assert rule.get(f"{W}color") == style.role("title").color.lstrip("#")
    # With no byline, the title (the block's last line) takes it.
    bare = Article(ArticleMeta("Kyiv braces"), (Paragraph((Text("Text."),)),))
    document = _xml(briefconv.render(bare, "docx", style), "word/document.xml")
    (title,) = [
        p
        for p in document.iter(f"{W}p")
        if (s := p.find(f"{W}pPr/{W}pStyle")) is not None and s.get(f"{W}val") == "Title"
    ]
    assert _has_bottom_rule(title.find(f"{W}pPr"))


@pytest.mark.parametrize("name", STYLES)
def test_list_labels_hang_alike_in_pdf_and_docx(name: str, tmp_path: Path) -> None:
    style = load_style(name)
    role = style.role("list")
    words = _words(briefconv.render(_article(), "pdf", style), tmp_path)
    margin = fit_measure(style).page.margin_left  # widened to the measure
    bullet = _word(words, "•")[0] - margin
    number = _word(words, "1.")[0] - margin
    text = _word(words, "transformers")[0] - margin
    assert text == pytest.approx(role.indent, abs=0.5)
    # The DOCX hangs its labels by the same amount (from the numbering definitions).
    for label, numbered in ((bullet, False), (number, True)):
        assert role.indent - label == pytest.approx(list_hang(role, numbered=numbered), abs=0.5)
    # The DOCX's lists (their numbering definitions, level 0) hang the same.
    data = briefconv.render(_article(), "docx", style)
    numbering = _xml(data, "word/numbering.xml")
    used = {n.get(f"{W}val") for n in _xml(data, "word/document.xml").iter(f"{W}numId")}
    abstract = {
        n.find(f"{W}abstractNumId").get(f"{W}val")
        for n in numbering.iter(f"{W}num")
        if n.get(f"{W}numId") in used
    }
    hangs = {
        int(lvl.find(f"{W}pPr/{W}ind").get(f"{W}hanging")) / 20
        for a in numbering.iter(f"{W}abstractNum")
        if a.get(f"{W}abstractNumId") in abstract
        for lvl in a.iter(f"{W}lvl")
        if lvl.get(f"{W}ilvl") == "0"
    }
    expected = {list_hang(role, numbered=False), list_hang(role, numbered=True)}
    assert {round(h) for h in hangs} == {round(h) for h in expected}


def test_same_break_in_every_format(style: Style) -> None:
    from briefconv.model import ThematicBreak

    article = Article(
        ArticleMeta("T"), (Paragraph((Text("a"),)), ThematicBreak(), Paragraph((Text("b"),)))
    )
    body = style.role("body")
    line = body.size * body.line_height
    document = _xml(briefconv.render(article, "docx", style), "word/document.xml")
    (rule,) = [
        p
        for p in document.iter(f"{W}p")
        if _has_bottom_rule(p.find(f"{W}pPr")) and not "".join(p.itertext())
    ]
    assert _twips(rule.find(f"{W}pPr/{W}spacing"), "after") == pytest.approx(line, abs=0.05)
    with zipfile.ZipFile(io.BytesIO(briefconv.render(article, "epub", style))) as z:
        css = z.read("EPUB/style.css").decode()
    hr = css.split("\nhr {", 1)[1].split("}", 1)[0]
    assert "width: 25%;" in hr and f"margin: {round(line / body.size, 3):g}em auto;" in hr
