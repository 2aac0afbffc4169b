"""The DOCX's fonts as Word embeds them (issue 17).

The font table's entries are checked against the font files, read here with fontTools; the
embedded faces are taken out of the package and de-obfuscated here, from ECMA-376's
description, not with the writer's code; and LibreOffice, with DejaVu hidden from
fontconfig, must draw every sample DOCX in the embedded faces.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import reportlab
from fontTools.ttLib import TTFont
from lxml import etree

import briefconv
from briefconv.fonts import FONT_DIR, bundled_faces
from briefconv.model import (
    Article,
    ArticleMeta,
    CodeBlock,
    Emphasis,
    Heading,
    Paragraph,
    Strong,
    Text,
)
from briefconv.pack import handout
from briefconv.styles import Style
from briefconv.writers.docx import DocxWriter

from .conftest import ROOT

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}
WORD = "http://schemas.microsoft.com/office/word"
OBFUSCATED = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
EMBEDS = {
    "embedRegular": (False, False),
    "embedBold": (True, False),
    "embedItalic": (False, True),
    "embedBoldItalic": (True, True),
}


# --- reading a DOCX's fonts back, independently of the writer ----------------------------


def _xml(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def _deobfuscate(data: bytes, key: str) -> bytes:
    """ECMA-376 Part 1, 17.8.1: the GUID's bytes, last first, XORed over 32 bytes."""
    digits = key.strip("{}").replace("-", "")
    guid = [int(digits[i : i + 2], 16) for i in range(0, 32, 2)]
    mask = guid[::-1] * 2
    return bytes(b ^ mask[i] for i, b in enumerate(data[:32])) + data[32:]


