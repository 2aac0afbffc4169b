"""The DOCX writer's own bookkeeping where it bypasses python-docx's slow calls.

The writer builds runs with lxml, keeps style ids, relationship ids, numbering ids, header
part names and picture ids itself, because python-docx works each of them out again on
every call, by scanning (a 300-article pack took 10 s, and time per article grew with the
pack). These tests pin down that the shortcuts write exactly what python-docx's API would,
and that a pack's python-docx calls no longer grow with the number of articles.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import OpcPackage
from docx.opc.rel import Relationships
from docx.oxml import OxmlElement
from docx.oxml.document import CT_Body, CT_Document
from docx.oxml.ns import qn
from docx.oxml.numbering import CT_Numbering
from docx.package import ImageParts
from docx.parts.story import StoryPart
from docx.styles.styles import Styles
from docx.text.run import Run as DocxRun
from lxml import etree

from briefconv.model import (
    Article,
    ArticleMeta,
    BulletList,
    Code,
    CodeBlock,
    Emphasis,
    Figure,
    Heading,
    LineBreak,
    Link,
    Note,
    OrderedList,
    PackMeta,
    Paragraph,
    Quote,
    Strikethrough,
    Strong,
    Table,
    Text,
)
from briefconv.pack import make_pack
from briefconv.styles import Style
from briefconv.writers._links import safe_url
from briefconv.writers._runs import Run, flatten
from briefconv.writers.docx import DocxWriter
from briefconv.writers.docx._content import add_runs, add_styled_paragraph, put_text
from briefconv.writers.docx._numbering import Numbering, define_lists
from briefconv.writers.docx._oxml import new_rid
from briefconv.writers.docx._styles import setup_styles

from .conftest import ROOT
from .test_markdown_docx import png

IMAGE = ROOT / "tests" / "cases" / "md" / "map.png"


@pytest.fixture
def logo(tmp_path: Path) -> Path:
    """A logo that is not the articles' picture."""
    path = tmp_path / "logo.png"
    path.write_bytes(png(30, 20))
    return path


#: Inline content with every run shape: tabs and line ends in text, white space at the
#: edges, code, bold and italic inside and outside links, a refused link, a repeated URL.
INLINES = (
    Text("  lead\tspace\r\nx\n\ny\t"),
    Link(
        "https://a.example/x",
        (
            Code("code()"),
            Strong((Text("bold link"),)),
            Emphasis((Text("it"),)),
            LineBreak(),
            Text(" t\tab "),
        ),
    ),
    Text("\xa0nbsp\u2003"),
    Link("javascript:alert(1)", (Text("refused"),)),
    Link("https://a.example/x", (Text("again"),)),
    Strong((Emphasis((Code("bold italic code"),)),)),
    LineBreak(),
    Link("mailto:a@b.example", (Text("mail"),)),
    Code(" c "),
)


# --- what python-docx's API writes -------------------------------------------------------


def _reference_runs(paragraph: Any, runs: list[Run]) -> None:
    """The runs as python-docx's API writes them: how the writer built them before."""
    for url, group in itertools.groupby(runs, key=lambda run: run.url):
        target = safe_url(url) if url is not None else None
        if target is None:
            for run in group:
                _reference_style(paragraph.add_run(), run)
            continue
        rid = paragraph.part.relate_to(target, RT.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), rid)
        paragraph._p.append(hyperlink)
        for run in group:
            r = OxmlElement("w:r")
            hyperlink.append(r)
            docx_run = DocxRun(r, paragraph)
            docx_run.style = "Hyperlink"
            _reference_style(docx_run, run, linked=True)


def _reference_style(docx_run: DocxRun, run: Run, *, linked: bool = False) -> None:
    if run.line_break:
        docx_run.add_break()
    else:
        docx_run.text = run.text
    if run.code:
        if linked:
            code_style = docx_run.part.styles["Verbatim Char"]  # type: ignore[attr-defined]
            docx_run.font.name = code_style.font.name
        else:
            docx_run.style = "Verbatim Char"
    if run.bold:
        docx_run.bold = True
    if run.italic:
        docx_run.italic = True


def _styled_document(style: Style) -> Any:
    doc = Document()
    setup_styles(doc, style, "en", template=False)
    return doc


@pytest.mark.parametrize(
    "text",
    ["", "a", " a", "a ", "\t", "a\tb", "a\r\nb", "\n\n", "\xa0x", "x\u2003", "«є» ґ", "\ta\t"],
)
def test_text_is_written_as_run_text_writes_it(text: str) -> None:
    expected = OxmlElement("w:r")
    DocxRun(expected, None).text = text  # type: ignore[arg-type]
    actual = OxmlElement("w:r")
    put_text(actual, text)
    assert etree.tostring(actual) == etree.tostring(expected)


