"""The DOCX writer's version 2 nodes (code blocks, tables, footnotes, strikethrough, task
lists), checked in the XML Word reads and with real readers: pandoc and LibreOffice.

Everything is rendered from ``tests/rich.py``'s :data:`RICH`, which has every such node in
the shapes real articles give it (hostile text in code and cells, a table crossing pages,
notes in a paragraph, a list item and a table cell).
"""

from __future__ import annotations

import io
import re
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
    CodeBlock,
    Link,
    Note,
    Pack,
    Paragraph,
    Table,
    Text,
    block_text,
    notes_in,
    plain_text,
)
from briefconv.pack import handout
from briefconv.styles import Style
from briefconv.writers.docx import DocxWriter
from briefconv.writers.docx._tables import column_widths

from .conftest import HOSTILE
from .readback import pandoc_blocks, pandoc_text, words
from .rich import CODE, RICH

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
PandocAst = Callable[[Path, str], dict[str, Any]]

#: What the second article of the test pack says in its note (the pack numbers notes 1-5).
SECOND_NOTE = "Second article note with a link"


def render(article: Article, style: Style) -> bytes:
    return DocxWriter().write_pack(handout(article), style)


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.namelist()


def second_article() -> Article:
    note = Note(
        (
            Paragraph(
                (
                    Text("Second article note with "),
                    Link("https://example.org/n", (Text("a link"),)),
                )
            ),
        )
    )
    return Article(ArticleMeta(title="Second"), (Paragraph((Text("Other"), note)),))


def two_article_pack() -> Pack:
    return briefconv.make_pack(
        [RICH, second_article()], briefconv.PackMeta(title="Pack", date="2026-06-03")
    )


def inline_text(node: Any) -> str:
    """:func:`pandoc_text` leaving out footnotes (a cell's text without its note's)."""
    if isinstance(node, dict):
        if node.get("t") == "Note":
            return ""
        if node.get("t") in ("Str", "Space", "SoftBreak", "LineBreak", "Code"):
            return pandoc_text(node)
        return inline_text(node.get("c", []))
    if isinstance(node, list):
        return "".join(inline_text(n) for n in node)
    return ""


def blocks_text(blocks: list[dict[str, Any]]) -> str:
    """The text of pandoc blocks, a space between blocks, code blocks included."""
    return " ".join(b["c"][1] if b["t"] == "CodeBlock" else pandoc_text(b) for b in blocks)


def code_paragraphs(root: etree._Element) -> list[etree._Element]:
    """The paragraphs in Word's code style, "Source Code"."""
    style = f"{W}pPr/{W}pStyle[@{W}val='SourceCode']"
    return [p for p in root.iter(f"{W}p") if p.find(style) is not None]


def table_rows(table: dict[str, Any]) -> list[list[str]]:
    """The cell texts of a pandoc Table (pandoc 3 AST): header rows, then body rows."""
    _attr, _caption, _specs, head, bodies, _foot = table["c"]
    rows = list(head[1])
    for body in bodies:
        rows += body[2] + body[3]  # intermediate head rows, then body rows
    return [[" ".join(inline_text(cell[4]).split()) for cell in row[1]] for row in rows]


def model_rows(table: Table) -> list[list[str]]:
    return [[" ".join(plain_text(c).split()) for c in row] for row in (table.header, *table.rows)]


def pandoc_plain(path: Path) -> str:
    """pandoc's plain-text rendering of a DOCX (code, cells and notes included)."""
    import pypandoc

    return subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "docx", "-t", "plain", "--wrap=none", str(path)],
        capture_output=True,
        check=True,
        text=True,
        timeout=120,
    ).stdout


@pytest.fixture(scope="module")
def rich_docx(style: Style) -> bytes:
    return render(RICH, style)


