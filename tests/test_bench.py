"""The benchmark still works: its corpus is deterministic and realistic, and a quick run of
every case against pandoc + Typst writes a complete report. Timings are not asserted:
speed is judged by ``make bench`` on a quiet machine, not by the test suite."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import briefconv
from briefconv import BulletList, Heading, OrderedList, Quote

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus = _load("corpus")


def test_corpus_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    first = corpus.write_corpus(12, 7, tmp_path / "a")
    again = corpus.write_corpus(12, 7, tmp_path / "b")
    other = corpus.write_corpus(12, 8, tmp_path / "c")
    assert [p.read_bytes() for p in first.paths] == [p.read_bytes() for p in again.paths]
    assert [p.read_bytes() for p in first.paths] != [p.read_bytes() for p in other.paths]


def test_corpus_articles_are_realistic(tmp_path: Path) -> None:
    made = corpus.write_corpus(30, 2026, tmp_path)
    assert all(380 <= n <= 1600 for n in made.words), made.words
    assert 3 <= made.cyrillic <= 20  # about a third quote Cyrillic
    kinds: set[type] = set()
    for path in made.paths:
        article = briefconv.read_file(path)
        assert article.meta.title and article.meta.authors and article.meta.date
        kinds |= {type(block) for block in article.blocks}
    assert {Heading, Quote, BulletList, OrderedList} <= kinds


@pytest.mark.slow
def test_quick_benchmark_run_writes_every_case(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--quick",
            "--out",
            str(out),
            "--work",
            str(tmp_path / "work"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    for heading in ("## Targets", "## Case 1", "## Case 2", "## Case 3", "## Case 4"):
        assert heading in text
    assert "pandoc 3." in text and "typst" in text.lower()
    # Every case has briefconv's ratio to the peer, as a number.
    ratios = re.findall(r"\| \*\*(\d+\.\d\d)\*\* \|", text)
    assert len(ratios) >= 7, text
    # The outputs it timed are real files of each format.
    written = tmp_path / "work" / "c1-briefconv"
    assert {p.suffix for p in written.iterdir()} == {".docx", ".pdf", ".epub"}