def test_runs_and_links_are_the_xml_python_docx_writes(style: Style) -> None:
    runs = flatten(INLINES)
    expected_doc, actual_doc = _styled_document(style), _styled_document(style)
    for _ in range(2):  # the second paragraph reuses the links' relationships
        _reference_runs(add_styled_paragraph(expected_doc, "Body Text"), runs)
        add_runs(add_styled_paragraph(actual_doc, "Body Text"), runs)
    assert etree.tostring(actual_doc.element.body) == etree.tostring(expected_doc.element.body)
    assert actual_doc.part.rels.xml == expected_doc.part.rels.xml


def test_new_relationship_ids_fill_gaps_as_python_docx_does() -> None:
    doc = Document()
    rels = doc.part.rels
    dropped = next(iter(rels))  # leave a gap low down, as dropping a template's part does
    doc.part.drop_rel(dropped)
    ids = []
    for n in range(3):
        expected = rels._next_rId
        rid = new_rid(doc.part)
        assert rid == expected
        rels.add_relationship(RT.HYPERLINK, f"https://x.example/{n}", rid, is_external=True)
        ids.append(rid)
    assert ids[0] == dropped


def test_numbering_ids_fill_gaps_as_python_docx_does(style: Style) -> None:
    doc = _styled_document(style)
    numbering = doc.part.numbering_part.element
    # A gap in the numIds in use (3 is no list style's), and an element that must stay last.
    numbering.remove(next(num for num in numbering.num_lst if num.numId == 3))
    numbering.append(OxmlElement("w:numIdMacAtCleanup", attrs={qn("w:val"): "0"}))
    lists = Numbering(doc, define_lists(doc, style.role("list"), frozenset()))
    for start in (None, 3, None, 2):
        expected = numbering._next_numId
        assert lists.new_list("List Number", start) == expected
    assert [int(num.numId) for num in numbering.num_lst][-4:] == [3, 10, 11, 12]
    assert numbering[-1].tag == qn("w:numIdMacAtCleanup")


# --- a pack's python-docx calls do not grow with its articles ----------------------------

#: python-docx calls that scan the document, the package or the relationships on every
#: call: a pack must never make them (each would make it quadratic).
_SCANS: tuple[tuple[type, str], ...] = (
    (Relationships, "_get_matching"),
    (Relationships, "_next_rId"),
    (CT_Numbering, "_next_numId"),
    (OpcPackage, "next_partname"),
    (StoryPart, "next_id"),
    (ImageParts, "_get_by_sha1"),
    (ImageParts, "_next_image_partname"),
)

