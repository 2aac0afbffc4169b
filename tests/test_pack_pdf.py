"""The PDF briefing pack, read back with pypdf (no mocks): outline, pages, marking, contents."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

import briefconv
from briefconv import PackMeta
from briefconv.model import (
    PACK_LAYOUT,
    Article,
    ArticleMeta,
    Heading,
    Layout,
    Pack,
    Paragraph,
    Text,
    plain_text,
)
from briefconv.pack import handout, make_pack
from briefconv.styles import Style
from briefconv.typography import typeset_pack
from briefconv.writers.pdf import PdfWriter

from . import readback
from .conftest import HOSTILE, ROOT

MANIFEST = ROOT / "source" / "pack.toml"
STANDARD_14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")


def _outline(reader: PdfReader, entries: list[Any], depth: int = 0) -> Iterator[Any]:
    """(depth, title, page index) for every outline entry, in order."""
    for entry in entries:
        if isinstance(entry, list):
            yield from _outline(reader, entry, depth + 1)
        else:
            yield depth, entry.title, reader.get_destination_page_number(entry)


def _placed_text(page: Any) -> list[tuple[str, float]]:
    """Every text piece on a page with its baseline height above the bottom edge."""
    pieces: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if text.strip():
            pieces.append((text.strip(), tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return pieces


def _fonts(reader: PdfReader) -> Iterator[DictionaryObject]:
    for page in reader.pages:
        resources = page["/Resources"]
        if isinstance(resources, IndirectObject):
            resources = resources.get_object()
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            yield font
            for child in font.get("/DescendantFonts", []):
                yield child.get_object()


@pytest.fixture(scope="module")
def pack() -> Pack:
    return briefconv.load_manifest(MANIFEST).to_pack()


@pytest.fixture(scope="module")
def pack_pdf(pack: Pack, style: Style) -> bytes:
    return PdfWriter().write_pack(pack, style)


@pytest.fixture(scope="module")
def reader(pack_pdf: bytes) -> PdfReader:
    return readback.pdf_reader(pack_pdf)


@pytest.fixture(scope="module")
def texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def _first_pages(reader: PdfReader, pack: Pack) -> dict[str, int]:
    """Article id -> index of the page its outline entry points at."""
    top = [(title, page) for depth, title, page in _outline(reader, reader.outline) if not depth]
    return {entry.id: page for entry, (_, page) in zip(pack.articles, top[1:], strict=True)}


def test_outline_is_contents_then_articles_with_nested_headings(
    reader: PdfReader, pack: Pack, texts: list[str]
) -> None:
    entries = list(_outline(reader, reader.outline))
    expected: list[tuple[int, str]] = [(0, "In this pack")]
    for entry in pack.articles:
        expected.append((0, entry.article.meta.title))
        expected += [
            (b.level, plain_text(b.children))
            for b in entry.article.blocks
            if isinstance(b, Heading)
        ]
    assert [(d, t) for d, t, _ in entries] == expected
    # Every entry points at the page that shows it; the cover (page 0) has no entry.
    for _, title, page in entries:
        assert page > 0
        assert title in readback.flat(texts[page]), (title, page)
    assert entries[0][2] == 1
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"


def test_each_article_starts_a_new_page_with_no_running_head_above_its_title(
    reader: PdfReader, pack: Pack, texts: list[str]
) -> None:
    first = _first_pages(reader, pack)
    pages = [first[e.id] for e in pack.articles]
    assert pages == sorted(set(pages)) and pages[0] == 2
    for entry, page in zip(pack.articles, pages, strict=True):
        lines = texts[page].splitlines()
        # Marking, then the title: an opener has no running head repeating its title
        # (issue 16: the head used to print the title 12 pt above the title itself).
        assert lines[0] == "OFFICIAL"
        assert readback.flat(" ".join(lines[1:])).startswith(entry.article.meta.title)
        assert "Weekly Security Brief" not in texts[page]
        assert f"{entry.minutes} min read" in readback.flat(texts[page])
    # Nor has the contents page, under its own "In this pack" heading.
    assert texts[1].splitlines()[1] == "In this pack"
    assert "Weekly Security Brief" not in texts[1]
    # Later pages of an article keep its title in the header.
    later = [index for index in range(2, len(texts)) if index not in pages]
    assert later
    for index in later:
        owner = max((p, e) for e, p in first.items() if p <= index)[1]
        title = next(e.article.meta.title for e in pack.articles if e.id == owner)
        assert texts[index].splitlines()[1:3] == ["Weekly Security Brief", title]


def test_marking_at_top_and_bottom_of_every_page(reader: PdfReader, texts: list[str]) -> None:
    height = float(reader.pages[0].mediabox.height)
    for index, (page, text) in enumerate(zip(reader.pages, texts, strict=True)):
        assert text.count("OFFICIAL") >= 2, index
        assert text.startswith("OFFICIAL") and text.rstrip().endswith("OFFICIAL"), index
        heights = [y for piece, y in _placed_text(page) if piece == "OFFICIAL"]
        assert max(heights) > height - 40, index  # in the top margin
        assert min(heights) < 40, index  # in the bottom margin


def test_page_x_of_y_on_every_page_but_the_cover(texts: list[str]) -> None:
    total = len(texts)
    assert total >= 5
    assert "Page" not in texts[0] and f"of {total}" not in texts[0]
    for index, text in enumerate(texts[1:], start=2):
        # Last before the bottom marking: the footer.
        assert text.rstrip().splitlines()[-2] == f"Page {index} of {total}"


def test_cover(texts: list[str]) -> None:
    # Issue 16's cover: the identity band, the title, the details table, "In this pack"
    # with each article's reading time, the counts line; the marking only at the edges
    # (no boxed duplicate) and once more as the classification among the details.
    lines = [line.strip() for line in texts[0].splitlines()]
    assert lines == [
        "OFFICIAL",
        "POLICY ANALYSIS UNIT",
        "Weekly Security Brief",
        "Russia–Ukraine: talks, trade and the energy front",
        "DATE 26 November 2026",
        "PREPARED FOR Foreign Affairs Committee",
        "PREPARED BY Policy Analysis Unit",
        "CLASSIFICATION OFFICIAL",
        "REFERENCE PAU/2026/117",
        "IN THIS PACK",
        "1",
        "Second Round of Talks Opens in Istanbul",
        "3 min read",
        "2",
        "Black Sea Grain Talks Stall Over Insurance",
        "2 min read",
        "3",
        "Kyiv Braces for a Hard Winter",
        "1 min read",
        "3 articles · about 6 minutes’ reading",
        "OFFICIAL",
    ]


def test_contents_give_each_article_with_its_first_page_and_a_link(
    reader: PdfReader, pack: Pack, texts: list[str]
) -> None:
    first = _first_pages(reader, pack)
    contents = texts[1]
    assert "In this pack" in contents
    positions = []
    for entry in pack.articles:
        title = entry.article.meta.title
        match = re.search(re.escape(title) + r"\s*\n(\d+)\n", contents)
        assert match, title
        # Printed numbers count physical pages from 1, the cover included.
        assert int(match.group(1)) == first[entry.id] + 1
        assert entry.summary.split()[0] in contents
        positions.append(match.start())
    assert positions == sorted(positions)
    assert "Example News · 3 June 2025 · 3 min read" in contents
    # One internal link per entry, to the page the article starts on, in order.
    targets = []
    for annot in reader.pages[1].get("/Annots", []):
        annot = annot.get_object()
        assert annot["/Subtype"] == "/Link" and "/URI" not in annot.get("/A", {})
        dest = annot["/Dest"]
        targets.append(reader.get_page_number(dest[0].get_object()))
    assert targets == [first[e.id] for e in pack.articles]


def test_every_word_of_every_article(pack: Pack, texts: list[str]) -> None:
    text = readback.flat("\n".join(texts))
    assert "\x00" not in text and "\u00ad" not in text
    words = set(readback.words(text))
    for entry in pack.articles:
        meta = entry.article.meta
        source = " ".join(
            [meta.title, meta.subtitle or "", *meta.authors, readback.body_text(entry.article)]
        )
        missing = [w for w in readback.words(source) if w not in words]
        assert not missing, (entry.id, missing[:10])


def test_fonts_are_embedded_and_none_is_standard_14(reader: PdfReader) -> None:
    seen = 0
    for font in _fonts(reader):
        base = str(font.get("/BaseFont", ""))
        assert not any(name in base for name in STANDARD_14), base
        if font.get("/Subtype") == "/Type0":
            continue
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, base
        seen += 1
    assert seen >= 4


def test_metadata(reader: PdfReader) -> None:
    meta = reader.metadata
    assert meta is not None
    assert meta["/Title"] == "Weekly Security Brief"
    assert meta["/Author"] == "Policy Analysis Unit"
    assert meta["/Subject"] == "Russia–Ukraine: talks, trade and the energy front"
    assert "OFFICIAL" in meta["/Keywords"].split(", ")
    assert meta["/Classification"] == "OFFICIAL"
    assert meta["/CreationDate"].startswith("D:20261126")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True


def test_two_builds_are_byte_identical(pack: Pack, style: Style, pack_pdf: bytes) -> None:
    assert PdfWriter().write_pack(pack, style) == pack_pdf
    # render_pack is the writer on the typeset pack (curly quotes, no-break spaces).
    typeset = PdfWriter().write_pack(typeset_pack(pack), style)
    assert briefconv.render_pack(pack, "pdf", style) == typeset
    assert briefconv.render_pack(pack, "pdf", style) == typeset


def test_a_handout_is_the_article_alone(style: Style, rich_article: Article) -> None:
    # A handout is a pack of one with no cover, no contents and no marking.
    data = PdfWriter().write_pack(handout(rich_article), style)
    text = readback.pdf_reader(data).pages[0].extract_text()
    assert "In this pack" not in text and text.startswith(rich_article.meta.title[:10])


def _long(title: str, language: str = "en") -> Article:
    """An article of two pages or more: a running head shows on its second page."""
    words = "Текст статті. " if language == "uk" else "Words of the article. "
    paragraphs = tuple(Paragraph((Text(words * 30),)) for _ in range(14))
    return Article(ArticleMeta(title=title, language=language), paragraphs)


def _conclusions() -> Pack:
    def article(title: str) -> Article:
        return Article(
            ArticleMeta(title=title, source="Wire", date="2026-11-20"),
            (
                Paragraph((Text("Opening words. " * 40),)),
                Heading(1, (Text("Conclusion"),)),
                Paragraph((Text(f"The end of {title}."),)),
            ),
        )

    return make_pack([article("Alpha"), article("Beta")], PackMeta(title="Two"))


def test_duplicate_headings_get_distinct_bookmarks(style: Style) -> None:
    pack = _conclusions()
    reader = readback.pdf_reader(PdfWriter().write_pack(pack, style))
    conclusions = [
        (depth, page)
        for depth, title, page in _outline(reader, reader.outline)
        if title == "Conclusion"
    ]
    assert [d for d, _ in conclusions] == [1, 1]
    assert conclusions[0][1] != conclusions[1][1]
    for (_, page), name in zip(conclusions, ("Alpha", "Beta"), strict=True):
        assert f"The end of {name}." in reader.pages[page].extract_text()
    # Each sits under its own article. Were the bookmark keys not unique in the pack, the
    # second bookmark would replace the first and both entries would open the same page.
    assert [(d, t) for d, t, _ in _outline(reader, reader.outline)] == [
        (0, "In this pack"),
        (0, "Alpha"),
        (1, "Conclusion"),
        (0, "Beta"),
        (1, "Conclusion"),
    ]


def test_no_classification_prints_no_marking(style: Style) -> None:
    pack = _conclusions()
    assert pack.meta.classification is None
    reader = readback.pdf_reader(PdfWriter().write_pack(pack, style))
    for page in reader.pages:
        assert "OFFICIAL" not in page.extract_text()
    assert reader.metadata is not None and "/Classification" not in reader.metadata
    # No marking above the contents' heading (and no running head on the contents page).
    assert reader.pages[1].extract_text().splitlines()[0] == "In this pack"
    # A running head, on an article's second page, is the first line with no marking.
    long = make_pack([_long("Alpha")], PackMeta(title="Two"))
    texts = [
        page.extract_text()
        for page in readback.pdf_reader(PdfWriter().write_pack(long, style)).pages
    ]
    assert len(texts) > 3 and texts[3].splitlines()[:2] == ["Two", "Alpha"]


def test_hostile_text_is_literal_everywhere(
    style: Style, hostile_article: Article, caplog: pytest.LogCaptureFixture
) -> None:
    pack = make_pack(
        [hostile_article],
        PackMeta(title=HOSTILE, subtitle=HOSTILE, prepared_by=HOSTILE, classification=HOSTILE),
    )
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        data = PdfWriter().write_pack(pack, style)
    reader = readback.pdf_reader(data)
    literals = ("<b>bold?</b>", '<img src="/etc/passwd"/>', "Tom & Jerry", "<i>unclosed")
    for page in (0, 1, 2):  # cover, contents, the article
        flat = readback.flat(reader.pages[page].extract_text())
        assert all(literal in flat for literal in literals), page
    assert b"/Subtype /Image" not in data
    assert reader.metadata is not None and reader.metadata["/Classification"] == HOSTILE
    assert next(_outline(reader, reader.outline))[1] == "In this pack"
    # Too long for one line at the page edge: set smaller, then cut, and said so.
    assert any("marking is too long" in r.getMessage() for r in caplog.records)


def test_logo_on_the_cover_only(style: Style, tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (20, 40, 75)).save(logo)
    styled = replace(style, pack={**style.pack, "logo": str(logo)})
    reader = readback.pdf_reader(PdfWriter().write_pack(_conclusions(), styled))

    def images(page: Any) -> int:
        xobjects = page["/Resources"].get("/XObject", {})
        return sum(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())

    assert images(reader.pages[0]) == 1
    assert all(images(page) == 0 for page in reader.pages[1:])


@pytest.mark.parametrize("name", ["newsroom", "large-print", "official"])
def test_other_styles_keep_furniture_clear_of_the_body(name: str, pack: Pack) -> None:
    from briefconv.styles import load_style

    reader = readback.pdf_reader(PdfWriter().write_pack(pack, load_style(name)))
    height = float(reader.pages[0].mediabox.height)
    for index, page in enumerate(reader.pages):
        placed = _placed_text(page)
        marks = sorted(y for piece, y in placed if piece == "OFFICIAL")
        # Baselines near the edges: the glyphs stand 10 mm in (issue 16), so a large-print
        # 18 pt marking's top baseline is about 42 pt down.
        assert marks[0] < 48 and marks[-1] > height - 48, (name, index)
        if index:
            lines = page.extract_text().splitlines()
            assert lines[-2] == f"Page {index + 1} of {len(reader.pages)}"
    # No blank pages: every page has body text besides its furniture.
    assert all(len(page.extract_text().splitlines()) > 6 for page in reader.pages)


# --- the layout decides the parts -------------------------------------------------------


def _two(layout: Layout, classification: str | None = "OFFICIAL") -> Pack:
    """A two-article pack with ``layout``."""
    articles = [
        Article(
            ArticleMeta(title=title, source="Wire", date="2026-11-20"),
            (Paragraph((Text(f"{title} opens. " * 20),)), Heading(1, (Text("Outlook"),))),
        )
        for title in ("Talks resume", "Grid repairs")
    ]
    meta = PackMeta(title="Weekly Brief", date="2026-11-26", classification=classification)
    return make_pack(articles, meta, layout=layout)


def _layout_texts(layout: Layout, style: Style, **kwargs: Any) -> tuple[PdfReader, list[str]]:
    reader = readback.pdf_reader(PdfWriter().write_pack(_two(layout, **kwargs), style))
    return reader, [page.extract_text() for page in reader.pages]


def test_default_layout_has_every_part(style: Style) -> None:
    _, texts = _layout_texts(PACK_LAYOUT, style)
    assert "2 articles" in texts[0] and "Page" not in texts[0]  # the cover
    assert "In this pack" in texts[1]
    # An opener: the marking, then the article's title, no running head between.
    assert texts[2].splitlines()[:2] == ["OFFICIAL", "Talks resume"]
    assert len(texts) == 4


def test_no_cover(style: Style) -> None:
    reader, texts = _layout_texts(replace(PACK_LAYOUT, cover=False), style)
    assert len(texts) == 3
    assert not any("2 articles" in text for text in texts)
    # The contents come first, under the marking alone, and count from page 1.
    assert texts[0].splitlines()[:2] == ["OFFICIAL", "In this pack"]
    assert texts[0].rstrip().splitlines()[-2] == "Page 1 of 3"
    numbers = re.findall(r"^(?:Talks resume|Grid repairs)\s*\n(\d+)$", texts[0], re.MULTILINE)
    assert numbers == ["2", "3"]
    assert [(d, t) for d, t, _ in _outline(reader, reader.outline)][:2] == [
        (0, "In this pack"),
        (0, "Talks resume"),
    ]


def test_no_contents(style: Style) -> None:
    reader, texts = _layout_texts(replace(PACK_LAYOUT, contents=False), style)
    assert len(texts) == 3
    assert not any("In this pack" in text for text in texts)
    assert "2 articles" in texts[0]
    assert texts[1].splitlines()[:2] == ["OFFICIAL", "Talks resume"]  # an opener
    titles = [t for d, t, _ in _outline(reader, reader.outline) if d == 0]
    assert titles == ["Talks resume", "Grid repairs"]


def test_no_running_heads(style: Style) -> None:
    _, texts = _layout_texts(replace(PACK_LAYOUT, running_heads=False), style)
    assert len(texts) == 4
    for index, text in enumerate(texts[1:], start=2):
        lines = text.splitlines()
        # The marking, then straight into the body: no pack title, no section.
        assert lines[0] == "OFFICIAL" and "Weekly Brief" not in text, index
        assert text.rstrip().splitlines()[-2] == f"Page {index} of 4"
    assert texts[2].splitlines()[1] == "Talks resume"


def test_articles_alone_start_on_the_first_page(style: Style) -> None:
    layout = replace(PACK_LAYOUT, cover=False, contents=False, running_heads=False)
    reader, texts = _layout_texts(layout, style, classification=None)
    assert len(texts) == 2
    assert texts[0].startswith("Talks resume") and texts[1].startswith("Grid repairs")
    assert texts[0].rstrip().endswith("Page 1 of 2")
    # Still a pack: each article is under a heading of its own, with its reading time.
    assert "1 min read" in texts[0]
    entries = [(d, t) for d, t, _ in _outline(reader, reader.outline)]
    assert entries == [(0, "Talks resume"), (1, "Outlook"), (0, "Grid repairs"), (1, "Outlook")]


def test_untitled_article_in_a_ukrainian_pack(style: Style) -> None:
    # Two pages long: the running head is on its second page (the first is an opener).
    untitled = _long("", language="uk")
    other = Article(ArticleMeta(title="Інша", language="uk"), (Paragraph((Text("Ще."),)),))
    pack = make_pack([untitled, other], PackMeta(title="Огляд", language="uk"))
    reader = readback.pdf_reader(PdfWriter().write_pack(pack, style))
    texts = [page.extract_text() for page in reader.pages]
    # The contents, the running head and the outline name it, in the pack's language.
    assert re.search(r"^Без назви\s*\n3$", texts[1], re.MULTILINE)
    assert texts[3].splitlines()[:2] == ["Огляд", "Без назви"]
    titles = [t for d, t, _ in _outline(reader, reader.outline) if d == 0]
    assert titles == ["У цьому пакеті", "Без назви", "Інша"]
    assert texts[2].rstrip().splitlines()[-1] == f"Сторінка 3 з {len(texts)}"
