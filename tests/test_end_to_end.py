"""The sample article and a Cyrillic/Greek article through all three writers and back
through real readers: pandoc (DOCX, EPUB), EPUBCheck, pypdf."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import briefconv
from briefconv.model import Article

from . import readback
from .conftest import CASES, SAMPLE
from .readback import pandoc_blocks, pandoc_text
from .test_reader_text import EXPECTED_HEADINGS

QUOTE = "“The United States’ backing for Russia-Ukraine peace talks is extremely important.”"


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("sample")
    paths = briefconv.convert(SAMPLE, ["docx", "pdf", "epub"], out)
    return {p.suffix[1:]: p for p in paths}


def _pandoc_headers(ast: dict[str, Any]) -> list[tuple[int, str]]:
    return [(h["c"][0], pandoc_text(h["c"][2])) for h in pandoc_blocks(ast, "Header")]


def test_docx_read_back_by_pandoc(
    sample_files: dict[str, Path], pandoc_ast: Callable[[Path, str], dict[str, Any]]
) -> None:
    ast = pandoc_ast(sample_files["docx"], "docx")
    assert _pandoc_headers(ast) == [(1, h) for h in EXPECTED_HEADINGS]
    quotes = pandoc_blocks(ast, "BlockQuote")
    assert len(quotes) == 1
    assert QUOTE in pandoc_text(quotes[0])
    assert pandoc_text(ast["meta"]["title"]) == "Istanbul Talks"
    body = pandoc_text(ast["blocks"])
    for word in readback.words(SAMPLE.read_text(encoding="utf-8")):
        assert word in body


def test_epub_valid_and_read_back_by_pandoc(
    sample_files: dict[str, Path],
    epubcheck: Callable[[Path], list[dict[str, Any]]],
    pandoc_ast: Callable[[Path, str], dict[str, Any]],
) -> None:
    assert epubcheck(sample_files["epub"]) == []
    ast = pandoc_ast(sample_files["epub"], "epub")
    headers = _pandoc_headers(ast)
    # The EPUB's <h1> is the article title; its sections are <h2>.
    assert headers == [(1, "Istanbul Talks")] + [(2, h) for h in EXPECTED_HEADINGS]
    quotes = pandoc_blocks(ast, "BlockQuote")
    assert len(quotes) == 1 and QUOTE in pandoc_text(quotes[0])
    body = pandoc_text(ast["blocks"])
    for word in readback.words(SAMPLE.read_text(encoding="utf-8")):
        assert word in body


def _outline_titles(outline: list[Any], depth: int = 0) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for item in outline:
        if isinstance(item, list):
            out.extend(_outline_titles(item, depth + 1))
        else:
            out.append((depth, item.title))
    return out


def _pdf_text(reader: PdfReader) -> str:
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Undo line-end hyphenation (hard or soft) so words compare whole.
    return re.sub(r"[-\u00ad]\n", "", text)


def _assert_fonts_embedded(reader: PdfReader) -> set[str]:
    names: set[str] = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]))
            descendants = font.get("/DescendantFonts")
            desc_font = descendants[0].get_object() if descendants else font
            descriptor = desc_font["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
    for base in names:
        assert not re.search(r"Helvetica|Times|Courier|Symbol|ZapfDingbats", base), base
    return names


def test_pdf_outline_fonts_and_text(sample_files: dict[str, Path]) -> None:
    reader = PdfReader(sample_files["pdf"])
    assert _outline_titles(reader.outline) == [(0, "Istanbul Talks")] + [
        (1, h) for h in EXPECTED_HEADINGS
    ]
    _assert_fonts_embedded(reader)
    text = _pdf_text(reader)
    squashed = text.replace("-", "")
    for word in readback.words(SAMPLE.read_text(encoding="utf-8")):
        assert word.replace("-", "") in squashed, word
    assert reader.metadata is not None and reader.metadata.title == "Istanbul Talks"


@pytest.fixture(scope="module")
def multilingual() -> Article:
    return briefconv.read_file(CASES / "cyrillic-greek.txt")


def test_cyrillic_and_greek_render_with_no_missing_glyph(
    multilingual: Article,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    epubcheck: Callable[[Path], list[dict[str, Any]]],
    pandoc_ast: Callable[[Path, str], dict[str, Any]],
) -> None:
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        outputs = {fmt: briefconv.render(multilingual, fmt) for fmt in ("docx", "pdf", "epub")}
    assert [r.getMessage() for r in caplog.records] == []
    source_words = readback.words((CASES / "cyrillic-greek.txt").read_text(encoding="utf-8"))
    pdf_text = _pdf_text(PdfReader(io.BytesIO(outputs["pdf"])))
    for word in source_words:
        assert word in pdf_text.replace("-", "") or word.replace("-", "") in pdf_text, word
    for fmt in ("docx", "epub"):
        path = tmp_path / f"m.{fmt}"
        path.write_bytes(outputs[fmt])
        ast = pandoc_ast(path, fmt)
        # DOCX's Title goes to pandoc's metadata, not its blocks.
        text = pandoc_text(ast["blocks"]) + " " + pandoc_text(list(ast["meta"].values()))
        for word in source_words:
            assert word in text, (fmt, word)
    path = tmp_path / "m.epub"
    assert epubcheck(path) == []


@pytest.mark.parametrize("fmt", ["docx", "pdf", "epub"])
def test_same_input_same_bytes(fmt: str, tmp_path: Path) -> None:
    first = briefconv.convert(SAMPLE, [fmt], tmp_path / "a")[0].read_bytes()
    second = briefconv.convert(SAMPLE, [fmt], tmp_path / "b")[0].read_bytes()
    assert first == second
