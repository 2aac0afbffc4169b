"""The EPUB writer against the real EPUBCheck and the real pandoc EPUB reader.

EPUBCheck costs a few seconds a run, so every article is written once (session fixture)
and validated once (one parametrised test); the other tests read the same files.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import re
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from briefconv.model import (
    Article,
    ArticleMeta,
    BulletList,
    Emphasis,
    Figure,
    Heading,
    Link,
    OrderedList,
    Paragraph,
    Quote,
    Strong,
    Text,
    plain_text,
)
from briefconv.pack import handout
from briefconv.styles import Style
from briefconv.writers import get_writer
from briefconv.writers._css import SELECTORS, stylesheet
from briefconv.writers.epub import EpubWriter

from .conftest import HOSTILE
from .readback import pandoc_blocks, pandoc_text

XHTML = "{http://www.w3.org/1999/xhtml}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CHAPTER = "EPUB/article.xhtml"

#: Every element the content document may contain; anything else came from article text.
ALLOWED_ELEMENTS = {
    "html", "head", "meta", "title", "link", "body", "section", "header",
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "blockquote", "ul", "ol", "li",
    "em", "strong", "a",
}  # fmt: skip

ODD_LINKS: tuple[tuple[str, str | None], ...] = (
    # (url as written, href expected in the XHTML or None for plain text)
    ('https://example.org/a b/<c>?q="x"&r=1', "https://example.org/a%20b/%3Cc%3E?q=%22x%22&r=1"),
    ("https://пример.укр/шлях?q=ї#розділ", None),  # checked separately: percent-encoded
    ("HTTPS://EXAMPLE.ORG/100%", "HTTPS://EXAMPLE.ORG/100%25"),
    ("mailto:desk@example.org?subject=Hi there", "mailto:desk@example.org?subject=Hi%20there"),
    ("javascript:alert(document.cookie)", None),
    (" JavaScript:alert(1)", None),
    ("file:///etc/passwd", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("http://", None),
    ("#local", None),
    ("", None),
)
LIVE_SCHEMES = ("http://", "https://", "HTTPS://", "mailto:")


def _title_only() -> Article:
    return Article(ArticleMeta(title="Just a title"), ())


def _ukrainian() -> Article:
    return Article(
        meta=ArticleMeta(
            title="Переговори у Стамбулі: «напружений» початок",
            subtitle="Делегації зустрілися після ночі ударів",
            authors=("Олена Коваленко",),
            date="3 June 2025",
            source="Приклад Новини",
            language="uk",
        ),
        blocks=(
            Paragraph((Text("Київ заявив, що питання суверенітету — «не предмет торгу»."),)),
            Heading(1, (Text("Позиції сторін"),)),
            Quote((Paragraph((Text("Ми готові до обміну полоненими."),)),), (Text("Міністр"),)),
            OrderedList(((Text("Обмін полоненими"),), (Text("Другий раунд: ї, є, ґ"),)), start=3),
        ),
    )


def _odd_links() -> Article:
    return Article(
        meta=ArticleMeta(title="Links of every kind", url="https://example.org/a b"),
        blocks=tuple(
            Paragraph((Text(f"Link {i}: "), Link(url, (Text(f"text {i}"),)), Text(".")))
            for i, (url, _) in enumerate(ODD_LINKS)
        ),
    )


def _edge() -> Article:
    """Blank title, right-to-left language, empty nodes and a skipped heading level."""
    return Article(
        meta=ArticleMeta(
            title="   ", authors=("", "كاتب", "Second", "Third"), language="ar", date="31 Feb 2025"
        ),
        blocks=(
            Heading(1, ()),
            Paragraph(()),
            Heading(3, (Text("عنوان فرعي"),)),
            Heading(6, (Strong((Text("Deep "), Emphasis((Text("level"),)))),)),
            BulletList(()),
            OrderedList(((Text("five"),), (Text("six"),)), start=5),
            Quote((), ()),
            Quote((Paragraph((Text("Unattributed"),)),)),
            Heading(2, (Link("https://example.org", (Text("Linked heading"),)),)),
        ),
    )


@pytest.fixture(scope="session")
def articles(rich_article: Article, hostile_article: Article) -> dict[str, Article]:
    return {
        "rich": rich_article,
        "hostile": hostile_article,
        "title-only": _title_only(),
        "ukrainian": _ukrainian(),
        "odd-links": _odd_links(),
        "edge": _edge(),
    }


@pytest.fixture(scope="session")
def epubs(
    articles: dict[str, Article], style: Style, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("epub")
    paths = {}
    for name, article in articles.items():
        path = out / f"{name}.epub"
        path.write_bytes(EpubWriter().write_pack(handout(article), style))
        paths[name] = path
    return paths


def _member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def _read(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


def _xml(path: Path, name: str) -> etree._Element:
    # A strict XML parse: anything ebooklib or the writer left malformed fails here.
    return etree.fromstring(_member(path, name))


def _norm(text: str) -> str:
    return " ".join(text.split())


# --- validity ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["rich", "hostile", "title-only", "ukrainian", "odd-links", "edge"]
)
def test_epubcheck_reports_nothing(
    name: str, epubs: dict[str, Path], epubcheck: Callable[[Path], list[dict[str, Any]]]
) -> None:
    messages = epubcheck(epubs[name])
    for message in messages:
        print(message["severity"], message["ID"], message["message"], message.get("locations"))
    assert messages == []


def test_registry_finds_the_writer() -> None:
    writer = get_writer("epub")
    assert isinstance(writer, EpubWriter)
    assert (writer.name, writer.extension, writer.media_type) == (
        "epub",
        ".epub",
        "application/epub+zip",
    )


# --- container and determinism -----------------------------------------------------------


def test_same_article_same_bytes(rich_article: Article, style: Style) -> None:
    assert EpubWriter().write_pack(handout(rich_article), style) == EpubWriter().write_pack(
        handout(rich_article), style
    )


@pytest.mark.parametrize("name", ["rich", "title-only"])
def test_mimetype_first_and_stored(name: str, epubs: dict[str, Path]) -> None:
    data = epubs[name].read_bytes()
    assert data[30:58] == b"mimetypeapplication/epub+zip"
    with zipfile.ZipFile(epubs[name]) as zf:
        first = zf.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert zf.read("mimetype") == b"application/epub+zip"
        # Chapter and CSS side by side, so the relative stylesheet link resolves (RSC-007).
        assert {CHAPTER, "EPUB/style.css", "EPUB/nav.xhtml", "EPUB/toc.ncx"} <= set(zf.namelist())


def test_package_metadata(epubs: dict[str, Path], rich_article: Article) -> None:
    opf = _xml(epubs["rich"], "EPUB/content.opf")
    meta = opf.find(f"{OPF}metadata")
    assert meta is not None

    def dc(name: str) -> list[str]:
        return [el.text or "" for el in meta.iter(f"{DC}{name}")]

    props = [(el.get("property"), el.text) for el in meta.iter(f"{OPF}meta")]
    expected_id = uuid.uuid5(
        uuid.uuid5(uuid.NAMESPACE_DNS, "epub.briefconv.invalid"),
        repr(rich_article.meta) + repr(rich_article.blocks),
    )
    assert dc("identifier") == [f"urn:uuid:{expected_id}"]
    assert dc("title") == [rich_article.meta.title]
    assert dc("language") == ["en"]
    assert dc("creator") == list(rich_article.meta.authors)
    assert dc("date") == ["2025-06-02"]
    assert dc("publisher") == ["Example News"]
    assert dc("source") == ["https://example.org/news/istanbul-talks"]
    assert ("dcterms:modified", "2025-06-02T00:00:00Z") in props
    for prop, value in [
        ("schema:accessMode", "textual"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityHazard", "none"),
    ]:
        assert (prop, value) in props
    assert any(p == "schema:accessibilitySummary" and v for p, v in props)
    # No generator meta with ebooklib's version, no uuid4 identifier (PITFALLS 4).
    assert b"Ebook-lib" not in _member(epubs["rich"], "EPUB/content.opf")
    assert not any(el.get("name") == "generator" for el in meta.iter(f"{OPF}meta"))
    # The NCX repeats the same identifier.
    assert f"urn:uuid:{expected_id}".encode() in _member(epubs["rich"], "EPUB/toc.ncx")
    # Nothing but the article in the spine: no non-linear cover page (OPF-096).
    spine = opf.find(f"{OPF}spine")
    assert spine is not None
    assert [(i.get("idref"), i.get("linear")) for i in spine] == [("article", None)]


def test_identifier_follows_content(rich_article: Article, style: Style) -> None:
    def ident(article: Article) -> bytes:
        opf = _read(EpubWriter().write_pack(handout(article), style), "EPUB/content.opf")
        match = re.search(rb"urn:uuid:[0-9a-f-]{36}", opf)
        assert match is not None
        return match.group(0)

    other = dataclasses.replace(rich_article, blocks=rich_article.blocks[:-1])
    assert ident(rich_article) != ident(other)


def test_fallback_date_without_any_date(monkeypatch: pytest.MonkeyPatch, style: Style) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = EpubWriter().write_pack(handout(_title_only()), style)
    opf = _read(data, "EPUB/content.opf").decode()
    assert "<dc:date>2023-11-14</dc:date>" in opf
    assert ">2023-11-14T22:13:20Z</meta>" in opf
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}


# --- the content document ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["rich", "hostile", "title-only", "ukrainian", "odd-links", "edge"]
)
def test_content_document_is_clean_xhtml(name: str, epubs: dict[str, Path]) -> None:
    root = _xml(epubs[name], CHAPTER)
    names = {el.tag.removeprefix(XHTML) for el in root.iter(etree.Element)}
    assert names <= ALLOWED_ELEMENTS, names - ALLOWED_ELEMENTS
    assert "script" not in names
    for a in root.iter(f"{XHTML}a"):
        assert a.get("href", "").startswith(LIVE_SCHEMES), a.get("href")
    # Never empty: at least the title heading, which the nav points at.
    h1 = root.find(f".//{XHTML}h1")
    assert h1 is not None and h1.get("id") == "title" and (h1.text or "").strip()
    for item in ("EPUB/nav.xhtml", "EPUB/toc.ncx"):
        nav = _xml(epubs[name], item)
        assert not [el for el in nav.iter(etree.Element) if el.tag.endswith("script")]
        # Every nav entry has text (RSC-005 otherwise).
        for a in nav.iter(f"{XHTML}a"):
            assert (a.text or "").strip()


@pytest.mark.parametrize(("name", "lang"), [("rich", "en"), ("ukrainian", "uk"), ("edge", "ar")])
def test_language_on_html(name: str, lang: str, epubs: dict[str, Path]) -> None:
    root = _xml(epubs[name], CHAPTER)
    assert root.get("lang") == lang
    assert root.get(XML_LANG) == lang
    nav = _xml(epubs[name], "EPUB/nav.xhtml")
    assert nav.get("lang") == lang and nav.get(XML_LANG) == lang
    opf = _member(epubs[name], "EPUB/content.opf").decode()
    assert f"<dc:language>{lang}</dc:language>" in opf


def test_right_to_left_language(epubs: dict[str, Path]) -> None:
    assert _xml(epubs["edge"], CHAPTER).get("dir") == "rtl"
    spine = _xml(epubs["edge"], "EPUB/content.opf").find(f"{OPF}spine")
    assert spine is not None and spine.get("page-progression-direction") == "rtl"
    assert _xml(epubs["rich"], CHAPTER).get("dir") is None


def test_bad_language_tag_becomes_und(style: Style, caplog: pytest.LogCaptureFixture) -> None:
    article = Article(ArticleMeta(title="T", language="English (UK)"), ())
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        data = EpubWriter().write_pack(handout(article), style)
    opf = _read(data, "EPUB/content.opf").decode()
    assert "<dc:language>und</dc:language>" in opf
    assert any("English (UK)" in r.getMessage() for r in caplog.records)


def test_edge_article_structure(epubs: dict[str, Path], caplog: pytest.LogCaptureFixture) -> None:
    root = _xml(epubs["edge"], CHAPTER)
    h1 = root.find(f".//{XHTML}h1")
    assert h1 is not None and h1.text == "Untitled"
    # The empty heading is left out; the others keep level + 1 (capped at h6).
    headings = [
        (el.tag.removeprefix(XHTML), _norm("".join(el.itertext())))
        for el in root.iter(*(f"{XHTML}h{n}" for n in range(1, 7)))
    ]
    assert headings == [
        ("h1", "Untitled"),
        ("h4", "عنوان فرعي"),
        ("h6", "Deep level"),
        ("h3", "Linked heading"),
    ]
    ol = root.find(f".//{XHTML}ol")
    assert ol is not None and ol.get("start") == "5"
    assert root.find(f".//{XHTML}ul") is None  # the empty list is left out
    byline = root.find(f".//{XHTML}p[@class='byline']")
    assert byline is not None and byline.text == "By كاتب, Second and Third · 31 Feb 2025"
    # The table of contents nests by level and skips the empty heading.
    nav = _xml(epubs["edge"], "EPUB/nav.xhtml")
    # The table of contents only; the landmarks nav lists where the text starts.
    toc = next(
        n for n in nav.iter(f"{XHTML}nav")
        if n.get("{http://www.idpf.org/2007/ops}type") == "toc"
    )  # fmt: skip
    entries = [(a.get("href"), a.text) for a in toc.iter(f"{XHTML}a")]
    assert entries == [
        ("article.xhtml#title", "Untitled"),
        ("article.xhtml#sec1", "عنوان فرعي"),
        ("article.xhtml#sec2", "Deep level"),
        ("article.xhtml#sec3", "Linked heading"),
    ]


def test_warnings_only_for_what_was_not_rendered(
    articles: dict[str, Article], style: Style, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        for name in ("rich", "title-only", "ukrainian"):
            EpubWriter().write_pack(handout(articles[name]), style)
    assert [r.getMessage() for r in caplog.records] == []
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        EpubWriter().write_pack(handout(articles["hostile"]), style)
    assert any("javascript:alert(1)" in r.getMessage() for r in caplog.records)


def test_css_from_style_roles(epubs: dict[str, Path], style: Style) -> None:
    css = _member(epubs["rich"], "EPUB/style.css").decode()
    assert 'font-family: "DejaVu Serif", serif' in css
    assert 'font-family: "DejaVu Sans", sans-serif' in css
    quote = style.role("quote")
    assert quote.border_color is not None and quote.background is not None
    block = css.split("blockquote {", 1)[1].split("}", 1)[0]
    # A 3 pt rule, in the quote's em (as wide as the PDF's and the DOCX's).
    assert f"border-left: {round(3 / quote.size, 3)}em solid {quote.border_color}" in block
    assert f"background-color: {quote.background}" in block
    assert "font-style: italic" in block
    title = css.split("h1.title {", 1)[1].split("}", 1)[0]
    assert "font-weight: bold" in title and style.role("title").color in title
    assert "text-align: right" in css.split("p.attribution {", 1)[1].split("}", 1)[0]
    # The chapter links the CSS beside it, relatively.
    link = _xml(epubs["rich"], CHAPTER).find(f".//{XHTML}link")
    assert link is not None and link.get("href") == "style.css"


def test_extra_css_is_appended(rich_article: Article, style: Style) -> None:
    custom = style.with_options("epub", extra_css="p { hyphens: auto; }")
    data = EpubWriter().write_pack(handout(rich_article), custom)
    css = _read(data, "EPUB/style.css").decode()
    assert css.rstrip().endswith("p { hyphens: auto; }")


# --- read back by pandoc -----------------------------------------------------------------


@pytest.fixture(scope="session")
def rich_ast(
    epubs: dict[str, Path], pandoc_ast: Callable[[Path, str], dict[str, Any]]
) -> dict[str, Any]:
    return pandoc_ast(epubs["rich"], "epub")


def _headers(ast: dict[str, Any]) -> list[tuple[int, str]]:
    return [(h["c"][0], _norm(pandoc_text(h["c"][2]))) for h in pandoc_blocks(ast, "Header")]


def test_pandoc_reads_title_and_headings(rich_ast: dict[str, Any], rich_article: Article) -> None:
    assert _norm(pandoc_text(rich_ast["meta"]["title"])) == rich_article.meta.title
    assert _norm(pandoc_text(rich_ast["meta"]["language"])) == "en"
    authors = {_norm(pandoc_text(a)) for a in rich_ast["meta"]["author"]["c"]}
    # pandoc lists creators in reverse order: compare as a set.
    assert authors == set(rich_article.meta.authors)
    expected = [(1, rich_article.meta.title)] + [
        (b.level + 1, plain_text(b.children)) for b in rich_article.blocks if isinstance(b, Heading)
    ]
    assert _headers(rich_ast) == expected


def test_pandoc_reads_quote_lists_links_and_emphasis(rich_ast: dict[str, Any]) -> None:
    quotes = pandoc_blocks(rich_ast, "BlockQuote")
    assert len(quotes) == 1
    quote_text = _norm(pandoc_text(quotes[0]))
    assert "“The backing of the United States is extremely important.”" in quote_text
    assert quote_text.endswith("— Turkish Foreign Ministry")
    bullets = pandoc_blocks(rich_ast, "BulletList")
    assert [len(b["c"]) for b in bullets] == [3]
    ordered = pandoc_blocks(rich_ast, "OrderedList")
    assert [(o["c"][0][0], len(o["c"][1])) for o in ordered] == [(1, 2)]
    links = [(pandoc_text(li["c"][1]), li["c"][2][0]) for li in pandoc_blocks(rich_ast, "Link")]
    # The byline links the source to the article's URL, as in DOCX and PDF.
    assert links == [
        ("Example News", "https://example.org/news/istanbul-talks"),
        ("the report", "https://example.org/a%20b?q=1&r=%3C2%3E"),
    ]
    assert [pandoc_text(s) for s in pandoc_blocks(rich_ast, "Strong")] == ["both sides"]
    assert [pandoc_text(e) for e in pandoc_blocks(rich_ast, "Emph")] == ["Nobody", "memorandum"]


def _model_texts(article: Article) -> list[str]:
    """Every piece of visible text in the article, one string per paragraph-like unit."""
    texts = [article.meta.title]
    for block in article.blocks:
        match block:
            case Heading(children=children) | Paragraph(children=children):
                texts.append(plain_text(children))
            case Quote(paragraphs=paragraphs, attribution=attribution):
                texts += [plain_text(p.children) for p in paragraphs]
                texts.append(plain_text(attribution))
            case BulletList(items=items) | OrderedList(items=items):
                texts += [plain_text(item) for item in items]
    return [_norm(t) for t in texts if t.strip()]


def _pandoc_units(ast: dict[str, Any]) -> str:
    """pandoc's text with a space between every Para/Plain/Header, so units stay apart."""
    units = [
        pandoc_text(node["c"] if node["t"] != "Header" else node["c"][2])
        for kind in ("Para", "Plain", "Header")
        for node in pandoc_blocks(ast, kind)
    ]
    return " | ".join(_norm(u) for u in units)


