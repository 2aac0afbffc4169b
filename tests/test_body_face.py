"""A style names its own body face (issue 16, item 10): user-supplied TTFs for ``serif``.

briefconv bundles only DejaVu (styles/README.md says why); a house style sets a book face
with a ``[fonts.serif]`` table of four files. The test stands in for such a face with
DejaVu Sans under another family name, which tells it apart from the bundled serif in
every output: the PDF must embed it for the body (and no DejaVu Serif at all), the DOCX
and the EPUB must name the family, and Greek, Cyrillic and Ukrainian text must draw with
no missing glyph; a character the face lacks is still reported.
"""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from briefconv.fonts import FONT_DIR
from briefconv.model import Article, ArticleMeta, Paragraph, Text
from briefconv.pack import handout
from briefconv.styles import Style, load_style
from briefconv.writers.docx import DocxWriter
from briefconv.writers.epub import EpubWriter
from briefconv.writers.pdf import PdfWriter

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def house(tmp_path: Path) -> Style:
    """The default style with its serif family replaced by the user's files."""
    for face, name in (
        ("regular", "DejaVuSans.ttf"),
        ("bold", "DejaVuSans-Bold.ttf"),
        ("italic", "DejaVuSans-Oblique.ttf"),
        ("bold_italic", "DejaVuSans-BoldOblique.ttf"),
    ):
        (tmp_path / f"House-{face}.ttf").write_bytes((FONT_DIR / name).read_bytes())
    path = tmp_path / "house.toml"
    path.write_text(
        'based_on = "default"\nname = "house"\n[fonts.serif]\nname = "House Serif"\n'
        + "".join(
            f'{face} = "House-{face}.ttf"\n'
            for face in ("regular", "bold", "italic", "bold_italic")
        ),
        encoding="utf-8",
    )
    return load_style(path)


def _article(extra: str = "") -> Article:
    text = "Київ: і ї є ґ. Αθήνα: η Ελλάδα. Zürich, Łódź. " + extra
    return Article(ArticleMeta("Talks", language="uk"), (Paragraph((Text(text),)),))


def test_a_users_serif_is_the_body_face_in_every_format(
    house: Style, caplog: pytest.LogCaptureFixture
) -> None:
    pack = handout(_article())
    assert house.role("body").font == "serif" and house.family("body").name == "House Serif"
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        pdf = PdfReader(io.BytesIO(PdfWriter().write_pack(pack, house)))
    assert not [r for r in caplog.records if "no glyph" in r.getMessage()]
    fonts = set()
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert "DejaVuSans" in fonts and not [f for f in fonts if f.startswith("DejaVuSerif")]
    assert "і ї є ґ" in pdf.pages[0].extract_text()

    with zipfile.ZipFile(io.BytesIO(DocxWriter().write_pack(pack, house))) as docx:
        styles = etree.fromstring(docx.read("word/styles.xml"))
    body = next(s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == "BodyText")
    assert body.find(f"{W}rPr/{W}rFonts").get(f"{W}ascii") == "House Serif"

    with zipfile.ZipFile(io.BytesIO(EpubWriter().write_pack(pack, house))) as book:
        css = book.read("EPUB/style.css").decode("utf-8")
    assert 'font-family: "House Serif", serif' in css


def test_a_character_the_users_face_lacks_is_reported(
    house: Style, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        PdfWriter().write_pack(handout(_article("\u4e2d")), house)  # no CJK in the face
    warnings = [r.getMessage() for r in caplog.records if "no glyph" in r.getMessage()]
    assert len(warnings) == 1 and "U+4E2D" in warnings[0] and "House Serif" in warnings[0]
