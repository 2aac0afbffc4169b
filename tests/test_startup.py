"""Start-up: a run imports what the formats it was asked for need, and nothing more.

Each test runs the real command line in a fresh interpreter and reads ``sys.modules``
afterwards; what it pins is which libraries get imported, never how long anything takes
(speed is measured by the bench, not by tests). ``--help`` and ``--version`` are pinned
in tests/test_cli.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SAMPLE

# What a run may have imported, each checked by exact module name: the three writers'
# libraries, the entry-point reader, fontTools' subsetter, Pillow, the Markdown parser.
WATCHED = (
    "docx",
    "reportlab",
    "ebooklib",
    "importlib.metadata",
    "fontTools",
    "fontTools.ttLib",
    "fontTools.subset",
    "PIL",
    "markdown_it",
)

# Runs main() as the console script does, then prints the watched modules loaded.
_RUN = """
import json, sys
from briefconv.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    if exc.code:
        raise
print(json.dumps(sorted(m for m in {watched!r} if m in sys.modules)))
"""


def _loaded(args: list[str], cache: Path) -> list[str]:
    """The watched modules a ``briefconv ARGS`` run imported, in a fresh interpreter."""
    env = {**os.environ, "BRIEFCONV_CACHE_DIR": str(cache), "SOURCE_DATE_EPOCH": "1780000000"}
    proc = subprocess.run(
        [sys.executable, "-c", _RUN.format(watched=WATCHED), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    loaded: list[str] = json.loads(proc.stdout.splitlines()[-1])
    return loaded


@pytest.mark.parametrize(
    ("fmt", "needed", "not_needed"),
    [
        # A handout's EPUB has no cover image: no Pillow, and no fonts to read or cut.
        ("epub", {"ebooklib"}, {"docx", "reportlab", "PIL", "fontTools"}),
        ("pdf", {"reportlab"}, {"docx", "ebooklib"}),
        ("docx", {"docx"}, {"reportlab", "ebooklib"}),
    ],
)
def test_one_builtin_format_imports_its_own_library_only(
    fmt: str, needed: set[str], not_needed: set[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    cache = tmp_path / "cache"
    args = ["convert", str(SAMPLE), "-t", fmt, "-o", str(out)]
    _loaded(args, cache)  # fills the cache: a cold DOCX measures widths with reportlab
    loaded = set(_loaded(args, cache))
    assert needed <= loaded
    # No other writer's library, no entry-point scan (a built-in name needs none), and
    # no Markdown parser for a .txt article.
    assert not loaded & (not_needed | {"importlib.metadata", "markdown_it"})
    assert (out / f"istanbul-talks.{fmt}").stat().st_size > 0


def test_docx_imports_the_font_subsetter_only_to_cut_a_face_not_in_the_cache(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    cold, warm = tmp_path / "cold", tmp_path / "warm"
    first = _loaded(["convert", str(SAMPLE), "-t", "docx", "-o", str(cold)], cache)
    again = _loaded(["convert", str(SAMPLE), "-t", "docx", "-o", str(warm)], cache)
    # The first run cuts the faces down and keeps them in the cache; the second reads
    # them back and never imports the subsetter, nor fontTools' font reader (the font
    # facts and character sets come from the cache too).
    assert {"fontTools.subset", "fontTools.ttLib"} <= set(first)
    assert "fontTools.subset" not in again
    assert "fontTools.ttLib" not in again
    name = "istanbul-talks.docx"
    assert (cold / name).read_bytes() == (warm / name).read_bytes()


def test_three_formats_in_one_run_read_no_entry_points(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["convert", str(SAMPLE), "-t", "docx,pdf,epub", "-o", str(out)]
    loaded = _loaded(args, tmp_path / "cache")
    assert "importlib.metadata" not in loaded
    assert "markdown_it" not in loaded  # a .txt article needs no Markdown parser
    assert {"docx", "reportlab", "ebooklib"} <= set(loaded)
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".epub", ".pdf"]


def test_listing_formats_still_reads_the_entry_points(tmp_path: Path) -> None:
    # The other side of the lazy scan: where plugins can matter, they are looked for.
    assert "importlib.metadata" in _loaded(["formats"], tmp_path / "cache")


# Runs main() as the console script does, then prints the collector's state.
_GC = """
import gc, sys
from briefconv.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    if exc.code:
        raise
print(gc.isenabled(), gc.get_freeze_count() > 0)
"""


@pytest.mark.parametrize(
    ("args", "frozen"),
    [
        (["convert", str(SAMPLE), "-t", "epub", "-o", "{out}"], True),
        (["pack", str(SAMPLE), "-t", "epub", "-o", "{out}/pack"], True),
        (["inspect", str(SAMPLE)], True),
        (["--help"], False),  # ends before any command: nothing to freeze
    ],
)
def test_main_pauses_the_collector_for_start_up_only(
    args: list[str], frozen: bool, tmp_path: Path
) -> None:
    # Start-up's objects are frozen once made (later collections skip them), and the
    # collector runs again for the command's real work.
    argv = [arg.format(out=tmp_path) for arg in args]
    proc = subprocess.run(
        [sys.executable, "-c", _GC, *argv], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == f"True {frozen}"


def test_a_host_running_the_cli_keeps_its_collector(tmp_path: Path) -> None:
    # click's CliRunner (tests, an embedding host) runs `cli`, not main(): nothing frozen.
    code = (
        "import gc, sys\n"
        "from click.testing import CliRunner\n"
        "from briefconv.cli import cli\n"
        "result = CliRunner().invoke(cli, sys.argv[1:])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(gc.isenabled(), gc.get_freeze_count())\n"
    )
    args = ["convert", str(SAMPLE), "-t", "epub", "-o", str(tmp_path)]
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "True 0"
