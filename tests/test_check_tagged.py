"""``briefconv check`` on tagged PDFs (issue 18): tagged or not, and every page's content.

The PDFs are briefconv's own, read back and edited with pypdf where a test needs one broken
in a known place, and one drawn with reportlab's canvas: real files, never mocks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, NameObject, NullObject

import briefconv
from briefconv.check import Finding, check_file
from briefconv.cli import cli

from .conftest import CASES, ROOT, SAMPLE

TEXT_SHOWING = {b"Tj", b"TJ", b"'", b'"'}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample handout (2 pages), a Markdown one with links, and the sample pack."""
    out = tmp_path_factory.mktemp("tagged")
    built = briefconv.build_pack(ROOT / "source" / "pack.toml")
    pack = out / "pack.pdf"
    pack.write_bytes(briefconv.render_pack(built.pack, "pdf", style=built.style))
    return {
        "sample": briefconv.convert(SAMPLE, ["pdf"], out)[0],
        "links": briefconv.convert(CASES / "md" / "full.md", ["pdf"], out)[0],
        "pack": pack,
    }


def _problems(path: Path) -> list[str]:
    return [f.message for f in check_file(path) if f.level == "problem"]


def _edited(src: Path, dst: Path, edit: Callable[[PdfWriter], None]) -> Path:
    """A copy of ``src`` that pypdf wrote after ``edit`` changed it."""
    writer = PdfWriter(clone_from=src)
    edit(writer)
    writer.write(dst)
    return dst


def _operations(writer: PdfWriter, index: int) -> tuple[ContentStream, list[Any]]:
    """Page ``index``'s content and its list of operations (edit it, then put it back)."""
    content = ContentStream(writer.pages[index].get_contents(), writer)
    return content, content.operations


def _first_tagged(operations: list[Any], match: Callable[[list[Any]], bool]) -> tuple[int, int]:
    """The positions of the first BDC whose operands ``match`` and of the EMC closing it."""
    start = next(i for i, (a, op) in enumerate(operations) if op == b"BDC" and match(a))
    depth = 0
    for i in range(start, len(operations)):
        op = operations[i][1]
        depth += op in (b"BDC", b"BMC")
        depth -= op == b"EMC"
        if depth == 0:
            return start, i
    raise AssertionError("the sequence is never closed")


