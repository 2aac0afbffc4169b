"""The EPUB writer on the Markdown-era nodes: code, line breaks, breaks, figures, nesting.

Checked through real readers: EPUBCheck (validity), pandoc's EPUB reader (what the markup
means) and lxml (the XHTML and the package document). EPUBCheck costs seconds a run, so
three books are validated: the Markdown case alone, the same with embedded fonts, and a
pack whose articles share, break and drop images.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import re
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
    Block,
    BulletList,
    Code,
    Figure,
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
from briefconv.writers._css import stylesheet
from briefconv.writers.epub import EpubWriter

from .conftest import CASES
from .readback import pandoc_blocks, pandoc_text
from .test_markdown_docx import png

PandocAst = Callable[[Path, str], dict[str, Any]]
Epubcheck = Callable[[Path], list[dict[str, Any]]]
FULL = CASES / "md" / "full.md"
MAP = CASES / "md" / "map.png"
MAP_ALT = "Map of the Black Sea corridor"
XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
CHAPTER = "EPUB/article.xhtml"
IMAGE_HREF = re.compile(r"^images/[0-9a-f]{16}\.(png|jpg)$")


def jpeg() -> bytes:
    """A small baseline JPEG (Pillow comes with reportlab)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 120, 120)).save(buffer, "JPEG")
    return buffer.getvalue()


def article(*blocks: Block, title: str = "Figures") -> Article:
    return Article(ArticleMeta(title=title), blocks, timestamp=1_700_000_000)


def member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name)


def names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.namelist()


def manifest(data: bytes) -> list[tuple[str, str]]:
    """(href, media-type) of every manifest item."""
    opf = etree.fromstring(member(data, "EPUB/content.opf"))
    return [(str(i.get("href")), str(i.get("media-type"))) for i in opf.iter(f"{OPF}item")]


def pack_chapters(data: bytes) -> list[Any]:
    """The parsed article documents of a pack, in spine order (after cover and contents)."""
    opf = etree.fromstring(member(data, "EPUB/content.opf"))
    hrefs = {i.get("id"): i.get("href") for i in opf.iter(f"{OPF}item")}
    spine = [hrefs[ref.get("idref")] for ref in opf.iter(f"{OPF}itemref")]
    return [etree.fromstring(member(data, f"EPUB/{href}")) for href in spine[2:]]


def meta_props(data: bytes) -> list[tuple[str, str]]:
    opf = etree.fromstring(member(data, "EPUB/content.opf"))
    metas = opf.iter(f"{OPF}meta")
    return [(str(m.get("property")), m.text or "") for m in metas if m.get("property")]


@pytest.fixture(scope="module")
def full() -> Article:
    return briefconv.read_file(FULL)


@pytest.fixture(scope="module")
def full_epub(full: Article, style: Style) -> bytes:
    return EpubWriter().write_pack(handout(full), style)


@pytest.fixture(scope="module")
def full_xhtml(full_epub: bytes) -> Any:
    return etree.fromstring(member(full_epub, CHAPTER))


@pytest.fixture(scope="module")
def full_ast(
    full_epub: bytes, tmp_path_factory: pytest.TempPathFactory, pandoc_ast: PandocAst
) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("md") / "full.epub"
    path.write_bytes(full_epub)
    return pandoc_ast(path, "epub")


@pytest.fixture(scope="module")
def image_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("images")
    files = {
        "wide": png(1200, 300),
        "copy": MAP.read_bytes(),  # the same bytes as map.png under another name
        "photo": jpeg(),
        "broken": b"\x89PNG\r\n\x1a\n" + b"\x00" * 5,
        "text": b"not an image at all",
    }
    paths: dict[str, Path] = {}
    for key, data in files.items():
        paths[key] = folder / f"{key}.{'jpg' if key == 'photo' else 'png'}"
        paths[key].write_bytes(data)
    return paths


