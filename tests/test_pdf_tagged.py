"""Tagged PDF (PDF/UA-1): what a screen reader gets from the PDF writer's output.

Checked with real tools: the ``pdfua`` checker (PyPI, pikepdf-based, the machine-checkable
subset of PDF/UA-1), poppler's ``pdfinfo -struct-text`` (the structure tree with the text
of each element) and pypdf (the tree's objects, links and pages).
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdfua
import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

import briefconv
from briefconv.model import Article, ArticleMeta, Heading, PackMeta, Paragraph, Text
from briefconv.pack import handout, make_pack
from briefconv.styles import Style
from briefconv.writers.pdf import PdfWriter

from .conftest import CASES, ROOT, SAMPLE
from .readback import article_text, body_text, found_words, words

STYLES = sorted(p.stem for p in (ROOT / "styles").glob("*.toml"))
SOURCES = sorted(
    p for p in (ROOT / "source").iterdir() if p.suffix in {".txt", ".md"} and p.is_file()
)
PDFINFO = shutil.which("pdfinfo")
needs_pdfinfo = pytest.mark.skipif(PDFINFO is None, reason="poppler's pdfinfo is not installed")


# --- reading the structure back ------------------------------------------------------------


@dataclasses.dataclass
class Element:
    """One element as ``pdfinfo -struct-text`` prints it: its type, depth and own text."""

    role: str
    depth: int
    texts: list[str]


def struct_text(path: Path) -> list[Element]:
    """The structure tree of ``path``, in reading order, as poppler reads it."""
    assert PDFINFO is not None
    out = subprocess.run(
        [PDFINFO, "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout
    elements: list[Element] = []
    lines = iter(out.splitlines())
    for line in lines:
        stripped = line.lstrip(" ")
        if stripped.startswith('"'):
            # A text, perhaps over several lines (code keeps its line breaks).
            text = stripped
            while not (len(text) > 1 and text.endswith('"')):
                text += "\n" + next(lines)
            elements[-1].texts.append(text[1:-1])
        elif stripped and not stripped.startswith("/") and not stripped.startswith("Object"):
            role = re.split(r"[ :]", stripped, maxsplit=1)[0]
            elements.append(Element(role, (len(line) - len(stripped)) // 2, []))
    return elements


def all_text(elements: list[Element]) -> str:
    """Every element's text in reading order."""
    return " ".join(t for e in elements for t in e.texts)


