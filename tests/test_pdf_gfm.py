"""The PDF writer on model version 2 (issue 13): code, tables, footnotes, strikethrough, tasks.

Everything is checked on the PDF itself, read back with poppler's pdftotext and pypdf:
the code's spaces and indentation, every word of every block, the table's header on each
page it spans, nothing past the margins, notes after the article linked both ways.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import briefconv
from briefconv.model import (
    Article,
    ArticleMeta,
    Block,
    BulletList,
    Code,
    CodeBlock,
    Emphasis,
    Heading,
    Inline,
    LineBreak,
    Link,
    Note,
    OrderedList,
    PackMeta,
    Paragraph,
    Quote,
    Strikethrough,
    Strong,
    Table,
    Text,
    block_text,
    notes_in,
)
from briefconv.styles import Style
from briefconv.writers._measure import fit_measure

from . import readback
from .rich import CODE, LONG_CELL, RICH

#: How far (points) a glyph box may reach past a margin: rounding in pdftotext's numbers.
_EPSILON = 0.5


@pytest.fixture(scope="module")
def rich_pdf() -> bytes:
    return briefconv.render(RICH, "pdf")


def _poppler(tool: str, *args: str, data: bytes, folder: Path) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"needs poppler's {tool}: apt-get install poppler-utils")
    path = folder / "case.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        [tool, *args, str(path), "-"], capture_output=True, check=True, timeout=120
    )
    return out.stdout.decode("utf-8")


def _layout(data: bytes, folder: Path, *pages: int) -> str:
    """pdftotext -layout of the whole file, or of pages ``first``..``last``."""
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return _poppler("pdftotext", "-layout", "-enc", "UTF-8", *span, data=data, folder=folder)


def _joined(text: str) -> str:
    """Extracted text with wrapped code lines and hyphenated words joined up again."""
    text = re.sub(r"\n[ \t]*↪ ", "", text)  # a code line's continuation (CodeBox)
    return re.sub(r"(\w)-\n\s*(\w)", r"\1\2", text)  # a word hyphenated at a line end


def _page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


# --- what a reader sees, footnote marks included ----------------------------------------


def _shown_inlines(inlines: tuple[Inline, ...], numbers: Iterator[int]) -> str:
    """Plain text as printed: a footnote's mark is its number, glued to the word before."""
    parts: list[str] = []
    for node in inlines:
        match node:
            case Text(text=text) | Code(text=text):
                parts.append(text)
            case Emphasis(children=c) | Strong(children=c) | Link(children=c):
                parts.append(_shown_inlines(c, numbers))
            case Strikethrough(children=c):
                parts.append(_shown_inlines(c, numbers))
            case LineBreak():
                parts.append("\n")
            case Note():
                parts.append(str(next(numbers)))
    return "".join(parts)


def _shown_block(block: Block, numbers: Iterator[int]) -> str:
    """:func:`block_text` without the notes, each mark shown as its number."""
    match block:
        case Heading(children=c) | Paragraph(children=c):
            return _shown_inlines(c, numbers)
        case BulletList(items=items, sublists=subs) | OrderedList(items=items, sublists=subs):
            nested = dict(subs)
            parts = []
            for index, item in enumerate(items):
                parts.append(_shown_inlines(item, numbers))
                if index in nested:
                    parts.append(_shown_block(nested[index], numbers))
            return "\n".join(parts)
        case Table(header=header, rows=rows):
            return "\n".join(
                " ".join(_shown_inlines(cell, numbers) for cell in row) for row in (header, *rows)
            )
        case CodeBlock(text=text):
            return text
        case Quote(paragraphs=ps, attribution=a):
            shown = [_shown_inlines(p.children, numbers) for p in ps]
            return "\n".join([*shown, _shown_inlines(a, numbers)] if a else shown)
        case _:
            return ""


def _expected_words(article: Article) -> list[str]:
    """Every word of every block (notes included), marks glued on as a reader sees them."""
    counter = iter(range(1, 10_000))
    words: list[str] = []
    for block in article.blocks:
        shown = _shown_block(block, counter).split()
        notes = [w for note in notes_in(block) for b in note.blocks for w in block_text(b).split()]
        # The same words as the model's own block text, only some with a number on.
        assert len(shown) + len(notes) == len(block_text(block).split())
        words += shown + notes
    return words


# --- code blocks --------------------------------------------------------------------------