def nested(depth: int) -> BulletList | OrderedList:
    """A list nested ``depth`` levels deep, alternating bullets and numbers."""
    inner: BulletList | OrderedList | None = None
    for level in range(depth, 0, -1):
        items = ((Text(f"level {level}"),), (Text(f"after {level}"),))
        subs = ((0, inner),) if inner is not None else ()
        inner = (
            BulletList(items, subs) if level % 2 else OrderedList(items, start=level, sublists=subs)
        )
    assert inner is not None
    return inner


@pytest.fixture(scope="module")
def pack_epub(full: Article, image_files: dict[str, Path], style: Style) -> bytes:
    second = article(
        Figure("wide.png", "A wide banner", str(image_files["wide"])),
        Figure("copy.png", "The map again", str(image_files["copy"])),
        Figure("photo.jpg", "", str(image_files["photo"])),  # decorative: empty alt
        Figure("broken.png", "Broken file", str(image_files["broken"])),
        Figure("text.png", "Not a picture", str(image_files["text"])),
        Figure("missing.png", "Gone", str(image_files["wide"].with_name("gone.png"))),
        Figure("https://example.org/x.png", "Remote <chart> & co", None),
        nested(9),
        Paragraph((Strong((Code("x < y"), LineBreak(), Text("z"))),)),
        ThematicBreak(),
        title="Second",
    )
    pack = make_pack([full, second], PackMeta(title="Pack with pictures"))
    return EpubWriter().write_pack(pack, style)


# --- EPUBCheck ---------------------------------------------------------------------------


def test_epubcheck_accepts_the_markdown_case(
    full_epub: bytes, tmp_path: Path, epubcheck: Epubcheck
) -> None:
    path = tmp_path / "full.epub"
    path.write_bytes(full_epub)
    assert epubcheck(path) == []


def test_epubcheck_accepts_it_with_embedded_fonts(
    full: Article, style: Style, tmp_path: Path, epubcheck: Epubcheck
) -> None:
    data = EpubWriter().write_pack(handout(full), style.with_options("epub", embed_fonts=True))
    fonts = [n for n in names(data) if n.startswith("EPUB/fonts/")]
    # The code's mono face is embedded beside the text faces.
    assert "EPUB/fonts/dejavu-sans-mono-regular.ttf" in fonts
    path = tmp_path / "fonts.epub"
    path.write_bytes(data)
    assert epubcheck(path) == []


def test_epubcheck_accepts_the_pack_with_images(
    pack_epub: bytes, tmp_path: Path, epubcheck: Epubcheck
) -> None:
    path = tmp_path / "pack.epub"
    path.write_bytes(pack_epub)
    assert epubcheck(path) == []


# --- determinism -------------------------------------------------------------------------


def test_two_writes_are_byte_identical(full: Article, style: Style, full_epub: bytes) -> None:
    assert EpubWriter().write_pack(handout(full), style) == full_epub


def test_the_identifier_does_not_depend_on_where_the_image_lives(
    full: Article, style: Style, full_epub: bytes, tmp_path: Path
) -> None:
    moved = tmp_path / "elsewhere.png"
    moved.write_bytes(MAP.read_bytes())
    blocks = tuple(
        dataclasses.replace(b, path=str(moved)) if isinstance(b, Figure) else b for b in full.blocks
    )
    data = EpubWriter().write_pack(handout(dataclasses.replace(full, blocks=blocks)), style)
    assert data == full_epub


# --- pandoc reads the structure back -----------------------------------------------------


def test_pandoc_reads_the_image_with_its_alt_text(full_ast: dict[str, Any]) -> None:
    (image,) = pandoc_blocks(full_ast, "Image")
    _attr, alt, (target, _title) = image["c"]
    assert pandoc_text(alt) == MAP_ALT
    assert re.search(r"images/[0-9a-f]{16}\.png$", target), target


