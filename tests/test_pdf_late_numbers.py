"""PDF numbers known only once layout is over, drawn as forms defined after the last page.

"Page X of Y" footers and the pack's contents page numbers: the document is laid out once
and the numbers are filled in at the end (``FinishingCanvas``), read back with pypdf.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate

from briefconv import PackMeta
from briefconv.fonts.metrics import FontSet
from briefconv.model import Article, ArticleMeta, Pack, Paragraph, Text
from briefconv.pack import handout, make_pack
from briefconv.styles import Align, Style
from briefconv.writers._measure import fit_measure
from briefconv.writers.pdf import PdfWriter
from briefconv.writers.pdf._flowables import ContentsNumbers, FinishingCanvas, define_form

from . import readback


def _article(title: str, paragraphs: int) -> Article:
    text = "The delegations discussed corridors, exchanges and the monitoring of a ceasefire. "
    body = tuple(Paragraph((Text(f"{i}. " + text * 4),)) for i in range(paragraphs))
    return Article(ArticleMeta(title=title, source="Wire", date="2026-11-20"), body)


def _pack(language: str = "en") -> Pack:
    articles = [_article(f"Article {n}", 12 + 6 * n) for n in range(4)]
    return make_pack(articles, PackMeta(title="Late numbers", language=language))


def _pieces(page: Any) -> list[tuple[str, float, float]]:
    """Text pieces with their x and y as pypdf reports them.

    pypdf gives text inside a form in the form's own space; the footer forms are drawn in
    page coordinates, so theirs are positions on the page.
    """
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if text.strip():
            found.append((text.strip(), tm[4], tm[5]))

    page.extract_text(visitor_text=visit)
    return found


def _forms(page: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    for name, ref in page["/Resources"].get("/XObject", {}).items():
        if name.startswith(f"/FormXob.{prefix}"):
            yield name, ref.get_object()


def test_each_document_is_laid_out_once(style: Style, monkeypatch: pytest.MonkeyPatch) -> None:
    builds: list[int] = []
    original = BaseDocTemplate.build

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        builds.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(BaseDocTemplate, "build", counting)
    single = readback.pdf_reader(PdfWriter().write_pack(handout(_article("One", 40)), style))
    assert len(single.pages) > 1 and len(builds) == 1
    pack = readback.pdf_reader(PdfWriter().write_pack(_pack(), style))
    assert len(pack.pages) > 5 and len(builds) == 2


@pytest.mark.parametrize("align", ["left", "center", "right", "justify"])
@pytest.mark.parametrize("kind", ["article", "pack"])
def test_footer_says_page_x_of_y_where_the_style_puts_it(
    style: Style, align: Align, kind: str
) -> None:
    footer = replace(style.role("footer"), align=align)
    styled = replace(style, roles={**style.roles, "footer": footer})
    writer = PdfWriter()
    data = (
        writer.write_pack(handout(_article("One", 40)), styled)
        if kind == "article"
        else writer.write_pack(_pack(), styled)
    )
    reader = readback.pdf_reader(data)
    total = len(reader.pages)
    font = FontSet(styled).face(footer).font_name
    page = fit_measure(styled).page  # the text block's edges: margins widened to the measure
    # A pack's cover has no footer, nor has a handout's first page (issue 16: it shows
    # the title, and its DOCX cannot avoid "Page 1 of 1" otherwise).
    assert not [p for p in _pieces(reader.pages[0]) if p[0].startswith("Page ")]
    for number in range(2, total + 1):
        expected = f"Page {number} of {total}"
        placed = [p for p in _pieces(reader.pages[number - 1]) if p[0] == expected]
        assert len(placed) == 1, (number, _pieces(reader.pages[number - 1])[-3:])
        _, x, y = placed[0]
        width = stringWidth(expected, font, footer.size)
        assert y < page.margin_bottom
        if align in ("left", "justify"):
            assert x == pytest.approx(page.margin_left, abs=0.01)
        elif align == "right":
            assert x + width == pytest.approx(page.width - page.margin_right, abs=0.01)
        else:
            middle = page.margin_left + (page.width - page.margin_left - page.margin_right) / 2
            assert x + width / 2 == pytest.approx(middle, abs=0.01)


def test_footer_and_contents_numbers_in_the_pack_language(style: Style) -> None:
    reader = readback.pdf_reader(PdfWriter().write_pack(_pack("uk"), style))
    total = len(reader.pages)
    texts = [page.extract_text() for page in reader.pages]
    for number, text in enumerate(texts[1:], start=2):
        assert text.rstrip().splitlines()[-1] == f"Сторінка {number} з {total}"
    # Every contents line ends in the page its article starts on (the cover is page 1).
    numbers = [int(n) for n in re.findall(r"^Article \d+\s*\n(\d+)$", texts[1], re.M)]
    assert len(numbers) == 4
    assert numbers[0] == 3 and numbers == sorted(set(numbers)) and numbers[-1] < total
    for n, start in enumerate(numbers):
        # An opener: the article's title first (no running head above it).
        assert texts[start - 1].splitlines()[0] == f"Article {n}"


def test_contents_numbers_end_at_the_margin_with_leaders_short_of_them(style: Style) -> None:
    reader = readback.pdf_reader(PdfWriter().write_pack(_pack(), style))
    role = style.role("heading2")
    font = FontSet(style).face(role).font_name
    numbers = [text for text, _, _ in _pieces(reader.pages[1]) if text.isdigit()]
    forms = sorted(_forms(reader.pages[1], "briefconv-contents-"))
    assert len(forms) == len(numbers) == 4
    step = role.size * 0.55
    for number, (_, form) in zip(numbers, forms, strict=True):
        stream = form.get_data().decode("latin-1")
        width = stringWidth(number, font, role.size)
        # Right-aligned at the form's origin, which the line puts at the frame's edge.
        (x, y), *rest = re.findall(r"1 0 0 1 (-?[\d.]+) (-?[\d.]+) Tm", stream)
        assert not rest and float(x) + width == pytest.approx(0, abs=0.01) and float(y) == 0
        # The leaders: one dashed line of zero-length dashes with round caps, not circles...
        dashes = re.findall(r"\[0 ([\d.]+)\] 0 d", stream)
        assert dashes and float(dashes[0]) == pytest.approx(step, abs=0.001)
        assert re.search(r"^1 J$", stream, re.M) and not re.search(r" c$", stream, re.M)
        left, right = (float(v) for v in re.findall(r"(-?[\d.]+) [\d.]+ [ml]\b", stream))
        # ...whose last dot, half a step before the line's end, keeps a step clear of it.
        assert left < right and right - step / 2 <= -width - step + 0.01


def _canvas_pdf(draw_page: Any, finish: Any) -> bytes:
    buf = io.BytesIO()
    canv = FinishingCanvas(buf, pagesize=(300, 200), invariant=1, finish=finish)
    draw_page(canv)
    canv.showPage()
    canv.save()
    return buf.getvalue()


def test_glyphs_first_drawn_in_a_late_form_are_embedded(style: Style) -> None:
    # Nothing on the page draws these characters before the form is defined at save.
    face = FontSet(style).face(style.role("footer"))
    text = "Сторінка 7 з 9 ґ"

    def page(canv: Any) -> None:
        canv.setFont(face.font_name, 10)
        canv.doForm("late")

    def finish(canv: Any) -> None:
        with define_form(canv, "late"):
            canv.setFont(face.font_name, 10)
            canv.drawString(20, 20, text)

    reader = readback.pdf_reader(_canvas_pdf(page, finish))
    assert len(reader.pages) == 1  # finishing adds no page
    assert reader.pages[0].extract_text().strip() == text


def test_a_contents_line_without_a_first_page_shows_nothing(style: Style) -> None:
    face = FontSet(style).face(style.role("heading2"))
    numbers = ContentsNumbers(
        font_name=face.font_name, font_size=12, color="#000000", leader_color="#666666"
    )

    def page(canv: Any) -> None:
        canv.setFont(face.font_name, 12)
        canv.drawString(10, 100, "Known")
        numbers.place(canv, "a1", 280, 100, 60)
        canv.drawString(10, 80, "Unknown")
        numbers.place(canv, "a2", 280, 80, 70)

    reader = readback.pdf_reader(_canvas_pdf(page, lambda canv: numbers.define(canv, {"a1": 42})))
    assert reader.pages[0].extract_text().split() == ["Known", "42", "Unknown"]
    forms = dict(_forms(reader.pages[0], "briefconv-contents-"))
    assert len(forms) == 2
    assert b" d" not in forms["/FormXob.briefconv-contents-1"].get_data()
