"""What the DOCX writer keeps between documents of one process changes no document's bytes.

The writer builds each style's base document once per process and copies it, and keeps the
deflated form of repeated zip members (writers/docx/_base.py, writers/_zip.py). These
tests write documents of different styles, layouts, languages and constructs in one
process, in several orders and repeated, and compare every one with the same document
written by a fresh process that writes nothing else. The base and the deflated parts are
kept on disk as well: a fresh process that finds them there writes the same bytes, and a
damaged or outdated entry is built (or deflated) again.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import pickle
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.styles.styles import Styles

import briefconv
from briefconv.styles import load_style

ROOT = Path(__file__).resolve().parent.parent

#: A Word template (python-docx's own): documents made from one are built anew each time,
#: between others that are copied.
TEMPLATE = str(Path(docx.__file__).parent / "templates" / "default.docx")

#: name -> (what to read, style, options of its [docx] table): handouts and packs in four
#: styles and two languages, with and without code, tables, notes, figures, embedded
#: fonts and a template.
JOBS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "handout": ("source/istanbul-talks.txt", "default", {}),
    "handout-template": ("source/istanbul-talks.txt", "default", {"template": TEMPLATE}),
    "handout-newsroom": ("source/istanbul-talks.txt", "newsroom", {}),
    "handout-unembedded": ("source/istanbul-talks.txt", "default", {"embed_fonts": False}),
    "markdown-all-constructs": ("tests/cases/md/full.md", "default", {}),
    "markdown-code": ("tests/cases/md/tech-blog.md", "large-print", {}),
    "ukrainian": ("source/kyiv-energy.txt", "default", {}),
    "pack": ("source/pack.toml", "default", {}),
    "pack-official": ("source/pack.toml", "official", {}),
}


def render(name: str) -> bytes:
    """Job ``name``'s DOCX, through the public library."""
    source, style_name, options = JOBS[name]
    style = load_style(style_name)
    if options:
        style = style.with_options("docx", **options)
    if source.endswith(".toml"):
        built = briefconv.build_pack(ROOT / source, style=style)
        return briefconv.render_pack(built.pack, "docx", built.style)
    article = briefconv.read_file(ROOT / source, allow_outside=True)
    if name == "ukrainian":
        article = dataclasses.replace(
            article, meta=dataclasses.replace(article.meta, language="uk")
        )
    return briefconv.render(article, "docx", style)


# Run as a script by the test below: this module, loaded by path in a fresh process.
_ALONE = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("reuse", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
sys.stdout.buffer.write(module.render(sys.argv[2]))
"""


@pytest.fixture(scope="module")
def alone() -> dict[str, bytes]:
    """Each job written by a process of its own, which writes nothing else."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "SOURCE_DATE_EPOCH": "1780000000"}
    out: dict[str, bytes] = {}
    for name in JOBS:
        # One at a time: the first fills the on-disk font cache the others read (the same
        # bytes as subsetting anew, _fonts.py), which is not what is tested here.
        done = subprocess.run(
            [sys.executable, "-c", _ALONE, __file__, name],
            capture_output=True,
            env=env,
            check=True,
            timeout=120,
        )
        out[name] = done.stdout
    return out


@pytest.fixture
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The date the fresh processes write with."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")


def _orders() -> Iterator[tuple[str, list[str]]]:
    names = list(JOBS)
    yield "in order", names
    yield "reversed", names[::-1]
    # Each style's first document followed by others of its key and of other keys, and
    # documents repeated after their base has been copied for others.
    yield "interleaved", [n for pair in zip(names, names[::-1], strict=True) for n in pair]


@pytest.mark.usefixtures("pinned_clock")
@pytest.mark.parametrize("order", [name for name, _ in _orders()])
def test_documents_of_one_process_are_each_as_written_alone(
    alone: dict[str, bytes], order: str
) -> None:
    names = dict(_orders())[order]
    assert len(set(alone.values())) == len(JOBS)  # the jobs are all different documents
    for name in names:
        assert render(name) == alone[name], f"{name} ({order})"