def test_pandoc_reads_the_nested_list_inside_the_first_item(full_ast: dict[str, Any]) -> None:
    outer = pandoc_blocks(full_ast, "BulletList")[0]
    first, second, third = outer["c"]
    assert pandoc_text(first[0]) == "a 30-day trial window for escorted convoys"
    (inner,) = [b for b in first if b["t"] == "BulletList"]
    assert [pandoc_text(item) for item in inner["c"]] == ["from Odesa", "from Chornomorsk"]
    assert all(b["t"] != "BulletList" for b in (*second, *third))
    (ordered,) = pandoc_blocks(full_ast, "OrderedList")
    assert ordered["c"][0][0] == 3


def test_pandoc_reads_code_the_line_break_and_the_rule(full_ast: dict[str, Any]) -> None:
    assert [c["c"][1] for c in pandoc_blocks(full_ast, "Code")] == ["3%"]
    (para,) = [p for p in pandoc_blocks(full_ast, "Para") if "Premiums" in pandoc_text(p["c"])]
    kinds = [node["t"] for node in para["c"]]
    assert kinds.count("LineBreak") == 1
    assert pandoc_text(para["c"][: kinds.index("LineBreak")]).endswith("vessel's value,")
    assert pandoc_text(para["c"][kinds.index("LineBreak") :]).strip().startswith("several")
    assert len(pandoc_blocks(full_ast, "HorizontalRule")) == 1


def test_pandoc_reads_the_quote_with_its_attribution(full_ast: dict[str, Any]) -> None:
    (quote,) = pandoc_blocks(full_ast, "BlockQuote")
    text = pandoc_text(quote["c"])
    assert "ready to return the moment" in text
    assert text.rstrip().endswith("— A Lloyd's broker")


# --- the markup --------------------------------------------------------------------------


def test_the_figure_markup_and_manifest(full_epub: bytes, full_xhtml: Any) -> None:
    (figure,) = full_xhtml.iter(f"{XHTML}figure")
    img, caption = figure
    assert img.tag == f"{XHTML}img" and img.get("alt") == MAP_ALT
    # The alt text is the visible caption too, as in the PDF and DOCX.
    assert caption.tag == f"{XHTML}figcaption" and caption.text == MAP_ALT
    href = img.get("src")
    assert IMAGE_HREF.match(href)
    assert (href, "image/png") in manifest(full_epub)
    assert member(full_epub, f"EPUB/{href}") == MAP.read_bytes()


def test_nested_list_sits_inside_its_parent_item(full_xhtml: Any) -> None:
    (outer,) = [ul for ul in full_xhtml.iter(f"{XHTML}ul") if ul.getparent().tag != f"{XHTML}li"]
    first = outer[0]
    assert first.text.strip() == "a 30-day trial window for escorted convoys"
    (inner,) = first.findall(f"{XHTML}ul")
    assert [li.text for li in inner] == ["from Odesa", "from Chornomorsk"]


def test_code_and_line_break_markup(full_xhtml: Any) -> None:
    (code,) = full_xhtml.iter(f"{XHTML}code")
    assert code.text == "3%"
    (br,) = full_xhtml.iter(f"{XHTML}br")
    assert br.getparent() is code.getparent()
    assert len(list(full_xhtml.iter(f"{XHTML}hr"))) == 1


def test_accessibility_metadata_names_the_alt_text(full_epub: bytes) -> None:
    props = meta_props(full_epub)
    assert ("schema:accessibilityFeature", "alternativeText") in props
    assert ("schema:accessMode", "visual") in props
    assert ("schema:accessModeSufficient", "textual") in props
    (summary,) = [v for p, v in props if p == "schema:accessibilitySummary"]
    assert "No images" not in summary and "text description" in summary


def test_without_images_the_metadata_is_unchanged(style: Style) -> None:
    data = EpubWriter().write_pack(
        handout(article(Paragraph((Text("Plain"),)), ThematicBreak())), style
    )
    props = meta_props(data)
    assert ("schema:accessibilityFeature", "alternativeText") not in props
    assert ("schema:accessMode", "visual") not in props
    (summary,) = [v for p, v in props if p == "schema:accessibilitySummary"]
    assert summary.endswith("No images, audio or video.")
    assert not any(n.startswith("EPUB/images/") for n in names(data))