def test_pandoc_sees_every_word(rich_ast: dict[str, Any], rich_article: Article) -> None:
    text = _pandoc_units(rich_ast)
    for unit in _model_texts(rich_article):
        assert unit in text, unit
    words = set(text.split())
    for unit in _model_texts(rich_article):
        for word in unit.split():
            assert word in words, word
    for piece in ("Delegations meet after a night of strikes", "By Olena Kovalenko and"):
        assert piece in text


def test_hostile_text_stays_text(
    epubs: dict[str, Path], pandoc_ast: Callable[[Path, str], dict[str, Any]]
) -> None:
    ast = pandoc_ast(epubs["hostile"], "epub")
    hostile = _norm(HOSTILE)
    assert _norm(pandoc_text(ast["meta"]["title"])) == hostile
    assert _headers(ast) == [(1, hostile), (2, hostile)]
    text = _pandoc_units(ast)
    assert text.count(hostile) >= 7  # title, subtitle, byline, heading, para, quote x2, item
    assert f"— {hostile}" in text and f"By {hostile} · {hostile}" in text
    assert "click <me>" in text
    assert pandoc_blocks(ast, "Link") == []
    assert pandoc_blocks(ast, "RawInline") == [] and pandoc_blocks(ast, "RawBlock") == []
    raw = _member(epubs["hostile"], CHAPTER)
    assert b"<script" not in raw and b"javascript:" not in raw.lower()
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in raw


