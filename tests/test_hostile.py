"""Hostile and broken input: a clear one-line error, or valid output with nothing lost.

The corpus is ``tests/hostile/`` with the expected outcome of each file in its
``EXPECTED.toml``; the large cases are generated here so that nothing large is committed.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from .conftest import SAMPLE
from .readback import pandoc_text

CORPUS = Path(__file__).resolve().parent / "hostile"
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads(
    (CORPUS / "EXPECTED.toml").read_text(encoding="utf-8")
)
# Generated attacks with a time and memory budget: tests/test_hostile_budgets.py.
del EXPECTED["budget"]
ERRORS = sorted(k for k, v in EXPECTED.items() if v["outcome"] == "error")
OKS = sorted(k for k, v in EXPECTED.items() if v["outcome"] == "ok")


def briefconv(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command in a new process, as a Makefile would."""
    return subprocess.run(
        [sys.executable, "-m", "briefconv", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def test_every_corpus_file_has_an_expectation() -> None:
    files = {p.name for p in CORPUS.iterdir() if p.name != "EXPECTED.toml"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", ERRORS)
def test_broken_input_is_one_clear_line(name: str, tmp_path: Path) -> None:
    proc = briefconv("convert", str(CORPUS / name), "-o", str(tmp_path / "out"))
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"briefconv: error: {CORPUS / name}")
    assert EXPECTED[name]["message"] in lines[0]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_cp1252_converts_with_encoding(tmp_path: Path) -> None:
    proc = briefconv("inspect", str(CORPUS / "cp1252.txt"), "--encoding", "cp1252", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "Café society – “quoted” €5." in proc.stdout


def _zip_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Every 'ok' case converted once to all three formats by the real command."""
    out: dict[str, tuple[Path, str]] = {}
    for name in OKS:
        folder = tmp_path_factory.mktemp(name.replace(".", "-"))
        proc = briefconv("convert", str(CORPUS / name), "-o", str(folder))
        assert proc.returncode == 0, (name, proc.stderr)
        assert "Traceback" not in proc.stderr
        out[name] = (folder, proc.stderr)
    return out


# Curled quotes back to the straight ones typed (the typography pass curls them).
_STRAIGHT = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


@pytest.mark.parametrize("name", OKS)
def test_hostile_text_gives_valid_output_with_everything_kept(
    name: str,
    rendered: dict[str, tuple[Path, str]],
    epubcheck: Callable[[Path], list[dict[str, Any]]],
    pandoc_ast: Callable[[Path, str], dict[str, Any]],
) -> None:
    folder, stderr = rendered[name]
    expected = EXPECTED[name]
    stem = Path(name).stem
    docx, epub, pdf = (folder / f"{stem}.{ext}" for ext in ("docx", "epub", "pdf"))
    assert epubcheck(epub) == []
    texts = {}
    for path, fmt in ((docx, "docx"), (epub, "epub")):
        ast = pandoc_ast(path, fmt)
        texts[fmt] = pandoc_text(ast["blocks"]) + " " + pandoc_text(list(ast["meta"].values()))
    reader = PdfReader(pdf)
    texts["pdf"] = "\n".join(page.extract_text() for page in reader.pages)
    # Kept means every word is there; the quotes around them are printed curled (issue 16).
    texts = {fmt: text.translate(_STRAIGHT) for fmt, text in texts.items()}
    for word in expected.get("keep", []):
        assert word in texts["docx"], ("docx", word)
        assert word in texts["epub"], ("epub", word)
        if word.isascii():  # the PDF cannot show glyphs its fonts lack; those are warned of
            assert word in texts["pdf"].replace("\n", " "), ("pdf", word)
    everything = _zip_text(docx.read_bytes()) + _zip_text(epub.read_bytes())
    for bad in expected.get("absent", []):
        assert bad not in everything
        assert bad.encode() not in pdf.read_bytes()
    # No image anywhere: an <img> in the text must never embed a local file.
    assert b"/Subtype /Image" not in pdf.read_bytes()
    assert "word/media/" not in everything
    if "warning" in expected:
        assert expected["warning"] in stderr
    assert not list(folder.glob(".*.tmp"))


def test_markup_never_becomes_a_live_link(rendered: dict[str, tuple[Path, str]]) -> None:
    folder, _ = rendered["html-and-script.md"]
    everything = _zip_text((folder / "html-and-script.docx").read_bytes())
    everything += _zip_text((folder / "html-and-script.epub").read_bytes())
    assert 'href="javascript:' not in everything and 'href="data:' not in everything
    assert "<script" not in everything.replace("&lt;script", "")
    assert "https://example.org/a%20b" in everything


def _generated(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("long-word.txt", lambda: "Before " + "x" * 10_000 + " after.\n"),
        ("long-url.txt", lambda: "See https://example.org/" + "a" * 10_000 + " now.\n"),
        ("one-mb-line.txt", lambda: ("Word after word, " * 65_000).strip() + ".\n"),
        ("many-lines.txt", lambda: "".join(f"Line {i} of many.\n" for i in range(100_000))),
    ],
)
def test_large_text_converts(name: str, make: Callable[[], str], tmp_path: Path) -> None:
    path = _generated(tmp_path, name, make())
    proc = briefconv("convert", str(path), "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    pdf = PdfReader(tmp_path / "out" / f"{path.stem}.pdf")
    last = pdf.pages[-1].extract_text()
    tail = path.read_text(encoding="utf-8").split()[-1]
    assert tail.rstrip(".") in last.replace("\n", "")


def test_over_the_size_limit(tmp_path: Path) -> None:
    big = _generated(tmp_path, "big.txt", "Words and more words.\n" * 600_000)  # ~13 MB
    proc = briefconv("inspect", str(big))
    assert proc.returncode == 1
    assert "over the 10 MiB input limit (raise it with --max-size)" in proc.stderr
    small = _generated(tmp_path, "small.txt", "A short article.\n" * 100)
    proc = briefconv("inspect", str(small), "--max-size", "1k")
    assert proc.returncode == 1 and "over the 1 KiB input limit" in proc.stderr
    assert briefconv("inspect", str(small), "--max-size", "2M").returncode == 0


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    path = _generated(tmp_path, "secret.txt", "Text.\n")
    path.chmod(0)
    proc = briefconv("inspect", str(path))
    assert proc.returncode == 1 and "Permission denied" in proc.stderr


def test_failure_leaves_the_previous_output_intact(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert briefconv("convert", str(SAMPLE), "-o", str(out)).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    broken = tmp_path / "broken" / SAMPLE.name
    broken.parent.mkdir()
    broken.write_bytes(b"Not text: \xff\xfd\xfc\n")
    proc = briefconv("convert", str(broken), "-o", str(out))
    assert proc.returncode == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_interrupt_leaves_no_temporary_file_and_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    big = _generated(tmp_path, "slow.txt", ("Word after word, " * 30_000 + "end.\n") * 8)
    target = out / "slow.pdf"
    target.write_bytes(b"the last good handout")
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefconv", "convert", str(big), "-t", "pdf", "-o", str(out)],
        stderr=subprocess.PIPE,
    )
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the conversion finished before the interrupt arrived")
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    assert target.read_bytes() == b"the last good handout"
    assert sorted(p.name for p in out.iterdir()) == ["slow.pdf"]
