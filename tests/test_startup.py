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

from briefconv import _parallel

from .conftest import SAMPLE

# What a run may have imported, each checked by exact module name: the three writers'
# libraries, the entry-point reader, fontTools' subsetter, Pillow, the hyphenation
# dictionaries, the Markdown parser.
WATCHED = (
    "docx",
    "reportlab",
    "ebooklib",
    "importlib.metadata",
    "fontTools",
    "fontTools.ttLib",
    "fontTools.subset",
    "PIL",
    "pyphen",
    "markdown_it",
)

#: Runs main() as the console script does, with argv given (so that main() returns to
#: this code, where the console script's call ends the process); the tests' scripts go on
#: from here, reading what the run left behind.
MAIN = """
import gc, json, re, sys
from briefconv.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    if exc.code:
        raise
"""

# Runs main() as the console script does, then prints the watched modules loaded.
_RUN = (
    MAIN
    + """
print(json.dumps(sorted(m for m in {watched!r} if m in sys.modules)))
"""
)


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
        # reportlab's own imports of Pillow and pyphen are put off until an image is drawn
        # or a paragraph hyphenated by reportlab (neither here: briefconv never asks it to).
        ("pdf", {"reportlab"}, {"docx", "ebooklib", "PIL", "pyphen"}),
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
    # One process (-j 1): this one renders, and imports, all three.
    args = ["convert", str(SAMPLE), "-t", "docx,pdf,epub", "-o", str(out), "-j", "1"]
    loaded = _loaded(args, tmp_path / "cache")
    assert "importlib.metadata" not in loaded
    assert "markdown_it" not in loaded  # a .txt article needs no Markdown parser
    assert {"docx", "reportlab", "ebooklib"} <= set(loaded)
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".epub", ".pdf"]


@pytest.mark.skipif(not _parallel.can_fork(), reason="renders fork only on POSIX")
def test_formats_rendered_in_children_are_never_imported_here(tmp_path: Path) -> None:
    # One input to three formats with processes to spare: this process renders the DOCX;
    # the PDF and the EPUB are rendered, and their libraries imported, in children.
    out = tmp_path / "out"
    args = ["convert", str(SAMPLE), "-t", "docx,pdf,epub", "-o", str(out), "-j", "3"]
    _loaded(args, tmp_path / "cache")  # fills the cache: a cold DOCX measures with reportlab
    loaded = set(_loaded(args, tmp_path / "cache"))
    assert "docx" in loaded
    assert not loaded & {"reportlab", "ebooklib"}
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".epub", ".pdf"]


def test_listing_formats_still_reads_the_entry_points(tmp_path: Path) -> None:
    # The other side of the lazy scan: where plugins can matter, they are looked for.
    assert "importlib.metadata" in _loaded(["formats"], tmp_path / "cache")


# Runs main() as the console script does, then prints the collector's state.
_GC = (
    MAIN
    + """
print(gc.isenabled(), gc.get_freeze_count() > 0)
"""
)


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


# Runs main() as the console script does, then says which of reportlab's import-time
# regular expressions were really compiled (a put-off one is not an re.Pattern yet).
_PATTERNS = (
    MAIN
    + """
import reportlab.lib.PyFontify as fontify
import reportlab.lib.rl_safe_eval as safe_eval
import reportlab.lib.textsplit as textsplit
import reportlab.platypus.paragraph as paragraph
found = {
    "uri_pat": paragraph.uri_pat,
    "textsplit.rx": textsplit.rx,
    "rl_unsafe_re": vars(safe_eval)["__rl_unsafe_re__"],
    "PyFontify.matchRE": fontify.matchRE,
    "PyFontify.idRE": fontify.idRE,
}
print(json.dumps({name: isinstance(p, re.Pattern) for name, p in found.items()}))
"""
)