#: python-docx calls a pack may make a fixed number of times, however long it is.
_PER_DOCUMENT: tuple[tuple[type, str], ...] = (
    (Styles, "__getitem__"),
    (Styles, "get_style_id"),
    (CT_Document, "sectPr_lst"),
    (CT_Body, "find"),
    (CT_Body, "findall"),
    (CT_Body, "sectPr"),
)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Counts calls of the python-docx functions above while a test runs."""
    counter: Counter[str] = Counter()
    for owner, name in _SCANS + _PER_DOCUMENT:
        # find/findall come from lxml's base class; the rest are python-docx's own.
        original = owner.__dict__.get(name) or getattr(owner, name)
        key = f"{owner.__name__}.{name}"
        if isinstance(original, property):
            getter = original.fget
            assert getter is not None
            monkeypatch.setattr(owner, name, property(_counted(counter, key, getter)))
        else:
            monkeypatch.setattr(owner, name, _counted(counter, key, original))
    yield counter


def _counted(counter: Counter[str], key: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        counter[key] += 1
        return function(*args, **kwargs)

    return wrapper


def _article(n: int) -> Article:
    """An article with every block kind, links, a picture, a nested list, code, a table,
    a task list and footnotes (one holding a list and code)."""
    note = Note((Paragraph((Text("Noted "), Link(f"https://n.example/{n}", (Text("n"),)))),))
    long_note = Note((Paragraph((Text("See"),)), BulletList(((Text("x"),),)), CodeBlock("y")))
    return Article(
        ArticleMeta(title=f"Article {n}", source="Wire", url=f"https://news.example/{n}"),
        (
            Paragraph(INLINES),
            Heading(1, (Text("Section"),)),
            Quote((Paragraph((Text("Quoted"),)),), (Link(f"https://q.example/{n}", (Text("Q"),)),)),
            BulletList(
                ((Text("one"),), (Text("two"),)),
                ((1, OrderedList(((Text("a"),), (Text("b"),)), start=4)),),
            ),
            Figure("map.png", f"Map {n}", str(IMAGE)),
            Paragraph((Link(f"https://news.example/{n}/more", (Text("more"),)),)),
            Paragraph((Strikethrough((Text("old"),)), Text(" new"), note, long_note)),
            CodeBlock("def f():\n\treturn 1"),
            Table(
                ((Text("City"),), (Text("Votes"),)),
                (((Link(f"https://c.example/{n}", (Text("Lviv"),)),), (Text("12"), note)),),
                ("left", "right"),
            ),
            OrderedList(((Text("done"),), (Text("open"),)), checks=(True, False)),
        ),
    )


def _pack_calls(style: Style, calls: Counter[str], count: int) -> Counter[str]:
    calls.clear()
    pack = make_pack(
        [_article(n) for n in range(count)], PackMeta(title="Pack", classification="OFFICIAL")
    )
    data = DocxWriter().write_pack(pack, style)
    assert data[:2] == b"PK"
    return Counter(calls)


@pytest.mark.parametrize("variant", ["plain", "logo and template"])
def test_pack_python_docx_calls_do_not_grow_with_articles(
    style: Style, calls: Counter[str], tmp_path: Path, logo: Path, variant: str
) -> None:
    if variant != "plain":
        template = tmp_path / "house.docx"
        house = Document()
        house.sections[0].header.paragraphs[0].add_run().add_picture(str(IMAGE))
        house.add_paragraph("Template text").add_run().add_picture(str(logo))
        house.save(str(template))
        style = dataclasses.replace(style, pack={**style.pack, "logo": str(logo)}).with_options(
            "docx", template=str(template)
        )
    # The first pack of a style also builds the base document its packs start from, and
    # the second looks up its styles' ids for every later copy, once per process
    # (writers/docx/_base.py): counted from the third on.
    _pack_calls(style, calls, 1)
    _pack_calls(style, calls, 1)
    small = _pack_calls(style, calls, 2)
    large = _pack_calls(style, calls, 8)
    scans = {f"{owner.__name__}.{name}" for owner, name in _SCANS}
    assert not {key: n for key, n in large.items() if key in scans}, "python-docx scans"
    assert small == large


def test_a_pack_of_pictures_shares_and_numbers_them_as_python_docx_does(
    style: Style, logo: Path
) -> None:
    pack = make_pack([_article(n) for n in range(3)], PackMeta(title="Pack"))
    with_logo = dataclasses.replace(style, pack={**style.pack, "logo": str(logo)})
    doc = Document(io.BytesIO(DocxWriter().write_pack(pack, with_logo)))
    # One part per distinct image, however often it is shown; shape ids 1, 2, 3 ...
    media = sorted(p.partname for p in doc.part.package.iter_parts() if "/media/" in p.partname)
    assert media == ["/word/media/image1.png", "/word/media/image2.png"]
    ids = [int(v) for v in doc.element.xpath("//wp:docPr/@id")]
    assert ids == list(range(1, 4))
    # The logo is in the cover's header, left of its band (issue 16), its shape id going
    # on from the body's: no two pictures of the document share one.
    header = doc.sections[0].header
    assert [int(v) for v in header._element.xpath("//wp:docPr/@id")] == [4]
    for part, element, count in ((doc.part, doc.element, 1), (header.part, header._element, 1)):
        image_rels = [r for r in part.rels.values() if r.reltype == RT.IMAGE]
        assert len(image_rels) == count
        assert all(
            r.target_part is part.related_parts[r.rId] for r in image_rels
        )  # the rIds the pictures use resolve
        used = set(element.xpath("//a:blip/@r:embed"))
        assert used == {r.rId for r in image_rels}


def test_style_lookups_are_per_document(style: Style) -> None:
    """Two documents written one after the other do not share looked-up ids."""
    first, second = _styled_document(style), _styled_document(style)
    second.styles["Body Text"].element.set(qn("w:styleId"), "HouseBody")
    a = add_styled_paragraph(first, "Body Text")
    b = add_styled_paragraph(second, "Body Text")
    assert a._p.pPr.pStyle.val == "BodyText"
    assert b._p.pPr.pStyle.val == "HouseBody"
    assert second.part.get_style_id("Hyperlink", WD_STYLE_TYPE.CHARACTER) == "Hyperlink"