def test_code_keeps_indentation_and_double_spaces(rich_pdf: bytes, tmp_path: Path) -> None:
    lines = _layout(rich_pdf, tmp_path).splitlines()

    def column(needle: str) -> int:
        line = next(line for line in lines if needle in line)
        return line.index(needle)

    left = column("def tally(votes):")
    assert column("totals = {}") - left == 4
    assert column("for city, count in votes:") - left == 4
    assert column("totals[city] = totals.get") - left == 8
    # The tab is expanded to the next stop of four columns.
    assert column("return totals") - left == 4
    text = "\n".join(lines)
    assert '"""Count  votes per city."""' in text
    assert "2026-06-02 10:05    done  (3 cities)" in text
    # The line is longer than the measure: its continuation is marked, its spaces kept.
    assert "count  # <b>not markup</b> & more" in _joined(text)


def test_code_spaces_survive_raw_extraction_too(rich_pdf: bytes, tmp_path: Path) -> None:
    raw = _poppler("pdftotext", "-raw", "-enc", "UTF-8", data=rich_pdf, folder=tmp_path)
    assert '    """Count  votes per city."""' in raw
    reader = PdfReader(io.BytesIO(rich_pdf))
    assert '"""Count  votes per city."""' in reader.pages[0].extract_text()


def test_the_long_code_line_is_wrapped_with_nothing_lost(rich_pdf: bytes, tmp_path: Path) -> None:
    long_line = CODE.splitlines()[-1]
    assert len(long_line) > 140
    text = _layout(rich_pdf, tmp_path)
    # Wrapped: no single line of the page holds it, and its continuation is marked ...
    assert long_line not in text
    assert "↪" in text
    # ... and joined up again, every character is there, in order.
    assert long_line in _joined(text)


def test_a_code_block_longer_than_a_page_splits(tmp_path: Path) -> None:
    code = "\n".join(f"line {i:03d}  =  {i}" for i in range(180))
    article = Article(ArticleMeta(title="Log"), (Heading(1, (Text("Run"),)), CodeBlock(code)))
    data = briefconv.render(article, "pdf")
    assert _page_count(data) >= 3
    text = _layout(data, tmp_path)
    for i in range(180):
        assert f"line {i:03d}  =  {i}" in text


# --- tables -------------------------------------------------------------------------------


def test_every_table_cell_appears(rich_pdf: bytes, tmp_path: Path) -> None:
    text = _joined(_layout(rich_pdf, tmp_path))
    words = Counter(text.split())
    table = next(b for b in RICH.blocks if isinstance(b, Table))
    for row in (table.header, *table.rows):
        for cell in row:
            shown = _shown_inlines(cell, iter([3]))  # the table's only mark is note 3
            assert not Counter(shown.split()) - words, shown
            if len(shown) < 40:  # a short cell is on one line, its spaces intact
                assert shown in text
    # The long cell wraps inside its column, beside the next cell: all its words, in order.
    cell_words = [w for w in text.split() if w in set(LONG_CELL.split())]
    assert " ".join(LONG_CELL.split()) in " ".join(cell_words)


def test_the_header_row_is_on_every_page_the_table_spans(rich_pdf: bytes, tmp_path: Path) -> None:
    pages = [_layout(rich_pdf, tmp_path, n) for n in range(1, _page_count(rich_pdf) + 1)]
    spanned = [page for page in pages if "Tom & Jerry <b>" in page]
    assert len(spanned) >= 2, "the 42-row table is meant to cross a page"
    for page in spanned:
        assert re.search(r"No\.\s+City\s+Votes", page)


def _words_in_bounds(data: bytes, style: Style, folder: Path) -> list[tuple[float, float, str]]:
    """(xMin, xMax, word) of every word whose box passes the left or right margin.

    The margins are the style's widened to its measure (``[page] max_measure``).
    """
    page = fit_measure(style).page
    bbox = _poppler("pdftotext", "-bbox", "-enc", "UTF-8", data=data, folder=folder)
    out = []
    for match in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>', bbox):
        left, right = float(match.group(1)), float(match.group(2))
        if left < page.margin_left - _EPSILON or right > page.width - page.margin_right + _EPSILON:
            end = bbox.index("</word>", match.end())
            out.append((left, right, bbox[match.end() : end]))
    return out


def test_nothing_passes_the_margins(rich_pdf: bytes, style: Style, tmp_path: Path) -> None:
    assert _words_in_bounds(rich_pdf, style, tmp_path) == []