def test_a_pdf_does_not_compile_the_reportlab_patterns_it_never_uses(tmp_path: Path) -> None:
    # uri_pat (long URLs in markup), cjkwrap's CJK splitter, the safe-eval blacklist and
    # Python source colouring: 25-30 ms of start-up for patterns no briefconv PDF uses.
    args = ["convert", str(SAMPLE), "-t", "pdf", "-o", str(tmp_path)]
    env = {**os.environ, "BRIEFCONV_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-c", _PATTERNS, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    compiled = json.loads(proc.stdout.splitlines()[-1])
    # The short, cheap idRE is compiled as reportlab asks: only the costly ones wait.
    assert compiled == {
        "uri_pat": False,
        "textsplit.rx": False,
        "rl_unsafe_re": False,
        "PyFontify.matchRE": False,
        "PyFontify.idRE": True,
    }
    # ... and a put-off pattern still works when something does use it.
    check = (
        "import briefconv.writers.pdf\n"
        "from reportlab.lib.textsplit import rx\n"
        "print(rx.findall('a\u4e2d b\u6587') == ['\u4e2d', '\u6587'], type(rx).__name__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, timeout=300
    ).stdout
    assert out.split() == ["True", "_LazyPattern"]


# Renders an article with an image to stdout, Pillow imported first or last.
_IMAGE = """
import sys
if sys.argv[2] == "pillow first":
    import PIL.Image
import briefconv.writers.pdf  # reportlab's import: Pillow's Image put off, if not loaded
import reportlab.lib.utils as utils
before = "PIL.Image" in sys.modules
import briefconv
pdf = briefconv.render(briefconv.read_file(sys.argv[1]), "pdf")
print(before, utils.Image is sys.modules["PIL.Image"], pdf.count(b"/Subtype /Image"))
sys.stdout.flush()
sys.stdout.buffer.write(pdf)
"""


def test_an_image_imports_pillow_when_drawn_and_gives_the_same_bytes(tmp_path: Path) -> None:
    article = SAMPLE.parent / "shipping-insurance.md"
    env = {
        **os.environ,
        "BRIEFCONV_CACHE_DIR": str(tmp_path / "cache"),
        "SOURCE_DATE_EPOCH": "1780000000",
    }
    outputs = {}
    for order in ("pillow first", "pillow last"):
        proc = subprocess.run(
            [sys.executable, "-c", _IMAGE, str(article), order],
            capture_output=True,
            env=env,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr.decode()
        head, _, pdf = proc.stdout.partition(b"\n")
        outputs[order] = (head.decode().split(), pdf)
    # Imported before the writer, Pillow is used as it is; imported after, reportlab's
    # stand-in gives way to it at the image; either way the map is drawn, the same bytes.
    assert outputs["pillow first"][0] == ["True", "True", "1"]
    assert outputs["pillow last"][0] == ["False", "True", "1"]
    assert outputs["pillow first"][1] == outputs["pillow last"][1]


# Renders the sample to PDF with hyphenation on or off; prints whether pyphen was imported
# and how many soft hyphens the text was given.
_HYPHENS = """
import sys
import briefconv
from briefconv.writers.pdf import _text
style = briefconv.load_style().with_options("pdf", hyphenate=sys.argv[2] == "on")
article = briefconv.read_file(sys.argv[1])
assert briefconv.render(article, "pdf", style).startswith(b"%PDF-")
hyphens = _text.hyphenator("en", sys.argv[2] == "on")("respective negotiations")
print("pyphen" in sys.modules, hyphens.count("\\u00ad"))
"""


@pytest.mark.parametrize(("hyphenate", "expected"), [("off", "False 0"), ("on", "True 4")])
def test_pyphen_is_imported_only_by_a_style_that_hyphenates(
    hyphenate: str, expected: str, tmp_path: Path
) -> None:
    env = {**os.environ, "BRIEFCONV_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-c", _HYPHENS, str(SAMPLE), hyphenate],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == expected


# Runs main() as the console script does, then says, for each face the run registered,
# whether its glyph-to-characters table was ever unpickled.
_FACES = (
    MAIN
    + """
from reportlab.pdfbase import pdfmetrics
faces = [f.face for n, f in pdfmetrics._fonts.items() if n.startswith("briefconv-")]
print(json.dumps(sorted({type(f).__name__: "glyphToChar" in vars(f) for f in faces}.items())))
"""
)


def test_a_pdf_from_the_font_cache_leaves_the_shaping_table_packed(tmp_path: Path) -> None:
    # glyphToChar, the costliest table to unpickle, is read only to shape text, which
    # briefconv's PDFs never do: a run with the fonts cached never unpacks it.
    args = ["convert", str(SAMPLE), "-t", "pdf", "-o", str(tmp_path / "out")]
    env = {**os.environ, "BRIEFCONV_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-c", _FACES, *args]
    for _ in range(2):  # a run that fills the cache, then one that reads it
        proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1]) == [["_CachedFace", False]]