def test_odd_links(
    epubs: dict[str, Path], pandoc_ast: Callable[[Path, str], dict[str, Any]]
) -> None:
    root = _xml(epubs["odd-links"], CHAPTER)
    paragraphs = [p for p in root.iter(f"{XHTML}p") if (p.text or "").startswith("Link ")]
    assert len(paragraphs) == len(ODD_LINKS)
    for (url, expected), p in zip(ODD_LINKS, paragraphs, strict=True):
        anchors = p.findall(f"{XHTML}a")
        if url.startswith("https://пример"):
            assert len(anchors) == 1
            href = anchors[0].get("href", "")
            assert href.isascii() and href.startswith("https://")
            assert "%D0%BF" in href  # "п" percent-encoded as UTF-8
        elif expected is None:
            assert anchors == [], url
        else:
            assert [a.get("href") for a in anchors] == [expected]
    ast = pandoc_ast(epubs["odd-links"], "epub")
    # Body links only: the byline's link to the article URL is not one of the cases.
    urls = [
        li["c"][2][0]
        for li in pandoc_blocks(ast, "Link")
        if pandoc_text(li["c"][1]).startswith("text ")
    ]
    assert len(urls) == 4
    assert all(u.startswith(LIVE_SCHEMES) for u in urls)
    text = _pandoc_units(ast)
    for i in range(len(ODD_LINKS)):
        assert f"Link {i}: text {i}." in text


