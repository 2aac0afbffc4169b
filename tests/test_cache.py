"""The on-disk parse cache: same output with or without it, and it never gets in the way.

Fonts and hyphenation dictionaries read from the cache must give byte-identical PDFs and
identical hyphens; a corrupt, foreign or unsafe cache file, a disabled cache and a folder
that cannot be written must all fall back to parsing, silently.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

import pyphen
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from briefconv._cache import CACHE_ENV, cache_dir, cached
from briefconv.fonts import FONT_DIR, metrics
from briefconv.fonts.metrics import FontSet
from briefconv.model import Article, ArticleMeta, Emphasis, Paragraph, Strong, Text
from briefconv.pack import handout
from briefconv.styles import load_style
from briefconv.writers import pdf
from briefconv.writers.pdf._text import _MIN_LEFT, _MIN_RIGHT, load_pyphen

from .conftest import ROOT

# One script for every process-level check: it renders the rich article and the sample
# article, and reports on stderr how many fonts and dictionaries it parsed itself.
_SCRIPT = """
import sys
sys.path.insert(0, "tests")
import conftest, pyphen
from reportlab.pdfbase import ttfonts
import briefconv
from briefconv.styles import load_style

parsed = {"fonts": 0, "dicts": 0}
font_init, dict_init = ttfonts.TTFontFace.__init__, pyphen.HyphDict.__init__
def count_font(self, *a, **k):
    parsed["fonts"] += 1
    font_init(self, *a, **k)
def count_dict(self, *a, **k):
    parsed["dicts"] += 1
    dict_init(self, *a, **k)
ttfonts.TTFontFace.__init__, pyphen.HyphDict.__init__ = count_font, count_dict

import os
style = load_style(os.environ["BRIEFCONV_TEST_STYLE"])
rich = briefconv.render(conftest.rich_article.__wrapped__(), "pdf", style)
talks = briefconv.render(briefconv.read_file("source/istanbul-talks.txt"), "pdf", style)
sys.stdout.buffer.write(rich + b"\\0SPLIT\\0" + talks)
sys.stderr.write(f"parsed {parsed['fonts']} {parsed['dicts']}")
"""


def _render_in_process(cache: str, style: Path) -> tuple[bytes, bytes, tuple[int, int]]:
    """Both PDFs from a fresh process using cache folder ``cache``; and what it parsed."""
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        capture_output=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, CACHE_ENV: cache, "BRIEFCONV_TEST_STYLE": str(style)},
        timeout=300,
    )
    rich, talks = proc.stdout.split(b"\0SPLIT\0")
    fonts, dicts = proc.stderr.decode().rsplit("parsed ", 1)[1].split()
    return rich, talks, (int(fonts), int(dicts))


def test_hit_after_miss_gives_identical_pdf_bytes(tmp_path: Path) -> None:
    # Hyphenation on (the bundled styles have it off since issue 16), so that a
    # dictionary is parsed, and cached, too.
    style = tmp_path / "hyphenated.toml"
    style.write_text('based_on = "default"\n[pdf]\nhyphenate = true\n', encoding="utf-8")
    off = _render_in_process("", style)
    cold = _render_in_process(str(tmp_path / "cache"), style)
    warm = _render_in_process(str(tmp_path / "cache"), style)
    assert off[:2] == cold[:2] == warm[:2]
    assert off[0].startswith(b"%PDF-") and off[1].startswith(b"%PDF-")
    # Without a cache and with an empty one every face and dictionary in use is parsed;
    # with a full one, none is.
    assert off[2] == cold[2] and off[2][0] >= 4 and off[2][1] == 1
    assert warm[2] == (0, 0)
    names = sorted(p.name.split("-")[0] for p in (tmp_path / "cache").iterdir())
    # The body face's measured width (max_measure, issue 16) is cached too; it parses
    # its face through the same font cache.
    assert names.count("pyphen") == 1 and names.count("measure") == 1
    assert names.count("ttfont") >= off[2][0]


# A DOCX with its faces embedded, and how many font files fontTools opened to make it.
_DOCX_SCRIPT = """
import sys
from fontTools import ttLib
import briefconv

opened = 0
font_init = ttLib.TTFont.__init__
def count(self, *a, **k):
    global opened
    opened += 1
    font_init(self, *a, **k)
ttLib.TTFont.__init__ = count