def tree_elements(reader: PdfReader) -> Iterator[DictionaryObject]:
    """Every structure element of the file, depth first."""
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    stack: list[Any] = [root["/K"]]
    while stack:
        kid = stack.pop()
        if isinstance(kid, IndirectObject):
            kid = kid.get_object()
        if isinstance(kid, ArrayObject):
            stack.extend(reversed(list(kid)))
        elif isinstance(kid, DictionaryObject) and kid.get("/Type") not in ("/MCR", "/OBJR"):
            yield kid
            if "/K" in kid:
                stack.append(kid["/K"])


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- the sample in every style -------------------------------------------------------------


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every sample handout and the sample pack, as PDFs in every bundled style."""
    out = tmp_path_factory.mktemp("tagged")
    paths: dict[tuple[str, str], Path] = {}
    pack_manifest = ROOT / "source" / "pack.toml"
    for name in STYLES:
        folder = out / name
        folder.mkdir()
        for source in SOURCES:
            (pdf,) = briefconv.convert(source, ["pdf"], folder, style=name)
            paths[name, source.stem] = pdf
        built = briefconv.build_pack(pack_manifest, style=name)
        data = briefconv.render_pack(built.pack, "pdf", style=built.style)
        paths[name, "pack"] = _write(folder / "briefing-pack.pdf", data)
    return paths


def test_pdfua_finds_nothing_in_any_sample_or_style(samples: dict[tuple[str, str], Path]) -> None:
    findings = {
        f"{style}/{name}": [f"{f.rule_id} {f.severity.name}: {f.message}" for f in report.findings]
        for (style, name), path in samples.items()
        if (report := pdfua.validate(str(path))).findings
    }
    assert findings == {}
    assert len(samples) == len(STYLES) * (len(SOURCES) + 1)


@needs_pdfinfo
def test_the_sample_reads_as_its_title_six_headings_twelve_paragraphs_and_a_quote(
    samples: dict[tuple[str, str], Path],
) -> None:
    elements = struct_text(samples["default", SAMPLE.stem])
    assert elements[0].role == "Document"
    top = [e for e in elements if e.depth == 1]
    headings = [(e.role, e.texts) for e in top if e.role.startswith("H")]
    assert headings == [
        ("H1", ["Istanbul Talks"]),
        ("H2", ["A Tense Start to High-Stakes Talks"]),
        ("H2", ["Widening Attacks and Narrowing Options"]),
        ("H2", ["Turkey’s Role and the Call for U.S. Involvement"]),
        ("H2", ["Peace Drafts and Delegation Leads"]),
        ("H2", ["Glimmers of Diplomacy Amid Chaos"]),
        ("H2", ["Conclusion"]),
    ]
    assert Counter(e.role for e in top) == {"H1": 1, "H2": 6, "P": 12, "BlockQuote": 1}
    # Nothing else is read: no running head, page number or marking.
    text = all_text(elements)
    assert "Page" not in text.split()


@needs_pdfinfo
@pytest.mark.parametrize("style", STYLES)
def test_the_structure_text_is_the_models_text(
    samples: dict[tuple[str, str], Path], style: str
) -> None:
    article = briefconv.read_file(SAMPLE)
    expected = " ".join(article_text(article).split())
    read = " ".join(all_text(struct_text(samples[style, SAMPLE.stem])).split())
    # Quotes are curled for print; the words and their order are the model's.
    assert words(read) == words(expected)
    assert read.count(" ") == expected.count(" ")


@needs_pdfinfo
def test_furniture_is_never_read(samples: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    """Running heads, page numbers and markings are artifacts; the cover's details are not."""
    path = samples["default", "pack"]
    pages = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    read = all_text(struct_text(path))
    marking = "OFFICIAL"
    # Printed twice on every page, read once: the cover's "Classification" detail.
    assert pages.count(marking) > 10
    assert read.count(marking) == 1
    assert re.search(r"Page \d+ of \d+", pages)
    assert not re.search(r"Page \d+ of \d+", read)
    # The running head repeats the pack title (on page 4: the other pages are openers);
    # it is read once, on the cover.
    title = "Weekly Security Brief"
    assert pages.count(title) >= 2 and read.count(title) == 1


@needs_pdfinfo
def test_the_pack_has_its_cover_contents_and_articles_as_sections(
    samples: dict[tuple[str, str], Path],
) -> None:
    elements = struct_text(samples["default", "pack"])
    top = [e.role for e in elements if e.depth == 1]
    assert top == ["Sect", "H1", "TOC", "Sect", "Sect", "Sect"]
    entries = [e for e in elements if e.role == "TOCI"]
    assert len(entries) == 3
    # Each entry: the title and its page number, read together, linked to the article.
    reader = PdfReader(samples["default", "pack"])
    references = [e for e in tree_elements(reader) if e["/S"] == "/Reference"]
    assert len(references) >= 3
    contents = [e for e in elements if e.role == "Reference"]
    assert [c.texts[-1] for c in contents[:3]] == ["3", "5", "6"]
    # Each article opens with its title as an H1.
    sections = [i for i, e in enumerate(elements) if e.role == "Sect" and e.depth == 1]
    for index in sections[1:]:
        assert elements[index + 1].role == "H1"


# --- constructs ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/cases/md/full.md as a PDF: lists, nested list, figure, quote, links, breaks."""
    out = tmp_path_factory.mktemp("full")
    (pdf,) = briefconv.convert(CASES / "md" / "full.md", ["pdf"], out)
    return pdf


@needs_pdfinfo
def test_lists_are_l_li_lbl_lbody_with_nested_lists_in_their_item(full: Path) -> None:
    elements = struct_text(full)
    roles = [(e.depth, e.role) for e in elements]
    first = roles.index((1, "L"))
    assert roles[first + 1 : first + 4] == [(2, "LI"), (3, "Lbl"), (3, "LBody")]
    # The item's text, then the list nested in it.
    body = elements[first + 3]
    assert body.texts == ["a 30-day trial window for escorted convoys"]
    assert elements[first + 4].role == "L" and elements[first + 4].depth == 4
    labels = [e.texts for e in elements if e.role == "Lbl"]
    assert labels[:3] == [["•"], ["◦"], ["◦"]]
    assert ["3."] in labels and ["4."] in labels
    reader = PdfReader(full)
    numbering = {str(e["/A"]["/ListNumbering"]) for e in tree_elements(reader) if e["/S"] == "/L"}
    assert numbering == {"/Disc", "/Decimal"}


