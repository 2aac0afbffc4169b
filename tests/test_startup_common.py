"""Start-up of the common path: reading an article and loading a style import little.

What every run does before any writer (read the article, load the style, typeset) is on
the critical path of every command, so what it must not import is pinned here, each in a
fresh interpreter reading ``sys.modules`` afterwards; never how long anything takes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefconv import model, styles, wording
from briefconv.writers import options

from .conftest import SAMPLE
from .test_startup import MAIN

# Reads an article and loads a style (then typesets it, as render() does) in a fresh
# interpreter, and prints which of the modules named in argv[2:] got imported.
_READ = """
import sys
import briefconv
from briefconv.pack import handout
from briefconv.typography import typeset_pack
article = briefconv.read_file(sys.argv[1])
style = briefconv.load_style(None)
typeset_pack(handout(article))
print(" ".join(m for m in sys.argv[2:] if m in sys.modules))
"""


def _imported_by_reading(path: Path, watched: list[str]) -> set[str]:
    """Which of ``watched`` reading ``path`` and loading the default style imported."""
    proc = subprocess.run(
        [sys.executable, "-c", _READ, str(path), *watched],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1780000000"},
    )
    assert proc.returncode == 0, proc.stderr
    return set(proc.stdout.splitlines()[-1].split())


def test_reading_and_styling_import_no_did_you_mean_json_or_docutils() -> None:
    # difflib only words a mistake; json only `styles show`; docutils only curls quotes,
    # and the sample article has no straight quote to curl.
    watched = ["difflib", "json", "docutils", "docutils.utils.smartquotes", "hashlib", "html"]
    assert _imported_by_reading(SAMPLE, watched) == set()


def test_an_article_with_straight_quotes_still_loads_docutils(tmp_path: Path) -> None:
    # The other side: the quotes are curled, by docutils, as before.
    article = tmp_path / "quoted.txt"
    article.write_text('Talks resume\n\nThe minister said "we are close".\n', encoding="utf-8")
    assert "docutils.utils.smartquotes" in _imported_by_reading(
        article, ["docutils.utils.smartquotes"]
    )


@pytest.mark.parametrize("module", [model, styles, wording, options])
def test_common_records_share_their_methods(module: object) -> None:
    # dataclass compiles each generated method with exec (about 0.55 ms a frozen class,
    # dozens of classes per run); briefconv._records shares repr, eq and hash instead.
    records = [
        cls
        for cls in vars(module).values()
        if isinstance(cls, type)
        and dataclasses.is_dataclass(cls)
        and cls.__module__ == module.__name__  # type: ignore[attr-defined]
    ]
    assert records
    for cls in records:
        for name in ("__repr__", "__eq__"):
            assert getattr(cls, name).__module__ == "briefconv._records", (cls, name)


def test_an_epub_of_an_article_without_quotes_imports_no_docutils_nor_html(
    tmp_path: Path,
) -> None:
    code = MAIN + (
        "names = ('docutils', 'html')\nprint(json.dumps([m for m in names if m in sys.modules]))\n"
    )
    args = ["convert", str(SAMPLE), "-t", "epub", "-o", str(tmp_path)]
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "BRIEFCONV_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1]) == []
    assert (tmp_path / "istanbul-talks.epub").stat().st_size > 0
