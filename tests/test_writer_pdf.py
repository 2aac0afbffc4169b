"""The PDF writer, checked by reading its output back with pypdf (no mocks)."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from briefconv.model import (
    Article,
    ArticleMeta,
    Figure,
    Heading,
    Link,
    OrderedList,
    Paragraph,
    Quote,
    Text,
)
from briefconv.pack import handout
from briefconv.styles import Style
from briefconv.writers import get_writer
from briefconv.writers.pdf import PdfWriter

from . import readback
from .conftest import HOSTILE

STANDARD_14 = (
    "Helvetica",
    "Times",
    "Courier",
    "Symbol",
    "ZapfDingbats",
)


def _outline(entries: list[Any], depth: int = 0) -> Iterator[tuple[int, str]]:
    for entry in entries:
        if isinstance(entry, list):
            yield from _outline(entry, depth + 1)
        else:
            yield depth, entry.title


def _fonts(reader: PdfReader) -> Iterator[DictionaryObject]:
    """Every font dictionary in every page's resources (descending into Type0 fonts)."""
    for page in reader.pages:
        resources = page["/Resources"]
        if isinstance(resources, IndirectObject):
            resources = resources.get_object()
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            yield font
            for child in font.get("/DescendantFonts", []):
                yield child.get_object()


def _long_article(paragraphs: int = 30) -> Article:
    body = tuple(
        Paragraph(
            (
                Text(
                    f"Paragraph {i}: the delegations discussed humanitarian corridors, "
                    "prisoner exchanges and the monitoring of a possible ceasefire at length. " * 3
                ),
            )
        )
        for i in range(paragraphs)
    )
    return Article(ArticleMeta(title="Long briefing", date="2025-06-02"), body)


@pytest.fixture(scope="module")
def rich_pdf(rich_article: Article, style: Style) -> bytes:
    return PdfWriter().write_pack(handout(rich_article), style)


def test_registry_finds_the_writer() -> None:
    writer = get_writer("pdf")
    assert isinstance(writer, PdfWriter)
    assert (writer.name, writer.extension, writer.media_type) == ("pdf", ".pdf", "application/pdf")


def test_outline_is_title_then_nested_headings(rich_pdf: bytes) -> None:
    reader = readback.pdf_reader(rich_pdf)
    outline = reader.outline
    assert outline[0].title == "Talks in Istanbul — a “tense” start"
    assert isinstance(outline[1], list)
    assert list(_outline(outline)) == [
        (0, "Talks in Istanbul — a “tense” start"),
        (1, "A Tense Start"),
        (2, "Positions"),
        (3, "Next steps"),
    ]
    # Every bookmark points at a page of the document (not all at page 1 by accident).
    assert reader.get_destination_page_number(outline[0]) == 0
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"


def test_outline_depth_follows_heading_nesting(style: Style) -> None:
    article = Article(
        ArticleMeta(title="T"),
        (
            Heading(3, (Text("deep first"),)),
            Heading(1, (Text("one"),)),
            Heading(4, (Text("four"),)),
            Heading(2, (Text("two"),)),
        ),
    )
    outline = readback.pdf_reader(PdfWriter().write_pack(handout(article), style)).outline
    assert list(_outline(outline)) == [
        (0, "T"),
        (1, "deep first"),
        (1, "one"),
        (2, "four"),
        (2, "two"),
    ]


def test_bookmarks_land_on_their_pages(style: Style) -> None:
    article = _long_article(40)
    blocks = list(article.blocks)
    blocks.insert(30, Heading(1, (Text("Late heading"),)))
    data = PdfWriter().write_pack(handout(Article(article.meta, tuple(blocks))), style)
    reader = readback.pdf_reader(data)
    late = reader.outline[1][0]
    assert late.title == "Late heading"
    page = reader.get_destination_page_number(late)
    assert page > 0
    assert "Late heading" in reader.pages[page].extract_text()


