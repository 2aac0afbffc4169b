"""``briefconv check``: clean on what briefconv makes, and it catches broken files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import briefconv
from briefconv.check import check_file
from briefconv.cli import cli

from .conftest import SAMPLE


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("check")
    return {p.suffix[1:]: p for p in briefconv.convert(SAMPLE, ["docx", "pdf", "epub"], out)}


def _problems(path: Path) -> list[str]:
    return [f.message for f in check_file(path) if f.level == "problem"]


@pytest.mark.slow  # `briefconv check` runs EPUBCheck (java -jar)
def test_clean_outputs_pass(outputs: dict[str, Path]) -> None:
    result = CliRunner().invoke(cli, ["check", *map(str, outputs.values())])
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok") == 3


def test_catches_a_truncated_pdf(outputs: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(outputs["pdf"].read_bytes()[:2000])
    result = CliRunner().invoke(cli, ["check", str(broken)])
    assert result.exit_code == 1


def test_catches_a_pdf_with_a_standard_font(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "helvetica.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 720, "Hello")
    canvas.save()
    problems = _problems(path)
    assert any("Helvetica" in p and "not embedded" in p for p in problems)
    assert any("/Lang" in p for p in problems)
    assert any("outline" in p for p in problems)


def _rewrite(src: Path, dst: Path, member: str, change: callable) -> None:  # type: ignore[valid-type]
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == member:
                data = change(data)  # type: ignore[operator]
            zout.writestr(info, data)


@pytest.mark.slow  # `briefconv check` runs EPUBCheck (java -jar)
def test_catches_an_epub_without_language(outputs: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "nolang.epub"
    _rewrite(
        outputs["epub"],
        broken,
        "EPUB/content.opf",
        lambda d: d.replace(b"<dc:language>en</dc:language>", b""),
    )
    problems = _problems(broken)
    assert "no dc:language" in problems
    assert any(p.startswith("EPUBCheck") for p in problems)


def test_catches_skipped_heading_levels_and_fake_headings(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.core_properties.title = "T"
    doc.core_properties.language = "en"
    doc.add_paragraph("One", style="Heading 1")
    doc.add_paragraph("Three", style="Heading 3")
    path = tmp_path / "skip.docx"
    doc.save(str(path))
    problems = _problems(path)
    assert "DOCX: heading level 3 follows level 1" in problems


def test_unknown_and_garbage_files(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    assert _problems(text) == ["not a .docx, .pdf, .epub or .html file"]
    garbage = tmp_path / "garbage.docx"
    garbage.write_bytes(io.BytesIO(b"not a zip").getvalue())
    assert _problems(garbage)[0].startswith("not a valid DOCX file")


def test_html_pages_pass_and_broken_ones_are_named(tmp_path: Path) -> None:
    good = tmp_path / "talks.html"
    good.write_bytes(briefconv.render(briefconv.read_file(SAMPLE), "html"))
    assert _problems(good) == []
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<html><body><h2>Late</h2><img src="https://example.org/t.png"></body></html>',
        encoding="utf-8",
    )
    assert _problems(bad) == [
        "no lang on <html>: screen readers cannot choose a voice",
        "no <title>",
        "no <main> landmark",
        "headings: heading level 2 follows level 0",
        "an image has no alt attribute",
        "<img src='https://example.org/t.png'> is fetched from outside",
    ]


def test_check_refuses_a_docx_bomb_without_reading_it(tmp_path: Path) -> None:
    """Issue 14, item 17: a DOCX whose document.xml unpacks to 2 GB took all the memory."""
    import zipfile

    from briefconv.check import check_file

    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        with out.open("word/document.xml", "w", force_zip64=True) as fh:
            for _ in range(20):
                fh.write(b" " * (1 << 24))  # 320 MiB of spaces, 300 KiB packed
        out.writestr("word/styles.xml", "<w:styles/>")
        out.writestr("docProps/core.xml", "<cp:coreProperties/>")
    findings = check_file(path)
    assert [f.level for f in findings] == ["problem"]
    assert "word/document.xml unpacks to 320 MiB; not read" in findings[0].message
