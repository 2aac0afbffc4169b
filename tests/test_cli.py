"""The command line: CliRunner for behaviour, real subprocesses for exit codes and streams."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import briefconv
from briefconv.cli import cli

from .conftest import ROOT, SAMPLE

HEAVY = ("docx", "reportlab", "ebooklib")


def run(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run the real ``briefconv`` entry point in a new process."""
    return subprocess.run(
        [sys.executable, "-m", "briefconv", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def test_help_has_examples_and_imports_no_writer_library() -> None:
    code = (
        "import sys\n"
        "from briefconv.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Examples:" in proc.stdout
    assert "briefconv convert" in proc.stdout
    assert "LOADED []" in proc.stdout


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_load_only_the_cli(option: str) -> None:
    # They must start fast: nothing of the library, nor logging, pathlib or subprocess.
    code = (
        "import sys\n"
        "from briefconv.cli import main\n"
        f"try:\n    main([{option!r}])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('briefconv')),"
        " [m for m in ('logging', 'pathlib', 'subprocess') if m in sys.modules])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = proc.stdout.splitlines()[-1]
    # briefconv._startup is the collector's start-up pause (gc only): main() needs it.
    assert loaded == "['briefconv', 'briefconv._startup', 'briefconv.cli', 'briefconv.errors'] []"


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert briefconv.__version__ in result.output


def test_convert_writes_all_three_formats(tmp_path: Path) -> None:
    proc = run("convert", str(SAMPLE), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["istanbul-talks.docx", "istanbul-talks.epub", "istanbul-talks.pdf"]
    assert (tmp_path / "out" / "istanbul-talks.pdf").read_bytes().startswith(b"%PDF-")
    assert proc.stdout == b""


def test_format_lists_and_repeats(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["convert", str(SAMPLE), "-t", "pdf,docx", "-t", "pdf", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".docx", ".pdf"]


def test_stdout_output_is_clean(tmp_path: Path) -> None:
    proc = run("convert", str(SAMPLE), "-t", "pdf", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(b"%PDF-") and proc.stdout.rstrip().endswith(b"%%EOF")
    assert proc.stderr == b""
    assert list(tmp_path.iterdir()) == []


def test_stdin_input(tmp_path: Path) -> None:
    proc = run(
        "convert",
        "-",
        "-t",
        "epub",
        "--title",
        "From Stdin",
        "-o",
        str(tmp_path),
        stdin=SAMPLE.read_bytes(),
    )
    assert proc.returncode == 0, proc.stderr
    # Named after its title (issue 15): every stdin input was once "stdin.*".
    assert (tmp_path / "from-stdin.epub").is_file()


def test_inspect_outline_and_json() -> None:
    runner = CliRunner()
    outline = runner.invoke(cli, ["inspect", str(SAMPLE)])
    assert outline.exit_code == 0
    assert "# A Tense Start to High-Stakes Talks" in outline.output
    assert "Blocks:   6 Heading, 12 Paragraph, 1 Quote" in outline.output
    as_json = runner.invoke(cli, ["inspect", str(SAMPLE), "--json"])
    assert as_json.exit_code == 0
    assert briefconv.from_json(as_json.output) == briefconv.read_file(SAMPLE)


def test_formats_lists_builtins() -> None:
    result = CliRunner().invoke(cli, ["formats"])
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()][:3] == ["docx", "pdf", "epub"]


@pytest.mark.parametrize(
    "args",
    [
        ["convert"],
        ["convert", "x.txt", "-t", "odt"],
        ["convert", "x.txt", "-t", "pdf,epub", "-o", "-"],
        ["convert", "-", "-"],
        ["nonsense"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    proc = run(*args)
    assert proc.returncode == 2, proc.stderr
    assert b"Traceback" not in proc.stderr


def test_failures_exit_1_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\xe9 society.\n".encode("latin-1"))
    for args in (
        ["convert", str(tmp_path / "missing.txt"), "-o", str(tmp_path)],
        ["convert", str(bad), "-o", str(tmp_path)],
        ["inspect", str(tmp_path)],
    ):
        proc = run(*args)
        assert proc.returncode == 1, (args, proc.stderr)
        lines = proc.stderr.decode().strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("briefconv: error: "), proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latin1.txt"]


def test_batch_continues_past_a_bad_input(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run("convert", str(tmp_path / "missing.txt"), str(SAMPLE), "-t", "epub", "-o", str(out))
    assert proc.returncode == 1
    assert b"missing.txt: no such file" in proc.stderr
    assert (out / "istanbul-talks.epub").is_file()


def test_two_inputs_with_one_name_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    copy = tmp_path / "a" / SAMPLE.name
    copy.write_bytes(SAMPLE.read_bytes())
    result = CliRunner().invoke(cli, ["convert", str(SAMPLE), str(copy), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "would both be written" in result.output


def test_python_m_and_console_script_agree() -> None:
    proc = run("--version")
    assert proc.returncode == 0
    assert briefconv.__version__.encode() in proc.stdout


def test_pack_reads_with_the_options_convert_has(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "cafe.txt").write_bytes("Café society\n\nThe café reopened.\n".encode("latin-1"))
    (folder / "map.md").write_text(
        "# The corridor\n\n![Map of the corridor](../corridor.png)\n", encoding="utf-8"
    )
    (tmp_path / "corridor.png").write_bytes((ROOT / "source/black-sea-corridor.png").read_bytes())
    manifest = folder / "pack.toml"
    manifest.write_text(
        'title = "T"\n[[articles]]\npath = "cafe.txt"\n[[articles]]\npath = "map.md"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out" / "brief"

    refused = run("pack", str(manifest), "-t", "epub", "-o", str(out))
    assert refused.returncode == 1
    assert b"cafe.txt:1: not UTF-8" in refused.stderr and b"pass --encoding" in refused.stderr
    assert not out.parent.exists()

    options = ["-t", "epub", "-o", str(out), "--encoding", "latin-1"]
    no_image = run("pack", str(manifest), *options)
    assert no_image.returncode == 0, no_image.stderr
    assert b"outside the article's folder" in no_image.stderr
    with zipfile.ZipFile(out.with_suffix(".epub")) as book:
        # No article image (the cover image is the pack's own).
        assert not [n for n in book.namelist() if n.startswith("EPUB/images/")]
        pages = [book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml")]
        assert "Café society" in "".join(pages)

    shown = run("pack", str(manifest), *options, "--allow-outside")
    assert shown.returncode == 0 and shown.stderr == b"", shown.stderr
    with zipfile.ZipFile(out.with_suffix(".epub")) as book:
        assert [n for n in book.namelist() if n.startswith("EPUB/images/")]

    too_big = run("pack", str(manifest), *options, "--max-size", "10")
    assert too_big.returncode == 1 and b"raise it with --max-size" in too_big.stderr