def test_wide_tables_fit_the_frame(style: Style, tmp_path: Path) -> None:
    word = "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnungsentwurf" * 2
    ten = tuple((Text(f"Column {i}"),) for i in range(10))
    article = Article(
        ArticleMeta(title="Wide"),
        (
            Table(ten, (tuple((Text(f"value {i} " + "long" * i),) for i in range(10)),)),
            # The long word last in its row, so that no other cell's text comes between
            # the pieces it is broken into.
            Table(((Text("Note"),), (Text("Word"),)), (((Text("short"),), (Text(word),)),)),
        ),
    )
    data = briefconv.render(article, "pdf")
    assert _words_in_bounds(data, style, tmp_path) == []
    text = _joined(_layout(data, tmp_path))
    # Every cell whole, in reading order (pypdf reads cell by cell), even where a narrow
    # column breaks a word of it ("Colu" / "mn 0" in a column of the 70-character measure).
    cells = "".join(readback.pdf_text(readback.pdf_reader(data)).split())
    for i in range(10):
        assert f"Column{i}" in cells
        assert f"value{i}" + "long" * i in cells
    # The long word is broken to fit, not clipped: its letters are all there, in order.
    assert word in re.sub(r"[\s-]+", "", text)


def test_a_table_cell_taller_than_a_page_splits(tmp_path: Path) -> None:
    huge = " ".join(f"w{i}" for i in range(4000))
    article = Article(
        ArticleMeta(title="Huge"),
        (Table(((Text("Text"),), (Text("N"),)), (((Text(huge),), (Text("1"),)),)),),
    )
    data = briefconv.render(article, "pdf")
    assert _page_count(data) >= 2
    words = Counter(_layout(data, tmp_path).split())
    assert all(words[f"w{i}"] >= 1 for i in range(4000))


# --- footnotes ----------------------------------------------------------------------------


def _internal_links(data: bytes) -> list[tuple[int, int]]:
    """(page of the link, page it goes to) of every link to a place in the document."""
    reader = PdfReader(io.BytesIO(data))
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    out = []
    for n, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            dest: Any = annot.get("/Dest")
            if annot.get("/Subtype") == "/Link" and dest is not None:
                out.append((n, pages[dest[0].idnum]))
    return out


def test_notes_follow_the_article_and_link_both_ways(rich_pdf: bytes, tmp_path: Path) -> None:
    text = _layout(rich_pdf, tmp_path)
    end = text.index("End of the article.")
    heading = text.index("Notes", end)
    assert heading < text.index("Ministry of Finance, press release of 1 June.")
    assert heading < text.index("Provisional count.") < text.index("Room 4.12, if free.")
    # Each note starts with its number.
    assert re.search(r"^\s*1\s+Ministry of Finance", text, re.M)
    assert re.search(r"^\s*4\s+Room 4\.12", text, re.M)
    links = _internal_links(rich_pdf)
    # Four marks linking to their notes, four numbers linking back: every link from one
    # page to another has its way back.
    assert len(links) == 8
    assert Counter(links) == Counter((to, at) for at, to in links)
    assert (0, 0) not in links  # the notes are after the article, not on its first page


def test_every_kind_of_note_block_is_rendered(tmp_path: Path) -> None:
    note = Note(
        (
            Paragraph((Text("First paragraph of the note."),)),
            Quote((Paragraph((Text("Quoted inside a note."),)),), (Text("A Source"),)),
            OrderedList(((Text("numbered one"),), (Text("numbered two"),)), 3),
            BulletList(((Text("bullet item"),),), checks=(True,)),
            CodeBlock("x  =  1"),
        )
    )
    article = Article(ArticleMeta(title="Notes"), (Paragraph((Text("Claim"), note)),))
    text = _layout(briefconv.render(article, "pdf"), tmp_path)
    assert "Claim1" in text
    assert re.search(r"^\s*1\s+First paragraph of the note\.", text, re.M)
    for shown in (
        "Quoted inside a note.",
        "— A Source",
        "3. numbered one",
        "4. numbered two",
        "☒ bullet item",
        "x  =  1",
    ):
        assert shown in text


def test_a_heading_keeps_the_first_rows_of_a_long_table(rich_pdf: bytes, tmp_path: Path) -> None:
    # Room is left on page 1 after the code: the table starts there, under its heading,
    # rather than moving to page 2 with it and leaving half a page empty.
    first = _layout(rich_pdf, tmp_path, 1)
    assert "Results by city" in first
    assert "Rotterdam" in first