sys.stdout.buffer.write(briefconv.render(briefconv.read_file("source/istanbul-talks.txt"), "docx"))
sys.stderr.write(f"opened {opened}")
"""


def _docx_in_process(cache: str) -> tuple[bytes, int]:
    """The sample handout's DOCX from a fresh process using cache folder ``cache``."""
    proc = subprocess.run(
        [sys.executable, "-c", _DOCX_SCRIPT],
        capture_output=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, CACHE_ENV: cache, "SOURCE_DATE_EPOCH": "1780000000"},
        timeout=300,
    )
    return proc.stdout, int(proc.stderr.decode().rsplit("opened ", 1)[1])


def test_docx_font_facts_and_subsets_come_from_the_cache(tmp_path: Path) -> None:
    """With a full cache, a DOCX embeds its faces without fontTools opening a font file.

    What the font table says of each face (its PANOSE, charset, widths class ...), the
    characters it has and its subsets are all read back; the bytes are the same.
    """
    off = _docx_in_process("")
    cold = _docx_in_process(str(tmp_path / "cache"))
    warm = _docx_in_process(str(tmp_path / "cache"))
    assert off[0] == cold[0] == warm[0]
    assert off[0][:2] == b"PK"
    assert off[1] == cold[1] >= 4  # the four faces the sample draws, at least
    assert warm[1] == 0
    kinds = {p.name.rsplit("-", 1)[0] for p in (tmp_path / "cache").iterdir()}
    assert {"docx-font-info", "docx-font-characters", "docx-font-subset"} <= kinds


def test_lazy_registration_registers_only_the_faces_used(tmp_path: Path) -> None:
    # Copies of the bundled fonts: new paths, so names no earlier test has registered.
    families = []
    for key, stem, faces in (
        ("serif", "DejaVuSerif", ("", "-Bold", "-Italic", "-BoldItalic")),
        ("sans", "DejaVuSans", ("", "-Bold", "-Oblique", "-BoldOblique")),
        ("mono", "DejaVuSansMono", ("", "-Bold", "-Oblique", "-BoldOblique")),
    ):
        lines = [f"[fonts.{key}]", f'name = "Copy of {stem}"']
        for field, suffix in zip(("regular", "bold", "italic", "bold_italic"), faces, strict=True):
            copy = tmp_path / f"{stem}{suffix}.ttf"
            shutil.copy(FONT_DIR / f"{stem}{suffix}.ttf", copy)
            lines.append(f'{field} = "{copy}"')
        families.append("\n".join(lines))
    style_path = tmp_path / "copies.toml"
    body = 'based_on = "default"\n\n' + "\n\n".join(families) + "\n"
    style_path.write_text(body, encoding="utf-8")
    style = load_style(style_path)

    def ours() -> set[str]:
        copies = {metrics._names(f).base for f in style.fonts.values()}
        return {n for n in pdfmetrics.getRegisteredFontNames() if n.rsplit("-", 1)[0] in copies}

    FontSet(style)
    assert ours() == set()
    article = Article(
        ArticleMeta(title="Talks"),
        (Paragraph((Text("Plain, "), Strong((Text("strong"),)), Emphasis((Text(" and"),)))),),
    )
    data = pdf.PdfWriter().write_pack(handout(article), style)
    serif = metrics._names(style.fonts["serif"])
    sans = metrics._names(style.fonts["sans"])
    # Body regular, bold and italic; title (sans bold); byline and footer (sans regular).
    # No bold italic, and nothing of the mono family.
    assert ours() == {*serif.faces[:3], *sans.faces[:2]}
    assert b"DejaVuSerif-Bold" in data and b"DejaVuSerif-Italic" in data
    # <b> and <i> inside a body paragraph still reach the family's bold and italic faces.
    from reportlab.lib.fonts import ps2tt, tt2ps

    assert tt2ps(ps2tt(serif.faces[0])[0], 1, 0) == serif.faces[1]
    assert tt2ps(ps2tt(serif.faces[1])[0], 1, 1) == serif.faces[3]