def embedded_faces(data: bytes) -> dict[tuple[str, bool, bool], TTFont]:
    """(family, bold, italic) -> the face the package embeds for it, de-obfuscated."""
    table = _xml(data, "word/fontTable.xml")
    rels = _xml(data, "word/_rels/fontTable.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels if r.get("Type") == FONT_REL}
    faces: dict[tuple[str, bool, bool], TTFont] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for font in table.iterfind("w:font", NS):
            for tag, (bold, italic) in EMBEDS.items():
                for embed in font.iterfind(f"w:{tag}", NS):
                    raw = z.read("word/" + targets[embed.get(f"{{{R}}}id")])
                    plain = _deobfuscate(raw, embed.get(f"{{{W}}}fontKey"))
                    faces[(font.get(f"{{{W}}}name"), bold, italic)] = TTFont(io.BytesIO(plain))
    return faces


def _article() -> Article:
    """Body text (serif) with bold and italic runs, a heading (bold sans), code (mono)."""
    return Article(
        ArticleMeta(title="Fonts", authors=("A. Writer",)),
        (
            Paragraph(
                (
                    Text("Plain text, "),
                    Strong((Text("bold ♣ text"),)),
                    Text(" and "),
                    Emphasis((Text("italic → text"),)),
                    Text("."),
                )
            ),
            Heading(1, (Text("A heading"),)),
            CodeBlock("print('∞')"),
        ),
    )


@pytest.fixture(scope="module")
def docx(style: Style) -> bytes:
    return DocxWriter().write_pack(handout(_article()), style)


# --- the font table ----------------------------------------------------------------------


def test_every_family_named_has_a_full_entry_from_its_files(docx: bytes) -> None:
    """Issue 17: fontTable.xml had no entry for DejaVu at all, so Word guessed blindly."""
    table = _xml(docx, "word/fontTable.xml")
    entries = {f.get(f"{{{W}}}name"): f for f in table.iterfind("w:font", NS)}
    kinds = {"DejaVu Serif": "roman", "DejaVu Sans": "swiss", "DejaVu Sans Mono": "modern"}
    alternatives = {"DejaVu Serif": "Georgia", "DejaVu Sans": "Verdana"}
    alternatives["DejaVu Sans Mono"] = "Courier New"
    for name, kind in kinds.items():
        entry = entries[name]
        faces = bundled_faces(name)
        assert faces is not None
        os2 = TTFont(faces[0])["OS/2"]
        panose = "".join(f"{v:02X}" for v in vars(os2.panose).values())
        assert entry.find("w:panose1", NS).get(f"{{{W}}}val") == panose
        assert entry.find("w:family", NS).get(f"{{{W}}}val") == kind
        assert entry.find("w:charset", NS).get(f"{{{W}}}val") == "00"
        pitch = "fixed" if kind == "modern" else "variable"
        assert entry.find("w:pitch", NS).get(f"{{{W}}}val") == pitch
        assert entry.find("w:altName", NS).get(f"{{{W}}}val") == alternatives[name]
        sig = entry.find("w:sig", NS)
        ranges = [os2.ulUnicodeRange1, os2.ulUnicodeRange2, os2.ulUnicodeRange3]
        ranges += [os2.ulUnicodeRange4, os2.ulCodePageRange1, os2.ulCodePageRange2]
        attrs = ("usb0", "usb1", "usb2", "usb3", "csb0", "csb1")
        assert [int(sig.get(f"{{{W}}}{a}"), 16) for a in attrs] == ranges
        # Children in schema order (CT_Font): Word refuses others.
        order = ["altName", "panose1", "charset", "family", "pitch", "sig", *EMBEDS]
        tags = [etree.QName(c).localname for c in entry]
        assert tags == sorted(tags, key=order.index)
    # The template's entries stay, for the fonts its styles still name (bullets in Symbol).
    assert "Symbol" in entries


def test_dejavu_sans_serif_and_mono_panose_say_what_they_are() -> None:
    """The values Word matches a substitute by, as the DejaVu files give them."""
    serif, sans, mono = (TTFont(FONT_DIR / f)["OS/2"].panose for f in (
        "DejaVuSerif.ttf", "DejaVuSans.ttf", "DejaVuSansMono.ttf"
    ))  # fmt: skip
    assert (serif.bFamilyType, serif.bSerifStyle) == (2, 6)  # Latin text, obtuse serifs
    assert (sans.bSerifStyle, mono.bSerifStyle, mono.bProportion) == (11, 11, 9)


# --- the embedded faces ------------------------------------------------------------------


def test_the_faces_the_text_uses_are_embedded(docx: bytes) -> None:
    """Issue 17: the DOCX named DejaVu, which Windows and macOS do not have, and embedded none."""
    faces = embedded_faces(docx)
    # Body text in serif, regular, bold and italic; the title, heading and byline in sans
    # (bold, and regular for the byline); the code block in mono. Nothing else is used.
    assert sorted(faces) == [
        ("DejaVu Sans", False, False),
        ("DejaVu Sans", True, False),
        ("DejaVu Sans Mono", False, False),
        ("DejaVu Serif", False, False),
        ("DejaVu Serif", False, True),
        ("DejaVu Serif", True, False),
    ]
    for (family, bold, italic), font in faces.items():
        names = font["name"]
        assert names.getDebugName(1) == family
        assert bool(font["head"].macStyle & 1) == bold
        assert bool(font["head"].macStyle & 2) == italic


def test_each_face_holds_its_own_characters_and_the_european_alphabets(docx: bytes) -> None:
    faces = embedded_faces(docx)
    cmaps = {key: set(font.getBestCmap()) for key, font in faces.items()}
    # What only one run draws is in that run's face only.
    assert ord("♣") in cmaps[("DejaVu Serif", True, False)]
    assert ord("→") in cmaps[("DejaVu Serif", False, True)]
    assert ord("∞") in cmaps[("DejaVu Sans Mono", False, False)]
    assert ord("→") not in cmaps[("DejaVu Serif", False, False)]
    assert ord("♣") not in cmaps[("DejaVu Serif", False, True)]
    # Every face keeps the letters of Latin, Greek and Cyrillic (Ukrainian too) and the
    # digits, whether the text uses them or not: an edit, a page number, a list label.
    for cmap in cmaps.values():
        assert {ord(c) for c in "AzéŁșΩωЖжїґ0123456789№€—“”"} <= cmap
    # A subset: far fewer glyphs than the 3,000-odd of a full DejaVu face.
    for font in faces.values():
        assert len(font.getGlyphOrder()) < 800


def test_parts_content_types_relationships_and_settings_as_word_writes_them(docx: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        names = z.namelist()
        types = etree.fromstring(z.read("[Content_Types].xml"))
    fonts = sorted(n for n in names if n.startswith("word/fonts/"))
    assert fonts == [f"word/fonts/font{i}.odttf" for i in range(1, 7)]
    overrides = {o.get("PartName"): o.get("ContentType") for o in types}
    assert all(overrides["/" + name] == OBFUSCATED for name in fonts)
    table = _xml(docx, "word/fontTable.xml")
    for tag in EMBEDS:
        for embed in table.iterfind(f".//w:{tag}", NS):
            key = embed.get(f"{{{W}}}fontKey")
            # LibreOffice reads the key's hex digits in upper case only.
            assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", key)
            assert embed.get(f"{{{W}}}subsetted") == "1"
    settings = _xml(docx, "word/settings.xml")
    tags = [etree.QName(c).localname for c in settings]
    assert "embedTrueTypeFonts" in tags and "saveSubsetFonts" in tags
    order = ["zoom", "embedTrueTypeFonts", "saveSubsetFonts", "proofState"]
    assert [tags.index(t) for t in order] == sorted(tags.index(t) for t in order)


def test_the_first_32_bytes_are_obfuscated(docx: bytes) -> None:
    table = _xml(docx, "word/fontTable.xml")
    embed = table.find(".//w:embedRegular", NS)
    rels = _xml(docx, "word/_rels/fontTable.xml.rels")
    target = next(r.get("Target") for r in rels if r.get("Id") == embed.get(f"{{{R}}}id"))
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        raw = z.read("word/" + target)
    plain = _deobfuscate(raw, embed.get(f"{{{W}}}fontKey"))
    assert plain[:4] == b"\0\1\0\0"  # a TrueType file once de-obfuscated, not before
    assert raw[:4] != plain[:4] and raw[32:] == plain[32:]


def test_keys_and_bytes_do_not_change_between_writes(docx: bytes, style: Style) -> None:
    assert DocxWriter().write_pack(handout(_article()), style) == docx


def test_embed_fonts_false_names_the_fonts_and_embeds_none(style: Style) -> None:
    plain = style.with_options("docx", embed_fonts=False)
    data = DocxWriter().write_pack(handout(_article()), plain)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not [n for n in z.namelist() if n.startswith("word/fonts/")]
    table = _xml(data, "word/fontTable.xml")
    assert table.find(".//w:embedRegular", NS) is None
    assert table.find("w:font[@w:name='DejaVu Serif']/w:panose1", NS) is not None
    settings = _xml(data, "word/settings.xml")
    assert settings.find("w:embedTrueTypeFonts", NS) is None
    assert settings.find("w:saveSubsetFonts", NS) is None


def test_what_embedding_costs(style: Style) -> None:
    """The numbers styles/README.md gives: the sample handouts and pack, with and without."""
    sizes: dict[bool, list[int]] = {}
    for embed in (True, False):
        styled = style.with_options("docx", embed_fonts=embed)
        sizes[embed] = [len(data) for data in _sample_docx(styled).values()]
    extra = [a - b for a, b in zip(sizes[True], sizes[False], strict=True)]
    # Four to six faces of 35-60 KB each, compressed.
    assert all(140_000 < e < 320_000 for e in extra), extra
    assert all(s < 60_000 for s in sizes[False]), sizes[False]


# --- LibreOffice with DejaVu hidden --------------------------------------------------------


def _sample_docx(style: Style) -> dict[str, bytes]:
    """Every sample DOCX `make handouts` builds: one per article in source/, and the pack."""
    out: dict[str, bytes] = {}
    for path in sorted((ROOT / "source").glob("*.txt")) + sorted((ROOT / "source").glob("*.md")):
        out[path.stem] = briefconv.render(briefconv.read_file(path), "docx", style)
    pack = briefconv.load_manifest(ROOT / "source" / "pack.toml").to_pack()
    out["briefing-pack"] = briefconv.render_pack(pack, "docx", style)
    return out


def _fontconfig(folder: Path, fonts: list[Path]) -> Path:
    """A FONTCONFIG_FILE whose one font folder holds copies of ``fonts``."""
    (folder / "fonts").mkdir(parents=True)
    for font in fonts:
        shutil.copy(font, folder / "fonts" / font.name)
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{folder / 'fonts'}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return config


def _libreoffice(
    docs: dict[str, bytes], folder: Path, config: Path
) -> dict[str, tuple[int, set[str]]]:
    """Each DOCX's page count and font names in LibreOffice's PDF, all in one session."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        if os.environ.get("BRIEFCONV_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required here: apt-get install libreoffice-writer-nogui")
        pytest.skip("LibreOffice (soffice) is not installed")
    from pypdf import PdfReader

    folder.mkdir(parents=True)
    paths = []
    for name, data in docs.items():
        path = folder / f"{name}.docx"
        path.write_bytes(data)
        paths.append(str(path))
    # One LibreOffice session for every file: it keeps each embedded face by name for the
    # session, and the later documents must still find all their glyphs.
    subprocess.run(
        [office, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder), *paths],
        check=True, capture_output=True, timeout=600,
        env=dict(os.environ, FONTCONFIG_FILE=str(config)),
    )  # fmt: skip
    out: dict[str, tuple[int, set[str]]] = {}
    for name in docs:
        reader = PdfReader(folder / f"{name}.pdf")
        fonts: set[str] = set()
        for page in reader.pages:
            for font in page["/Resources"].get("/Font", {}).values():
                fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
        out[name] = (len(reader.pages), fonts)
    return out


@pytest.mark.slow
def test_libreoffice_draws_every_sample_in_the_embedded_faces_with_dejavu_hidden(
    style: Style, tmp_path: Path
) -> None:
    """Issue 17: with DejaVu hidden, LibreOffice set every sample DOCX in another font.

    The machine has only Bitstream Vera (reportlab ships it) and LibreOffice's own
    OpenSymbol (for the bullets, in Word's Symbol font). The same files converted where
    the DejaVu faces are installed give the reference page counts.
    """
    symbol = Path("/usr/share/fonts/truetype/libreoffice/opens___.ttf")
    others = [Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"]
    others += [symbol] if symbol.is_file() else []
    hidden = _fontconfig(tmp_path / "hidden", others)
    installed = _fontconfig(tmp_path / "installed", [*others, *sorted(FONT_DIR.glob("*.ttf"))])
    docs = _sample_docx(style)
    seen = _libreoffice(docs, tmp_path / "without", hidden)
    reference = _libreoffice(docs, tmp_path / "with", installed)
    for name, (pages, fonts) in seen.items():
        assert fonts, name
        assert all(f.startswith("DejaVu") or f == "OpenSymbol" for f in fonts), (name, fonts)
        assert pages == reference[name][0], name
    # And the test can tell: without embedding, LibreOffice falls back to Vera.
    plain = {
        "briefing-pack": _sample_docx(style.with_options("docx", embed_fonts=False))[
            "briefing-pack"
        ]
    }
    _, fonts = _libreoffice(plain, tmp_path / "plain", hidden)["briefing-pack"]
    assert "BitstreamVeraSans-Roman" in fonts and not any(f.startswith("DejaVu") for f in fonts)
