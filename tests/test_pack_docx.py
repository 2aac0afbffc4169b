"""The DOCX briefing pack, read back with real readers: pandoc, the XML itself, LibreOffice."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from lxml import etree

import briefconv
from briefconv import PackMeta
from briefconv.model import (
    PACK_LAYOUT,
    Article,
    ArticleMeta,
    BulletList,
    Heading,
    Layout,
    OrderedList,
    Pack,
    Paragraph,
    Quote,
    Text,
    plain_text,
)
from briefconv.pack import handout, heading_id, make_pack
from briefconv.styles import Style, load_style
from briefconv.wording import cover_text, entry_details, labels
from briefconv.writers._dates import pack_datetime
from briefconv.writers.docx import DocxWriter
from briefconv.writers.docx._layout import bookmark_name

from . import readback
from .conftest import HOSTILE, ROOT
from .readback import pandoc_blocks, pandoc_text
from .test_writer_docx import libreoffice_pdf

MANIFEST = ROOT / "source" / "pack.toml"
#: The page each article of the sample pack starts on, as LibreOffice lays its DOCX out
#: (cover 1, contents 2, the first article two pages long).
SAMPLE_PAGES = (3, 5, 6)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}
PandocAst = Callable[[Path, str], dict[str, Any]]


# --- helpers ---------------------------------------------------------------------------


def _parts(data: bytes, prefix: str) -> dict[str, etree._Element]:
    """Every zip member under ``prefix`` (e.g. "word/header"), parsed."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {
            name: etree.fromstring(z.read(name))
            for name in z.namelist()
            if name.startswith(prefix) and name.endswith(".xml")
        }


def _document(data: bytes) -> etree._Element:
    return _parts(data, "word/document.xml")["word/document.xml"]


def _text(element: etree._Element) -> str:
    """The visible text under ``element`` (w:t only: no field instructions)."""
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _strs(node: Any) -> list[str]:
    """Every pandoc Str in a fragment, in order (words never glued across blocks)."""
    if isinstance(node, dict):
        return [str(node["c"])] if node.get("t") == "Str" else _strs(node.get("c", []))
    if isinstance(node, list):
        return [s for n in node for s in _strs(n)]
    return []


def _instructions(element: etree._Element) -> list[str]:
    return [" ".join((t.text or "").split()) for t in element.iter(f"{W}instrText")]


def _field_results(element: etree._Element) -> list[tuple[str, str]]:
    """(instruction, cached result) of every complex field under ``element``, in order."""
    out: list[tuple[str, str]] = []
    instruction, result, state = "", "", ""
    for run in element.iter(f"{W}r"):
        char = run.find("w:fldChar", NS)
        if char is not None:
            state = char.get(f"{W}fldCharType")
            if state == "begin":
                instruction, result = "", ""
            elif state == "end":
                out.append((" ".join(instruction.split()), result))
            continue
        if state == "begin":
            instruction += "".join(t.text or "" for t in run.iter(f"{W}instrText"))
        elif state == "separate":
            result += _text(run)
    return out


def _section_heads(data: bytes, *, first: bool = False) -> list[tuple[str, str]]:
    """(header text, footer text) of every section in order, read through the relationships.

    The paragraphs' text (a table's, such as the cover's band, is not among them), without
    trailing empty lines (the cover's header ends in an empty paragraph after its band).
    With ``first``, the first-page header and footer of sections that have them
    (``w:titlePg``), and (None, None) for the others.
    """
    doc = Document(io.BytesIO(data))
    out: list[Any] = []
    for section in doc.sections:
        if first and not section.different_first_page_header_footer:
            out.append((None, None))
            continue
        header = section.first_page_header if first else section.header
        footer = section.first_page_footer if first else section.footer
        out.append(
            (
                "\n".join(p.text for p in header.paragraphs).rstrip("\n"),
                "\n".join(p.text for p in footer.paragraphs).rstrip("\n"),
            )
        )
    return out


def _conclusions(layout: Layout = PACK_LAYOUT, classification: str | None = None) -> Pack:
    def article(name: str) -> Article:
        return Article(
            ArticleMeta(title=name, source="Wire", date="2 June 2025"),
            (
                Paragraph((Text(f"About {name}."),)),
                Heading(1, (Text("Conclusion"),)),
                Paragraph((Text(f"The end of {name}."),)),
            ),
        )

    meta = PackMeta(title="Two", classification=classification)
    return make_pack([article("Alpha"), article("Beta")], meta, layout=layout)


def _style_names(data: bytes) -> list[str]:
    """The Word style of every body paragraph, in order."""
    return [p.style.name for p in Document(io.BytesIO(data)).paragraphs]