def test_ukrainian_read_back(
    epubs: dict[str, Path], pandoc_ast: Callable[[Path, str], dict[str, Any]]
) -> None:
    ast = pandoc_ast(epubs["ukrainian"], "epub")
    assert _norm(pandoc_text(ast["meta"]["title"])) == "Переговори у Стамбулі: «напружений» початок"
    assert _headers(ast) == [
        (1, "Переговори у Стамбулі: «напружений» початок"),
        (2, "Позиції сторін"),
    ]
    ordered = pandoc_blocks(ast, "OrderedList")
    assert [(o["c"][0][0], len(o["c"][1])) for o in ordered] == [(3, 2)]
    text = _pandoc_units(ast)
    for unit in _model_texts(_ukrainian()):
        assert unit in text, unit
    # The byline is in the article's language (wording.byline), like a Ukrainian pack's.
    assert "Автор: Олена Коваленко · Приклад Новини · 3 червня 2025" in text


def test_a_ukrainian_handout_prints_ukrainian_words(style: Style) -> None:
    # Every printed word comes from briefconv.wording, in the article's language.
    article = Article(
        ArticleMeta(title=" ", authors=("Олена Коваль",), source="Приклад", language="uk"),
        (
            Paragraph((Text("Делегації зустрілися."),)),
            Figure("https://example.org/map.png", "Карта  портів"),  # remote: not shown
            Figure("https://example.org/decor.png", ""),
        ),
    )
    data = EpubWriter().write_pack(handout(article), style)
    root = etree.fromstring(_read(data, CHAPTER))
    assert root.findtext(f".//{XHTML}h1") == "Без назви"
    assert root.findtext(f".//{XHTML}title") == "Без назви"
    byline = root.find(f".//{XHTML}p[@class='byline']")
    assert byline is not None and "".join(byline.itertext()) == "Автор: Олена Коваль · Приклад"
    missing = [
        "".join(p.itertext()) for p in root.iter(f"{XHTML}p") if p.get("class") == "image-missing"
    ]
    assert missing == ["[Зображення: Карта портів]", "[Зображення]"]
    opf = etree.fromstring(_read(data, "EPUB/content.opf"))
    assert opf.findtext(f".//{DC}title") == "Без назви"
    nav = _read(data, "EPUB/nav.xhtml").decode()
    assert ">Без назви</a>" in nav and "Untitled" not in nav