@pytest.fixture(scope="module")
def rich_path(rich_docx: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gfm") / "rich.docx"
    path.write_bytes(rich_docx)
    return path


@pytest.fixture(scope="module")
def rich_ast(rich_path: Path, pandoc_ast: PandocAst) -> dict[str, Any]:
    return pandoc_ast(rich_path, "docx")


# --- what pandoc reads back -------------------------------------------------------------


def test_pandoc_reads_each_code_block_with_its_exact_text(rich_ast: dict[str, Any]) -> None:
    expected = [b.text for b in RICH.blocks if isinstance(b, CodeBlock)]
    expected.insert(0, "annex = 'B'\n  indented  twice")  # the note's, first in document order
    found = [block["c"][1] for block in pandoc_blocks(rich_ast, "CodeBlock")]
    assert found == expected
    # Indentation, two spaces inside a line, a blank line, a tab, markup-looking text.
    assert CODE in found and "\treturn totals" in CODE and "<b>not markup</b> &" in CODE


def test_pandoc_reads_the_table_with_its_header_and_every_cell(rich_ast: dict[str, Any]) -> None:
    (table,) = pandoc_blocks(rich_ast, "Table")
    model = next(b for b in RICH.blocks if isinstance(b, Table))
    assert table_rows(table) == model_rows(model)
    head_rows = table["c"][3][1]
    assert len(head_rows) == 1  # the header is a header, not a first body row
    aligns = [spec[0]["t"] for spec in table["c"][2]]
    assert aligns == ["AlignRight", "AlignLeft", "AlignCenter"]


def test_pandoc_reads_every_note_with_its_text(rich_ast: dict[str, Any]) -> None:
    notes = pandoc_blocks(rich_ast, "Note")
    model = [note for block in RICH.blocks for note in notes_in(block)]
    assert len(notes) == len(model) == 4
    for found, note in zip(notes, model, strict=True):
        expected = " ".join(block_text(b) for b in note.blocks)
        assert words(blocks_text(found["c"])) == words(expected)
    # The note in the table cell stays in its cell.
    (table,) = pandoc_blocks(rich_ast, "Table")
    assert any(
        n["c"][0]["c"][0]["c"] == "Provisional" for n in pandoc_blocks({"blocks": table}, "Note")
    )


def test_pandoc_reads_strikeout(rich_ast: dict[str, Any]) -> None:
    assert [pandoc_text(s["c"]) for s in pandoc_blocks(rich_ast, "Strikeout")] == [
        "revised down",
        "draft",
    ]


def test_task_items_start_with_their_ballot_box(rich_ast: dict[str, Any]) -> None:
    bullets, numbered = (
        pandoc_blocks(rich_ast, "BulletList")[0],
        pandoc_blocks(rich_ast, "OrderedList")[-1],
    )
    firsts = [pandoc_text(item[0]["c"]).split(" ")[0] for item in bullets["c"]]
    assert firsts == ["\u2612", "\u2610", "Brief"]  # done, open, not a task
    assert [pandoc_text(item[0]["c"])[:1] for item in numbered["c"][1]] == ["\u2610", "\u2612"]


def test_every_word_of_every_block_is_in_pandocs_text(rich_path: Path, pandoc_ast: Any) -> None:
    # pandoc_ast is asked for so the test is marked slow: it runs pandoc itself.
    found = set(words(pandoc_plain(rich_path)))
    expected = [w for block in RICH.blocks for w in words(block_text(block))]
    missing = sorted({w for w in expected if w not in found})
    assert not missing  # 100 % recall, notes, cells and code included


def test_pandoc_reads_markup_in_code_and_cells_as_text(
    style: Style, tmp_path: Path, pandoc_ast: PandocAst
) -> None:
    article = Article(
        ArticleMeta(title="Hostile"),
        (
            CodeBlock(HOSTILE + "\n  " + HOSTILE),
            Table(((Text(HOSTILE),),), (((Text(HOSTILE),),),)),
        ),
    )
    path = tmp_path / "hostile.docx"
    path.write_bytes(render(article, style))
    ast = pandoc_ast(path, "docx")
    assert [b["c"][1] for b in pandoc_blocks(ast, "CodeBlock")] == [HOSTILE + "\n  " + HOSTILE]
    (table,) = pandoc_blocks(ast, "Table")
    assert table_rows(table) == [[" ".join(HOSTILE.split())]] * 2
    assert not list(part(path.read_bytes(), "word/document.xml").iter("script", "b", "img"))


# --- the XML Word reads ------------------------------------------------------------------


def test_code_is_one_source_code_paragraph_keeping_every_space(
    rich_docx: bytes, style: Style
) -> None:
    body = part(rich_docx, "word/document.xml")
    code = code_paragraphs(body)
    assert len(code) == 2
    first = code[0]
    assert len(first.findall(f".//{W}br")) == CODE.count("\n")
    assert len(first.findall(f".//{W}tab")) == CODE.count("\t")
    assert all(t.get(XML_SPACE) == "preserve" for t in first.iter(f"{W}t"))
    # Short listings are kept on one page; a long one may break (see the next test).
    assert all(p.find(f"{W}pPr/{W}keepLines") is not None for p in code)
    styles = part(rich_docx, "word/styles.xml")
    (source,) = styles.xpath("//w:style[w:name/@w:val='Source Code']", namespaces={"w": W[1:-1]})
    assert source.find(f"{W}rPr/{W}noProof") is not None
    assert source.find(f"{W}pPr/{W}suppressAutoHyphens") is not None
    assert source.find(f"{W}rPr/{W}rFonts").get(f"{W}ascii") == style.fonts["mono"].name


def test_a_long_listing_may_break_across_pages(style: Style) -> None:
    listing = "\n".join(f"line {n}" for n in range(40))
    data = render(Article(ArticleMeta(title="Long"), (CodeBlock(listing),)), style)
    (code,) = code_paragraphs(part(data, "word/document.xml"))
    assert code.find(f"{W}pPr/{W}keepLines") is None


def test_table_is_a_word_table_as_wide_as_the_text(rich_docx: bytes, style: Style) -> None:
    body = part(rich_docx, "word/document.xml")
    (tbl,) = body.iter(f"{W}tbl")
    rows = tbl.findall(f"{W}tr")
    assert len(rows) == 43  # header, two hand-made rows, 40 generated ones
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    sect = body.find(f"{W}body/{W}sectPr")
    size, margins = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
    text_width = int(size.get(f"{W}w")) - sum(
        int(margins.get(f"{W}{s}")) for s in ("left", "right")
    )
    grid = [int(c.get(f"{W}w")) for c in tbl.iter(f"{W}gridCol")]
    assert sum(grid) == int(tbl.find(f"{W}tblPr/{W}tblW").get(f"{W}w")) == text_width
    assert tbl.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
    header_styles = {p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for p in rows[0].iter(f"{W}p")}
    body_styles = {p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for p in rows[1].iter(f"{W}p")}
    assert (header_styles, body_styles) == ({"TableHeading"}, {"TableContents"})
    # A paragraph follows the table (Word merges adjacent tables, and needs one at the end).
    assert tbl.getnext().tag == f"{W}p"
    styles = part(rich_docx, "word/styles.xml")
    table_style = styles.xpath(
        "//w:style[@w:type='table'][w:name/@w:val='Table']", namespaces={"w": W[1:-1]}
    )
    assert table_style and table_style[0].find(f"{W}tblStylePr[@{W}type='firstRow']") is not None


def test_footnotes_are_real_word_footnotes(rich_docx: bytes) -> None:
    body = part(rich_docx, "word/document.xml")
    refs = [int(r.get(f"{W}id")) for r in body.iter(f"{W}footnoteReference")]
    assert refs == [1, 2, 3, 4]
    notes = part(rich_docx, "word/footnotes.xml")
    kinds = [(n.get(f"{W}type"), int(n.get(f"{W}id"))) for n in notes.iter(f"{W}footnote")]
    assert kinds[:2] == [("separator", -1), ("continuationSeparator", 0)]
    assert [i for _, i in kinds[2:]] == refs
    for note in notes.iter(f"{W}footnote"):
        if note.get(f"{W}type") is None:  # each note carries its own mark, once
            assert len(list(note.iter(f"{W}footnoteRef"))) == 1
    with zipfile.ZipFile(io.BytesIO(rich_docx)) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
        settings = z.read("word/settings.xml").decode()
    assert 'PartName="/word/footnotes.xml"' in types and "footnotes+xml" in types
    assert 'relationships/footnotes" Target="footnotes.xml"' in rels
    assert '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>' in settings


def test_struck_text_and_ballot_boxes(rich_docx: bytes, style: Style) -> None:
    body = part(rich_docx, "word/document.xml")
    struck = [
        "".join(r.itertext()) for r in body.iter(f"{W}r") if r.find(f"{W}rPr/{W}strike") is not None
    ]
    assert struck == ["revised down", "draft"]
    boxes = [r for r in body.iter(f"{W}r") if "".join(r.itertext()).strip() in ("\u2610", "\u2612")]
    assert len(boxes) == 4
    # DejaVu Serif, the body face, has no ballot boxes: they are set in DejaVu Sans.
    assert style.family("list").name == "DejaVu Serif"
    assert {b.find(f"{W}rPr/{W}rFonts").get(f"{W}ascii") for b in boxes} == {"DejaVu Sans"}


def test_documents_without_the_new_nodes_get_none_of_their_parts(
    rich_article: Article, style: Style
) -> None:
    data = render(rich_article, style)
    assert "word/footnotes.xml" not in names(data)
    styles = etree.tostring(part(data, "word/styles.xml")).decode()
    for name in ("Source Code", "Table Contents", "Footnote Text", "Footnote Reference"):
        assert f'w:val="{name}"' not in styles


def test_same_bytes_twice(style: Style) -> None:
    assert render(RICH, style) == render(RICH, style)
    pack = two_article_pack()
    assert briefconv.render_pack(pack, "docx") == briefconv.render_pack(pack, "docx")


def test_column_widths_share_the_text_width() -> None:
    assert column_widths([10, 20], [5, 5], 60) == [20.0, 40.0]  # room to spare: spread out
    assert column_widths([10, 200], [10, 40], 100) == [10.0, 90.0]  # long text takes the rest
    assert column_widths([50, 50], [80, 40], 60) == [40.0, 20.0]  # words too long: scaled


# --- packs ---------------------------------------------------------------------------------


def test_a_packs_notes_have_ids_unique_across_its_articles(
    tmp_path: Path, pandoc_ast: PandocAst
) -> None:
    data = briefconv.render_pack(two_article_pack(), "docx")
    body = part(data, "word/document.xml")
    refs = [int(r.get(f"{W}id")) for r in body.iter(f"{W}footnoteReference")]
    assert refs == [1, 2, 3, 4, 5]
    notes = part(data, "word/footnotes.xml")
    assert [int(n.get(f"{W}id")) for n in notes.iter(f"{W}footnote")][2:] == refs
    # Each article numbers its notes from 1: said document-wide and in the last section.
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        settings = z.read("word/settings.xml").decode()
        note_rels = z.read("word/_rels/footnotes.xml.rels").decode()
    assert '<w:footnotePr><w:numRestart w:val="eachSect"/><w:footnote w:id="-1"/>' in settings
    assert len(body.findall(f"{W}body/{W}sectPr/{W}footnotePr/{W}numRestart")) == 1
    assert "https://example.org/n" in note_rels  # a link in a note is related from its part
    path = tmp_path / "pack.docx"
    path.write_bytes(data)
    ast = pandoc_ast(path, "docx")
    texts = [pandoc_text(n["c"]) for n in pandoc_blocks(ast, "Note")]
    assert len(texts) == 5 and texts[-1] == SECOND_NOTE


# --- a template with footnotes of its own ----------------------------------------------------


def test_a_templates_notes_are_not_shipped(
    style: Style, tmp_path: Path, pandoc_ast: PandocAst
) -> None:
    import pypandoc

    template = tmp_path / "reference.docx"
    # pandoc's reference document has a footnotes part with a sample note, and its own
    # 'Source Code', 'Table', 'Footnote Text' and 'Footnote Reference' styles.
    with template.open("wb") as out:
        subprocess.run(
            [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
            stdout=out,
            check=True,
            timeout=60,
        )
    data = render(RICH, style.with_options("docx", template=str(template)))
    notes = part(data, "word/footnotes.xml")
    assert "Footnote Text." not in "".join(notes.itertext())  # the template's sample note
    ids = [int(n.get(f"{W}id")) for n in notes.iter(f"{W}footnote") if n.get(f"{W}type") is None]
    assert ids == [1, 2, 3, 4]
    sect = part(data, "word/document.xml").find(f"{W}body/{W}sectPr")
    assert sect.find(f"{W}footnotePr/{W}numRestart") is None  # one section: no restart
    path = tmp_path / "templated.docx"
    path.write_bytes(data)
    ast = pandoc_ast(path, "docx")
    assert len(pandoc_blocks(ast, "Note")) == 4
    assert [b["c"][1] for b in pandoc_blocks(ast, "CodeBlock")][1] == CODE


# --- LibreOffice ------------------------------------------------------------------------------


@pytest.mark.slow
def test_libreoffice_draws_code_tables_and_notes(rich_path: Path, tmp_path: Path) -> None:
    from .test_writer_docx import libreoffice_pdf

    path = tmp_path / "rich.docx"
    path.write_bytes(rich_path.read_bytes())
    reader = libreoffice_pdf(path, tmp_path)
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    for expected in (
        "Ministry of Finance, press release of 1 June.",
        "Provisional count.",
        "Room 4.12, if free.",
        "clause four",
        "  indented  twice",
        '"""Count  votes per city."""',
        "totals = {}",
        "Tom & Jerry <b>",
        "Київ",
        "Αθήνα",
        "\u2612 Circulate the final text",
        "\u2610 Book the room",
    ):
        assert expected in text, expected
    # The table crosses a page and its header row is drawn again at the top of the next.
    assert sum(bool(re.search(r"No\.\s*City\s*Votes", page)) for page in pages) >= 2
    # Notes are numbered straight through a handout: the fourth is 4, not 1.
    assert re.search(r"4\s*Room 4\.12", text)
