"""The command line behaves as users expect (issue 15): -o FILE.ext, -q/-v anywhere,
completion, usage errors for names typed wrong, errors that name the right file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefconv.cli import cli

from .conftest import SAMPLE
from .terminal import on_a_terminal

ARTICLE = (
    "Talks resume in Istanbul\n\nThe delegations met on Monday.\n\nThey agreed to meet again.\n"
)


def run(
    *args: str, cwd: Path, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real entry point in a new process."""
    return subprocess.run(
        [sys.executable, "-m", "briefconv", *args],
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "talks.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


# --- item 2: the format from -o's extension ----------------------------------------------


def test_o_file_with_an_extension_writes_that_one_file(article: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["convert", str(article), "-o", str(tmp_path / "out.pdf")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf", "talks.txt"]
    # Upper-case extensions too; and -t agreeing with it is fine.
    result = runner.invoke(
        cli, ["convert", str(article), "-t", "epub", "-o", str(tmp_path / "B.EPUB")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "B.EPUB").read_bytes()[:2] == b"PK"


def test_o_folder_keeps_one_file_per_format(article: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for out in ("build", "dotted.v2/"):
        result = runner.invoke(cli, ["convert", str(article), "-o", f"{tmp_path}/{out}"])
        assert result.exit_code == 0, result.output
        names = sorted(p.name for p in (tmp_path / out).iterdir())
        assert names == ["talks.docx", "talks.epub", "talks.pdf"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "out.txt"], ".txt is not an output format's extension"),
        (["-o", "out.pdf", "-t", "docx"], "names a pdf file, but -t asks for docx"),
        (["-o", "out.pdf", "-t", "pdf,epub"], "give a folder (-o DIR) to write several formats"),
        (["-o", "out.pdf", "SECOND"], "names one pdf file, but 2 inputs were given"),
        (["-o", "-"], "-o - writes to standard output"),
    ],
)
def test_ambiguous_outputs_are_usage_errors(
    article: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    second = tmp_path / "second.txt"
    second.write_text(ARTICLE, encoding="utf-8")
    args = [str(second) if a == "SECOND" else a for a in args]
    proc = run("convert", str(article), *args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["second.txt", "talks.txt"]


def test_pack_o_file_writes_one_format(article: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["pack", str(article), "-o", str(tmp_path / "weekly.pdf")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talks.txt", "weekly.pdf"]
    conflict = runner.invoke(
        cli, ["pack", str(article), "-o", str(tmp_path / "w.pdf"), "-t", "docx"]
    )
    assert conflict.exit_code == 2
    assert "names a pdf file, but -t asks for docx" in conflict.output
    into = runner.invoke(cli, ["pack", str(article), "-t", "epub", "-o", f"{tmp_path}/packs/"])
    assert into.exit_code == 0, into.output
    assert [p.name for p in (tmp_path / "packs").iterdir()] == ["briefing-pack.epub"]


def test_library_pack_output_with_an_extension(article: Path, tmp_path: Path) -> None:
    import briefconv

    built = briefconv.build_pack([article], output=tmp_path / "weekly.docx")
    assert built.formats == ("docx",) and built.output == tmp_path / "weekly"
    with pytest.raises(briefconv.FormatError, match="makes it a docx file"):
        briefconv.build_pack([article], output=tmp_path / "weekly.docx", formats="pdf")
    # Any other dotted name is a stem the extensions are added to.
    assert briefconv.build_pack([article], output="weekly.v2").output == Path("weekly.v2")


# --- item 3: -q and -v after the subcommand, -q silences progress ----------------------------


def test_quiet_and_verbose_after_the_subcommand(tmp_path: Path) -> None:
    odd = tmp_path / "odd.txt"
    odd.write_bytes(ARTICLE.encode() + b"Bad \x01 byte.\n")  # a warning: a character removed
    loud = run("convert", str(odd), "-t", "html", "-o", "out", "-v", cwd=tmp_path)
    assert loud.returncode == 0, loud.stderr
    assert "briefconv: info: wrote out/odd.html" in loud.stderr
    assert "warning" in loud.stderr
    for args in (
        ["convert", str(odd), "-t", "html", "-o", "out", "-q"],
        ["-q", "convert", str(odd), "-t", "html", "-o", "out"],
    ):
        quiet = run(*args, cwd=tmp_path)
        assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
    # The last of -q and -v wins, before or after the subcommand.
    last = run("-q", "convert", str(odd), "-t", "html", "-o", "out", "-v", cwd=tmp_path)
    assert "wrote out/odd.html" in last.stderr


def _stderr_on_a_terminal(args: list[str], cwd: Path) -> str:
    """Run briefconv with stderr on a pseudo-terminal (progress shows only there)."""
    return on_a_terminal(*args, cwd=cwd)[2]


def test_quiet_hides_progress(article: Path, tmp_path: Path) -> None:
    second = tmp_path / "second.txt"
    second.write_text(ARTICLE, encoding="utf-8")
    args = ["convert", "talks.txt", "second.txt", "-t", "html", "-o", "out", "-j", "1"]
    shown = _stderr_on_a_terminal(args, tmp_path)
    assert "[1/2] talks.txt" in shown and "[2/2] second.txt" in shown
    assert _stderr_on_a_terminal([*args, "-q"], tmp_path) == ""
    packed = _stderr_on_a_terminal(
        ["pack", "talks.txt", "second.txt", "-t", "html", "-q"], tmp_path
    )
    assert packed == ""


# --- item 9: completion ---------------------------------------------------------------------


def _complete(words: str, cwd: Path) -> list[str]:
    """What bash completion offers for the last word of ``words``."""
    parts = words.split(" ")
    env = {
        "_BRIEFCONV_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
    }
    proc = run(cwd=cwd, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_completion_of_files_formats_and_styles(tmp_path: Path) -> None:
    # Input names complete as files (click's default for a plain argument offered none).
    assert _complete("briefconv convert tal", tmp_path) == ["file,tal"]
    assert _complete("briefconv pack a.txt -o ou", tmp_path) == ["file,ou"]
    assert _complete("briefconv check bu", tmp_path) == ["file,bu"]
    assert _complete("briefconv convert a.txt -t docx,p", tmp_path) == ["plain,docx,pdf"]
    assert _complete("briefconv pack a.txt -t ", tmp_path)[:3] == [
        "plain,docx",
        "plain,pdf",
        "plain,epub",
    ]
    assert _complete("briefconv convert a.txt --style news", tmp_path) == ["plain,newsroom"]
    assert _complete("briefconv convert a.txt -s ./my", tmp_path) == ["file,./my"]
    assert _complete("briefconv styles show lar", tmp_path) == ["plain,large-print"]
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles/house.toml").write_text('description = "ours"\n', encoding="utf-8")
    assert _complete("briefconv convert a.txt -s ho", tmp_path) == ["plain,house"]


def test_the_readme_says_how_to_enable_completion() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for line in (
        'eval "$(_BRIEFCONV_COMPLETE=bash_source briefconv)"',
        'eval "$(_BRIEFCONV_COMPLETE=zsh_source briefconv)"',
        "_BRIEFCONV_COMPLETE=fish_source briefconv | source",
    ):
        assert line in readme


# --- item 13: usage errors, and errors naming the right file ---------------------------------


def test_an_unknown_style_is_a_usage_error_with_a_suggestion(article: Path, tmp_path: Path) -> None:
    for command in (["convert", str(article)], ["pack", str(article)]):
        proc = run(*command, "--style", "newsrom", "-o", "x", cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert "unknown style 'newsrom' (did you mean 'newsroom'?" in proc.stderr
    missing = run("convert", str(article), "--style", "nope/house.toml", cwd=tmp_path)
    assert missing.returncode == 2 and "style file not found" in missing.stderr
    # A style that exists but is broken is a failure (1), not a usage error.
    broken = tmp_path / "broken.toml"
    broken.write_text('based_on = "newsrom"\n', encoding="utf-8")
    proc = run("convert", str(article), "--style", str(broken), "-o", "x", cwd=tmp_path)
    assert proc.returncode == 1 and "did you mean 'newsroom'?" in proc.stderr


def test_an_unwritable_output_is_named_not_its_temporary_file(
    article: Path, tmp_path: Path
) -> None:
    proc = run("convert", str(article), "-o", "/proc/briefconv-test.pdf", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.startswith("briefconv: error: /proc/briefconv-test.pdf: "), proc.stderr
    assert ".tmp" not in proc.stderr


def test_a_full_standard_output_is_blamed_not_the_input(article: Path, tmp_path: Path) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    for command in (["convert", str(article)], ["pack", str(article)]):
        with open("/dev/full", "wb") as full:
            proc = subprocess.run(
                [sys.executable, "-m", "briefconv", *command, "-t", "pdf", "-o", "-"],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                timeout=120,
            )
        assert proc.returncode == 1
        assert "standard output: No space left on device" in proc.stderr, proc.stderr
        assert str(article) not in proc.stderr


def test_outputs_never_replace_a_device(article: Path, tmp_path: Path) -> None:
    # Renaming over a device node (as root) would replace it for everyone.
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    proc = run("convert", str(article), "-o", str(fifo), cwd=tmp_path)
    assert proc.returncode == 1
    assert f"{fifo}: not a regular file" in proc.stderr
    assert fifo.is_fifo()


def test_standard_input_is_named_after_its_title(tmp_path: Path) -> None:
    text = "# Talks «resume» in Kyiv\n\nThe delegations met.\n"
    proc = run(
        "convert",
        "-",
        "--from",
        "markdown",
        "-t",
        "html",
        "-o",
        "out",
        cwd=tmp_path,
        stdin=text.encode(),
    )
    assert proc.returncode == 0, proc.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["talks-resume-in-kyiv.html"]
    untitled = run(
        "convert", "-", "-t", "html", "-o", "out2", cwd=tmp_path, stdin=SAMPLE.read_bytes()
    )
    assert untitled.returncode == 0, untitled.stderr
    assert [p.name for p in (tmp_path / "out2").iterdir()] == ["stdin.html"]
