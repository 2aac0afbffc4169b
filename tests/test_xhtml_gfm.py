"""Model version 2 in the XHTML family: code blocks, tables, footnotes, strikethrough, tasks.

:data:`tests.rich.RICH` (every new node) is written as an EPUB and an HTML page, as a
handout and as a pack holding it twice, once per module; the real EPUBCheck (one JVM for
the run), the real Nu Html Checker (one JVM for every page) and pandoc's EPUB reader check
them, and the markup is read back with lxml.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree, html

from briefconv.model import (
    Article,
    ArticleMeta,
    CodeBlock,
    Note,
    Pack,
    PackMeta,
    Paragraph,
    Strikethrough,
    Table,
    Text,
    block_text,
    plain_text,
)
from briefconv.pack import handout, make_pack
from briefconv.styles import Style, bundled_styles, load_style
from briefconv.writers import get_writer

from . import readback
from .readback import pandoc_blocks, pandoc_text, vnu_messages
from .rich import CODE, LONG_CELL, RICH

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
CHAPTER = "EPUB/article.xhtml"

#: Text that looks like markup or ends a CDATA section, in every new place that holds text.
NASTY = "<b>x</b> & ]]> \"q\" 's'"

HOSTILE = Article(
    ArticleMeta(title="Hostile code and cells"),
    (
        CodeBlock(f"{NASTY}\n\n  {NASTY}", f'"><script>alert(1)</script> {NASTY}'),
        CodeBlock("\n  starts with a blank line"),
        Table(
            ((Text(NASTY),), (Strikethrough((Text(NASTY),)),)),
            (((Text(NASTY),), (Text("x"), Note((Paragraph((Text(NASTY),)),)))),),
        ),
        # A table of a header row alone, and a note of nothing.
        Table(((Text("Only a header"),),), ()),
        Paragraph((Text("An empty note"), Note(()), Text("."))),
    ),
)

#: The same article in Ukrainian: the notes' heading and spoken labels follow it.
UKRAINIAN = Article(
    ArticleMeta(title="Примітки", language="uk"),
    RICH.blocks,
)


#: The bundled styles besides the default: their roles give the new rules other values.
OTHER_STYLES = sorted(set(bundled_styles()) - {"default"})


def _pack(*articles: Article) -> Pack:
    return make_pack(list(articles), PackMeta(title="Twice the constructs"))


@pytest.fixture(scope="module")
def books(style: Style, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every EPUB these tests read, written once."""
    folder = tmp_path_factory.mktemp("gfm-epub")
    writer = get_writer("epub")
    made = {
        "rich": writer.write_pack(handout(RICH), style),
        "pack": writer.write_pack(_pack(RICH, RICH), style),
        "hostile": writer.write_pack(handout(HOSTILE), style),
        "ukrainian": writer.write_pack(handout(UKRAINIAN), style),
        **{f"style-{n}": writer.write_pack(handout(RICH), load_style(n)) for n in OTHER_STYLES},
    }
    paths = {}
    for name, data in made.items():
        paths[name] = folder / f"{name}.epub"
        paths[name].write_bytes(data)
    return paths