def _counting(counter: Counter[str], key: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        counter[key] += 1
        return function(*args, **kwargs)

    return wrapper


def test_a_style_is_set_up_and_looked_up_once_per_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Word styles are made for a style's first document, their ids found for the second.

    Every later document of the style asks python-docx nothing about its styles (each
    question is an XPath search of the 350 KB styles part).
    """
    counter: Counter[str] = Counter()
    for name in ("add_style", "__getitem__"):
        monkeypatch.setattr(Styles, name, _counting(counter, name, getattr(Styles, name)))
    # A style no other test uses, so that its first document here is its first anywhere.
    style = dataclasses.replace(load_style("newsroom"), description="set up once")
    article = briefconv.read_file(ROOT / "source/grain-corridor.txt")
    outputs: list[bytes] = []
    counts: list[tuple[int, int]] = []
    for _ in range(4):
        counter.clear()
        outputs.append(briefconv.render(article, "docx", style))
        counts.append((counter["add_style"], counter["__getitem__"]))
    (made, _), (remade, looked_up), *later = counts
    assert made > 0  # the styles python-docx's template lacks (Byline, Hyperlink ...)
    assert remade == 0
    assert looked_up > 0
    assert later == [(0, 0), (0, 0)]
    assert len(set(outputs)) == 1


def test_a_face_is_cut_down_once_per_process_for_its_characters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each embedded subset is made (or read from the disk cache) for the first document only.

    Later documents drawing the same characters embed the same bytes without asking again.
    """
    import briefconv.writers.docx._fonts as fonts

    counter: Counter[str] = Counter()
    monkeypatch.setattr(fonts, "cached", _counting(counter, "subset", fonts.cached))
    # A character beyond the base every subset keeps, which the body face has and no
    # other test draws: its subset is new to this process.
    article = briefconv.read_string("Thirds\n\nA third (\u2153) of the grain.\n", name="t.txt")
    outputs: list[bytes] = []
    made: list[int] = []
    for _ in range(3):
        counter.clear()
        outputs.append(briefconv.render(article, "docx"))
        made.append(counter["subset"])
    assert made[0] > 0
    assert made[1:] == [0, 0]
    assert len(set(outputs)) == 1
    with zipfile.ZipFile(io.BytesIO(outputs[0])) as archive:
        assert any(name.startswith("word/fonts/") for name in archive.namelist())


# Writes the sample handout's DOCX in a fresh process (stdout), then says on stderr how
# many base documents it built and how many large members (the styles part, the faces) it
# deflated.
_FRESH = """
import json, sys
import briefconv
from briefconv.writers import _zip
from briefconv.writers.docx import _base
counts = {"builds": 0, "large deflates": 0}
build, deflate = _base._build, _zip._deflate
def counted_build(*args):
    counts["builds"] += 1
    return build(*args)
def counted_deflate(data):
    counts["large deflates"] += len(data) > 50_000
    return deflate(data)
_base._build, _zip._deflate = counted_build, counted_deflate
article = briefconv.read_file(sys.argv[1])
sys.stdout.buffer.write(briefconv.render(article, "docx"))
sys.stderr.write(json.dumps(counts))
"""


def _fresh(cache: Path | str, src: Path = ROOT / "src") -> tuple[bytes, dict[str, int]]:
    """The sample handout's DOCX written by a fresh process with cache folder ``cache``."""
    env = {
        **os.environ,
        "PYTHONPATH": str(src),
        "BRIEFCONV_CACHE_DIR": str(cache),
        "SOURCE_DATE_EPOCH": "1780000000",
    }
    done = subprocess.run(
        [sys.executable, "-c", _FRESH, str(ROOT / "source/istanbul-talks.txt")],
        capture_output=True,
        env=env,
        check=True,
        timeout=120,
    )
    counts: dict[str, int] = json.loads(done.stderr.decode().splitlines()[-1])
    return done.stdout, counts


def test_a_fresh_process_copies_the_base_another_one_stored(tmp_path: Path) -> None:
    """The base and its deflated parts come from the disk cache: the same bytes as building.

    Nothing large is deflated again: the styles part and the faces are stored as the first
    process deflated them.
    """
    cache = tmp_path / "cache"
    off, _ = _fresh("")  # no disk cache at all
    cold, made = _fresh(cache)
    warm, copied = _fresh(cache)
    assert off == cold == warm
    assert made["builds"] == 1
    assert made["large deflates"] >= 5  # the styles part and the four faces the sample draws
    assert copied == {"builds": 0, "large deflates": 0}
    assert len(list(cache.glob("docx-base-*.pickle"))) == 1


@pytest.mark.parametrize("damage", ["truncated", "not a pickle", "styles deflated wrong"])
def test_a_damaged_stored_base_is_built_or_deflated_again(tmp_path: Path, damage: str) -> None:
    cache = tmp_path / "cache"
    first, _ = _fresh(cache)
    (stored,) = cache.glob("docx-base-*.pickle")
    data = stored.read_bytes()
    if damage == "truncated":
        stored.write_bytes(data[: len(data) // 2])
    elif damage == "not a pickle":
        stored.write_bytes(b"not a pickle")
    else:
        # A valid entry whose styles part's deflated bytes were damaged on disk.
        entry = pickle.loads(data)
        packed = dict(entry.packed)
        good = packed["word/styles.xml"]
        flipped = bytearray(good.deflated)
        flipped[len(flipped) // 2] ^= 0x40
        packed["word/styles.xml"] = dataclasses.replace(good, deflated=bytes(flipped))
        damaged = dataclasses.replace(entry, packed=tuple(packed.items()))
        stored.write_bytes(pickle.dumps(damaged))
    again, counts = _fresh(cache)
    assert again == first
    # The faces come from their own cache entries; the styles part is deflated again,
    # with the base built again or, when only its deflated bytes were damaged, copied.
    builds = 0 if damage == "styles deflated wrong" else 1
    assert counts == {"builds": builds, "large deflates": 1}


def test_a_stored_base_is_not_used_once_the_code_changed(tmp_path: Path) -> None:
    """Any edit to briefconv's code makes a new key: an old base is never taken for new."""
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "briefconv",
        src / "briefconv",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    cache = tmp_path / "cache"
    first, made = _fresh(cache, src)
    _, copied = _fresh(cache, src)
    assert (made["builds"], copied["builds"]) == (1, 0)
    module = src / "briefconv" / "writers" / "docx" / "_styles.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    again, rebuilt = _fresh(cache, src)
    assert rebuilt["builds"] == 1
    assert again == first
    assert len(list(cache.glob("docx-base-*.pickle"))) == 2