def test_stylesheet_rules_for_the_new_markup(style: Style) -> None:
    css = stylesheet(style)
    mono = style.fonts["mono"].name
    assert re.search(r"code \{\n  font-family: \"" + re.escape(mono) + '", monospace;', css)
    assert "img {\n  max-width: 100%;\n  height: auto;\n}" in css
    # One body line above and below, as the PDF and DOCX leave.
    assert re.search(r"hr \{[^}]*width: 25%;[^}]*margin: 1\.45em auto;", css)
    assert re.search(r"li > ul, li > ol \{[^}]*font-size: 1em;", css)


# --- the pack: shared, decorative, broken, missing and remote images ---------------------


def test_pack_images_each_once_with_the_right_type(pack_epub: bytes) -> None:
    items = [(h, t) for h, t in manifest(pack_epub) if h.startswith("images/")]
    # map.png (in the first article and, as copy.png, in the second), wide.png, photo.jpg.
    assert len(items) == 3
    assert sorted(t for _h, t in items) == ["image/jpeg", "image/png", "image/png"]
    assert all(IMAGE_HREF.match(h) for h, _t in items)
    for href, media_type in items:
        assert href.endswith(".jpg" if media_type == "image/jpeg" else ".png")
        assert f"EPUB/{href}" in names(pack_epub)


def test_pack_figures_and_alt_text_fallbacks(pack_epub: bytes) -> None:
    first, second = pack_chapters(pack_epub)
    imgs = list(second.iter(f"{XHTML}img"))
    assert [img.get("alt") for img in imgs] == ["A wide banner", "The map again", ""]
    (map_img,) = first.iter(f"{XHTML}img")
    assert imgs[1].get("src") == map_img.get("src")  # same bytes, one file
    missing = [
        "".join(p.itertext()) for p in second.iter(f"{XHTML}p") if p.get("class") == "image-missing"
    ]
    assert missing == [
        "[Image: Broken file]",
        "[Image: Not a picture]",
        "[Image: Gone]",
        "[Image: Remote <chart> & co]",
    ]


def test_pack_writer_warns_once_per_unusable_image(
    full: Article, image_files: dict[str, Path], style: Style, caplog: pytest.LogCaptureFixture
) -> None:
    art = article(
        Figure("broken.png", "Broken", str(image_files["broken"])),
        Figure("broken.png", "Broken again", str(image_files["broken"])),
        Figure("https://example.org/x.png", "Remote", None),
    )
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        EpubWriter().write_pack(make_pack([art, art], PackMeta(title="P")), style)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "broken.png" in warnings[0], warnings


def test_pack_metadata_with_a_decorative_image(pack_epub: bytes) -> None:
    props = meta_props(pack_epub)
    assert ("schema:accessibilityFeature", "alternativeText") in props
    # One shown image has no alt text: text alone is not said to suffice.
    assert ("schema:accessModeSufficient", "textual") not in props
    assert ("schema:accessModeSufficient", "textual,visual") in props


def test_deep_nesting_and_code_in_bold(pack_epub: bytes) -> None:
    _first, root = pack_chapters(pack_epub)
    depth, node = 0, next(iter(root.iter(f"{XHTML}ul")))
    while node is not None:
        depth += 1
        first_li = node[0]
        assert first_li.text.strip() == f"level {depth}"
        children = [c for c in first_li if c.tag in (f"{XHTML}ul", f"{XHTML}ol")]
        node = children[0] if children else None
    assert depth == 9
    (strong,) = [s for s in root.iter(f"{XHTML}strong") if s.find(f"{XHTML}code") is not None]
    assert strong.find(f"{XHTML}code").text == "x < y"
    assert strong.getnext().tag == f"{XHTML}br"
