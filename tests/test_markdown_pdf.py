"""The PDF writer on Markdown's extra nodes: inline code, line breaks, nested lists,
thematic breaks and images, read back with pypdf (no mocks)."""

from __future__ import annotations

import dataclasses
import itertools
import logging
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

import briefconv
from briefconv.model import (
    PACK_LAYOUT,
    Article,
    ArticleMeta,
    BulletList,
    Code,
    Figure,
    Heading,
    LineBreak,
    OrderedList,
    PackMeta,
    Paragraph,
    Strong,
    Text,
    ThematicBreak,
)
from briefconv.pack import handout, make_pack
from briefconv.styles import Style
from briefconv.writers._measure import fit_measure
from briefconv.writers._runs import Run
from briefconv.writers.pdf import PdfWriter
from briefconv.writers.pdf._furniture import page_geometry
from briefconv.writers.pdf._text import chunk_runs

from . import readback
from .conftest import CASES, HOSTILE

FULL = CASES / "md" / "full.md"
MAP = CASES / "md" / "map.png"  # 240 x 120 px: 180 x 90 pt at 96 dpi


def _png(width: int, height: int) -> bytes:
    """A valid grey RGB PNG of the given size, made without any image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x80\x80\x80" * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _images(reader: PdfReader) -> Iterator[tuple[int, float, float, float, float]]:
    """``(page, x, y, width, height)`` of every image XObject drawn, from the current
    transformation matrix at its ``Do`` (``cm`` operators composed, ``q``/``Q`` nested)."""
    for number, page in enumerate(reader.pages):
        xobjects = page["/Resources"].get_object().get("/XObject", {})
        content = ContentStream(page.get_contents(), reader)
        ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        saved: list[list[float]] = []
        for operands, operator in content.operations:
            if operator == b"q":
                saved.append(ctm)
            elif operator == b"Q":
                ctm = saved.pop()
            elif operator == b"cm":
                a, b, c, d, e, f = (float(v) for v in operands)
                A, B, C, D, E, F = ctm
                ctm = [
                    a * A + b * C,
                    a * B + b * D,
                    c * A + d * C,
                    c * B + d * D,
                    e * A + f * C + E,
                    e * B + f * D + F,
                ]
            elif operator == b"Do":
                xobject = xobjects[operands[0]].get_object()
                if xobject["/Subtype"] == "/Image":
                    yield number, ctm[4], ctm[5], ctm[0], ctm[3]


def _text_x(reader: PdfReader) -> dict[str, float]:
    """The x position at which each piece of text shown on the pages starts."""
    found: dict[str, float] = {}

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            found.setdefault(text.strip(), float(tm[4]) * float(cm[0]) + float(cm[4]))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return found


def _lines(reader: PdfReader) -> list[float]:
    """The length of every straight horizontal line stroked (``x1 y m x2 y l S``)."""
    lengths = []
    for page in reader.pages:
        ops = ContentStream(page.get_contents(), reader).operations
        for (m_args, m_op), (l_args, l_op) in itertools.pairwise(ops):
            if m_op == b"m" and l_op == b"l" and float(m_args[1]) == float(l_args[1]):
                lengths.append(abs(float(l_args[0]) - float(m_args[0])))
    return lengths


def _font_names(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            names.add(str(ref.get_object().get("/BaseFont")).split("+")[-1])
    return names


def _frame(style: Style) -> tuple[float, float, float, float]:
    page = fit_measure(style).page  # side margins widened to the style's measure
    return (
        page.margin_left,
        page.width - page.margin_right,
        page.margin_bottom,
        page.height - page.margin_top,
    )


@pytest.fixture(scope="module")
def full() -> Article:
    return briefconv.read_file(FULL)


@pytest.fixture(scope="module")
def full_pdf(full: Article, style: Style) -> bytes:
    return PdfWriter().write_pack(handout(full), style)


# --- the Markdown case ----------------------------------------------------------------


def test_full_case_writes_without_warnings_and_twice_the_same(
    full: Article, style: Style, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        first = PdfWriter().write_pack(handout(full), style)
        second = PdfWriter().write_pack(handout(full), style)
    assert first == second
    assert not caplog.records


def test_image_is_drawn_centred_at_its_natural_size(full_pdf: bytes, style: Style) -> None:
    reader = readback.pdf_reader(full_pdf)
    images = list(_images(reader))
    assert len(images) == 1
    page, x, y, width, height = images[0]
    left, right, bottom, top = _frame(style)
    # 240 x 120 px at 96 dpi, not upscaled to the frame width.
    assert (width, height) == pytest.approx((180.0, 90.0))
    assert left <= x and x + width <= right and bottom <= y and y + height <= top
    assert x - left == pytest.approx(right - (x + width), abs=0.5)
    text = reader.pages[page].extract_text()
    # The caption with the alt text sits right below it.
    assert "Map of the Black Sea corridor" in text
    assert "[Image" not in text


def test_code_and_line_break_text(full_pdf: bytes) -> None:
    reader = readback.pdf_reader(full_pdf)
    text = readback.pdf_text(reader)
    assert "3%" in text
    assert re.search(r"reached 3% of a vessel's value,\s*\n\s*several times", text), text
    assert "DejaVuSansMono" in _font_names(reader)


def test_nested_items_are_indented_under_their_item(full_pdf: bytes) -> None:
    reader = readback.pdf_reader(full_pdf)
    text = readback.pdf_text(reader)
    order = [
        "a 30-day trial window",
        "from Odesa",
        "from Chornomorsk",
        "joint inspection teams",
        "monthly reporting",
    ]
    positions = [text.index(item) for item in order]
    assert positions == sorted(positions)
    x = _text_x(reader)

    def start(prefix: str) -> float:
        return next(v for k, v in x.items() if k.startswith(prefix))

    outer = start("a 30-day trial window")
    assert start("joint inspection teams") == pytest.approx(outer)
    assert start("from Odesa") == pytest.approx(start("from Chornomorsk"))
    assert start("from Odesa") > outer + 10
    # Each level has its own bullet.
    assert "•" in text and "◦" in text
    assert "3." in text and "4." in text


def test_outline_is_unchanged(full_pdf: bytes) -> None:
    outline = readback.pdf_reader(full_pdf).outline
    assert outline[0].title == "Grain Talks Resume in Geneva"
    assert [e.title for e in outline[1]] == ["What is on the table", "Why insurers hesitate"]


def test_thematic_break_is_a_short_centred_rule(full_pdf: bytes, style: Style) -> None:
    left, right, _, _ = _frame(style)
    rules = _lines(readback.pdf_reader(full_pdf))
    assert any(length == pytest.approx((right - left) * 0.25) for length in rules), rules


# --- hand-built articles ---------------------------------------------------------------


def _article(*blocks: Any) -> Article:
    return Article(ArticleMeta(title="Figures"), tuple(blocks))


def test_remote_or_refused_image_is_its_alt_text(style: Style) -> None:
    data = PdfWriter().write_pack(
        handout(
            _article(
                Figure("https://example.org/x.png", "A satellite view", None),
                Figure("https://example.org/y.png", "", None),
            )
        ),
        style,
    )
    reader = readback.pdf_reader(data)
    assert not list(_images(reader))
    text = readback.pdf_text(reader)
    assert "[Image: A satellite view]" in text
    assert "[Image]" in text


@pytest.mark.parametrize(
    "content", [b"", b"not an image", _png(40, 40)[:60]], ids=["empty", "text", "truncated"]
)
def test_unreadable_image_warns_once_and_shows_alt_text(
    tmp_path: Path, style: Style, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        data = PdfWriter().write_pack(
            handout(_article(Figure("broken.png", "The map", str(path)))), style
        )
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "broken.png" in warnings[0] and "alt text" in warnings[0]
    assert "[Image: The map]" in readback.pdf_text(readback.pdf_reader(data))


def test_missing_image_file_is_a_warning_not_a_crash(
    tmp_path: Path, style: Style, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        data = PdfWriter().write_pack(
            handout(_article(Figure("x.png", "Gone", str(tmp_path / "x.png")))), style
        )
    assert len(caplog.records) == 1
    assert "[Image: Gone]" in readback.pdf_text(readback.pdf_reader(data))


@pytest.mark.parametrize("size", [(4000, 300), (300, 6000)], ids=["wide", "tall"])
def test_large_images_are_scaled_into_the_frame(
    tmp_path: Path, style: Style, size: tuple[int, int]
) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(_png(*size))
    data = PdfWriter().write_pack(
        handout(_article(Paragraph((Text("Before."),)), Figure("big.png", "Big", str(path)))), style
    )
    left, right, bottom, top = _frame(style)
    ((_, x, y, width, height),) = list(_images(readback.pdf_reader(data)))
    assert left - 0.01 <= x and x + width <= right + 0.01
    assert bottom - 0.01 <= y and y + height <= top + 0.01
    assert width / height == pytest.approx(size[0] / size[1], rel=1e-3)
    # Full width, or as high as the frame allows with its one-line caption below.
    assert width == pytest.approx(right - left) or height > (top - bottom) * 0.9


def test_images_in_a_pack_fit_its_smaller_frame(tmp_path: Path, style: Style) -> None:
    # Narrow top and bottom margins: the marking, header and footer then shrink the frame.
    page = dataclasses.replace(style.page, margin_top=24.0, margin_bottom=24.0)
    style = dataclasses.replace(style, page=page)
    geometry = page_geometry(style, PACK_LAYOUT, True)
    assert geometry.frame_top - geometry.frame_bottom < page.height - 48.0 - 40.0
    path = tmp_path / "tall.png"
    path.write_bytes(_png(300, 6000))
    articles = [
        _article(Figure("tall.png", "Tall grey bar", str(path))),
        Article(ArticleMeta(title="Second"), (Paragraph((Text("Text."),)),)),
    ]
    pack = make_pack(articles, PackMeta(title="Pack", classification="OFFICIAL"))
    data = PdfWriter().write_pack(pack, style)
    ((number, x, y, width, height),) = list(_images(readback.pdf_reader(data)))
    assert number > 0
    left, right, _, _ = _frame(style)
    assert geometry.frame_bottom - 0.01 <= y and y + height <= geometry.frame_top + 0.01
    assert left - 0.01 <= x and x + width <= right + 0.01
    # As high as the frame allows while keeping its one-line caption on the same page.
    assert height > (geometry.frame_top - geometry.frame_bottom) * 0.9
    assert "Tall grey bar" in readback.pdf_reader(data).pages[number].extract_text()
    assert data == PdfWriter().write_pack(pack, style)


def test_code_is_mono_in_the_role_face_and_stays_literal(style: Style) -> None:
    data = PdfWriter().write_pack(
        handout(
            _article(
                Heading(1, (Text("Run "), Code("make all"))),
                Paragraph((Text("Type "), Strong((Code("rm"),)), Text(" or "), Code(HOSTILE))),
            )
        ),
        style,
    )
    reader = readback.pdf_reader(data)
    fonts = _font_names(reader)
    assert {"DejaVuSansMono-Bold", "DejaVuSansMono"} <= fonts
    assert not any(name.startswith(("Helvetica", "Times", "Courier")) for name in fonts)
    text = " ".join(readback.pdf_text(reader).split())
    assert "Run make all" in text and "Type rm or" in text
    assert '<img src="/etc/passwd"/>' in text and "<i>unclosed" in text


def test_missing_glyph_in_the_mono_face_is_reported(
    style: Style, caplog: pytest.LogCaptureFixture
) -> None:
    # U+0464 (Cyrillic iotified E) is in DejaVu Serif but not in DejaVu Sans Mono.
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        PdfWriter().write_pack(handout(_article(Paragraph((Text("\u0464 "),)))), style)
    assert not caplog.records
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        PdfWriter().write_pack(handout(_article(Paragraph((Code("\u0464"),)))), style)
    (record,) = caplog.records
    assert "U+0464" in record.getMessage() and "DejaVu Sans Mono" in record.getMessage()


def test_deep_nesting_indents_each_level_up_to_a_cap(style: Style) -> None:
    inner: BulletList | OrderedList = BulletList(((Text("level 10"),),))
    for depth in range(9, 0, -1):
        kind = OrderedList if depth % 2 else BulletList
        inner = kind(((Text(f"level {depth}"),), (Text(f"after {depth}"),)), sublists=((0, inner),))
    reader = readback.pdf_reader(PdfWriter().write_pack(handout(_article(inner)), style))
    text = readback.pdf_text(reader)
    x = _text_x(reader)
    starts = [x[f"level {d}"] for d in range(1, 11)]
    for d in range(1, 10):
        assert text.index(f"level {d}") < text.index(f"level {d + 1}")
        assert text.index(f"level {d + 1}") < text.index(f"after {d}")
    assert all(b >= a for a, b in itertools.pairwise(starts))
    assert starts[4] > starts[3] > starts[2] > starts[1] > starts[0]
    left, right, _, _ = _frame(style)
    assert starts[-1] < left + (right - left) * 0.6


def test_line_breaks_survive_paragraph_chunking(style: Style) -> None:
    words = "word " * 1500
    article = _article(Paragraph((Text(words), LineBreak(), Text("after the break"))))
    text = readback.pdf_text(readback.pdf_reader(PdfWriter().write_pack(handout(article), style)))
    assert re.search(r"word\s*\n\s*after the break", text)
    runs = [Run("ab " * 4), Run("\n", line_break=True), Run("cd " * 4)]
    chunks = chunk_runs(runs, limit=12)
    assert "".join(r.text for c in chunks for r in c) == "ab " * 4 + "cd " * 4
    assert all(not c[0].line_break and not c[-1].line_break for c in chunks)
    kept = chunk_runs(runs, limit=100)
    assert [r.line_break for r in kept[0]] == [False, True, False]


def test_paragraph_of_only_a_line_break_is_skipped(style: Style) -> None:
    data = PdfWriter().write_pack(
        handout(_article(Paragraph((LineBreak(),)), Paragraph(()), ThematicBreak())), style
    )
    assert data.startswith(b"%PDF-")