def test_cached_font_matches_a_fresh_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    path = (FONT_DIR / "DejaVuSans.ttf").resolve()
    fresh = TTFont("cache-test", str(path))
    miss = metrics._load_font("cache-test", path)
    hit = metrics._load_font("cache-test", path)
    assert len(list(tmp_path.iterdir())) == 1
    assert hit.face is not miss.face  # really read back, not the same object
    for font in (miss, hit):
        assert type(font) is TTFont and not font.state
        objects = ("face", "state", "encoding")  # compared below, or made anew
        assert {k: v for k, v in vars(font).items() if k not in objects} == {
            k: v for k, v in vars(fresh).items() if k not in objects
        }
        assert set(vars(font)) == set(vars(fresh))
        assert vars(font.encoding) == vars(fresh.encoding)
        # Read back, the glyph-to-characters table (used only to shape text) stays
        # pickled until something reads it; then it is the fresh parse's, in its order.
        assert "glyphToChar" not in vars(font.face)
        for key, value in vars(fresh.face).items():
            if key != "_pdfScale":
                assert getattr(font.face, key) == value, key
        assert list(font.face.glyphToChar) == list(fresh.face.glyphToChar)
        assert set(vars(font.face)) == set(vars(fresh.face))
        for units in (0, 1, 1000, 2048, -3, 0.5):
            assert font.pdfScale(units) == fresh.pdfScale(units)
    # Subsetting at output time reads the glyph data the parsed face holds.
    subset = [ord(c) for c in "Київ Αθήνα Zürich fi ffl …"]
    expected = fresh.face.makeSubset(subset)
    assert miss.face.makeSubset(subset) == expected
    assert hit.face.makeSubset(subset) == expected


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en_US", ["hyphenation", "international", "reproducibility", "Mediterranean"]),
        ("de_DE", ["Donaudampfschifffahrt", "Waffenstillstand", "Verhandlungen"]),
        ("uk", ["суверенітету", "переговорів", "Міністерство", "ґрунтовний"]),
        ("el", ["παρακολουθεί", "διαπραγματεύσεις", "Αθήνα"]),
        # Non-standard hyphenation (the pattern's "/" alternatives, kept as DataInt.data).
        ("hu", ["asszonnyal", "összefüggés", "hosszú", "Kossuth", "eddzen", "ennyivel"]),
        ("ca", ["paral·lel", "col·lecció", "intel·ligència"]),
    ],
)
def test_cached_dictionary_hyphenates_identically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, words: list[str]
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    path = pyphen.LANGUAGES[pyphen.language_fallback(lang)]
    fresh = pyphen.HyphDict(path)
    for _ in range(2):  # a miss, then a hit
        monkeypatch.setattr(pyphen, "hdcache", {})
        dic = load_pyphen(pyphen.language_fallback(lang))
        assert type(dic.hd) is pyphen.HyphDict and dic.hd is not fresh
        assert dic.hd.patterns == fresh.patterns
        for word in words:
            got, want = dic.hd.positions(word), fresh.positions(word)
            assert got == want
            assert [p.data for p in got] == [p.data for p in want]
            plain = pyphen.Pyphen(filename=path, left=_MIN_LEFT, right=_MIN_RIGHT)
            assert dic.inserted(word, "\u00ad") == plain.inserted(word, "\u00ad")
    assert [p.name.split("-")[0] for p in tmp_path.iterdir()] == ["pyphen"]


# --- the cache module on its own --------------------------------------------------------


class _Counter:
    """A build function that counts its calls."""

    def __init__(self, value: dict[str, Any]) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> dict[str, Any]:
        self.calls += 1
        return self.value


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "source.dat"
    path.write_bytes(b"data")
    return path


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(path))
    return path


def _get(source: Path, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    return cached("test", source, ("v1",), build, dict)


def _only_file(folder: Path) -> Path:
    (path,) = folder.iterdir()
    return path


def test_miss_then_hit(source: Path, folder: Path) -> None:
    build = _Counter({"a": [1, 2]})
    assert _get(source, build) == {"a": [1, 2]}
    assert _get(source, build) == {"a": [1, 2]}
    assert build.calls == 1
    entry = _only_file(folder)
    assert entry.name.startswith("test-") and entry.suffix == ".pickle"
    assert entry.stat().st_mode & 0o777 == 0o600


def test_key_changes_with_the_file_and_the_versions(source: Path, folder: Path) -> None:
    build = _Counter({"a": 1})
    _get(source, build)
    cached("test", source, ("v2",), build, dict)
    assert build.calls == 2
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    _get(source, build)
    assert build.calls == 3
    assert len(list(folder.iterdir())) == 3


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),  # truncated
        lambda p: p.write_bytes(b"not a pickle at all"),
        lambda p: p.write_bytes(b""),
        # Unpickles, but names a class that does not exist (a renamed class, say).
        lambda p: p.write_bytes(
            pickle.dumps(PurePosixPath("x")).replace(b"PurePosixPath", b"PureXosixPath")
        ),
        lambda p: p.write_bytes(pickle.dumps(["a list, not a dict"])),
    ],
    ids=["truncated", "garbage", "empty", "missing-class", "wrong-type"],
)
def test_corrupt_file_is_ignored_and_replaced(
    source: Path, folder: Path, damage: Callable[[Path], object], caplog: pytest.LogCaptureFixture
) -> None:
    build = _Counter({"a": 1})
    _get(source, build)
    entry = _only_file(folder)
    damage(entry)
    with caplog.at_level(logging.DEBUG, logger="briefconv"):
        assert _get(source, build) == {"a": 1}
    assert build.calls == 2
    assert not [r for r in caplog.records if r.levelno > logging.DEBUG]
    assert any("ignoring" in r.getMessage() for r in caplog.records)
    # Replaced by a good file: read back next time.
    assert _get(source, build) == {"a": 1}
    assert build.calls == 2