def _parent_entry(writer: PdfWriter, index: int) -> Any:
    """Page ``index``'s array of structure elements in the ParentTree (one /Nums, unsplit)."""
    nums: Any = writer.root_object["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    pairs = dict(zip(nums[::2], nums[1::2], strict=True))
    return pairs[writer.pages[index]["/StructParents"]].get_object()


def _has_mcid(operands: list[Any]) -> bool:
    return len(operands) > 1 and "/MCID" in operands[1]


def test_a_tagged_pdf_passes_with_a_note(pdfs: dict[str, Path]) -> None:
    for name in ("sample", "links", "pack"):
        pages = len(PdfReader(pdfs[name]).pages)
        note = f"tagged: {pages} page(s), all content in structure elements or artifacts"
        assert check_file(pdfs[name]) == [Finding("note", note)], name
    result = CliRunner().invoke(cli, ["check", str(pdfs["sample"])])
    assert result.exit_code == 0
    assert result.output == (
        f"{pdfs['sample']}: ok (tagged: 2 page(s), all content in structure elements or "
        "artifacts)\n"
    )


def test_untagged_by_the_style_is_a_problem(tmp_path: Path) -> None:
    style = tmp_path / "untagged.toml"
    style.write_text('based_on = "default"\nname = "untagged"\n[pdf]\ntagged = false\n')
    (path,) = briefconv.convert(SAMPLE, ["pdf"], tmp_path, style=style)
    assert _problems(path) == [
        "not a tagged PDF (no /StructTreeRoot, no /MarkInfo /Marked true): screen readers "
        "get no headings, lists, tables or reading order"
    ]
    assert CliRunner().invoke(cli, ["check", str(path)]).exit_code == 1


def _text_in(operations: list[Any]) -> int:
    return sum(op in TEXT_SHOWING for _, op in operations)


@pytest.mark.parametrize("remove", ["both", "BDC", "EMC"])
def test_content_outside_marked_content_is_named_by_page(
    remove: str, pdfs: dict[str, Path], tmp_path: Path
) -> None:
    """Page 2's first element loses its BDC, its EMC or both; page 1 stays as it was."""
    counted: dict[str, int] = {}

    def edit(writer: PdfWriter) -> None:
        content, operations = _operations(writer, 1)
        start, end = _first_tagged(operations, _has_mcid)
        counted["text"] = _text_in(operations[start:end])
        counted["artifacts after"] = sum(a[:1] == ["/Artifact"] for a, _ in operations[end:])
        for i in sorted({"both": (start, end), "BDC": (start,), "EMC": (end,)}[remove])[::-1]:
            del operations[i]
        writer.pages[1].replace_contents(content)

    path = _edited(pdfs["sample"], tmp_path / "unmarked.pdf", edit)
    assert counted["text"] >= 1  # what lost its tag draws text (the heading opening page 2)
    uncovered = (
        f"page 2: {counted['text']} text operation(s) neither tagged nor marked as artifacts"
    )
    expected = {
        "both": [uncovered],
        "BDC": [uncovered, "page 2: 1 EMC(s) close no sequence"],
        # What follows is inside the element left open: the page's artifacts too.
        "EMC": [
            f"page 2: {counted['artifacts after']} artifact(s) inside tagged content",
            "page 2: 1 marked-content sequence(s) not closed",
        ],
    }
    assert _problems(path) == expected[remove]


def test_an_mcid_inside_an_artifact(pdfs: dict[str, Path], tmp_path: Path) -> None:
    """Page 2's first element, wrapped in an artifact and its element taken out of the tree."""

    def edit(writer: PdfWriter) -> None:
        content, operations = _operations(writer, 1)
        start, end = _first_tagged(operations, _has_mcid)
        assert operations[start][0][1]["/MCID"] == 0
        operations.insert(end + 1, ([], b"EMC"))
        operations.insert(start, ([NameObject("/Artifact")], b"BMC"))
        writer.pages[1].replace_contents(content)
        _parent_entry(writer, 1)[0] = NullObject()

    path = _edited(pdfs["sample"], tmp_path / "inside.pdf", edit)
    assert _problems(path) == [
        "page 2: 1 tagged sequence(s) inside artifacts",
        "page 2: MCID 0 has no structure element in the ParentTree",
    ]


def test_a_page_without_resources_is_still_read(pdfs: dict[str, Path], tmp_path: Path) -> None:
    """pypdf's text extraction skips such a page: its operators are read all the same."""
    counted: dict[str, int] = {}

    def edit(writer: PdfWriter) -> None:
        content, operations = _operations(writer, 1)
        start, end = _first_tagged(operations, _has_mcid)
        counted["text"] = _text_in(operations[start:end])
        del operations[end], operations[start]
        writer.pages[1].replace_contents(content)
        del writer.pages[1][NameObject("/Resources")]

    path = _edited(pdfs["sample"], tmp_path / "bare.pdf", edit)
    assert _problems(path) == [
        f"page 2: {counted['text']} text operation(s) neither tagged nor marked as artifacts"
    ]


def test_a_form_drawn_outside_marked_content_counts_once(
    pdfs: dict[str, Path], tmp_path: Path
) -> None:
    """A footer loses its artifact marks: its text and its Do count, not its form's text."""
    counts: dict[str, int] = {}

    def edit(writer: PdfWriter) -> None:
        content, operations = _operations(writer, 1)
        start, end = _first_tagged(
            operations,
            lambda a: a[0] == "/Artifact" and len(a) > 1 and a[1].get("/Subtype") == "/Footer",
        )
        drawn = operations[start:end]
        names = [a[0] for a, op in drawn if op == b"Do"]
        assert len(names) == 1
        form: Any = writer.pages[1]["/Resources"]["/XObject"][names[0]]
        counts["page"] = _text_in(drawn)
        counts["form"] = _text_in(ContentStream(form, writer).operations)
        del operations[end], operations[start]
        writer.pages[1].replace_contents(content)

    path = _edited(pdfs["pack"], tmp_path / "footer.pdf", edit)
    assert counts["form"] >= 1  # the page number is text, drawn inside the form
    assert _problems(path) == [
        f"page 2: {counts['page']} text operation(s) and 1 image(s) or form(s) neither "
        "tagged nor marked as artifacts"
    ]


def test_mcids_missing_from_the_parent_tree(pdfs: dict[str, Path], tmp_path: Path) -> None:
    last: list[int] = []

    def edit(writer: PdfWriter) -> None:
        elements = _parent_entry(writer, 0)
        last.append(len(elements) - 1)
        del elements[-1]  # page 1's last MCID loses its element
        del writer.pages[1][NameObject("/StructParents")]

    path = _edited(pdfs["sample"], tmp_path / "parents.pdf", edit)
    assert _problems(path) == [
        f"page 1: MCID {last[0]} has no structure element in the ParentTree",
        "page 2: marked content (MCIDs) but no /StructParents",
    ]


def test_links_without_description_or_parent_and_no_tab_order(
    pdfs: dict[str, Path], tmp_path: Path
) -> None:
    def edit(writer: PdfWriter) -> None:
        page = writer.pages[0]
        links = [a.get_object() for a in page["/Annots"]]
        assert [a["/Subtype"] for a in links] == ["/Link", "/Link"]
        del links[0][NameObject("/Contents")]
        del links[1][NameObject("/StructParent")]
        del page[NameObject("/Tabs")]

    path = _edited(pdfs["links"], tmp_path / "links.pdf", edit)
    assert _problems(path) == [
        "page 1: its annotations are not in structure order (no /Tabs /S)",
        "page 1: 1 link(s) not in the structure tree (no /StructParent in the ParentTree)",
        "page 1: 1 link(s) with no /Contents to describe them to screen readers",
    ]


def test_an_empty_link_description_is_a_problem(pdfs: dict[str, Path], tmp_path: Path) -> None:
    from pypdf.generic import TextStringObject

    def edit(writer: PdfWriter) -> None:
        for ref in writer.pages[0]["/Annots"]:
            ref.get_object()[NameObject("/Contents")] = TextStringObject(" ")

    path = _edited(pdfs["links"], tmp_path / "blank.pdf", edit)
    assert _problems(path) == [
        "page 1: 2 link(s) with no /Contents to describe them to screen readers"
    ]


def test_a_canvas_pdf_marked_but_with_untagged_text_on_page_2(tmp_path: Path) -> None:
    """Another tool's PDF: it says it is tagged, page 1 is an artifact, page 2 is not."""
    from reportlab.pdfbase.pdfdoc import PDFDictionary
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "canvas.pdf"
    canvas = Canvas(str(path))
    canvas._doc.Catalog.MarkInfo = PDFDictionary({"Marked": "true"})
    canvas._code.append("/Artifact BMC")
    canvas.drawString(72, 720, "Page one")
    canvas._code.append("EMC")
    canvas.showPage()
    canvas.drawString(72, 720, "Page two")
    canvas.rect(72, 600, 100, 50, fill=1)
    canvas.showPage()
    canvas.save()
    assert PdfReader(path).trailer["/Root"]["/MarkInfo"]["/Marked"] == True  # noqa: E712
    problems = _problems(path)
    assert "no structure tree (/StructTreeRoot): not a tagged PDF" in problems
    assert [p for p in problems if p.startswith("page ") and "tagged" in p] == [
        "page 2: 1 text operation(s) and 1 path(s) or shading(s) neither tagged nor marked "
        "as artifacts"
    ]