def test_notes_in_the_outline_under_their_article() -> None:
    pack = briefconv.make_pack([RICH, RICH], PackMeta(title="Pack", date="2026-06-02"))
    reader = PdfReader(io.BytesIO(briefconv.render_pack(pack, "pdf")))

    def walk(entries: list[Any], depth: int = 0) -> Iterator[tuple[int, str]]:
        for entry in entries:
            if isinstance(entry, list):
                yield from walk(entry, depth + 1)
            else:
                yield depth, entry.title

    outline = list(walk(reader.outline))
    assert outline.count((1, "Notes")) == 2
    assert (0, "Notes") not in outline


def test_note_numbers_restart_in_each_article_of_a_pack(tmp_path: Path) -> None:
    pack = briefconv.make_pack([RICH, RICH], PackMeta(title="Pack", date="2026-06-02"))
    data = briefconv.render_pack(pack, "pdf")
    text = _layout(data, tmp_path)
    assert len(re.findall(r"^\s*1\s+Ministry of Finance", text, re.M)) == 2
    assert len(re.findall(r"^\s*4\s+Room 4\.12", text, re.M)) == 2
    assert len(_internal_links(data)) == 2 * 8 + 2  # and the contents' two entries


def test_every_word_of_every_block_is_extracted(rich_pdf: bytes, tmp_path: Path) -> None:
    want = Counter(_expected_words(RICH))
    for got in (
        _joined(_layout(rich_pdf, tmp_path)),
        _joined("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(rich_pdf)).pages)),
    ):
        missing = want - Counter(got.split())
        assert not missing, f"words not extracted: {sorted(missing)}"


# --- strikethrough, task lists, reproducibility -------------------------------------------


def _stroked_lines(data: bytes) -> int:
    reader = PdfReader(io.BytesIO(data))
    return sum(page.get_contents().get_data().count(b" l S") for page in reader.pages)


def test_strikethrough_is_drawn_through_the_text(tmp_path: Path) -> None:
    def article(inline: Inline) -> Article:
        return Article(ArticleMeta(title="S"), (Paragraph((Text("keep "), inline)),))

    plain = briefconv.render(article(Text("revised down")), "pdf")
    struck = briefconv.render(article(Strikethrough((Text("revised down"),))), "pdf")
    assert _stroked_lines(struck) > _stroked_lines(plain)
    assert "keep revised down" in " ".join(_layout(struck, tmp_path).split())


def test_task_boxes_are_drawn(
    rich_pdf: bytes, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = _layout(rich_pdf, tmp_path)
    assert re.search(r"☒ Circulate the final text", text)
    assert re.search(r"☐ Book the room", text)
    assert re.search(r"• Brief the minister", text)  # no check: an ordinary item
    assert re.search(r"1\. ☐ First", text)
    assert re.search(r"2\. ☒ Second", text)
    # DejaVu Serif has no boxes: they are set in the mono face, and nothing is missing.
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        briefconv.render(RICH, "pdf")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_same_bytes_twice(rich_pdf: bytes) -> None:
    assert briefconv.render(RICH, "pdf") == rich_pdf
    pack = briefconv.make_pack([RICH, RICH], PackMeta(title="Pack", date="2026-06-02"))
    assert briefconv.render_pack(pack, "pdf") == briefconv.render_pack(pack, "pdf")


def test_hostile_text_in_code_and_cells_stays_literal(tmp_path: Path) -> None:
    hostile = '<b>x</b> <img src="/etc/passwd"/> &amp; <font color="[[[x]]]">y</font>'
    article = Article(
        ArticleMeta(title="Hostile"),
        (
            CodeBlock(hostile),
            Table(((Text(hostile),),), (((Code(hostile),),),)),
            Paragraph((Text("see"), Note((CodeBlock(hostile),)))),
        ),
    )
    # Straight quotes kept: this is about markup staying text, not about typography (the
    # cell's text is prose, which is printed with curly quotes by default).
    style = replace(briefconv.load_style(), smart_quotes=False)
    text = " ".join(_joined(_layout(briefconv.render(article, "pdf", style), tmp_path)).split())
    assert text.count(" ".join(hostile.split())) == 4
    # Code is never curled, whatever the style says.
    text = " ".join(_joined(_layout(briefconv.render(article, "pdf"), tmp_path)).split())
    assert text.count(" ".join(hostile.split())) == 3