def test_a_figure_has_its_alt_text(full: Path) -> None:
    reader = PdfReader(full)
    figures = [e for e in tree_elements(reader) if e["/S"] == "/Figure"]
    assert [str(f["/Alt"]) for f in figures] == ["Map of the Black Sea corridor"]


def test_every_link_is_a_tagged_link_with_a_description(full: Path) -> None:
    reader = PdfReader(full)
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    nums = list(root["/ParentTree"].get_object()["/Nums"])
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    links = 0
    for page in reader.pages:
        assert page["/Tabs"] == "/S"
        for ref in page.raw_get("/Annots") if "/Annots" in page else []:
            annotation = ref.get_object()
            if annotation["/Subtype"] != "/Link":
                continue
            links += 1
            assert str(annotation["/Contents"]).strip()
            element = parents[int(annotation["/StructParent"])].get_object()
            assert element["/S"] == "/Link"
            kids = element["/K"]
            kids = list(kids) if isinstance(kids, ArrayObject) else [kids]
            objr = [k.get_object() for k in kids if k.get_object().get("/Type") == "/OBJR"]
            assert [o.raw_get("/Obj").idnum for o in objr] == [ref.idnum]
    # The byline's source and the United Nations.
    assert links == 2
    descriptions = {
        str(ref.get_object()["/Contents"]) for page in reader.pages for ref in page["/Annots"]
    }
    assert "United Nations" in descriptions


def _long_article() -> Article:
    sentence = "Talks went on late into the night and nobody would say what was agreed. "
    return Article(
        ArticleMeta(title="Long"),
        (
            Heading(1, (Text("Before"),)),
            Paragraph((Text(sentence * 8),)),
            Paragraph((Text(sentence * 90),)),
            Paragraph((Text("After."),)),
        ),
    )


def test_a_paragraph_split_across_pages_stays_one_element(style: Style) -> None:
    data = PdfWriter().write_pack(handout(_long_article()), style)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    paragraphs = [e for e in tree_elements(reader) if e["/S"] == "/P"]
    assert len(paragraphs) == 3
    kids = paragraphs[1]["/K"]
    pages = {
        (
            k.get_object().raw_get("/Pg").idnum
            if isinstance(k.get_object(), DictionaryObject)
            else None
        )
        for k in kids
    }
    # Its first part on its own page (the element's /Pg), the rest a marked-content
    # reference to the next page.
    assert len(pages - {None}) >= 1 and None in pages


def test_headings_skip_no_level(style: Style) -> None:
    article = Article(
        ArticleMeta(title="Levels"),
        (
            Heading(1, (Text("One"),)),
            Heading(3, (Text("Three under one"),)),
            Paragraph((Text("Text."),)),
            Heading(2, (Text("Two"),)),
        ),
    )
    reader = PdfReader(io.BytesIO(PdfWriter().write_pack(handout(article), style)))
    levels = [int(e["/S"][2:]) for e in tree_elements(reader) if re.fullmatch(r"/H\d", e["/S"])]
    # The title, "One", "Three under one" one level below it (not two), and "Two" nested
    # under "One" as the outline has it.
    assert levels == [1, 2, 3, 3]


def test_tables_have_header_cells_with_scope_and_code_is_code(tmp_path: Path) -> None:
    (table,) = briefconv.convert(CASES / "md" / "election-table.md", ["pdf"], tmp_path)
    (blog,) = briefconv.convert(CASES / "md" / "tech-blog.md", ["pdf"], tmp_path)
    roles = [e["/S"] for e in tree_elements(PdfReader(table))]
    assert roles.count("/Table") >= 1 and "/THead" in roles and "/TBody" in roles
    heads = [e for e in tree_elements(PdfReader(table)) if e["/S"] == "/TH"]
    assert heads and all(h["/A"]["/Scope"] == "/Column" for h in heads)
    assert "/Code" in [e["/S"] for e in tree_elements(PdfReader(blog))]


def test_footnotes_are_notes_and_their_marks_references(tmp_path: Path) -> None:
    (pdf,) = briefconv.convert(CASES / "md" / "footnotes.md", ["pdf"], tmp_path)
    elements = list(tree_elements(PdfReader(pdf)))
    roles = Counter(str(e["/S"]) for e in elements)
    assert roles["/Note"] >= 3 and roles["/Reference"] == roles["/Note"]