def test_every_font_is_embedded_and_none_is_standard_14(rich_pdf: bytes) -> None:
    reader = readback.pdf_reader(rich_pdf)
    seen = 0
    for font in _fonts(reader):
        base = str(font.get("/BaseFont", ""))
        assert not any(name in base for name in STANDARD_14), base
        if font.get("/Subtype") == "/Type0":
            continue
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, base
        seen += 1
    assert seen >= 4  # serif regular/bold/italic and sans at least


def test_bold_and_italic_use_their_own_faces(rich_pdf: bytes) -> None:
    names = {str(font.get("/BaseFont")) for font in _fonts(readback.pdf_reader(rich_pdf))}
    assert any(n.endswith("DejaVuSerif-Bold") for n in names)
    assert any(n.endswith("DejaVuSerif-Italic") for n in names)


def test_text_contains_every_word(rich_article: Article, rich_pdf: bytes) -> None:
    text = readback.flat(readback.pdf_text(readback.pdf_reader(rich_pdf)))
    assert "\x00" not in text and "\u00ad" not in text
    words = set(readback.words(text))
    missing = [w for w in readback.words(readback.article_text(rich_article)) if w not in words]
    assert not missing
    # Cyrillic with Ukrainian letters and Greek survive as text.
    for sample in ("суверенітету", "і", "ї", "є", "ґ", "παρακολουθεί", "Παπαδόπουλος"):
        assert sample in words
    assert "Istanbul. Nobody explained" in text  # no space lost between runs


def test_hyphenated_text_extracts_without_soft_hyphens(style: Style) -> None:
    style = style.with_options("pdf", hyphenate=True)  # the bundled styles do not hyphenate
    uk = (
        "Представники української делегації підтвердили готовність продовжувати "
        "переговори незалежно від обставин інформаційної кампанії, наголосивши на "
        "суверенітету і територіальній цілісності. "
    )
    el = "Η Αθήνα παρακολουθεί στενά τις διαπραγματεύσεις και επαναλαμβάνει την υποστήριξή της. "
    for lang, sentence in (("uk", uk), ("el", el)):
        article = Article(
            ArticleMeta(title="Hyphenation", language=lang),
            tuple(Paragraph((Text(sentence * 6),)) for _ in range(3)),
        )
        raw = readback.pdf_text(
            readback.pdf_reader(PdfWriter().write_pack(handout(article), style))
        )
        assert "\u00ad" not in raw
        assert re.search(r"\w-\n", raw), f"{lang}: no word was hyphenated"
        words = set(readback.words(readback.flat(raw)))
        assert set(readback.words(sentence)) <= words


def test_metadata(rich_pdf: bytes) -> None:
    reader = readback.pdf_reader(rich_pdf)
    meta = reader.metadata
    assert meta is not None
    assert meta["/Title"] == "Talks in Istanbul — a “tense” start"
    assert meta["/Author"] == "Olena Kovalenko, Γιώργος Παπαδόπουλος"
    assert meta["/Subject"] == "Delegations meet after a night of strikes"
    assert meta["/Creator"] == "briefconv"
    assert meta["/CreationDate"].startswith("D:20250602")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True


def test_two_writes_are_byte_identical(
    rich_article: Article, style: Style, rich_pdf: bytes
) -> None:
    assert PdfWriter().write_pack(handout(rich_article), style) == rich_pdf


def test_concurrent_writes_are_identical(
    rich_article: Article, style: Style, rich_pdf: bytes
) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        outputs = list(
            pool.map(lambda _: PdfWriter().write_pack(handout(rich_article), style), range(18))
        )
    assert all(out == rich_pdf for out in outputs)


def test_output_does_not_depend_on_the_process(tmp_path: Any) -> None:
    script = (
        "import sys; sys.path.insert(0, 'tests'); import conftest;"
        "from briefconv.styles import load_style; from briefconv.writers.pdf import PdfWriter;"
        "from briefconv.pack import handout;"
        "a = conftest.rich_article.__wrapped__();"
        "sys.stdout.buffer.write(PdfWriter().write_pack(handout(a), load_style('default')))"
    )
    outs = [
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            check=True,
            # A cache of this test's own: the first process fills it, the second reads it.
            env={
                "PYTHONHASHSEED": seed,
                "PATH": "/usr/bin:/bin",
                "BRIEFCONV_CACHE_DIR": str(tmp_path / "cache"),
            },
            cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent),
        ).stdout
        for seed in ("1", "2")
    ]
    assert outs[0] == outs[1]
    assert outs[0].startswith(b"%PDF-")


