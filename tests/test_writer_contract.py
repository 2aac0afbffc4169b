"""The contract every writer keeps, for every writer in the registry and every test case.

Parametrised over ``briefconv.writers.available_writers()`` (so a new writer is tested the
day it is registered) x the sample and ``tests/cases`` x {one-article handout, three-article
pack}:

- the same bytes twice;
- every word of the model's text is in what the format's reference reader extracts
  (``tests/readback.py``; a format with no extractor there fails, saying to add one);
- no warning on the ``briefconv`` logger for input known to be clean;
- hostile input (``tests/hostile``) gives a file the reference reader opens, and for EPUB
  one EPUBCheck passes with no error and no warning.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import briefconv
from briefconv.model import Article
from briefconv.writers import available_writers

from .conftest import CASES, SAMPLE
from .readback import EXTRACTORS, article_text, found_words, pack_text, words

HOSTILE_DIR = Path(__file__).resolve().parent / "hostile"
WRITERS = list(available_writers())
CASE_FILES = [SAMPLE, *sorted(CASES.glob("*.txt")), *sorted((CASES / "md").glob("*.md"))]
CASE_IDS = [p.name for p in CASE_FILES]
KINDS = ["handout", "pack"]

#: Cases that warn on purpose, with a piece of each warning they must give (and no others).
WARNS_ON_PURPOSE = {
    "breaks-images.md": ("is not fetched", "is outside the article's folder"),
    "full.md": ("is not fetched",),
    "raw-html.md": ("raw HTML removed",),
    "footnotes.md": ("has no definition", "is never referenced"),
}
#: Hostile inputs that convert: markup, XML and invisible or bidi characters in the text.
HOSTILE_CASES = [
    "xml-in-text.txt",
    "reportlab-markup.txt",
    "invisible-and-bidi.txt",
    "html-and-script.md",
]


@contextmanager
def _warnings() -> Iterator[list[logging.LogRecord]]:
    """The WARNING (and worse) records the ``briefconv`` logger emits inside the block."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("briefconv")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


@functools.cache
def _read(path: Path) -> tuple[Article, tuple[str, ...]]:
    """A case read once a session, with the warnings reading it gave."""
    with _warnings() as records:
        article = briefconv.read_file(path)
    return article, tuple(r.getMessage() for r in records)


def _pack_of(index: int, paths: list[Path]) -> briefconv.Pack:
    """The case at ``index`` and the two after it (wrapping around), as one pack."""
    chosen = [paths[(index + k) % len(paths)] for k in range(3)]
    meta = briefconv.PackMeta(title=f"Contract pack: {chosen[0].name}", prepared_by="Test Desk")
    return briefconv.make_pack([_read(p)[0] for p in chosen], meta)


@functools.cache
def _rendered(fmt: str, paths: tuple[Path, ...], index: int, kind: str) -> dict[str, Any]:
    """The output twice, the model's text, and every warning from reading to writing."""
    article, read_warnings = _read(paths[index])
    with _warnings() as records:
        if kind == "handout":
            first = briefconv.render(article, fmt)
            second = briefconv.render(article, fmt)
            text = article_text(article)
        else:
            pack = _pack_of(index, list(paths))
            first = briefconv.render_pack(pack, fmt)
            second = briefconv.render_pack(pack, fmt)
            text = pack_text(pack)
    warnings = [*read_warnings, *(r.getMessage() for r in records)]
    if kind == "pack":  # the other two articles' reading warnings come along
        warnings += [w for k in (1, 2) for w in _read(paths[(index + k) % len(paths)])[1]]
    return {"first": first, "second": second, "text": text, "warnings": warnings}


def _extractor(fmt: str) -> Callable[[bytes], str]:
    extract = EXTRACTORS.get(fmt)
    if extract is None:
        pytest.fail(
            f"the writer {fmt!r} has no reference reader in the tests: add an extractor for "
            f"{fmt!r} to EXTRACTORS in tests/readback.py (bytes -> visible text)"
        )
    return extract