def test_an_article_in_another_language_has_its_own_lang(style: Style) -> None:
    english = Article(ArticleMeta(title="Talks", language="en"), (Paragraph((Text("Hi."),)),))
    ukrainian = Article(
        ArticleMeta(title="Переговори", language="uk"), (Paragraph((Text("Привіт."),)),)
    )
    pack = make_pack([english, ukrainian], PackMeta(title="Brief", language="en"))
    reader = PdfReader(io.BytesIO(PdfWriter().write_pack(pack, style)))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    sections = [e for e in tree_elements(reader) if e["/S"] == "/Sect" and "/Lang" in e]
    assert [str(s["/Lang"]) for s in sections] == ["uk"]


def test_untagged_when_the_style_says_so(style: Style) -> None:
    pdf = {**style.options.get("pdf", {}), "tagged": False}
    untagged = dataclasses.replace(style, options={**style.options, "pdf": pdf})
    article = briefconv.read_file(SAMPLE)
    tagged = PdfReader(io.BytesIO(PdfWriter().write_pack(handout(article), style)))
    plain = PdfReader(io.BytesIO(PdfWriter().write_pack(handout(article), untagged)))
    assert "/StructTreeRoot" in tagged.trailer["/Root"]
    assert "/StructTreeRoot" not in plain.trailer["/Root"]

    # The same pages either way: tagging changes no layout.
    # (Tagged lines keep the space they break at: pypdf shows it at the line's end.)
    def lines(reader: PdfReader) -> list[list[str]]:
        return [[line.rstrip() for line in p.extract_text().splitlines()] for p in reader.pages]

    assert lines(tagged) == lines(plain)


def test_xmp_declares_pdfua_title_and_language(samples: dict[tuple[str, str], Path]) -> None:
    reader = PdfReader(samples["default", SAMPLE.stem])
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert "Istanbul Talks" in xmp and "<rdf:li>en</rdf:li>" in xmp
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])


def test_the_body_text_of_rich_cases_all_reaches_the_structure(tmp_path: Path) -> None:
    """Every word of lists, tables, code and notes is read from the structure tree."""
    if PDFINFO is None:
        pytest.skip("poppler's pdfinfo is not installed")
    for name in ("full", "footnotes", "election-table", "tech-blog", "lists", "quotes"):
        source = CASES / "md" / f"{name}.md"
        (pdf,) = briefconv.convert(source, ["pdf"], tmp_path)
        # A note's mark reads glued to its word ("days1"), as on the page.
        read = found_words(all_text(struct_text(pdf)))
        missing = set(words(body_text(briefconv.read_file(source)))) - read
        assert not missing, (name, missing)


def test_a_packs_pdf_is_laid_out_once_for_its_docx_and_itself(style: Style) -> None:
    """The DOCX's contents numbers come from the PDF's layout, which the PDF then reuses."""
    from briefconv.writers.pdf import start_pages

    articles = [briefconv.read_file(SAMPLE), briefconv.read_file(CASES / "md" / "full.md")]
    pack = make_pack(articles, PackMeta(title="Brief"))
    alone = PdfWriter().write_pack(pack, style)
    other = make_pack(articles[:1], PackMeta(title="Other"))
    PdfWriter().write_pack(other, style)  # another pack in between: a new render
    pages = start_pages(pack, style)
    again = PdfWriter().write_pack(pack, style)
    assert again == alone
    # The render start_pages made is the one written (not a second layout).
    assert PdfWriter().write_pack(pack, style) is again
    assert list(pages) == [e.id for e in pack.articles] and pages[pack.articles[0].id] >= 2


def test_briefconv_check_finds_every_case_tagged_with_fonts_embedded(tmp_path: Path) -> None:
    """``briefconv check`` on the Markdown cases: tagged, every font embedded (a table's
    cells once left reportlab's Helvetica unembedded in the page's resources)."""
    from briefconv.check import check_file

    for name in ("full", "footnotes", "election-table", "tech-blog", "lists", "raw-html"):
        (pdf,) = briefconv.convert(CASES / "md" / f"{name}.md", ["pdf"], tmp_path)
        findings = check_file(pdf)
        assert [f.message for f in findings if f.level == "problem"] == [], name
        assert any("tagged:" in f.message for f in findings), name
