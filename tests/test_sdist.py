"""The source distribution holds every file the test suite reads, so it passes unpacked.

The sdist is built by hatchling's own PEP 517 hook, as pip and ``python -m build`` call it.
What the tests read is taken from the tests themselves: every top-level name they join to the
project root (``ROOT / "source"``, ``ROOT.glob("styles/*.toml")``, ...), together with a
floor that must never go missing whatever the tests say (the sample articles, bench/,
styles/, examples/, the Makefile, LICENSE).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from .conftest import ROOT

#: Read by the tests, or shipped with the source on purpose, whatever the scan below finds.
FLOOR = {
    "source",
    "bench",
    "styles",
    "examples",
    "tests",
    "src",
    "LICENSE",
    "CHANGELOG.md",
    "README.md",
    "Makefile",
    "pyproject.toml",
}


def _read_by_tests() -> set[str]:
    """Top-level names the test modules join to the project root."""
    names: set[str] = set()
    pattern = re.compile(
        r"""(?:ROOT|parents\[1\]|parent\.parent)\s*(?:/\s*|\.glob\(\s*|\.rglob\(\s*)["']([^"'/*]+)"""
    )
    for module in (ROOT / "tests").glob("*.py"):
        names.update(pattern.findall(module.read_text(encoding="utf-8")))
    return names


def _project_files(top: str) -> set[str]:
    """Every file under the top-level ``top`` (itself, if a file), caches left out."""
    path = ROOT / top
    if path.is_file():
        return {top}
    return {
        p.relative_to(ROOT).as_posix()
        for p in path.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def test_the_scan_finds_what_the_tests_are_known_to_read() -> None:
    found = _read_by_tests()
    # Guards the scan itself: these are read today (conftest, test_bench, test_api, ...).
    assert {"source", "bench", "styles", "tests", "src", "pyproject.toml", "README.md"} <= found


@pytest.mark.slow  # builds the sdist (about 2 s)
def test_the_sdist_holds_every_file_the_tests_read(tmp_path: Path) -> None:
    if importlib.util.find_spec("hatchling") is None:
        message = "hatchling is not installed: pip install -e '.[test]' (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, hatchling.build as b; print(b.build_sdist(sys.argv[1]))",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    with tarfile.open(tmp_path / proc.stdout.split()[-1]) as archive:
        # Members are "briefconv-0.1.0/<path>"; the project-relative path is what counts.
        shipped = {m.name.split("/", 1)[1] for m in archive.getmembers() if "/" in m.name}
    wanted: set[str] = set()
    for top in FLOOR | _read_by_tests():
        files = _project_files(top)
        assert files, f"{top}: named, but not in the project"
        wanted |= files
    missing = sorted(wanted - shipped)
    assert not missing, f"not in the sdist: {missing[:20]} ({len(missing)} in all)"
    # The sdist is for building and testing, not a copy of the working tree.
    assert not any(
        part in {".venv", "build", ".git"} for name in shipped for part in name.split("/")
    )