# --- [epub] embed_fonts --------------------------------------------------------------------


@pytest.fixture(scope="session")
def embedded(
    rich_article: Article, style: Style, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Style]:
    with_fonts = style.with_options("epub", embed_fonts=True)
    path = tmp_path_factory.mktemp("fonts") / "rich-fonts.epub"
    path.write_bytes(EpubWriter().write_pack(handout(rich_article), with_fonts))
    return path, with_fonts


@pytest.mark.slow
def test_epubcheck_accepts_embedded_fonts(
    embedded: tuple[Path, Style], epubcheck: Callable[[Path], list[dict[str, Any]]]
) -> None:
    assert epubcheck(embedded[0]) == []


def test_embedded_fonts_are_the_faces_the_text_uses(embedded: tuple[Path, Style]) -> None:
    path, style = embedded
    serif, sans = style.family("body"), style.family("heading1")
    # rich: serif body with <strong> and <em>, an italic serif quote; sans bold headings and
    # title, sans regular subtitle, byline and attribution. No bold italic anywhere.
    expected = {
        "EPUB/fonts/dejavu-sans-regular.ttf": sans.regular,
        "EPUB/fonts/dejavu-sans-bold.ttf": sans.bold,
        "EPUB/fonts/dejavu-serif-regular.ttf": serif.regular,
        "EPUB/fonts/dejavu-serif-bold.ttf": serif.bold,
        "EPUB/fonts/dejavu-serif-italic.ttf": serif.italic,
    }
    with zipfile.ZipFile(path) as zf:
        fonts = [n for n in zf.namelist() if n.startswith("EPUB/fonts/")]
        assert fonts == list(expected)  # sorted by family, then regular/bold/italic
        for name, source in expected.items():
            assert zf.read(name) == source.read_bytes()
    opf = _xml(path, "EPUB/content.opf")
    items = {i.get("href"): i.get("media-type") for i in opf.iter(f"{OPF}item")}
    for name in expected:
        assert items[name.removeprefix("EPUB/")] == "font/ttf"
    css = _member(path, "EPUB/style.css").decode()
    faces = re.findall(r"@font-face \{(.*?)\}", css, re.S)
    rules = [
        dict((k.strip(), v.strip()) for k, v in (d.split(":", 1) for d in f.split(";") if ":" in d))
        for f in faces
    ]
    assert [(r["font-family"], r["font-weight"], r["font-style"], r["src"]) for r in rules] == [
        ('"DejaVu Sans"', "normal", "normal", 'url("fonts/dejavu-sans-regular.ttf")'),
        ('"DejaVu Sans"', "bold", "normal", 'url("fonts/dejavu-sans-bold.ttf")'),
        ('"DejaVu Serif"', "normal", "normal", 'url("fonts/dejavu-serif-regular.ttf")'),
        ('"DejaVu Serif"', "bold", "normal", 'url("fonts/dejavu-serif-bold.ttf")'),
        ('"DejaVu Serif"', "normal", "italic", 'url("fonts/dejavu-serif-italic.ttf")'),
    ]
    # The family names are the ones the role rules ask for.
    assert css.count('font-family: "DejaVu Serif", serif') >= 1
    assert css.index("@font-face") < css.index("body {")


