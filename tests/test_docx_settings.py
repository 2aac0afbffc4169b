"""The DOCX's settings as Word writes them (issue 17)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from briefconv.model import Article, ArticleMeta, Paragraph, Text
from briefconv.pack import handout
from briefconv.styles import Style
from briefconv.writers.docx import DocxWriter

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
WORD = "http://schemas.microsoft.com/office/word"


def _xml(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def _article() -> Article:
    return Article(ArticleMeta(title="Settings"), (Paragraph((Text("Text."),)),))


@pytest.fixture(scope="module")
def docx(style: Style) -> bytes:
    return DocxWriter().write_pack(handout(_article()), style)


# --- settings: compatibility as Word 2013-365 writes it -----------------------------------


def test_compatibility_settings_are_word_2013s(docx: bytes) -> None:
    """Issue 17: python-docx's template said Word 2010 ("Compatibility Mode" in Word)."""
    settings = _xml(docx, "word/settings.xml")
    compat = settings.find("w:compat", NS)
    assert [(c.get(f"{{{W}}}name"), c.get(f"{{{W}}}val")) for c in compat] == [
        ("compatibilityMode", "15"),
        ("overrideTableStyleFontSizeAndJustification", "1"),
        ("enableOpenTypeFeatures", "1"),
        ("doNotFlipMirrorIndents", "1"),
        ("differentiateMultirowTableHeaders", "1"),
        ("useWord2013TrackBottomHyphenation", "0"),
    ]
    assert {c.get(f"{{{W}}}uri") for c in compat} == {WORD}
    lang = settings.find("w:themeFontLang", NS)
    assert dict(lang.attrib) == {f"{{{W}}}val": "en"}  # not the template's en-US/ja-JP


def test_a_template_keeps_its_own_compatibility(style: Style, tmp_path: Path) -> None:
    template = tmp_path / "house.docx"
    Document().save(str(template))
    data = DocxWriter().write_pack(
        handout(_article()), style.with_options("docx", template=template)
    )
    mode = _xml(data, "word/settings.xml").xpath(
        "w:compat/w:compatSetting[@w:name='compatibilityMode']/@w:val", namespaces=NS
    )
    assert mode == ["14"]


def test_no_theme_font_overrides_a_style_font(docx: bytes) -> None:
    """PITFALLS 6: a theme font attribute wins over the named font in Word."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("word/"))
    assert not re.search(rb'w:(ascii|hAnsi|eastAsia|cs)Theme="', xml)
    assert not re.search(rb'w:cstheme="', xml)