def test_empty_variable_disables_the_cache(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() is None
    build = _Counter({"a": 1})
    _get(source, build)
    _get(source, build)
    assert build.calls == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source.dat"]


def test_folder_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "briefconv"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert cache_dir() == tmp_path / "home" / ".cache" / "briefconv"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == tmp_path / "home" / ".cache" / "briefconv"


def test_unwritable_folder_falls_back_silently(
    source: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    build = _Counter({"a": 1})
    # A folder that cannot be created (its parent is a file): fails even for root.
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    with caplog.at_level(logging.DEBUG, logger="briefconv"):
        assert _get(source, build) == {"a": 1}
        assert _get(source, build) == {"a": 1}
    assert build.calls == 2
    # A folder that exists but refuses new files (read-only, full, no permission).
    folder = tmp_path / "read-only"
    folder.mkdir()
    monkeypatch.setenv(CACHE_ENV, str(folder))

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with caplog.at_level(logging.DEBUG, logger="briefconv"):
        assert _get(source, build) == {"a": 1}
    assert build.calls == 3
    assert list(folder.iterdir()) == []
    assert not [r for r in caplog.records if r.levelno > logging.DEBUG]


def test_unpicklable_value_is_returned_not_stored(source: Path, folder: Path) -> None:
    value = {"f": lambda: None}
    assert _get(source, lambda: value) is value
    assert list(folder.iterdir()) == []  # no entry, and no temporary file left behind


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_file_writable_by_group_or_others_is_not_loaded(
    source: Path, folder: Path, mode: int
) -> None:
    build = _Counter({"a": 1})
    _get(source, build)
    entry = _only_file(folder)
    # What another user could have put there: a pickle that runs code when loaded.
    marker = folder.parent / "code-ran"
    entry.write_bytes(pickle.dumps(_RunsCode(marker)))
    entry.chmod(mode)
    assert _get(source, build) == {"a": 1}
    assert build.calls == 2
    assert not marker.exists()
    # The same file, owner-writable only, would have run it (so the test tests something).
    entry.write_bytes(pickle.dumps(_RunsCode(marker)))
    entry.chmod(0o600)
    _get(source, build)
    assert marker.exists()


def test_file_of_another_user_is_not_loaded(
    source: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = _Counter({"a": 1})
    _get(source, build)
    real = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: real + 1)
    assert _get(source, build) == {"a": 1}
    assert build.calls == 2


def test_symlinked_file_is_not_followed(source: Path, folder: Path, tmp_path: Path) -> None:
    build = _Counter({"a": 1})
    _get(source, build)
    entry = _only_file(folder)
    elsewhere = tmp_path / "elsewhere.pickle"
    elsewhere.write_bytes(pickle.dumps({"a": "from the link"}))
    elsewhere.chmod(0o600)
    entry.unlink()
    entry.symlink_to(elsewhere)
    assert _get(source, build) == {"a": 1}
    assert build.calls == 2


def test_errors_from_build_propagate(source: Path, folder: Path) -> None:
    def broken() -> dict[str, Any]:
        raise ValueError("not a font")

    with pytest.raises(ValueError, match="not a font"):
        _get(source, broken)


def test_missing_source_is_built_without_caching(tmp_path: Path, folder: Path) -> None:
    build = _Counter({"a": 1})
    assert _get(tmp_path / "nowhere", build) == {"a": 1}
    assert not folder.exists()


class _RunsCode:
    """Pickles to a call that creates ``marker`` when unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[[Path], None], tuple[Path]]:
        return (Path.touch, (self.marker,))
