"""The DOCX writer, checked with real readers: pandoc, python-docx and (if present) LibreOffice."""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from briefconv.errors import RenderError
from briefconv.model import (
    Article,
    ArticleMeta,
    Block,
    BulletList,
    Emphasis,
    Figure,
    Heading,
    Link,
    OrderedList,
    Paragraph,
    Quote,
    Strong,
    Text,
    plain_text,
)
from briefconv.pack import handout
from briefconv.styles import Page, Style
from briefconv.wording import long_date
from briefconv.writers import get_writer
from briefconv.writers._dates import pack_datetime
from briefconv.writers._measure import fit_measure
from briefconv.writers.docx import DocxWriter

from .conftest import HOSTILE
from .readback import pandoc_blocks, pandoc_text

GOLDEN = Path(__file__).resolve().parent / "golden"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PandocAst = Callable[[Path, str], dict[str, Any]]
_WORD_ALIGN = {
    "left": WD_PARAGRAPH_ALIGNMENT.LEFT,
    "center": WD_PARAGRAPH_ALIGNMENT.CENTER,
    "right": WD_PARAGRAPH_ALIGNMENT.RIGHT,
    "justify": WD_PARAGRAPH_ALIGNMENT.JUSTIFY,
}


def write(article: Article, style: Style, tmp_path: Path, name: str = "out.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(DocxWriter().write_pack(handout(article), style))
    return path


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


def meta_text(ast: dict[str, Any], key: str) -> str:
    return pandoc_text(ast["meta"].get(key, {}).get("c", []))


def all_pandoc_text(ast: dict[str, Any]) -> str:
    meta = " ".join(pandoc_text(value.get("c", [])) for value in ast["meta"].values())
    return meta + " " + pandoc_text(ast["blocks"])


def model_texts(article: Article) -> list[str]:
    """Every piece of visible text in an article, metadata included."""
    meta = article.meta
    # The date as the byline writes it out ("2 June 2025").
    date = long_date(meta.date, meta.language) or ""
    texts = [meta.title, meta.subtitle or "", meta.source or "", date]
    texts += list(meta.authors)

    def block_texts(block: Block) -> list[str]:
        match block:
            case Heading(children=c) | Paragraph(children=c):
                return [plain_text(c)]
            case Quote(paragraphs=ps, attribution=a):
                return [plain_text(p.children) for p in ps] + [plain_text(a)]
            case BulletList(items=items) | OrderedList(items=items):
                return [plain_text(i) for i in items]
        raise AssertionError(block)

    for block in article.blocks:
        texts += block_texts(block)
    return texts


def links(ast: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, url) of every pandoc Link inline."""
    found: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Link":
                _attr, inlines, (url, _title) = node["c"]
                found.append((pandoc_text(inlines), url))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(ast["blocks"])
    return found


# --- interface -------------------------------------------------------------------------


def test_registry_finds_the_writer() -> None:
    writer = get_writer("docx")
    assert isinstance(writer, DocxWriter)
    assert writer.name == "docx"
    assert writer.extension == ".docx"
    assert writer.media_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert writer.description == "Word document (python-docx)"


# --- structure as pandoc reads it ------------------------------------------------------


@pytest.fixture
def rich_ast(
    rich_article: Article, style: Style, tmp_path: Path, pandoc_ast: PandocAst
) -> dict[str, Any]:
    return pandoc_ast(write(rich_article, style, tmp_path), "docx")


def test_pandoc_reads_title_and_subtitle_as_metadata(
    rich_ast: dict[str, Any], rich_article: Article
) -> None:
    assert meta_text(rich_ast, "title") == rich_article.meta.title
    assert meta_text(rich_ast, "subtitle") == rich_article.meta.subtitle


def test_pandoc_reads_headings_in_order(rich_ast: dict[str, Any], rich_article: Article) -> None:
    expected = [
        (b.level, plain_text(b.children)) for b in rich_article.blocks if isinstance(b, Heading)
    ]
    found = [(h["c"][0], pandoc_text(h["c"][2])) for h in pandoc_blocks(rich_ast, "Header")]
    assert found == expected == [(1, "A Tense Start"), (2, "Positions"), (3, "Next steps")]


def test_all_heading_levels(style: Style, tmp_path: Path, pandoc_ast: PandocAst) -> None:
    article = Article(
        ArticleMeta(title="Levels"),
        tuple(Heading(n, (Text(f"Level {n}"),)) for n in range(1, 7)),
    )
    ast = pandoc_ast(write(article, style, tmp_path), "docx")
    found = [(h["c"][0], pandoc_text(h["c"][2])) for h in pandoc_blocks(ast, "Header")]
    assert found == [(n, f"Level {n}") for n in range(1, 7)]


def test_pandoc_reads_the_quote_with_its_attribution(rich_ast: dict[str, Any]) -> None:
    (quote,) = pandoc_blocks(rich_ast, "BlockQuote")
    paragraphs = [pandoc_text(p["c"]) for p in quote["c"]]
    assert paragraphs == [
        "“The backing of the United States is extremely important.”",
        "— Turkish Foreign Ministry",
    ]


def test_pandoc_reads_lists_with_their_items(rich_ast: dict[str, Any]) -> None:
    (bullets,) = pandoc_blocks(rich_ast, "BulletList")
    assert [pandoc_text(item) for item in bullets["c"]] == [
        "Ukraine: full ceasefire first",
        "Russia: memorandum first",
        "Ελλάδα: η Αθήνα παρακολουθεί",
    ]
    (ordered,) = pandoc_blocks(rich_ast, "OrderedList")
    (start, _style, _delim), items = ordered["c"]
    assert start == 1
    assert [pandoc_text(item) for item in items] == ["Prisoner exchange", "Second round"]


def test_pandoc_reads_links_strong_and_emphasis(rich_ast: dict[str, Any]) -> None:
    assert links(rich_ast) == [
        ("Example News", "https://example.org/news/istanbul-talks"),
        ("the report", "https://example.org/a%20b?q=1&r=%3C2%3E"),
    ]
    strong = [pandoc_text(s["c"]) for s in _inlines(rich_ast, "Strong")]
    emph = [pandoc_text(e["c"]) for e in _inlines(rich_ast, "Emph")]
    assert strong == ["both sides"]
    assert emph == ["Nobody", "memorandum"]


def _inlines(ast: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return pandoc_blocks({"blocks": ast["blocks"]}, kind)


def test_byline_names_authors_source_and_date(rich_ast: dict[str, Any]) -> None:
    first = pandoc_text(rich_ast["blocks"][0]["c"])
    # The date written out in the article's language, not as the source gave it (2025-06-02).
    # No-break spaces hold the date together.
    date = "2\u00a0June\u00a02025"
    assert first == f"By Olena Kovalenko and Γιώργος Παπαδόπουλος · Example News · {date}"


def test_byline_links_the_source_only_to_safe_urls(
    style: Style, tmp_path: Path, pandoc_ast: PandocAst, caplog: pytest.LogCaptureFixture
) -> None:
    meta = ArticleMeta(title="T", authors=("A",), source="Wire", url="javascript:alert(1)")
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        ast = pandoc_ast(write(Article(meta, ()), style, tmp_path), "docx")
    assert pandoc_text(ast["blocks"][0]["c"]) == "By A · Wire"
    assert links(ast) == []
    assert "javascript:alert(1)" in caplog.text


def test_every_word_of_the_article_survives(
    rich_ast: dict[str, Any], rich_article: Article
) -> None:
    text = all_pandoc_text(rich_ast)
    words = {word for piece in model_texts(rich_article) for word in piece.split()}
    missing = sorted(word for word in words if word not in text)
    assert not missing


@pytest.mark.parametrize("golden", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.stem)
def test_every_case_round_trips(
    golden: Path,
    style: Style,
    tmp_path: Path,
    pandoc_ast: PandocAst,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from briefconv.serialize import from_json

    article = from_json(golden.read_text(encoding="utf-8"))
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        ast = pandoc_ast(write(article, style, tmp_path), "docx")
    assert not caplog.records
    assert meta_text(ast, "title") == article.meta.title
    expected = [(b.level, plain_text(b.children)) for b in article.blocks if isinstance(b, Heading)]
    found = [(h["c"][0], pandoc_text(h["c"][2])) for h in pandoc_blocks(ast, "Header")]
    assert found == expected
    kinds = {Quote: "BlockQuote", BulletList: "BulletList", OrderedList: "OrderedList"}
    for model_type, pandoc_type in kinds.items():
        count = sum(isinstance(b, model_type) for b in article.blocks)
        # Adjacent quotes merge into one BlockQuote in pandoc; lists never merge.
        if model_type is Quote:
            assert (count > 0) == bool(pandoc_blocks(ast, pandoc_type))
        else:
            assert len(pandoc_blocks(ast, pandoc_type)) == count
    text = all_pandoc_text(ast)
    words = {word for piece in model_texts(article) for word in piece.split()}
    assert sorted(word for word in words if word not in text) == []


# --- numbering -------------------------------------------------------------------------


def test_each_ordered_list_restarts(style: Style, tmp_path: Path, pandoc_ast: PandocAst) -> None:
    article = Article(
        ArticleMeta(title="Lists"),
        (
            OrderedList(((Text("one"),), (Text("two"),), (Text("three"),))),
            Paragraph((Text("Between the lists."),)),
            OrderedList(((Text("again one"),), (Text("again two"),))),
            OrderedList(((Text("adjacent one"),),)),
            OrderedList(((Text("four"),), (Text("five"),)), start=4),
            BulletList(((Text("a"),),)),
            BulletList(((Text("b"),), (Text("c"),))),
        ),
    )
    path = write(article, style, tmp_path)
    ast = pandoc_ast(path, "docx")
    ordered = [(o["c"][0][0], len(o["c"][1])) for o in pandoc_blocks(ast, "OrderedList")]
    assert ordered == [(1, 3), (1, 2), (1, 1), (4, 2)]
    assert [len(b["c"]) for b in pandoc_blocks(ast, "BulletList")] == [1, 2]
    # Word itself: every list has its own w:num, and ordered ones say where they start.
    body = part(path, "word/document.xml")
    num_ids = [
        p.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val")
        for p in body.iter(f"{W}p")
        if p.find(f"{W}pPr/{W}numPr") is not None
    ]
    assert len(set(num_ids)) == 6
    numbering = part(path, "word/numbering.xml")
    starts = {
        num.get(f"{W}numId"): num.find(f"{W}lvlOverride/{W}startOverride").get(f"{W}val")
        for num in numbering.iter(f"{W}num")
        if num.find(f"{W}lvlOverride/{W}startOverride") is not None
    }
    assert sorted(starts.values()) == ["1", "1", "1", "4"]


# --- hostile input ---------------------------------------------------------------------


def test_markup_in_text_stays_literal(
    hostile_article: Article,
    style: Style,
    tmp_path: Path,
    pandoc_ast: PandocAst,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        ast = pandoc_ast(write(hostile_article, style, tmp_path), "docx")
    assert meta_text(ast, "title") == HOSTILE
    assert meta_text(ast, "subtitle") == HOSTILE
    (heading,) = pandoc_blocks(ast, "Header")
    assert pandoc_text(heading["c"][2]) == HOSTILE
    text = all_pandoc_text(ast)
    for fragment in (
        "<b>bold?</b>",
        '<img src="/etc/passwd"/>',
        "<font color=\"[[[getattr(pow, 'x')]]]\">x</font>",
        "Tom & Jerry",
        "<script>alert(1)</script>",
        "&amp;",
        "<i>unclosed",
    ):
        assert fragment in text
    assert HOSTILE + "click <me>" in text
    (quote,) = pandoc_blocks(ast, "BlockQuote")
    assert [pandoc_text(p["c"]) for p in quote["c"]] == [HOSTILE, "— " + HOSTILE]
    (bullets,) = pandoc_blocks(ast, "BulletList")
    assert [pandoc_text(i) for i in bullets["c"]] == [HOSTILE]
    # The javascript: link is text, never a link, and the loss of its target is logged.
    assert links(ast) == []
    assert any("javascript:alert(1)" in r.getMessage() for r in caplog.records)


def test_unsafe_urls_never_reach_the_package(
    hostile_article: Article, style: Style, tmp_path: Path
) -> None:
    path = write(hostile_article, style, tmp_path)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            assert b"javascript:" not in z.read(name), name


# --- Word-level details ----------------------------------------------------------------


def test_links_are_real_hyperlinks_in_the_link_style(
    rich_article: Article, style: Style, tmp_path: Path
) -> None:
    path = write(rich_article, style, tmp_path)
    body = part(path, "word/document.xml")
    rels = part(path, "word/_rels/document.xml.rels")
    targets = {rel.get("Id"): (rel.get("Target"), rel.get("TargetMode")) for rel in rels.iter()}
    hyperlinks = list(body.iter(f"{W}hyperlink"))
    assert [targets[h.get(R_ID)] for h in hyperlinks] == [
        ("https://example.org/news/istanbul-talks", "External"),
        ("https://example.org/a%20b?q=1&r=%3C2%3E", "External"),
    ]
    for hyperlink in hyperlinks:
        for run in hyperlink.iter(f"{W}r"):
            assert run.find(f"{W}rPr/{W}rStyle").get(f"{W}val") == "Hyperlink"
    doc = Document(str(path))
    link_style = doc.styles["Hyperlink"]
    assert str(link_style.font.color.rgb) == style.role("link").color.lstrip("#")
    assert link_style.font.underline is True


def test_formatting_inside_links_is_kept(
    style: Style, tmp_path: Path, pandoc_ast: PandocAst
) -> None:
    article = Article(
        ArticleMeta(title="Links"),
        (
            Paragraph(
                (
                    Link(
                        "mailto:desk@example.org",
                        (Text("write "), Strong((Text("to"),)), Emphasis((Text(" us"),))),
                    ),
                )
            ),
        ),
    )
    ast = pandoc_ast(write(article, style, tmp_path), "docx")
    assert links(ast) == [("write to us", "mailto:desk@example.org")]
    assert [pandoc_text(s["c"]) for s in _inlines(ast, "Strong")] == ["to"]
    assert [pandoc_text(s["c"]).strip() for s in _inlines(ast, "Emph")] == ["us"]


def test_styles_follow_the_roles(rich_article: Article, style: Style, tmp_path: Path) -> None:
    doc = Document(str(write(rich_article, style, tmp_path)))
    table = {
        "Normal": "body",
        "Body Text": "body",
        "Title": "title",
        "Subtitle": "subtitle",
        "Byline": "byline",
        "Heading 1": "heading1",
        "Heading 2": "heading2",
        "Heading 3": "heading3",
        "Quote": "quote",
        "Quote Attribution": "quote_attribution",
        "List Bullet": "list",
        "List Number": "list",
        "Header": "header",
        "Footer": "footer",
    }
    for name, role_name in table.items():
        role = style.role(role_name)
        word = doc.styles[name]
        assert word.font.name == style.family(role).name, name
        assert word.font.size == Pt(role.size), name
        assert str(word.font.color.rgb) == role.color.lstrip("#"), name
        assert bool(word.font.bold) == role.bold, name
        assert bool(word.font.italic) == role.italic, name
        fmt = word.paragraph_format
        # The quote box has the geometry every format shares (test_quote_box_*).
        if not name.startswith("Quote"):
            assert fmt.space_before == Pt(role.space_before), name
            assert fmt.space_after == Pt(role.space_after), name
            assert (fmt.left_indent or 0) == Pt(role.indent), name
        # Lines line_height x size apart, as in the PDF (leading) and the CSS (line-height);
        # "at least", since Word's "multiple" multiplies the font's line, not its size.
        assert fmt.line_spacing_rule == WD_LINE_SPACING.AT_LEAST, name
        assert abs(fmt.line_spacing - Pt(role.size * role.line_height)) <= Pt(0.05), name
        assert fmt.alignment == _WORD_ALIGN[role.align], name
        rpr = word.element.rPr
        assert rpr.find(f"{W}szCs").get(f"{W}val") == str(round(role.size * 2)), name
    quote = doc.styles["Quote"].element.pPr
    border = quote.find(f"{W}pBdr/{W}left")
    assert border.get(f"{W}color") == style.role("quote").border_color.lstrip("#")
    shading = quote.find(f"{W}shd")
    assert shading.get(f"{W}fill") == style.role("quote").background.lstrip("#")


def test_no_theme_fonts_left(rich_article: Article, style: Style, tmp_path: Path) -> None:
    path = write(rich_article, style, tmp_path)
    with zipfile.ZipFile(path) as z:
        styles_xml = z.read("word/styles.xml").decode("utf-8")
        names = z.namelist()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        assert attr not in styles_xml
    # The template's Word 2010 copy of the styles (full of theme fonts) is gone too.
    assert "word/stylesWithEffects.xml" not in names
    assert "docProps/thumbnail.jpeg" not in names
    defaults = part(path, "word/styles.xml").find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults is not None
    fonts = defaults.find(f"{W}rFonts")
    assert fonts is not None
    assert fonts.get(f"{W}ascii") == style.family("body").name


def test_document_language(style: Style, tmp_path: Path) -> None:
    article = Article(ArticleMeta(title="Переговори", language="uk"), (Paragraph((Text("Київ"),)),))
    path = write(article, style, tmp_path)
    lang = part(path, "word/styles.xml").find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang is not None
    assert lang.get(f"{W}val") == "uk"
    assert Document(str(path)).core_properties.language == "uk"


def test_core_properties(rich_article: Article, style: Style, tmp_path: Path) -> None:
    path = write(rich_article, style, tmp_path)
    props = Document(str(path)).core_properties
    assert props.title == rich_article.meta.title
    assert props.author == "Olena Kovalenko; Γιώργος Παπαδόπουλος"
    assert props.language == "en"
    assert props.subject == rich_article.meta.subtitle
    assert props.last_modified_by == "briefconv"
    assert props.revision == 1
    assert props.comments == ""
    assert props.created == pack_datetime(handout(rich_article)) == datetime(2025, 6, 2, tzinfo=UTC)
    assert props.modified == props.created
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("docProps/"):
                content = z.read(name)
                assert b"python-docx" not in content, name
                assert b"2013" not in content, name


def test_overlong_title_is_cut_in_metadata_only(
    style: Style, tmp_path: Path, pandoc_ast: PandocAst, caplog: pytest.LogCaptureFixture
) -> None:
    title = "Long " * 80
    article = Article(ArticleMeta(title=title.strip()), ())
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        path = write(article, style, tmp_path)
    assert len(Document(str(path)).core_properties.title) == 255
    assert "title" in caplog.text
    assert meta_text(pandoc_ast(path, "docx"), "title") == title.strip()


def test_page_size_and_margins_come_from_the_style(
    rich_article: Article, style: Style, tmp_path: Path
) -> None:
    # No max_measure: the margins exactly as given.
    letter = dataclasses.replace(style, page=Page(612.0, 792.0, 36.0, 54.0, 72.0, 90.0))
    for name, current in (("a4.docx", style), ("letter.docx", letter)):
        section = Document(str(write(rich_article, current, tmp_path, name))).sections[0]
        # The bundled style's side margins widen to its measure, as the PDF's do.
        page = fit_measure(current).page
        tolerance = Pt(0.05)  # Word stores twips
        for measured, wanted in (
            (section.page_width, page.width),
            (section.page_height, page.height),
            (section.top_margin, page.margin_top),
            (section.right_margin, page.margin_right),
            (section.bottom_margin, page.margin_bottom),
            (section.left_margin, page.margin_left),
        ):
            assert abs(measured - Pt(wanted)) <= tolerance


def test_footer_has_page_fields(rich_article: Article, style: Style, tmp_path: Path) -> None:
    path = write(rich_article, style, tmp_path)
    body = part(path, "word/document.xml")
    sect = body.find(f"{W}body/{W}sectPr")
    assert sect is not None
    refs = {ref.get(f"{W}type"): ref.get(f"{R}id") for ref in sect.iter(f"{W}footerReference")}
    assert set(refs) == {"default", "first"}
    assert sect.find(f"{W}titlePg") is not None
    targets = _targets(path)
    # Pages 2 on: "Page X of Y" in fields. Page 1 (the title) has neither running title
    # nor page number (issue 16), so a one-page handout never says "Page 1 of 1": a DOCX
    # cannot know its page count, and LibreOffice prints IF NUMPAGES > 1's fields as "111".
    footer = part(path, targets[refs["default"]])
    kinds = [f.get(f"{W}fldCharType") for f in footer.iter(f"{W}fldChar")]
    assert kinds == ["begin", "separate", "end"] * 2
    assert [i.text for i in footer.iter(f"{W}instrText")] == [" PAGE ", " NUMPAGES "]
    (paragraph,) = footer.iter(f"{W}p")
    assert paragraph.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Footer"
    first = part(path, targets[refs["first"]])
    assert not list(first.iter(f"{W}fldChar")) and not "".join(first.itertext()).strip()
    # The running title from page 2, over a hairline, as the PDF draws it.
    heads = {ref.get(f"{W}type"): ref.get(f"{R}id") for ref in sect.iter(f"{W}headerReference")}
    header = part(path, targets[heads["default"]])
    assert "".join(header.itertext()) == rich_article.meta.title
    assert header.find(f".//{W}pBdr/{W}bottom") is not None
    assert not "".join(part(path, targets[heads["first"]]).itertext()).strip()


def _targets(path: Path) -> dict[str, str]:
    """Relationship id -> part name ("word/footer1.xml") of the main document part."""
    rels = part(path, "word/_rels/document.xml.rels")
    return {r.get("Id"): "word/" + r.get("Target") for r in rels}


def test_a_ukrainian_handout_is_worded_in_ukrainian(style: Style) -> None:
    article = Article(
        ArticleMeta(title="Переговори", authors=("Олена Коваль",), language="uk"),
        (Paragraph((Text("Текст."),)), Figure("https://x.example/map.png", "Мапа")),
    )
    doc = Document(io.BytesIO(DocxWriter().write_pack(handout(article), style)))
    section = doc.sections[0]
    assert [p.text for p in section.footer.paragraphs] == ["Сторінка 1 з 1"]  # cached fields
    assert [p.text for p in section.first_page_footer.paragraphs] == [""]  # page 1: none
    assert [p.text for p in section.header.paragraphs] == ["Переговори"]
    texts = {p.style.name: p.text for p in doc.paragraphs}
    assert texts["Byline"] == "Автор: Олена Коваль"
    assert "[Зображення: Мапа]" in [p.text for p in doc.paragraphs]


def test_an_untitled_handout_says_so_in_its_language(style: Style) -> None:
    article = Article(ArticleMeta(title="", language="de"), (Paragraph((Text("Text."),)),))
    doc = Document(io.BytesIO(DocxWriter().write_pack(handout(article), style)))
    assert doc.paragraphs[0].style.name == "Title"
    assert doc.paragraphs[0].text == "Ohne Titel"
    assert doc.sections[0].footer.paragraphs[0].text == "Seite 1 von 1"


def test_word_structure_uses_builtin_styles(
    rich_article: Article, style: Style, tmp_path: Path
) -> None:
    doc = Document(str(write(rich_article, style, tmp_path)))
    names = [p.style.name for p in doc.paragraphs]
    assert names == [
        "Title",
        "Subtitle",
        "Byline",
        "Body Text",
        "Heading 1",
        "Body Text",
        "Quote",
        "Quote Attribution",
        "Heading 2",
        "List Bullet",
        "List Bullet",
        "List Bullet",
        "Heading 3",
        "List Number",
        "List Number",
        "Body Text",
    ]


# --- [docx] template ---------------------------------------------------------------------

TEMPLATE_TEXT = "TEMPLATE BODY TEXT that must not survive"
DOTX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def make_template(
    path: Path, *, header: str | None = None, numbering: bool = True, dotx: bool = False
) -> Path:
    """A Word template made with python-docx: Heading 1 20 pt red, A5 landscape pages,
    body text of its own, and no Heading 2, Body Text, Quote or list styles (we must create
    those)."""
    doc = Document()
    heading = doc.styles["Heading 1"]
    heading.font.size = Pt(20)
    heading.font.color.rgb = RGBColor(0xFF, 0x00, 0x00)
    for name in ("Heading 2", "Body Text", "Quote", "List Bullet", "List Number"):
        element = doc.styles[name].element
        element.getparent().remove(element)
    if not numbering:
        for rid, rel in list(doc.part.rels.items()):
            if rel.reltype.endswith("/numbering"):
                del doc.part.rels[rid]
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(210), Mm(148)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Mm(12))
    if header is not None:
        section.header.paragraphs[0].text = header
    doc.add_paragraph(TEMPLATE_TEXT, style="Heading 1")
    doc.add_paragraph(TEMPLATE_TEXT)
    buffer = io.BytesIO()
    doc.save(buffer)
    data = buffer.getvalue()
    if dotx:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                member = src.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    member = member.replace(DOCX_MAIN.encode(), DOTX_MAIN.encode())
                dst.writestr(info, member)
        data = out.getvalue()
    path.write_bytes(data)
    return path


def style_element(path: Path, name: str) -> etree._Element:
    for element in part(path, "word/styles.xml").iter(f"{W}style"):
        found = element.find(f"{W}name")
        if found is not None and found.get(f"{W}val", "").lower() == name.lower():
            return element
    raise AssertionError(f"no style {name!r}")


def rpr_val(element: etree._Element, tag: str, attr: str = "val") -> str | None:
    found = element.find(f"{W}rPr/{W}{tag}")
    return None if found is None else found.get(f"{W}{attr}")


@pytest.fixture(params=["docx", "dotx"])
def templated(
    request: pytest.FixtureRequest, rich_article: Article, style: Style, tmp_path: Path
) -> tuple[Path, Path, Style]:
    dotx = request.param == "dotx"
    template = make_template(tmp_path / f"house.{request.param}", dotx=dotx)
    with_template = style.with_options("docx", template=str(template))
    return template, write(rich_article, with_template, tmp_path), with_template


def test_template_styles_win_where_it_defines_them(
    templated: tuple[Path, Path, Style], style: Style
) -> None:
    template, path, _ = templated
    heading = style_element(path, "Heading 1")
    assert rpr_val(heading, "sz") == "40"  # 20 pt, the template's, not heading1's 14 pt
    assert rpr_val(heading, "color") == "FF0000"
    # Theme fonts are the template's business in the styles it defines.
    assert rpr_val(heading, "rFonts", "asciiTheme") == "majorHAnsi"
    # Styles the template lacks are created and follow the roles.
    for name, role_name in (
        ("Heading 2", "heading2"),
        ("Body Text", "body"),
        ("Quote", "quote"),
        ("List Bullet", "list"),
        ("Quote Attribution", "quote_attribution"),
        ("Byline", "byline"),
    ):
        role = style.role(role_name)
        element = style_element(path, name)
        assert rpr_val(element, "sz") == rpr_val(element, "szCs") == str(round(role.size * 2))
        assert rpr_val(element, "color") == role.color.lstrip("#"), name
        assert rpr_val(element, "rFonts", "ascii") == style.family(role).name, name
        assert rpr_val(element, "rFonts", "asciiTheme") is None, name
    quote = style_element(path, "Quote").find(f"{W}pPr")
    assert quote is not None
    assert quote.find(f"{W}pBdr/{W}left").get(f"{W}color") == "2F5597"  # type: ignore[union-attr]
    # A created heading level keeps Word's outline level (navigation pane, pandoc).
    h2 = style_element(path, "Heading 2")
    assert h2.find(f"{W}pPr/{W}outlineLvl").get(f"{W}val") == "1"  # type: ignore[union-attr]
    assert template.exists()


def test_template_page_setup_is_kept(templated: tuple[Path, Path, Style]) -> None:
    template, path, _ = templated
    with zipfile.ZipFile(template) as z:
        wanted = etree.fromstring(z.read("word/document.xml")).find(f"{W}body/{W}sectPr")
    found = part(path, "word/document.xml").find(f"{W}body/{W}sectPr")
    assert wanted is not None and found is not None
    for tag in ("pgSz", "pgMar"):
        assert dict(found.find(f"{W}{tag}").attrib) == dict(wanted.find(f"{W}{tag}").attrib)  # type: ignore[union-attr]
    section = Document(str(path)).sections[0]
    width, height, left = section.page_width, section.page_height, section.left_margin
    assert width is not None and height is not None and left is not None
    assert (round(width.mm), round(height.mm)) == (210, 148)
    assert round(left.mm) == 12  # not the style's 22 mm


def test_template_content_is_gone(
    templated: tuple[Path, Path, Style], rich_article: Article, pandoc_ast: PandocAst
) -> None:
    _, path, _ = templated
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            assert TEMPLATE_TEXT.encode() not in z.read(name), name
            if name.startswith("docProps/"):
                assert b"python-docx" not in z.read(name), name
        content_types = z.read("[Content_Types].xml").decode()
    assert DOCX_MAIN in content_types and DOTX_MAIN not in content_types
    doc = Document(str(path))
    assert doc.paragraphs[0].text == rich_article.meta.title
    assert doc.core_properties.author == "Olena Kovalenko; Γιώργος Παπαδόπουλος"
    assert doc.core_properties.comments == ""
    # No template header: ours, with the page-number fields.
    footers = [f for f in part(path, "word/document.xml").iter(f"{W}footerReference")]
    assert len(footers) == 2


def test_template_output_reads_back(
    templated: tuple[Path, Path, Style], rich_article: Article, pandoc_ast: PandocAst
) -> None:
    _, path, _ = templated
    ast = pandoc_ast(path, "docx")
    assert meta_text(ast, "title") == rich_article.meta.title
    found = [(h["c"][0], pandoc_text(h["c"][2])) for h in pandoc_blocks(ast, "Header")]
    assert found == [(1, "A Tense Start"), (2, "Positions"), (3, "Next steps")]
    (quote,) = pandoc_blocks(ast, "BlockQuote")
    assert pandoc_text(quote["c"][-1]["c"]) == "— Turkish Foreign Ministry"
    (bullets,) = pandoc_blocks(ast, "BulletList")
    assert len(bullets["c"]) == 3
    (ordered,) = pandoc_blocks(ast, "OrderedList")
    assert ordered["c"][0][0] == 1 and len(ordered["c"][1]) == 2


def test_template_output_is_deterministic(
    templated: tuple[Path, Path, Style], rich_article: Article
) -> None:
    _, path, with_template = templated
    assert DocxWriter().write_pack(handout(rich_article), with_template) == path.read_bytes()


def test_template_headers_are_kept_and_said_once(
    rich_article: Article, style: Style, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    template = make_template(tmp_path / "acme.docx", header="ACME CONFIDENTIAL")
    with_template = style.with_options("docx", template=str(template))
    with caplog.at_level(logging.DEBUG, logger="briefconv"):
        path = write(rich_article, with_template, tmp_path)
    with zipfile.ZipFile(path) as z:
        headers = [n for n in z.namelist() if re.fullmatch(r"word/header\d+\.xml", n)]
        assert [z.read(n).count(b"ACME CONFIDENTIAL") for n in headers] == [1]
        assert not [n for n in z.namelist() if re.fullmatch(r"word/footer\d+\.xml", n)]
    messages = [r for r in caplog.records if "not taken from the style" in r.getMessage()]
    assert len(messages) == 1 and messages[0].levelno == logging.DEBUG
    text = messages[0].getMessage()
    for key in ("page.size", "roles.header", "roles.heading1", "'Heading 1'", "roles.title"):
        assert key in text
    assert "roles.body (Word style 'Body Text'" not in text  # created, so styled by the role
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_template_without_numbering(
    rich_article: Article, style: Style, tmp_path: Path, pandoc_ast: PandocAst
) -> None:
    template = make_template(tmp_path / "plain.docx", numbering=False)
    with zipfile.ZipFile(template) as z:
        assert "word/numbering.xml" not in z.namelist()
    article = dataclasses.replace(
        rich_article,
        blocks=(
            *rich_article.blocks,
            OrderedList(((Text("four"),), (Text("five"),)), start=4),
        ),
    )
    with_template = style.with_options("docx", template=str(template))
    ast = pandoc_ast(write(article, with_template, tmp_path), "docx")
    ordered = [(o["c"][0][0], len(o["c"][1])) for o in pandoc_blocks(ast, "OrderedList")]
    assert ordered == [(1, 2), (4, 2)]
    assert [len(b["c"]) for b in pandoc_blocks(ast, "BulletList")] == [3]


def test_unusable_template_is_a_render_error(
    rich_article: Article, style: Style, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(RenderError, match=r"broken\.docx"):
        DocxWriter().write_pack(
            handout(rich_article), style.with_options("docx", template=str(broken))
        )


@pytest.mark.slow
def test_libreoffice_uses_the_template_page(
    templated: tuple[Path, Path, Style], tmp_path: Path
) -> None:
    _, path, _ = templated
    reader = libreoffice_pdf(path, tmp_path)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 420)  # A5 landscape
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "A Tense Start" in text and TEMPLATE_TEXT not in text


def test_no_debug_message_without_template(
    rich_article: Article, style: Style, caplog: pytest.LogCaptureFixture
) -> None:
    # Word expresses every role key itself: nothing to say without a template.
    with caplog.at_level(logging.DEBUG, logger="briefconv"):
        DocxWriter().write_pack(handout(rich_article), style)
    assert not [r for r in caplog.records if r.getMessage().startswith("docx:")]


# --- determinism -----------------------------------------------------------------------


def test_same_article_same_bytes(rich_article: Article, style: Style) -> None:
    assert DocxWriter().write_pack(handout(rich_article), style) == DocxWriter().write_pack(
        handout(rich_article), style
    )


def test_same_bytes_in_another_process(rich_article: Article, style: Style, tmp_path: Path) -> None:
    here = DocxWriter().write_pack(handout(rich_article), style)
    script = (
        "import sys; sys.path.insert(0, sys.argv[2]);"
        "from conftest import rich_article;"
        "from briefconv.styles import load_style;"
        "from briefconv.pack import handout;"
        "from briefconv.writers.docx import DocxWriter;"
        "open(sys.argv[1], 'wb').write("
        "DocxWriter().write_pack(handout(rich_article.__wrapped__()), load_style('default')))"
    )
    out = tmp_path / "other.docx"
    env = dict(os.environ, PYTHONHASHSEED="12345", TZ="Pacific/Kiritimati")
    subprocess.run(
        [sys.executable, "-c", script, str(out), str(Path(__file__).parent)],
        check=True,
        env=env,
        timeout=120,
    )
    assert out.read_bytes() == here


def test_zip_dates_come_from_the_article(rich_article: Article, style: Style) -> None:
    with zipfile.ZipFile(io.BytesIO(DocxWriter().write_pack(handout(rich_article), style))) as z:
        assert {info.date_time for info in z.infolist()} == {(2025, 6, 2, 0, 0, 0)}


# --- LibreOffice, only where it is installed -------------------------------------------


def libreoffice_pdf(path: Path, tmp_path: Path) -> Any:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        # CI installs LibreOffice and sets this, so there the check can never be skipped.
        if os.environ.get("BRIEFCONV_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required here: apt-get install libreoffice-writer-nogui")
        pytest.skip("LibreOffice (soffice) is not installed")
    from pypdf import PdfReader

    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return PdfReader(path.with_suffix(".pdf"))


def used_fonts(reader: Any) -> set[str]:
    fonts: set[str] = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return fonts


@pytest.mark.slow
def test_libreoffice_renders_it(rich_article: Article, style: Style, tmp_path: Path) -> None:
    reader = libreoffice_pdf(write(rich_article, style, tmp_path), tmp_path)
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Talks in Istanbul",
        "A Tense Start",
        "Київ заявив",
        "Ελλάδα",
        "— Turkish Foreign Ministry",
        "1. Prisoner exchange",
        "2. Second round",
    ):
        assert expected in text
    # One page: no "Page 1 of 1" (issue 16).
    assert len(reader.pages) > 1 or "Page 1 of 1" not in text
    # The template's theme fonts (Calibri/Cambria, or LibreOffice's Carlito/Caladea
    # stand-ins) must not be what the text is set in.
    fonts = used_fonts(reader)
    assert not {f for f in fonts if re.search("Calibri|Cambria|Carlito|Caladea", f)}
    body_font = style.family("body").name
    fc_list = shutil.which("fc-list")
    installed = (
        fc_list
        and body_font
        in subprocess.run(
            [fc_list, ":", "family"], capture_output=True, text=True, check=False
        ).stdout
    )
    if installed:  # LibreOffice can only use the style's font if the machine has it
        assert any(f.startswith(body_font.replace(" ", "")) for f in fonts)


@pytest.mark.slow
def test_libreoffice_numbers_pages_and_runs_the_title(style: Style, tmp_path: Path) -> None:
    words = " ".join(f"word{i}" for i in range(120))
    article = Article(
        ArticleMeta(title="Running Title"),
        tuple(Paragraph((Text(f"Paragraph {n}: {words}"),)) for n in range(40)),
    )
    reader = libreoffice_pdf(write(article, style, tmp_path), tmp_path)
    count = len(reader.pages)
    assert count >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        # From page 2, as in the PDF: page 1 shows the title (issue 16).
        assert (f"Page {number} of {count}" in text) is (number > 1)
        # Page 1 carries the Title paragraph only; later pages the running header.
        assert text.count("Running Title") == 1