def test_hostile_text_is_literal(
    hostile_article: Article, style: Style, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        data = PdfWriter().write_pack(handout(hostile_article), style)
    dropped = [r.getMessage() for r in caplog.records if "plain text" in r.getMessage()]
    assert len(dropped) == 1 and "javascript:alert(1)" in dropped[0]
    reader = readback.pdf_reader(data)
    text = readback.flat(readback.pdf_text(reader))
    for literal in (
        "<b>bold?</b>",
        '<img src="/etc/passwd"/>',
        "<font color=",
        "Tom & Jerry",
        "<script>alert(1)</script>",
        "&amp;",
        "<i>unclosed",
        "click <me>",
    ):
        assert literal in text, literal
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        assert not any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
        for annot in page.get("/Annots", []):
            action = annot.get_object().get("/A", {})
            assert "javascript" not in str(action.get("/URI", "")).lower()
    assert b"/Subtype /Image" not in data
    assert next(_outline(reader.outline)) == (0, " ".join(HOSTILE.split()))
    assert reader.metadata is not None and reader.metadata["/Title"] == HOSTILE


def test_links_only_for_safe_schemes(rich_pdf: bytes) -> None:
    reader = readback.pdf_reader(rich_pdf)
    uris = [
        str(a.get_object()["/A"]["/URI"])
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/A" in a.get_object()
    ]
    assert "https://example.org/a%20b?q=1&r=%3C2%3E" in uris
    assert "https://example.org/news/istanbul-talks" in uris


def test_missing_glyphs_are_reported_once(style: Style, caplog: pytest.LogCaptureFixture) -> None:
    article = Article(
        ArticleMeta(title="Glyphs"),
        (
            Paragraph((Text("Smile \U0001f600 and 中文 and again \U0001f600"),)),
            Heading(1, (Text("中"),)),
        ),
    )
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        PdfWriter().write_pack(handout(article), style)
    records = [r for r in caplog.records if "no glyph" in r.getMessage()]
    assert len(records) == 1
    message = records[0].getMessage()
    assert "U+1F600 '\U0001f600'" in message
    assert "U+4E2D '中'" in message and "U+6587 '文'" in message
    assert "DejaVu Serif" in message and "DejaVu Sans" in message


def test_covered_text_logs_no_warning(
    rich_article: Article, style: Style, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        PdfWriter().write_pack(handout(rich_article), style)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_huge_quote_and_long_word_render(style: Style) -> None:
    sentences = " ".join(f"Sentence {i} of a very long statement read out." for i in range(400))
    url = "https://example.org/" + "segment-" * 60 + "end"
    article = Article(
        ArticleMeta(title="Long quote"),
        (
            Quote(
                (Paragraph((Text(sentences),)), Paragraph((Text("Second paragraph."),))),
                (Text("A spokesperson"),),
            ),
            Paragraph((Text("See " + "x" * 400 + " and "), Link(url, (Text(url),)))),
        ),
    )
    reader = readback.pdf_reader(PdfWriter().write_pack(handout(article), style))
    assert len(reader.pages) > 2
    # Without the footers and running heads, which a page break may put inside the long
    # word.
    text = re.sub(r"(?m)^(Page \d+ of \d+|Long quote)$", "", readback.pdf_text(reader))
    flat = "".join(text.split())
    assert "Sentence399ofaverylongstatementreadout." in flat.replace("-", "")
    assert "Secondparagraph." in flat and "—Aspokesperson" in flat
    assert "x" * 400 in flat
    # The long word and the URL wrap inside the page instead of running off it: no line
    # holds more of them than fits in the text frame (at most 470 pt; an "x" is about 6 pt).
    assert max(len(run) for run in re.findall(r"x+", text)) < 80
    assert max(len(line) for line in text.splitlines()) < 120


def test_page_numbers(style: Style) -> None:
    reader = readback.pdf_reader(PdfWriter().write_pack(handout(_long_article()), style))
    total = len(reader.pages)
    assert total > 1
    # From page 2, as in the DOCX: page 1 shows the title (issue 16).
    assert "Page" not in reader.pages[0].extract_text()
    assert f"Page 2 of {total}" in reader.pages[1].extract_text()
    assert f"Page {total} of {total}" in reader.pages[-1].extract_text()


def test_numbered_list_honours_start(style: Style) -> None:
    article = Article(
        ArticleMeta(title="List"),
        (OrderedList(((Text("seventh"),), (Text("eighth"),)), start=7),),
    )
    text = readback.pdf_text(readback.pdf_reader(PdfWriter().write_pack(handout(article), style)))
    assert re.search(r"7\.\s*seventh", text) and re.search(r"8\.\s*eighth", text)


def test_hyphenation_can_be_switched_off(style: Style) -> None:

    off = style.with_options("pdf", hyphenate=False)
    article = _long_article(3)
    assert not re.search(
        r"[a-z]-\n",
        readback.pdf_text(readback.pdf_reader(PdfWriter().write_pack(handout(article), off))),
    )


def test_unknown_language_still_renders(style: Style) -> None:
    article = Article(
        ArticleMeta(title="Tlhngan", language="tlh"), (Paragraph((Text("Qapla' batlh"),)),)
    )
    assert "Qapla' batlh" in readback.pdf_text(
        readback.pdf_reader(PdfWriter().write_pack(handout(article), style))
    )


def test_a_ukrainian_handout_is_worded_in_ukrainian(style: Style) -> None:
    article = Article(
        ArticleMeta(
            title="Переговори відновилися",
            authors=("Олена Коваль",),
            source="Приклад Новини",
            language="uk",
        ),
        (Paragraph((Text("Делегації зустрілися у вівторок."),)), Figure("map.png", "Мапа")),
    )
    reader = readback.pdf_reader(PdfWriter().write_pack(handout(article), style))
    lines = reader.pages[0].extract_text().splitlines()
    assert "Автор: Олена Коваль · Приклад Новини" in lines
    assert "[Зображення: Мапа]" in lines
    # One page: no "Сторінка 1 з 1" (issue 16: "Page 1 of 1" is noise).
    assert lines[-1] == "[Зображення: Мапа]" and "Сторінка" not in readback.pdf_text(reader)
    assert "Page" not in readback.pdf_text(reader) and "By " not in readback.pdf_text(reader)


def test_an_untitled_handout_is_bookmarked_in_its_language(style: Style) -> None:
    article = Article(ArticleMeta(title="", language="de"), (Paragraph((Text("Text."),)),))
    reader = readback.pdf_reader(PdfWriter().write_pack(handout(article), style))
    assert [entry.title for entry in reader.outline] == ["Ohne Titel"]
    # One page, so no footer ("Seite 1 von 1" is noise); a second page is numbered.
    assert reader.pages[0].extract_text().splitlines()[-1] == "Text."
    longer = replace(article, blocks=(Paragraph((Text("Text. " * 400),)),) * 3)
    reader = readback.pdf_reader(PdfWriter().write_pack(handout(longer), style))
    pages = len(reader.pages)  # 3 at the bundled style's 70-character measure
    assert pages >= 2
    assert reader.pages[1].extract_text().splitlines()[-1] == f"Seite 2 von {pages}"


def test_an_empty_heading_is_bookmarked_in_the_articles_language(style: Style) -> None:
    article = Article(
        ArticleMeta(title="Огляд", language="uk"),
        (Heading(2, ()), Paragraph((Text("Текст."),))),
    )
    reader = readback.pdf_reader(PdfWriter().write_pack(handout(article), style))
    title, children = reader.outline[0], reader.outline[1]
    assert title.title == "Огляд"
    assert [entry.title for entry in children] == ["Розділ 1"]