def _missing_words(text: str, extracted: str) -> list[str]:
    found = found_words(extracted)
    return [w for w in words(text) if w not in found]


matrix = pytest.mark.parametrize(
    ("fmt", "index", "kind"),
    [
        pytest.param(fmt, i, kind, id=f"{fmt}-{name}-{kind}")
        for fmt in WRITERS
        for i, name in enumerate(CASE_IDS)
        for kind in KINDS
    ],
)


@matrix
def test_same_bytes_twice(fmt: str, index: int, kind: str) -> None:
    out = _rendered(fmt, tuple(CASE_FILES), index, kind)
    assert out["first"] == out["second"]


@pytest.mark.slow
@matrix
def test_every_model_word_is_read_back(fmt: str, index: int, kind: str) -> None:
    extract = _extractor(fmt)
    out = _rendered(fmt, tuple(CASE_FILES), index, kind)
    assert words(out["text"]), "the case has no words to look for"
    missing = _missing_words(out["text"], extract(out["first"]))
    assert not missing, f"{fmt} {kind} of {CASE_IDS[index]}: words not read back: {missing[:20]}"


@matrix
def test_no_warnings_for_clean_input(fmt: str, index: int, kind: str) -> None:
    out = _rendered(fmt, tuple(CASE_FILES), index, kind)
    involved = {
        CASE_IDS[(index + k) % len(CASE_IDS)] for k in ((0, 1, 2) if kind == "pack" else (0,))
    }
    expected = [
        p for name in sorted(involved & set(WARNS_ON_PURPOSE)) for p in WARNS_ON_PURPOSE[name]
    ]
    for piece in expected:
        assert any(piece in w for w in out["warnings"]), f"no warning about {piece!r} any more"
    unexpected = [w for w in out["warnings"] if not any(piece in w for piece in expected)]
    assert unexpected == []


def test_a_format_without_a_reader_fails_the_contract() -> None:
    with pytest.raises(pytest.fail.Exception, match="add an extractor for 'odt'"):
        _extractor("odt")
    assert {"docx", "pdf", "epub", "html"} <= set(EXTRACTORS)


# --- hostile input ---------------------------------------------------------------------------


@functools.cache
def _hostile_outputs(folder: Path) -> dict[tuple[str, str, str], Path]:
    """Every hostile case as handout and as a pack with the sample, in every format, on disk."""
    out: dict[tuple[str, str, str], Path] = {}
    sample = briefconv.read_file(SAMPLE)
    for name in HOSTILE_CASES:
        article = briefconv.read_file(HOSTILE_DIR / name)
        pack = briefconv.make_pack(
            [article, sample], briefconv.PackMeta(title=f"Hostile: {article.meta.title}")
        )
        for fmt in WRITERS:
            for kind in KINDS:
                if kind == "handout":
                    data = briefconv.render(article, fmt)
                else:
                    data = briefconv.render_pack(pack, fmt)
                path = folder / f"{Path(name).stem}-{kind}.{fmt}"
                path.write_bytes(data)
                out[(name, fmt, kind)] = path
    return out


@pytest.fixture(scope="module")
def hostile_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str], Path]:
    return _hostile_outputs(tmp_path_factory.mktemp("contract-hostile"))


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", HOSTILE_CASES)
@pytest.mark.parametrize("fmt", WRITERS)
def test_hostile_input_gives_a_file_the_reference_reader_opens(
    fmt: str,
    name: str,
    kind: str,
    hostile_outputs: dict[tuple[str, str, str], Path],
    epubcheck: Callable[[Path], list[dict[str, Any]]],
) -> None:
    extract = _extractor(fmt)
    path = hostile_outputs[(name, fmt, kind)]
    text = extract(path.read_bytes())  # raises if the reader cannot open it
    assert words(text)
    if fmt == "epub":
        assert epubcheck(path) == []