@pytest.fixture(scope="module")
def pages(style: Style, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every HTML page these tests read, written once."""
    folder = tmp_path_factory.mktemp("gfm-html")
    writer = get_writer("html")
    made = {
        "rich": writer.write_pack(handout(RICH), style),
        "pack": writer.write_pack(_pack(RICH, RICH), style),
        "hostile": writer.write_pack(handout(HOSTILE), style),
        **{f"style-{n}": writer.write_pack(handout(RICH), load_style(n)) for n in OTHER_STYLES},
    }
    paths = {}
    for name, data in made.items():
        paths[name] = folder / f"{name}.html"
        paths[name].write_bytes(data)
    return paths


def _member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def _chapter(path: Path, name: str = CHAPTER) -> etree._Element:
    # A strict XML parse: anything malformed fails here.
    return etree.fromstring(_member(path, name))


def _page(path: Path) -> html.HtmlElement:
    return html.document_fromstring(path.read_bytes())


def _text(element: etree._Element) -> str:
    return "".join(element.itertext())


# --- the checkers ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["rich", "pack", "hostile", "ukrainian", *(f"style-{n}" for n in OTHER_STYLES)]
)
def test_epubcheck_reports_nothing(
    name: str, books: dict[str, Path], epubcheck: Callable[[Path], list[dict[str, Any]]]
) -> None:
    messages = epubcheck(books[name])
    for message in messages:
        print(message["severity"], message["ID"], message["message"], message.get("locations"))
    assert messages == []


@pytest.mark.slow
def test_the_nu_html_checker_reports_nothing(pages: dict[str, Path]) -> None:
    # One JVM for every page: the checker validates the CSS in <style> too.
    report = {"messages": vnu_messages(list(pages.values()))}  # the shape the filter reads
    # Errors, and warnings (an "info" message with the subtype "warning"), but for one
    # that every pack page has had since it was written (a pack's contents and articles
    # are h1 under the cover's h1); it does not come from the markup tested here.
    problems = [
        m
        for m in report["messages"]
        if m["type"] in ("error", "non-document-error")
        or (m.get("subType") == "warning" and "top-level heading" not in m["message"])
    ]
    assert problems == [], problems


# --- determinism -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["epub", "html"])
def test_same_article_same_bytes(fmt: str, style: Style) -> None:
    writer = get_writer(fmt)
    assert writer.write_pack(handout(RICH), style) == writer.write_pack(handout(RICH), style)
    pack = _pack(RICH, RICH)
    assert writer.write_pack(pack, style) == writer.write_pack(pack, style)


# --- every word --------------------------------------------------------------------------


def _model_words(article: Article) -> set[str]:
    return set(readback.words("\n".join(block_text(b) for b in article.blocks)))


def _without_marks(root: etree._Element) -> etree._Element:
    """``root`` with every footnote mark removed (its tail kept), in place.

    A mark's number follows its word with no space ("Tuesday¹"): as text it would make
    one word, "Tuesday1", of the two.
    """
    for mark in root.xpath("//*[local-name()='a'][@role='doc-noteref']"):
        parent = mark.getparent()
        previous = mark.getprevious()
        tail = " " + (mark.tail or "")
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(mark)
    return root


@pytest.mark.parametrize("name", ["rich", "hostile"])
def test_every_word_of_the_model_is_in_the_epub_and_the_page(
    name: str, books: dict[str, Path], pages: dict[str, Path]
) -> None:
    article = {"rich": RICH, "hostile": HOSTILE}[name]
    expected = _model_words(article)
    assert expected
    documents = readback.epub_documents(books[name].read_bytes())
    epub = "\n".join(readback._markup_text(_without_marks(d)) for d in documents)
    page = readback._markup_text(_without_marks(_page(pages[name])))
    for text in (epub, page):
        assert expected - set(readback.words(text)) == set()


# --- code blocks -------------------------------------------------------------------------


def test_code_is_pre_code_with_every_character(
    books: dict[str, Path], pages: dict[str, Path]
) -> None:
    root = _chapter(books["rich"])
    pres = root.findall(f".//{XHTML}pre")
    # Two in the body, one in the second note.
    assert len(pres) == 3
    first = pres[0]
    assert first.attrib == {} and [c.tag for c in first] == [f"{XHTML}code"]
    assert first[0].get("class") == "language-python"
    assert first[0].text == CODE  # tabs, double spaces, the blank line, markup-like text
    assert pres[1][0].get("class") is None
    page = _page(pages["rich"])
    assert page.xpath("//pre/code")[0].text == CODE


def test_hostile_code_and_cells_stay_text(books: dict[str, Path], pages: dict[str, Path]) -> None:
    for root in (_chapter(books["hostile"]), _page(pages["hostile"])):
        ns = {"x": XHTML[1:-1]} if root.tag.startswith("{") else {}
        p = "x:" if ns else ""
        codes = root.xpath(f"//{p}pre/{p}code", namespaces=ns)
        assert codes[0].text == f"{NASTY}\n\n  {NASTY}"
        assert codes[1].text == "\n  starts with a blank line"  # kept by an HTML parser too
        # The info string's first word is the class (an attribute value, escaped).
        assert codes[0].get("class") == 'language-"><script>alert(1)</script>'
        cells = root.xpath(f"//{p}th | //{p}td", namespaces=ns)
        assert [_text(c) for c in cells[:3]] == [NASTY, NASTY, NASTY]
        assert root.xpath(f"//{p}b | //{p}script", namespaces=ns) == []
        assert NASTY in _text(root.xpath(f"//{p}aside", namespaces=ns)[0])
    raw = _member(books["hostile"], CHAPTER).decode()
    assert "]]>" not in raw and "]]&gt;" in raw


# --- tables ------------------------------------------------------------------------------


def test_table_has_a_header_row_and_aligned_columns(books: dict[str, Path]) -> None:
    table = _without_marks(_chapter(books["rich"])).find(f".//{XHTML}table")
    assert table is not None
    head = table.findall(f"{XHTML}thead/{XHTML}tr/{XHTML}th")
    assert [_text(th) for th in head] == ["No.", "City", "Votes"]
    assert {th.get("scope") for th in head} == {"col"}
    rows = table.findall(f"{XHTML}tbody/{XHTML}tr")
    model = next(b for b in RICH.blocks if isinstance(b, Table))
    assert len(rows) == len(model.rows) == 42
    for row, cells in zip(rows, model.rows, strict=True):
        tds = row.findall(f"{XHTML}td")
        assert [_text(td).strip() for td in tds] == [plain_text(c) for c in cells]
        assert [td.get("style") for td in tds] == [
            "text-align: right",
            "text-align: left",
            "text-align: center",
        ]
    assert _text(rows[1][1]) == LONG_CELL and _text(rows[1][0]) == ""
    # Inline content in cells: a link, strong text, inline code, a note's mark.
    assert table.find(f".//{XHTML}th/{XHTML}strong") is not None
    assert table.find(f".//{XHTML}td/{XHTML}a[@href='https://example.org/a']") is not None
    assert table.find(f".//{XHTML}td/{XHTML}code") is not None


def test_a_table_of_a_header_alone_has_no_body(books: dict[str, Path]) -> None:
    tables = _chapter(books["hostile"]).findall(f".//{XHTML}table")
    assert tables[1].find(f"{XHTML}tbody") is None
    assert [_text(th) for th in tables[1].iter(f"{XHTML}th")] == ["Only a header"]
    assert tables[1].find(f".//{XHTML}th").get("style") is None  # "default" alignment


# --- footnotes ---------------------------------------------------------------------------


def _notes(root: etree._Element, ns: str = XHTML) -> list[etree._Element]:
    return root.findall(f".//{ns}aside")


def test_footnotes_are_marks_and_asides_with_back_links(books: dict[str, Path]) -> None:
    root = _chapter(books["rich"])
    marks = root.findall(f".//{XHTML}a[@role='doc-noteref']")
    asides = _notes(root)
    assert len(marks) == len(asides) == 4
    for number, (mark, aside) in enumerate(zip(marks, asides, strict=True), 1):
        assert mark.get("href") == f"#fn-{number}" and mark.get("id") == f"fnref-{number}"
        assert mark.get(EPUB_TYPE) == "noteref" and mark.get("aria-label") == f"Note {number}"
        (sup,) = mark
        assert sup.tag == f"{XHTML}sup" and sup.text == str(number)
        assert aside.get("id") == f"fn-{number}"
        assert aside.get(EPUB_TYPE) == "footnote" and aside.get("role") == "doc-footnote"
        assert _text(aside).strip().startswith(f"{number}. ")
        (back,) = aside.findall(f".//{XHTML}a[@role='doc-backlink']")
        assert back.get("href") == f"#fnref-{number}"
        assert back.get("aria-label") == "Back to the text"
    # The notes close the article under their heading, after its last paragraph.
    section = asides[0].getparent()
    assert section.get("class") == "footnotes"
    heading = section[0]
    assert heading.tag == f"{XHTML}h2" and heading.text == "Notes"
    assert section.get("aria-labelledby") == heading.get("id") == "notes"
    assert _text(section.getprevious()) == "End of the article."
    # The second note holds a paragraph, a list and code, in order.
    assert [c.tag.removeprefix(XHTML) for c in asides[1]] == ["p", "ul", "pre", "p"]
    assert asides[1][2][0].text == "annex = 'B'\n  indented  twice"


def test_every_epub_type_has_its_role(books: dict[str, Path]) -> None:
    # DAISY Ace: an epub:type wants the matching ARIA role (doc-noteref, doc-footnote).
    roles = {"noteref": "doc-noteref", "footnote": "doc-footnote"}
    root = _chapter(books["rich"])
    typed = [e for e in root.iter() if e.get(EPUB_TYPE) in roles]
    assert len(typed) == 8
    assert all(e.get("role") == roles[e.get(EPUB_TYPE, "")] for e in typed)


def test_html_notes_have_roles_and_no_epub_types(pages: dict[str, Path]) -> None:
    data = pages["rich"].read_bytes()
    assert b"epub:" not in data
    root = _page(pages["rich"])
    assert len(root.xpath("//a[@role='doc-noteref']")) == 4
    assert len(root.xpath("//aside[@role='doc-footnote']")) == 4
    for link in root.xpath("//a[starts-with(@href, '#')]/@href"):
        assert len(root.xpath(f"//*[@id='{link[1:]}']")) == 1, link


def test_a_note_of_nothing_still_has_its_number_and_way_back(books: dict[str, Path]) -> None:
    root = _chapter(books["hostile"])
    last = _notes(root)[-1]
    assert _text(last).split() == ["2.", "↩\ufe0e"]
    assert last.find(f".//{XHTML}a[@role='doc-backlink']") is not None


def test_notes_are_numbered_per_article_with_ids_unique_in_the_pack(
    books: dict[str, Path], pages: dict[str, Path]
) -> None:
    opf = etree.fromstring(_member(books["pack"], "EPUB/content.opf"))
    chapters = [
        i.get("href")
        for i in opf.iter("{http://www.idpf.org/2007/opf}item")
        if re.match(r"a\d", i.get("href") or "")
    ]
    assert len(chapters) == 2
    for href in chapters:
        root = _chapter(books["pack"], f"EPUB/{href}")
        scope = href.removesuffix(".xhtml")
        numbers = [_text(m) for m in root.findall(f".//{XHTML}a[@role='doc-noteref']")]
        assert numbers == ["1", "2", "3", "4"]
        assert [a.get("id") for a in _notes(root)] == [f"{scope}-fn-{n}" for n in numbers]
    page = _page(pages["pack"])
    ids = page.xpath("//@id")
    assert len(ids) == len(set(ids))
    assert len(page.xpath("//aside[@role='doc-footnote']")) == 8
    for link in page.xpath("//a[starts-with(@href, '#')]/@href"):
        assert len(page.xpath(f"//*[@id='{link[1:]}']")) == 1, link


def test_notes_are_worded_in_the_articles_language(books: dict[str, Path]) -> None:
    from briefconv.wording import labels

    words = labels("uk")
    root = _chapter(books["ukrainian"])
    assert root.find(f".//{XHTML}section[@class='footnotes']/{XHTML}h2").text == words.notes
    mark = root.find(f".//{XHTML}a[@role='doc-noteref']")
    assert mark.get("aria-label") == words.note.format(n=1)
    back = root.find(f".//{XHTML}a[@role='doc-backlink']")
    assert back.get("aria-label") == words.back
    checks = [s.get("aria-label") for s in root.iter(f"{XHTML}span") if s.get("role") == "img"]
    assert checks == [words.done, words.not_done, words.not_done, words.done]


# --- strikethrough and task lists ---------------------------------------------------------


def test_strikethrough_is_del(books: dict[str, Path]) -> None:
    root = _chapter(books["rich"])
    assert [_text(d) for d in root.iter(f"{XHTML}del")] == ["revised down", "draft"]
    assert root.find(f".//{XHTML}em/{XHTML}del") is not None


def test_task_items_show_and_say_their_state(books: dict[str, Path]) -> None:
    root = _chapter(books["rich"])
    ul = root.find(f".//{XHTML}ul")
    items = ul.findall(f"{XHTML}li")
    assert [li.get("class") for li in items] == ["task", "task", None]
    for li, (glyph, label) in zip(items, [("☒", "done"), ("☐", "not done")], strict=False):
        span = li[0]
        assert (span.get("role"), span.get("aria-label"), span.text) == ("img", label, glyph)
        assert span.tail.startswith(" ")
    # The nested list stays under its item; the ordered task list keeps its numbers.
    assert items[2].find(f"{XHTML}ol") is not None
    ol = root.findall(f".//{XHTML}ol")[-1]
    assert [li[0].text for li in ol] == ["☐", "☒"]
    assert root.findall(f".//{XHTML}input") == []


# --- pandoc reads it back ----------------------------------------------------------------


@pytest.fixture(scope="module")
def ast(books: dict[str, Path], pandoc_ast: Callable[[Path, str], dict[str, Any]]) -> Any:
    return pandoc_ast(books["rich"], "epub")


def test_pandoc_reads_code_blocks_exactly(ast: dict[str, Any]) -> None:
    blocks = [(b["c"][0][1], b["c"][1]) for b in pandoc_blocks(ast, "CodeBlock")]
    expected = [b.text for b in RICH.blocks if isinstance(b, CodeBlock)]
    assert (["python"], CODE) in blocks
    assert [text for _classes, text in blocks if text in expected] == expected
    assert "annex = 'B'\n  indented  twice" in [text for _c, text in blocks]


def test_pandoc_reads_the_table(ast: dict[str, Any]) -> None:
    (table,) = pandoc_blocks(ast, "Table")
    _attr, _caption, colspecs, head, bodies, _foot = table["c"]
    assert [spec[0]["t"] for spec in colspecs] == ["AlignRight", "AlignLeft", "AlignCenter"]
    (header_row,) = head[1]
    assert [pandoc_text(cell[4]) for cell in header_row[1]] == ["No.", "City", "Votes"]
    rows = [row for body in bodies for row in body[3]]
    model = next(b for b in RICH.blocks if isinstance(b, Table))
    assert len(rows) == len(model.rows)
    for row, cells in zip(rows, model.rows, strict=True):
        # pandoc_text leaves a note's text out only if it is in a Note: compare without.
        got = [pandoc_text([n for n in cell[4][0]["c"] if n["t"] != "Note"]) if cell[4] else ""
               for cell in row[1]]  # fmt: skip
        assert got == [plain_text(c) for c in cells]


def test_pandoc_reads_notes_and_strikeout(ast: dict[str, Any]) -> None:
    notes = [" ".join(pandoc_text(n["c"]).split()) for n in pandoc_blocks(ast, "Note")]
    assert len(notes) == 4
    for number, (text, expected) in enumerate(
        zip(
            notes,
            [
                "Ministry of Finance, press release of 1 June.",
                "The final text differs from the draft in:",
                "Provisional count.",
                "Room 4.12, if free.",
            ],
            strict=True,
        ),
        1,
    ):
        assert text.startswith(f"{number}. {expected}")
    assert "clause four" in notes[1] and "the annex" in notes[1]
    assert [pandoc_text(s["c"]) for s in pandoc_blocks(ast, "Strikeout")] == [
        "revised down",
        "draft",
    ]
    # The marks' numbers are not left behind in the text as stray superscripts.
    assert pandoc_blocks(ast, "Superscript") == []


# --- the stylesheet ----------------------------------------------------------------------


def _rule(css: str, selector: str) -> dict[str, str]:
    match = re.search(r"(?m)^" + re.escape(selector) + r" \{(.*?)\}", css, re.S)
    assert match, selector
    return dict(
        (k.strip(), v.strip())
        for k, v in (d.split(":", 1) for d in match.group(1).split(";") if ":" in d)
    )


def test_css_from_the_new_roles(books: dict[str, Path], style: Style) -> None:
    css = _member(books["rich"], "EPUB/style.css").decode()
    pre = _rule(css, "pre")
    code = style.role("code")
    assert pre["font-family"] == f'"{style.family(code).name}", monospace'
    assert pre["white-space"] == "pre-wrap" and pre["overflow-wrap"] == "anywhere"
    assert code.background is not None and code.background in css
    # A translucent tint after the plain colour, for night mode.
    assert pre["background-color"].startswith("rgba(")
    header = _rule(css, "thead th")
    assert header["font-weight"] == "bold" and header["color"] == style.role("table_header").color
    assert _rule(css, "table")["width"] == "100%"
    assert _rule(css, "th, td")["overflow-wrap"] == "anywhere"
    # The code role's colour is the body's: left to the body, so night mode changes it.
    assert code.color == style.role("body").color and "color" not in pre
    assert "aside.footnote" in css and "span.check" in css


def test_pages_without_the_new_markup_keep_their_stylesheet(
    rich_article: Article, style: Style
) -> None:
    data = get_writer("epub").write_pack(handout(rich_article), style)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        css = zf.read("EPUB/style.css").decode()
    assert "pre {" not in css and "aside.footnote" not in css and "table {" not in css


def test_embedded_fonts_cover_code_and_task_boxes(style: Style) -> None:
    with_fonts = style.with_options("epub", embed_fonts=True)
    data = get_writer("epub").write_pack(handout(RICH), with_fonts)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        fonts = [n.removeprefix("EPUB/fonts/") for n in zf.namelist() if "fonts/" in n]
    # Code in mono; the boxes and the table's text in sans; body and notes in serif.
    assert "dejavu-sans-mono-regular.ttf" in fonts
    assert {"dejavu-sans-regular.ttf", "dejavu-sans-bold.ttf"} <= set(fonts)
    assert "dejavu-serif-regular.ttf" in fonts