def test_embedded_fonts_follow_the_content(style: Style) -> None:
    with_fonts = style.with_options("epub", embed_fonts=True)
    data = EpubWriter().write_pack(handout(_title_only()), with_fonts)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        # Only the title is drawn: bold sans.
        assert [n for n in zf.namelist() if n.startswith("EPUB/fonts/")] == [
            "EPUB/fonts/dejavu-sans-bold.ttf"
        ]
    assert EpubWriter().write_pack(handout(_title_only()), with_fonts) == data


@pytest.mark.parametrize("table", [{}, {"embed_fonts": False}])
def test_no_fonts_unless_asked(rich_article: Article, style: Style, table: dict[str, Any]) -> None:
    data = EpubWriter().write_pack(handout(rich_article), style.with_options("epub", **table))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert not [n for n in zf.namelist() if "fonts/" in n or n.endswith(".ttf")]
        assert b"@font-face" not in zf.read("EPUB/style.css")
        assert b"font/ttf" not in zf.read("EPUB/content.opf")


def test_keys_an_ebook_cannot_honour_are_said_once_at_debug(
    rich_article: Article, style: Style, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="briefconv"):
        EpubWriter().write_pack(handout(rich_article), style)
    said = [r for r in caplog.records if "page.size" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.DEBUG
    message = said[0].getMessage()
    for key in ("page.margin_top", "page.margin_left", "roles.header", "roles.footer"):
        assert key in message
    assert "pdf." not in message and "hyphenate" not in message
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_every_role_key_reaches_the_css(style: Style) -> None:
    css = stylesheet(style)
    for selector, role_name, parent in SELECTORS:
        match = re.search(r"(?m)^" + re.escape(selector) + r" \{(.*?)\}", css, re.S)
        assert match, selector
        decl = dict(
            (k.strip(), v.strip())
            for k, v in (d.split(":", 1) for d in match.group(1).split(";") if ":" in d)
        )
        role = style.role(role_name)
        if selector in ("body", "p", "ul, ol", "li", "blockquote", "blockquote p"):
            # Running text takes the reader's colour (night and sepia modes).
            assert "color" not in decl, selector
        else:
            assert decl["color"] == role.color, selector
        if role_name == "link":
            continue  # a link keeps the surrounding text's look but for its colour
        assert decl["font-family"].startswith(f'"{style.family(role).name}"'), selector
        assert decl["font-weight"] == ("bold" if role.bold else "normal"), selector
        assert decl["font-style"] == ("italic" if role.italic else "normal"), selector
        assert decl["text-align"] == role.align, selector
        assert float(decl["line-height"]) == pytest.approx(role.line_height, abs=0.001)
        if parent is None:
            continue  # body: the reader's own text size and page margins
        size = float(decl["font-size"].removesuffix("em"))
        assert size == pytest.approx(role.size / style.role(parent).size, abs=0.001), selector
        assert "margin-bottom" in decl and "margin-top" in decl, selector
        assert "margin-left" in decl or "padding-left" in decl, selector