# --- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack() -> Pack:
    return briefconv.load_manifest(MANIFEST).to_pack()


@pytest.fixture(scope="module")
def pack_docx(pack: Pack, style: Style) -> bytes:
    return DocxWriter().write_pack(pack, style)


@pytest.fixture(scope="module")
def docx_path(pack_docx: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pack") / "pack.docx"
    path.write_bytes(pack_docx)
    return path


@pytest.fixture(scope="module")
def ast(docx_path: Path, pandoc_ast: PandocAst) -> dict[str, Any]:
    return pandoc_ast(docx_path, "docx")


@pytest.fixture(scope="module")
def lo_pdf(docx_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """LibreOffice's PDF of the pack, read with pypdf (skips without LibreOffice)."""
    folder = tmp_path_factory.mktemp("lo")
    copy = folder / docx_path.name
    copy.write_bytes(docx_path.read_bytes())
    return libreoffice_pdf(copy, folder)


@pytest.fixture(scope="module")
def lo_pages(lo_pdf: Any) -> list[str]:
    """The text of every page of LibreOffice's PDF of the pack."""
    return [page.extract_text() for page in lo_pdf.pages]


# --- pandoc ----------------------------------------------------------------------------


def test_pandoc_sees_the_pack_title_as_the_document_title(ast: dict[str, Any], pack: Pack) -> None:
    meta = ast["meta"]
    assert pandoc_text(meta["title"]["c"]) == pack.meta.title
    assert pandoc_text(meta["subtitle"]["c"]) == pack.meta.subtitle


def test_pandoc_sees_articles_as_level_1_with_their_headings_nested(
    ast: dict[str, Any], pack: Pack
) -> None:
    headers = [(h["c"][0], pandoc_text(h["c"][2])) for h in pandoc_blocks(ast, "Header")]
    # "In this pack" is Word's "TOC Heading": a level-1 heading to pandoc (as it is in the
    # PDF outline), but kept out of Word's own TOC and navigation pane (outline level 9).
    expected: list[tuple[int, str]] = [(1, labels("en").in_this_pack)]
    for entry in pack.articles:
        expected.append((1, entry.article.meta.title))
        expected += [
            (b.level + 1, plain_text(b.children))
            for b in entry.article.blocks
            if isinstance(b, Heading)
        ]
    assert headers == expected
    assert max(level for level, _ in expected) == 2  # the sample has level-1 headings only


def test_pandoc_keeps_quotes_lists_and_every_word(ast: dict[str, Any], pack: Pack) -> None:
    articles = [entry.article for entry in pack.articles]
    quotes = sum(isinstance(b, Quote) for a in articles for b in a.blocks)
    bullets = sum(isinstance(b, BulletList) for a in articles for b in a.blocks)
    numbered = sum(isinstance(b, OrderedList) for a in articles for b in a.blocks)
    # No more boxed marking on the cover (issue 16), which pandoc read as a block quote.
    assert len(pandoc_blocks(ast, "BlockQuote")) == quotes
    assert len(pandoc_blocks(ast, "BulletList")) == bullets
    assert len(pandoc_blocks(ast, "OrderedList")) == numbered
    found = set(readback.words(" ".join(_strs(ast["blocks"]))))
    for article in articles:
        missing = [w for w in readback.words(readback.body_text(article)) if w not in found]
        assert not missing, (article.meta.title, missing[:10])


def test_pandoc_reads_the_contents_links_to_the_articles(ast: dict[str, Any], pack: Pack) -> None:
    ids = {
        pandoc_text(h["c"][2]): h["c"][1][0] for h in pandoc_blocks(ast, "Header") if h["c"][0] == 1
    }
    links = [(pandoc_text(link["c"][1]), link["c"][2][0]) for link in pandoc_blocks(ast, "Link")]
    for entry, page in zip(pack.articles, SAMPLE_PAGES, strict=True):
        title = entry.article.meta.title
        # Once, in "In this pack" (there is no second, TOC-field list), with its page
        # number: pandoc reads a field's cached result, and the PAGEREF's is filled in.
        assert [text for text, target in links if target == "#" + ids[title]] == [
            f"{title} {page}",
            str(page),  # the PAGEREF \h field is itself a link, inside the title's
        ]


# --- the XML ---------------------------------------------------------------------------


def test_bookmarks_are_unique_and_named_from_the_entry_ids(pack_docx: bytes, pack: Pack) -> None:
    body = _document(pack_docx)
    names = [b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")]
    ids = [b.get(f"{W}id") for b in body.iter(f"{W}bookmarkStart")]
    assert len(names) == len(set(names)) and len(ids) == len(set(ids))
    assert all(name and len(name) <= 40 for name in names)
    expected = []
    for entry in pack.articles:
        expected.append(bookmark_name(entry.id))
        expected += [
            bookmark_name(heading_id(entry.id, i))
            for i, block in enumerate(entry.article.blocks)
            if isinstance(block, Heading)
        ]
    assert names == expected
    # Each article title (Heading 1) holds its article's bookmark.
    for entry in pack.articles:
        (start,) = body.xpath(
            f".//w:bookmarkStart[@w:name='{bookmark_name(entry.id)}']", namespaces=NS
        )
        paragraph = start.getparent()
        assert paragraph.find("w:pPr/w:pStyle", NS).get(f"{W}val") == "Heading1"
        assert _text(paragraph) == entry.article.meta.title


def test_article_headings_are_one_level_deeper(pack_docx: bytes, pack: Pack) -> None:
    doc = Document(io.BytesIO(pack_docx))
    headings = [
        (p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")
    ]
    expected = []
    for entry in pack.articles:
        expected.append(("Heading 1", entry.article.meta.title))
        expected += [
            (f"Heading {b.level + 1}", plain_text(b.children))
            for b in entry.article.blocks
            if isinstance(b, Heading)
        ]
    assert headings == expected
    titles = [p.text for p in doc.paragraphs if p.style.name == "Title"]
    assert titles == [pack.meta.title]  # the pack title is on the cover only


def test_contents_link_every_article_with_details_and_summary(pack_docx: bytes, pack: Pack) -> None:
    body = _document(pack_docx)
    bookmarks = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    paragraphs = body.findall(".//w:p", NS)
    texts = [_text(p) for p in paragraphs]
    # The contents' heading: the cover's "In this pack" comes first (issue 16).
    start = max(i for i, text in enumerate(texts) if text == labels("en").in_this_pack)
    for entry in pack.articles:
        anchor = bookmark_name(entry.id)
        (link,) = [
            h
            for h in paragraphs[start].getparent().iterfind(".//w:hyperlink", NS)
            if h.get(f"{W}anchor") == anchor and f"PAGEREF {anchor} \\h" in _instructions(h)
        ]
        assert anchor in bookmarks
        assert _text(link).startswith(entry.article.meta.title)
        at = next(i for i, t in enumerate(texts) if i > start and t == _text(link))
        assert texts[at + 1] == entry_details(entry, "en")
        assert texts[at + 2] == entry.summary


def test_contents_numbers_are_filled_in(pack_docx: bytes, pack: Pack) -> None:
    """Issue 17: every PAGEREF's cached result was empty, so no reader showed a number."""
    body = _document(pack_docx)
    fields = [f for f in _field_results(body) if f[0].startswith("PAGEREF")]
    assert fields == [
        (f"PAGEREF {bookmark_name(entry.id)} \\h", str(page))
        for entry, page in zip(pack.articles, SAMPLE_PAGES, strict=True)
    ]
    # The title, the dot leader's tab, the number: one line of the contents.
    for entry, page in zip(pack.articles, SAMPLE_PAGES, strict=True):
        (link,) = body.xpath(
            f".//w:hyperlink[@w:anchor='{bookmark_name(entry.id)}']", namespaces=NS
        )
        assert _text(link) == f"{entry.article.meta.title}{page}"
        assert link.find("w:r/w:tab", NS) is not None


def test_contents_numbers_follow_the_page_setup(style: Style) -> None:
    """The numbers come from a layout of this pack in this style, not a guess per article."""
    words = " ".join(["word"] * 700)
    long = Article(ArticleMeta(title="Long"), (Paragraph((Text(words),)),) * 3)
    pack = make_pack([long, _conclusions().articles[0].article], PackMeta(title="Two"))
    numbers = {}
    for name in ("default", "large-print"):
        data = DocxWriter().write_pack(pack, load_style(name))
        numbers[name] = [r for i, r in _field_results(_document(data)) if "PAGEREF" in i]
    # Cover, contents, then the long article: four pages of it in the default style, ten in
    # large print (where LibreOffice puts the second article too).
    assert numbers == {"default": ["3", "7"], "large-print": ["3", "13"]}


def test_contents_titles_break_where_the_pdfs_do(style: Style) -> None:
    """The contents take the PDF's pages (and so its numbers) only if titles wrap alike.

    The PDF wraps a title short of its number column; the DOCX's title runs to the margin
    (LibreOffice draws nothing past a right indent), broken at the PDF's places.
    """
    from pypdf import PdfReader

    from briefconv.writers.pdf import PdfWriter

    titles = [
        "Heatwave to end with thunderstorms at the weekend across the south",
        "Ministers agree a new timetable for the grain corridor talks in Istanbul",
        "Short one",
    ]
    articles = [Article(ArticleMeta(title=t), (Paragraph((Text("Text."),)),)) for t in titles]
    pack = make_pack(articles, PackMeta(title="Wrapped"))
    official = load_style("official")
    body = _document(DocxWriter().write_pack(pack, official))
    pdf = PdfReader(io.BytesIO(PdfWriter().write_pack(pack, official)))
    pdf_lines = [" ".join(line.split()) for line in pdf.pages[1].extract_text().splitlines()]
    broken = 0
    for title in titles:
        (link,) = [h for h in body.iter(f"{W}hyperlink") if _text(h).startswith(title[:9])]
        runs = list(link.iter(f"{W}r"))
        stop = next(i for i, r in enumerate(runs) if r.find("w:tab", NS) is not None)
        lines, line = [], ""
        for run in runs[:stop]:
            if run.find("w:br", NS) is not None:
                lines.append(line)
                line = ""
            line += _text(run)
        lines.append(line)
        assert " ".join(lines) == title
        broken += len(lines) > 1
        # Every line but the last is a line of the PDF's contents (the last ends in its
        # number there).
        for text in lines[:-1]:
            assert text in pdf_lines, (text, pdf_lines)
    assert broken == 2


def test_one_contents_list_and_no_toc_field(pack_docx: bytes, pack: Pack) -> None:
    """Issue 17: a pre-filled TOC field followed "In this pack": a second, unlabelled list."""
    body = _document(pack_docx)
    assert [i for i in _instructions(body) if i.startswith("TOC")] == []
    styles = [s.get(f"{W}val") for s in body.iterfind(".//w:p/w:pPr/w:pStyle", NS)]
    assert not [s for s in styles if re.fullmatch(r"TOC\d", s)]
    # Each article is linked from the contents once.
    anchors = [a for h in body.iter(f"{W}hyperlink") if (a := h.get(f"{W}anchor"))]
    assert anchors == [bookmark_name(e.id) for e in pack.articles]
    doc = Document(io.BytesIO(pack_docx))
    for name in ("TOC 1", "TOC 2", "TOC 3", "TOC Heading"):
        # Styled from the roles for a TOC a Word user inserts (python-docx's template lacks
        # TOC n).
        assert doc.styles[name] is not None


def test_settings_do_not_ask_word_to_update_fields(pack_docx: bytes) -> None:
    """Issue 17: w:updateFields made Word ask "update the fields?" on opening."""
    settings = _parts(pack_docx, "word/settings.xml")["word/settings.xml"]
    assert settings.find("w:updateFields", NS) is None


def test_a_templates_update_fields_setting_goes_too(style: Style, tmp_path: Path) -> None:
    template = tmp_path / "asks.docx"
    made = Document()
    settings = made.settings.element
    settings.insert(0, etree.fromstring(f'<w:updateFields xmlns:w="{W[1:-1]}" w:val="true"/>'))
    made.save(str(template))
    data = DocxWriter().write_pack(_conclusions(), style.with_options("docx", template=template))
    settings = _parts(data, "word/settings.xml")["word/settings.xml"]
    assert settings.find("w:updateFields", NS) is None


def test_running_heads_name_the_current_article_with_marking_and_page_fields(
    pack_docx: bytes, pack: Pack
) -> None:
    heads = _section_heads(pack_docx)
    titles = [labels("en").in_this_pack] + [e.article.meta.title for e in pack.articles]
    # The cover, the contents, then one section per article.
    assert len(heads) == 2 + len(pack.articles)
    assert heads[0] == ("OFFICIAL", "OFFICIAL")
    for (header, footer), section in zip(heads[1:], titles, strict=True):
        assert header == f"OFFICIAL\n{pack.meta.title}\t{section}"
        assert footer == "Page 1 of 1\nOFFICIAL"  # cached field results
    # The first page of each (an opener, whose title is right below) has no running
    # head, only the marking; its footer is the others' (issue 16).
    firsts = _section_heads(pack_docx, first=True)
    assert firsts == [(None, None)] + [("OFFICIAL", "Page 1 of 1\nOFFICIAL")] * len(titles)
    headers = _parts(pack_docx, "word/header")
    footers = _parts(pack_docx, "word/footer")
    # A header and a footer per section, and a first-page pair for all but the cover's.
    assert len(headers) == len(footers) == 2 * len(heads) - 1
    for footer in footers.values():
        assert "OFFICIAL" in _text(footer)
    page_fields = [f for f in footers.values() if _instructions(f)]
    assert len(page_fields) == len(footers) - 1  # all but the cover's
    for footer in page_fields:
        assert _instructions(footer) == ["PAGE", "NUMPAGES"]


def test_each_article_is_a_section_starting_on_a_new_page(pack_docx: bytes) -> None:
    body = _document(pack_docx)
    breaks = body.findall("w:body/w:p/w:pPr/w:sectPr", NS) + body.findall("w:body/w:sectPr", NS)
    assert len(breaks) == 5
    for sect in breaks:
        kind = sect.find("w:type", NS)
        assert kind is None or kind.get(f"{W}val") == "nextPage"
        assert sect.find("w:pgSz", NS).get(f"{W}w") == "11906"  # A4 from the style
    # A different first page (an opener without running head) for all but the cover.
    assert [sect.find("w:titlePg", NS) is not None for sect in breaks] == [False] + [True] * 4
    for sect in breaks[1:]:
        kinds = {r.get(f"{W}type") for r in sect.findall("w:headerReference", NS)}
        assert kinds == {"default", "first"}
        kinds = {r.get(f"{W}type") for r in sect.findall("w:footerReference", NS)}
        assert kinds == {"default", "first"}


def test_core_properties(pack_docx: bytes, pack: Pack) -> None:
    props = Document(io.BytesIO(pack_docx)).core_properties
    assert props.title == pack.meta.title
    assert props.author == pack.meta.prepared_by
    assert props.subject == pack.meta.subtitle
    assert props.category == "OFFICIAL"
    assert "OFFICIAL" in props.keywords.split("; ")
    assert props.language == "en"
    when = pack_datetime(pack)
    assert props.created == props.modified == when
    assert props.comments == "" and props.last_modified_by == "briefconv"


def test_two_writes_are_byte_identical(pack: Pack, style: Style, pack_docx: bytes) -> None:
    assert DocxWriter().write_pack(pack, style) == pack_docx
    with zipfile.ZipFile(io.BytesIO(pack_docx)) as z:
        assert {info.date_time for info in z.infolist()} == {(2026, 11, 26, 0, 0, 0)}


def test_same_bytes_in_another_process(pack_docx: bytes, tmp_path: Path) -> None:
    script = (
        "import sys, briefconv;"
        "from briefconv.styles import load_style;"
        "from briefconv.writers.docx import DocxWriter;"
        "pack = briefconv.load_manifest(sys.argv[2]).to_pack();"
        "open(sys.argv[1], 'wb').write(DocxWriter().write_pack(pack, load_style('default')))"
    )
    out = tmp_path / "other.docx"
    env = dict(os.environ, PYTHONHASHSEED="12345", TZ="Pacific/Kiritimati")
    subprocess.run(
        [sys.executable, "-c", script, str(out), str(MANIFEST)], check=True, env=env, timeout=120
    )
    assert out.read_bytes() == pack_docx


def test_one_article_with_a_cover_is_a_pack(style: Style, rich_article: Article) -> None:
    pack = make_pack([rich_article], PackMeta(title="Solo", classification="SECRET"))
    data = DocxWriter().write_pack(pack, style)
    heads = _section_heads(data)
    assert [h for h, _ in heads] == [
        "SECRET",
        "SECRET\nSolo\tIn this pack",
        f"SECRET\nSolo\t{rich_article.meta.title}",
    ]


def test_a_handout_is_a_pack_without_parts(style: Style, rich_article: Article) -> None:
    writer = DocxWriter()
    assert not hasattr(writer, "write")  # one entry point: write_pack
    data = writer.write_pack(handout(rich_article), style)
    # No cover, contents, sections or bookmarks: the one article under its title.
    body = _document(data)
    assert len(body.findall("w:body/w:p/w:pPr/w:sectPr", NS)) == 0
    assert not list(body.iter(f"{W}bookmarkStart"))
    assert not _instructions(body)


def test_duplicate_headings_get_distinct_bookmarks(
    style: Style, tmp_path: Path, pandoc_ast: PandocAst
) -> None:
    pack = _conclusions()
    data = DocxWriter().write_pack(pack, style)
    body = _document(data)
    names = [b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")]
    conclusions = [bookmark_name(heading_id(entry.id, 1)) for entry in pack.articles]
    assert len(set(conclusions)) == 2 and set(conclusions) <= set(names)
    assert len(names) == len(set(names))
    path = tmp_path / "two.docx"
    path.write_bytes(data)
    headers = [
        (h["c"][0], pandoc_text(h["c"][2]))
        for h in pandoc_blocks(pandoc_ast(path, "docx"), "Header")
    ]
    assert headers == [
        (1, "In this pack"),
        (1, "Alpha"),
        (2, "Conclusion"),
        (1, "Beta"),
        (2, "Conclusion"),
    ]


def test_long_ids_make_short_unique_bookmarks() -> None:
    long = "a1-" + "x" * 40
    names = {bookmark_name(heading_id(long, i)) for i in range(12)}
    assert len(names) == 12 and all(len(n) == 40 for n in names)
    assert bookmark_name("a1-short-h3") == "a1-short-h3"


def test_no_classification_prints_no_marking(style: Style) -> None:
    data = DocxWriter().write_pack(_conclusions(), style)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not any(b"OFFICIAL" in z.read(n) for n in z.namelist())
    heads = _section_heads(data)
    assert heads[0] == ("", "")
    assert heads[1] == ("Two\tIn this pack", "Page 1 of 1")
    props = Document(io.BytesIO(data)).core_properties
    assert props.category == "" and props.keywords == "Wire"


def test_hostile_text_is_literal_everywhere(
    style: Style,
    hostile_article: Article,
    tmp_path: Path,
    pandoc_ast: PandocAst,
    caplog: pytest.LogCaptureFixture,
) -> None:
    pack = make_pack(
        [hostile_article],
        PackMeta(title=HOSTILE, subtitle=HOSTILE, prepared_by=HOSTILE, classification=HOSTILE),
    )
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        data = DocxWriter().write_pack(pack, style)
    path = tmp_path / "hostile.docx"
    path.write_bytes(data)
    ast = pandoc_ast(path, "docx")
    assert pandoc_text(ast["meta"]["title"]["c"]) == HOSTILE
    text = " ".join(pandoc_text(b) for b in ast["blocks"])
    for literal in ("<b>bold?</b>", '<img src="/etc/passwd"/>', "Tom & Jerry", "<i>unclosed"):
        assert literal in text
    assert not any(n.startswith("word/media") for n in zipfile.ZipFile(path).namelist())
    props = Document(str(path)).core_properties
    assert props.category == HOSTILE[:254] + "…" or props.category == HOSTILE
    # Too long for one line in the heads: set smaller, then cut, and said so.
    assert any("marking is too long" in r.getMessage() for r in caplog.records)
    header, footer = _section_heads(data)[1]
    assert header.splitlines()[0].endswith("…") and footer.splitlines()[-1].endswith("…")


def test_logo_on_the_cover(style: Style, tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (20, 40, 75)).save(logo)
    styled = replace(style, pack={**style.pack, "logo": str(logo)})
    data = DocxWriter().write_pack(_conclusions(), styled)
    body = _document(data)
    # In the cover's header, left of the identity band (issue 16), not in the body, whose
    # first paragraph stays the Title pandoc reads as the document's title.
    assert not list(body.iter(f"{W}drawing"))
    assert _style_names(data)[0] == "Title"
    cover_header = Document(io.BytesIO(data)).sections[0].header._element
    (band,) = cover_header.findall("w:tbl", NS)
    cells = band.findall("w:tr/w:tc", NS)
    assert len(cells) == 2 and cells[0].find(".//w:drawing", NS) is not None
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        (media,) = [n for n in z.namelist() if n.startswith("word/media/")]
        assert z.read(media) == logo.read_bytes()
        rels = z.read("word/_rels/" + _header_of_first_section(data) + ".rels")
        assert media.removeprefix("word/").encode() in rels


def _header_of_first_section(data: bytes) -> str:
    """The file name of the cover section's default header part ("header1.xml")."""
    doc = Document(io.BytesIO(data))
    return str(doc.sections[0].header.part.partname).rsplit("/", 1)[-1]


def test_language_words_and_page_of(style: Style) -> None:
    pack = _conclusions()
    pack = replace(pack, meta=replace(pack.meta, language="uk"))
    heads = _section_heads(DocxWriter().write_pack(pack, style))
    assert heads[1] == ("Two\tУ цьому пакеті", "Сторінка 1 з 1")


# --- layouts: the parts a pack's layout leaves out are not drawn ----------------------


def test_a_pack_without_a_cover_opens_on_its_contents(style: Style) -> None:
    data = DocxWriter().write_pack(_conclusions(Layout(cover=False), "OFFICIAL"), style)
    names = _style_names(data)
    assert "Title" not in names  # the cover's title
    assert names[0] == "TOC Heading"
    heads = _section_heads(data)
    # Three sections (contents, two articles), each with marking, running head and page.
    assert heads == [
        ("OFFICIAL\nTwo\tIn this pack", "Page 1 of 1\nOFFICIAL"),
        ("OFFICIAL\nTwo\tAlpha", "Page 1 of 1\nOFFICIAL"),
        ("OFFICIAL\nTwo\tBeta", "Page 1 of 1\nOFFICIAL"),
    ]


def test_a_pack_without_contents_has_no_contents_page_or_toc_field(style: Style) -> None:
    data = DocxWriter().write_pack(_conclusions(Layout(contents=False)), style)
    names = _style_names(data)
    assert not [n for n in names if n.startswith("TOC") or n == "Contents Entry"]
    assert names.count("Heading 1") == 2 and names.count("Heading 2") == 2  # still a pack
    assert not _instructions(_document(data))  # no TOC and no PAGEREF fields
    settings = _parts(data, "word/settings.xml")["word/settings.xml"]
    assert settings.find("w:updateFields", NS) is None  # nothing for Word to update
    assert [h for h, _ in _section_heads(data)] == ["", "Two\tAlpha", "Two\tBeta"]


def test_a_pack_without_running_heads_keeps_its_marking_and_page_numbers(style: Style) -> None:
    data = DocxWriter().write_pack(_conclusions(Layout(running_heads=False), "OFFICIAL"), style)
    heads = _section_heads(data)
    assert len(heads) == 4  # cover, contents, two articles
    assert [h for h, _ in heads] == ["OFFICIAL"] * 4
    assert [f for _, f in heads] == ["OFFICIAL"] + ["Page 1 of 1\nOFFICIAL"] * 3
    unmarked = _section_heads(
        DocxWriter().write_pack(_conclusions(Layout(running_heads=False)), style)
    )
    assert [h for h, _ in unmarked] == [""] * 4


def test_a_pack_of_articles_in_other_languages_words_each_in_its_own(style: Style) -> None:
    untitled = Article(
        ArticleMeta(title="", authors=("Олена Коваль",), language="uk"),
        (Paragraph((Text("Текст."),)),),
    )
    pack = make_pack([untitled, _conclusions().articles[0].article], PackMeta(title="Two"))
    data = DocxWriter().write_pack(pack, style)
    doc = Document(io.BytesIO(data))
    titles = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert titles == ["Без назви", "Alpha"]
    bylines = [p.text for p in doc.paragraphs if p.style.name == "Article Byline"]
    assert bylines[0].startswith("Автор: Олена Коваль · ")
    assert _section_heads(data)[2][0] == "Two\tБез назви"  # its running head
    contents = [p.text for p in doc.paragraphs if p.style.name == "Contents Entry"]
    assert contents[0].startswith("Без назви")


def test_an_article_in_another_language_marks_its_runs(style: Style) -> None:
    """Issue 17: Word checked the spelling of a Ukrainian article in an English pack as English."""
    ukrainian = Article(
        ArticleMeta(title="Київ", authors=("Олена Коваль",), language="uk"),
        (Heading(1, (Text("Світло"),)), Paragraph((Text("Текст "), Text("статті.")))),
    )
    pack = make_pack([ukrainian, _conclusions().articles[0].article], PackMeta(title="Two"))
    body = _document(DocxWriter().write_pack(pack, style))
    # From the contents on (the cover's list of articles is the cover's business).
    paragraphs = body.findall(".//w:body/w:p", NS)
    start = next(i for i, p in enumerate(paragraphs) if _text(p) == labels("en").in_this_pack)
    runs_after = [r for p in paragraphs[start:] for r in p.iter(f"{W}r")]

    def languages(*words: str) -> set[str | None]:
        """The w:lang of every run holding any of ``words``."""
        runs = [r for r in runs_after if any(w in _text(r) for w in words)]
        assert runs, words
        return {r.get(f"{W}val") if (r := run.find("w:rPr/w:lang", NS)) is not None else None
                for run in runs}  # fmt: skip

    # Title (in the contents too), heading and text of the Ukrainian article say so; the
    # English one inherits the document's language (w:docDefaults), as does the byline,
    # which mixes the two.
    assert languages("Київ", "Світло", "Текст", "статті") == {"uk"}
    assert languages("Alpha", "Conclusion") == {None}
    assert languages("Олена Коваль") == {None}
    styles = _parts(DocxWriter().write_pack(pack, style), "word/styles.xml")["word/styles.xml"]
    assert styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS).get(f"{W}val") == "en"


# --- LibreOffice -----------------------------------------------------------------------


@pytest.mark.slow
def test_libreoffice_marks_every_page_top_and_bottom(lo_pages: list[str]) -> None:
    assert len(lo_pages) >= 5
    for number, text in enumerate(lo_pages, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[0] == "OFFICIAL" and lines[-1] == "OFFICIAL", number


@pytest.mark.slow
def test_libreoffice_numbers_every_page_but_the_cover(lo_pages: list[str]) -> None:
    total = len(lo_pages)
    assert "Page" not in lo_pages[0]
    for number, text in enumerate(lo_pages[1:], start=2):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[-2] == f"Page {number} of {total}", number


@pytest.mark.slow
def test_libreoffice_cover(lo_pages: list[str], pack: Pack) -> None:
    # Issue 16's cover, as the PDF's: the marking once at each edge (no boxed duplicate),
    # the band, the title, the details, "In this pack" with the reading times, the counts.
    text = cover_text(pack)
    lines = [" ".join(line.split()) for line in lo_pages[0].splitlines() if line.strip()]
    expected = [
        "OFFICIAL",
        "POLICY ANALYSIS UNIT",
        text.title,
        text.subtitle,
        *(f"{label.upper()} {value}" for label, value in text.details),
        "IN THIS PACK",
        *(f"{n} {title} {minutes}" for n, (title, minutes) in enumerate(text.entries, 1)),
        text.summary,
        "OFFICIAL",
    ]
    # White space collapsed alike on both sides (split() takes no-break spaces too).
    assert lines == [" ".join(str(line).split()) for line in expected]


@pytest.mark.slow
def test_libreoffice_starts_each_article_on_a_new_page_under_its_header(
    lo_pages: list[str], pack: Pack
) -> None:
    starts: dict[str, int] = {}
    for number, text in enumerate(lo_pages, start=1):
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        # The marking, then the title on an article's first page (no running head there:
        # issue 16); the marking, then the running head on its later pages.
        for entry in pack.articles:
            title = entry.article.meta.title
            if " ".join(lines[1:3]).startswith(title):
                starts[entry.id] = number
                assert pack.meta.title not in text, number
        if number == 2:
            assert lines[1] == labels("en").in_this_pack  # the contents: no running head
        elif number > 2 and number not in starts.values():
            assert lines[1].startswith(pack.meta.title), number
    assert list(starts) == [e.id for e in pack.articles]
    assert list(starts.values()) == sorted(starts.values())
    for entry in pack.articles:
        # Every later page of an article names it in the running head.
        later = starts[entry.id] + 1
        if later <= len(lo_pages) and later not in starts.values():
            header = " ".join(lo_pages[later - 1].splitlines()[1].split())
            assert header.endswith(entry.article.meta.title)
    # "In this pack" gives the page each article starts on (LibreOffice computes PAGEREF).
    contents = " ".join(lo_pages[1].split())
    for entry in pack.articles:
        assert re.search(
            re.escape(entry.article.meta.title) + r"\.+\s*" + str(starts[entry.id]), contents
        )


@pytest.mark.slow
def test_libreoffice_puts_each_article_on_the_page_the_contents_cache(
    lo_pdf: Any, pack_docx: bytes, pack: Pack
) -> None:
    """Issue 17: the numbers Word shows on opening (cached) are those of a full layout.

    LibreOffice's PDF outline has each article's title (Heading 1) at the page it lays it
    out on; LibreOffice recomputes PAGEREFs on loading, so its contents page shows its own
    numbers whatever is cached, and the cached ones are compared here.
    """
    starts = [
        lo_pdf.get_destination_page_number(e) + 1 for e in lo_pdf.outline if not isinstance(e, list)
    ]
    cached = [int(r) for i, r in _field_results(_document(pack_docx)) if i.startswith("PAGEREF")]
    assert cached == starts == list(SAMPLE_PAGES)
    assert len(starts) == len(pack.articles)


def test_template_heads_give_way_to_the_packs(style: Style, tmp_path: Path) -> None:
    template = tmp_path / "template.docx"
    made = Document()
    made.add_paragraph("Template body text")
    made.sections[0].header.paragraphs[0].text = "Template header"
    made.save(str(template))
    styled = style.with_options("docx", template=str(template))
    data = DocxWriter().write_pack(_conclusions(), styled)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        everything = b"".join(z.read(n) for n in z.namelist())
    assert b"Template header" not in everything and b"Template body" not in everything
    assert _section_heads(data)[2] == ("Two\tAlpha", "Page 1 of 1")
